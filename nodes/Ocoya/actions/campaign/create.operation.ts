import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { createOncePerKey, DEDUPLICATION_OPTIONS, forgetKeys, readDeduplication } from '../deduplication';
import {
	assertHttpUrls,
	invalid,
	readChoice,
	readInteger,
	readList,
	readOptionalInteger,
	readText,
	type FieldRef,
} from '../../validation';

/** The empty choice leaves a field out of the request, so Ocoya's own default applies. */
const OCOYA_DEFAULT: INodePropertyOptions = {
	name: 'Default (Let Ocoya Decide)',
	value: '',
	description: 'Do not send this field',
};

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

export const POST_LENGTHS: INodePropertyOptions[] = [
	OCOYA_DEFAULT,
	{ name: 'Extra Long', value: 'extra_long', description: 'Long-form captions for storytelling posts' },
	{ name: 'Long', value: 'long', description: 'Several short paragraphs' },
	{ name: 'Medium', value: 'medium', description: 'A short paragraph' },
	{ name: 'Short', value: 'short', description: 'One or two sentences' },
];

export const TONES: INodePropertyOptions[] = [
	OCOYA_DEFAULT,
	{ name: 'Bold', value: 'bold', description: 'Confident and punchy' },
	{ name: 'Educational', value: 'educational', description: 'Clear and explanatory' },
	{ name: 'Founder-Led', value: 'founder_led', description: 'First person, in the voice of the founder' },
	{ name: 'Friendly', value: 'friendly', description: 'Warm and conversational' },
	{ name: 'Professional', value: 'professional', description: 'Polished and businesslike' },
];

/** Bounds and defaults from the OpenAPI contract (spec/ocoya-create-campaign.openapi.yaml). */
const DEFAULT_DURATION = 7;
const DEFAULT_COUNT = 5;
export const DURATION = { min: 1, max: 30, fallback: DEFAULT_DURATION };
export const COUNT = { min: 3, max: 30, fallback: DEFAULT_COUNT };
const PROMPT_MIN_LENGTH = 3;
const MAX_REFERENCES = 3;

const DEFAULT_TIMEOUT_MS = 30_000;
/** Node's timers misread anything past 2^31 ms as 1 ms; ten minutes is far more than any reply takes. */
export const TIMEOUT_MS = { min: 1000, max: 600_000, fallback: DEFAULT_TIMEOUT_MS };
const DEFAULT_MAX_RATE_LIMIT_WAIT_S = 300;

const field = (name: string, displayName: string): FieldRef => ({ name, displayName });
const FIELDS = {
	prompt: field('prompt', 'Prompt'),
	goal: field('goal', 'Goal'),
	audience: field('audience', 'Audience'),
	duration: field('duration', 'Duration (Days)'),
	count: field('count', 'Number of Posts'),
	postLength: field('postLength', 'Post Length'),
	tone: field('tone', 'Tone'),
	brandId: field('brandId', 'Brand Kit'),
	hashtagLibraryId: field('hashtagLibraryId', 'Hashtag Library'),
	socialProfileIds: field('socialProfileIds', 'Social Profiles'),
	generateMedia: field('generateMedia', 'Generate Images'),
	referenceUrls: field('referenceUrls', 'Reference Image URLs'),
	referenceDesignIds: field('referenceDesignIds', 'Reference Studio Designs'),
	timeout: field('timeout', 'Timeout (Ms)'),
	rateLimitMaxWait: field('rateLimitMaxWait', 'Rate Limit: Max Wait (Seconds)'),
};

const WORKSPACE_DEPENDENT = { loadOptionsDependsOn: ['workspaceId.value'] };

const properties: INodeProperties[] = [
	{
		displayName: 'Workspace',
		name: 'workspaceId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Ocoya workspace the campaign is created in',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchWorkspaces', searchable: true },
			},
			{
				displayName: 'ID',
				name: 'id',
				type: 'string',
				placeholder: 'cmayvq3hk00017apshay5qezu',
			},
		],
	},
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
	{
		displayName: FIELDS.tone.displayName,
		name: FIELDS.tone.name,
		type: 'options',
		options: TONES,
		default: '',
		description: 'The voice of the captions',
	},
	{
		displayName: FIELDS.postLength.displayName,
		name: FIELDS.postLength.name,
		type: 'options',
		options: POST_LENGTHS,
		default: '',
		description: 'Target caption length of each post',
	},
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
	{
		displayName: 'Brand Kit Name or ID',
		name: FIELDS.brandId.name,
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getBrandKits', ...WORKSPACE_DEPENDENT },
		default: '',
		description:
			'Brand kit that gives the posts brand context; with generated images, its logos and icons are protected reference assets. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Hashtag Library Name or ID',
		name: FIELDS.hashtagLibraryId.name,
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getHashtagLibraries', ...WORKSPACE_DEPENDENT },
		default: '',
		description:
			'Hashtag library the posts draw hashtags from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'Social Profile Names or IDs',
		name: FIELDS.socialProfileIds.name,
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getSocialProfiles', ...WORKSPACE_DEPENDENT },
		default: [],
		description:
			'Connected social profiles attached to the generated posts when they are saved. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: FIELDS.generateMedia.displayName,
		name: FIELDS.generateMedia.name,
		type: 'boolean',
		default: false,
		description: 'Whether to generate one image for each post',
	},
	{
		displayName: FIELDS.referenceUrls.displayName,
		name: FIELDS.referenceUrls.name,
		type: 'string',
		typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Image URL' },
		default: [],
		placeholder: 'https://example.com/reference.png',
		description: 'Up to 3 image URLs used as visual references for the generated images',
		displayOptions: { show: { generateMedia: [true] } },
	},
	{
		displayName: 'Reference Studio Design Names or IDs',
		name: FIELDS.referenceDesignIds.name,
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getStudioTemplates', ...WORKSPACE_DEPENDENT },
		default: [],
		description:
			'Up to 3 Ocoya Studio designs used as visual references for the generated images. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { generateMedia: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...DEDUPLICATION_OPTIONS,
			{
				displayName: FIELDS.rateLimitMaxWait.displayName,
				name: FIELDS.rateLimitMaxWait.name,
				type: 'number',
				typeOptions: { minValue: 0 },
				default: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
				description:
					'Longest time to wait for Ocoya’s rate limit (60 requests a minute per API key) to clear before an item fails. Waiting is safe: a rate-limited request was not processed.',
			},
			{
				displayName: FIELDS.timeout.displayName,
				name: FIELDS.timeout.name,
				type: 'number',
				typeOptions: { minValue: TIMEOUT_MS.min, maxValue: TIMEOUT_MS.max },
				default: DEFAULT_TIMEOUT_MS,
				description:
					'How long to wait for Ocoya’s reply, from 1,000 to 600,000 ms. A create request that times out is not retried, because the campaign may already exist.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['campaign'], operation: ['create'] } },
	properties,
);

function readOption(
	context: IExecuteFunctions,
	ref: FieldRef,
	itemIndex: number,
	range: { min: number; max: number; fallback: number },
): number {
	return readInteger(context, { ...ref, name: `options.${ref.name}` }, itemIndex, range);
}

/** The request body for one item, checked against the contract; optional fields left at their default are omitted. */
function buildCampaignBody(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const body: IDataObject = {
		prompt: readText(context, FIELDS.prompt, itemIndex, PROMPT_MIN_LENGTH),
	};
	const choices: Array<[FieldRef, INodePropertyOptions[]]> = [
		[FIELDS.goal, GOALS],
		[FIELDS.audience, AUDIENCES],
		[FIELDS.postLength, POST_LENGTHS],
		[FIELDS.tone, TONES],
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

	for (const ref of [FIELDS.brandId, FIELDS.hashtagLibraryId]) {
		const [id, ...extra] = readList(context, ref, itemIndex);
		if (extra.length > 0) {
			throw invalid(context, ref, [id, ...extra], 'must be a single ID', itemIndex);
		}
		if (id !== undefined) body[ref.name] = id;
	}

	const socialProfileIds = readList(context, FIELDS.socialProfileIds, itemIndex);
	if (socialProfileIds.length > 0) body.socialProfileIds = socialProfileIds;

	const generateMedia = context.getNodeParameter(FIELDS.generateMedia.name, itemIndex, false) as unknown;
	if (typeof generateMedia !== 'boolean') {
		throw invalid(context, FIELDS.generateMedia, generateMedia, 'must be true or false', itemIndex);
	}
	if (generateMedia) {
		body.generateMedia = true;
		const referenceUrls = readList(context, FIELDS.referenceUrls, itemIndex, MAX_REFERENCES);
		assertHttpUrls(context, FIELDS.referenceUrls, referenceUrls, itemIndex);
		if (referenceUrls.length > 0) body.referenceUrls = referenceUrls;
		const referenceDesignIds = readList(context, FIELDS.referenceDesignIds, itemIndex, MAX_REFERENCES);
		if (referenceDesignIds.length > 0) body.referenceDesignIds = referenceDesignIds;
	}
	return body;
}

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const deduplication = readDeduplication(this, itemIndex);
	if (deduplication !== undefined && deduplication.action !== 'createOnce') {
		return [await forgetKeys(this, deduplication, itemIndex)];
	}
	const workspaceId = String(
		this.getNodeParameter('workspaceId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (workspaceId === '') {
		throw invalid(this, { name: 'workspaceId', displayName: 'Workspace' }, workspaceId, 'must not be empty', itemIndex);
	}
	const body = buildCampaignBody(this, itemIndex);
	const timeoutMs = readOption(this, FIELDS.timeout, itemIndex, TIMEOUT_MS);
	const maxWaitSeconds = readOption(this, FIELDS.rateLimitMaxWait, itemIndex, {
		min: 0,
		max: Number.MAX_SAFE_INTEGER,
		fallback: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
	});

	const send = async (): Promise<IDataObject> =>
		(await client.request({
			method: 'POST',
			path: '/campaigns',
			qs: { workspaceId },
			body,
			itemIndex,
			createsResource: true,
			timeoutMs,
			maxRateLimitWaitMs: maxWaitSeconds * 1000,
		})) as IDataObject;
	if (deduplication?.key !== undefined) {
		return [
			await createOncePerKey(this, deduplication.key, itemIndex, send, {
				noun: 'campaign',
				maxWaitMs: maxWaitSeconds * 1000,
			}),
		];
	}
	return [{ json: await send(), pairedItem: { item: itemIndex } }];
}
