/**
 * Our node and credential as n8n loads them: the built files in dist/.
 *
 * Not through test/support/ocoya.ts: under tsx, its `import … from '../../nodes/Ocoya/Ocoya.node'`
 * resolves to Ocoya.node.json (Node tries `.json` before tsx's `.ts`), so that module throws
 * "Ocoya is not a constructor" at load. jest resolves `.ts` first, so the test suites are fine.
 * The bench makes sure dist/ is current before it starts (see ensureBuilt in index.ts).
 */
import fs from 'node:fs';
import path from 'node:path';

import type { ICredentialDataDecryptedObject, ICredentialType, INodeType } from 'n8n-workflow';

import { REPO_ROOT } from './common';

export const DIST_NODE = path.join(REPO_ROOT, 'dist', 'nodes', 'Ocoya', 'Ocoya.node.js');
export const DIST_CREDENTIAL = path.join(REPO_ROOT, 'dist', 'credentials', 'OcoyaApi.credentials.js');

let cached: { node: INodeType; credential: ICredentialType } | undefined;

export function loadOcoya(): { node: INodeType; credential: ICredentialType } {
	if (cached) return cached;
	const { Ocoya } = require(DIST_NODE) as { Ocoya: new () => INodeType };
	const { OcoyaApi } = require(DIST_CREDENTIAL) as { OcoyaApi: new () => ICredentialType };
	cached = { node: new Ocoya(), credential: new OcoyaApi() };
	return cached;
}

export function ocoyaCredentials(target: { baseUrl: string; apiKey: string }): Record<string, ICredentialDataDecryptedObject> {
	return { ocoyaApi: { apiKey: target.apiKey, baseUrl: target.baseUrl } };
}

/** Source files newer than their build, i.e. dist/ does not show the current code. */
export function staleSources(): string[] {
	const distDir = path.join(REPO_ROOT, 'dist');
	if (!fs.existsSync(DIST_NODE) || !fs.existsSync(DIST_CREDENTIAL)) return ['dist/ (missing)'];
	const stale: string[] = [];
	const visit = (dir: string): void => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				visit(full);
				continue;
			}
			const rel = path.relative(REPO_ROOT, full);
			const built = path.join(distDir, rel.replace(/\.ts$/, '.js'));
			if (!/\.(ts|json|svg)$/.test(entry.name)) continue;
			if (!fs.existsSync(built)) {
				stale.push(rel);
			} else if (entry.name.endsWith('.ts')) {
				if (fs.statSync(built).mtimeMs < fs.statSync(full).mtimeMs) stale.push(rel);
			} else if (!fs.readFileSync(built).equals(fs.readFileSync(full))) {
				// gulp copies icons and the codex file keeping the source's mtime (rounded to ms), so compare bytes.
				stale.push(rel);
			}
		}
	};
	for (const dir of ['nodes', 'credentials']) visit(path.join(REPO_ROOT, dir));
	return stale;
}
