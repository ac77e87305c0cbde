/** Runs the Ocoya node and credential through the harness against a stand-in. */
import { inspect } from 'node:util';

import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { OcoyaApi } from '../../credentials/OcoyaApi.credentials';
import { Ocoya } from '../../nodes/Ocoya/Ocoya.node';
import {
	executeNode,
	listSearch,
	loadOptions,
	shutdownHarness,
	type ExecuteNodeOptions,
	type ExecuteNodeResult,
	type MethodResult,
} from '../../dev/harness';
import { DEFAULT_API_KEY, startStandIn, type StandIn, type StandInOptions } from '../../dev/ocoya-stand-in';

export const ocoyaNode = new Ocoya();
export const ocoyaCredential = new OcoyaApi();

/**
 * The node paces requests per Base URL and API key across executions, as n8n shares one process;
 * `useStandIn` gives each test a fresh stand-in (new port, new key), so a rate-limit window learnt
 * in one test does not pace the next. The harness still needs a credential id: each test gets its own.
 */
let credentialSerial = 0;
let credentialId = 'cred-ocoya-0';
beforeEach(() => {
	credentialId = `cred-ocoya-${++credentialSerial}`;
});
export function currentCredentialId(): string {
	return credentialId;
}

export interface Target {
	baseUrl: string;
	apiKey: string;
}

let standInSerial = 0;

/**
 * A fresh stand-in for every test (its own port and API key, so its own rate-limit gate in the
 * node), closed after the test; the harness is shut down after the file. The returned object
 * forwards to the current stand-in (after a test, to the one it used), so suites can hold it in a
 * const from the start.
 */
export function useStandIn(options?: StandInOptions): StandIn {
	let current: StandIn | undefined;
	beforeEach(async () => {
		current = await startStandIn({ ...options, apiKey: `${options?.apiKey ?? DEFAULT_API_KEY}-${++standInSerial}` });
	});
	afterEach(async () => await current?.close());
	afterAll(async () => await shutdownHarness());
	return new Proxy({} as StandIn, {
		get(_target, property) {
			if (current === undefined) throw new Error('The stand-in starts in beforeEach: use it inside a test');
			const value: unknown = Reflect.get(current, property, current);
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
		},
	});
}

export function credentialsFor(target: Target): ExecuteNodeOptions['credentials'] {
	return { ocoyaApi: { apiKey: target.apiKey, baseUrl: target.baseUrl } };
}

/** Create-campaign parameters as the editor stores them, with a workspace picked by ID. */
export function createParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'campaign',
		operation: 'create',
		workspaceId: { __rl: true, mode: 'id', value: 'ws_standin_1' },
		prompt: 'Summer launch campaign for our ecommerce analytics dashboard',
		...overrides,
	};
}

export async function runCreate(
	target: Target | StandIn,
	parameters: INodeParameters,
	options: Partial<ExecuteNodeOptions> = {},
): Promise<ExecuteNodeResult> {
	return await executeNode({
		nodeType: ocoyaNode,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor(target),
		credentialId,
		parameters,
		...options,
	});
}

export async function runLoader(
	target: Target,
	method: string,
	parameters: INodeParameters = createParameters(),
): Promise<MethodResult<unknown>> {
	return await loadOptions({
		nodeType: ocoyaNode,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor(target),
		credentialId,
		parameters,
		method,
	});
}

export async function runWorkspaceSearch(target: Target, filter?: string) {
	return await listSearch({
		nodeType: ocoyaNode,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor(target),
		credentialId,
		parameters: createParameters(),
		method: 'searchWorkspaces',
		filter,
	});
}

export function items(...json: Array<Record<string, unknown>>): INodeExecutionData[] {
	return json.map((entry) => ({ json: entry as INodeExecutionData['json'] }));
}

/**
 * Everything n8n could show or store about a result: output items, the error as thrown
 * (hidden properties and its whole cause chain) and the engine's recorded copy.
 */
export function everythingVisible(result: ExecuteNodeResult | MethodResult<unknown>): string {
	const parts: unknown[] = [];
	if ('runData' in result) {
		parts.push(result.outputs, result.runData, result.recordedError, result.run.data.resultData.error);
		if (result.error) parts.push(result.error, result.error.message, result.error.description);
	} else if (!result.ok) {
		parts.push(result.error);
	} else {
		parts.push(result.result);
	}
	return parts
		.map((part) => `${inspect(part, { depth: 12, showHidden: true, getters: true })}\n${safeJson(part)}`)
		.join('\n');
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? '';
	} catch {
		return '';
	}
}
