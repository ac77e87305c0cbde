/**
 * Shared set-up for the end-to-end suites: a throwaway n8n user folder with this package
 * installed, credentials generated for the current stand-in, and the example workflows imported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { request } from 'undici';

import {
	REPO_ROOT,
	activateWorkflowArgs,
	ensureN8nInstalled,
	installPackageIntoUserFolder,
	n8nCli,
	outboundRecord,
	tempUserFolder,
	n8nApp,
	n8nMajor,
	type N8nApp,
	type N8nCliResult,
	type N8nSession,
} from '../../dev/n8n/app';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

// ---------------------------------------------------------------- requirements
// Suites that need something a laptop may lack (Redis for queue mode, Chromium, a Node that can
// run n8n): locally they skip with one clear line; in CI (CI=true) they fail, so a missing piece
// never passes as green there.

/** Set by global-setup.ts when n8n cannot run on this machine; holds the reason. */
export const N8N_MISSING_ENV = 'OCOYA_E2E_N8N_MISSING';

export interface Requirement {
	/** What the suite needs, e.g. 'Redis (redis-server on PATH)'. */
	what: string;
	/** Why it is not there (and how to get it), or undefined when it is. */
	missing: string | undefined;
}

/**
 * True when every requirement is met. Otherwise: in CI throws (the suite fails with the reason);
 * elsewhere prints `<suite> requires X: skipping; in CI this fails (reason)` once and returns
 * false, and the suite picks `describe.skip` / `test.skip` (its hooks then do not run either).
 */
export function requirementsMet(suiteFile: string, ...requirements: Requirement[]): boolean {
	const unmet = requirements.filter((r) => r.missing !== undefined);
	if (unmet.length === 0) return true;
	const suite = path.basename(suiteFile);
	const what = unmet.map((r) => r.what).join(' and ');
	const why = unmet.map((r) => (r.missing as string).split('\n')[0]).join('; ');
	if (process.env.CI === 'true') {
		throw new Error(`${suite} requires ${what}, which is missing: ${unmet.map((r) => r.missing).join('\n')}`);
	}
	process.stderr.write(`[e2e] ${suite} requires ${what}: skipping; in CI this fails (${why})\n`);
	return false;
}

/** The requirement every suite that starts n8n has: the app installed by global-setup.ts. */
export function n8nRequirement(): Requirement {
	return { what: 'n8n (a Node it can run on)', missing: process.env[N8N_MISSING_ENV] };
}

// ---------------------------------------------------------------- examples

/** Credential the examples reference, and a second one with a wrong key for the failure tests. */
export const CREDENTIAL_ID = 'ocoya-standin';
export const CREDENTIAL_NAME = 'Ocoya API (local stand-in)';
export const BAD_CREDENTIAL_ID = 'ocoya-standin-badkey';
export const BAD_CREDENTIAL_NAME = 'Ocoya API (wrong key)';
export const WRONG_API_KEY = 'wrong-key-for-e2e';

/** Fixed ids and node names of the example workflows (examples/*.json). */
export const EXAMPLES = {
	lead: {
		file: 'lead-to-campaign.json',
		id: 'OcoyaLeadToCmpgn',
		webhookPath: 'ocoya-lead',
		trigger: 'New Lead Webhook',
		ocoya: 'Create Ocoya Campaign',
		followUp: 'Follow Up',
		check: 'Has Product and Audience',
		reject: 'Reject Incomplete Lead',
	},
	crm: {
		file: 'crm-batch.json',
		id: 'OcoyaCrmBatch001',
		ocoya: 'Create Ocoya Campaign',
		success: 'Campaign Queued',
		failure: 'Campaign Failed',
		check: 'Has Required Fields',
		rejected: 'Deal Rejected',
	},
	agent: {
		file: 'ai-agent-tool.json',
		id: 'OcoyaAiAgentTool',
		agent: 'AI Agent',
		tool: 'Create Ocoya Campaign',
		model: 'OpenAI Chat Model',
	},
} as const;

export interface Workflow {
	id: string;
	name: string;
	nodes: Array<{
		name: string;
		type: string;
		typeVersion: number;
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		onError?: string;
		[key: string]: unknown;
	}>;
	connections: Record<string, Record<string, Array<Array<{ node: string; type: string; index: number }> | null>>>;
	[key: string]: unknown;
}

export function readExample(file: string): Workflow {
	return JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
}

/**
 * A copy of an example with a new id/name that uses the wrong-key credential (and, for webhook
 * workflows, its own path), for the failure tests.
 */
export function withWrongKey(workflow: Workflow, id: string, webhookPath?: string): Workflow {
	const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
	copy.id = id;
	copy.name = `${workflow.name} (wrong key)`;
	for (const node of copy.nodes) {
		if (node.credentials?.ocoyaApi) node.credentials.ocoyaApi = { id: BAD_CREDENTIAL_ID, name: BAD_CREDENTIAL_NAME };
		if (webhookPath && node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = webhookPath;
			node.webhookId = '00000000-0000-4000-8000-00000000bad1';
		}
	}
	return copy;
}

/** Runs one n8n CLI command (a user folder's, or a queue stack's against its database). */
export type CliRunner = (args: string[]) => Promise<N8nCliResult>;

/** An Ocoya credential pointing at a stand-in. */
export interface StandInCredential {
	id: string;
	name: string;
	standIn: { apiKey: string; baseUrl: string };
}

/**
 * Imports credentials (plain data: import:credentials encrypts it) and workflows, then publishes
 * the workflows, so their webhooks register when n8n next starts. The plain-text key is deleted
 * from disk once imported.
 */
export async function importAndPublish(cli: CliRunner, credentials: StandInCredential[], workflows: Workflow[]): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocoya-e2e-import-'));
	try {
		const credentialsFile = path.join(dir, 'credentials.json');
		fs.writeFileSync(
			credentialsFile,
			JSON.stringify(
				credentials.map(({ id, name, standIn }) => ({ id, name, type: 'ocoyaApi', data: { apiKey: standIn.apiKey, baseUrl: standIn.baseUrl } })),
			),
		);
		await cli(['import:credentials', `--input=${credentialsFile}`]);
		const workflowsFile = path.join(dir, 'workflows.json');
		fs.writeFileSync(workflowsFile, JSON.stringify(workflows));
		await cli(['import:workflow', `--input=${workflowsFile}`]);
		for (const workflow of workflows) await cli(activateWorkflowArgs(workflow.id));
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

export interface PreparedFolder {
	userFolder: string;
	/** Runs an n8n CLI command against this user folder; throws on a non-zero exit unless allowed. */
	cli(args: string[], options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<N8nCliResult>;
	/** Writes a workflow (or list) to a temp file and imports it. */
	importWorkflow(workflow: Workflow | Workflow[]): Promise<void>;
	remove(): void;
}

export interface PrepareOptions {
	baseUrl: string;
	apiKey: string;
	/** Workflows to import (one import:workflow call), e.g. [readExample('crm-batch.json')]. */
	workflows?: Workflow[];
	/** More credentials to import with the two Ocoya ones, e.g. an OpenAI credential for a model stand-in. */
	credentials?: CredentialToImport[];
}

export interface CredentialToImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** Progress lines on stderr, so a slow set-up shows where its time goes. */
export function log(message: string): void {
	process.stderr.write(`[e2e] ${message}\n`);
}

export function timer(): () => string {
	const started = Date.now();
	return () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/**
 * ensureN8nInstalled (no-op when installed), a fresh user folder with the built package, both
 * credentials (plain data: import:credentials encrypts it), and the chosen examples.
 */
export async function prepareUserFolder(options: PrepareOptions): Promise<PreparedFolder> {
	const elapsed = timer();
	await ensureN8nInstalled();
	// OCOYA_E2E_PACKAGE_DIR: test another build of the package (a folder with package.json + dist/).
	const packageDir = process.env.OCOYA_E2E_PACKAGE_DIR || REPO_ROOT;
	if (!fs.existsSync(path.join(packageDir, 'dist', 'nodes', 'Ocoya', 'Ocoya.node.js'))) {
		throw new Error(`${path.join(packageDir, 'dist')} is incomplete: run \`npm run build\` before the e2e suites`);
	}
	const userFolder = tempUserFolder('n8n-e2e-ocoya-');
	installPackageIntoUserFolder(userFolder, { packageDir });
	const files = path.join(userFolder, 'import');
	fs.mkdirSync(files, { recursive: true });
	let counter = 0;

	const cli: PreparedFolder['cli'] = async (args, cliOptions = {}) => {
		const result = await n8nCli(args, { userFolder, timeoutMs: cliOptions.timeoutMs ?? 120_000 });
		if (result.code !== 0 && !cliOptions.allowFailure) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		}
		return result;
	};

	const importWorkflow: PreparedFolder['importWorkflow'] = async (workflow) => {
		const file = path.join(files, `workflow-${++counter}.json`);
		fs.writeFileSync(file, JSON.stringify(workflow, null, 2));
		await cli(['import:workflow', `--input=${file}`]);
	};

	const credentialsFile = path.join(files, 'credentials.json');
	fs.writeFileSync(
		credentialsFile,
		JSON.stringify(
			[
				{
					id: CREDENTIAL_ID,
					name: CREDENTIAL_NAME,
					type: 'ocoyaApi',
					data: { apiKey: options.apiKey, baseUrl: options.baseUrl },
				},
				{
					id: BAD_CREDENTIAL_ID,
					name: BAD_CREDENTIAL_NAME,
					type: 'ocoyaApi',
					data: { apiKey: WRONG_API_KEY, baseUrl: options.baseUrl },
				},
				...(options.credentials ?? []),
			],
			null,
			2,
		),
	);
	await cli(['import:credentials', `--input=${credentialsFile}`]);
	// The plain-text key has no business staying on disk once n8n has it encrypted.
	fs.rmSync(credentialsFile);
	if (options.workflows?.length) await importWorkflow(options.workflows);

	log(`user folder ${userFolder} ready (credentials, ${options.workflows?.length ?? 0} workflow(s)) in ${elapsed()}`);
	return {
		userFolder,
		cli,
		importWorkflow,
		remove: () => fs.rmSync(userFolder, { recursive: true, force: true }),
	};
}

/**
 * The non-loopback connections and DNS lookups the outbound guard recorded for a user folder's
 * n8n processes (main, CLI commands, task runners), one line each, e.g.
 * `pid 123 (n8n) connect api.n8n.io:443 at …`. The suites expect none.
 */
export function outboundAttempts(userFolder: string): string[] {
	return outboundRecord(userFolder).attempts.map(
		(a) => `pid ${a.pid} (${path.basename(a.script ?? '?')}) ${a.kind} ${a.host}${a.port ? `:${a.port}` : ''} at ${(a.stack ?? []).slice(0, 3).join(' < ')}`,
	);
}

/** The first JSON object in a string (n8n prints log lines around what a command outputs). */
export function firstJson<T>(text: string): T {
	const start = text.search(/^[[{]/m);
	if (start < 0) throw new Error(`no JSON in:\n${text.slice(-2000)}`);
	return JSON.parse(text.slice(start)) as T;
}

export async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
		}
		await sleep(250);
	}
}

export interface WebhookReply {
	status: number;
	/** Parsed JSON, else the text. */
	body: unknown;
}

/**
 * n8n's answer to a webhook in "Respond to Webhook" mode whose execution fails before that node:
 * 2.x sends 500 `{ message: 'Error in workflow' }`; 1.x sends 200 with an empty body. Either way
 * the execution is recorded as an error, which is what the suites assert next.
 */
export function failedExecutionStatus(app: N8nApp = n8nApp()): number {
	return n8nMajor(app) >= 2 ? 500 : 200;
}

/** POSTs a JSON body to a production webhook of the n8n at `baseUrl`, like a CRM would. */
export async function postWebhook(baseUrl: string, webhookPath: string, body: unknown): Promise<WebhookReply> {
	const response = await request(`${baseUrl}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		headersTimeout: 60_000,
		bodyTimeout: 60_000,
	});
	const text = await response.body.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Keep the text.
	}
	return { status: response.statusCode, body: parsed };
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
}

/**
 * At least `count` finished executions of one workflow, newest first (n8n may save them a moment
 * after replying). `limit` caps how many are listed.
 */
export async function finishedExecutions(
	owner: N8nSession,
	workflowId: string,
	count: number,
	limit = 20,
): Promise<ExecutionSummary[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	return await waitFor(`${count} finished execution(s) of ${workflowId}`, async () => {
		const { data } = await owner.request<{ data: { results: ExecutionSummary[] } }>(
			'GET',
			`/rest/executions?filter=${filter}&limit=${limit}`,
		);
		const finished = data.results.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
		return finished.length >= count ? finished : undefined;
	});
}

/** An execution's run data as n8n stores it (flattened JSON text; messages appear in it verbatim). */
export async function executionRunData(owner: N8nSession, executionId: string): Promise<string> {
	const { data } = await owner.request<{ data: { data: string } }>('GET', `/rest/executions/${executionId}`);
	return data.data;
}
