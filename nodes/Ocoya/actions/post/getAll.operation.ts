import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { readPostPages } from '../../transport/pagination';
import { readChoices, type FieldRef } from '../../validation';
import {
	DEFAULT_LIMIT,
	limitField,
	POST_STATUSES,
	readRequestOptions,
	readReturnLimit,
	readWorkspaceId,
	returnAllField,
	workspaceIdField,
} from '../fields';
import { readOperationOptions } from '../operation';
import { describeTool, oneOf, READ_ONLY } from '../toolDescription';

export const FIELDS = {
	statuses: { name: 'statuses', displayName: 'Statuses' },
} satisfies Record<string, FieldRef>;

const properties: INodeProperties[] = [
	workspaceIdField({ description: 'The Ocoya workspace whose posts are listed' }),
	{
		displayName: FIELDS.statuses.displayName,
		name: FIELDS.statuses.name,
		type: 'multiOptions',
		options: POST_STATUSES,
		default: [],
		description:
			'Only return posts in these states; none chosen returns every state. Ocoya documents only Draft and Posted, the other values are unverified.',
	},
	returnAllField(),
	limitField(),
	readOperationOptions(),
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['getAll'] } }, properties);

export const toolDescription = describeTool(
	[
		'Lists the post groups of an Ocoya workspace, one item per post group as Ocoya sends it (id, status, scheduledAt in UTC, posts with their captions, socialProfiles). The id is the postId Post › Reschedule and Post › Delete take.',
		'Ocoya does not say in which order it lists posts, and it cannot filter by campaign.',
		READ_ONLY,
	],
	{
		statuses: `A list of states to keep, each ${oneOf(POST_STATUSES)}; an empty list keeps every state`,
		returnAll: 'true or false (default false); true returns every post and ignores limit',
		limit: `a whole number of at least 1 (default ${DEFAULT_LIMIT}), the most posts returned`,
	},
);

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const workspaceId = readWorkspaceId(this, itemIndex);
	const statuses = readChoices(this, FIELDS.statuses, itemIndex, POST_STATUSES);
	const limit = readReturnLimit(this, itemIndex);
	const { timeoutMs, maxRateLimitWaitMs } = readRequestOptions(this, itemIndex);

	const qs: IDataObject = { workspaceId };
	if (statuses.length > 0) qs.statuses = statuses;
	const { posts } = await readPostPages(
		client,
		{ path: '/post', qs, itemIndex, createsResource: false, idempotent: true, timeoutMs, maxRateLimitWaitMs },
		{
			limit,
			// How `statuses` goes on the wire is undocumented (a repeated key is sent): a server that
			// reads it otherwise, or not at all, still yields only the chosen states.
			accept: statuses.length === 0 ? undefined : (post) => statuses.includes(String(post.status)),
		},
	);
	return posts.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}
