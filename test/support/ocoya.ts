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
import { startStandIn, type StandIn, type StandInOptions } from '../../dev/ocoya-stand-in';

export const ocoyaNode = new Ocoya();
export const ocoyaCredential = new OcoyaApi();

/**
 * The node paces requests per credential id across executions, as n8n shares one process. Each test
 * gets a fresh id so a rate-limit window learnt in one test does not pace the next; runs within one
 * test share it, as executions with one credential do.
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

/**
 * One stand-in per test file: started before the first test, reset after each, closed (with the
 * harness) after the last. The returned object forwards to the running stand-in, so suites can
 * hold it in a const from the start.
 */
export function useStandIn(options?: StandInOptions): StandIn {
	let current: StandIn | undefined;
	beforeAll(async () => {
		current = await startStandIn(options);
	});
	afterEach(() => current?.reset());
	afterAll(async () => {
		await current?.close();
		await shutdownHarness();
	});
	return new Proxy({} as StandIn, {
		get(_target, property) {
			if (current === undefined) throw new Error('The stand-in starts in beforeAll: use it inside a test');
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
