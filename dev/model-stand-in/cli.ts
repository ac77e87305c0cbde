/**
 * Runs the demo model until SIGINT/SIGTERM, to try an AI Agent workflow without an OpenAI account:
 *   npx tsx dev/model-stand-in/cli.ts [--port N] [--api-key K]
 * In n8n, create an "OpenAI" credential with the printed API key and Base URL and pick it in the
 * OpenAI Chat Model node.
 */
import { DEMO_SCRIPT, LOCAL_MODEL_CREDENTIAL } from './demo';
import { startModelStandIn, type ModelStandInOptions } from './server';

const USAGE = 'Usage: tsx dev/model-stand-in/cli.ts [--port N] [--api-key K]';

function fail(message: string): never {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

function parseArgs(argv: string[]): ModelStandInOptions {
	const options: ModelStandInOptions = { keepProcessAlive: true, script: DEMO_SCRIPT };
	for (let i = 0; i < argv.length; i += 2) {
		const [flag, value] = [argv[i], argv[i + 1]];
		if (flag === '--help' || flag === '-h') {
			process.stdout.write(`${USAGE}\n`);
			process.exit(0);
		}
		if (value === undefined) fail(`${flag} needs a value`);
		if (flag === '--port') {
			const port = Number(value);
			if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port needs a port number, got '${value}'`);
			options.port = port;
		} else if (flag === '--api-key') {
			options.apiKey = value;
		} else {
			fail(`Unknown option ${flag}`);
		}
	}
	return options;
}

async function main(): Promise<void> {
	const model = await startModelStandIn(parseArgs(process.argv.slice(2)));
	process.stdout.write(
		`Model stand-in (demo script) listening\n` +
			`  In n8n, an "OpenAI" credential named e.g. "${LOCAL_MODEL_CREDENTIAL.name}":\n` +
			`  API Key:  ${model.apiKey}\n  Base URL: ${model.baseUrl}\n`,
	);
	let seen = 0;
	const timer = setInterval(() => {
		for (; seen < model.requests.length; seen++) {
			const { api, stream, turn, reply } = model.requests[seen];
			process.stdout.write(`model | ${api}${stream ? ' (streamed)' : ''} turn ${turn} → ${reply.kind}\n`);
		}
	}, 250);
	const stop = (signal: NodeJS.Signals): void => {
		clearInterval(timer);
		process.stdout.write(`\n${signal}: stopping after ${model.requests.length} request(s)\n`);
		model.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`Could not start the model stand-in: ${String(error)}\n`);
	process.exit(1);
});
