/**
 * Jest setup file of each e2e project (jest.config.js › N8N_LINES): points the suite at its
 * project's n8n line before any module loads. dev/n8n/app.ts reads N8N_VERSION; jest gives each
 * suite its own copy of process.env, so this changes nothing outside the suite. It also hands the
 * suite the reason its line's app could not be installed, if global-setup.ts recorded one.
 */
import { N8N_MISSING_ENV } from './support';
import { N8N_LINE_GLOBAL, n8nMissingEnvFor } from './global-setup';

const version = (globalThis as Record<string, unknown>)[N8N_LINE_GLOBAL];
if (typeof version !== 'string') throw new Error(`jest.config.js: the e2e project sets no globals.${N8N_LINE_GLOBAL}`);
process.env.N8N_VERSION = version;
const missing = process.env[n8nMissingEnvFor(version)];
if (missing === undefined) delete process.env[N8N_MISSING_ENV];
else process.env[N8N_MISSING_ENV] = missing;
