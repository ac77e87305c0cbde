/**
 * `npm start`: this repo's built package inside the real, pinned n8n, ready to click through
 * (what it does: dev/local-n8n/regular.ts).
 *
 *   tsx dev/start.ts [--port N]        (npm start -- --port N; or N8N_PORT=N)
 *
 * An entry point: it parses its arguments and calls runLocalN8n. Nothing imports it.
 */
import { runLocalN8n } from './local-n8n/regular';
import { StartError, reportStartFailure } from './local-n8n/session';

const USAGE = 'usage: npm start [-- --port N]   (or N8N_PORT=N npm start; OCOYA_API_KEY=… adds a live credential)';

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

Promise.resolve()
	.then(async () => await runLocalN8n({ port: requestedPort(process.argv.slice(2)) }))
	.catch((error: unknown) => reportStartFailure('npm start', error))
	.then((code) => process.exit(code));
