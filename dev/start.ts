/**
 * `npm start`: this repo's built package inside the real, pinned n8n, ready to click through.
 *
 *   tsx dev/start.ts [--port N]        (npm start -- --port N; or N8N_PORT=N)
 *
 * 1. installs n8n-app/ on first use (minutes; progress is printed),
 * 2. starts the Ocoya API stand-in on 127.0.0.1:4010 (a fixed port, so the imported
 *    credential's base URL stays valid across restarts; a free port if 4010 is taken),
 * 3. starts the local test model (dev/model-stand-in, demo script) on 127.0.0.1:4011 (same rule),
 *    imports the "Ocoya API (local stand-in)" and "Local test model" credentials (every start,
 *    with the current base URLs) and, with OCOYA_API_KEY set, "Ocoya API (live)" (imported only,
 *    never contacted here),
 * 4. imports the examples/*.json workflows that n8n does not have yet (fixed ids; existing ones
 *    are kept, so edits survive) and publishes the webhook example so its production URL works,
 * 5. starts n8n on 127.0.0.1:5678 (or a free port), creates the local owner account on first
 *    start and prints the editor URL, the login and what to click.
 * Ctrl-C or SIGTERM stops n8n and the stand-in and exits 0; a second Ctrl-C forces.
 * Everything persists in n8n-app/.data/ (git-ignored): user folder, owner login.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
	N8N_APP_ROOT,
	N8nSetupError,
	REPO_ROOT,
	activateWorkflowArgs,
	ensureN8nInstalled,
	freePort,
	installPackageIntoUserFolder,
	n8nApp,
	n8nCli,
	outboundRecord,
	outboundRecordFile,
	startN8n,
	type N8nHandle,
} from './n8n/app';
import { DEMO_SCRIPT, LOCAL_MODEL_CREDENTIAL, startModelStandIn, type ModelStandIn } from './model-stand-in';
import { startStandIn, type StandIn } from './ocoya-stand-in';

export const DATA_DIR = path.join(N8N_APP_ROOT, '.data');
/** N8N_USER_FOLDER of `npm start` and `npm run n8n -- cli …`: database, encryption key, workflows. */
export const USER_FOLDER = path.join(DATA_DIR, 'user');
const OWNER_FILE = path.join(DATA_DIR, 'owner-login.json');
const N8N_LOG = path.join(DATA_DIR, 'n8n.log');
const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
const PACKAGE_NAME = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name;

const LOOPBACK = '127.0.0.1';
const DEFAULT_N8N_PORT = 5678;
// Not 5679: that is the default of n8n's task runner broker (n8n-app moves it, other n8n installs may not).
const DEFAULT_STAND_IN_PORT = 4010;
const DEFAULT_MODEL_PORT = 4011;
const OWNER_EMAIL = 'owner@example.com';
/** The examples reference this id, so it is fixed. */
const STAND_IN_CREDENTIAL = { id: 'ocoya-standin', name: 'Ocoya API (local stand-in)' };
const LIVE_CREDENTIAL = { id: 'ocoya-live', name: 'Ocoya API (live)' };
const LIVE_BASE_URL = 'https://app.ocoya.com/api/_public/v1';
const DEFAULT_WEBHOOK_BODY = { email: 'ada@example.com', product: 'Acme Analytics', audience: 'marketing teams' };
const USAGE = 'usage: npm start [-- --port N]   (or N8N_PORT=N npm start; OCOYA_API_KEY=… adds a live credential)';

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const rel = (p: string): string => path.relative(process.cwd(), p) || '.';

/** An expected problem (bad argument, busy port): printed as one message, no stack trace. */
export class StartError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
	}
}

// ---------------------------------------------------------------- arguments and ports

/** The port the user asked for (`--port N`, `--port=N`, else N8N_PORT), or undefined. */
function requestedPort(argv: string[]): number | undefined {
	let raw: string | undefined = process.env.N8N_PORT || undefined;
	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		if (arg.startsWith('--port=')) raw = arg.slice('--port='.length);
		else if (arg === '--port') raw = argv[++i] ?? '';
		else throw new StartError(`unknown argument '${arg}'\n${USAGE}`, 2);
	}
	if (raw === undefined) return undefined;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`invalid port '${raw}'\n${USAGE}`, 2);
	return port;
}

/** Why 127.0.0.1:port cannot be bound right now (e.g. 'EADDRINUSE'), or undefined when it can. */
async function portProblem(port: number): Promise<string | undefined> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
		server.listen(port, LOOPBACK, () => server.close(() => resolve(undefined)));
	});
}

async function portInUseError(port: number, code: string): Promise<StartError> {
	const why = code === 'EADDRINUSE' ? `something else is listening on ${LOOPBACK}:${port}, maybe another n8n` : code;
	// A neighbour is easier to remember than a random free port.
	let suggestion = 0;
	for (let p = port + 1; p <= Math.min(port + 20, 65535) && !suggestion; p += 1) if (!(await portProblem(p))) suggestion = p;
	return new StartError(
		`Port ${port} is already in use (${why}).\n` +
			`Stop that program, or pick another port: npm start -- --port ${suggestion || (await freePort())}`,
	);
}

/** n8n's port: the requested one (must be free), else 5678 so bookmarks keep working, else any free one. */
async function chooseN8nPort(requested: number | undefined): Promise<number> {
	if (requested !== undefined) {
		const problem = await portProblem(requested);
		if (problem) throw await portInUseError(requested, problem);
		return requested;
	}
	if (!(await portProblem(DEFAULT_N8N_PORT))) return DEFAULT_N8N_PORT;
	const port = await freePort();
	say(`• port ${DEFAULT_N8N_PORT} is in use, so n8n gets port ${port}`);
	return port;
}

/** The stand-in on its fixed port, or on a free one when that is taken (the credential follows it). */
async function startOcoyaStandIn(): Promise<StandIn> {
	try {
		return await startStandIn({ port: DEFAULT_STAND_IN_PORT, keepProcessAlive: true });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		say(`• port ${DEFAULT_STAND_IN_PORT} is in use, so the Ocoya stand-in gets a free port`);
		return await startStandIn({ port: 0, keepProcessAlive: true });
	}
}

/** The local test model on its fixed port, or on a free one when that is taken (its credential follows it). */
async function startLocalModel(): Promise<ModelStandIn> {
	try {
		return await startModelStandIn({ port: DEFAULT_MODEL_PORT, keepProcessAlive: true, script: DEMO_SCRIPT });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		say(`• port ${DEFAULT_MODEL_PORT} is in use, so the local test model gets a free port`);
		return await startModelStandIn({ port: 0, keepProcessAlive: true, script: DEMO_SCRIPT });
	}
}

/**
 * Prints each request the stand-in answered, so the user sees what the node sent. The stand-in
 * has no per-request hook, so this polls its record. Returns a stop that prints what is left.
 */
export function logStandInRequests(standIn: StandIn): () => void {
	let next = 0;
	const flush = (all: boolean): void => {
		for (; next < standIn.requests.length; next += 1) {
			const request = standIn.requests[next];
			// Recorded on arrival; wait for the reply (a reset socket never gets a status).
			if (!all && request.status === null && Date.now() - request.receivedAt < 60_000) return;
			const errors = request.validationErrors?.length ? `  ${request.validationErrors.join('; ')}` : '';
			say(`stand-in | ${request.method} ${request.url} → ${request.status ?? 'no reply'}${errors}`);
		}
	};
	const timer = setInterval(() => flush(false), 250);
	timer.unref();
	return () => {
		clearInterval(timer);
		flush(true);
	};
}

/**
 * What of n8n's output reaches the terminal (all of it goes to the log file). Until n8n is ready
 * only problems show: its ~30 start-up lines (deprecation notes, licence, task runner) would bury
 * the banner. After that every line does, since that is where a failing execution shows up, but
 * never a stack trace: n8n logs the whole `cause` chain of some expected failures with its stack
 * (a wrong key's credential test: n8n's CredentialsTester hands every failed test to its
 * ErrorReporter, which prints a 20-line AxiosError stack). Its frames stay in the log, and one
 * line says where they are.
 */
export class N8nTerminalFilter {
	private inStack = false;

	constructor(private readonly logFile: string) {}

	/** The line to print for one line of n8n output, or undefined to keep it to the log. */
	filter(line: string, ready: boolean): string | undefined {
		if (/^\s+at \S/.test(line) || (this.inStack && /^\s*$/.test(line))) {
			const first = !this.inStack;
			this.inStack = true;
			return first ? `n8n | (stack trace omitted: ${rel(this.logFile)})` : undefined;
		}
		this.inStack = false;
		// The Python runner is optional and absent by design; its "Failed to start" is noise.
		const problem = /error|fail|could not|unable|warn/i.test(line) && !/Python task runner/.test(line);
		return ready || problem ? `n8n | ${line}` : undefined;
	}
}

const terminal = new N8nTerminalFilter(N8N_LOG);

function n8nLine(line: string, ready: boolean): void {
	fs.appendFileSync(N8N_LOG, `${line}\n`);
	const shown = terminal.filter(line, ready);
	if (shown !== undefined) say(shown);
}

/**
 * n8n and its task runners run with the outbound guard (dev/n8n/outbound-guard.js), which records
 * every connection to a host other than loopback. With the stand-in nothing should be there; with
 * OCOYA_API_KEY the live credential's calls to Ocoya are expected. Printed once, at stop.
 */
export function reportOutbound(userFolder: string): void {
	const hosts = [...new Set(outboundRecord(userFolder).attempts.map((a) => a.host))];
	if (hosts.length === 0) return;
	say(`• n8n contacted ${hosts.length} host(s) besides 127.0.0.1 in this run: ${hosts.join(', ')} (details: ${rel(outboundRecordFile(userFolder))})`);
}

// ---------------------------------------------------------------- n8n settings from the caller

/** Where the CLI steps and n8n run: a user folder, and the caller's n8n settings applied on top of n8n-app's. */
export interface N8nTarget {
	userFolder: string;
	env: Record<string, string>;
}

/**
 * Variables n8n documents as its settings (N8N_*, DB_*, EXECUTIONS_*, QUEUE_*, GENERIC_TIMEZONE,
 * WEBHOOK_URL), passed through from the caller's environment, e.g.
 * `N8N_CONCURRENCY_PRODUCTION_LIMIT=20 npm start`. Not the ones this tool owns: N8N_VERSION picks
 * the app, N8N_PORT the port (--port), and the user folder, package folder and task runner
 * broker port are set per process.
 */
export function n8nSettingsFromEnv(source: NodeJS.ProcessEnv = process.env): { passed: Record<string, string>; owned: string[] } {
	const passed: Record<string, string> = {};
	const owned: string[] = [];
	for (const [key, value] of Object.entries(source)) {
		if (value === undefined || !/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|WEBHOOK_URL$)/.test(key)) continue;
		if (OWNED_N8N_SETTINGS.includes(key)) owned.push(key);
		else passed[key] = value;
	}
	return { passed, owned };
}

const OWNED_N8N_SETTINGS = ['N8N_VERSION', 'N8N_PORT', 'N8N_USER_FOLDER', 'N8N_CUSTOM_EXTENSIONS', 'N8N_RUNNERS_BROKER_PORT'];

// ---------------------------------------------------------------- n8n CLI steps (before n8n starts)

/** Runs one n8n CLI command on the user folder; throws with n8n's output when it fails. */
export async function cli(target: N8nTarget, args: string[], expect?: RegExp): Promise<string> {
	const result = await n8nCli(args, { userFolder: target.userFolder, env: target.env, timeoutMs: 5 * 60_000 });
	const output = `${result.stdout}\n${result.stderr}`;
	// Some n8n commands log an error and still exit 0, hence the expected-output check.
	if (result.code !== 0 || (expect && !expect.test(output))) {
		throw new StartError(`n8n ${args[0]} failed (exit ${result.code}):\n${output.trim().slice(-3000)}`);
	}
	return result.stdout;
}

const tempDirs = new Set<string>();
// A Ctrl-C during an import exits without running `finally`; the file may hold the live API key.
process.on('exit', () => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Runs a CLI import on a temporary JSON file (0600: it may hold the live API key), then deletes it. */
async function importJson(target: N8nTarget, command: 'import:credentials' | 'import:workflow', items: unknown[]): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocoya-start-'));
	tempDirs.add(dir);
	try {
		const file = path.join(dir, 'import.json');
		fs.writeFileSync(file, JSON.stringify(items), { mode: 0o600 });
		await cli(target, [command, `--input=${file}`], /Successfully imported/);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
		tempDirs.delete(dir);
	}
}

type CredentialImport = { id: string; name: string } & (
	| { type: 'ocoyaApi'; data: { apiKey: string; baseUrl: string } }
	| { type: 'openAiApi'; data: { apiKey: string; url: string } }
);

/**
 * Upserts by id, so the stand-in (and test model) credentials always have the current base URL.
 * Returns whether the live one was imported.
 */
export async function importCredentials(target: N8nTarget, standIn: StandIn, model?: ModelStandIn): Promise<boolean> {
	const credentials: CredentialImport[] = [
		{ ...STAND_IN_CREDENTIAL, type: 'ocoyaApi', data: { apiKey: standIn.apiKey, baseUrl: standIn.baseUrl } },
	];
	if (model) credentials.push({ ...LOCAL_MODEL_CREDENTIAL, type: 'openAiApi', data: { apiKey: model.apiKey, url: model.baseUrl } });
	const liveKey = process.env.OCOYA_API_KEY?.trim();
	if (liveKey) credentials.push({ ...LIVE_CREDENTIAL, type: 'ocoyaApi', data: { apiKey: liveKey, baseUrl: LIVE_BASE_URL } });
	await importJson(target, 'import:credentials', credentials);
	return Boolean(liveKey);
}

interface WorkflowNode {
	name: string;
	type: string;
	notes?: string;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id?: string; name?: string }>;
}

interface WorkflowJson {
	id?: string;
	name?: string;
	active?: boolean;
	nodes?: WorkflowNode[];
	pinData?: Record<string, Array<{ json?: Record<string, unknown> }>>;
}

interface Webhook {
	method: string;
	path: string;
	body: unknown;
}

export interface Example {
	file: string;
	id: string;
	name: string;
	json: WorkflowJson;
	webhooks: Webhook[];
	/** Has a manual trigger: open it and click Execute workflow. */
	manual: boolean;
	/** Has a chat trigger: open it and click Open chat. */
	chat: boolean;
	/** Chat model nodes without a credential: the user must add one (e.g. OpenAI) first. */
	modelsWithoutCredential: string[];
	/** Published after import: it has a webhook, or says active: true. */
	publish: boolean;
	/** Set after the import step. */
	imported?: boolean;
	/** Set once n8n is up: whether n8n activated it (its production webhook is live). */
	active?: boolean;
}

/** examples/*.json, one workflow each (an array of workflows is accepted too). */
export function readExamples(): Example[] {
	if (!fs.existsSync(EXAMPLES_DIR)) return [];
	const examples: Example[] = [];
	for (const file of fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort()) {
		const parsed = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson | WorkflowJson[];
		for (const json of Array.isArray(parsed) ? parsed : [parsed]) {
			// Without a fixed id there is no way to tell "already imported" from "new", and every start would add a copy.
			if (!json.id || !Array.isArray(json.nodes)) {
				say(`• skipping examples/${file}: a workflow without id or nodes`);
				continue;
			}
			for (const node of json.nodes) {
				const id = node.credentials?.ocoyaApi?.id;
				if (id !== undefined && id !== STAND_IN_CREDENTIAL.id && id !== LIVE_CREDENTIAL.id) {
					say(`• note: examples/${file} node "${node.name}" uses credential id '${id}', which npm start does not create`);
				}
			}
			const webhooks = json.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook').map((n) => webhookOf(n, json));
			examples.push({
				file,
				id: json.id,
				name: json.name ?? json.id,
				json,
				webhooks,
				manual: json.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger'),
				chat: json.nodes.some((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger'),
				modelsWithoutCredential: json.nodes
					.filter((n) => /\.lmChat/.test(n.type) && Object.keys(n.credentials ?? {}).length === 0)
					.map((n) => n.name),
				publish: webhooks.length > 0 || json.active === true,
			});
		}
	}
	return examples;
}

/** Method, path and a sample body: pinned data, else the JSON example in the node's notes, else a lead. */
function webhookOf(node: WorkflowNode, workflow: WorkflowJson): Webhook {
	const method = typeof node.parameters?.httpMethod === 'string' ? node.parameters.httpMethod : 'GET';
	const webhookPath = typeof node.parameters?.path === 'string' ? node.parameters.path : '';
	let body: unknown = workflow.pinData?.[node.name]?.[0]?.json?.body;
	const inNotes = node.notes?.match(/\{.*\}/s)?.[0];
	if (body === undefined && inNotes) {
		try {
			body = JSON.parse(inNotes);
		} catch {
			// Prose around braces, not JSON: use the default.
		}
	}
	return { method, path: webhookPath, body: body ?? DEFAULT_WEBHOOK_BODY };
}

/** Imports only the examples n8n lacks (import overwrites by id, which would undo the user's edits) and publishes them. */
export async function importExamples(target: N8nTarget, examples: Example[]): Promise<void> {
	if (examples.length === 0) return;
	const existing = new Set(
		(await cli(target, ['list:workflow', '--onlyId']))
			.split('\n')
			.map((line) => line.trim())
			// Migration log lines can precede the ids on the first run of a new n8n version.
			.filter((line) => /^[\w-]+$/.test(line)),
	);
	const missing = examples.filter((example) => !existing.has(example.id));
	for (const example of examples) example.imported = !existing.has(example.id);
	if (missing.length === 0) return;
	await importJson(
		target,
		'import:workflow',
		missing.map((example) => example.json),
	);
	// import:workflow deactivates everything; published before `n8n start` so webhooks are live once it is ready.
	for (const example of missing.filter((e) => e.publish)) await cli(target, activateWorkflowArgs(example.id));
}

// ---------------------------------------------------------------- owner account (after n8n starts)

export interface OwnerLogin {
	email: string;
	password: string;
	/** 'created' now, 'existing' (the saved login works) or 'unknown' (someone changed it). */
	state: 'created' | 'existing' | 'unknown';
}

/**
 * n8n 2.x shows nothing but an owner-setup form until an owner exists. Creating it here lets the
 * user go straight to the examples. The password is random, not a well-known one, because other
 * local users and programs can reach 127.0.0.1 too; it is saved in n8n-app/.data/ (0600) and
 * printed on every start, so it cannot get lost.
 */
export async function ensureOwner(baseUrl: string): Promise<OwnerLogin> {
	let saved: { email: string; password: string };
	if (fs.existsSync(OWNER_FILE)) {
		saved = JSON.parse(fs.readFileSync(OWNER_FILE, 'utf8')) as { email: string; password: string };
	} else {
		// n8n wants 8-64 characters with a digit and an upper-case letter.
		saved = { email: OWNER_EMAIL, password: `Ocoya-${randomBytes(6).toString('hex')}-1` };
		fs.mkdirSync(DATA_DIR, { recursive: true });
		fs.writeFileSync(OWNER_FILE, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
	}
	// n8n binds its auth cookie to this header; a fixed value is enough for two calls.
	const headers = { 'content-type': 'application/json', 'browser-id': 'npm-start' };
	const post = async (urlPath: string, body: object): Promise<boolean> =>
		(await fetch(`${baseUrl}${urlPath}`, { method: 'POST', headers, body: JSON.stringify(body) })).ok;
	// Open only while there is no owner yet.
	if (await post('/rest/owner/setup', { ...saved, firstName: 'Local', lastName: 'Owner' })) {
		return { ...saved, state: 'created' };
	}
	const works = await post('/rest/login', { emailOrLdapLoginId: saved.email, password: saved.password });
	return { ...saved, state: works ? 'existing' : 'unknown' };
}

// ---------------------------------------------------------------- main

/** A second signal sooner than this is the same Ctrl-C: the terminal sends it and tsx relays it again (racily). */
const SAME_CTRL_C_MS = 1000;

export interface StopOnSignalsOptions {
	/** Whether the banner is printed: a first signal then stops gracefully (exit 0); before that it aborts the start (exit 130). */
	ready: () => boolean;
	/** Stops whatever has been started so far. */
	shutdown: () => Promise<void>;
	/** What a graceful stop stops, as printed: "SIGINT: <stopping> (Ctrl-C again to force)". */
	stopping: string;
	/** A later signal while stopping: say so and end what would outlive this process; the process then exits 130. */
	force: (signal: NodeJS.Signals) => void;
}

export interface StopSignals {
	/** Resolves with the exit code: 0 after a graceful stop, 1 if stopping failed, or the code given to `finish`. */
	readonly exitCode: Promise<number>;
	/** Set by the first signal. A caller that starts stopping by itself may set it, so that a signal then forces. */
	stopping: boolean;
	/** Resolves `exitCode` (something stopped on its own). */
	finish: (code: number) => void;
}

/**
 * Ctrl-C and SIGTERM for `npm start` and `npm run start:queue`: the first signal stops gracefully
 * (prints "Stopped.", exit 0) or, before the banner, aborts the start (exit 130); a later one
 * forces (exit 130). A repeat within SAME_CTRL_C_MS counts as the same signal.
 */
export function stopOnSignals(options: StopOnSignalsOptions): StopSignals {
	let resolveExitCode: (code: number) => void = () => undefined;
	const exitCode = new Promise<number>((resolve) => (resolveExitCode = resolve));
	const control: StopSignals = { exitCode, stopping: false, finish: (code) => resolveExitCode(code) };
	let lastSignalAt = 0;
	const onSignal = (signal: NodeJS.Signals): void => {
		if (Date.now() - lastSignalAt < SAME_CTRL_C_MS) return;
		lastSignalAt = Date.now();
		if (control.stopping) {
			options.force(signal);
			process.exit(130);
		}
		control.stopping = true;
		if (!options.ready()) {
			// A starting process has no handle yet; n8n-app's reapers kill it when this process exits.
			say(`\n${signal}: aborting start`);
			void options.shutdown().finally(() => process.exit(130));
			return;
		}
		say(`\n${signal}: ${options.stopping} (Ctrl-C again to force)`);
		options.shutdown().then(
			() => {
				say('Stopped.');
				resolveExitCode(0);
			},
			(error: unknown) => {
				process.stderr.write(`stopping failed: ${String(error)}\n`);
				resolveExitCode(1);
			},
		);
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	return control;
}

interface Running {
	n8n?: N8nHandle;
	standIn?: StandIn;
	model?: ModelStandIn;
	/** Set once the banner is printed: a signal then means "stop", exit 0. */
	ready: boolean;
	stopRequestLog?: () => void;
}

async function run(argv: string[]): Promise<number> {
	const startedAt = Date.now();
	const state: Running = { ready: false };
	const shutdown = async (): Promise<void> => {
		state.stopRequestLog?.();
		await state.n8n?.stop();
		await state.standIn?.close();
		await state.model?.close();
		reportOutbound(USER_FOLDER);
	};
	const signals = stopOnSignals({
		ready: () => state.ready,
		shutdown,
		stopping: 'stopping n8n and the Ocoya stand-in',
		force: (signal) => {
			say(`\n${signal} again: killing n8n`);
			if (state.n8n?.process.pid) {
				try {
					process.kill(-state.n8n.process.pid, 'SIGKILL');
				} catch {
					// Already gone.
				}
			}
		},
	});

	const requested = requestedPort(argv);
	const app = n8nApp();
	say(`npm start: n8n ${app.version} with this repo's ${PACKAGE_NAME}, on ${LOOPBACK}`);
	const settings = n8nSettingsFromEnv();
	const target: N8nTarget = { userFolder: USER_FOLDER, env: settings.passed };
	if (Object.keys(settings.passed).length) say(`• your n8n settings, passed to n8n: ${Object.keys(settings.passed).sort().join(', ')}`);
	// Fail on a busy requested port before the slow steps, not after.
	const port = await chooseN8nPort(requested);

	const install = await ensureN8nInstalled({ app, log: (m) => say(m) });
	// The guard's record covers this run only (see reportOutbound).
	fs.rmSync(outboundRecordFile(USER_FOLDER), { force: true });
	say(`• n8n ${app.version}: ${install.installed ? `installed in ${Math.round(install.durationMs / 1000)} s` : 'already installed'} (${rel(app.dir)})`);
	const typePrefix = installPackageIntoUserFolder(USER_FOLDER);
	say(`• package copied into ${rel(USER_FOLDER)}/.n8n/nodes (node type ${typePrefix}.ocoya)`);

	const standIn = await startOcoyaStandIn();
	state.standIn = standIn;
	say(`• Ocoya API stand-in: ${standIn.baseUrl}`);
	const model = await startLocalModel();
	state.model = model;
	say(`• local test model: ${model.baseUrl}`);

	say('• importing credentials and example workflows (n8n CLI, a few seconds each)…');
	const live = await importCredentials(target, standIn, model);
	const examples = readExamples();
	await importExamples(target, examples);

	fs.writeFileSync(N8N_LOG, '');
	say(`• starting n8n on ${LOOPBACK}:${port} (user folder ${rel(USER_FOLDER)}, log ${rel(N8N_LOG)})…`);
	let n8n: N8nHandle;
	try {
		n8n = await startN8n({ userFolder: USER_FOLDER, env: target.env, port, timeoutMs: 180_000, onLine: (line) => n8nLine(line, state.ready) });
	} catch (error) {
		// Taken between our check and n8n's listen.
		if (/already in use|EADDRINUSE/.test(String(error))) throw await portInUseError(port, 'EADDRINUSE');
		throw error;
	}
	state.n8n = n8n;
	// startN8n unrefs n8n for test runners; here n8n is the point.
	n8n.process.ref();
	const owner = await ensureOwner(n8n.url);
	// What n8n itself activated, which also covers kept examples the user unpublished or published.
	const active = new Set([...n8n.output().matchAll(/Activated workflow ".*" \(ID: ([\w-]+)\)/g)].map((m) => m[1]));
	for (const example of examples) example.active = active.has(example.id);
	printBanner({ url: n8n.url, standIn, model, live, examples, owner, seconds: Math.round((Date.now() - startedAt) / 1000) });
	state.stopRequestLog = logStandInRequests(standIn);
	state.ready = true;

	n8n.process.once('exit', (code, signal) => {
		if (signals.stopping) return;
		process.stderr.write(`\nn8n stopped on its own (${code ?? signal}); stopping the stand-in.\n`);
		state.stopRequestLog?.();
		void Promise.all([standIn.close(), model.close()]).finally(() => signals.finish(code || 1));
	});
	return await signals.exitCode;
}

export interface BannerInput {
	url: string;
	standIn: StandIn;
	/** The local test model, when one runs. */
	model?: ModelStandIn;
	live: boolean;
	examples: Example[];
	owner: OwnerLogin;
	seconds: number;
}

export function printBanner({ url, standIn, model, live, examples, owner, seconds }: BannerInput): void {
	const rule = '─'.repeat(78);
	const manual = examples.find((e) => e.manual);
	const hooked = examples.filter((e) => e.webhooks.length > 0);
	say(rule);
	say(`n8n is ready (${seconds} s), with the Ocoya node from this repo.`);
	say();
	say(`  Editor      ${url}`);
	if (owner.state === 'unknown') {
		say(`  Log in      with your owner account (the saved ${owner.email} login no longer works;`);
		say(`              to start over: npm run n8n -- cli user-management:reset, then restart)`);
	} else {
		say(`  Log in      ${owner.email} / ${owner.password}`);
		say(`              (${owner.state === 'created' ? 'local owner account just created' : 'local owner account'}; saved in ${rel(OWNER_FILE)})`);
	}
	say(`  Ocoya API   stand-in ${standIn.baseUrl}  key ${standIn.apiKey}`);
	say(`              credential "${STAND_IN_CREDENTIAL.name}" points at it (re-imported on every start)`);
	say(
		live
			? `              credential "${LIVE_CREDENTIAL.name}" uses OCOYA_API_KEY and ${LIVE_BASE_URL}`
			: `              set OCOYA_API_KEY to also get a "${LIVE_CREDENTIAL.name}" credential for your real account`,
	);
	if (model) {
		say(`  Test model  ${model.baseUrl}  credential "${LOCAL_MODEL_CREDENTIAL.name}" (OpenAI type):`);
		say('              calls the Ocoya tool once from your chat message and reports the result');
	}
	say();
	if (examples.length === 0) {
		say('  No example workflows found in examples/.');
	} else {
		say('  Example workflows (examples/; already-present ones are kept, not overwritten):');
		for (const e of examples) {
			const status = e.imported ? 'imported' : 'kept';
			say(`    • ${e.name}  [${status}${e.active ? ', active' : ''}]  ${url}/workflow/${e.id}`);
		}
	}
	say();
	say('  What to click:');
	let step = 1;
	say(`    ${step++}. Open ${url} and log in.`);
	if (manual) say(`    ${step++}. Open "${manual.name}" → Execute workflow; the Ocoya node's output shows the queued campaigns.`);
	for (const e of hooked) {
		for (const hook of e.webhooks) {
			say(
				e.active
					? `    ${step++}. Trigger "${e.name}" from a shell (its production webhook is live):`
					: `    ${step++}. Publish "${e.name}" in the editor (it is not active), then trigger it from a shell:`,
			);
			const data = hook.method === 'GET' ? '' : ` -H 'content-type: application/json' -d '${JSON.stringify(hook.body)}'`;
			say(`         curl -X ${hook.method} ${url}/webhook/${hook.path}${data}`);
		}
	}
	for (const e of examples.filter((x) => x.chat)) {
		const models = `"${e.modelsWithoutCredential.join('", "')}"`;
		const credential = !e.modelsWithoutCredential.length
			? ''
			: model
				? `in ${models} pick "${LOCAL_MODEL_CREDENTIAL.name}" (or your own OpenAI credential), then `
				: `add your own credential to ${models} (not included), then `;
		say(`    ${step++}. Open "${e.name}": ${credential}click Open chat and ask for a campaign.`);
	}
	say(`    ${step++}. See each run under Overview → Executions; the stand-in's requests are printed below.`);
	say();
	say('Press Ctrl-C to stop n8n and the stand-in.');
	say(rule);
}

/**
 * The exit code of a failed start, for `npm start` and `npm run start:queue` alike. Expected
 * problems (busy port, bad argument, no Node or compiler that can run n8n) print what to do in a
 * few lines, no stack.
 */
export function reportStartFailure(command: string, error: unknown): number {
	if (error instanceof StartError) {
		process.stderr.write(`${error.message}\n`);
		return error.exitCode;
	}
	if (error instanceof N8nSetupError) {
		process.stderr.write(`\n${command} cannot run n8n on this machine yet.\n${error.message}\n`);
		return 1;
	}
	process.stderr.write(`${command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
	return 1;
}

/** `npm start`; resolves with the exit code. */
export async function start(argv: string[]): Promise<number> {
	try {
		return await run(argv);
	} catch (error) {
		return reportStartFailure('npm start', error);
	}
}

if (require.main === module) void start(process.argv.slice(2)).then((code) => process.exit(code));
