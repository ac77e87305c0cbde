/**
 * Command line for the project's n8n app (see app.ts):
 *   tsx dev/n8n/cli.ts install          install n8n-app/ if missing or its lockfile changed
 *   tsx dev/n8n/cli.ts cli <n8n args>   run an n8n CLI command against `npm start`'s user folder
 * The user folder (database, encryption key, workflows) persists in n8n-app/.data/user.
 * (`npm start` itself is dev/start.ts.) An entry point: nothing imports it.
 */
import { USER_FOLDER, n8nSettingsFromEnv } from '../local-n8n/session';
import { ensureN8nInstalled, installPackageIntoUserFolder, n8nCli } from './app';

async function main(argv: string[]): Promise<number> {
	const [command, ...rest] = argv;
	if (command === 'install') {
		const { installed, durationMs } = await ensureN8nInstalled();
		console.log(installed ? `n8n-app installed in ${durationMs} ms` : `n8n-app already installed (${durationMs} ms)`);
		return 0;
	}
	if (command === 'cli') {
		await ensureN8nInstalled();
		installPackageIntoUserFolder(USER_FOLDER);
		// The same n8n settings npm start passes through, so the CLI sees the same database and options.
		const result = await n8nCli(rest, { userFolder: USER_FOLDER, env: n8nSettingsFromEnv().passed, timeoutMs: 30 * 60_000 });
		process.stdout.write(result.stdout);
		process.stderr.write(result.stderr);
		return result.code ?? 1;
	}
	console.error('usage: tsx dev/n8n/cli.ts install | cli <n8n args>');
	return 2;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
