/**
 * `npm start`: this repo's built package inside the real, pinned n8n, ready to click through
 * (what it does: dev/local-n8n/regular.ts).
 *
 *   tsx dev/start.ts [--port N] [--move-posts-every SECONDS]
 *   (npm start -- --port N; or N8N_PORT=N)
 *
 * An entry point: it parses its arguments and calls runLocalN8n. Nothing imports it.
 */
import { runLocalN8n, type LocalN8nOptions } from './local-n8n/regular';
import { DEFAULT_MOVE_POSTS_EVERY_S, StartError, reportStartFailure } from './local-n8n/session';

const USAGE =
	'usage: npm start [-- --port N] [--move-posts-every SECONDS]   (or N8N_PORT=N npm start; OCOYA_API_KEY=… adds a live credential)\n' +
	`  --move-posts-every: seconds between the stand-in's post status changes (default ${DEFAULT_MOVE_POSTS_EVERY_S}; 0: only on its admin route)`;

/** A whole number in [min, max] from a flag's value, else a usage error. */
function wholeNumber(flag: string, raw: string, min: number, max: number): number {
	const value = Number(raw);
	if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) throw new StartError(`invalid ${flag} '${raw}'\n${USAGE}`, 2);
	return value;
}

/** `--port N` / `--port=N` (else N8N_PORT) and `--move-posts-every N`. */
function parseArgs(argv: string[]): LocalN8nOptions {
	const options: LocalN8nOptions = {};
	const envPort = process.env.N8N_PORT || undefined;
	if (envPort !== undefined) options.port = wholeNumber('port', envPort, 1, 65535);
	for (let i = 0; i < argv.length; i += 1) {
		const [flag, inline] = argv[i].startsWith('--') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
		if (flag !== '--port' && flag !== '--move-posts-every') throw new StartError(`unknown argument '${argv[i]}'\n${USAGE}`, 2);
		const raw = inline ?? argv[++i] ?? '';
		if (flag === '--port') options.port = wholeNumber('port', raw, 1, 65535);
		else options.movePostsEverySeconds = wholeNumber(flag, raw, 0, 86_400);
	}
	return options;
}

Promise.resolve()
	.then(async () => await runLocalN8n(parseArgs(process.argv.slice(2))))
	.catch((error: unknown) => reportStartFailure('npm start', error))
	.then((code) => process.exit(code));
