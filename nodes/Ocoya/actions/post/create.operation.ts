import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { invalid, readCaption, readList, readScheduledAt, readUrlList, type FieldRef } from '../../validation';
import { executeCreate } from '../create';
import { deduplicationOptions } from '../deduplication';
import {
	createTimeoutDescription,
	FIELD_REFS,
	requestOptionFields,
	scheduledAtField,
	socialProfileIdsField,
	workspaceIdField,
} from '../fields';
import { ACTS_ON_REAL_ACCOUNTS, describeTool } from '../toolDescription';
import { createdReply } from './replies';

/** Ocoya's cap on a caption, counted here in Unicode code points. */
export const CAPTION_MAX = 10_000;

export const FIELDS = {
	caption: { name: 'caption', displayName: 'Caption' },
	mediaUrls: { name: 'mediaUrls', displayName: 'Media URLs' },
} satisfies Record<string, FieldRef>;

const properties: INodeProperties[] = [
	workspaceIdField({ description: 'The Ocoya workspace the post is created in' }),
	{
		displayName: FIELDS.caption.displayName,
		name: FIELDS.caption.name,
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'Our summer sale starts today: 20% off every plan until Sunday.',
		description:
			'The post text, up to 10,000 characters. A post needs a caption, at least one media URL, or both.',
	},
	{
		displayName: FIELDS.mediaUrls.displayName,
		name: FIELDS.mediaUrls.name,
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Media URL' },
		default: [],
		placeholder: 'https://example.com/launch.png',
		description:
			'Public http(s) URLs Ocoya downloads and attaches: .png, .jpeg, .gif or .mp4 files of 5 MB or less',
	},
	socialProfileIdsField({
		description:
			'Connected social profiles the post is published to. Without any, the post is saved as a draft and Scheduled At must stay empty. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	scheduledAtField({
		description:
			'When the post is published; leave empty to save a draft. A date without an offset is read in the workflow’s timezone; an ISO date with an offset (e.g. 2026-01-31T09:30:00+01:00) or an expression like {{ $now.plus(1, "day") }} works too. Sent to Ocoya in UTC, to the second. Must be in the future and needs at least one social profile.',
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deduplicationOptions('post'), ...requestOptionFields(createTimeoutDescription('post'))],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['post'], operation: ['create'] } }, properties);

export const toolDescription = describeTool(
	[
		'Creates one social media post in Ocoya (a caption, media URLs or both) and returns its postGroupId, which Post › Reschedule and Post › Delete take as postId.',
		'With scheduledAt and at least one social profile the post is scheduled and will be published to those accounts at that time; without scheduledAt it is saved as a draft.',
		'Each call creates a new post: call once per post, and not again after an error saying the post may have been created.',
		ACTS_ON_REAL_ACCOUNTS,
	],
	{
		caption: `The post text, at most ${CAPTION_MAX.toLocaleString('en-US')} characters; may be empty only when mediaUrls are given`,
		mediaUrls: 'A list of public http(s) URLs of .png, .jpeg, .gif or .mp4 files of 5 MB or less; may be empty when a caption is given',
		socialProfileIds: 'A list of connected social profile IDs (from Social Profile › Get Many) to publish to; needed when scheduledAt is set',
		scheduledAt:
			'When to publish, an ISO 8601 date and time with an offset such as 2026-01-31T09:30:00Z, in the future; empty for a draft',
	},
);

/** The request body for one item, checked before anything is sent. */
function buildPostBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const caption = readCaption(context, FIELDS.caption, itemIndex, CAPTION_MAX);
	const mediaUrls = readUrlList(context, FIELDS.mediaUrls, itemIndex);
	if (caption === undefined && mediaUrls.length === 0) {
		throw invalid(
			context,
			FIELDS.caption,
			context.getNodeParameter(FIELDS.caption.name, itemIndex, '') as unknown,
			'is empty and no media URL is given: a post needs a caption, at least one media URL, or both',
			itemIndex,
		);
	}
	const socialProfileIds = readList(context, FIELD_REFS.socialProfileIds, itemIndex);
	const scheduledAt = readScheduledAt(context, FIELD_REFS.scheduledAt, itemIndex, false);
	// Ocoya's two draft rules disagree (no time = draft; no profiles = draft), and a time with no
	// profile has no documented outcome: refused here rather than guessed.
	if (scheduledAt !== undefined && socialProfileIds.length === 0) {
		throw invalid(
			context,
			FIELD_REFS.scheduledAt,
			scheduledAt,
			'needs at least one social profile to publish to: choose Social Profiles, or leave Scheduled At empty to save a draft',
			itemIndex,
		);
	}
	const body: IDataObject = {};
	if (caption !== undefined) body.caption = caption;
	if (mediaUrls.length > 0) body.mediaUrls = mediaUrls;
	if (socialProfileIds.length > 0) body.socialProfileIds = socialProfileIds;
	if (scheduledAt !== undefined) body.scheduledAt = scheduledAt;
	return body;
}

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await executeCreate(this, client, itemIndex, {
		path: '/post',
		noun: 'post',
		buildBody: buildPostBody,
		readReply: createdReply,
	});
}
