/**
 * `npm start`'s run: this repo's built package inside the real, pinned n8n, ready to click through.
 *
 * 1. installs n8n-app/ on first use (minutes; progress is printed),
 * 2. starts the Ocoya API stand-in on 127.0.0.1:4010 (a fixed port, so the imported
 *    credential's base URL stays valid across restarts; a free port if 4010 is taken),
 * 3. starts the local test model (dev/model-stand-in, demo script) on 127.0.0.1:4011 (same rule),
 *    imports the "Ocoya API (local stand-in)" and "Local test model" credentials (every start,
 *    with the current base URLs) and, with OCOYA_API_KEY set, "Ocoya API (live)" (imported only,
 *    never contacted here),
 * 4. imports the examples/*.json workflows that n8n does not have yet (fixed ids; existing ones
 *    are kept, so edits survive) and publishes the ones with a webhook or `active: true`,
 * 5. starts n8n on 127.0.0.1:5678 (or a free port), creates the local owner account on first
 *    start and prints the editor URL, the login and what to click.
 * Ctrl-C or SIGTERM stops n8n and the stand-in and exits 0; a second Ctrl-C forces.
 * Everything persists in n8n-app/.data/ (git-ignored): user folder, owner login.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import {
	REPO_ROOT,
	ensureN8nInstalled,
	freePort,
	installPackageIntoUserFolder,
	n8nApp,
	outboundRecordFile,
	startN8n,
	type N8nHandle,
} from '../n8n/app';
import { DEMO_SCRIPT, startModelStandIn, type ModelStandIn } from '../model-stand-in';
import { startStandIn, type StandIn } from '../ocoya-stand-in';
import { printBanner } from './banner';
import { importExamples, readExamples } from './examples';
import {
	DATA_DIR,
	DEFAULT_MOVE_POSTS_EVERY_S,
	LOOPBACK,
	N8nTerminalFilter,
	StartError,
	USER_FOLDER,
	ensureOwner,
	importCredentials,
	logStandInRequests,
	moveStandInPosts,
	n8nSettingsFromEnv,
	rel,
	reportOutbound,
	say,
	stopOnSignals,
	type N8nTarget,
} from './session';

const N8N_LOG = path.join(DATA_DIR, 'n8n.log');
const PACKAGE_NAME = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string }).name;
const DEFAULT_N8N_PORT = 5678;
// Not 5679: that is the default of n8n's task runner broker (n8n-app moves it, other n8n installs may not).
const DEFAULT_STAND_IN_PORT = 4010;
const DEFAULT_MODEL_PORT = 4011;

export interface LocalN8nOptions {
	/** n8n's port; it must be free. Default: 5678, else any free port. */
	port?: number;
	/** Seconds between the stand-in's status-mover steps (0: only on the admin route). Default DEFAULT_MOVE_POSTS_EVERY_S. */
	movePostsEverySeconds?: number;
}

// ---------------------------------------------------------------- ports

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

const terminal = new N8nTerminalFilter(N8N_LOG);

function n8nLine(line: string, ready: boolean): void {
	fs.appendFileSync(N8N_LOG, `${line}\n`);
	const shown = terminal.filter(line, ready);
	if (shown !== undefined) say(shown);
}

// ---------------------------------------------------------------- the run

interface Running {
	n8n?: N8nHandle;
	standIn?: StandIn;
	model?: ModelStandIn;
	/** Set once the banner is printed: a signal then means "stop", exit 0. */
	ready: boolean;
	stopRequestLog?: () => void;
}

/**
 * `npm start` until it is stopped: resolves with the exit code (0 after Ctrl-C). Throws StartError
 * or N8nSetupError for an expected problem (see reportStartFailure).
 */
export async function runLocalN8n(options: LocalN8nOptions = {}): Promise<number> {
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

	const app = n8nApp();
	say(`npm start: n8n ${app.version} with this repo's ${PACKAGE_NAME}, on ${LOOPBACK}`);
	const settings = n8nSettingsFromEnv();
	const target: N8nTarget = { userFolder: USER_FOLDER, env: settings.passed };
	if (Object.keys(settings.passed).length) say(`• your n8n settings, passed to n8n: ${Object.keys(settings.passed).sort().join(', ')}`);
	// Fail on a busy requested port before the slow steps, not after.
	const port = await chooseN8nPort(options.port);

	const install = await ensureN8nInstalled({ app, log: (m) => say(m) });
	// The guard's record covers this run only (see reportOutbound).
	fs.rmSync(outboundRecordFile(USER_FOLDER), { force: true });
	say(`• n8n ${app.version}: ${install.installed ? `installed in ${Math.round(install.durationMs / 1000)} s` : 'already installed'} (${rel(app.dir)})`);
	const typePrefix = installPackageIntoUserFolder(USER_FOLDER);
	say(`• package copied into ${rel(USER_FOLDER)}/.n8n/nodes (node type ${typePrefix}.ocoya)`);

	const movePostsEverySeconds = options.movePostsEverySeconds ?? DEFAULT_MOVE_POSTS_EVERY_S;
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
	printBanner({ url: n8n.url, standIn, model, live, examples, owner, movePostsEverySeconds, seconds: Math.round((Date.now() - startedAt) / 1000) });
	state.stopRequestLog = logStandInRequests(standIn);
	moveStandInPosts(standIn, movePostsEverySeconds);
	state.ready = true;

	n8n.process.once('exit', (code, signal) => {
		if (signals.stopping) return;
		process.stderr.write(`\nn8n stopped on its own (${code ?? signal}); stopping the stand-in.\n`);
		state.stopRequestLog?.();
		void Promise.all([standIn.close(), model.close()]).finally(() => signals.finish(code || 1));
	});
	return await signals.exitCode;
}
