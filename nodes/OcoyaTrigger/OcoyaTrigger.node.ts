import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { POST_STATUSES, socialProfileIdsField, workspaceIdField } from '../Ocoya/actions/fields';
import * as listSearch from '../Ocoya/methods/listSearch';
import { getSocialProfiles } from '../Ocoya/methods/loadOptions';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, OcoyaClient } from '../Ocoya/transport';
import { listIn, readPostPages, type PageRequest, type PostPages } from '../Ocoya/transport/pagination';

import { credentialFingerprint } from './fingerprint';
import { baseline, readRecord, reconcile, writeRecord, type Change, type EmitMode, type Listing, type RecordSettings } from './record';

/** A rate-limited poll waits at most this long for its turn, then returns nothing; the next tick resumes. */
export const POLL_RATE_LIMIT_WAIT_MS = 20_000;
/**
 * A baseline reads every page, paced by the key's gate: each request may wait a whole rate-limit
 * window (60 s) plus a margin, so a baseline longer than one window still completes.
 */
export const BASELINE_RATE_LIMIT_WAIT_MS = 65_000;
/** A baseline reads at most this many pages: the record holds 10,000 post groups (200 × 50). */
export const MAX_BASELINE_PAGES = 200;
/** Passes a baseline makes at most over a listing whose order moves between page requests. */
export const MAX_BASELINE_PASSES = 8;
export const REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAGES = 2;
export const MAX_PAGES_LIMIT = 50;
/** Post groups a manual run (Fetch Test Event) outputs at most. */
export const MANUAL_RUN_ITEMS = 5;

const KNOWN_STATUSES = new Set(POST_STATUSES.map((option) => String(option.value)));

/**
 * Polls running in this n8n process, by workflow and node: n8n starts a tick without waiting for
 * the last one, and two polls of one node would read and write the same record.
 */
const runningPolls = new Set<string>();

interface TriggerSettings {
	workspaceId: string;
	statuses: string[];
	emit: EmitMode;
	socialProfileIds: Set<string>;
	maxPages: number;
	simplify: boolean;
}

export class OcoyaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ocoya Trigger',
		name: 'ocoyaTrigger',
		icon: { light: 'file:ocoya.svg', dark: 'file:ocoya.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["emit"] === "everyChange" ? "Every status change" : "First appearance" }}',
		description: 'Starts the workflow when Ocoya post groups appear in, or change between, the chosen statuses',
		defaults: { name: 'Ocoya Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			workspaceIdField({ description: 'The Ocoya workspace whose post groups are watched' }),
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: POST_STATUSES,
				required: true,
				default: ['DRAFT'],
				description:
					'Post group statuses to watch: Draft for new drafts, Posted for published posts, Error for failed ones',
			},
			{
				displayName: 'Emit',
				name: 'emit',
				type: 'options',
				options: [
					{
						name: 'On First Appearance',
						value: 'firstAppearance',
						description: 'Once when a post group enters the watched statuses (again after it left them)',
					},
					{
						name: 'On Every Status Change',
						value: 'everyChange',
						description: 'Also when a watched post group moves from one watched status to another',
					},
				],
				default: 'firstAppearance',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Max Pages per Poll',
						name: 'maxPages',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: MAX_PAGES_LIMIT, numberPrecision: 0 },
						default: DEFAULT_MAX_PAGES,
						description:
							'How many pages of 50 post groups each poll reads (one request each). Changes beyond this window are not seen; a full last page logs a warning.',
					},
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: true,
						description:
							'Whether to return a simplified version of the response instead of the raw data (ID, status, previous status, scheduled time, caption, profiles)',
					},
					socialProfileIdsField({
						displayName: 'Social Profile Names or IDs',
						description:
							'Only emit post groups that go to at least one of these profiles. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>. Filters what is emitted, not what a poll reads.',
					}),
				],
			},
		],
	};

	methods = { listSearch, loadOptions: { getSocialProfiles } };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const settings = readSettings(this);
		const client = await OcoyaClient.create(this);
		if (this.getMode() === 'manual') return await manualRun(this, client, settings);

		const pollKey = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		if (runningPolls.has(pollKey)) {
			this.logger.info('Ocoya Trigger: the previous poll of this node is still running; this tick is skipped', {
				workflowId: this.getWorkflow().id,
				node: this.getNode().name,
			});
			return null;
		}
		runningPolls.add(pollKey);
		try {
			return await productionPoll(this, client, settings);
		} finally {
			runningPolls.delete(pollKey);
		}
	}
}

async function productionPoll(
	context: IPollFunctions,
	client: OcoyaClient,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][] | null> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const recordSettings: RecordSettings = {
		credential: credentialFingerprint(
			typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() !== '' ? credentials.baseUrl.trim() : DEFAULT_BASE_URL,
			String(credentials.apiKey ?? ''),
		),
		workspaceId: settings.workspaceId,
		statuses: settings.statuses,
		emit: settings.emit,
	};
	const staticData = context.getWorkflowStaticData('node');
	const previous = readRecord(staticData, recordSettings);
	const isBaseline = previous === undefined;

	let listing: Listing;
	try {
		listing = await readListing(context, client, settings, isBaseline);
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '429') {
			context.logger.warn(
				`Ocoya Trigger: Ocoya's rate limit did not clear within ${Math.round((isBaseline ? BASELINE_RATE_LIMIT_WAIT_MS : POLL_RATE_LIMIT_WAIT_MS) / 1000)} s; this poll returns nothing and the next one resumes`,
				{ workflowId: context.getWorkflow().id, node: context.getNode().name },
			);
			return null;
		}
		throw error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(context.getNode(), error as Error);
	}

	if (isBaseline) {
		const recorded = baseline(listing);
		writeRecord(staticData, recordSettings, recorded);
		context.logger.info(
			`Ocoya Trigger: no record for these settings yet; recorded ${recorded.size} post group(s) in ${settings.statuses.join(', ')} as the starting point and emitted nothing`,
			{ workflowId: context.getWorkflow().id, node: context.getNode().name },
		);
		return null;
	}

	const { next, changes } = reconcile(previous, listing, settings.emit);
	writeRecord(staticData, recordSettings, next);
	const emitted = changes.filter((change) => goesToProfiles(change.post, settings.socialProfileIds));
	if (emitted.length === 0) return null;
	return [context.helpers.returnJsonArray(emitted.map((change) => outputOf(change, settings.simplify)))];
}

/**
 * Reads the listing through the key's gate. A regular poll reads at most Max Pages per Poll and
 * warns when the last one was full. A baseline reads every page (up to the record's bound); when
 * the order moved between two page requests (a post group came twice, so another was missed) it
 * reads the pages again, keeping what each pass saw, until it holds as many post groups as the
 * listing has: a post group the baseline missed would later be emitted as new.
 */
async function readListing(
	context: IPollFunctions,
	client: OcoyaClient,
	settings: TriggerSettings,
	isBaseline: boolean,
): Promise<Listing> {
	const request = pageRequest(settings, isBaseline ? BASELINE_RATE_LIMIT_WAIT_MS : POLL_RATE_LIMIT_WAIT_MS);
	const maxPages = isBaseline ? MAX_BASELINE_PAGES : settings.maxPages;
	const seen = new Map<string, IDataObject>();
	let pass: CountedPages;
	let consistent = false;
	for (let passes = 1; ; passes++) {
		pass = await readCountedPages(client, request, maxPages);
		for (const post of pass.pages.posts) seen.set(String(post.id), post);
		consistent = pass.pages.complete && pass.rows === pass.pages.posts.length;
		if (!isBaseline || !pass.pages.complete || consistent || seen.size >= pass.rows) break;
		if (passes >= MAX_BASELINE_PASSES) {
			context.logger.warn(
				`Ocoya Trigger: Ocoya's order of post groups changed between page requests in ${passes} passes; the starting record holds ${seen.size} of ${pass.rows}, so a few existing post groups may be emitted later as new`,
				{ workflowId: context.getWorkflow().id, node: context.getNode().name },
			);
			break;
		}
	}
	const { pages } = pass;
	if (pages.lastPageFull && pages.pages >= maxPages) {
		context.logger.warn(
			isBaseline
				? `Ocoya Trigger: the listing holds more than ${maxPages * 50} post groups; only the first ${maxPages * 50} were recorded`
				: `Ocoya Trigger: all ${maxPages} page(s) of this poll were full, so post groups beyond the first ${maxPages * 50} are not watched. The window is too small: raise Max Pages per Poll, or watch fewer statuses.`,
			{ workflowId: context.getWorkflow().id, node: context.getNode().name },
		);
	}
	return {
		posts: watchedPosts(context, isBaseline ? [...seen.values()] : pages.posts, settings),
		consistent,
		singleRequest: pages.complete && pages.pages === 1,
	};
}

interface CountedPages {
	pages: PostPages;
	/** Entries on all pages read, a post group read twice counted twice. */
	rows: number;
}

async function readCountedPages(client: OcoyaClient, request: PageRequest, maxPages: number): Promise<CountedPages> {
	let rows = 0;
	const counting = Object.create(client) as OcoyaClient;
	counting.request = async (pageRequest) => {
		const reply = await client.request(pageRequest);
		rows += listIn(reply)?.length ?? 0;
		return reply;
	};
	const pages = await readPostPages(counting, request, { maxPages });
	return { pages, rows };
}

function pageRequest(settings: TriggerSettings, maxRateLimitWaitMs: number): PageRequest {
	return {
		path: '/post',
		qs: { workspaceId: settings.workspaceId, statuses: settings.statuses },
		createsResource: false,
		idempotent: true,
		timeoutMs: REQUEST_TIMEOUT_MS,
		maxRateLimitWaitMs,
	};
}

/**
 * The post groups in the watched statuses. One in a status the node does not know is kept and
 * logged (Ocoya documents few values); one in a known status that was not asked for (a server
 * that ignored the filter) is left out, so it counts as having left.
 */
function watchedPosts(context: IPollFunctions, listed: IDataObject[], settings: TriggerSettings): IDataObject[] {
	const watched = new Set(settings.statuses);
	const unknown = new Set<string>();
	const posts: IDataObject[] = [];
	for (const post of listed) {
		const status = typeof post.status === 'string' ? post.status : '';
		if (watched.has(status)) {
			posts.push(post);
		} else if (!KNOWN_STATUSES.has(status)) {
			unknown.add(status === '' ? '(none)' : status);
			posts.push(post);
		}
	}
	if (unknown.size > 0) {
		context.logger.warn(
			`Ocoya Trigger: Ocoya listed post groups in status ${[...unknown].join(', ')}, which this node does not know; they are passed on as they are`,
			{ workflowId: context.getWorkflow().id, node: context.getNode().name },
		);
	}
	return posts;
}

/** Fetch Test Event: up to 5 matching post groups from page 0, shaped as in production; no record change. */
async function manualRun(
	context: IPollFunctions,
	client: OcoyaClient,
	settings: TriggerSettings,
): Promise<INodeExecutionData[][]> {
	const pages = await readPostPages(client, pageRequest(settings, POLL_RATE_LIMIT_WAIT_MS), { maxPages: 1 });
	const matching = watchedPosts(context, pages.posts, settings)
		.filter((post) => goesToProfiles(post, settings.socialProfileIds))
		.slice(0, MANUAL_RUN_ITEMS);
	if (matching.length === 0) {
		const profiles = settings.socialProfileIds.size > 0 ? ` for the chosen social profiles` : '';
		throw new NodeOperationError(
			context.getNode(),
			`No post groups in status ${settings.statuses.join(', ')} in workspace ${settings.workspaceId}${profiles}`,
			{
				description:
					'The test fetches the first page of post groups in the watched statuses. Create a draft in Ocoya (or pick other statuses), then fetch again.',
			},
		);
	}
	return [
		context.helpers.returnJsonArray(
			matching.map((post) => outputOf({ post, status: String(post.status), previousStatus: null }, settings.simplify)),
		),
	];
}

function outputOf(change: Change, simplify: boolean): IDataObject {
	const { post } = change;
	if (!simplify) return { ...post, previousStatus: change.previousStatus };
	return {
		id: post.id,
		status: change.status,
		previousStatus: change.previousStatus,
		scheduledAt: post.scheduledAt ?? null,
		caption: generalCaption(post),
		socialProfiles: profilesOf(post).map((profile) => ({
			id: profile.id,
			name: profile.name ?? null,
			provider: profile.provider ?? null,
		})),
	};
}

/** The GENERAL variant's caption (shared by every network), else the first caption there is. */
function generalCaption(post: IDataObject): string | null {
	const variants = Array.isArray(post.posts) ? (post.posts as IDataObject[]) : [];
	const captionOf = (variant: IDataObject | undefined): string | undefined =>
		typeof variant?.caption === 'string' ? variant.caption : undefined;
	const general = variants.find((variant) => typeof variant?.provider === 'string' && variant.provider.toUpperCase() === 'GENERAL');
	return captionOf(general) ?? variants.map(captionOf).find((caption) => caption !== undefined) ?? null;
}

/** A post group's profiles: `socialProfiles[].socialProfile` as Ocoya documents it, or flat entries. */
function profilesOf(post: IDataObject): IDataObject[] {
	const entries = Array.isArray(post.socialProfiles) ? (post.socialProfiles as unknown[]) : [];
	const profiles: IDataObject[] = [];
	for (const entry of entries) {
		if (entry === null || typeof entry !== 'object') continue;
		const nested = (entry as IDataObject).socialProfile;
		const profile = nested !== null && typeof nested === 'object' ? (nested as IDataObject) : (entry as IDataObject);
		if (typeof profile.id === 'string' || typeof profile.id === 'number') profiles.push(profile);
	}
	return profiles;
}

function goesToProfiles(post: IDataObject, wanted: Set<string>): boolean {
	if (wanted.size === 0) return true;
	return profilesOf(post).some((profile) => wanted.has(String(profile.id)));
}

function readSettings(context: IPollFunctions): TriggerSettings {
	const node = context.getNode();
	const workspaceValue = context.getNodeParameter('workspaceId', '', { extractValue: true }) as unknown;
	const workspaceId = typeof workspaceValue === 'string' || typeof workspaceValue === 'number' ? String(workspaceValue).trim() : '';
	if (workspaceId === '') {
		throw new NodeOperationError(node, 'Choose a Workspace to watch', {
			description: 'The Workspace parameter is empty. Pick one from the list or enter its ID.',
		});
	}
	const rawStatuses = context.getNodeParameter('statuses', []) as unknown;
	const statuses = (Array.isArray(rawStatuses) ? rawStatuses : [rawStatuses])
		.filter((status): status is string => typeof status === 'string' && status.trim() !== '')
		.map((status) => status.trim().toUpperCase());
	if (statuses.length === 0) {
		throw new NodeOperationError(node, 'Choose at least one status to watch', {
			description: 'Statuses is empty: pick Draft for new drafts, Posted for published posts, Error for failed ones.',
		});
	}
	const emit = context.getNodeParameter('emit', 'firstAppearance') as unknown;
	if (emit !== 'firstAppearance' && emit !== 'everyChange') {
		throw new NodeOperationError(node, `Invalid Emit (emit): ${JSON.stringify(emit)} is not one of: firstAppearance, everyChange`);
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const maxPages = options.maxPages === undefined ? DEFAULT_MAX_PAGES : Number(options.maxPages);
	if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_PAGES_LIMIT) {
		throw new NodeOperationError(
			node,
			`Invalid Max Pages per Poll (maxPages): ${JSON.stringify(options.maxPages)} must be a whole number from 1 to ${MAX_PAGES_LIMIT}`,
		);
	}
	const profileValue = options.socialProfileIds;
	const profiles = (Array.isArray(profileValue) ? profileValue : profileValue === undefined || profileValue === '' ? [] : [profileValue])
		.map((id) => String(id).trim())
		.filter((id) => id !== '');
	return {
		workspaceId,
		statuses: [...new Set(statuses)].sort(),
		emit,
		socialProfileIds: new Set(profiles),
		maxPages,
		simplify: options.simplify !== false,
	};
}
