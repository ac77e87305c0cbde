import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import {
	readBoolean,
	readChoice,
	readText,
	type FieldRef,
} from '../../validation';
import { executeCreate } from '../create';
import { deduplicationOptions } from '../deduplication';
import {
	brandIdField,
	createTimeoutDescription,
	FIELD_REFS,
	hashtagLibraryIdField,
	POST_LENGTHS,
	postLengthField,
	readBrandContext,
	readReferences,
	referenceFields,
	requestOptionFields,
	socialProfileIdsField,
	toneField,
	TONES,
	workspaceIdField,
} from '../fields';
import { ACTS_ON_REAL_ACCOUNTS, describeTool, oneOf } from '../toolDescription';
import { createdReply } from './replies';

/** POST /post/ai's `prompt` minLength, counted after trimming. */
export const PROMPT_MIN_LENGTH = 10;

export const FIELDS = {
	prompt: { name: 'prompt', displayName: 'Prompt' },
	length: { name: 'length', displayName: 'Length' },
	generateImage: { name: 'generateImage', displayName: 'Generate Image' },
} satisfies Record<string, FieldRef>;

const properties: INodeProperties[] = [
	workspaceIdField({ description: 'The Ocoya workspace the draft is saved in' }),
	{
		displayName: FIELDS.prompt.displayName,
		name: FIELDS.prompt.name,
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'Write a launch post for our new analytics dashboard',
		description:
			'What the post should be about, at least 10 characters. Name the product or offer, who it is for, and any date, price or link the post must mention.',
	},
	toneField({ description: 'The voice of the caption' }),
	postLengthField({ name: FIELDS.length.name, displayName: FIELDS.length.displayName, description: 'Target caption length' }),
	brandIdField({
		description:
			'Brand kit that gives the caption brand context. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	hashtagLibraryIdField({
		description:
			'Hashtag library the caption draws hashtags from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	socialProfileIdsField({
		description:
			'Connected social profiles attached to the draft. The draft is not published until it is scheduled. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	{
		displayName: FIELDS.generateImage.displayName,
		name: FIELDS.generateImage.name,
		type: 'boolean',
		default: false,
		description: 'Whether to also generate one square image for the draft',
	},
	...referenceFields({ displayOptions: { show: { generateImage: [true] } } }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...deduplicationOptions('post'), ...requestOptionFields(createTimeoutDescription('post'))],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['post'], operation: ['createWithAi'] } },
	properties,
);

export const toolDescription = describeTool(
	[
		'Has Ocoya write one social media post from a prompt and saves it as a draft in the workspace (optionally with a generated image); returns what Ocoya answers, usually the postGroupId, which Post › Reschedule takes as postId to schedule it.',
		'Each call creates a new draft: call once per post, and not again after an error saying the post may have been created.',
		ACTS_ON_REAL_ACCOUNTS,
	],
	{
		prompt: `What the post is about, at least ${PROMPT_MIN_LENGTH} characters: the product or offer, who it is for, and any date, price or link to mention`,
		tone: `Voice of the caption, ${oneOf(TONES)}`,
		length: `Caption length, ${oneOf(POST_LENGTHS)}`,
		generateImage: 'true to also generate one square image, false otherwise (default false)',
	},
);

function buildAiPostBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const body: IDataObject = { prompt: readText(context, FIELDS.prompt, itemIndex, PROMPT_MIN_LENGTH) };
	const tone = readChoice(context, FIELD_REFS.tone, itemIndex, TONES);
	if (tone !== undefined) body.tone = tone;
	const length = readChoice(context, FIELDS.length, itemIndex, POST_LENGTHS);
	if (length !== undefined) body.length = length;
	Object.assign(body, readBrandContext(context, itemIndex));
	if (readBoolean(context, FIELDS.generateImage, itemIndex)) {
		body.generateImage = true;
		// References guide the generated image only, so they are read (and sent) only with one.
		Object.assign(body, readReferences(context, itemIndex));
	}
	return body;
}

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return await executeCreate(this, client, itemIndex, {
		path: '/post/ai',
		noun: 'post',
		buildBody: buildAiPostBody,
		readReply: createdReply,
	});
}
