/**
 * n8n's own HTTP Request node (n8n-nodes-base 2.41.1 from n8n-app/node_modules), loaded into
 * this Node 20 process so it runs in the same n8n-core engine (dev/harness) as our node.
 *
 * Two adjustments, both about the test bed and not about the node:
 *  - n8n-nodes-base would `require('n8n-workflow')` from n8n-app/node_modules, a second copy
 *    of the module the harness uses (same version, 2.41.0). Two copies break `instanceof`
 *    checks on errors and split module state, so that one specifier is redirected to the
 *    harness's copy. Everything else (lodash, @n8n/utils, jsdom, …) loads from n8n-app.
 *  - httpHeaderAuth's `authenticate` uses an expression as a header *name*
 *    (`'={{$credentials.name}}': '={{$credentials.value}}'`). n8n's CredentialsHelper resolves
 *    names too; the harness helper (dev/harness, not ours to edit) resolves only values. So the
 *    credential is passed with the same properties and an `authenticate` function that sets the
 *    same header, which the harness helper calls as n8n would.
 */
import Module from 'node:module';
import path from 'node:path';

import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeParameters,
	IVersionedNodeType,
} from 'n8n-workflow';

import { PROMPT_EXPRESSION, REPO_ROOT, WORKSPACE_ID } from './common';

const APP_MODULES = path.join(REPO_ROOT, 'n8n-app', 'node_modules');
const NODES_BASE_DIST = path.join(APP_MODULES, 'n8n-nodes-base', 'dist');
export const HTTP_REQUEST_NODE_FILE = path.join(NODES_BASE_DIST, 'nodes', 'HttpRequest', 'HttpRequest.node.js');
const HEADER_AUTH_FILE = path.join(NODES_BASE_DIST, 'credentials', 'HttpHeaderAuth.credentials.js');

interface ResolverModule {
	_resolveFilename(request: string, parent: { filename?: string | null } | undefined, ...rest: unknown[]): string;
}

let redirected = false;

/** Make modules under n8n-app/ share this process's n8n-workflow. */
function shareN8nWorkflow(): void {
	if (redirected) return;
	redirected = true;
	const ownWorkflow = require.resolve('n8n-workflow', { paths: [REPO_ROOT] });
	const resolver = Module as unknown as ResolverModule;
	const original = resolver._resolveFilename.bind(Module);
	resolver._resolveFilename = (request, parent, ...rest) => {
		if (request === 'n8n-workflow' && parent?.filename?.startsWith(APP_MODULES + path.sep)) return ownWorkflow;
		return original(request, parent, ...rest);
	};
}

export const HTTP_REQUEST_TYPE_NAME = 'n8n-nodes-base.httpRequest';

export interface LoadedHttpRequest {
	nodeType: IVersionedNodeType;
	credentialType: ICredentialType;
	/** Time to require the node file (n8n-nodes-base's HTTP Request and its dependencies). */
	loadMs: number;
}

let loaded: LoadedHttpRequest | undefined;

export function loadHttpRequestNode(): LoadedHttpRequest {
	if (loaded) return loaded;
	shareN8nWorkflow();
	const started = performance.now();
	const nodeModule = require(HTTP_REQUEST_NODE_FILE) as { HttpRequest: new () => IVersionedNodeType };
	const loadMs = performance.now() - started;
	const credModule = require(HEADER_AUTH_FILE) as { HttpHeaderAuth: new () => ICredentialType };
	const original = new credModule.HttpHeaderAuth();
	const credentialType: ICredentialType = {
		name: original.name,
		displayName: original.displayName,
		properties: original.properties,
		genericAuth: true,
		// Same effect as the original's generic block once n8n has resolved its expressions.
		authenticate: async (credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) => ({
			...options,
			headers: { ...(options.headers ?? {}), [String(credentials.name)]: String(credentials.value) },
		}),
	};
	loaded = { nodeType: new nodeModule.HttpRequest(), credentialType, loadMs };
	return loaded;
}

export function headerAuthCredentials(apiKey: string): Record<string, ICredentialDataDecryptedObject> {
	return { httpHeaderAuth: { name: 'X-API-Key', value: apiKey } };
}

export interface HttpRequestParameterOptions {
	/** Batching option of the node: items per batch and the pause between batches. */
	batching?: { batchSize: number; batchInterval: number };
}

/**
 * The create call as a user would set it up in the HTTP Request node (v4.5, the 2.41.1
 * default): POST {baseUrl}/campaigns?workspaceId=…, Header Auth, JSON body `{ prompt }` —
 * the same body our node sends with its defaults.
 */
export function httpRequestParameters(baseUrl: string, options: HttpRequestParameterOptions = {}): INodeParameters {
	return {
		method: 'POST',
		url: `${baseUrl}/campaigns`,
		authentication: 'genericCredentialType',
		genericAuthType: 'httpHeaderAuth',
		sendQuery: true,
		specifyQuery: 'keypair',
		queryParameters: { parameters: [{ name: 'workspaceId', value: WORKSPACE_ID }] },
		sendBody: true,
		contentType: 'json',
		specifyBody: 'keypair',
		bodyParameters: { parameters: [{ name: 'prompt', value: PROMPT_EXPRESSION }] },
		options: options.batching ? { batching: { batch: { ...options.batching } } } : {},
	};
}
