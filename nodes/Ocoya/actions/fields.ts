/**
 * Fields shared by several operations, defined once. Each operation spreads what it needs and
 * gives its own wording or visibility through `FieldOverrides` (the operation's resource and
 * operation display options are then added by `updateDisplayOptions` in its own module).
 *
 * What is here (import from '../fields'):
 * - option tables: `OCOYA_DEFAULT`, `TONES`, `POST_LENGTHS`, `POST_STATUSES`;
 * - field factories: `workspaceIdField`, `socialProfileIdsField`, `brandIdField`,
 *   `hashtagLibraryIdField`, `referenceFields` (referenceUrls + referenceDesignIds), `toneField`,
 *   `postLengthField`, `scheduledAtField`, `postIdField`, `returnAllField`, `limitField`;
 * - the Options collection entries every request takes: `requestOptionFields` (Rate Limit: Max
 *   Wait, Timeout; `createTimeoutDescription(noun)` or `RETRIED_TIMEOUT_DESCRIPTION` for its
 *   wording), read back with `readRequestOptions`;
 * - bounds and texts: `TIMEOUT_MS`, `MAX_RATE_LIMIT_WAIT_S`, `DEFAULT_LIMIT`, `MAX_REFERENCES`,
 *   `POST_LIST_WORKSPACE_DESCRIPTION`, `POST_ID_HINT`;
 * - readers that belong to these fields: `readWorkspaceId`, `readReturnLimit`, `readRequestOptions`,
 *   `readBrandContext` (brandId, hashtagLibraryId, socialProfileIds), `readReferences`;
 * - `FIELD_REFS`: the name and display name of each field, for `invalid()` messages.
 *
 * Parameter names are the API field names; values read from them are checked again at run time
 * (an expression can put anything there).
 */
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

import { invalid, readInteger, readList, readOptionalId, readUrlList, type FieldRef } from '../validation';

/** What an operation may change on a shared field. */
export interface FieldOverrides {
	displayOptions?: IDisplayOptions;
	description?: string;
	displayName?: string;
	/** Only for fields whose API name differs between operations (e.g. `postLength` vs `length`). */
	name?: string;
	required?: boolean;
}

function withOverrides(base: INodeProperties, overrides: FieldOverrides = {}): INodeProperties {
	const property: INodeProperties = { ...base };
	if (overrides.displayName !== undefined) property.displayName = overrides.displayName;
	if (overrides.name !== undefined) property.name = overrides.name;
	if (overrides.description !== undefined) property.description = overrides.description;
	if (overrides.required !== undefined) property.required = overrides.required;
	if (overrides.displayOptions !== undefined) property.displayOptions = overrides.displayOptions;
	return property;
}

/* ------------------------------------------------------------------------------------ */
/* Option tables                                                                         */
/* ------------------------------------------------------------------------------------ */

/** The empty choice leaves a field out of the request, so Ocoya's own default applies. */
export const OCOYA_DEFAULT: INodePropertyOptions = {
	name: 'Default (Let Ocoya Decide)',
	value: '',
	description: 'Do not send this field',
};

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

/**
 * Post group states. Ocoya's published pages confirm only DRAFT and POSTED; the others come from
 * third-party client code (spec: x-notes of GET /post) and are marked unverified.
 */
export const POST_STATUSES: INodePropertyOptions[] = [
	{ name: 'Draft', value: 'DRAFT', description: 'Saved without a publish time (documented by Ocoya)' },
	{ name: 'Error', value: 'ERROR', description: 'Publishing failed (value not confirmed by Ocoya’s documentation)' },
	{
		name: 'Pending Client Approval',
		value: 'PENDING_CLIENT_APPROVAL',
		description: 'Waiting for the client to approve (value not confirmed by Ocoya’s documentation)',
	},
	{
		name: 'Pending Internal Approval',
		value: 'PENDING_INTERNAL_APPROVAL',
		description: 'Waiting for a team member to approve (value not confirmed by Ocoya’s documentation)',
	},
	{ name: 'Posted', value: 'POSTED', description: 'Published to the social networks (documented by Ocoya)' },
	{
		name: 'Scheduled',
		value: 'SCHEDULED',
		description: 'Waiting for its publish time (value not confirmed by Ocoya’s documentation)',
	},
];

/* ------------------------------------------------------------------------------------ */
/* Field names                                                                           */
/* ------------------------------------------------------------------------------------ */

const ref = (name: string, displayName: string): FieldRef => ({ name, displayName });

/** Name and display name of each shared field, for `invalid()` and the readers. */
export const FIELD_REFS = {
	workspaceId: ref('workspaceId', 'Workspace'),
	socialProfileIds: ref('socialProfileIds', 'Social Profiles'),
	brandId: ref('brandId', 'Brand Kit'),
	hashtagLibraryId: ref('hashtagLibraryId', 'Hashtag Library'),
	referenceUrls: ref('referenceUrls', 'Reference Image URLs'),
	referenceDesignIds: ref('referenceDesignIds', 'Reference Studio Designs'),
	tone: ref('tone', 'Tone'),
	scheduledAt: ref('scheduledAt', 'Scheduled At'),
	postId: ref('postId', 'Post'),
	returnAll: ref('returnAll', 'Return All'),
	limit: ref('limit', 'Limit'),
	timeout: ref('timeout', 'Timeout (Ms)'),
	rateLimitMaxWait: ref('rateLimitMaxWait', 'Rate Limit: Max Wait (Seconds)'),
} as const;

/* ------------------------------------------------------------------------------------ */
/* Workspace and the lists that depend on it                                             */
/* ------------------------------------------------------------------------------------ */

/** Dropdowns listing a workspace's entities reload when the workspace changes. */
const WORKSPACE_DEPENDENT = { loadOptionsDependsOn: ['workspaceId.value'] };

export function workspaceIdField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: FIELD_REFS.workspaceId.displayName,
			name: FIELD_REFS.workspaceId.name,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The Ocoya workspace',
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
		overrides,
	);
}

export function socialProfileIdsField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Social Profile Names or IDs',
			name: FIELD_REFS.socialProfileIds.name,
			type: 'multiOptions',
			typeOptions: { loadOptionsMethod: 'getSocialProfiles', ...WORKSPACE_DEPENDENT },
			default: [],
			description:
				'Connected social profiles the post goes to. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		overrides,
	);
}

export function brandIdField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Brand Kit Name or ID',
			name: FIELD_REFS.brandId.name,
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getBrandKits', ...WORKSPACE_DEPENDENT },
			default: '',
			description:
				'Brand kit that gives the writing brand context. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		overrides,
	);
}

export function hashtagLibraryIdField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Hashtag Library Name or ID',
			name: FIELD_REFS.hashtagLibraryId.name,
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getHashtagLibraries', ...WORKSPACE_DEPENDENT },
			default: '',
			description:
				'Hashtag library the posts draw hashtags from. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		overrides,
	);
}

/** Most reference images and designs Ocoya takes for a campaign (the spec's "Maximum 3"). */
export const MAX_REFERENCES = 3;

/**
 * Reference image URLs and Studio designs for generated images. Pass the display options that
 * show them only when images are generated (`generateMedia` / `generateImage`).
 */
export function referenceFields(overrides?: Pick<FieldOverrides, 'displayOptions'>): INodeProperties[] {
	return [
		withOverrides(
			{
				displayName: FIELD_REFS.referenceUrls.displayName,
				name: FIELD_REFS.referenceUrls.name,
				type: 'string',
				typeOptions: { multipleValues: true, multipleValueButtonText: 'Add Image URL' },
				default: [],
				placeholder: 'https://example.com/reference.png',
				description: `Up to ${MAX_REFERENCES} image URLs used as visual references for the generated images`,
			},
			overrides,
		),
		withOverrides(
			{
				displayName: 'Reference Studio Design Names or IDs',
				name: FIELD_REFS.referenceDesignIds.name,
				type: 'multiOptions',
				typeOptions: { loadOptionsMethod: 'getStudioTemplates', ...WORKSPACE_DEPENDENT },
				default: [],
				description: `Up to ${MAX_REFERENCES} Ocoya Studio designs used as visual references for the generated images. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.`,
			},
			overrides,
		),
	];
}

/** The brand kit, hashtag library and social profiles of an AI create: those set, by API field name. */
export function readBrandContext(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields: IDataObject = {};
	for (const ref of [FIELD_REFS.brandId, FIELD_REFS.hashtagLibraryId]) {
		const id = readOptionalId(context, ref, itemIndex);
		if (id !== undefined) fields[ref.name] = id;
	}
	const socialProfileIds = readList(context, FIELD_REFS.socialProfileIds, itemIndex);
	if (socialProfileIds.length > 0) fields.socialProfileIds = socialProfileIds;
	return fields;
}

/** The reference images and designs, those set; read only when images are generated. */
export function readReferences(context: IExecuteFunctions, itemIndex: number): IDataObject {
	const fields: IDataObject = {};
	const referenceUrls = readUrlList(context, FIELD_REFS.referenceUrls, itemIndex, MAX_REFERENCES);
	if (referenceUrls.length > 0) fields.referenceUrls = referenceUrls;
	const referenceDesignIds = readList(context, FIELD_REFS.referenceDesignIds, itemIndex, MAX_REFERENCES);
	if (referenceDesignIds.length > 0) fields.referenceDesignIds = referenceDesignIds;
	return fields;
}

/* ------------------------------------------------------------------------------------ */
/* Writing                                                                               */
/* ------------------------------------------------------------------------------------ */

export function toneField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: FIELD_REFS.tone.displayName,
			name: FIELD_REFS.tone.name,
			type: 'options',
			options: TONES,
			default: '',
			description: 'The voice of the captions',
		},
		overrides,
	);
}

/** The caption length: `postLength` in a campaign, `length` in Post › Create with AI (pass `name`). */
export function postLengthField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Post Length',
			name: 'postLength',
			type: 'options',
			options: POST_LENGTHS,
			default: '',
			description: 'Target caption length',
		},
		overrides,
	);
}

/* ------------------------------------------------------------------------------------ */
/* Dates                                                                                 */
/* ------------------------------------------------------------------------------------ */

/** See `readScheduledAt` in validation.ts for how the value is read and sent. */
export function scheduledAtField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: FIELD_REFS.scheduledAt.displayName,
			name: FIELD_REFS.scheduledAt.name,
			type: 'dateTime',
			default: '',
			description:
				'When the post is published. A date without an offset is read in the workflow’s timezone; an ISO date with an offset (e.g. 2026-01-01T09:00:00+02:00) or an expression like {{ $now.plus(1, "day") }} works too. Sent to Ocoya in UTC, to the second. Must be in the future.',
		},
		overrides,
	);
}

/* ------------------------------------------------------------------------------------ */
/* Posts                                                                                 */
/* ------------------------------------------------------------------------------------ */

/**
 * Reschedule and Delete send no workspace (Ocoya finds a post by its ID); their Workspace field
 * only feeds the From List mode of Post.
 */
export const POST_LIST_WORKSPACE_DESCRIPTION =
	'The workspace whose latest posts the Post list shows. Not sent: Ocoya finds a post by its ID, so it may stay empty when the post is given by ID.';

/** What a model is told about `postId` (Reschedule, Delete). */
export const POST_ID_HINT =
	'The post group ID: the id from Post › Get Many or the postGroupId from Post › Create (letters, digits, _ and - only)';

/**
 * A post group: picked from the workspace's latest posts (listed with the workspace chosen above)
 * or given by ID: the `id` from Post › Get Many or the `postGroupId` from Post › Create. Read
 * with `readPathId`, which refuses anything but letters, digits, `_` and `-`.
 */
export function postIdField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: FIELD_REFS.postId.displayName,
			name: FIELD_REFS.postId.name,
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description: 'The post group: its ID is the ID from Post › Get Many or the postGroupId from Post › Create',
			modes: [
				{
					displayName: 'From List',
					name: 'list',
					type: 'list',
					typeOptions: { searchListMethod: 'searchPosts', searchable: true },
				},
				{
					displayName: 'By ID',
					name: 'id',
					type: 'string',
					placeholder: 'clg07n1us0002998kbzmp7zc7',
					validation: [
						{
							type: 'regex',
							properties: {
								regex: '^[A-Za-z0-9_-]+$',
								errorMessage: 'An Ocoya post ID has only letters, digits, "_" and "-"',
							},
						},
					],
				},
			],
		},
		overrides,
	);
}

/* ------------------------------------------------------------------------------------ */
/* Lists: n8n's Return All / Limit convention                                            */
/* ------------------------------------------------------------------------------------ */

export const DEFAULT_LIMIT = 50;

export function returnAllField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Return All',
			name: FIELD_REFS.returnAll.name,
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		overrides,
	);
}

/** Shown while Return All is off; overrides' display options are merged with that rule by the caller. */
export function limitField(overrides?: FieldOverrides): INodeProperties {
	return withOverrides(
		{
			displayName: 'Limit',
			name: FIELD_REFS.limit.name,
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 0 },
			default: DEFAULT_LIMIT,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		overrides,
	);
}

/** How many results to return: undefined with Return All on. */
export function readReturnLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	const returnAll = context.getNodeParameter(FIELD_REFS.returnAll.name, itemIndex, false) as unknown;
	if (typeof returnAll !== 'boolean') {
		throw invalid(context, FIELD_REFS.returnAll, returnAll, 'must be true or false', itemIndex);
	}
	if (returnAll) return undefined;
	return readInteger(context, FIELD_REFS.limit, itemIndex, {
		min: 1,
		max: Number.MAX_SAFE_INTEGER,
		fallback: DEFAULT_LIMIT,
	});
}

/* ------------------------------------------------------------------------------------ */
/* Options collection entries every request takes                                        */
/* ------------------------------------------------------------------------------------ */

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Node's timers misread anything past 2^31 ms as 1 ms; ten minutes is far more than any reply takes. */
export const TIMEOUT_MS = { min: 1000, max: 600_000, fallback: DEFAULT_TIMEOUT_MS };
export const DEFAULT_MAX_RATE_LIMIT_WAIT_S = 300;
export const MAX_RATE_LIMIT_WAIT_S = { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: DEFAULT_MAX_RATE_LIMIT_WAIT_S };

/**
 * Rate Limit: Max Wait and Timeout, for an operation's Options collection. `timeoutDescription`
 * says what a timeout means for that operation (a create is not retried, a read is).
 */
export function requestOptionFields(timeoutDescription?: string): INodeProperties[] {
	return [
		{
			displayName: FIELD_REFS.rateLimitMaxWait.displayName,
			name: FIELD_REFS.rateLimitMaxWait.name,
			type: 'number',
			typeOptions: { minValue: 0 },
			default: DEFAULT_MAX_RATE_LIMIT_WAIT_S,
			description:
				'Longest time to wait for Ocoya’s rate limit (60 requests a minute per API key) to clear before an item fails. Waiting is safe: a rate-limited request was not processed.',
		},
		{
			displayName: FIELD_REFS.timeout.displayName,
			name: FIELD_REFS.timeout.name,
			type: 'number',
			typeOptions: { minValue: TIMEOUT_MS.min, maxValue: TIMEOUT_MS.max },
			default: DEFAULT_TIMEOUT_MS,
			description: timeoutDescription ?? 'How long to wait for Ocoya’s reply to each request, from 1,000 to 600,000 ms',
		},
	];
}

/** Timeout note for an operation that creates something in Ocoya. */
export function createTimeoutDescription(what: string): string {
	return `How long to wait for Ocoya’s reply, from 1,000 to 600,000 ms. A create request that times out is not retried, because the ${what} may already exist.`;
}

/** Timeout note for reads, Reschedule and Delete, which the transport retries. */
export const RETRIED_TIMEOUT_DESCRIPTION =
	'How long to wait for Ocoya’s reply to each request, from 1,000 to 600,000 ms. A request that times out is tried again at most twice (1 s, then 2 s later), because repeating it is safe.';

export interface RequestOptions {
	timeoutMs: number;
	maxRateLimitWaitMs: number;
}

/** The Timeout and Rate Limit: Max Wait options of an item (inside the `options` collection). */
export function readRequestOptions(context: IExecuteFunctions, itemIndex: number): RequestOptions {
	const option = (field: FieldRef): FieldRef => ({ ...field, name: `options.${field.name}` });
	const timeoutMs = readInteger(context, option(FIELD_REFS.timeout), itemIndex, TIMEOUT_MS);
	const maxWaitSeconds = readInteger(context, option(FIELD_REFS.rateLimitMaxWait), itemIndex, MAX_RATE_LIMIT_WAIT_S);
	return { timeoutMs, maxRateLimitWaitMs: maxWaitSeconds * 1000 };
}

/** The workspace ID of an item, from either mode of the locator; an empty one is refused. */
export function readWorkspaceId(context: IExecuteFunctions, itemIndex: number): string {
	const value = context.getNodeParameter(FIELD_REFS.workspaceId.name, itemIndex, '', {
		extractValue: true,
	}) as unknown;
	const workspaceId = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (workspaceId === '') {
		throw invalid(context, FIELD_REFS.workspaceId, value, 'must not be empty', itemIndex);
	}
	return workspaceId;
}
