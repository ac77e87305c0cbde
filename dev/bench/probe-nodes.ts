/**
 * Minimal nodes that split our node's time into parts, run in the same harness engine:
 *  - `noop`: returns its input. What the engine costs for a node run of N items, with no work.
 *  - `helperSequential`: per item, reads the prompt parameter (one expression) and sends the
 *    same POST through n8n's `httpRequestWithAuthentication` with our credential, one item at a
 *    time, like our node but with none of its validation, pacing or error mapping.
 *  - `helperConcurrent`: the same requests, all started at once (what the HTTP Request node does).
 */
import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeExecutionData,
	type INodeType,
} from 'n8n-workflow';

import { WORKSPACE_ID } from './common';

export type ProbeMode = 'noop' | 'helperSequential' | 'helperConcurrent';

function requestFor(context: IExecuteFunctions, baseUrl: string, itemIndex: number): IHttpRequestOptions {
	return {
		method: 'POST',
		url: `${baseUrl}/campaigns`,
		qs: { workspaceId: WORKSPACE_ID },
		body: { prompt: context.getNodeParameter('prompt', itemIndex) as string },
		json: true,
		timeout: 30_000,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
}

export function probeNode(mode: ProbeMode, baseUrl: string): INodeType {
	return {
		description: {
			displayName: `Bench Probe (${mode})`,
			name: `benchProbe${mode}`,
			group: ['transform'],
			version: 1,
			description: 'Bench probe',
			defaults: { name: 'Bench Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: mode === 'noop' ? [] : [{ name: 'ocoyaApi', required: true }],
			properties: [{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '' }],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const items = this.getInputData();
			if (mode === 'noop') return [items];
			const send = async (itemIndex: number): Promise<INodeExecutionData> => {
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'ocoyaApi',
					requestFor(this, baseUrl, itemIndex),
				)) as { body: IDataObject };
				return { json: response.body, pairedItem: { item: itemIndex } };
			};
			if (mode === 'helperConcurrent') return [await Promise.all(items.map(async (_, i) => await send(i)))];
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) out.push(await send(i));
			return [out];
		},
	};
}
