/**
 * Table 4, footprint: what installing and loading the package costs n8n.
 *  - the packed tarball (`npm pack --dry-run --json`: nothing is written);
 *  - the time to `require` the built node and credential, in fresh child processes (a warm
 *    process would hit the module cache), median of several;
 *  - peak memory of 1,000 items through the node in the harness, sampled in a child process.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { startStandIn } from '../ocoya-stand-in';
import { fmt, log, median, REPO_ROOT, table } from './common';
import { HTTP_REQUEST_NODE_FILE } from './http-request-node';
import type { MemoryReport } from './memory-probe';
import { DIST_CREDENTIAL, DIST_NODE } from './ocoya-node';

const run = promisify(execFile);

const REQUIRE_RUNS = 7;
const MEMORY_ITEMS = 1000;
const CHILD_TIMEOUT_MS = 120_000;

interface PackEntry {
	size: number;
	unpackedSize: number;
	entryCount: number;
	files: Array<{ path: string; size: number }>;
}

async function packStats(): Promise<PackEntry> {
	const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: REPO_ROOT,
		timeout: CHILD_TIMEOUT_MS,
		maxBuffer: 16 * 1024 * 1024,
	});
	const [entry] = JSON.parse(stdout) as PackEntry[];
	return entry;
}

/**
 * Runs in a fresh `node` (no tsx, no loaders): optionally loads n8n-workflow first, as n8n has
 * long done before it loads a community package, then times the node file and the credential file.
 */
const REQUIRE_SCRIPT = `
const { performance } = require('node:perf_hooks');
const [workflowPath, nodePath, credentialPath, preload, scope] = process.argv.slice(1);
const t0 = performance.now();
if (preload === '1') require(workflowPath);
const t1 = performance.now();
require(nodePath);
const t2 = performance.now();
if (credentialPath !== '-') require(credentialPath);
const t3 = performance.now();
const files = Object.keys(require.cache).filter((f) => f.startsWith(scope)).length;
process.stdout.write(JSON.stringify({ workflowMs: t1 - t0, nodeMs: t2 - t1, credentialMs: t3 - t2, files }));
`;

interface RequireTiming {
	workflowMs: number;
	nodeMs: number;
	credentialMs: number;
	files: number;
}

async function timeRequire(args: { workflow: string; node: string; credential: string; preload: boolean; scope: string }): Promise<RequireTiming[]> {
	const timings: RequireTiming[] = [];
	for (let i = 0; i < REQUIRE_RUNS; i++) {
		const { stdout } = await run(
			process.execPath,
			['-e', REQUIRE_SCRIPT, args.workflow, args.node, args.credential, args.preload ? '1' : '0', args.scope],
			{ cwd: REPO_ROOT, timeout: CHILD_TIMEOUT_MS },
		);
		timings.push(JSON.parse(stdout) as RequireTiming);
	}
	return timings;
}

async function memoryOf(contender: 'ours' | 'http', baseUrl: string, apiKey: string): Promise<MemoryReport> {
	const probe = path.join(__dirname, 'memory-probe.ts');
	const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', probe, baseUrl, apiKey, contender, String(MEMORY_ITEMS)], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	}).finally(() => clearTimeout(timer));
	const line = stdout.split('\n').find((l) => l.startsWith('MEMORY '));
	if (code !== 0 || !line) throw new Error(`memory probe (${contender}) failed (${code}):\n${stderr.slice(-2000)}`);
	return JSON.parse(line.slice('MEMORY '.length)) as MemoryReport;
}

export async function benchFootprint(): Promise<string> {
	log('footprint: npm pack --dry-run');
	const pack = await packStats();

	log(`footprint: require timings (${REQUIRE_RUNS} fresh processes per row)`);
	const ownWorkflow = require.resolve('n8n-workflow', { paths: [REPO_ROOT] });
	const distScope = path.join(REPO_ROOT, 'dist') + path.sep;
	const warm = await timeRequire({ workflow: ownWorkflow, node: DIST_NODE, credential: DIST_CREDENTIAL, preload: true, scope: distScope });
	const cold = await timeRequire({ workflow: ownWorkflow, node: DIST_NODE, credential: DIST_CREDENTIAL, preload: false, scope: distScope });
	const appWorkflow = require.resolve('n8n-workflow', { paths: [path.join(REPO_ROOT, 'n8n-app')] });
	const httpScope = path.join(REPO_ROOT, 'n8n-app', 'node_modules') + path.sep;
	const http = await timeRequire({ workflow: appWorkflow, node: HTTP_REQUEST_NODE_FILE, credential: '-', preload: true, scope: httpScope });
	const med = (timings: RequireTiming[], pick: (t: RequireTiming) => number): number => median(timings.map(pick));

	log(`footprint: peak memory, ${MEMORY_ITEMS} items (child processes)`);
	const standIn = await startStandIn();
	let ours: MemoryReport;
	let httpMemory: MemoryReport;
	try {
		ours = await memoryOf('ours', standIn.baseUrl, standIn.apiKey);
		standIn.reset();
		httpMemory = await memoryOf('http', standIn.baseUrl, standIn.apiKey);
	} finally {
		await standIn.close();
	}

	const kb = (bytes: number): string => `${fmt(bytes / 1024, 1)} kB`;
	const ms = (value: number): string => `${fmt(value, 1)} ms`;
	const memRow = (label: string, m: MemoryReport): string[] => [
		label,
		`${fmt(m.okItems)}/${fmt(m.items)}`,
		fmt(m.baselineRssMb, 1),
		`${fmt(m.peakRssMb, 1)} (+${fmt(m.peakRssMb - m.baselineRssMb, 1)})`,
		fmt(m.baselineHeapMb, 1),
		`${fmt(m.peakHeapMb, 1)} (+${fmt(m.peakHeapMb - m.baselineHeapMb, 1)})`,
		fmt(m.lifetimeMaxRssMb, 1),
	];
	const fileList = pack.files.map((f) => `\`${f.path}\``).join(', ');

	return [
		'### 4. Footprint',
		'',
		table(
			['Package (`npm pack --dry-run`)', 'Value'],
			[
				['Tarball size', kb(pack.size)],
				['Unpacked size', kb(pack.unpackedSize)],
				['Files in the tarball', fmt(pack.entryCount)],
				['Runtime dependencies', '0 (n8n-workflow is a peer dependency)'],
			],
		),
		'',
		`<details><summary>Files</summary>\n\n${fileList}\n\n</details>`,
		'',
		table(
			[`\`require\` time, median of ${REQUIRE_RUNS} fresh processes`, 'Node file', 'Credential file', 'Files loaded'],
			[
				[
					'Our package, n8n-workflow already loaded (what n8n pays at start-up)',
					ms(med(warm, (t) => t.nodeMs)),
					ms(med(warm, (t) => t.credentialMs)),
					fmt(med(warm, (t) => t.files)),
				],
				[
					'Our package, cold (the node file’s time includes loading n8n-workflow)',
					ms(med(cold, (t) => t.nodeMs)),
					ms(med(cold, (t) => t.credentialMs)),
					fmt(med(cold, (t) => t.files)),
				],
				[
					'For scale: n8n-workflow itself',
					ms(med(warm, (t) => t.workflowMs)),
					'–',
					'–',
				],
				[
					'For scale: n8n’s HTTP Request node (n8n-nodes-base 2.41.1), n8n-workflow already loaded',
					ms(med(http, (t) => t.nodeMs)),
					'–',
					`${fmt(med(http, (t) => t.files))} (n8n-app/node_modules)`,
				],
			],
		),
		'',
		table(
			[`Memory, ${fmt(MEMORY_ITEMS)} items in the harness (MB)`, 'Items ok', 'RSS before', 'Peak RSS (Δ)', 'Heap used before', 'Peak heap used (Δ)', 'Process max RSS'],
			[memRow('**Our node**', ours), memRow('For scale: HTTP Request node', httpMemory)],
		),
		'',
		`Memory: one child process per row (\`--expose-gc\`): load the harness and the node, run ${10} items, collect garbage, then sample ` +
			'`process.memoryUsage()` every 5 ms through the 1,000-item run. “Before” is that steady state (n8n-core, the harness and tsx loaded); ' +
			'the Δ is what the run added. “Process max RSS” is `process.resourceUsage().maxRSS` over the whole child, module loading included. ' +
			'The stand-in runs in the parent process, so its request log is not counted.',
	].join('\n');
}
