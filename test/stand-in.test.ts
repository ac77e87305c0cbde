/** Tests of the Ocoya stand-in itself, over real HTTP with undici. */
import * as net from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import {
	DEFAULT_API_KEY as DEFAULT_KEY,
	getContract,
	getPublicContract,
	POST_STATUSES,
	startStandIn,
	type Fault,
	type PostChange,
	type PostGroup,
	type StandIn,
	type StandInOptions,
} from '../dev/ocoya-stand-in';

interface CallOptions {
	method?: Dispatcher.HttpMethod;
	key?: string | null;
	/** An array value becomes a repeated key. */
	query?: Record<string, string | string[]>;
	body?: unknown;
	rawBody?: string;
	contentType?: string;
	dispatcher?: Dispatcher;
}

interface CallResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: unknown;
	ms: number;
}

async function call(standIn: StandIn, path: string, options: CallOptions = {}): Promise<CallResult> {
	const url = new URL(standIn.baseUrl + path);
	for (const [name, value] of Object.entries(options.query ?? {})) {
		for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, one);
	}
	const headers: Record<string, string> = {};
	const key = options.key === undefined ? standIn.apiKey : options.key;
	if (key !== null) headers['x-api-key'] = key;
	let body: string | undefined = options.rawBody;
	if (options.body !== undefined) body = JSON.stringify(options.body);
	if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
	const started = Date.now();
	const res = await request(url, {
		method: options.method ?? (body === undefined ? 'GET' : 'POST'),
		headers,
		body,
		dispatcher: options.dispatcher,
	});
	const text = await res.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers, text, json, ms: Date.now() - started };
}

const WS = 'ws_standin_1';
const contract = getContract();

function createCampaign(standIn: StandIn, body: unknown, extra: CallOptions = {}): Promise<CallResult> {
	return call(standIn, '/campaigns', { query: { workspaceId: WS }, body, ...extra });
}

/** Starts a throwaway stand-in for one test and always closes it. */
async function withStandIn(options: StandInOptions, run: (standIn: StandIn) => Promise<void>): Promise<void> {
	const standIn = await startStandIn(options);
	try {
		await run(standIn);
	} finally {
		await standIn.close();
	}
}

let standIn: StandIn;

beforeAll(async () => {
	standIn = await startStandIn();
});
afterEach(() => standIn.reset());
afterAll(async () => {
	await standIn.close();
});

describe('startup and recording', () => {
	it('listens on 127.0.0.1 under the spec base path', () => {
		expect(contract.basePath).toBe('/api/_public/v1');
		expect(standIn.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/_public\/v1$/);
		expect(standIn.port).toBeGreaterThan(0);
		expect(standIn.apiKey).toMatch(/^test-key-/);
	});

	it('records method, path, query, lower-cased headers, parsed body and time', async () => {
		const before = Date.now();
		await createCampaign(standIn, { prompt: 'Hello world' });
		const [recorded] = standIn.requests;
		expect(standIn.requests).toHaveLength(1);
		expect(recorded).toMatchObject({
			method: 'POST',
			path: '/campaigns',
			query: { workspaceId: WS },
			body: { prompt: 'Hello world' },
			rawBody: '{"prompt":"Hello world"}',
			validationErrors: [],
			status: 202,
		});
		expect(recorded.headers['x-api-key']).toBe(standIn.apiKey);
		expect(recorded.headers['content-type']).toBe('application/json');
		expect(recorded.receivedAt).toBeGreaterThanOrEqual(before);
		expect(recorded.receivedAt).toBeLessThanOrEqual(Date.now());
		expect(standIn.campaignRequests()).toEqual([recorded]);
		expect(standIn.requestsTo('post', '/campaigns')).toEqual([recorded]);
	});

	it('keeps non-JSON bodies as raw text', async () => {
		await call(standIn, '/campaigns', { query: { workspaceId: WS }, rawBody: 'prompt=hi', contentType: 'text/plain' });
		expect(standIn.requests[0].body).toBe('prompt=hi');
	});

	it('reset() clears requests, created campaigns and faults in place', async () => {
		const requests = standIn.requests;
		await createCampaign(standIn, { prompt: 'Hello world' });
		standIn.failNext({ status: 500 });
		expect(standIn.campaignsCreated).toBe(1);
		standIn.reset();
		expect(requests).toHaveLength(0);
		expect(standIn.campaignsCreated).toBe(0);
		expect(standIn.pendingFaults).toBe(0);
		expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(202);
	});
});

describe('API key', () => {
	it('answers 401 "Missing API token." without the header', async () => {
		const res = await call(standIn, '/me', { key: null });
		expect(res.status).toBe(401);
		expect(res.json).toEqual({ message: 'Missing API token.' });
	});

	it('answers 403 "Invalid API token." for a wrong key', async () => {
		const res = await call(standIn, '/me', { key: 'wrong' });
		expect(res.status).toBe(403);
		expect(res.json).toEqual({ message: 'Invalid API token.' });
	});

	it('checks the key on campaign creation too and creates nothing', async () => {
		expect((await createCampaign(standIn, { prompt: 'Hello world' }, { key: null })).status).toBe(401);
		expect((await createCampaign(standIn, { prompt: 'Hello world' }, { key: 'wrong' })).status).toBe(403);
		expect(standIn.campaignsCreated).toBe(0);
	});

	it('GET /me verifies a good key', async () => {
		const res = await call(standIn, '/me');
		expect(res.status).toBe(200);
		expect(res.json).toMatchObject({ id: expect.any(String) });
	});

	it('honours a custom key', async () => {
		await withStandIn({ apiKey: 'custom-key' }, async (custom) => {
			expect(custom.apiKey).toBe('custom-key');
			expect((await call(custom, '/me')).status).toBe(200);
			expect((await call(custom, '/me', { key: 'test-key-ocoya-stand-in' })).status).toBe(403);
		});
	});
});

describe('POST /campaigns contract', () => {
	it('accepts the full example body from the spec with a spec-conformant 202', async () => {
		const body = contract.exampleBody();
		expect(Object.keys(body)).toEqual(expect.arrayContaining(['prompt', 'referenceUrls', 'referenceDesignIds']));
		const res = await createCampaign(standIn, body);
		expect(res.status).toBe(202);
		expect(contract.validateAcceptedResponse(res.json)).toEqual([]);
		expect(res.json).toMatchObject({
			campaignId: expect.any(String),
			status: 'GENERATING',
			queued: true,
			generation: { requestedPosts: body.count, durationDays: body.duration },
		});
		expect(standIn.campaignsCreated).toBe(1);
		expect(standIn.createdCampaigns[0]).toMatchObject({ workspaceId: WS, body });
	});

	it('defaults generation metadata to 5 posts over 7 days and gives unique ids', async () => {
		const first = await createCampaign(standIn, { prompt: 'Hello world' });
		const second = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(first.json).toMatchObject({ generation: { requestedPosts: 5, durationDays: 7 } });
		const ids = [first.json, second.json].map((json) => (json as { campaignId: string }).campaignId);
		expect(new Set(ids).size).toBe(2);
		expect(standIn.campaignsCreated).toBe(2);
	});

	it.each([
		['count 3, duration 1', { count: 3, duration: 1 }],
		['count 30, duration 30', { count: 30, duration: 30 }],
		['three reference URLs and designs', { referenceUrls: ['a', 'b', 'c'], referenceDesignIds: ['1', '2', '3'] }],
		['empty arrays', { socialProfileIds: [], referenceUrls: [] }],
		['three-character prompt', { prompt: 'abc' }],
	])('accepts boundary values: %s', async (_name, extra) => {
		const res = await createCampaign(standIn, { prompt: 'Hello world', ...extra });
		expect(res.status).toBe(202);
	});

	const invalidBodies: Array<[string, unknown, RegExp]> = [
		['no prompt', { goal: 'launch' }, /prompt/],
		['prompt too short', { prompt: 'ab' }, /prompt/],
		['prompt not a string', { prompt: 42 }, /prompt/],
		['goal outside the enum', { prompt: 'Hello world', goal: 'sales' }, /goal/],
		['audience outside the enum', { prompt: 'Hello world', audience: 'everyone' }, /audience/],
		['postLength outside the enum', { prompt: 'Hello world', postLength: 'huge' }, /postLength/],
		['tone outside the enum', { prompt: 'Hello world', tone: 'snarky' }, /tone/],
		['duration 0', { prompt: 'Hello world', duration: 0 }, /duration/],
		['duration 31', { prompt: 'Hello world', duration: 31 }, /duration/],
		['count 2', { prompt: 'Hello world', count: 2 }, /count/],
		['count 31', { prompt: 'Hello world', count: 31 }, /count/],
		['count not an integer', { prompt: 'Hello world', count: 3.5 }, /count/],
		['count as a string', { prompt: 'Hello world', count: '5' }, /count/],
		['generateMedia as a string', { prompt: 'Hello world', generateMedia: 'true' }, /generateMedia/],
		['socialProfileIds not an array', { prompt: 'Hello world', socialProfileIds: 'sp_1' }, /socialProfileIds/],
		['socialProfileIds with a number', { prompt: 'Hello world', socialProfileIds: [1] }, /socialProfileIds/],
		['four referenceUrls', { prompt: 'Hello world', referenceUrls: ['a', 'b', 'c', 'd'] }, /referenceUrls/],
		['four referenceDesignIds', { prompt: 'Hello world', referenceDesignIds: ['1', '2', '3', '4'] }, /referenceDesignIds/],
		['an unknown property', { prompt: 'Hello world', workspaceId: WS }, /unknown property 'workspaceId'/],
		['a JSON array', [{ prompt: 'Hello world' }], /object/],
		['JSON null', null, /object/],
	];

	it.each(invalidBodies)('rejects %s with 400 and records it as invalid', async (_name, body, mentions) => {
		const res = await createCampaign(standIn, body);
		expect(res.status).toBe(400);
		const message = (res.json as { message: string }).message;
		expect(message).toMatch(mentions);
		const [recorded] = standIn.campaignRequests();
		expect(recorded.validationErrors?.length).toBeGreaterThan(0);
		expect(recorded.validationErrors?.join('; ')).toBe(message);
		expect(recorded.status).toBe(400);
		expect(standIn.campaignsCreated).toBe(0);
	});

	it.each([
		['malformed JSON', { rawBody: '{"prompt": "Hello', contentType: 'application/json' }, /not valid JSON/],
		['an empty body', { rawBody: '', contentType: 'application/json' }, /body is required/],
		['a form-encoded body', { rawBody: 'prompt=Hello+world', contentType: 'application/x-www-form-urlencoded' }, /Content-Type/],
	])('rejects %s', async (_name, options, mentions) => {
		const res = await call(standIn, '/campaigns', { method: 'POST', query: { workspaceId: WS }, ...options });
		expect(res.status).toBe(400);
		expect((res.json as { message: string }).message).toMatch(mentions);
		expect(standIn.campaignRequests()[0].validationErrors?.length).toBeGreaterThan(0);
	});

	it('accepts a JSON content type with a charset', async () => {
		const res = await createCampaign(standIn, { prompt: 'Hello world' }, { contentType: 'application/json; charset=utf-8' });
		expect(res.status).toBe(202);
	});

	it.each([
		['missing', {}],
		['empty', { workspaceId: '' }],
	])('requires the workspaceId query parameter (%s)', async (_name, query) => {
		const res = await call(standIn, '/campaigns', { query, body: { prompt: 'Hello world' } });
		expect(res.status).toBe(400);
		expect((res.json as { message: string }).message).toMatch(/workspaceId/);
		expect(standIn.campaignRequests()[0].validationErrors).toEqual(['workspaceId query parameter is required']);
		expect(standIn.campaignsCreated).toBe(0);
	});

	it('answers 405 for GET /campaigns and 404 for unknown paths', async () => {
		expect((await call(standIn, '/campaigns')).status).toBe(405);
		expect((await call(standIn, '/posts')).status).toBe(404);
	});
});

describe('list endpoints', () => {
	it('lists workspaces as a bare array of { id, name }', async () => {
		const res = await call(standIn, '/workspaces');
		expect(res.status).toBe(200);
		expect(Array.isArray(res.json)).toBe(true);
		expect(res.json).toEqual(expect.arrayContaining([{ id: WS, name: expect.any(String) }]));
	});

	it.each(['brand-kits', 'hashtag-libraries', 'studio-templates'])('lists %s for a workspace', async (list) => {
		const res = await call(standIn, `/${list}`, { query: { workspaceId: WS } });
		expect(res.status).toBe(200);
		const items = res.json as Array<Record<string, unknown>>;
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) expect(Object.keys(item).sort()).toEqual(['id', 'name']);
	});

	it('lists social profiles in the contract shape { id, provider, name, image }, across all six providers', async () => {
		const first = (await call(standIn, '/social-profiles', { query: { workspaceId: WS } })).json as Array<Record<string, unknown>>;
		const second = (await call(standIn, '/social-profiles', { query: { workspaceId: 'ws_standin_2' } })).json as Array<
			Record<string, unknown>
		>;
		for (const item of [...first, ...second]) {
			expect(item).toMatchObject({ id: expect.any(String), provider: expect.stringMatching(/^[a-z]+$/), name: expect.any(String) });
			expect(item.image).toMatch(/^https:\/\//);
		}
		expect(first.map((item) => item.provider)).toEqual(['linkedin', 'instagram']);
		expect(second.map((item) => item.provider).sort()).toEqual(['facebook', 'instagram', 'linkedin', 'pinterest', 'tiktok', 'twitter']);
	});

	it.each(['brand-kits', 'hashtag-libraries', 'social-profiles', 'studio-templates', 'post'])(
		'requires workspaceId on /%s: 422 naming it',
		async (list) => {
			const queries: Array<Record<string, string>> = [{}, { workspaceId: '' }];
			for (const query of queries) {
				const res = await call(standIn, `/${list}`, { query });
				expect(res.status).toBe(422);
				expect((res.json as { message: string }).message).toMatch(/workspaceId/);
			}
			expect(standIn.requests.map((r) => r.validationErrors?.length)).toEqual([1, 1]);
		},
	);

	it('checks the key on lists', async () => {
		expect((await call(standIn, '/workspaces', { key: null })).status).toBe(401);
		expect((await call(standIn, '/workspaces', { key: 'nope' })).status).toBe(403);
	});

	it('serves seeded lists, per workspace when keyed by workspace ID', async () => {
		const seed = {
			workspaces: [{ id: 'w1', name: 'One' }],
			'brand-kits': { w1: [{ id: 'bk1', name: 'Kit one' }] },
			'studio-templates': [{ id: 't1', name: 'T' }],
		};
		await withStandIn({ seed, unknownWorkspace: 'empty' }, async (seeded) => {
			expect((await call(seeded, '/workspaces')).json).toEqual(seed.workspaces);
			expect((await call(seeded, '/brand-kits', { query: { workspaceId: 'w1' } })).json).toEqual(seed['brand-kits'].w1);
			expect((await call(seeded, '/brand-kits', { query: { workspaceId: 'w2' } })).json).toEqual([]);
			expect((await call(seeded, '/studio-templates', { query: { workspaceId: 'w2' } })).json).toEqual(seed['studio-templates']);
		});
	});

	it('wraps lists as scripted: data, items or anything', async () => {
		const workspaces = (await call(standIn, '/workspaces')).json;
		standIn.setListShape('data');
		expect((await call(standIn, '/workspaces')).json).toEqual({ data: workspaces });
		standIn.setListShape('items');
		expect((await call(standIn, '/workspaces')).json).toEqual({ items: workspaces });
		standIn.setListShape((items, list) => ({ nonsense: true, count: items.length, list }));
		expect((await call(standIn, '/brand-kits', { query: { workspaceId: WS } })).json).toEqual({
			nonsense: true,
			count: 1,
			list: 'brand-kits',
		});
		standIn.reset();
		expect((await call(standIn, '/workspaces')).json).toEqual(workspaces);
	});

	it('setList replaces a list until reset', async () => {
		standIn.setList('social-profiles', [{ id: 'x', name: 'X', platform: 'TIKTOK' }]);
		expect((await call(standIn, '/social-profiles', { query: { workspaceId: WS } })).json).toEqual([
			{ id: 'x', name: 'X', platform: 'TIKTOK' },
		]);
		standIn.reset();
		expect((await call(standIn, '/social-profiles', { query: { workspaceId: WS } })).json).not.toEqual([
			{ id: 'x', name: 'X', platform: 'TIKTOK' },
		]);
	});
});

describe('rate limiter', () => {
	it('sends X-RateLimit-* on every reply and 429s past the limit', async () => {
		await withStandIn({ rateLimit: { limit: 3, windowMs: 60_000 } }, async (limited) => {
			const nowSeconds = Date.now() / 1000;
			const replies = [
				await call(limited, '/me'),
				await call(limited, '/workspaces'),
				await createCampaign(limited, { prompt: 'Hello world' }),
				await createCampaign(limited, { prompt: 'Hello world' }),
			];
			expect(replies.map((r) => r.status)).toEqual([200, 200, 202, 429]);
			expect(replies.map((r) => r.headers['x-ratelimit-limit'])).toEqual(['3', '3', '3', '3']);
			expect(replies.map((r) => r.headers['x-ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
			const reset = Number(replies[3].headers['x-ratelimit-reset']);
			expect(reset).toBeGreaterThanOrEqual(Math.floor(nowSeconds + 59));
			expect(reset).toBeLessThanOrEqual(Math.ceil(nowSeconds + 61));
			expect(replies[3].json).toEqual({ message: 'Too many requests' });
			expect(limited.campaignsCreated).toBe(1);
			expect(limited.campaignRequests()).toHaveLength(2);
		});
	});

	it('opens a new window once the old one ends', async () => {
		await withStandIn({ rateLimit: { limit: 1, windowMs: 150 } }, async (limited) => {
			expect((await call(limited, '/me')).status).toBe(200);
			expect((await call(limited, '/me')).status).toBe(429);
			await new Promise((resolve) => setTimeout(resolve, 200));
			const again = await call(limited, '/me');
			expect(again.status).toBe(200);
			expect(again.headers['x-ratelimit-remaining']).toBe('0');
		});
	});

	it('does not count requests with a missing or wrong key', async () => {
		await withStandIn({ rateLimit: { limit: 1, windowMs: 60_000 } }, async (limited) => {
			expect((await call(limited, '/me', { key: null })).status).toBe(401);
			expect((await call(limited, '/me', { key: 'bad' })).status).toBe(403);
			expect((await call(limited, '/me')).status).toBe(200);
		});
	});

	it.each([
		['epoch-ms' as const, (reset: number, now: number) => reset > now + 9_000 && reset <= now + 10_500],
		['seconds-from-now' as const, (reset: number) => reset === 10],
		['epoch-seconds' as const, (reset: number, now: number) => Math.abs(reset - (now + 10_000) / 1000) <= 1.5],
	])('writes X-RateLimit-Reset as %s', async (resetFormat, plausible) => {
		await withStandIn({ rateLimit: { limit: 5, windowMs: 10_000, resetFormat } }, async (limited) => {
			const now = Date.now();
			const reset = Number((await call(limited, '/me')).headers['x-ratelimit-reset']);
			expect(plausible(reset, now)).toBe(true);
		});
	});

	it('resets its windows on reset()', async () => {
		await withStandIn({ rateLimit: { limit: 1, windowMs: 60_000 } }, async (limited) => {
			await call(limited, '/me');
			expect((await call(limited, '/me')).status).toBe(429);
			limited.reset();
			expect((await call(limited, '/me')).status).toBe(200);
		});
	});

	it('sends no rate-limit headers when not configured', async () => {
		expect((await call(standIn, '/me')).headers['x-ratelimit-limit']).toBeUndefined();
	});
});

describe('scripted faults', () => {
	it('replies once with a scripted 429 and headers, then behaves normally', async () => {
		standIn.failNext({ status: 429, headers: { 'Retry-After': '2' }, body: { message: 'Too many requests' } });
		const faulted = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(faulted.status).toBe(429);
		expect(faulted.headers['retry-after']).toBe('2');
		expect(faulted.json).toEqual({ message: 'Too many requests' });
		expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(202);
		expect(standIn.campaignRequests()).toHaveLength(2);
		expect(standIn.campaignRequests()[0].fault?.status).toBe(429);
		expect(standIn.campaignsCreated).toBe(1);
	});

	it('still validates and records the body of a faulted request', async () => {
		standIn.failNext({ status: 500 });
		const res = await createCampaign(standIn, { prompt: 'ab' });
		expect(res.status).toBe(500);
		expect(res.json).toEqual({ message: 'Internal Server Error' });
		expect(standIn.campaignRequests()[0]).toMatchObject({ body: { prompt: 'ab' }, status: 500 });
		expect(standIn.campaignRequests()[0].validationErrors?.length).toBeGreaterThan(0);
	});

	it('applies N times, then stops', async () => {
		standIn.failNext({ status: 503, times: 2 });
		const statuses: number[] = [];
		for (let i = 0; i < 3; i += 1) statuses.push((await createCampaign(standIn, { prompt: 'Hello world' })).status);
		expect(statuses).toEqual([503, 503, 202]);
		expect(standIn.pendingFaults).toBe(0);
	});

	it("applies 'forever' until reset", async () => {
		standIn.failNext({ status: 500, times: 'forever' });
		for (let i = 0; i < 3; i += 1) expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(500);
		expect(standIn.pendingFaults).toBe(1);
		standIn.reset();
		expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(202);
	});

	it('runs queued faults in order', async () => {
		standIn.failNext({ status: 502 });
		standIn.failNext({ status: 504 });
		const a = await createCampaign(standIn, { prompt: 'Hello world' });
		const b = await createCampaign(standIn, { prompt: 'Hello world' });
		const c = await createCampaign(standIn, { prompt: 'Hello world' });
		expect([a.status, b.status, c.status]).toEqual([502, 504, 202]);
	});

	it('matches by method and path; the default is the campaign POST only', async () => {
		standIn.failNext({ status: 500 });
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 200, body: { weird: true } });
		expect((await call(standIn, '/me')).status).toBe(200);
		expect((await call(standIn, '/workspaces')).json).toEqual({ weird: true });
		expect((await call(standIn, '/workspaces')).json).toEqual(expect.any(Array));
		expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(500);
	});

	it('matches every request with an empty match, ahead of the key check', async () => {
		standIn.failNext({ match: {}, status: 418, times: 2 });
		expect((await call(standIn, '/me', { key: null })).status).toBe(418);
		expect((await call(standIn, '/brand-kits')).status).toBe(418);
		expect((await call(standIn, '/me', { key: null })).status).toBe(401);
	});

	it('accepts a full path in match', async () => {
		standIn.failNext({ match: { path: '/api/_public/v1/me' }, status: 500 });
		expect((await call(standIn, '/me')).status).toBe(500);
	});

	it('delays a reply that is otherwise normal', async () => {
		standIn.failNext({ delayMs: 250 });
		const slow = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(slow.status).toBe(202);
		expect(slow.ms).toBeGreaterThanOrEqual(240);
		const fast = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(fast.ms).toBeLessThan(240);
	});

	it('delays a scripted reply', async () => {
		standIn.failNext({ delayMs: 200, status: 504, body: 'Gateway Timeout' });
		const res = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(res.status).toBe(504);
		expect(res.text).toBe('Gateway Timeout');
		expect(res.headers['content-type']).toMatch(/^text\/plain/);
		expect(res.ms).toBeGreaterThanOrEqual(190);
	});

	it("resets the connection 'before-body', recording the request without a body", async () => {
		standIn.failNext({ reset: 'before-body' });
		await expect(createCampaign(standIn, { prompt: 'Hello world' })).rejects.toThrow();
		const [recorded] = standIn.campaignRequests();
		expect(recorded.body).toBeUndefined();
		expect(recorded.validationErrors).toBeUndefined();
		expect(recorded.status).toBeNull();
		expect(recorded.fault?.reset).toBe('before-body');
		expect(standIn.campaignsCreated).toBe(0);
	});

	it("resets the connection 'after-body', recording the full body", async () => {
		standIn.failNext({ reset: 'after-body' });
		await expect(createCampaign(standIn, { prompt: 'Hello world' })).rejects.toThrow();
		const [recorded] = standIn.campaignRequests();
		expect(recorded.body).toEqual({ prompt: 'Hello world' });
		expect(recorded.validationErrors).toEqual([]);
		expect(recorded.status).toBeNull();
		expect(standIn.campaignsCreated).toBe(0);
		expect((await createCampaign(standIn, { prompt: 'Hello world' })).status).toBe(202);
	});

	it('sends a 202 whose body is not JSON', async () => {
		standIn.failNext({ status: 202, rawBody: 'not json' });
		const res = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(res.status).toBe(202);
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		expect(res.text).toBe('not json');
		expect(res.json).toBeUndefined();
		expect(standIn.campaignsCreated).toBe(0);
	});

	it('sends an empty 202', async () => {
		standIn.failNext({ status: 202, rawBody: '' });
		const res = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(res.status).toBe(202);
		expect(res.text).toBe('');
	});

	it('sends an HTML 502 from a "proxy"', async () => {
		const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
		standIn.failNext({ status: 502, body: html, contentType: 'text/html' });
		const res = await createCampaign(standIn, { prompt: 'Hello world' });
		expect(res.status).toBe(502);
		expect(res.headers['content-type']).toBe('text/html');
		expect(res.text).toBe(html);
	});

	it.each<[string, Fault]>([
		['times 0', { status: 500, times: 0 }],
		['fractional times', { status: 500, times: 1.5 }],
		['no effect', { match: {} }],
	])('refuses a fault with %s', (_name, fault) => {
		expect(() => standIn.failNext(fault)).toThrow();
		expect(standIn.pendingFaults).toBe(0);
	});
});

describe('latency and shutdown', () => {
	it('delays every reply by latencyMs', async () => {
		await withStandIn({ latencyMs: 150 }, async (slow) => {
			expect((await call(slow, '/me')).ms).toBeGreaterThanOrEqual(140);
			expect((await createCampaign(slow, { prompt: 'Hello world' })).ms).toBeGreaterThanOrEqual(140);
		});
	});

	it('close() returns promptly with open keep-alive and idle sockets, and is idempotent', async () => {
		const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 60_000 });
		const closing = await startStandIn();
		const idle = net.connect(closing.port, '127.0.0.1');
		try {
			await new Promise<void>((resolve, reject) => {
				idle.once('connect', resolve);
				idle.once('error', reject);
			});
			const res = await call(closing, '/me', { dispatcher: agent });
			expect(res.headers.connection).toBe('keep-alive');
			const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));

			const started = Date.now();
			await closing.close();
			expect(Date.now() - started).toBeLessThan(1_000);
			await idleClosed;
			await closing.close();
			await expect(call(closing, '/me', { dispatcher: agent })).rejects.toThrow();
		} finally {
			idle.destroy();
			await agent.close();
		}
	});

	it('close() does not wait for a delayed reply in flight', async () => {
		const closing = await startStandIn();
		closing.failNext({ delayMs: 30_000 });
		const pending = createCampaign(closing, { prompt: 'Hello world' });
		const outcome = pending.then(
			() => 'replied',
			() => 'failed',
		);
		while (closing.requests.length === 0 || closing.requests[0].body === undefined) {
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		const started = Date.now();
		await closing.close();
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(await outcome).toBe('failed');
	});
});

// ─── The public API: every operation, its contract checks, state, and the readings it leaves open ───

const publicContract = getPublicContract();

function message(res: CallResult): string {
	return (res.json as { message?: string } | undefined)?.message ?? '';
}

function groups(res: CallResult): PostGroup[] {
	if (!Array.isArray(res.json)) throw new Error(`not a bare array: ${res.text.slice(0, 200)}`);
	return res.json as PostGroup[];
}

function listPosts(target: StandIn, query: Record<string, string | string[]> = {}, extra: CallOptions = {}): Promise<CallResult> {
	return call(target, '/post', { query: { workspaceId: WS, ...query }, ...extra });
}

/** Walks GET /post as the contract advises: pages from 0, stopping at a page shorter than asked for. */
async function walkPosts(target: StandIn, perPage: number, query: Record<string, string | string[]> = {}): Promise<{ ids: string[]; pages: number }> {
	const ids: string[] = [];
	for (let page = 0; ; page += 1) {
		const res = await listPosts(target, { ...query, page: String(page), perPage: String(perPage) });
		expect(res.status).toBe(200);
		const batch = groups(res);
		ids.push(...batch.map((group) => group.id));
		if (batch.length < perPage) return { ids, pages: page + 1 };
	}
}

function createPost(target: StandIn, body: unknown, extra: CallOptions = {}): Promise<CallResult> {
	return call(target, '/post', { query: { workspaceId: WS }, body, ...extra });
}

function createAiPost(target: StandIn, body: unknown, extra: CallOptions = {}): Promise<CallResult> {
	return call(target, '/post/ai', { query: { workspaceId: WS }, body, ...extra });
}

const LATER = '2031-06-01T10:30:00Z';
const CODE_POINT = '😀'; // two UTF-16 units, one code point

describe('every operation of the public spec', () => {
	it('serves all 13 with replies that match the spec, and records each one’s operationId with no validation errors', async () => {
		const replies: Array<[string, CallResult]> = [];
		const post = async (operationId: string, result: Promise<CallResult>): Promise<CallResult> => {
			const res = await result;
			replies.push([operationId, res]);
			return res;
		};
		await post('getMe', call(standIn, '/me'));
		await post('listWorkspaces', call(standIn, '/workspaces'));
		await post('listSocialProfiles', call(standIn, '/social-profiles', { query: { workspaceId: WS } }));
		await post('getSocialConnectionUrl', call(standIn, '/social-profiles/connection-url', { query: { workspaceId: WS, provider: 'tiktok' } }));
		await post('listBrandKits', call(standIn, '/brand-kits', { query: { workspaceId: WS } }));
		await post('listHashtagLibraries', call(standIn, '/hashtag-libraries', { query: { workspaceId: WS } }));
		await post('listStudioTemplates', call(standIn, '/studio-templates', { query: { workspaceId: WS } }));
		await post('listPosts', listPosts(standIn, { statuses: ['DRAFT', 'POSTED'], page: '1', perPage: '7' }));
		const created = await post('createPost', createPost(standIn, { caption: 'Hello', socialProfileIds: ['sp_standin_1'], scheduledAt: LATER }));
		const id = (created.json as { postGroupId: string }).postGroupId;
		await post('updatePost', call(standIn, `/post/${id}`, { method: 'PATCH', body: { scheduledAt: '2032-01-01T00:00:00Z' } }));
		await post('deletePost', call(standIn, `/post/${id}`, { method: 'DELETE' }));
		await post('createAiPost', createAiPost(standIn, { prompt: 'Write a launch post for our dashboard.' }));
		await post('createCampaign', createCampaign(standIn, contract.exampleBody()));

		const ok = replies.map(([operationId, res]) => ({
			operationId,
			status: res.status,
			spec: publicContract.operation(operationId).validateResponse(res.status, res.json),
		}));
		expect(ok).toEqual([
			{ operationId: 'getMe', status: 200, spec: [] },
			{ operationId: 'listWorkspaces', status: 200, spec: [] },
			{ operationId: 'listSocialProfiles', status: 200, spec: [] },
			{ operationId: 'getSocialConnectionUrl', status: 200, spec: [] },
			{ operationId: 'listBrandKits', status: 200, spec: [] },
			{ operationId: 'listHashtagLibraries', status: 200, spec: [] },
			{ operationId: 'listStudioTemplates', status: 200, spec: [] },
			{ operationId: 'listPosts', status: 200, spec: [] },
			{ operationId: 'createPost', status: 201, spec: [] },
			{ operationId: 'updatePost', status: 200, spec: [] },
			{ operationId: 'deletePost', status: 200, spec: [] },
			{ operationId: 'createAiPost', status: 201, spec: [] },
			{ operationId: 'createCampaign', status: 202, spec: [] },
		]);
		expect(new Set(standIn.requests.map((r) => r.operationId)).size).toBe(13);
		expect(standIn.requests.map((r) => r.validationErrors)).toEqual(Array(13).fill([]));
		expect(standIn.requestsFor('listPosts')[0].query).toEqual({ workspaceId: WS, statuses: ['DRAFT', 'POSTED'], page: '1', perPage: '7' });
		expect(() => standIn.requestsFor('listPost')).toThrow(/No operation listPost/);
	});

	it('the response check can fail: a PostGroup without its fields’ types, an undeclared status', () => {
		const listPostsContract = publicContract.operation('listPosts');
		expect(listPostsContract.validateResponse(200, [{ id: 1, status: 'DONE', scheduledAt: 5 }]).length).toBeGreaterThanOrEqual(3);
		expect(listPostsContract.validateResponse(204, undefined)).toEqual(['reply status 204 is not declared for listPosts']);
	});

	it('answers 405 for a method the path does not have and 404 for an unknown path, both after the key check', async () => {
		expect((await call(standIn, '/post/ai', { query: { workspaceId: WS } })).status).toBe(405);
		expect((await call(standIn, '/workspaces', { method: 'DELETE' })).status).toBe(405);
		expect((await call(standIn, '/posts', { query: { workspaceId: WS } })).status).toBe(404);
		expect((await call(standIn, '/post/ai', { key: null })).status).toBe(401);
		expect(standIn.requests.map((r) => r.operationId)).toEqual([undefined, undefined, undefined, undefined]);
	});

	it('refuses unknown query parameters, a repeated single parameter and a body on a GET (a client bug in each case)', async () => {
		const unknown = await call(standIn, '/workspaces', { query: { workspaceId: WS } });
		expect([unknown.status, message(unknown)]).toEqual([422, "query must NOT have unknown property 'workspaceId'"]);
		const twice = await call(standIn, '/brand-kits', { query: { workspaceId: [WS, WS] } });
		expect([twice.status, message(twice)]).toEqual([422, 'query.workspaceId must not be repeated']);
		const withBody = await call(standIn, '/me', { method: 'GET', rawBody: '{}', contentType: 'application/json' });
		expect([withBody.status, message(withBody)]).toEqual([400, 'GET /me takes no body']);
	});
});

describe('GET /social-profiles/connection-url', () => {
	it.each([
		['facebook', 'facebook'],
		['instagram', 'facebook'],
		['twitter', 'twitter'],
		['linkedin', 'linkedin'],
		['pinterest', 'pinterest'],
		['tiktok', 'tiktok'],
	])('%s: authProvider %s, a browser link naming the provider and workspace', async (provider, authProvider) => {
		const res = await call(standIn, '/social-profiles/connection-url', { query: { workspaceId: WS, provider } });
		expect(res.status).toBe(200);
		const body = res.json as Record<string, string>;
		expect(body).toMatchObject({ provider, authProvider, instructions: expect.any(String) });
		const authUrl = new URL(body.authUrl);
		expect([authUrl.origin + authUrl.pathname, authUrl.searchParams.get('provider'), authUrl.searchParams.get('workspaceId')]).toEqual([
			'https://app.ocoya.com/api/mcp/social-connect/start',
			provider,
			WS,
		]);
		expect(body.callbackUrl).toBe(`https://app.ocoya.com/smm/integrations/select?provider=${provider}`);
	});

	it.each([
		['no provider', { workspaceId: WS }, /provider/],
		['x (the POST variant’s name for twitter)', { workspaceId: WS, provider: 'x' }, /provider must be one of: facebook, instagram, twitter, linkedin, pinterest, tiktok/],
		['upper case', { workspaceId: WS, provider: 'FACEBOOK' }, /provider/],
		['no workspace', { provider: 'facebook' }, /workspaceId/],
	])('refuses %s with 422', async (_name, query, mentions) => {
		const res = await call(standIn, '/social-profiles/connection-url', { query });
		expect(res.status).toBe(422);
		expect(message(res)).toMatch(mentions);
	});
});

describe('GET /post', () => {
	it('serves the seeded workspace: 120 groups, 20 per status, newest first, 20 per page by default', async () => {
		const res = await listPosts(standIn);
		expect(groups(res).map((group) => group.id)).toEqual(
			Array.from({ length: 20 }, (_, i) => `pg_standin_${String(120 - i).padStart(4, '0')}`),
		);
		const walk = await walkPosts(standIn, 50);
		expect([walk.ids.length, new Set(walk.ids).size, walk.pages]).toEqual([120, 120, 3]);
		for (const status of POST_STATUSES) {
			expect({ status, count: (await walkPosts(standIn, 50, { statuses: status })).ids.length }).toEqual({ status, count: 20 });
		}
		expect(standIn.posts('ws_standin_2').map((group) => group.id)).toEqual([
			'pg_standin_0126',
			'pg_standin_0125',
			'pg_standin_0124',
			'pg_standin_0123',
			'pg_standin_0122',
			'pg_standin_0121',
		]);
	});

	it('returns the contract’s PostGroup shape: REGULAR, a GENERAL entry plus network entries, profiles, UTC times with milliseconds or null', async () => {
		const all = groups(await listPosts(standIn, { perPage: '50' }));
		for (const group of all) {
			expect(group).toEqual({
				id: expect.stringMatching(/^pg_standin_\d{4}$/),
				postType: 'REGULAR',
				status: expect.any(String),
				scheduledAt: group.status === 'DRAFT' ? null : expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/),
				posts: [
					{ provider: 'GENERAL', caption: expect.any(String), creatives: [] },
					{ provider: expect.stringMatching(/^(LINKEDIN|INSTAGRAM)$/), caption: group.posts[0].caption, creatives: [] },
				],
				socialProfiles: [{ socialProfile: { id: expect.any(String), provider: group.posts[1].provider.toLowerCase(), name: expect.any(String), image: expect.any(String) } }],
			});
		}
		// Published and failed posts lie in the past, scheduled and pending ones in the future.
		for (const group of all.filter((one) => one.scheduledAt !== null)) {
			const past = group.status === 'POSTED' || group.status === 'ERROR';
			expect({ id: group.id, past: Date.parse(group.scheduledAt ?? '') < Date.now() }).toEqual({ id: group.id, past });
		}
	});

	it('reads statuses as a repeated key; pages from 0; clamps perPage to 50; an empty page past the end', async () => {
		const both = await walkPosts(standIn, 50, { statuses: ['DRAFT', 'ERROR'] });
		expect(both.ids).toHaveLength(40);
		for (const id of both.ids) expect(['DRAFT', 'ERROR']).toContain(standIn.post(id)?.status);
		expect(groups(await listPosts(standIn, { perPage: '500' }))).toHaveLength(50);
		expect(groups(await listPosts(standIn, { perPage: '50', page: '2' }))).toHaveLength(20);
		expect(groups(await listPosts(standIn, { perPage: '50', page: '3' }))).toEqual([]);
		expect(groups(await listPosts(standIn, { perPage: '1', page: '119' })).map((group) => group.id)).toEqual(['pg_standin_0001']);
	});

	it.each([
		['a status outside the enum', { statuses: 'PUBLISHED' }, /query\/statuses\/0 must be one of: DRAFT, PENDING_CLIENT_APPROVAL/],
		['comma-separated statuses (under the repeated-key reading)', { statuses: 'DRAFT,POSTED' }, /statuses\/0 must be one of/],
		['perPage 0', { perPage: '0' }, /perPage must be >= 1/],
		['perPage not a number', { perPage: 'ten' }, /perPage must be integer/],
		['page -1', { page: '-1' }, /page must be >= 0/],
		['page 1.5', { page: '1.5' }, /page must be integer/],
		['an unknown parameter', { status: 'DRAFT' }, /unknown property 'status'/],
	])('refuses %s with 422 and records why', async (_name, query, mentions) => {
		const res = await listPosts(standIn, query);
		expect(res.status).toBe(422);
		expect(message(res)).toMatch(mentions);
		expect(standIn.requestsFor('listPosts')[0].validationErrors?.join('; ')).toBe(message(res));
	});

	it.each([0, 49, 50, 51, 100, 120, 150])('seeds exactly %i posts: a walk of 50 a page finds each once', async (count) => {
		standIn.seedPosts({ count, statuses: ['DRAFT'] });
		const walk = await walkPosts(standIn, 50, { statuses: 'DRAFT' });
		expect([walk.ids.length, new Set(walk.ids).size, walk.pages]).toEqual([count, count, Math.floor(count / 50) + 1]);
		expect(walk.ids[walk.ids.length - 1]).toBe(count === 0 ? undefined : 'pg_standin_0001');
		expect(standIn.posts('ws_standin_2')).toEqual([]);
	});

	it('seeds by status and workspace, and reset() brings the options’ seed back', async () => {
		const seeded = standIn.seedPosts([
			{ count: 3, statuses: ['ERROR'] },
			{ count: 2, statuses: ['POSTED', 'SCHEDULED'], workspaceId: 'ws_standin_2' },
		]);
		expect(seeded.map((group) => [group.id, group.status])).toEqual([
			['pg_standin_0001', 'ERROR'],
			['pg_standin_0002', 'ERROR'],
			['pg_standin_0003', 'ERROR'],
			['pg_standin_0004', 'POSTED'],
			['pg_standin_0005', 'SCHEDULED'],
		]);
		expect(groups(await listPosts(standIn, { workspaceId: 'ws_standin_2' })).map((group) => group.status)).toEqual(['SCHEDULED', 'POSTED']);
		standIn.reset();
		expect(standIn.posts()).toHaveLength(120);
		await withStandIn({ posts: { count: 7, statuses: ['PENDING_CLIENT_APPROVAL'] } }, async (seeded7) => {
			expect(seeded7.posts().map((group) => group.status)).toEqual(Array(7).fill('PENDING_CLIENT_APPROVAL'));
			seeded7.addPosts(2);
			seeded7.reset();
			expect(seeded7.posts()).toHaveLength(7);
		});
	});

	it('is deterministic: two stand-ins seed the same groups', async () => {
		await withStandIn({}, async (other) => {
			expect(other.posts()).toEqual(standIn.posts());
			expect(other.posts('ws_standin_2')).toEqual(standIn.posts('ws_standin_2'));
		});
	});
});

describe('POST /post', () => {
	it('creates a scheduled group from caption, media and profiles; it is the newest in GET /post', async () => {
		const res = await createPost(standIn, {
			caption: 'Launch day!',
			mediaUrls: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.mp4'],
			socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
			scheduledAt: LATER,
		});
		expect([res.status, res.json]).toEqual([201, { postGroupId: 'pg_standin_0127' }]);
		const [newest] = groups(await listPosts(standIn, { perPage: '1' }));
		const creatives = [
			{ type: 'IMAGE', url: 'https://cdn.example.com/a.png' },
			{ type: 'VIDEO', url: 'https://cdn.example.com/b.mp4' },
		];
		expect(newest).toEqual({
			id: 'pg_standin_0127',
			postType: 'REGULAR',
			status: 'SCHEDULED',
			scheduledAt: '2031-06-01T10:30:00.000Z',
			posts: [
				{ provider: 'GENERAL', caption: 'Launch day!', creatives },
				{ provider: 'LINKEDIN', caption: 'Launch day!', creatives },
				{ provider: 'INSTAGRAM', caption: 'Launch day!', creatives },
			],
			socialProfiles: [
				{ socialProfile: { id: 'sp_standin_1', provider: 'linkedin', name: 'Acme on LinkedIn', image: expect.any(String) } },
				{ socialProfile: { id: 'sp_standin_2', provider: 'instagram', name: '@acme', image: expect.any(String) } },
			],
		});
		expect(standIn.postChanges.slice(-1)).toEqual([{ id: 'pg_standin_0127', workspaceId: WS, from: null, to: 'SCHEDULED', at: expect.any(Number) }]);
	});

	it.each([
		['caption only, no time: a draft', { caption: 'Just words' }, 'DRAFT', null],
		['media only, with profiles', { mediaUrls: ['http://cdn.example.com/a.gif'], socialProfileIds: ['sp_standin_2'] }, 'DRAFT', null],
		['caption at exactly 10,000 code points (20,000 UTF-16 units)', { caption: CODE_POINT.repeat(10_000) }, 'DRAFT', null],
		['caption, profiles and a time', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2030-12-31T23:59:59Z' }, 'SCHEDULED', '2030-12-31T23:59:59.000Z'],
		['a time in the past (Ocoya says nothing; accepted)', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2020-01-01T00:00:00Z' }, 'SCHEDULED', '2020-01-01T00:00:00.000Z'],
	])('accepts %s', async (_name, body, status, scheduledAt) => {
		const res = await createPost(standIn, body);
		expect(res.status).toBe(201);
		const id = (res.json as { postGroupId: string }).postGroupId;
		expect(standIn.post(id)).toMatchObject({ status, scheduledAt });
		expect(standIn.requestsFor('createPost')[0].validationErrors).toEqual([]);
	});

	const invalid: Array<[string, unknown, RegExp]> = [
		['neither caption nor media', { socialProfileIds: ['sp_standin_1'] }, /^body must be one of \(Caption and media: caption and mediaUrls; Caption only: caption; Media only: mediaUrls\)/],
		['an empty object', {}, /^body must be one of \(Caption and media/],
		['both, with a bad media URL (one line: the alternative the shape picks)', { caption: 'x', mediaUrls: ['nope'] }, /^body\/mediaUrls\/0 must match format "uri"$/],
		['a caption of 10,001 code points', { caption: CODE_POINT.repeat(10_001) }, /^body\/caption must NOT have more than 10000 characters$/],
		['a caption that is not text', { caption: 42 }, /caption must be string/],
		['media that is not a URL', { mediaUrls: ['cdn.example.com/a.png'] }, /mediaUrls\/0 must match format "uri"/],
		['a media URL that is not http(s)', { caption: 'x', mediaUrls: ['ftp://cdn.example.com/a.png'] }, /format "uri"/],
		['mediaUrls as a string', { mediaUrls: 'https://cdn.example.com/a.png' }, /mediaUrls must be array/],
		['socialProfileIds as a string', { caption: 'x', socialProfileIds: 'sp_standin_1' }, /socialProfileIds must be array/],
		['scheduledAt with milliseconds', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-01-01T00:00:00.000Z' }, /scheduledAt must match pattern/],
		['scheduledAt with an offset', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-01-01T05:30:00+05:30' }, /scheduledAt must match pattern/],
		['scheduledAt without Z', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-01-01T00:00:00' }, /scheduledAt must match pattern/],
		['scheduledAt with a space', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-01-01 00:00:00Z' }, /scheduledAt must match pattern/],
		['scheduledAt as a date only', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-01-01' }, /scheduledAt must match pattern/],
		['scheduledAt on 30 February', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-02-30T00:00:00Z' }, /scheduledAt must match format "date-time"/],
		['scheduledAt at hour 24', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: '2031-02-01T24:00:00Z' }, /format "date-time"/],
		['scheduledAt as epoch ms', { caption: 'x', socialProfileIds: ['sp_standin_1'], scheduledAt: 1_900_000_000_000 }, /scheduledAt must be string/],
		['an unknown property', { caption: 'x', workspaceId: WS }, /^body must NOT have unknown property 'workspaceId'; body must be one of/],
		['a JSON array', [{ caption: 'x' }], /^body must be object$/],
	];

	it.each(invalid)('refuses %s with 422, creating nothing', async (_name, body, mentions) => {
		const res = await createPost(standIn, body);
		expect(res.status).toBe(422);
		expect(message(res)).toMatch(mentions);
		expect(standIn.requestsFor('createPost')[0].validationErrors?.length).toBeGreaterThan(0);
		expect(standIn.posts()).toHaveLength(120);
	});

	it.each([
		['a time without profiles (the draft rules disagree)', { caption: 'x', scheduledAt: LATER }, /scheduledAt needs at least one social profile/],
		['a time with an empty profile list', { caption: 'x', socialProfileIds: [], scheduledAt: LATER }, /scheduledAt needs at least one social profile/],
		['a profile of another workspace', { caption: 'x', socialProfileIds: ['sp_standin_5'] }, /Social profile sp_standin_5 is not connected to workspace ws_standin_1/],
	])('refuses %s with 422 (the stand-in’s reading), creating nothing', async (_name, body, mentions) => {
		const res = await createPost(standIn, body);
		expect([res.status, message(res)]).toEqual([422, expect.stringMatching(mentions)]);
		expect(standIn.requestsFor('createPost')[0].validationErrors).toEqual([]);
		expect(standIn.posts()).toHaveLength(120);
	});

	it.each([
		['malformed JSON', { rawBody: '{"caption": "x', contentType: 'application/json' }, /not valid JSON/],
		['an empty body', { rawBody: '', contentType: 'application/json' }, /body is required/],
		['a form-encoded body', { rawBody: 'caption=x', contentType: 'application/x-www-form-urlencoded' }, /Content-Type must be application\/json/],
	])('refuses %s with 400', async (_name, options, mentions) => {
		const res = await call(standIn, '/post', { method: 'POST', query: { workspaceId: WS }, ...options });
		expect([res.status, message(res)]).toEqual([400, expect.stringMatching(mentions)]);
		expect(standIn.posts()).toHaveLength(120);
	});

	it('needs its workspaceId, and the profiles of that workspace', async () => {
		expect((await call(standIn, '/post', { body: { caption: 'x' } })).status).toBe(422);
		const res = await createPost(standIn, { caption: 'x', socialProfileIds: ['sp_standin_5'] }, { query: { workspaceId: 'ws_standin_2' } });
		expect(res.status).toBe(201);
		expect(standIn.posts('ws_standin_2')[0].posts.map((entry) => entry.provider)).toEqual(['GENERAL', 'TWITTER']);
	});
});

describe('PATCH /post/{postId}', () => {
	it('reschedules: 200 {}, the new time with milliseconds and status SCHEDULED, seen by GET /post', async () => {
		const draft = standIn.posts().find((group) => group.status === 'DRAFT');
		if (!draft) throw new Error('no seeded draft');
		const res = await call(standIn, `/post/${draft.id}`, { method: 'PATCH', body: { scheduledAt: LATER } });
		expect([res.status, res.json]).toEqual([200, {}]);
		const listed = groups(await listPosts(standIn, { perPage: '50' })).find((group) => group.id === draft.id);
		expect(listed).toMatchObject({ status: 'SCHEDULED', scheduledAt: '2031-06-01T10:30:00.000Z' });
		expect(standIn.postChanges.slice(-1)).toEqual([{ id: draft.id, workspaceId: WS, from: 'DRAFT', to: 'SCHEDULED', at: expect.any(Number) }]);
	});

	it('404s an unknown id; 422s a missing or malformed time, an unknown field or a workspaceId query', async () => {
		const unknown = await call(standIn, '/post/pg_nope', { method: 'PATCH', body: { scheduledAt: LATER } });
		expect([unknown.status, message(unknown)]).toEqual([404, 'Post pg_nope not found.']);
		const id = 'pg_standin_0001';
		const cases: Array<[CallOptions, RegExp]> = [
			[{ body: {} }, /scheduledAt is required/],
			[{ body: { scheduledAt: '2031-06-01T10:30:00.000Z' } }, /must match pattern/],
			[{ body: { scheduledAt: null } }, /must be string/],
			[{ body: { scheduledAt: LATER, caption: 'new' } }, /unknown property 'caption'/],
			[{ body: { scheduledAt: LATER }, query: { workspaceId: WS } }, /unknown property 'workspaceId'/],
		];
		for (const [options, mentions] of cases) {
			const res = await call(standIn, `/post/${id}`, { method: 'PATCH', ...options });
			expect({ body: options.body, status: res.status, message: message(res) }).toEqual({ body: options.body, status: 422, message: expect.stringMatching(mentions) });
		}
		expect(standIn.post(id)).toMatchObject({ status: 'DRAFT', scheduledAt: null });
	});

	it('/post/ai is a post id for PATCH and DELETE (not found), and GET on it is 405', async () => {
		expect((await call(standIn, '/post/ai', { method: 'PATCH', body: { scheduledAt: LATER } })).status).toBe(404);
		expect((await call(standIn, '/post/ai', { method: 'DELETE' })).status).toBe(404);
		expect((await call(standIn, '/post/ai', { method: 'GET', query: { workspaceId: WS } })).status).toBe(405);
	});
});

describe('DELETE /post/{postId}', () => {
	it('deletes: 200 {}, gone from GET /post; a second delete is a 404', async () => {
		const first = await call(standIn, '/post/pg_standin_0120', { method: 'DELETE' });
		expect([first.status, first.json]).toEqual([200, {}]);
		expect(groups(await listPosts(standIn, { perPage: '1' }))[0].id).toBe('pg_standin_0119');
		expect(standIn.post('pg_standin_0120')).toBeUndefined();
		const second = await call(standIn, '/post/pg_standin_0120', { method: 'DELETE' });
		expect([second.status, message(second)]).toEqual([404, 'Post pg_standin_0120 not found.']);
		expect(standIn.postChanges.slice(-1)).toEqual([{ id: 'pg_standin_0120', workspaceId: WS, from: 'ERROR', to: null, at: expect.any(Number) }]);
	});

	it("reading deleteReply 'no-content': 204 with no body", async () => {
		standIn.setReadings({ deleteReply: 'no-content' });
		const res = await call(standIn, '/post/pg_standin_0001', { method: 'DELETE' });
		expect([res.status, res.text, res.headers['content-type']]).toEqual([204, '', undefined]);
		expect(standIn.post('pg_standin_0001')).toBeUndefined();
	});

	it("a fault with reset 'after-handling' deletes and loses the reply; 'after-body' loses it without deleting", async () => {
		standIn.failNext({ match: { method: 'DELETE', path: '/post/pg_standin_0002' }, reset: 'after-body' });
		await expect(call(standIn, '/post/pg_standin_0002', { method: 'DELETE' })).rejects.toThrow();
		expect(standIn.post('pg_standin_0002')).toBeDefined();
		standIn.failNext({ match: { method: 'DELETE', path: '/post/pg_standin_0002' }, reset: 'after-handling' });
		await expect(call(standIn, '/post/pg_standin_0002', { method: 'DELETE' })).rejects.toThrow();
		expect(standIn.post('pg_standin_0002')).toBeUndefined();
		const retry = await call(standIn, '/post/pg_standin_0002', { method: 'DELETE' });
		expect(retry.status).toBe(404);
		expect(standIn.requestsFor('deletePost').map((r) => r.status)).toEqual([null, null, 404]);
		expect(() => standIn.failNext({ reset: 'after-handling', status: 500 })).toThrow(/cannot script a reply/);
	});
});

describe('POST /post/ai', () => {
	it('creates a DRAFT from the prompt: 201 { postGroupId, status, scheduledAt: null }, with an image when asked', async () => {
		const res = await createAiPost(standIn, {
			prompt: '  Write a launch post for our new analytics dashboard.  ',
			brandId: 'bk_standin_1',
			tone: 'bold',
			length: 'short',
			socialProfileIds: ['sp_standin_1'],
			hashtagLibraryId: 'hl_standin_1',
			generateImage: true,
			referenceUrls: ['https://example.com/ref.png'],
			referenceDesignIds: ['st_standin_1'],
		});
		expect([res.status, res.json]).toEqual([201, { postGroupId: 'pg_standin_0127', status: 'DRAFT', scheduledAt: null }]);
		const group = standIn.post('pg_standin_0127');
		expect(group?.posts.map((entry) => [entry.provider, entry.caption, entry.creatives.length])).toEqual([
			['GENERAL', 'AI draft (bold, short): Write a launch post for our new analytics dashboard.', 1],
			['LINKEDIN', 'AI draft (bold, short): Write a launch post for our new analytics dashboard.', 1],
		]);
		expect(groups(await listPosts(standIn, { statuses: 'DRAFT', perPage: '1' }))[0].id).toBe('pg_standin_0127');
		const plain = await createAiPost(standIn, { prompt: '1234567890' });
		expect(standIn.post((plain.json as { postGroupId: string }).postGroupId)?.posts[0]).toEqual({
			provider: 'GENERAL',
			caption: 'AI draft (professional, medium): 1234567890',
			creatives: [],
		});
	});

	it.each([
		['no prompt', { tone: 'bold' }, /required property 'prompt'/],
		['a 9-character prompt', { prompt: '123456789' }, /prompt must NOT have fewer than 10 characters/],
		['a tone outside the enum', { prompt: '1234567890', tone: 'snarky' }, /tone must be one of: professional, friendly, educational, bold, founder_led/],
		['a length outside the enum', { prompt: '1234567890', length: 'huge' }, /length must be one of: short, medium, long, extra_long/],
		['postLength (the campaign’s name)', { prompt: '1234567890', postLength: 'short' }, /unknown property 'postLength'/],
		['generateImage as text', { prompt: '1234567890', generateImage: 'true' }, /generateImage must be boolean/],
		['a reference URL that is not http(s)', { prompt: '1234567890', referenceUrls: ['file:///etc/passwd'] }, /referenceUrls\/0 must match format "uri"/],
		['referenceDesignIds with a number', { prompt: '1234567890', referenceDesignIds: [1] }, /referenceDesignIds\/0 must be string/],
		['a scheduledAt (AI posts are drafts)', { prompt: '1234567890', scheduledAt: LATER }, /unknown property 'scheduledAt'/],
	])('refuses %s with 422, creating nothing', async (_name, body, mentions) => {
		const res = await createAiPost(standIn, body);
		expect([res.status, message(res)]).toEqual([422, expect.stringMatching(mentions)]);
		expect(standIn.posts()).toHaveLength(120);
	});

	it('accepts four references (no maximum here, unlike campaigns)', async () => {
		const res = await createAiPost(standIn, { prompt: '1234567890', referenceDesignIds: ['a', 'b', 'c', 'd'] });
		expect(res.status).toBe(201);
	});
});

describe('readings the contract leaves open', () => {
	it("createReply 'empty': POST /post and /post/ai answer 201 with no body and no Content-Type, and still create", async () => {
		standIn.setReadings({ createReply: 'empty' });
		const post = await createPost(standIn, { caption: 'x' });
		const ai = await createAiPost(standIn, { prompt: '1234567890' });
		for (const res of [post, ai]) expect([res.status, res.text, res.headers['content-type']]).toEqual([201, '', undefined]);
		expect(standIn.posts().slice(0, 2).map((group) => group.id)).toEqual(['pg_standin_0128', 'pg_standin_0127']);
		expect(standIn.readings.createReply).toBe('empty');
		standIn.reset();
		expect(standIn.readings.createReply).toBe('json');
	});

	it.each(['data', 'items'] as const)("listShape '%s' wraps GET /post too", async (shape) => {
		const bare = (await listPosts(standIn)).json;
		standIn.setReadings({ listShape: shape });
		expect((await listPosts(standIn)).json).toEqual({ [shape]: bare });
	});

	it("a listShape function is told the list is 'post'", async () => {
		standIn.setListShape((items, list) => ({ list, total: items.length }));
		expect((await listPosts(standIn, { perPage: '5' })).json).toEqual({ list: 'post', total: 5 });
	});

	it("statusesFormat 'comma': comma-separated text works; a repeated key is read from its first value only", async () => {
		standIn.setReadings({ statusesFormat: 'comma' });
		const comma = await walkPosts(standIn, 50, { statuses: 'DRAFT,POSTED' });
		expect(comma.ids).toHaveLength(40);
		const repeated = await walkPosts(standIn, 50, { statuses: ['DRAFT', 'POSTED'] });
		expect(repeated.ids).toHaveLength(20);
		for (const id of repeated.ids) expect(standIn.post(id)?.status).toBe('DRAFT');
		const bad = await listPosts(standIn, { statuses: 'DRAFT,LIVE' });
		expect([bad.status, message(bad)]).toEqual([422, expect.stringMatching(/statuses\/1 must be one of/)]);
	});

	it('maxPerPage under 50: a client asking 50 gets 20, a short page, and a client that stops there sees 20 of 120', async () => {
		standIn.setReadings({ maxPerPage: 20 });
		expect(groups(await listPosts(standIn, { perPage: '50' }))).toHaveLength(20);
		const stopsShort = await walkPosts(standIn, 50);
		expect([stopsShort.ids.length, stopsShort.pages]).toEqual([20, 1]);
		const asksWhatItGets = await walkPosts(standIn, 20);
		expect([asksWhatItGets.ids.length, asksWhatItGets.pages]).toEqual([120, 7]);
		expect(() => standIn.setReadings({ maxPerPage: 0 })).toThrow(/maxPerPage must be a positive integer/);
	});

	it('defaultPerPage applies when perPage is omitted', async () => {
		standIn.setReadings({ defaultPerPage: 7 });
		expect(groups(await listPosts(standIn))).toHaveLength(7);
	});

	it("postOrder 'oldest-first' lists by creation, oldest first", async () => {
		standIn.setReadings({ postOrder: 'oldest-first' });
		expect(groups(await listPosts(standIn, { perPage: '3' })).map((group) => group.id)).toEqual([
			'pg_standin_0001',
			'pg_standin_0002',
			'pg_standin_0003',
		]);
		standIn.addPosts(1);
		const walk = await walkPosts(standIn, 50);
		expect(walk.ids[walk.ids.length - 1]).toBe('pg_standin_0127');
	});

	it("postOrder 'shuffle': a new permutation on every call, the same sequence for the same seed", async () => {
		const orders = async (target: StandIn): Promise<string[][]> => {
			const result: string[][] = [];
			for (let i = 0; i < 3; i += 1) result.push(groups(await listPosts(target, { perPage: '50' })).map((group) => group.id));
			return result;
		};
		standIn.setReadings({ postOrder: 'shuffle', shuffleSeed: 7 });
		const first = await orders(standIn);
		expect(new Set(first.map((ids) => ids.join())).size).toBe(3);
		await withStandIn({ postOrder: 'shuffle', shuffleSeed: 7 }, async (same) => {
			expect(await orders(same)).toEqual(first);
		});
		await withStandIn({ postOrder: 'shuffle', shuffleSeed: 8 }, async (other) => {
			expect((await orders(other))[0]).not.toEqual(first[0]);
		});
		// Each call is a full permutation: all 120 across pages 0..2 of one call would be complete,
		// but a walk's pages come from different calls, so it may repeat some and miss others.
		const walk = await walkPosts(standIn, 50);
		expect(walk.ids).toHaveLength(120);
		expect(new Set(walk.ids).size).toBeLessThan(120);
	});

	it("unknownWorkspace 'not-found' (default): 404 on every workspace-scoped operation, nothing created", async () => {
		const query = { workspaceId: 'ws_nope' };
		const replies = [
			await call(standIn, '/social-profiles', { query }),
			await call(standIn, '/social-profiles/connection-url', { query: { ...query, provider: 'facebook' } }),
			await call(standIn, '/brand-kits', { query }),
			await call(standIn, '/hashtag-libraries', { query }),
			await call(standIn, '/studio-templates', { query }),
			await call(standIn, '/post', { query }),
			await call(standIn, '/post', { query, body: { caption: 'x' } }),
			await call(standIn, '/post/ai', { query, body: { prompt: '1234567890' } }),
			await call(standIn, '/campaigns', { query, body: { prompt: 'Hello world' } }),
		];
		expect(replies.map((res) => [res.status, message(res)])).toEqual(Array(9).fill([404, 'Workspace ws_nope not found.']));
		expect([standIn.posts('ws_nope'), standIn.campaignsCreated]).toEqual([[], 0]);
	});

	it("unknownWorkspace 'empty': served as a workspace with nothing in it", async () => {
		standIn.setReadings({ unknownWorkspace: 'empty' });
		expect((await call(standIn, '/post', { query: { workspaceId: 'ws_nope' } })).json).toEqual([]);
		expect((await call(standIn, '/social-profiles', { query: { workspaceId: 'ws_nope' } })).json).toEqual([]);
		const created = await call(standIn, '/post', { query: { workspaceId: 'ws_nope' }, body: { caption: 'x' } });
		expect(created.status).toBe(201);
		expect(standIn.posts('ws_nope')).toHaveLength(1);
	});
});

describe('several API keys', () => {
	it('accepts each key, keeps a rate-limit window per key, and shares the data', async () => {
		await withStandIn({ apiKeys: ['key-a', 'key-b', 'key-c'], rateLimit: { limit: 2, windowMs: 60_000 } }, async (shared) => {
			expect([shared.apiKey, shared.apiKeys]).toEqual(['key-a', ['key-a', 'key-b', 'key-c']]);
			const a = [await call(shared, '/me', { key: 'key-a' }), await call(shared, '/me', { key: 'key-a' }), await call(shared, '/me', { key: 'key-a' })];
			expect(a.map((res) => res.status)).toEqual([200, 200, 429]);
			const b = await createPost(shared, { caption: 'from b' }, { key: 'key-b' });
			expect([b.status, b.headers['x-ratelimit-remaining']]).toEqual([201, '1']);
			const c = await listPosts(shared, { perPage: '1' }, { key: 'key-c' });
			expect(groups(c)[0].posts[0].caption).toBe('from b');
			expect((await call(shared, '/me', { key: DEFAULT_KEY })).status).toBe(403);
		});
	});

	it('keeps 8 keys independent under load: 8 × 12 requests at a limit of 10 give 8 × 2 429s', async () => {
		const keys = Array.from({ length: 8 }, (_, i) => `key-${i}`);
		await withStandIn({ apiKeys: keys, rateLimit: { limit: 10, windowMs: 60_000 } }, async (shared) => {
			const statuses = await Promise.all(
				keys.map(async (key) => {
					const mine: number[] = [];
					for (let i = 0; i < 12; i += 1) mine.push((await listPosts(shared, { perPage: '1' }, { key })).status);
					return mine.filter((status) => status === 429).length;
				}),
			);
			expect(statuses).toEqual(Array(8).fill(2));
		});
	});
});

describe('post mutation API and the status mover', () => {
	it('addPosts, setPostStatus, removePost and posts() change what GET /post shows', async () => {
		const added = standIn.addPosts(3, { status: 'ERROR', caption: 'Broken', socialProfileIds: ['sp_standin_2'] });
		expect(added.map((group) => [group.id, group.status, group.scheduledAt !== null])).toEqual([
			['pg_standin_0127', 'ERROR', true],
			['pg_standin_0128', 'ERROR', true],
			['pg_standin_0129', 'ERROR', true],
		]);
		expect(standIn.posts('ws_standin_2')[0].id).toBe('pg_standin_0126');
		expect(standIn.posts()[0].id).toBe('pg_standin_0129');
		expect(standIn.setPostStatus('pg_standin_0127', 'SCHEDULED')).toMatchObject({ from: 'ERROR', to: 'SCHEDULED' });
		standIn.setPostStatus('pg_standin_0128', 'ARCHIVED');
		expect(standIn.removePost('pg_standin_0129')).toBe(true);
		expect(standIn.removePost('pg_standin_0129')).toBe(false);
		expect(() => standIn.setPostStatus('pg_nope', 'DRAFT')).toThrow(/No post group pg_nope/);
		const top = groups(await listPosts(standIn, { perPage: '2' }));
		expect(top.map((group) => [group.id, group.status])).toEqual([
			['pg_standin_0128', 'ARCHIVED'],
			['pg_standin_0127', 'SCHEDULED'],
		]);
		// A status outside the contract's enum is still listed (a trigger must pass it through), but cannot be asked for.
		expect((await listPosts(standIn, { statuses: 'ARCHIVED' })).status).toBe(422);
		expect(standIn.postChanges.slice(-6).map((change) => [change.id, change.from, change.to])).toEqual([
			['pg_standin_0127', null, 'ERROR'],
			['pg_standin_0128', null, 'ERROR'],
			['pg_standin_0129', null, 'ERROR'],
			['pg_standin_0127', 'ERROR', 'SCHEDULED'],
			['pg_standin_0128', 'ERROR', 'ARCHIVED'],
			['pg_standin_0129', 'ERROR', null],
		]);
		expect(() => standIn.addPosts(1, { socialProfileIds: ['sp_standin_8'] })).toThrow(/not connected to workspace ws_standin_1/);
	});

	it('advancePosts: a DRAFT appears, the SCHEDULED group due first is POSTED, the next fails', async () => {
		const due = standIn
			.posts()
			.filter((group) => group.status === 'SCHEDULED')
			.sort((a, b) => (a.scheduledAt ?? '').localeCompare(b.scheduledAt ?? ''));
		const changes = standIn.advancePosts();
		expect(changes.map((change) => [change.id, change.from, change.to])).toEqual([
			['pg_standin_0127', null, 'DRAFT'],
			[due[0].id, 'SCHEDULED', 'POSTED'],
			[due[1].id, 'SCHEDULED', 'ERROR'],
		]);
		const drafts = groups(await listPosts(standIn, { statuses: 'DRAFT', perPage: '1' }));
		expect(drafts[0].id).toBe('pg_standin_0127');
		standIn.seedPosts({ count: 0 });
		expect(standIn.advancePosts().map((change) => change.to)).toEqual(['DRAFT']);
	});

	it('the status mover runs advancePosts on a timer until stopped', async () => {
		await withStandIn({ statusMoverIntervalMs: 40 }, async (moving) => {
			await new Promise((resolve) => setTimeout(resolve, 300));
			moving.stopStatusMover();
			const drafted = moving.postChanges.filter((change) => change.from === null && change.to === 'DRAFT').length;
			expect(drafted).toBeGreaterThanOrEqual(3);
			const posted = moving.postChanges.filter((change) => change.to === 'POSTED').length;
			expect(posted).toBe(drafted);
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(moving.postChanges.filter((change) => change.from === null && change.to === 'DRAFT').length).toBe(drafted);
			moving.startStatusMover(30, 'ws_standin_2');
			await new Promise((resolve) => setTimeout(resolve, 150));
			expect(moving.posts('ws_standin_2').length).toBeGreaterThan(6);
		});
		expect(() => standIn.startStatusMover(0)).toThrow(/positive integer/);
	});

	it('admin routes: POST /_stand-in/advance and /_stand-in/posts need no key and are not recorded', async () => {
		const admin = (path: string, method: Dispatcher.HttpMethod): Promise<CallResult> =>
			request(`${standIn.adminUrl}${path}`, { method }).then(async (res) => {
				const text = await res.body.text();
				return { status: res.statusCode, headers: res.headers, text, json: text ? JSON.parse(text) : undefined, ms: 0 };
			});
		const advanced = await admin('/advance', 'POST');
		expect(advanced.status).toBe(200);
		expect((advanced.json as { changes: PostChange[] }).changes.map((change) => change.to)).toEqual(['DRAFT', 'POSTED', 'ERROR']);
		const added = await admin('/posts?count=2&status=POSTED&workspaceId=ws_standin_2', 'POST');
		expect([added.status, (added.json as PostGroup[]).map((group) => group.status)]).toEqual([201, ['POSTED', 'POSTED']]);
		expect(((await admin('/posts?workspaceId=ws_standin_2', 'GET')).json as PostGroup[]).length).toBe(8);
		expect((await admin('/advance', 'GET')).status).toBe(405);
		expect((await admin('/posts?count=0', 'POST')).status).toBe(400);
		expect((await admin('/nothing', 'POST')).status).toBe(404);
		expect(standIn.requests).toEqual([]);
		expect(standIn.adminUrl).toBe(`http://127.0.0.1:${standIn.port}/_stand-in`);
	});

	it("a POST /post whose reply is lost after handling ('after-handling') still created the group", async () => {
		standIn.failNext({ match: { method: 'POST', path: '/post' }, reset: 'after-handling' });
		await expect(createPost(standIn, { caption: 'maybe' })).rejects.toThrow();
		expect(standIn.posts()[0].posts[0].caption).toBe('maybe');
		expect(standIn.requestsFor('createPost')[0]).toMatchObject({ status: null, validationErrors: [] });
	});

	it('beforeReply: a post added between two pages of one walk shifts newest-first pages (the trigger’s hazard)', async () => {
		standIn.seedPosts({ count: 100, statuses: ['DRAFT'] });
		const remove = standIn.beforeReply((request) => {
			if (request.operationId === 'listPosts' && request.query.page === '1') standIn.addPosts(1, { status: 'DRAFT' });
		});
		const walk = await walkPosts(standIn, 50, { statuses: 'DRAFT' });
		// Page 1 was read after pg_standin_0101 arrived on top: pg_standin_0051 is seen twice, 0101 never,
		// and a third page (pg_standin_0001) is needed.
		expect([walk.ids.length, new Set(walk.ids).size, walk.ids.includes('pg_standin_0101'), walk.pages]).toEqual([101, 100, false, 3]);
		expect(walk.ids.filter((id) => id === 'pg_standin_0051')).toHaveLength(2);
		remove();
		await listPosts(standIn, { page: '1' });
		expect(standIn.posts()).toHaveLength(101);
		standIn.beforeReply(() => standIn.addPosts(1));
		standIn.reset();
		await listPosts(standIn, { page: '1' });
		expect(standIn.posts()).toHaveLength(120);
	});
});
