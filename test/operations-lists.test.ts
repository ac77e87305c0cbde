/**
 * The one-request lists: Workspace, Brand Kit, Hashtag Library, Studio Template and Social
 * Profile › Get Many, run through n8n-core against the stand-in. Each sends exactly the contract's
 * request, outputs one item per entity whatever the reply's shape, cuts to the limit, and refuses
 * a bad item before sending anything.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { ListItem, ListName, ListShape } from '../dev/ocoya-stand-in';
import { everythingVisible, items, runCreate, useStandIn } from './support/ocoya';

interface ListCase {
	resource: string;
	list: ListName;
	inWorkspace: boolean;
}

const LISTS: ListCase[] = [
	{ resource: 'workspace', list: 'workspaces', inWorkspace: false },
	{ resource: 'brandKit', list: 'brand-kits', inWorkspace: true },
	{ resource: 'hashtagLibrary', list: 'hashtag-libraries', inWorkspace: true },
	{ resource: 'studioTemplate', list: 'studio-templates', inWorkspace: true },
	{ resource: 'socialProfile', list: 'social-profiles', inWorkspace: true },
];

const WORKSPACE = 'ws_standin_1';

/** Entities with more than id and name, so the test sees that every field Ocoya sends is passed on. */
function entities(list: ListName, count: number): ListItem[] {
	return Array.from({ length: count }, (_, i) => ({
		id: list === 'workspaces' && i < 2 ? `ws_standin_${i + 1}` : `${list}_${i + 1}`,
		name: `${list} ${i + 1}`,
		extra: { position: i },
		...(list === 'social-profiles' ? { provider: 'linkedin', image: `https://example.com/${i}.png` } : {}),
	}));
}

function seedOf(list: ListName, count: number) {
	// The workspace list must keep ws_standin_1: the stand-in answers 404 for a workspace it does not list.
	return list === 'workspaces' ? { workspaces: entities(list, count) } : { [list]: { [WORKSPACE]: entities(list, count) } };
}

function parameters(listCase: ListCase, overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: listCase.resource,
		operation: 'getAll',
		...(listCase.inWorkspace ? { workspaceId: { __rl: true, mode: 'id', value: WORKSPACE } } : {}),
		...overrides,
	};
}

describe.each(LISTS)('$resource › Get Many (GET /$list)', (listCase) => {
	const standIn = useStandIn({ seed: seedOf(listCase.list, 60) });
	const expectedQuery = listCase.inWorkspace ? { workspaceId: WORKSPACE } : {};

	it('sends one GET with only the workspace in the query and outputs the first 50 entities (the default limit), each as Ocoya sent it', async () => {
		const result = await runCreate(standIn, parameters(listCase));

		expect(result.error).toBeUndefined();
		expect(standIn.requests.map((r) => [r.method, r.path, r.query, r.body ?? ''])).toEqual([
			['GET', `/${listCase.list}`, expectedQuery, ''],
		]);
		expect(standIn.requests[0].headers['x-api-key']).toBe(standIn.apiKey);
		expect(result.items.map((item) => item.json)).toEqual(entities(listCase.list, 50));
		expect(result.items.every((item) => JSON.stringify(item.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
	});

	it('cuts the one reply to the limit; Return All outputs every entity, still with one request', async () => {
		const limited = await runCreate(standIn, parameters(listCase, { returnAll: false, limit: 3 }));
		expect(limited.items.map((item) => item.json.id)).toEqual(entities(listCase.list, 3).map((e) => e.id));

		const all = await runCreate(standIn, parameters(listCase, { returnAll: true, limit: 3 }));
		expect(all.items).toHaveLength(60);
		expect(standIn.requests).toHaveLength(2);
	});

	it('runs once per input item, each item paired with its own entities', async () => {
		const result = await runCreate(standIn, parameters(listCase, { limit: 2 }), { inputItems: items({}, {}) });

		expect(standIn.requests).toHaveLength(2);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 1 }, { item: 1 }]);
	});

	it('keeps the API key out of every output and record', async () => {
		const result = await runCreate(standIn, parameters(listCase));
		expect(result.items.length).toBeGreaterThan(0);
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});

	it.each([0, -1, 2.5, 'ten'])('refuses limit %p before sending anything', async (limit) => {
		const result = await runCreate(standIn, parameters(listCase, { limit }));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toContain(`Invalid Limit (limit): ${typeof limit === 'string' ? `"${limit}"` : limit}`);
		expect(result.error?.message).toContain('[item 0]');
	});
});

describe.each(LISTS.filter((c) => c.inWorkspace))('$resource › Get Many: the workspace', (listCase) => {
	const standIn = useStandIn({ seed: seedOf(listCase.list, 2) });

	it('an empty ID is stopped by n8n itself (the field is required): nothing is sent', async () => {
		await expect(
			runCreate(standIn, parameters(listCase, { workspaceId: { __rl: true, mode: 'id', value: '' } })),
		).rejects.toThrow('Parameter "Workspace" is required');
		expect(standIn.requests).toHaveLength(0);
	});

	it.each([
		['blank text', { __rl: true, mode: 'id', value: '   ' }, '"   "'],
		['an expression that resolves to nothing', { __rl: true, mode: 'id', value: '={{ $json.missing }}' }, ''],
	])('refuses %s before sending anything, naming the field, the value and the item', async (_what, workspaceId, shown) => {
		const result = await runCreate(standIn, parameters(listCase, { workspaceId }), { inputItems: items({}, {}) });

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/^Invalid Workspace \(workspaceId\): /);
		expect(result.error?.message).toContain(`${shown} must not be empty [item 0]`);
	});

	it('with Continue On Fail, a bad item becomes an error item and the good ones are still sent', async () => {
		const result = await runCreate(
			standIn,
			parameters(listCase, { workspaceId: { __rl: true, mode: 'id', value: '={{ $json.workspace }}' } }),
			{ inputItems: items({ workspace: WORKSPACE }, { workspace: '' }, { workspace: WORKSPACE }), continueOnFail: true },
		);

		expect(standIn.requests.map((r) => r.query)).toEqual([{ workspaceId: WORKSPACE }, { workspaceId: WORKSPACE }]);
		const errors = result.items.filter((item) => item.json.error !== undefined);
		expect(errors).toEqual([
			expect.objectContaining({
				json: expect.objectContaining({ error: 'Invalid Workspace (workspaceId): "" must not be empty [item 1]' }),
				pairedItem: { item: 1 },
			}),
		]);
		expect(result.items.filter((item) => item.json.error === undefined).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 2 },
			{ item: 2 },
		]);
	});

	it('sends the workspace chosen From List (resource locator in list mode)', async () => {
		await runCreate(standIn, parameters(listCase, { workspaceId: { __rl: true, mode: 'list', value: 'ws_standin_2' } }));
		expect(standIn.requests.map((r) => r.query)).toEqual([{ workspaceId: 'ws_standin_2' }]);
	});
});

/** Ocoya does not publish these lists' reply shape: a bare array (assumed) and wrapper objects are all read. */
const SHAPES: Array<[string, ListShape]> = [
	['a bare array', 'array'],
	['{ data: [...] }', 'data'],
	['{ items: [...] }', 'items'],
	['an object with a named list and a total', (list, name) => ({ total: list.length, [name]: list })],
];

describe.each(SHAPES)('a list reply as %s', (_shape, listShape) => {
	const standIn = useStandIn({ seed: { 'brand-kits': entities('brand-kits', 4) }, listShape });

	it('gives one item per entity, cut to the limit', async () => {
		const result = await runCreate(standIn, parameters(LISTS[1], { limit: 3 }));

		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual(entities('brand-kits', 3));
	});
});

describe('a list reply that holds no list', () => {
	const standIn = useStandIn({ listShape: () => ({ message: 'maintenance' }) });

	it('is an error that names the path, not zero items', async () => {
		const result = await runCreate(standIn, parameters(LISTS[2]));

		expect(standIn.requests).toHaveLength(1);
		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe('Could not read the list Ocoya returned for /hashtag-libraries');
	});
});

describe('an empty list', () => {
	const standIn = useStandIn({ seed: { 'studio-templates': [] } });

	it('outputs no items and no error', async () => {
		const result = await runCreate(standIn, parameters(LISTS[3]));

		expect(result.error).toBeUndefined();
		expect(standIn.requests).toHaveLength(1);
		expect(result.items).toEqual([]);
	});
});

describe('the reads are safe to repeat', () => {
	const standIn = useStandIn({ seed: { 'hashtag-libraries': entities('hashtag-libraries', 2) } });

	it('a 503 and a 504 are tried again 1 s, then 2 s later, and the third answer comes out', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/hashtag-libraries' }, status: 503 });
		standIn.failNext({ match: { method: 'GET', path: '/hashtag-libraries' }, status: 504 });
		const result = await runCreate(standIn, parameters(LISTS[2]));

		expect(result.error).toBeUndefined();
		const arrivals = standIn.requests.map((r) => r.receivedAt);
		expect(standIn.requests.map((r) => [r.method, r.path, r.query])).toEqual(
			Array.from({ length: 3 }, () => ['GET', '/hashtag-libraries', { workspaceId: WORKSPACE }]),
		);
		expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(950);
		expect(arrivals[2] - arrivals[1]).toBeGreaterThanOrEqual(1950);
		expect(result.items.map((item) => item.json)).toEqual(entities('hashtag-libraries', 2));
	}, 20_000);

	it('a reset connection is tried again; after 3 failures in all the item fails with the last one', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, reset: 'before-body' });
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 502, times: 2 });
		const result = await runCreate(standIn, parameters(LISTS[0]));

		expect(standIn.requestsTo('GET', '/workspaces')).toHaveLength(3);
		expect(result.items).toEqual([]);
		expect(result.error?.message).toContain('HTTP 502');
	}, 20_000);

	it('a 404 (an unknown workspace) is not tried again', async () => {
		const result = await runCreate(standIn, parameters(LISTS[2], { workspaceId: { __rl: true, mode: 'id', value: 'ws_unknown' } }));

		expect(standIn.requests).toHaveLength(1);
		expect(result.error?.message).toContain('HTTP 404');
	});
});
