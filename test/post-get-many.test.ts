/**
 * Post › Get Many through n8n-core against the stand-in: pages from 0, perPage = min(50, what is
 * still needed) kept aligned to Ocoya's page index, a stop at the first short page, no page twice,
 * one item per post group de-duplicated by id; statuses sent as a repeated key and applied here
 * too; the contract's other readings (wrapper list, comma statuses, a page cap under 50, a shifting
 * order); retries of a read; bad input refused with 0 requests; the API key in no output.
 */
import { startStandIn } from '../dev/ocoya-stand-in';
import { nextPage } from '../nodes/Ocoya/transport/pagination';
import { everythingVisible, items, runCreate, useStandIn } from './support/ocoya';
import { pagesAsked, postParameters, requestsFor } from './support/posts';

jest.setTimeout(60_000);

const standIn = useStandIn();
const visible: string[] = [];

const getMany = (overrides = {}) => postParameters('getAll', overrides);
const ids = (result: { items: Array<{ json: { id?: unknown } }> }) => result.items.map((item) => item.json.id);

describe('Post › Get Many: pages', () => {
	it.each([
		[0, [[0, 50]]],
		[49, [[0, 50]]],
		[50, [[0, 50], [1, 50]]],
		[51, [[0, 50], [1, 50]]],
		[100, [[0, 50], [1, 50], [2, 50]]],
		[120, [[0, 50], [1, 50], [2, 50]]],
	])('Return All with %i posts: asks for pages %j and outputs every post once, in Ocoya’s order', async (count, pages) => {
		standIn.seedPosts({ count });
		const result = await runCreate(standIn, getMany({ returnAll: true }));
		visible.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		expect(pagesAsked(standIn)).toEqual(pages);
		const expected = standIn.posts('ws_standin_1').map((post) => post.id);
		expect(expected).toHaveLength(count);
		expect(ids(result)).toEqual(expected);
		expect(new Set(ids(result)).size).toBe(count);
		expect(requestsFor(standIn, 'GET', '/post').every((request) => request.validationErrors?.length === 0)).toBe(true);
		expect(requestsFor(standIn, 'GET', '/post').every((request) => request.query.workspaceId === 'ws_standin_1')).toBe(true);
		expect(result.items.every((item) => JSON.stringify(item.pairedItem) === '{"item":0}')).toBe(true);
	});

	it.each([
		[0, 50, [[0, 50]], 0],
		[49, 50, [[0, 50]], 49],
		[50, 50, [[0, 50]], 50],
		[51, 50, [[0, 50]], 50],
		[120, 1, [[0, 1]], 1],
		[120, 49, [[0, 49]], 49],
		[120, 51, [[0, 50], [50, 1]], 51],
		[120, 75, [[0, 50], [2, 25]], 75],
		[120, 80, [[0, 50], [1, 40]], 80],
		[120, 100, [[0, 50], [1, 50]], 100],
		[120, 120, [[0, 50], [1, 50], [5, 20]], 120],
		[100, 120, [[0, 50], [1, 50], [5, 20]], 100],
		[120, 1000, [[0, 50], [1, 50], [2, 50]], 120],
	])('%i posts, Limit %i: asks for pages %j and outputs %i posts', async (count, limit, pages, outputs) => {
		standIn.seedPosts({ count });
		const result = await runCreate(standIn, getMany({ limit }));

		expect(result.error).toBeUndefined();
		expect(pagesAsked(standIn)).toEqual(pages);
		expect(ids(result)).toEqual(standIn.posts('ws_standin_1').slice(0, outputs).map((post) => post.id));
	});

	it('the default is Return All off with a Limit of 50: one request', async () => {
		const result = await runCreate(standIn, { resource: 'post', operation: 'getAll', workspaceId: { __rl: true, mode: 'id', value: 'ws_standin_1' } });

		expect(pagesAsked(standIn)).toEqual([[0, 50]]);
		expect(result.items).toHaveLength(50);
	});

	it('nextPage: the smallest aligned page that covers what is still needed, in one request', () => {
		expect(nextPage(0, 50)).toEqual({ page: 0, perPage: 50 });
		expect(nextPage(0, 7)).toEqual({ page: 0, perPage: 7 });
		expect(nextPage(50, 1)).toEqual({ page: 50, perPage: 1 });
		expect(nextPage(50, 30)).toEqual({ page: 1, perPage: 40 });
		expect(nextPage(100, 20)).toEqual({ page: 5, perPage: 20 });
		for (let next = 0; next <= 500; next += 7) {
			for (const need of [1, 13, 49, 50]) {
				const { page, perPage } = nextPage(next, need);
				expect(perPage).toBeLessThanOrEqual(50);
				expect(page * perPage).toBeLessThanOrEqual(next);
				if (next % 50 === 0) expect((page + 1) * perPage).toBeGreaterThanOrEqual(next + need);
			}
		}
	});
});

describe('Post › Get Many: the rate-limit gate', () => {
	it('every page waits its turn: 3 pages at 2 requests a second take a second window and draw no 429', async () => {
		const limited = await startStandIn({ rateLimit: { limit: 2, windowMs: 1000, resetFormat: 'epoch-ms' } });
		try {
			const started = Date.now();
			const result = await runCreate(limited, getMany({ returnAll: true }));

			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(120);
			const statuses = limited.requests.map((request) => request.status);
			expect(statuses).toEqual([200, 200, 200]);
			expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		} finally {
			await limited.close();
		}
	});
});

describe('Post › Get Many: statuses', () => {
	it('sends the statuses as a repeated key and outputs only those states', async () => {
		const result = await runCreate(standIn, getMany({ statuses: ['DRAFT', 'ERROR'], returnAll: true }));

		expect(result.error).toBeUndefined();
		const [first] = requestsFor(standIn, 'GET', '/post');
		expect(first.url).toMatch(/[?&]statuses=DRAFT&statuses=ERROR(&|$)/);
		expect(first.query.statuses).toEqual(['DRAFT', 'ERROR']);
		expect(first.validationErrors).toEqual([]);
		expect(result.items).toHaveLength(40);
		expect(new Set(result.items.map((item) => item.json.status))).toEqual(new Set(['DRAFT', 'ERROR']));
		expect(pagesAsked(standIn)).toEqual([[0, 50]]);
	});

	it('one status is sent as one key', async () => {
		const result = await runCreate(standIn, getMany({ statuses: ['ERROR'], limit: 5 }));

		expect(requestsFor(standIn, 'GET', '/post')[0].url).toMatch(/[?&]statuses=ERROR(&|$)/);
		expect(result.items.map((item) => item.json.status)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR', 'ERROR']);
	});

	it.each([
		['a status outside the enum', { statuses: ['FAILED'] }, /^Invalid Statuses \(statuses\): "FAILED" is not one of: DRAFT, ERROR, PENDING_CLIENT_APPROVAL, PENDING_INTERNAL_APPROVAL, POSTED, SCHEDULED \[item 0\]$/],
		['a limit of 0', { limit: 0 }, /^Invalid Limit \(limit\): 0 must be a whole number from 1 to/],
		['a limit of 2.5', { limit: 2.5 }, /^Invalid Limit \(limit\): 2.5 must be a whole number/],
		['Return All that is not a boolean', { returnAll: 'all' }, /^Invalid Return All \(returnAll\): "all" must be true or false/],
		['a workspace expression that gives nothing', { workspaceId: { __rl: true, mode: 'id', value: '={{ $json.missing }}' } }, /^Invalid Workspace \(workspaceId\): .* must not be empty \[item 0\]$/],
		['a timeout under 1,000 ms', { options: { timeout: 10 } }, /^Invalid Timeout \(Ms\) \(options.timeout\): 10 must be a whole number from 1000 to 600000/],
	])('refuses %s before sending anything', async (_case, overrides, message) => {
		const result = await runCreate(standIn, getMany(overrides));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(message);
	});
});

describe('Post › Get Many against the contract’s other readings', () => {
	it('a wrapper-object list ({ data: [...] }) is read like a bare array', async () => {
		standIn.setReadings({ listShape: 'data' });
		const result = await runCreate(standIn, getMany({ returnAll: true }));

		expect(pagesAsked(standIn)).toEqual([[0, 50], [1, 50], [2, 50]]);
		expect(result.items).toHaveLength(120);
	});

	it('a reply with no list is an error naming the path, not an empty result', async () => {
		standIn.setReadings({ listShape: () => ({ message: 'ok' }) });
		const result = await runCreate(standIn, getMany());

		expect(result.error?.message).toBe('Could not read the list Ocoya returned for /post');
		expect(result.items).toHaveLength(0);
	});

	it('comma-separated statuses: the server reads only the first repeated value, and the output still holds only chosen states', async () => {
		standIn.setReadings({ statusesFormat: 'comma' });
		const result = await runCreate(standIn, getMany({ statuses: ['DRAFT', 'ERROR'], returnAll: true }));

		expect(result.error).toBeUndefined();
		// Under this reading the server answers DRAFT only: the node cannot see the ERROR posts it hid.
		expect(new Set(result.items.map((item) => item.json.status))).toEqual(new Set(['DRAFT']));
		expect(result.items).toHaveLength(20);
	});

	it('comma-separated statuses with one status: exact', async () => {
		standIn.setReadings({ statusesFormat: 'comma' });
		const result = await runCreate(standIn, getMany({ statuses: ['ERROR'], returnAll: true }));

		expect(result.items).toHaveLength(20);
		expect(result.items.every((item) => item.json.status === 'ERROR')).toBe(true);
	});

	it('a server that ignores statuses: only the chosen states are output', async () => {
		const mixed = standIn.posts('ws_standin_1').slice(0, 12);
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 200, body: mixed });
		const result = await runCreate(standIn, getMany({ statuses: ['POSTED', 'DRAFT'] }));

		expect(pagesAsked(standIn)).toEqual([[0, 50]]);
		const expected = mixed.filter((post) => post.status === 'POSTED' || post.status === 'DRAFT').map((post) => post.id);
		expect(expected).toHaveLength(4);
		expect(ids(result)).toEqual(expected);
	});

	it('a page cap under 50 (20): the first page is short, so the listing stops there (the documented limit of stopping at a short page)', async () => {
		standIn.setReadings({ maxPerPage: 20 });
		const result = await runCreate(standIn, getMany({ returnAll: true }));

		expect(pagesAsked(standIn)).toEqual([[0, 50]]);
		expect(result.items).toHaveLength(20);
	});

	it('an order that shifts between pages: no post twice, no page twice', async () => {
		standIn.setReadings({ postOrder: 'shuffle' });
		const result = await runCreate(standIn, getMany({ returnAll: true }));

		expect(result.error).toBeUndefined();
		const asked = pagesAsked(standIn);
		expect(new Set(asked.map((entry) => entry.join(':'))).size).toBe(asked.length);
		expect(new Set(ids(result)).size).toBe(result.items.length);
		expect(result.items.length).toBeLessThanOrEqual(120);
	});
});

describe('Post › Get Many: retries of a read', () => {
	it.each([
		['a 503', { status: 503 }],
		['a 502', { status: 502 }],
		['a connection reset', { reset: 'before-body' as const }],
	])('retries after %s (1 s later) and outputs the page', async (_case, fault) => {
		standIn.failNext({ match: { method: 'GET', path: '/post' }, ...fault });
		const started = Date.now();
		const result = await runCreate(standIn, getMany({ limit: 10 }));

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'GET', '/post')).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(result.items).toHaveLength(10);
	});

	it('gives up after 2 retries (3 requests, 1 s then 2 s apart)', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 503, times: 3 });
		const result = await runCreate(standIn, getMany({ limit: 10 }));

		const times = requestsFor(standIn, 'GET', '/post').map((request) => request.receivedAt);
		expect(times).toHaveLength(3);
		expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
		expect(times[2] - times[1]).toBeGreaterThanOrEqual(1950);
		expect(result.error?.message).toMatch(/^Ocoya returned HTTP 503/);
	});

	it('a 500 or a 4xx is not retried', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 500 });
		const failed = await runCreate(standIn, getMany());
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 422, body: { message: 'workspaceId is invalid' } });
		const refused = await runCreate(standIn, getMany());

		expect(requestsFor(standIn, 'GET', '/post')).toHaveLength(2);
		expect(failed.error?.message).toMatch(/^Ocoya returned HTTP 500/);
		expect(refused.error?.message).toBe('Ocoya returned HTTP 422: workspaceId is invalid');
	});

	it('one item per input item: each item lists its own workspace', async () => {
		const result = await runCreate(standIn, getMany({ workspaceId: { __rl: true, mode: 'id', value: '={{ $json.ws }}' } }), {
			inputItems: items({ ws: 'ws_standin_2' }, { ws: 'ws_standin_1' }),
		});

		expect(requestsFor(standIn, 'GET', '/post').map((request) => request.query.workspaceId)).toEqual(['ws_standin_2', 'ws_standin_1']);
		expect(result.items.filter((item) => item.pairedItem && (item.pairedItem as { item: number }).item === 0)).toHaveLength(6);
		expect(result.items).toHaveLength(56);
	});
});

afterAll(() => {
	for (const text of visible) expect(text).not.toMatch(/test-key-ocoya-stand-in/);
});
