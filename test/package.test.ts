/**
 * What n8n's Community Nodes screen installs: the published tarball and package.json, checked
 * against n8n's rules for community packages. Needs `npm run build` first (the verify script does it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
	name: string;
	keywords: string[];
	files: string[];
	main: string;
	dependencies?: Record<string, string>;
	peerDependencies?: Record<string, string>;
	devDependencies: Record<string, string>;
	n8n: { n8nNodesApiVersion: number; nodes: string[]; credentials: string[] };
};

interface PackResult {
	size: number;
	files: Array<{ path: string }>;
}

describe('package.json follows n8n’s community package rules', () => {
	it('has no runtime dependencies and peers only on n8n-workflow', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});

	it('is findable and declares its node and credential', () => {
		expect(pkg.name).toBe('n8n-nodes-ocoya');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.n8n).toEqual({
			n8nNodesApiVersion: 1,
			credentials: ['dist/credentials/OcoyaApi.credentials.js'],
			nodes: ['dist/nodes/Ocoya/Ocoya.node.js', 'dist/nodes/OcoyaTrigger/OcoyaTrigger.node.js'],
		});
	});

	it('pins n8n-core and n8n-workflow to exact versions', () => {
		expect(pkg.devDependencies['n8n-core']).toMatch(/^\d+\.\d+\.\d+$/);
		expect(pkg.devDependencies['n8n-workflow']).toMatch(/^\d+\.\d+\.\d+$/);
	});
});

describe('the published tarball', () => {
	let packed: PackResult;

	beforeAll(() => {
		if (!existsSync(path.join(root, 'dist/nodes/Ocoya/Ocoya.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` first');
		}
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		packed = (JSON.parse(out) as PackResult[])[0];
	});

	it('holds only dist/, package.json, README.md, LICENSE.md and index.js', () => {
		const outside = packed.files.map((file) => file.path).filter((file) => !file.startsWith('dist/'));
		expect(outside.sort()).toEqual(['LICENSE.md', 'README.md', 'index.js', 'package.json']);
	});

	it('carries the node, its codex, both icons and the credential with its icons', () => {
		const files = new Set(packed.files.map((file) => file.path));
		for (const file of [
			...pkg.n8n.nodes,
			...pkg.n8n.credentials,
			'dist/nodes/Ocoya/Ocoya.node.json',
			'dist/nodes/Ocoya/ocoya.svg',
			'dist/nodes/Ocoya/ocoya.dark.svg',
			'dist/nodes/OcoyaTrigger/OcoyaTrigger.node.json',
			'dist/nodes/OcoyaTrigger/ocoya.svg',
			'dist/nodes/OcoyaTrigger/ocoya.dark.svg',
			'dist/credentials/ocoya.svg',
			'dist/credentials/ocoya.dark.svg',
		]) {
			expect(files).toContain(file);
		}
	});

	it('ships no tests', () => {
		expect(packed.files.filter((file) => /(^|\/)test\/|\.test\./.test(file.path))).toEqual([]);
	});

	it('has light and dark icons that differ', () => {
		const light = readFileSync(path.join(root, 'dist/nodes/Ocoya/ocoya.svg'), 'utf8');
		const dark = readFileSync(path.join(root, 'dist/nodes/Ocoya/ocoya.dark.svg'), 'utf8');
		expect(light).not.toEqual(dark);
	});
});

describe('the built node as n8n loads it', () => {
	it('is usable as an AI tool; Campaign, the default resource, keeps its one Create Campaign action', () => {
		const { Ocoya } = require(path.join(root, 'dist/nodes/Ocoya/Ocoya.node.js')) as typeof import('../nodes/Ocoya/Ocoya.node');
		const description = new Ocoya().description;
		expect(description.usableAsTool).toBe(true);
		expect(description.properties.find((property) => property.name === 'resource')?.default).toBe('campaign');
		const operation = description.properties.find(
			(property) => property.name === 'operation' && property.displayOptions?.show?.resource?.includes('campaign'),
		);
		expect(operation?.options).toEqual([expect.objectContaining({ value: 'create', action: 'Create a campaign' })]);
	});

	it('the trigger is a polling trigger with the Ocoya credential, and its codex names it', () => {
		const { OcoyaTrigger } = require(path.join(root, 'dist/nodes/OcoyaTrigger/OcoyaTrigger.node.js')) as typeof import('../nodes/OcoyaTrigger/OcoyaTrigger.node');
		const description = new OcoyaTrigger().description;
		expect(description).toMatchObject({ name: 'ocoyaTrigger', polling: true, group: ['trigger'], inputs: [] });
		expect(description.credentials).toEqual([{ name: 'ocoyaApi', required: true }]);
		const codex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/OcoyaTrigger/OcoyaTrigger.node.json'), 'utf8')) as { node: string; categories: string[] };
		expect(codex.node).toBe(`${pkg.name}.ocoyaTrigger`);
		expect(codex.categories).toEqual(['Marketing & Content']);
		const light = readFileSync(path.join(root, 'dist/nodes/OcoyaTrigger/ocoya.svg'), 'utf8');
		expect(light).not.toEqual(readFileSync(path.join(root, 'dist/nodes/OcoyaTrigger/ocoya.dark.svg'), 'utf8'));
	});

	it('codex names the node and its category', () => {
		const codex = JSON.parse(readFileSync(path.join(root, 'dist/nodes/Ocoya/Ocoya.node.json'), 'utf8')) as { node: string; categories: string[] };
		expect(codex.node).toBe(`${pkg.name}.ocoya`);
		expect(codex.categories).toEqual(['Marketing & Content']);
	});
});
