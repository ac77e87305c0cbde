/**
 * Runs n8n's community-package scanner (@n8n/scan-community-package) against this repository,
 * locally and before publishing, so a release cannot fail n8n's verification gate.
 *
 * The published CLI only scans packages already on npm (and additionally requires npm provenance
 * and a public GitHub source it can download). Its lint checks are exported, so this script runs
 * them on local folders, exactly as `analyzePackageByName` does after download:
 *
 *   1. source leg   analyzePackage(<repo>, SOURCE_FILE_PATTERNS)      package.json + {nodes,credentials}/**
 *   2. tarball leg  `npm pack` -> unpack -> analyzePackage(<unpacked>, ['**\/*.js', 'package.json'])
 *   3. runtime leg  (ours, not n8n's) the unpacked JS requires only n8n-workflow and relative
 *                   paths, and every file listed in package.json "n8n" exists in the tarball.
 *
 * analyzePackage only fails on ESLint *errors* and only returns a pre-formatted report, so each leg
 * also lints the same files with the scanner's own exported config (buildScanConfig, same ESLint
 * options) to list every finding, warnings included. Exit code is 1 on any error OR warning.
 *
 * It does not build: run `npm run build` first (dist/ must exist).
 * Usage: npx tsx dev/scan-community-package.ts [packageDir]   (default: current directory)
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface AnalyzeResult {
	passed: boolean;
	message?: string;
	details?: string;
}

interface ScannerModule {
	analyzePackage(dir: string, patterns?: string[]): Promise<AnalyzeResult>;
	buildScanConfig(): Promise<unknown[]>;
	SOURCE_FILE_PATTERNS: string[];
}

interface LintMessage {
	ruleId: string | null;
	severity: number;
	message: string;
	line?: number;
	column?: number;
}

interface LintResult {
	filePath: string;
	messages: LintMessage[];
}

interface Finding {
	file: string;
	line: number;
	column: number;
	severity: 'error' | 'warning';
	rule: string;
	message: string;
}

interface LegReport {
	name: string;
	files: number;
	findings: Finding[];
}

const SCANNER_ENTRY = '@n8n/scan-community-package/scanner/scanner.mjs';
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];
/** Runtime modules a compiled file may require: the n8n-provided peer dependency only. */
const ALLOWED_RUNTIME_MODULES = new Set(['n8n-workflow']);

const dynamicImport = async (specifier: string): Promise<unknown> => import(specifier);

async function loadScanner() {
	const scannerPath = require.resolve(SCANNER_ENTRY);
	// Resolve eslint / fast-glob / tmp from the scanner's own location so the exact instances
	// (and versions) the scanner uses are the ones used here.
	const scannerRequire = createRequire(scannerPath);
	const scanner = (await dynamicImport(pathToFileURL(scannerPath).href)) as ScannerModule;
	const eslintModule = (await dynamicImport(
		pathToFileURL(scannerRequire.resolve('eslint')).href,
	)) as { ESLint: new (options: Record<string, unknown>) => { lintFiles(files: string[]): Promise<LintResult[]> } };
	const glob = scannerRequire('fast-glob') as {
		sync(patterns: string[], options: Record<string, unknown>): string[];
	};
	// scanner.mjs creates a temp dir on import; make tmp remove it on exit.
	(scannerRequire('tmp') as { setGracefulCleanup(): void }).setGracefulCleanup();
	return { scanner, ESLint: eslintModule.ESLint, glob };
}

type Loaded = Awaited<ReturnType<typeof loadScanner>>;

/** One scanner leg: n8n's verdict (analyzePackage) plus the itemised findings behind it. */
async function scanLeg(loaded: Loaded, name: string, dir: string, patterns: string[]): Promise<LegReport> {
	const { scanner, ESLint, glob } = loaded;
	const findings: Finding[] = [];

	// Same file selection and ESLint options as analyzePackage.
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	if (files.length === 0) {
		findings.push({
			file: dir,
			line: 0,
			column: 0,
			severity: 'error',
			rule: 'scan/no-files',
			message: `no files matched ${patterns.join(', ')} (was dist/ built?)`,
		});
		return { name, files: 0, findings };
	}

	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	for (const result of await eslint.lintFiles(files)) {
		for (const m of result.messages) {
			findings.push({
				file: relative(dir, result.filePath),
				line: m.line ?? 0,
				column: m.column ?? 0,
				severity: m.severity === 2 ? 'error' : 'warning',
				rule: m.ruleId ?? 'parse-error',
				message: m.message,
			});
		}
	}

	const verdict = await scanner.analyzePackage(dir, patterns);
	const errorsSeen = findings.some((f) => f.severity === 'error');
	if (!verdict.passed && !errorsSeen) {
		// Should not happen (same config, same files); never let a drift hide n8n's own verdict.
		findings.push({
			file: dir,
			line: 0,
			column: 0,
			severity: 'error',
			rule: 'scan/analyzePackage',
			message: `${verdict.message ?? 'failed'}\n${verdict.details ?? ''}`,
		});
	}
	return { name, files: files.length, findings };
}

/** Our extra tarball checks: runtime requires and the files package.json "n8n" points at. */
function runtimeLeg(loaded: Loaded, dir: string): LegReport {
	const findings: Finding[] = [];
	const files = loaded.glob.sync(['**/*.js'], { cwd: dir, ignore: ['node_modules/**'] });
	const requireRe = /\brequire\s*\(\s*(['"`])([^'"`]+)\1\s*\)|\bimport\s*\(\s*(['"`])([^'"`]+)\3\s*\)/g;
	for (const file of files) {
		const lines = readFileSync(join(dir, file), 'utf8').split('\n');
		lines.forEach((text, index) => {
			for (const match of text.matchAll(requireRe)) {
				const spec = match[2] ?? match[4] ?? '';
				if (spec.startsWith('./') || spec.startsWith('../')) continue;
				const moduleName = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
				if (ALLOWED_RUNTIME_MODULES.has(moduleName)) continue;
				findings.push({
					file,
					line: index + 1,
					column: (match.index ?? 0) + 1,
					severity: 'error',
					rule: 'runtime/allowed-modules',
					message: `requires '${spec}'; the published code may only require n8n-workflow and relative paths`,
				});
			}
		});
	}

	const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
		n8n?: { nodes?: string[]; credentials?: string[] };
	};
	for (const listed of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
		if (!existsSync(join(dir, listed))) {
			findings.push({
				file: 'package.json',
				line: 0,
				column: 0,
				severity: 'error',
				rule: 'runtime/n8n-entry-exists',
				message: `"n8n" lists ${listed}, which is not in the packed tarball`,
			});
		}
	}
	return { name: 'runtime (tarball requires + n8n entries)', files: files.length, findings };
}

function packAndUnpack(packageDir: string, workDir: string): string {
	const packDir = join(workDir, 'pack');
	const unpackDir = join(workDir, 'package');
	mkdirSync(packDir, { recursive: true });
	mkdirSync(unpackDir, { recursive: true });
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], {
		cwd: packageDir,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	// npm prints the JSON array last; anything before it would be lifecycle-script output.
	const packed = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string; entryCount: number }>;
	const tarball = join(packDir, packed[0].filename);
	console.log(`packed ${packed[0].filename} (${packed[0].entryCount} files)`);
	execFileSync('tar', ['-xzf', tarball, '-C', unpackDir, '--strip-components=1'], { stdio: 'inherit' });
	return unpackDir;
}

function printLeg(leg: LegReport): void {
	const errors = leg.findings.filter((f) => f.severity === 'error').length;
	const warnings = leg.findings.length - errors;
	console.log(`\n== ${leg.name}: ${leg.files} file(s) scanned`);
	for (const f of leg.findings) {
		console.log(`  ${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.rule}  ${f.message}`);
	}
	console.log(`   ${errors === 0 && warnings === 0 ? 'PASS' : 'FAIL'}: ${errors} error(s), ${warnings} warning(s)`);
}

async function main(): Promise<void> {
	const packageDir = resolve(process.argv[2] ?? process.cwd());
	if (!existsSync(join(packageDir, 'dist'))) {
		console.error(`${join(packageDir, 'dist')} does not exist: run \`npm run build\` first.`);
		process.exit(2);
	}
	const loaded = await loadScanner();
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
	const legs: LegReport[] = [];
	try {
		legs.push(await scanLeg(loaded, 'source (n8n scanner, SOURCE_FILE_PATTERNS)', packageDir, loaded.scanner.SOURCE_FILE_PATTERNS));
		const unpacked = packAndUnpack(packageDir, workDir);
		legs.push(await scanLeg(loaded, 'tarball (n8n scanner, **/*.js + package.json)', unpacked, TARBALL_PATTERNS));
		legs.push(runtimeLeg(loaded, unpacked));
	} finally {
		rmSync(workDir, { recursive: true, force: true });
	}

	legs.forEach(printLeg);
	const total = legs.reduce((n, leg) => n + leg.findings.length, 0);
	console.log(total === 0 ? '\nscan passed: no errors, no warnings' : `\nscan FAILED: ${total} finding(s)`);
	process.exitCode = total === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
