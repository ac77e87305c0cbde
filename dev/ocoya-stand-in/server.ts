/**
 * An in-process stand-in for Ocoya's public API: key checks, the create-campaign contract
 * from the OpenAPI spec, the list endpoints, an optional rate limiter and scripted faults.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { getContract, isRecord, type JsonObject } from './contract';
import { FaultQueue, scriptsReply, type Fault } from './faults';
import { FixedWindowLimiter, type RateLimitOptions } from './rate-limit';

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

/**
 * How list replies are wrapped. Ocoya does not document it, so tests can vary it:
 * 'array' (default) is a bare array, 'data' is `{ data: [...] }`, 'items' is `{ items: [...] }`,
 * and a function can return anything at all.
 */
export type ListShape = 'array' | 'data' | 'items' | ((items: ListItem[], list: ListName) => unknown);

export interface StandInOptions {
	/** Default `test-key-ocoya-stand-in`. */
	apiKey?: string;
	/** Default 0 (a free port). Always binds 127.0.0.1. */
	port?: number;
	/** Replaces the default list contents, per list. */
	seed?: ListSeeds;
	listShape?: ListShape;
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
	/** For POST /campaigns once its body is read: why it is invalid, `[]` when valid. Set even when a fault replied. */
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
	readonly port: number;
	readonly apiKey: string;
	/** Every request in arrival order, recorded on arrival (body filled in once read). */
	readonly requests: RecordedRequest[];
	/** Campaigns accepted with 202 by the stand-in's own logic (not by a scripted fault). */
	readonly createdCampaigns: CreatedCampaign[];
	readonly campaignsCreated: number;
	/** Scripted faults not yet used up. */
	readonly pendingFaults: number;
	/** The recorded POST /campaigns requests. */
	campaignRequests(): RecordedRequest[];
	requestsTo(method: string, path: string): RecordedRequest[];
	/** Queues a scripted behaviour; see {@link Fault}. */
	failNext(fault: Fault): void;
	setListShape(shape: ListShape): void;
	setList(list: 'workspaces', items: ListItem[]): void;
	setList(list: Exclude<ListName, 'workspaces'>, items: WorkspaceListSeed): void;
	/** Clears records, created campaigns, faults and rate-limit windows; restores lists and shape from the options. */
	reset(): void;
	/** Stops listening and destroys open sockets; safe to call twice. */
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'test-key-ocoya-stand-in';

const DEFAULT_LISTS: Required<ListSeeds> = {
	workspaces: [
		{ id: 'ws_standin_1', name: 'Acme Marketing' },
		{ id: 'ws_standin_2', name: 'Acme Side Project' },
	],
	'brand-kits': [{ id: 'bk_standin_1', name: 'Acme Brand' }],
	'hashtag-libraries': [{ id: 'hl_standin_1', name: 'Launch hashtags' }],
	'social-profiles': [
		{ id: 'sp_standin_1', name: 'Acme on LinkedIn', platform: 'LINKEDIN' },
		{ id: 'sp_standin_2', name: '@acme', platform: 'INSTAGRAM' },
	],
	'studio-templates': [{ id: 'st_standin_1', name: 'Square promo' }],
};

const DEFAULT_ME: JsonObject = { id: 'usr_standin', email: 'stand-in@example.com', name: 'Stand-in User' };
const MAX_BODY_BYTES = 1024 * 1024;

interface Reply {
	status: number;
	body: string;
	headers: Record<string, string>;
}

function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return { status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
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

/** Starts a stand-in on 127.0.0.1. Call `close()` when done. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
	const contract = getContract();
	const basePath = contract.basePath;
	const apiKey = options.apiKey ?? DEFAULT_API_KEY;
	const latencyMs = options.latencyMs ?? 0;
	const serverNow = (): number => Date.now() + (options.clockSkewMs ?? 0);
	const limiter = options.rateLimit ? new FixedWindowLimiter(options.rateLimit) : undefined;
	const faults = new FaultQueue(basePath);
	const requests: RecordedRequest[] = [];
	const createdCampaigns: CreatedCampaign[] = [];
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();
	let lists: Required<ListSeeds> = { ...DEFAULT_LISTS, ...structuredClone(options.seed ?? {}) };
	let listShape: ListShape = options.listShape ?? 'array';
	let campaignSeq = 0;
	let closing: Promise<void> | undefined;

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

	function listReply(list: ListName, query: Record<string, string | string[]>): Reply {
		let items: ListItem[];
		if (list === 'workspaces') {
			items = lists.workspaces;
		} else {
			const workspaceId = firstValue(query.workspaceId);
			if (!workspaceId) return jsonReply(400, { message: 'Missing workspaceId query parameter.' });
			const seed = lists[list];
			items = Array.isArray(seed) ? seed : (seed[workspaceId] ?? []);
		}
		const copy = structuredClone(items);
		if (listShape === 'array') return jsonReply(200, copy);
		if (listShape === 'data') return jsonReply(200, { data: copy });
		if (listShape === 'items') return jsonReply(200, { items: copy });
		return jsonReply(200, listShape(copy, list));
	}

	/** The stand-in's own behaviour, i.e. what Ocoya would do. */
	function ownReply(req: http.IncomingMessage, record: RecordedRequest): Reply {
		const key = firstValue(req.headers['x-api-key']);
		if (key === undefined || key === '') return jsonReply(401, { message: 'Missing API token.' });
		if (key !== apiKey) return jsonReply(403, { message: 'Invalid API token.' });

		const rate = limiter?.hit(key, serverNow());
		const rateHeaders = rate?.headers ?? {};
		if (rate && !rate.allowed) return jsonReply(429, { message: 'Too many requests' }, rateHeaders);

		const reply = routeReply(req, record);
		return { ...reply, headers: { ...reply.headers, ...rateHeaders } };
	}

	function routeReply(req: http.IncomingMessage, record: RecordedRequest): Reply {
		const method = req.method ?? 'GET';
		const { path, query } = record;
		if (path === '/campaigns') {
			if (method !== 'POST') return jsonReply(405, { message: 'Method not allowed.' });
			const errors = record.validationErrors ?? [];
			if (errors.length > 0) return jsonReply(400, { message: errors.join('; ') });
			if (!isRecord(record.body)) throw new Error('validated campaign body is not an object');
			const body = record.body;
			campaignSeq += 1;
			const campaignId = `cmp_standin_${campaignSeq}_${randomBytes(4).toString('hex')}`;
			createdCampaigns.push({ campaignId, workspaceId: String(firstValue(query.workspaceId)), body });
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
		const list = LIST_NAMES.find((name) => path === `/${name}`);
		if (path === '/me' || list) {
			if (method !== 'GET') return jsonReply(405, { message: 'Method not allowed.' });
			return list ? listReply(list, query) : jsonReply(200, options.me ?? DEFAULT_ME);
		}
		return jsonReply(404, { message: 'Not found.' });
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://stand-in');
		const method = req.method ?? 'GET';
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
		if (method === 'POST' && path === '/campaigns') record.validationErrors = campaignErrors(req, record.query, raw);

		await sleep(latencyMs + (fault?.delayMs ?? 0));
		if (closing || res.destroyed) return;
		if (fault?.reset === 'after-body') {
			req.socket.destroy();
			return;
		}

		const reply = fault && scriptsReply(fault) ? scriptedReply(fault) : ownReply(req, record);
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

	function close(): Promise<void> {
		closing ??= new Promise<void>((resolve) => {
			for (const timer of timers) clearTimeout(timer);
			timers.clear();
			server.close(() => resolve());
			for (const socket of sockets) socket.destroy();
		});
		return closing;
	}

	return {
		baseUrl: `http://127.0.0.1:${port}${basePath}`,
		port,
		apiKey,
		requests,
		createdCampaigns,
		get campaignsCreated() {
			return createdCampaigns.length;
		},
		get pendingFaults() {
			return faults.pending;
		},
		campaignRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/campaigns'),
		requestsTo: (method, path) => requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
		failNext: (fault) => faults.add(fault),
		setListShape: (shape) => {
			listShape = shape;
		},
		setList: (list: ListName, items: WorkspaceListSeed) => {
			lists = { ...lists, [list]: structuredClone(items) };
		},
		reset: () => {
			// Emptied in place so references held by tests stay live.
			requests.length = 0;
			createdCampaigns.length = 0;
			faults.clear();
			limiter?.clear();
			lists = { ...DEFAULT_LISTS, ...structuredClone(options.seed ?? {}) };
			listShape = options.listShape ?? 'array';
		},
		close,
	};
}
