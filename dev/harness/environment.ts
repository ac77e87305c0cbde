/**
 * Process-level setup n8n-core needs before its services are first resolved from the
 * `@n8n/di` Container: a throwaway N8N_USER_FOLDER (InstanceSettings writes its
 * `config` file there on first use) and quiet logging. Import this module before
 * anything that resolves n8n-core services; `index.ts` does so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let userFolder: string | undefined;

function ensureEnvironment(): void {
	if (userFolder !== undefined) return;
	userFolder = mkdtempSync(join(tmpdir(), 'n8n-harness-'));
	process.env.N8N_USER_FOLDER = userFolder;
	// A fixed key avoids the "generate and persist" path and keeps runs reproducible.
	process.env.N8N_ENCRYPTION_KEY ??= 'n8n-harness-test-encryption-key';
	process.env.N8N_LOG_LEVEL ??= 'silent';
	process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
	// Local test servers live on 127.0.0.1; make sure SSRF protection is off (its default).
	process.env.N8N_SSRF_PROTECTION_ENABLED = 'false';
}

ensureEnvironment();

export function harnessUserFolder(): string {
	ensureEnvironment();
	return userFolder as string;
}

/** Remove the temporary user folder (idempotent). */
export function removeHarnessUserFolder(): void {
	if (userFolder === undefined) return;
	rmSync(userFolder, { recursive: true, force: true });
}
