/**
 * A throwaway loopback server for one run (queue mode's Postgres and Redis) as a child process:
 * its own process group with a reaper (guardChild), its output kept, ready once it prints its
 * ready line, stopped with its shutdown signal and SIGKILL 10 s later.
 */
import { spawn, type SpawnOptionsWithoutStdio } from 'node:child_process';

import { guardChild, killGroup } from './app';

export interface ServerProcessOptions {
	/** As in the error when it does not start: "<name> did not start (…)". */
	name: string;
	command: string;
	args: string[];
	/** cwd, env, uid/gid; it always runs detached (its own process group). */
	spawnOptions: SpawnOptionsWithoutStdio;
	/** The line it prints once it accepts connections. */
	readyLine: string;
	startTimeoutMs: number;
	/** The signal that makes it shut down cleanly. */
	stopSignal: NodeJS.Signals;
	/** Runs once it has ended, also when it did not start: removes its scratch folder. */
	cleanUp: () => void;
}

export interface ServerProcess {
	/** Everything it printed so far. */
	output(): string;
	/** stopSignal, SIGKILL after 10 s, then cleanUp. */
	stop(): Promise<void>;
}

/** Starts it and waits for its ready line; if it exits or times out first, stops it and throws with its last output. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
	const child = spawn(options.command, options.args, { ...options.spawnOptions, detached: true });
	const release = guardChild(child);
	child.unref();
	let output = '';
	for (const stream of [child.stdout, child.stderr]) {
		stream.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		(stream as unknown as { unref(): void }).unref();
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	void exited.then(release);

	const stop = async (): Promise<void> => {
		if (child.exitCode === null && child.signalCode === null) {
			killGroup(child, options.stopSignal);
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		}
		options.cleanUp();
	};

	const deadline = Date.now() + options.startTimeoutMs;
	while (!output.includes(options.readyLine)) {
		if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`${options.name} did not start (${child.exitCode ?? child.signalCode ?? 'timed out'}):\n${output.slice(-3000)}`);
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return { output: () => output, stop };
}
