/**
 * Jest global set-up for every project: `npm test` on a fresh clone must not need `npm run build`
 * first (the package and e2e suites load dist/). Builds when dist/ is missing or older than a
 * source file; otherwise does nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const BUILT = path.join(ROOT, 'dist', 'nodes', 'Ocoya', 'Ocoya.node.js');
const SOURCES = ['nodes', 'credentials', 'package.json', 'tsconfig.json', 'gulpfile.js'];

function newestMtime(entry: string): number {
	const stat = fs.statSync(entry);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

export default function globalSetup(): void {
	const built = fs.existsSync(BUILT) ? fs.statSync(BUILT).mtimeMs : 0;
	const sources = Math.max(...SOURCES.map((s) => path.join(ROOT, s)).filter((s) => fs.existsSync(s)).map(newestMtime));
	if (built >= sources) return;
	process.stderr.write(`\n[setup] ${built ? 'sources changed since the last build' : 'dist/ is missing'}: npm run build\n`);
	const started = Date.now();
	const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) throw new Error(`npm run build failed (${result.status ?? result.signal})`);
	process.stderr.write(`[setup] built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
