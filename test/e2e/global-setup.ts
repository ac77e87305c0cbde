/**
 * Jest global set-up of each e2e project (one per n8n line, jest.config.js › N8N_LINES): installs
 * that line's pinned n8n app (about 3 GB; minutes on a cold machine) before any suite starts, with
 * progress on the terminal and no hook time limit, so `npm test` works on a fresh clone. Runs only
 * when a suite of that project is selected. On a machine that cannot run that n8n (no fitting
 * Node, no compiler) it records why, and the suites that need n8n skip with one line (fail in CI):
 * see n8n-line.ts and requirement() in support.ts.
 */
import type { Config } from '@jest/types';

import { N8nSetupError, ensureN8nInstalled, n8nApp } from '../../dev/n8n/app';

/** The project's `globals` key naming its n8n version. */
export const N8N_LINE_GLOBAL = 'OCOYA_E2E_N8N_VERSION';

/** Where the set-up leaves the reason a line's app cannot run (jest workers inherit this environment). */
export function n8nMissingEnvFor(version: string): string {
	return `OCOYA_E2E_N8N_MISSING_${version.replace(/\W/g, '_')}`;
}

export default async function globalSetup(_global: Config.GlobalConfig, project: Config.ProjectConfig): Promise<void> {
	const version = project.globals[N8N_LINE_GLOBAL];
	if (typeof version !== 'string') throw new Error(`jest.config.js: project ${project.displayName?.name ?? project.id} sets no globals.${N8N_LINE_GLOBAL}`);
	const log = (message: string): void => void process.stderr.write(`[e2e setup] ${message}\n`);
	const app = n8nApp(version);
	try {
		const { installed, durationMs } = await ensureN8nInstalled({ app, log });
		log(installed ? `n8n ${app.version} installed in ${(durationMs / 1000).toFixed(0)} s` : `n8n ${app.version} already installed`);
	} catch (error) {
		if (!(error instanceof N8nSetupError)) throw error;
		process.env[n8nMissingEnvFor(version)] = error.message;
	}
}
