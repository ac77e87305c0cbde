import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { OcoyaClient } from '../transport';
import { createOncePerKey, forgetKeys, readDeduplication } from './deduplication';
import { readRequestOptions, readWorkspaceId } from './fields';

/** What differs between the creates (Campaign › Create, Post › Create, Post › Create with AI). */
export interface CreateSpec {
	/** API path, sent with `?workspaceId=`. */
	path: string;
	/** What is created, for messages: 'campaign', 'post'. */
	noun: string;
	/** The request body of one item, checked before anything is sent. */
	buildBody(context: IExecuteFunctions, itemIndex: number): IDataObject;
	/** Ocoya's reply as the output item; when given, an empty 2xx reply is a success too. */
	readReply?: (reply: unknown) => IDataObject;
}

/**
 * One item of a create: the Deduplication Key's Forget actions, or the checked request sent once
 * (never retried after an ambiguous failure; with a key, at most once per key).
 */
export async function executeCreate(
	context: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
	spec: CreateSpec,
): Promise<INodeExecutionData[]> {
	const deduplication = readDeduplication(context, itemIndex);
	if (deduplication !== undefined && deduplication.action !== 'createOnce') {
		return [await forgetKeys(context, deduplication, itemIndex)];
	}
	const workspaceId = readWorkspaceId(context, itemIndex);
	const body = spec.buildBody(context, itemIndex);
	const { timeoutMs, maxRateLimitWaitMs } = readRequestOptions(context, itemIndex);

	const send = async (): Promise<IDataObject> => {
		const reply = await client.request({
			method: 'POST',
			path: spec.path,
			qs: { workspaceId },
			body,
			itemIndex,
			createsResource: true,
			resourceName: spec.noun,
			emptyReplyAllowed: spec.readReply !== undefined,
			timeoutMs,
			maxRateLimitWaitMs,
		});
		return spec.readReply !== undefined ? spec.readReply(reply) : (reply as IDataObject);
	};
	if (deduplication?.key !== undefined) {
		return [
			await createOncePerKey(context, deduplication.key, itemIndex, send, {
				noun: spec.noun,
				maxWaitMs: maxRateLimitWaitMs,
			}),
		];
	}
	return [{ json: await send(), pairedItem: { item: itemIndex } }];
}
