/**
 * An in-process stand-in for Ocoya's public API: key checks, all 13 operations of
 * spec/ocoya-public-api.openapi.yaml validated against it (POST /campaigns against
 * spec/ocoya-create-campaign.openapi.yaml, as before), post groups with state, a switch for
 * each reading the contract leaves open, a rate limiter per key and scripted faults.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { getContract, isRecord, type JsonObject } from './contract';
import { FaultQueue, scriptsReply, type Fault } from './faults';
import { FixedWindowLimiter, type RateLimitOptions } from './rate-limit';
import { getPublicContract, type OperationContract, type StatusesFormat } from './public-contract';
import {
	DEFAULT_WORKSPACE_ID,
	PostStore,
	UnknownProfileError,
	type AnyPostStatus,
	type NewPost,
	type PostChange,
	type PostGroup,
	type PostOrder,
	type PostSeed,
	type SocialProfile,
} from './posts';

export type ListName = 'workspaces' | 'brand-kits' | 'hashtag-libraries' | 'social-profiles' | 'studio-templates';

export const LIST_NAMES: readonly ListName[] = [
	'workspaces',
	'brand-kits',
	'hashtag-libraries',
	'social-profiles',
	'studio-templates',
];

export interface ListItem {
	id: string;
	name: string;
	[field: string]: unknown;
}

/** Per-workspace lists: one array for every workspace, or arrays keyed by workspace ID (others get `[]`). */
export type WorkspaceListSeed = ListItem[] | Record<string, ListItem[]>;

export interface ListSeeds {
	workspaces?: ListItem[];
	'brand-kits'?: WorkspaceListSeed;
	'hashtag-libraries'?: WorkspaceListSeed;
	'social-profiles'?: WorkspaceListSeed;
	'studio-templates'?: WorkspaceListSeed;
}

/** The lists a reply shape applies to: the five lists and `GET /post` ('post'). */
export type ShapedList = ListName | 'post';

/**
 * How list replies (the five lists and `GET /post`) are wrapped. Ocoya does not document it, so
 * tests can vary it: 'array' (default) is a bare array, 'data' is `{ data: [...] }`, 'items' is
 * `{ items: [...] }`, and a function can return anything at all.
 */
export type ListShape = 'array' | 'data' | 'items' | ((items: unknown[], list: ShapedList) => unknown);

/**
 * The readings of what the contract leaves open, each switchable so the node can be tested
 * against every one of them. Defaults are the contract's stated assumptions.
 */
export interface ContractReadings {
	/** Default 'array'. */
	listShape: ListShape;
	/** POST /post and POST /post/ai: 'json' (default) 201 with a JSON body; 'empty' 201 with no body and no Content-Type. */
	createReply: 'json' | 'empty';
	/** DELETE /post/{id}: 'json' (default) 200 `{}`; 'no-content' 204 with no body. */
	deleteReply: 'json' | 'no-content';
	/** How `statuses` is read; see {@link StatusesFormat}. Default 'repeated'. */
	statusesFormat: StatusesFormat;
	/** GET /post caps perPage at this (default 50, Ocoya's stated cap); a value under 50 simulates a smaller server page. */
	maxPerPage: number;
	/** GET /post page size when perPage is omitted (undocumented by Ocoya); default 20. */
	defaultPerPage: number;
	/** GET /post order; default 'newest-first'. */
	postOrder: PostOrder;
	/** Seed of the 'shuffle' order; each GET /post call draws a new permutation from it. Default 1. */
	shuffleSeed: number;
	/** A workspaceId not in the workspace list: 'not-found' (default) 404 `{message}`; 'empty' serves it as an empty workspace. */
	unknownWorkspace: 'not-found' | 'empty';
}

export interface StandInOptions extends Partial<ContractReadings> {
	/** Default `test-key-ocoya-stand-in` (or the first of `apiKeys`). */
	apiKey?: string;
	/** Further keys accepted besides `apiKey`; each has its own rate-limit window, all share the same data. */
	apiKeys?: readonly string[];
	/** Default 0 (a free port). Always binds 127.0.0.1. */
	port?: number;
	/** Replaces the default list contents, per list. */
	seed?: ListSeeds;
	/**
	 * The post groups to start with. Default: 120 in `ws_standin_1` (statuses cycling through all
	 * six) and 6 in `ws_standin_2`. `{ count: 0 }` or `[]` starts with none.
	 */
	posts?: PostSeed | readonly PostSeed[];
	/** Reply body of `GET /me`. */
	me?: JsonObject;
	/** Off unless given; when on, every authenticated reply carries the X-RateLimit-* headers. */
	rateLimit?: RateLimitOptions;
	/** Fixed delay before every reply. */
	latencyMs?: number;
	/**
	 * How far the server's clock is ahead of this host's (negative: behind). Its `Date` header,
	 * its rate-limit windows and its epoch `X-RateLimit-Reset` all read this clock, as a real
	 * server with a drifting clock would. Default 0.
	 */
	clockSkewMs?: number;
	/** When set, {@link StandIn.advancePosts} runs on the default workspace every this many ms. */
	statusMoverIntervalMs?: number;
	/** Keep the process alive while listening (for the CLI); default false so a forgotten close() cannot hang jest. */
	keepProcessAlive?: boolean;
}

export interface RecordedRequest {
	method: string;
	/** Path below the base path, e.g. `/campaigns`; the raw path if outside it. */
	path: string;
	/** The request target as received, with query string. */
	url: string;
	/** Repeated parameters become arrays. */
	query: Record<string, string | string[]>;
	/** Header names lower-cased. */
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, or the raw text when it is not JSON; undefined when empty or never read. */
	body: unknown;
	rawBody: string;
	/** Epoch ms when the request arrived. */
	receivedAt: number;
	/** The spec's operationId (e.g. `listPosts`) once the body is read; undefined for an unknown path or method. */
	operationId?: string;
	/**
	 * For a request to a known operation once its body is read: why its query or body breaks the
	 * contract, `[]` when valid. Set even when a fault replied.
	 */
	validationErrors?: string[];
	/** The scripted fault that handled it, if any. */
	fault?: Fault;
	/** Status replied; null while pending or when the socket was reset. */
	status: number | null;
}

export interface CreatedCampaign {
	campaignId: string;
	workspaceId: string;
	body: JsonObject;
}

export interface StandIn {
	/** e.g. `http://127.0.0.1:PORT/api/_public/v1` */
	readonly baseUrl: string;
	/** e.g. `http://127.0.0.1:PORT/_stand-in`: the admin routes (no key, loopback only). */
	readonly adminUrl: string;
	readonly port: number;
	readonly apiKey: string;
	/** Every key accepted (`apiKey` first). */
	readonly apiKeys: readonly string[];
	/** Every request in arrival order, recorded on arrival (body filled in once read). Admin routes are not recorded. */
	readonly requests: RecordedRequest[];
	/** Campaigns accepted with 202 by the stand-in's own logic (not by a scripted fault). */
	readonly createdCampaigns: CreatedCampaign[];
	readonly campaignsCreated: number;
	/** Scripted faults not yet used up. */
	readonly pendingFaults: number;
	/** The readings in force (options, then `setReadings`). */
	readonly readings: Readonly<ContractReadings>;
	/** Every post status change in order (appeared: from null; removed: to null), by the API, the mover or a method. */
	readonly postChanges: readonly PostChange[];
	/** The recorded POST /campaigns requests. */
	campaignRequests(): RecordedRequest[];
	requestsTo(method: string, path: string): RecordedRequest[];
	/** The recorded requests for one operation of the public spec, e.g. `listPosts`. */
	requestsFor(operationId: string): RecordedRequest[];
	/** Queues a scripted behaviour; see {@link Fault}. */
	failNext(fault: Fault): void;
	/**
	 * Calls `hook` for every API request once its body is read, just before the reply is worked out
	 * (after any delay; not for resets before the reply), e.g. to add or move posts between two pages
	 * of one walk. Returns a function that removes it; `reset()` removes all.
	 */
	beforeReply(hook: (request: RecordedRequest) => void): () => void;
	setListShape(shape: ListShape): void;
	/** Changes any of the contract readings until `reset()`. */
	setReadings(readings: Partial<ContractReadings>): void;
	setList(list: 'workspaces', items: ListItem[]): void;
	setList(list: Exclude<ListName, 'workspaces'>, items: WorkspaceListSeed): void;
	/** A workspace's post groups (default `ws_standin_1`), newest first, as copies. */
	posts(workspaceId?: string): PostGroup[];
	/** One post group by id, or undefined. */
	post(id: string): PostGroup | undefined;
	/** Adds `count` post groups (newest), all with `post`'s fields; returns them oldest first. */
	addPosts(count: number, post?: NewPost): PostGroup[];
	/** Replaces EVERY workspace's posts with exactly these (ids restart at pg_standin_0001); returns them. */
	seedPosts(seed: PostSeed | readonly PostSeed[]): PostGroup[];
	/** Sets a group's status (any text: an unknown status is kept as given); throws for an unknown id. */
	setPostStatus(id: string, status: AnyPostStatus): PostChange;
	/** Removes a group; false if there was none. */
	removePost(id: string): boolean;
	/** One status-mover step (a DRAFT appears, the first SCHEDULED → POSTED, the next → ERROR); returns the changes. */
	advancePosts(workspaceId?: string): PostChange[];
	/** Runs `advancePosts(workspaceId)` every `intervalMs` until `stopStatusMover()`, `reset()` or `close()`. */
	startStatusMover(intervalMs: number, workspaceId?: string): void;
	stopStatusMover(): void;
	/**
	 * Clears records, created campaigns, faults and rate-limit windows; restores lists, readings and
	 * posts from the options (the status mover restarts only if the options start it).
	 */
	reset(): void;
	/** Stops listening and destroys open sockets; safe to call twice. */
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'test-key-ocoya-stand-in';

function profile(id: string, provider: string, name: string, extra: JsonObject = {}): ListItem & SocialProfile {
	return { id, provider, name, image: `https://cdn.stand-in.example/avatars/${id}.png`, ...extra };
}

const DEFAULT_LISTS: Required<ListSeeds> = {
	workspaces: [
		{ id: 'ws_standin_1', name: 'Acme Marketing' },
		{ id: 'ws_standin_2', name: 'Acme Side Project' },
	],
	'brand-kits': [{ id: 'bk_standin_1', name: 'Acme Brand' }],
	'hashtag-libraries': [{ id: 'hl_standin_1', name: 'Launch hashtags' }],
	'social-profiles': {
		// `platform` is not Ocoya's (its field is `provider`); it stays on these two only because
		// today's dropdown loader shows it. Drop it once the loaders read `provider`.
		ws_standin_1: [
			profile('sp_standin_1', 'linkedin', 'Acme on LinkedIn', { platform: 'LINKEDIN' }),
			profile('sp_standin_2', 'instagram', '@acme', { platform: 'INSTAGRAM' }),
		],
		ws_standin_2: [
			profile('sp_standin_3', 'facebook', 'Acme Side on Facebook'),
			profile('sp_standin_4', 'instagram', '@acme.side'),
			profile('sp_standin_5', 'twitter', '@acme_side'),
			profile('sp_standin_6', 'linkedin', 'Acme Side on LinkedIn'),
			profile('sp_standin_7', 'pinterest', 'Acme Side Pins'),
			profile('sp_standin_8', 'tiktok', '@acme.side.tok'),
		],
	},
	'studio-templates': [{ id: 'st_standin_1', name: 'Square promo' }],
};

const DEFAULT_POSTS: readonly PostSeed[] = [
	{ count: 120, workspaceId: 'ws_standin_1' },
	{ count: 6, workspaceId: 'ws_standin_2' },
];

const DEFAULT_READINGS: ContractReadings = {
	listShape: 'array',
	createReply: 'json',
	deleteReply: 'json',
	statusesFormat: 'repeated',
	maxPerPage: 50,
	defaultPerPage: 20,
	postOrder: 'newest-first',
	shuffleSeed: 1,
	unknownWorkspace: 'not-found',
};

const DEFAULT_ME: JsonObject = { id: 'usr_standin', email: 'stand-in@example.com', name: 'Stand-in User' };
const MAX_BODY_BYTES = 1024 * 1024;
const ADMIN_PREFIX = '/_stand-in';
const LIST_OPERATIONS: Record<string, ListName> = {
	listWorkspaces: 'workspaces',
	listSocialProfiles: 'social-profiles',
	listBrandKits: 'brand-kits',
	listHashtagLibraries: 'hashtag-libraries',
	listStudioTemplates: 'studio-templates',
};
/** Instagram Business profiles are linked through Facebook Pages, so Facebook's OAuth starts the flow. */
const AUTH_PROVIDERS: Record<string, string> = { instagram: 'facebook' };

interface Reply {
	status: number;
	body: string;
	headers: Record<string, string>;
}

/** What a request's own reply depends on, worked out once its body is read. */
interface Checked {
	operation?: OperationContract;
	pathParameters: Record<string, string>;
	/** The query as the server reads it. */
	query: JsonObject;
	errors: string[];
	/** 400 for a body that is not JSON (and every campaign error, as its spec says); 422 for contract violations. */
	errorStatus: number;
	methodNotAllowed: boolean;
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return { status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
}

function emptyReply(status: number): Reply {
	return { status, body: '', headers: {} };
}

function scriptedReply(fault: Fault): Reply {
	const status = fault.status ?? 200;
	let body: string;
	let contentType: string | undefined;
	if (fault.rawBody !== undefined) {
		body = fault.rawBody;
		contentType = fault.contentType ?? 'application/json; charset=utf-8';
	} else if (typeof fault.body === 'string') {
		body = fault.body;
		contentType = fault.contentType ?? 'text/plain; charset=utf-8';
	} else {
		body = JSON.stringify(fault.body ?? { message: http.STATUS_CODES[status] ?? 'Scripted fault' });
		contentType = fault.contentType ?? 'application/json; charset=utf-8';
	}
	return { status, body, headers: { 'Content-Type': contentType, ...fault.headers } };
}

function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
	const query: Record<string, string | string[]> = {};
	for (const key of new Set(search.keys())) {
		const values = search.getAll(key);
		query[key] = values.length === 1 ? values[0] : values;
	}
	return query;
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		// The client went away; there is nobody to reply to.
		req.on('error', () => resolve(undefined));
		req.on('close', () => resolve(undefined));
	});
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch {
		return { ok: false };
	}
}

function firstValue(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value[0] : value;
}

function isLoopback(address: string | undefined): boolean {
	return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function stringList(value: unknown): string[] | undefined {
	return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : undefined;
}

function postSeeds(seed: PostSeed | readonly PostSeed[] | undefined): readonly PostSeed[] {
	if (seed === undefined) return DEFAULT_POSTS;
	return Array.isArray(seed) ? seed : [seed as PostSeed];
}

/** Starts a stand-in on 127.0.0.1. Call `close()` when done. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
	const contract = getContract();
	const publicContract = getPublicContract();
	const basePath = contract.basePath;
	if (publicContract.basePath !== basePath) {
		throw new Error(`The two specs disagree on the base path: ${basePath} vs ${publicContract.basePath}`);
	}
	const apiKey = options.apiKey ?? options.apiKeys?.[0] ?? DEFAULT_API_KEY;
	const apiKeys = [...new Set([apiKey, ...(options.apiKeys ?? [])])];
	const latencyMs = options.latencyMs ?? 0;
	const serverNow = (): number => Date.now() + (options.clockSkewMs ?? 0);
	const limiter = options.rateLimit ? new FixedWindowLimiter(options.rateLimit) : undefined;
	const faults = new FaultQueue(basePath);
	const requests: RecordedRequest[] = [];
	const createdCampaigns: CreatedCampaign[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const hooks = new Set<(request: RecordedRequest) => void>();
	const initialReadings = (): ContractReadings => {
		const readings = { ...DEFAULT_READINGS };
		for (const key of Object.keys(DEFAULT_READINGS) as Array<keyof ContractReadings>) {
			if (options[key] !== undefined) Object.assign(readings, { [key]: options[key] });
		}
		return checkReadings(readings);
	};
	let readings = initialReadings();
	let lists: Required<ListSeeds> = { ...DEFAULT_LISTS, ...structuredClone(options.seed ?? {}) };
	let campaignSeq = 0;
	let closing: Promise<void> | undefined;
	let mover: NodeJS.Timeout | undefined;

	function checkReadings(next: ContractReadings): ContractReadings {
		for (const name of ['maxPerPage', 'defaultPerPage'] as const) {
			if (!Number.isInteger(next[name]) || next[name] < 1) throw new Error(`${name} must be a positive integer, got ${next[name]}`);
		}
		return next;
	}

	function listFor(list: ListName, workspaceId: string | undefined): ListItem[] {
		if (list === 'workspaces') return lists.workspaces;
		const seed = lists[list];
		if (Array.isArray(seed)) return seed;
		return workspaceId === undefined ? [] : (seed[workspaceId] ?? []);
	}

	// Posts embed a profile in the contract's shape only, whatever else a seeded list item carries.
	const store = new PostStore((workspaceId) =>
		listFor('social-profiles', workspaceId).map((item) => ({
			id: item.id,
			provider:
				typeof item.provider === 'string'
					? item.provider
					: typeof item.platform === 'string'
						? item.platform.toLowerCase()
						: 'unknown',
			name: item.name,
			image: typeof item.image === 'string' ? item.image : `https://cdn.stand-in.example/avatars/${item.id}.png`,
		})),
	);
	store.seed(postSeeds(options.posts));

	function sleep(ms: number): Promise<void> {
		if (ms <= 0) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});
	}

	function campaignErrors(req: http.IncomingMessage, query: Record<string, string | string[]>, raw: string): string[] {
		const errors: string[] = [];
		if (!firstValue(query.workspaceId)) errors.push('workspaceId query parameter is required');
		const contentType = req.headers['content-type'] ?? '';
		if (!/^application\/json\b/i.test(contentType)) {
			errors.push(`Content-Type must be application/json, got '${contentType}'`);
		}
		if (raw === '') {
			errors.push('body is required');
			return errors;
		}
		const parsed = parseJson(raw);
		if (!parsed.ok) errors.push('body is not valid JSON');
		else errors.push(...contract.validateBody(parsed.value));
		return errors;
	}

	/** Checks a request against the contract once its body is read. */
	function check(req: http.IncomingMessage, record: RecordedRequest, raw: string): Checked {
		const found = publicContract.match(record.method, record.path);
		if (found.kind !== 'operation') {
			return { pathParameters: {}, query: {}, errors: [], errorStatus: 400, methodNotAllowed: found.kind === 'method-not-allowed' };
		}
		const { operation, pathParameters } = found;
		if (operation.operationId === 'createCampaign') {
			// The campaign spec is the older, stricter one and answers 400 for everything (as before).
			const errors = campaignErrors(req, record.query, raw);
			const query: JsonObject = { workspaceId: firstValue(record.query.workspaceId) };
			return { operation, pathParameters, query, errors, errorStatus: 400, methodNotAllowed: false };
		}
		const queryCheck = operation.checkQuery(record.query, readings.statusesFormat);
		const errors = [...queryCheck.errors];
		let errorStatus = 422;
		if (operation.requestSchema) {
			const contentType = req.headers['content-type'] ?? '';
			let syntax: string | undefined;
			if (!/^application\/json\b/i.test(contentType)) syntax = `Content-Type must be application/json, got '${contentType}'`;
			else if (raw === '') syntax = 'body is required';
			else {
				const parsed = parseJson(raw);
				if (!parsed.ok) syntax = 'body is not valid JSON';
				else errors.push(...operation.validateBody(parsed.value));
			}
			if (syntax) {
				errors.unshift(syntax);
				errorStatus = 400;
			}
		} else if (raw !== '') {
			// GET and DELETE take no body; one sent anyway is a client bug worth seeing.
			errors.unshift(`${operation.method} ${operation.path} takes no body`);
			errorStatus = 400;
		}
		return { operation, pathParameters, query: queryCheck.values, errors, errorStatus, methodNotAllowed: false };
	}

	function shaped(items: unknown[], list: ShapedList): unknown {
		const shape = readings.listShape;
		if (shape === 'array') return items;
		if (shape === 'data') return { data: items };
		if (shape === 'items') return { items };
		return shape(items, list);
	}

	function createdReply(body: JsonObject): Reply {
		return readings.createReply === 'empty' ? emptyReply(201) : jsonReply(201, body);
	}

	/** Creates a post group from a validated POST /post or /post/ai body, or says why not (422). */
	function createPost(workspaceId: string, post: NewPost): { ok: true; group: PostGroup } | { ok: false; reply: Reply } {
		if (post.scheduledAt && (post.socialProfileIds ?? []).length === 0) {
			// Ocoya's two draft rules disagree on a time without profiles; the stand-in refuses it as ambiguous.
			return { ok: false, reply: jsonReply(422, { message: 'scheduledAt needs at least one social profile in socialProfileIds' }) };
		}
		try {
			return { ok: true, group: store.add({ ...post, workspaceId }) };
		} catch (error) {
			if (error instanceof UnknownProfileError) return { ok: false, reply: jsonReply(422, { message: error.message }) };
			throw error;
		}
	}

	function operationReply(operation: OperationContract, checked: Checked, record: RecordedRequest): Reply {
		const workspaceId = typeof checked.query.workspaceId === 'string' ? checked.query.workspaceId : undefined;
		if (
			workspaceId !== undefined &&
			readings.unknownWorkspace === 'not-found' &&
			!lists.workspaces.some((workspace) => workspace.id === workspaceId)
		) {
			return jsonReply(404, { message: `Workspace ${workspaceId} not found.` });
		}
		const body = isRecord(record.body) ? record.body : {};
		const list = LIST_OPERATIONS[operation.operationId];
		if (list) return jsonReply(200, shaped(structuredClone(listFor(list, workspaceId)), list));

		switch (operation.operationId) {
			case 'getMe':
				return jsonReply(200, options.me ?? DEFAULT_ME);
			case 'getSocialConnectionUrl': {
				const provider = String(checked.query.provider);
				const start = new URL('https://app.ocoya.com/api/mcp/social-connect/start');
				start.searchParams.set('provider', provider);
				start.searchParams.set('workspaceId', workspaceId ?? '');
				return jsonReply(200, {
					provider,
					authProvider: AUTH_PROVIDERS[provider] ?? provider,
					authUrl: start.toString(),
					callbackUrl: `https://app.ocoya.com/smm/integrations/select?provider=${provider}`,
					instructions: 'Open authUrl while signed in to Ocoya, approve access, then choose the profiles to connect.',
				});
			}
			case 'listPosts': {
				const asked = typeof checked.query.perPage === 'number' ? checked.query.perPage : readings.defaultPerPage;
				const page = store.page(workspaceId ?? DEFAULT_WORKSPACE_ID, {
					statuses: stringList(checked.query.statuses),
					order: readings.postOrder,
					shuffleSeed: readings.shuffleSeed,
					page: typeof checked.query.page === 'number' ? checked.query.page : 0,
					perPage: Math.min(asked, readings.maxPerPage),
				});
				return jsonReply(200, shaped(page, 'post'));
			}
			case 'createPost': {
				const created = createPost(workspaceId ?? DEFAULT_WORKSPACE_ID, {
					caption: typeof body.caption === 'string' ? body.caption : undefined,
					mediaUrls: stringList(body.mediaUrls),
					socialProfileIds: stringList(body.socialProfileIds),
					scheduledAt: typeof body.scheduledAt === 'string' ? body.scheduledAt : undefined,
				});
				return created.ok ? createdReply({ postGroupId: created.group.id }) : created.reply;
			}
			case 'createAiPost': {
				const prompt = String(body.prompt).trim();
				const created = createPost(workspaceId ?? DEFAULT_WORKSPACE_ID, {
					status: 'DRAFT',
					scheduledAt: null,
					caption: `AI draft (${String(body.tone ?? 'professional')}, ${String(body.length ?? 'medium')}): ${prompt}`,
					mediaUrls: body.generateImage === true ? [`https://cdn.stand-in.example/ai/${record.receivedAt}.png`] : undefined,
					socialProfileIds: stringList(body.socialProfileIds),
				});
				if (!created.ok) return created.reply;
				return createdReply({ postGroupId: created.group.id, status: created.group.status, scheduledAt: created.group.scheduledAt });
			}
			case 'updatePost': {
				const id = checked.pathParameters.postId;
				if (!store.get(id)) return jsonReply(404, { message: `Post ${id} not found.` });
				if (typeof body.scheduledAt !== 'string') return jsonReply(422, { message: 'scheduledAt is required' });
				store.reschedule(id, body.scheduledAt);
				return jsonReply(200, {});
			}
			case 'deletePost': {
				const id = checked.pathParameters.postId;
				if (!store.remove(id)) return jsonReply(404, { message: `Post ${id} not found.` });
				return readings.deleteReply === 'no-content' ? emptyReply(204) : jsonReply(200, {});
			}
			case 'createCampaign': {
				campaignSeq += 1;
				const campaignId = `cmp_standin_${campaignSeq}_${randomBytes(4).toString('hex')}`;
				createdCampaigns.push({ campaignId, workspaceId: String(workspaceId), body });
				return jsonReply(202, {
					campaignId,
					status: 'GENERATING',
					queued: true,
					generation: {
						requestedPosts: typeof body.count === 'number' ? body.count : 5,
						durationDays: typeof body.duration === 'number' ? body.duration : 7,
						generateMedia: body.generateMedia === true,
						completedPosts: 0,
						queuedAt: new Date(record.receivedAt).toISOString(),
					},
				});
			}
			default:
				throw new Error(`The stand-in has no handler for ${operation.operationId}`);
		}
	}

	/** The stand-in's own behaviour, i.e. what Ocoya would do: key, limiter, contract, then the operation. */
	function ownReply(req: http.IncomingMessage, record: RecordedRequest, checked: Checked): Reply {
		const key = firstValue(req.headers['x-api-key']);
		if (key === undefined || key === '') return jsonReply(401, { message: 'Missing API token.' });
		if (!apiKeys.includes(key)) return jsonReply(403, { message: 'Invalid API token.' });

		const rate = limiter?.hit(key, serverNow());
		const rateHeaders = rate?.headers ?? {};
		if (rate && !rate.allowed) return jsonReply(429, { message: 'Too many requests' }, rateHeaders);

		let reply: Reply;
		if (checked.methodNotAllowed) reply = jsonReply(405, { message: 'Method not allowed.' });
		else if (!checked.operation) reply = jsonReply(404, { message: 'Not found.' });
		else if (checked.errors.length > 0) reply = jsonReply(checked.errorStatus, { message: checked.errors.join('; ') });
		else reply = operationReply(checked.operation, checked, record);
		return { ...reply, headers: { ...reply.headers, ...rateHeaders } };
	}

	/** Routes for people and tests driving the stand-in: no key, loopback only, not recorded. */
	function adminReply(req: http.IncomingMessage, url: URL): Reply {
		if (!isLoopback(req.socket.remoteAddress)) return jsonReply(403, { message: 'Admin routes answer loopback only.' });
		const route = url.pathname.slice(ADMIN_PREFIX.length);
		const workspaceId = url.searchParams.get('workspaceId') ?? DEFAULT_WORKSPACE_ID;
		if (route === '/advance') {
			if (req.method !== 'POST') return jsonReply(405, { message: 'Use POST.' });
			return jsonReply(200, { changes: store.advance(workspaceId) });
		}
		if (route === '/posts') {
			if (req.method === 'GET') return jsonReply(200, store.all(workspaceId));
			if (req.method !== 'POST') return jsonReply(405, { message: 'Use GET or POST.' });
			const count = Number(url.searchParams.get('count') ?? '1');
			if (!Number.isInteger(count) || count < 1 || count > 1000) return jsonReply(400, { message: 'count must be 1 to 1000' });
			const status = url.searchParams.get('status') ?? 'DRAFT';
			const created: PostGroup[] = [];
			try {
				for (let i = 0; i < count; i += 1) created.push(store.add({ workspaceId, status }));
			} catch (error) {
				return jsonReply(400, { message: String(error) });
			}
			return jsonReply(201, created);
		}
		return jsonReply(404, { message: `Admin routes: POST ${ADMIN_PREFIX}/advance, GET|POST ${ADMIN_PREFIX}/posts` });
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://stand-in');
		const method = req.method ?? 'GET';
		if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(ADMIN_PREFIX + '/')) {
			await readBody(req);
			const reply = adminReply(req, url);
			res.writeHead(reply.status, { Date: new Date(serverNow()).toUTCString(), ...reply.headers });
			res.end(reply.body);
			return;
		}
		const path = url.pathname.startsWith(basePath + '/') ? url.pathname.slice(basePath.length) : url.pathname;
		const record: RecordedRequest = {
			method,
			path,
			url: req.url ?? '/',
			query: parseQuery(url.searchParams),
			headers: { ...req.headers },
			body: undefined,
			rawBody: '',
			receivedAt: Date.now(),
			status: null,
		};
		requests.push(record);
		const fault = faults.take(method, path);
		if (fault) record.fault = fault;

		if (fault?.reset === 'before-body') {
			await sleep(fault.delayMs ?? 0);
			req.socket.destroy();
			return;
		}

		const raw = await readBody(req);
		if (raw === undefined) return;
		record.rawBody = raw;
		if (raw !== '') {
			const parsed = parseJson(raw);
			record.body = parsed.ok ? parsed.value : raw;
		}
		const checked = check(req, record, raw);
		if (checked.operation) {
			record.operationId = checked.operation.operationId;
			record.validationErrors = checked.errors;
		}

		await sleep(latencyMs + (fault?.delayMs ?? 0));
		if (closing || res.destroyed) return;
		if (fault?.reset === 'after-body') {
			req.socket.destroy();
			return;
		}

		for (const hook of [...hooks]) hook(record);
		const reply = fault && scriptsReply(fault) ? scriptedReply(fault) : ownReply(req, record, checked);
		if (fault?.reset === 'after-handling') {
			req.socket.destroy();
			return;
		}
		record.status = reply.status;
		res.writeHead(reply.status, { Date: new Date(serverNow()).toUTCString(), ...reply.headers });
		res.end(reply.body);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			// A bug in the stand-in must surface as a 500 the test can see, not a hung request.
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
				res.end(JSON.stringify({ message: `Stand-in error: ${String(error)}` }));
			}
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	if (!options.keepProcessAlive) server.unref();
	const port = (server.address() as AddressInfo).port;

	function startStatusMover(intervalMs: number, workspaceId = DEFAULT_WORKSPACE_ID): void {
		if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new Error(`statusMoverIntervalMs must be a positive integer, got ${intervalMs}`);
		stopStatusMover();
		mover = setInterval(() => store.advance(workspaceId), intervalMs);
		if (!options.keepProcessAlive) mover.unref();
	}

	function stopStatusMover(): void {
		if (mover) clearInterval(mover);
		mover = undefined;
	}

	if (options.statusMoverIntervalMs !== undefined) startStatusMover(options.statusMoverIntervalMs);

	function close(): Promise<void> {
		closing ??= new Promise<void>((resolve) => {
			stopStatusMover();
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
		});
		return closing;
	}

	return {
		baseUrl: `http://127.0.0.1:${port}${basePath}`,
		adminUrl: `http://127.0.0.1:${port}${ADMIN_PREFIX}`,
		port,
		apiKey,
		apiKeys,
		requests,
		createdCampaigns,
		get campaignsCreated() {
			return createdCampaigns.length;
		},
		get pendingFaults() {
			return faults.pending;
		},
		get readings() {
			return { ...readings };
		},
		postChanges: store.changes,
		campaignRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/campaigns'),
		requestsTo: (method, path) => requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
		requestsFor: (operationId) => {
			publicContract.operation(operationId);
			return requests.filter((r) => r.operationId === operationId);
		},
		failNext: (fault) => faults.add(fault),
		beforeReply: (hook) => {
			// Wrapped so the same function added twice runs twice and each removal removes one.
			const entry = (request: RecordedRequest): void => hook(request);
			hooks.add(entry);
			return () => hooks.delete(entry);
		},
		setListShape: (shape) => {
			readings = { ...readings, listShape: shape };
		},
		setReadings: (next) => {
			readings = checkReadings({ ...readings, ...next });
		},
		setList: (list: ListName, items: WorkspaceListSeed) => {
			lists = { ...lists, [list]: structuredClone(items) };
		},
		posts: (workspaceId) => store.all(workspaceId),
		post: (id) => store.get(id),
		addPosts: (count, post = {}) => {
			if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a whole number ≥ 0, got ${count}`);
			return Array.from({ length: count }, () => store.add(post));
		},
		seedPosts: (seed) => {
			store.clear();
			return postSeeds(seed).flatMap((one) => store.addSeeded(one));
		},
		setPostStatus: (id, status) => store.setStatus(id, status),
		removePost: (id) => store.remove(id),
		advancePosts: (workspaceId) => store.advance(workspaceId),
		startStatusMover,
		stopStatusMover,
		reset: () => {
			// Emptied in place so references held by tests stay live.
			requests.length = 0;
			createdCampaigns.length = 0;
			faults.clear();
			hooks.clear();
			limiter?.clear();
			lists = { ...DEFAULT_LISTS, ...structuredClone(options.seed ?? {}) };
			readings = initialReadings();
			stopStatusMover();
			store.clear();
			store.seed(postSeeds(options.posts));
			if (options.statusMoverIntervalMs !== undefined) startStatusMover(options.statusMoverIntervalMs);
		},
		close,
	};
}
