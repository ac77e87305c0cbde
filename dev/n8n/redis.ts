/**
 * A throwaway Redis for n8n's queue mode, from the system's `redis-server` (Debian's package
 * `redis-server`, Homebrew's `redis` on macOS): loopback only, a free port, nothing saved to disk.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, type Log } from './app';
import { startServerProcess } from './server-process';

const LOOPBACK = '127.0.0.1';
const READY_LINE = 'Ready to accept connections';
export const REDIS_INSTALL_HINT =
	'install it: `apt-get update && apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)';

export interface RedisHandle {
	host: string;
	port: number;
	/** n8n's settings for this Redis: QUEUE_BULL_REDIS_HOST/PORT. */
	n8nEnv: Record<string, string>;
	output(): string;
	/** SIGTERM, SIGKILL after 10 s; its scratch folder is removed. */
	stop(): Promise<void>;
}

/** The `redis-server` on PATH, or undefined when there is none. */
export function redisServerVersion(): string | undefined {
	const result = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
	if (result.status !== 0) return undefined;
	return /v=(\S+)/.exec(result.stdout)?.[1] ?? result.stdout.trim();
}

export async function startRedis(options: { log?: Log; startTimeoutMs?: number } = {}): Promise<RedisHandle> {
	const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
	if (!redisServerVersion()) throw new Error(`redis-server is not on PATH; ${REDIS_INSTALL_HINT}`);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ocoya-redis-'));
	const port = await freePort();
	const args = [
		...['--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--daemonize', 'no'],
		// A queue for one run: no snapshots, no append-only file.
		...['--save', '', '--appendonly', 'no'],
	];
	const server = await startServerProcess({
		name: 'redis-server',
		command: 'redis-server',
		args,
		spawnOptions: { cwd: dir },
		readyLine: READY_LINE,
		startTimeoutMs: options.startTimeoutMs ?? 30_000,
		stopSignal: 'SIGTERM',
		cleanUp: () => fs.rmSync(dir, { recursive: true, force: true }),
	});
	log(`redis: ready on ${LOOPBACK}:${port}`);
	return {
		host: LOOPBACK,
		port,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: LOOPBACK, QUEUE_BULL_REDIS_PORT: String(port) },
		output: server.output,
		stop: server.stop,
	};
}
