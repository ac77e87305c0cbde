/**
 * Command line for the project's n8n app (see n8n-app.ts):
 *   tsx scripts/n8n.ts install          install n8n-app/ if missing or its lockfile changed
 *   tsx scripts/n8n.ts start [--port=N] run n8n with this repo's built package, on 127.0.0.1
 *   tsx scripts/n8n.ts cli <n8n args>   run an n8n CLI command against the same user folder
 * The user folder (database, encryption key, workflows) persists in n8n-app/.data/user.
 */
import net from 'node:net';
import path from 'node:path';
import {
	N8N_APP_ROOT,
	ensureN8nInstalled,
	freePort,
	installPackageIntoUserFolder,
	n8nCli,
	startN8n,
} from './n8n-app';

const USER_FOLDER = path.join(N8N_APP_ROOT, '.data', 'user');
const PREFERRED_PORT = 5678;

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === 'install') {
		const { installed, durationMs } = await ensureN8nInstalled();
		console.log(installed ? `n8n-app installed in ${durationMs} ms` : `n8n-app already installed (${durationMs} ms)`);
		return 0;
	}
	if (command === 'start') {
		await ensureN8nInstalled();
		const typePrefix = installPackageIntoUserFolder(USER_FOLDER);
		const portArg = rest.find((a) => a.startsWith('--port='));
		const port = portArg ? Number(portArg.slice('--port='.length)) : await preferredPort();
		console.log(`starting n8n (user folder ${path.relative(process.cwd(), USER_FOLDER)}), nodes as ${typePrefix}.*`);
		// Until n8n is ready a signal just exits; n8n-app.ts then kills the n8n it started.
		const exitEarly = (): void => process.exit(130);
		process.once('SIGINT', exitEarly);
		process.once('SIGTERM', exitEarly);
		const n8n = await startN8n({ userFolder: USER_FOLDER, port, onLine: (line) => console.log(line) });
		process.off('SIGINT', exitEarly);
		process.off('SIGTERM', exitEarly);
		// startN8n unrefs n8n for test runners; here n8n is the point, so keep this process up with it.
		n8n.process.ref();
		console.log(`\nn8n is ready: ${n8n.url}  (Ctrl+C stops it)`);
		const stop = (): void => void n8n.stop().then(() => process.exit(0));
		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		await new Promise((resolve) => n8n.process.once('exit', resolve));
		return n8n.process.exitCode ?? 1;
	}
	if (command === 'cli') {
		await ensureN8nInstalled();
		installPackageIntoUserFolder(USER_FOLDER);
		const result = await n8nCli(rest, { userFolder: USER_FOLDER, timeoutMs: 30 * 60_000 });
		process.stdout.write(result.stdout);
		process.stderr.write(result.stderr);
		return result.code ?? 1;
	}
	console.error('usage: tsx scripts/n8n.ts install | start [--port=N] | cli <n8n args>');
	return 2;
}

/** n8n's usual port when it is free, so bookmarks keep working; any free port otherwise. */
async function preferredPort(): Promise<number> {
	const free = await new Promise<boolean>((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(PREFERRED_PORT, '127.0.0.1', () => server.close(() => resolve(true)));
	});
	return free ? PREFERRED_PORT : await freePort();
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
