import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { readPathId, readScheduledAt } from '../../validation';
import {
	FIELD_REFS,
	POST_ID_HINT,
	POST_LIST_WORKSPACE_DESCRIPTION,
	postIdField,
	readRequestOptions,
	scheduledAtField,
	workspaceIdField,
} from '../fields';
import { readOperationOptions } from '../operation';
import { ACTS_ON_REAL_ACCOUNTS, describeTool } from '../toolDescription';
import { objectReply } from './replies';

const properties: INodeProperties[] = [
	workspaceIdField({ required: false, description: POST_LIST_WORKSPACE_DESCRIPTION }),
	postIdField({ description: 'The post group to reschedule: the ID from Post › Get Many or the postGroupId from Post › Create' }),
	scheduledAtField({
		required: true,
		description:
			'The new publish time. A date without an offset is read in the workflow’s timezone; an ISO date with an offset (e.g. 2026-01-31T09:30:00+01:00) or an expression like {{ $now.plus(1, "day") }} works too. Sent to Ocoya in UTC, to the second. Must be in the future.',
	}),
	readOperationOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['update'] } }, properties);

export const toolDescription = describeTool(
	[
		'Changes when an existing Ocoya post group is published: it will go out to its social accounts at the new time.',
		'Safe to call again with the same values.',
		ACTS_ON_REAL_ACCOUNTS,
	],
	{
		postId: POST_ID_HINT,
		scheduledAt: 'The new publish time, an ISO 8601 date and time with an offset such as 2026-01-31T09:30:00Z, in the future',
	},
);

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const postId = readPathId(this, FIELD_REFS.postId, itemIndex);
	const scheduledAt = readScheduledAt(this, FIELD_REFS.scheduledAt, itemIndex, true) as string;
	const { timeoutMs, maxRateLimitWaitMs } = readRequestOptions(this, itemIndex);
	const reply = await client.request({
		method: 'PATCH',
		path: `/post/${postId}`,
		body: { scheduledAt },
		itemIndex,
		createsResource: false,
		idempotent: true,
		// Ocoya's sample reply is `{}`; an empty 200 or a 204 means the same.
		emptyReplyAllowed: true,
		timeoutMs,
		maxRateLimitWaitMs,
	});
	return [{ json: { postId, scheduledAt, ...objectReply(reply) }, pairedItem: { item: itemIndex } }];
}
