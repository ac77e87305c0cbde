/**
 * Jest global set-up of the e2e project: installs the pinned n8n app (about 3 GB; minutes on a
 * cold machine) before any suite starts, with progress on the terminal and no hook time limit,
 * so `npm test` works on a fresh clone. Runs only when an e2e suite is selected. On a machine
 * that cannot run n8n (no fitting Node, no compiler) it records why, and the suites that need
 * n8n skip with one line (fail in CI): see requirement() in support.ts.
 */
import { N8nSetupError, ensureN8nInstalled, n8nApp } from '../../dev/n8n/app';
import { N8N_MISSING_ENV } from './support';

export default async function globalSetup(): Promise<void> {
	const log = (message: string): void => void process.stderr.write(`[e2e setup] ${message}\n`);
	const app = n8nApp();
	try {
		const { installed, durationMs } = await ensureN8nInstalled({ app, log });
		log(installed ? `n8n ${app.version} installed in ${(durationMs / 1000).toFixed(0)} s` : `n8n ${app.version} already installed`);
	} catch (error) {
		if (!(error instanceof N8nSetupError)) throw error;
		// Read by the suites (jest workers inherit this environment).
		process.env[N8N_MISSING_ENV] = error.message;
	}
}
