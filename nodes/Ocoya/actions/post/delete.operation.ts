import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, updateDisplayOptions } from 'n8n-workflow';

import { attemptsOf, type OcoyaClient } from '../../transport';
import { readPathId } from '../../validation';
import {
	FIELD_REFS,
	POST_ID_HINT,
	POST_LIST_WORKSPACE_DESCRIPTION,
	postIdField,
	readRequestOptions,
	workspaceIdField,
} from '../fields';
import { readOperationOptions } from '../operation';
import { ACTS_ON_REAL_ACCOUNTS, describeTool } from '../toolDescription';
import { objectReply } from './replies';

const properties: INodeProperties[] = [
	workspaceIdField({ required: false, description: POST_LIST_WORKSPACE_DESCRIPTION }),
	postIdField({ description: 'The post group to delete: the ID from Post › Get Many or the postGroupId from Post › Create' }),
	readOperationOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['delete'] } }, properties);

export const toolDescription = describeTool(
	[
		'Deletes an Ocoya post group for good (a draft, a scheduled post or a published one); it cannot be undone. Returns deleted: true and the postId.',
		'Deleting a post that no longer exists is an error saying it was not found.',
		ACTS_ON_REAL_ACCOUNTS,
	],
	{
		postId: POST_ID_HINT,
	},
);

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && String(error.httpCode) === '404';
}

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const postId = readPathId(this, FIELD_REFS.postId, itemIndex);
	const { timeoutMs, maxRateLimitWaitMs } = readRequestOptions(this, itemIndex);
	// Only a 404 is handled here; every other failure propagates as the transport raised it.
	let notFound = undefined as { attempts: number } | undefined;
	const reply = await client
		.request({
			method: 'DELETE',
			path: `/post/${postId}`,
			itemIndex,
			createsResource: false,
			idempotent: true,
			// Ocoya's reply to a delete is unpublished: a 200 `{}` and a 204 are both success.
			emptyReplyAllowed: true,
			timeoutMs,
			maxRateLimitWaitMs,
		})
		.catch((error: unknown) => {
			if (!isNotFound(error)) throw error;
			notFound = { attempts: attemptsOf(error) };
			return undefined;
		});
	if (notFound !== undefined) {
		// The first attempt may have deleted the post before its reply was lost: on a retry a
		// 404 is that deletion, seen from the other side.
		if (notFound.attempts > 1) {
			return [{ json: { deleted: true, postId }, pairedItem: { item: itemIndex } }];
		}
		throw new NodeApiError(
			this.getNode(),
			{ message: 'Not found', httpCode: '404' },
			{
				message: `Ocoya has no post with ID "${postId}" (HTTP 404): it was not found`,
				description:
					'Nothing was deleted. The ID may be wrong, or the post was already deleted. A post ID is the id from Post › Get Many or the postGroupId from Post › Create.',
				httpCode: '404',
				itemIndex,
			},
		);
	}
	return [{ json: { ...objectReply(reply), deleted: true, postId }, pairedItem: { item: itemIndex } }];
}
