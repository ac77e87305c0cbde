import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OcoyaClient } from '../transport';
import { readRequestOptions, requestOptionFields, RETRIED_TIMEOUT_DESCRIPTION } from './fields';

/** What the router calls for one item of one resource › operation. */
export type OperationExecute = (
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
) => Promise<INodeExecutionData[]>;

/** An `actions/<resource>/<operation>.operation.ts` module as the node assembles it. */
export interface OperationModule {
	/** The operation's parameters, each shown only for its resource and operation. */
	description: INodeProperties[];
	execute: OperationExecute;
	/** What an AI Agent's model is told about this operation (see ../toolDescription.ts). */
	toolDescription: string;
}

/**
 * A resource's Operation dropdown, shown for that resource only. Each option's `action` is what
 * n8n shows in the node list and, with " in Ocoya" appended, what an AI Agent would be told
 * without our tool description: it reads as a sentence ("Get many workspaces").
 */
export function operationSelector(
	resource: string,
	options: INodePropertyOptions[],
	defaultOperation: string,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options,
		default: defaultOperation,
	};
}

/** The Options collection of a read: Rate Limit: Max Wait and Timeout (read with `readRequestOptions`). */
export function readOperationOptions(): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: requestOptionFields(RETRIED_TIMEOUT_DESCRIPTION),
	};
}

/** A reply that must be one JSON object (GET /me, the connection URL), as one output item. */
export function objectItem(
	context: IExecuteFunctions,
	reply: unknown,
	path: string,
	itemIndex: number,
): INodeExecutionData {
	if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) {
		throw new NodeOperationError(context.getNode(), `Could not read Ocoya's reply to GET ${path}: it is not a JSON object`, {
			itemIndex,
			description: 'Check the Base URL in the Ocoya API credential.',
		});
	}
	return { json: reply as IDataObject, pairedItem: { item: itemIndex } };
}

/**
 * A read (GET) for one item, with the item's Timeout and Rate Limit: Max Wait options. Safe to
 * repeat, so the transport retries it after a timeout, a reset connection or a 502/503/504. Call
 * it after every other parameter is checked: a bad option still sends nothing.
 */
export async function sendRead(
	context: IExecuteFunctions,
	client: OcoyaClient,
	read: { path: string; qs?: IDataObject },
	itemIndex: number,
): Promise<unknown> {
	const { timeoutMs, maxRateLimitWaitMs } = readRequestOptions(context, itemIndex);
	return await client.request({
		method: 'GET',
		path: read.path,
		qs: read.qs,
		itemIndex,
		createsResource: false,
		idempotent: true,
		timeoutMs,
		maxRateLimitWaitMs,
	});
}
