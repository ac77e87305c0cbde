/**
 * What `npm start` and `npm run start:queue` share: the local data folder, the caller's n8n
 * settings, what of n8n's output reaches the terminal, the n8n CLI steps before n8n starts
 * (credentials), the owner account, Ctrl-C handling and how a failed start is reported.
 * The entry points (dev/start.ts, dev/start-queue.ts) only parse arguments and call
 * runLocalN8n (regular.ts) or runLocalQueue (queue.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { N8N_APP_ROOT, N8nSetupError, n8nCli, outboundRecord, outboundRecordFile } from '../n8n/app';
import { LOCAL_MODEL_CREDENTIAL, type ModelStandIn } from '../model-stand-in';
import type { StandIn } from '../ocoya-stand-in';

export const DATA_DIR = path.join(N8N_APP_ROOT, '.data');
/** N8N_USER_FOLDER of `npm start` and `npm run n8n -- cli …`: database, encryption key, workflows. */
export const USER_FOLDER = path.join(DATA_DIR, 'user');
export const OWNER_FILE = path.join(DATA_DIR, 'owner-login.json');

export const LOOPBACK = '127.0.0.1';
const OWNER_EMAIL = 'owner@example.com';
/** The examples reference this id, so it is fixed. */
export const STAND_IN_CREDENTIAL = { id: 'ocoya-standin', name: 'Ocoya API (local stand-in)' };
export const LIVE_CREDENTIAL = { id: 'ocoya-live', name: 'Ocoya API (live)' };
export const LIVE_BASE_URL = 'https://app.ocoya.com/api/_public/v1';

export const say = (line = ''): void => void process.stdout.write(`${line}\n`);
/** A path as the user would type it from where they ran the command. */
export const rel = (p: string): string => path.relative(process.cwd(), p) || '.';

/** An expected problem (bad argument, busy port): printed as one message, no stack trace. */
export class StartError extends Error {
	constructor(
		message: string,
		readonly exitCode = 1,
	) {
		super(message);
	}
}

/**
 * How often `npm start` and `npm run start:queue` have the stand-in move its posts through statuses
 * (a new draft, one posted, one failed: its status mover), so a published Ocoya Trigger has
 * something to fire on without anyone calling the admin route.
 */
export const DEFAULT_MOVE_POSTS_EVERY_S = 60;

/**
 * Starts the stand-in's status mover once n8n is ready, not with the stand-in: the steps taken
 * while n8n starts would be seen by no trigger, and each step uses up SCHEDULED posts.
 */
export function moveStandInPosts(standIn: StandIn, everySeconds: number): void {
	if (everySeconds > 0) standIn.startStatusMover(everySeconds * 1000);
}

/**
 * Prints each request the stand-in answered, so the user sees what the node sent, and each post
 * status change (the mover's, or one asked for on the admin route), so they see what a trigger
 * will find. The stand-in has no per-request hook, so this polls its record. Returns a stop that
 * prints what is left.
 */
export function logStandInRequests(standIn: StandIn): () => void {
	let next = 0;
	let nextChange = standIn.postChanges.length;
	const flush = (all: boolean): void => {
		for (; nextChange < standIn.postChanges.length; nextChange += 1) {
			const change = standIn.postChanges[nextChange];
			const what = change.from === null ? `appeared as ${change.to}` : change.to === null ? 'removed' : `${change.from} → ${change.to}`;
			say(`stand-in | post ${change.id} in ${change.workspaceId} ${what}`);
		}
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
let tempDirsRemovedAtExit = false;

/**
 * A Ctrl-C during an import exits without running `finally`; the file may hold the live API key.
 * Registered on first use, not on import, so that importing this module changes nothing.
 */
function removeTempDirsAtExit(): void {
	if (tempDirsRemovedAtExit) return;
	tempDirsRemovedAtExit = true;
	process.on('exit', () => tempDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
}

/** Runs a CLI import on a temporary JSON file (0600: it may hold the live API key), then deletes it. */
export async function importJson(target: N8nTarget, command: 'import:credentials' | 'import:workflow', items: unknown[]): Promise<void> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocoya-start-'));
	removeTempDirsAtExit();
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

// ---------------------------------------------------------------- Ctrl-C and failed starts

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

