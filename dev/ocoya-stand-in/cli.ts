/**
 * Runs the stand-in until SIGINT/SIGTERM:
 *   npx tsx dev/ocoya-stand-in/cli.ts [--port N] [--api-key K] [--rate-limit LIMIT/WINDOW_MS] [--latency MS]
 */
import { startStandIn, type StandInOptions } from './index';

const USAGE = 'Usage: tsx dev/ocoya-stand-in/cli.ts [--port N] [--api-key K] [--rate-limit 60/60000] [--latency MS]';

function fail(message: string): never {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

function nonNegativeInt(flag: string, value: string): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) fail(`${flag} needs a non-negative integer, got '${value}'`);
	return n;
}

function parseArgs(argv: string[]): StandInOptions {
	const options: StandInOptions = { keepProcessAlive: true };
	for (let i = 0; i < argv.length; i += 1) {
		const flag = argv[i];
		if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		}
		const value = argv[i + 1];
		if (value === undefined) fail(`${flag} needs a value`);
		i += 1;
		switch (flag) {
			case '--port':
				options.port = nonNegativeInt(flag, value);
				break;
			case '--api-key':
				options.apiKey = value;
				break;
			case '--latency':
				options.latencyMs = nonNegativeInt(flag, value);
				break;
			case '--rate-limit': {
				const match = /^(\d+)\/(\d+)$/.exec(value);
				if (!match) fail(`--rate-limit wants LIMIT/WINDOW_MS, e.g. 60/60000, got '${value}'`);
				options.rateLimit = { limit: Number(match[1]), windowMs: Number(match[2]) };
				break;
			}
			default:
				fail(`Unknown option ${flag}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const standIn = await startStandIn(parseArgs(process.argv.slice(2)));
	process.stdout.write(`Ocoya stand-in listening\n  base URL: ${standIn.baseUrl}\n  API key:  ${standIn.apiKey}\n`);
	const stop = (signal: NodeJS.Signals): void => {
		process.stdout.write(`\n${signal}: stopping after ${standIn.requests.length} request(s)\n`);
		standIn.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`Could not start the stand-in: ${String(error)}\n`);
	process.exit(1);
});
