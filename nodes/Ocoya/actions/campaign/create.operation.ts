import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { executeCreate } from '../create';
import { DEDUPLICATION_OPTIONS } from '../deduplication';
import {
	brandIdField,
	createTimeoutDescription,
	FIELD_REFS,
	hashtagLibraryIdField,
	OCOYA_DEFAULT,
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
import {
	readBoolean,
	readChoice,
	readOptionalInteger,
	readText,
	type FieldRef,
} from '../../validation';

export const GOALS: INodePropertyOptions[] = [
	OCOYA_DEFAULT,
	{ name: 'Awareness', value: 'awareness', description: 'Get the brand or product seen by more people' },
	{ name: 'Education', value: 'education', description: 'Teach the audience something useful' },
	{ name: 'Event', value: 'event', description: 'Promote an event and drive attendance' },
	{ name: 'Launch', value: 'launch', description: 'Announce a new product, feature or service' },
	{ name: 'Leads', value: 'leads', description: 'Collect sign-ups, demo requests or contact details' },
	{ name: 'Offer', value: 'offer', description: 'Drive sales with a discount or limited-time deal' },
];

export const AUDIENCES: INodePropertyOptions[] = [
	OCOYA_DEFAULT,
	{ name: 'Business Owners', value: 'business_owners', description: 'People who run a business' },
	{ name: 'Buyers and Customers', value: 'buyers_customers', description: 'People ready to buy' },
	{ name: 'Existing Customers', value: 'existing_customers', description: 'People who already buy from you' },
	{ name: 'First-Time Buyers', value: 'first_time_buyers', description: 'People buying this kind of product for the first time' },
	{ name: 'Founders and Executives', value: 'founders_executives', description: 'Company leaders and decision makers' },
	{ name: 'Investors', value: 'investors', description: 'Current or prospective investors' },
	{ name: 'Local Community', value: 'local_community', description: 'People near your business' },
	{ name: 'Marketing Teams', value: 'marketing_teams', description: 'Marketers and their teams' },
];

/** Bounds and defaults from the OpenAPI contract (spec/ocoya-create-campaign.openapi.yaml). */
const DEFAULT_DURATION = 7;
const DEFAULT_COUNT = 5;
export const DURATION = { min: 1, max: 30, fallback: DEFAULT_DURATION };
export const COUNT = { min: 3, max: 30, fallback: DEFAULT_COUNT };
const PROMPT_MIN_LENGTH = 3;

const field = (name: string, displayName: string): FieldRef => ({ name, displayName });
const FIELDS = {
	prompt: field('prompt', 'Prompt'),
	goal: field('goal', 'Goal'),
	audience: field('audience', 'Audience'),
	duration: field('duration', 'Duration (Days)'),
	count: field('count', 'Number of Posts'),
	postLength: field('postLength', 'Post Length'),
	generateMedia: field('generateMedia', 'Generate Images'),
};

const properties: INodeProperties[] = [
	workspaceIdField({ description: 'The Ocoya workspace the campaign is created in' }),
	{
		displayName: FIELDS.prompt.displayName,
		name: FIELDS.prompt.name,
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'Summer launch campaign for our ecommerce analytics dashboard',
		description:
			'The brief Ocoya writes the campaign from (at least 3 characters). A good brief names the product or offer, who it is for, the one message to get across, and any dates, prices or links the posts must mention.',
	},
	{
		displayName: FIELDS.goal.displayName,
		name: FIELDS.goal.name,
		type: 'options',
		options: GOALS,
		default: '',
		description: 'What the campaign should achieve',
	},
	{
		displayName: FIELDS.audience.displayName,
		name: FIELDS.audience.name,
		type: 'options',
		options: AUDIENCES,
		default: '',
		description: 'Who the posts are written for',
	},
	toneField({ description: 'The voice of the captions' }),
	postLengthField({ description: 'Target caption length of each post' }),
	{
		displayName: FIELDS.count.displayName,
		name: FIELDS.count.name,
		type: 'number',
		typeOptions: { minValue: COUNT.min, maxValue: COUNT.max, numberPrecision: 0 },
		default: DEFAULT_COUNT,
		description: 'How many posts to generate, from 3 to 30',
	},
	{
		displayName: FIELDS.duration.displayName,
		name: FIELDS.duration.name,
		type: 'number',
		typeOptions: { minValue: DURATION.min, maxValue: DURATION.max, numberPrecision: 0 },
		default: DEFAULT_DURATION,
		description: 'How many days the campaign runs, from 1 to 30',
	},
	brandIdField({
		description:
			'Brand kit that gives the posts brand context; with generated images, its logos and icons are protected reference assets. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	hashtagLibraryIdField(),
	socialProfileIdsField({
		description:
			'Connected social profiles attached to the generated posts when they are saved. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	}),
	{
		displayName: FIELDS.generateMedia.displayName,
		name: FIELDS.generateMedia.name,
		type: 'boolean',
		default: false,
		description: 'Whether to generate one image for each post',
	},
	...referenceFields({ displayOptions: { show: { generateMedia: [true] } } }),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [...DEDUPLICATION_OPTIONS, ...requestOptionFields(createTimeoutDescription('campaign'))],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaign'], operation: ['create'] } },
	properties,
);

/** The request body for one item, checked against the contract; optional fields left at their default are omitted. */
function buildCampaignBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const body: IDataObject = {
		prompt: readText(context, FIELDS.prompt, itemIndex, PROMPT_MIN_LENGTH),
	};
	const choices: Array<[FieldRef, INodePropertyOptions[]]> = [
		[FIELDS.goal, GOALS],
		[FIELDS.audience, AUDIENCES],
		[FIELDS.postLength, POST_LENGTHS],
		[FIELD_REFS.tone, TONES],
	];
	for (const [ref, options] of choices) {
		const value = readChoice(context, ref, itemIndex, options);
		if (value !== undefined) body[ref.name] = value;
	}

	// Empty (an expression that resolves to nothing) or Ocoya's own default: not sent.
	const duration = readOptionalInteger(context, FIELDS.duration, itemIndex, DURATION);
	if (duration !== undefined && duration !== DURATION.fallback) body.duration = duration;
	const count = readOptionalInteger(context, FIELDS.count, itemIndex, COUNT);
	if (count !== undefined && count !== COUNT.fallback) body.count = count;

	Object.assign(body, readBrandContext(context, itemIndex));
	if (readBoolean(context, FIELDS.generateMedia, itemIndex)) {
		body.generateMedia = true;
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
		path: '/campaigns',
		noun: 'campaign',
		buildBody: buildCampaignBody,
	});
}
