/**
 * Runs the stand-in until SIGINT/SIGTERM; see README.md › CLI for the flags. It only parses its
 * arguments and calls the library.
 */
import { startStandIn, type StandInOptions } from './index';

const USAGE = [
	'Usage: tsx dev/ocoya-stand-in/cli.ts [--port N] [--api-key K]... [--rate-limit 60/60000] [--latency MS]',
	'  [--posts N] [--status-mover MS] [--post-order newest-first|oldest-first|shuffle] [--max-per-page N]',
	'  [--list-shape array|data|items] [--create-reply json|empty] [--delete-reply json|no-content]',
	'  [--statuses-format repeated|comma] [--unknown-workspace not-found|empty]',
].join('\n');

function fail(message: string): never {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

function nonNegativeInt(flag: string, value: string): number {
	const n = Number(value);
	if (!Number.isInteger(n) || n < 0) fail(`${flag} needs a non-negative integer, got '${value}'`);
	return n;
}

function positiveInt(flag: string, value: string): number {
	const n = nonNegativeInt(flag, value);
	if (n === 0) fail(`${flag} needs a positive integer, got '${value}'`);
	return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
	if (!(allowed as readonly string[]).includes(value)) fail(`${flag} is one of ${allowed.join(', ')}; got '${value}'`);
	return value as T;
}

function parseArgs(argv: string[]): StandInOptions {
	const options: StandInOptions = { keepProcessAlive: true };
	const keys: string[] = [];
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
				keys.push(value);
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
			case '--posts':
				options.posts = { count: nonNegativeInt(flag, value) };
				break;
			case '--status-mover':
				options.statusMoverIntervalMs = positiveInt(flag, value);
				break;
			case '--post-order':
				options.postOrder = oneOf(flag, value, ['newest-first', 'oldest-first', 'shuffle'] as const);
				break;
			case '--max-per-page':
				options.maxPerPage = positiveInt(flag, value);
				break;
			case '--list-shape':
				options.listShape = oneOf(flag, value, ['array', 'data', 'items'] as const);
				break;
			case '--create-reply':
				options.createReply = oneOf(flag, value, ['json', 'empty'] as const);
				break;
			case '--delete-reply':
				options.deleteReply = oneOf(flag, value, ['json', 'no-content'] as const);
				break;
			case '--statuses-format':
				options.statusesFormat = oneOf(flag, value, ['repeated', 'comma'] as const);
				break;
			case '--unknown-workspace':
				options.unknownWorkspace = oneOf(flag, value, ['not-found', 'empty'] as const);
				break;
			default:
				fail(`Unknown option ${flag}`);
		}
	}
	if (keys.length > 0) options.apiKeys = keys;
	return options;
}

async function main(): Promise<void> {
	const options = parseArgs(process.argv.slice(2));
	const standIn = await startStandIn(options);
	const mover = options.statusMoverIntervalMs ? `every ${options.statusMoverIntervalMs} ms, and ` : '';
	process.stdout.write(
		[
			'Ocoya stand-in listening',
			`  base URL: ${standIn.baseUrl}`,
			`  API key:  ${standIn.apiKey}${standIn.apiKeys.length > 1 ? ` (+${standIn.apiKeys.length - 1} more)` : ''}`,
			`  posts move ${mover}on: curl -X POST ${standIn.adminUrl}/advance`,
			'',
		].join('\n'),
	);
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
