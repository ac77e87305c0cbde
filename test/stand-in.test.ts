/** Tests of the Ocoya stand-in itself, over real HTTP with undici. */
import * as net from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { getContract, startStandIn, type Fault, type StandIn, type StandInOptions } from '../dev/ocoya-stand-in';

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
