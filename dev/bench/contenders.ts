/**
 * The things the bench runs against the stand-in, each as "send N items, tell me how long".
 * Every harness run uses dev/harness (n8n-core's real WorkflowExecute), so our node, the HTTP
 * Request node and the probes share one engine, one process and one stand-in.
 */
import { Agent, request } from 'undici';
import type { INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { executeNode, NODE_UNDER_TEST_NAME, type ExecuteNodeResult } from '../harness';
import type { StandIn } from '../ocoya-stand-in';
import { inputItems, nowMs, PROMPT_EXPRESSION, promptFor, withTimeout, WORKSPACE_ID } from './common';
import { HTTP_REQUEST_TYPE_NAME, headerAuthCredentials, httpRequestParameters, loadHttpRequestNode, type HttpRequestParameterOptions } from './http-request-node';
import { loadOcoya, ocoyaCredentials } from './ocoya-node';
import { probeNode, type ProbeMode } from './probe-nodes';

export interface Measure {
	/** Wall clock around the whole run (workflow set-up, both nodes, result collection). */
	wallMs: number;
	/** The node under test's own `executionTime` as the engine recorded it; the loop time for undici. */
	nodeMs: number;
	/** Items the contender output without an error. */
	okItems: number;
	/** The error the run ended with, if any. */
	error?: string;
}

/** Upper bound for one contender run: the bench must end even if something hangs. */
const RUN_TIMEOUT_MS = 180_000;

/** Create-campaign parameters as the editor stores them (as test/support/ocoya.ts builds them), one prompt per item. */
export const ourParameters = (): INodeParameters => ({
	resource: 'campaign',
	operation: 'create',
	workspaceId: { __rl: true, mode: 'id', value: WORKSPACE_ID },
	prompt: PROMPT_EXPRESSION,
});

function measureOf(result: ExecuteNodeResult, wallMs: number): Measure {
	const task = result.runData[NODE_UNDER_TEST_NAME]?.[0];
	const okItems = result.items.filter((item) => item.json.error === undefined && item.json.campaignId !== undefined).length;
	return { wallMs, nodeMs: task?.executionTime ?? Number.NaN, okItems, error: result.recordedError?.message };
}

type NodeOverrides = Partial<Omit<INode, 'parameters' | 'type' | 'name'>>;

/** A count of items `{ i: 0 }` … `{ i: count - 1 }`, or the items themselves (e.g. one `{ i: k }` per execution of a burst). */
type Inputs = number | INodeExecutionData[];

const itemsOf = (inputs: Inputs): INodeExecutionData[] => (typeof inputs === 'number' ? inputItems(inputs) : inputs);

export async function runOurs(standIn: StandIn, count: Inputs, nodeOverrides: NodeOverrides = {}, options: INodeParameters = {}): Promise<Measure> {
	return await withTimeout('our node', RUN_TIMEOUT_MS, async (abortSignal) => {
		const { node, credential } = loadOcoya();
		const started = nowMs();
		const result = await executeNode({
			nodeType: node,
			credentialTypes: [credential],
			credentials: ocoyaCredentials(standIn),
			parameters: { ...ourParameters(), options },
			inputItems: itemsOf(count),
			nodeOverrides,
			abortSignal,
		});
		return measureOf(result, nowMs() - started);
	});
}

export async function runHttpRequest(
	standIn: StandIn,
	count: Inputs,
	nodeOverrides: NodeOverrides = {},
	options: HttpRequestParameterOptions = {},
): Promise<Measure> {
	const { nodeType, credentialType } = loadHttpRequestNode();
	return await withTimeout('HTTP Request node', RUN_TIMEOUT_MS, async (abortSignal) => {
		const started = nowMs();
		const result = await executeNode({
			nodeType,
			// Its real type name: n8n-core lets this type (and only a few others) use any credential type.
			nodeTypeName: HTTP_REQUEST_TYPE_NAME,
			credentialTypes: [credentialType],
			credentials: headerAuthCredentials(standIn.apiKey),
			parameters: httpRequestParameters(standIn.baseUrl, options),
			inputItems: itemsOf(count),
			nodeOverrides,
			abortSignal,
		});
		return measureOf(result, nowMs() - started);
	});
}

export async function runProbe(standIn: StandIn, mode: ProbeMode, count: number): Promise<Measure> {
	return await withTimeout(`probe ${mode}`, RUN_TIMEOUT_MS, async (abortSignal) => {
		const started = nowMs();
		const result = await executeNode({
			nodeType: probeNode(mode, standIn.baseUrl),
			credentialTypes: [loadOcoya().credential],
			credentials: mode === 'noop' ? undefined : ocoyaCredentials(standIn),
			parameters: { prompt: PROMPT_EXPRESSION },
			inputItems: inputItems(count),
			abortSignal,
		});
		const measure = measureOf(result, nowMs() - started);
		// The no-op node outputs its input items unchanged: all of them count as done.
		return mode === 'noop' ? { ...measure, okItems: result.items.length } : measure;
	});
}

export type UndiciMode = 'sequential' | 'concurrent' | 'sequentialNewConnection';

/**
 * The floor: the same POSTs with undici and nothing else, each reply read as JSON. 'sequential'
 * is one after the other on one keep-alive connection; 'concurrent' starts them all at once;
 * 'sequentialNewConnection' closes the connection after every request (`Connection: close`),
 * which is what n8n's HTTP helper does, to show what that alone costs.
 */
export async function runUndici(standIn: StandIn, count: number, mode: UndiciMode = 'sequential'): Promise<Measure> {
	const concurrent = mode === 'concurrent';
	const agent = new Agent({ connections: concurrent ? 256 : 1, headersTimeout: 30_000, bodyTimeout: 30_000 });
	const url = `${standIn.baseUrl}/campaigns?workspaceId=${WORKSPACE_ID}`;
	const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': standIn.apiKey };
	const reset = mode === 'sequentialNewConnection';
	const send = async (i: number): Promise<boolean> => {
		const res = await request(url, { method: 'POST', headers, body: JSON.stringify({ prompt: promptFor(i) }), dispatcher: agent, reset });
		const body = (await res.body.json()) as { campaignId?: string };
		return res.statusCode === 202 && body.campaignId !== undefined;
	};
	try {
		return await withTimeout('undici loop', RUN_TIMEOUT_MS, async () => {
			const started = nowMs();
			let okItems = 0;
			if (concurrent) {
				okItems = (await Promise.all(Array.from({ length: count }, async (_, i) => await send(i)))).filter(Boolean).length;
			} else {
				for (let i = 0; i < count; i++) if (await send(i)) okItems++;
			}
			const elapsed = nowMs() - started;
			return { wallMs: elapsed, nodeMs: elapsed, okItems };
		});
	} finally {
		await agent.close();
	}
}
