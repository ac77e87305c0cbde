/** The editor's lists: workspaces (searchable), brand kits, hashtag libraries, social profiles, studio designs. */
import { NodeApiError, NodeOperationError, type INodeListSearchResult, type INodePropertyOptions } from 'n8n-workflow';

import type { MethodResult } from '../dev/harness';
import { createParameters, everythingVisible, runLoader, runWorkspaceSearch, useStandIn } from './support/ocoya';

const standIn = useStandIn({
		seed: {
			'brand-kits': { ws_standin_1: [{ id: 'bk_1', name: 'Acme Brand' }], ws_standin_2: [{ id: 'bk_2', name: 'Side Brand' }] },
		},
	});

function ok<T>(result: MethodResult<T>): T {
	if (!result.ok) throw result.error;
	return result.result;
}

const loaders = [
	{ method: 'getBrandKits', path: '/brand-kits' },
	{ method: 'getHashtagLibraries', path: '/hashtag-libraries' },
	{ method: 'getSocialProfiles', path: '/social-profiles' },
	{ method: 'getStudioTemplates', path: '/studio-templates' },
];

describe('workspace search', () => {
	it('lists every workspace, sorted by name, with the key sent', async () => {
		const result = ok(await runWorkspaceSearch(standIn)) as INodeListSearchResult;
		expect(result.results).toEqual([
			{ name: 'Acme Marketing', value: 'ws_standin_1' },
			{ name: 'Acme Side Project', value: 'ws_standin_2' },
		]);
		const [request] = standIn.requestsTo('GET', '/workspaces');
		expect(request.headers['x-api-key']).toBe(standIn.apiKey);
	});

	it('filters by name, case-insensitively, or by exact ID', async () => {
		expect((ok(await runWorkspaceSearch(standIn, 'side')) as INodeListSearchResult).results).toEqual([
			{ name: 'Acme Side Project', value: 'ws_standin_2' },
		]);
		expect((ok(await runWorkspaceSearch(standIn, 'WS_STANDIN_1')) as INodeListSearchResult).results).toEqual([
			{ name: 'Acme Marketing', value: 'ws_standin_1' },
		]);
	});
});

describe('lists that depend on the workspace', () => {
	it.each(loaders)('$method asks $path for the chosen workspace', async ({ method, path }) => {
		const options = ok(await runLoader(standIn, method)) as INodePropertyOptions[];
		expect(options.length).toBeGreaterThan(0);
		const [request] = standIn.requestsTo('GET', path);
		expect(request.query).toEqual({ workspaceId: 'ws_standin_1' });
		expect(request.headers['x-api-key']).toBe(standIn.apiKey);
	});

	it('brand kits follow the workspace picked in the locator', async () => {
		const first = ok(await runLoader(standIn, 'getBrandKits')) as INodePropertyOptions[];
		const second = ok(
			await runLoader(
				standIn,
				'getBrandKits',
				createParameters({ workspaceId: { __rl: true, mode: 'list', value: 'ws_standin_2', cachedResultName: 'Acme Side Project' } }),
			),
		) as INodePropertyOptions[];
		expect(first).toEqual([{ name: 'Acme Brand', value: 'bk_1' }]);
		expect(second).toEqual([{ name: 'Side Brand', value: 'bk_2' }]);
	});

	it('social profiles show their network, named as in the Provider dropdown', async () => {
		expect(ok(await runLoader(standIn, 'getSocialProfiles'))).toEqual([
			{ name: '@acme (Instagram)', value: 'sp_standin_2' },
			{ name: 'Acme on LinkedIn (LinkedIn)', value: 'sp_standin_1' },
		]);
	});

	it.each([
		['getBrandKits', 'Brand Kits'],
		['getHashtagLibraries', 'Hashtag Libraries'],
		['getSocialProfiles', 'Social Profiles'],
		['getStudioTemplates', 'Studio Templates'],
	] as const)('%s without a workspace: one entry saying what to do, no error, no call to Ocoya', async (method, what) => {
		const result = await runLoader(standIn, method, createParameters({ workspaceId: { __rl: true, mode: 'list', value: '' } }));
		// An error would show only "Error fetching options" in the editor and log the reason in n8n's terminal.
		expect(ok(result)).toEqual([
			{
				name: `Choose a Workspace Above First to Load ${what}`,
				value: '',
				description: 'This list depends on the workspace selected in the Workspace field',
			},
		]);
		expect(standIn.requests).toHaveLength(0);
	});
});

describe('reply shapes Ocoya does not document', () => {
	it.each([
		['a bare array', 'array'],
		['{ data: [...] }', 'data'],
		['{ items: [...] }', 'items'],
	] as const)('reads %s', async (_label, shape) => {
		standIn.setListShape(shape);
		expect(ok(await runLoader(standIn, 'getHashtagLibraries'))).toEqual([{ name: 'Launch hashtags', value: 'hl_standin_1' }]);
	});

	it('takes the best name field there is, and falls back to the ID', async () => {
		standIn.setListShape(() => ({
			results: [
				{ id: 'st_1', title: 'Square promo' },
				{ id: 'st_2', displayName: 'Story template' },
				{ id: 42 },
				{ name: 'no id, skipped' },
			],
		}));
		expect(ok(await runLoader(standIn, 'getStudioTemplates'))).toEqual([
			{ name: '42', value: '42' },
			{ name: 'Square promo', value: 'st_1' },
			{ name: 'Story template', value: 'st_2' },
		]);
	});

	it('says clearly when a list cannot be read', async () => {
		standIn.setListShape(() => ({ status: 'ok' }));
		const result = await runLoader(standIn, 'getBrandKits');
		expect(result.ok).toBe(false);
		const error = (result as { error: NodeOperationError }).error;
		expect(error.message).toBe('Could not read the list Ocoya returned for /brand-kits');
		expect(error.description).toMatch(/Enter the ID with an expression instead/);
	});
});

describe('loader failures', () => {
	it('waits out a 429 politely and then lists', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 429, headers: { 'X-RateLimit-Reset': '1' } });
		const result = ok(await runWorkspaceSearch(standIn)) as INodeListSearchResult;
		expect(result.results).toHaveLength(2);
		expect(standIn.requestsTo('GET', '/workspaces')).toHaveLength(2);
	});

	it('gives up within the loader timeout (10 s) when the rate limit will not clear in time', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 429, headers: { 'X-RateLimit-Reset': '60' } });
		const started = Date.now();
		const result = await runWorkspaceSearch(standIn);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(result.ok).toBe(false);
		expect((result as { error: NodeApiError }).error.message).toBe("Ocoya's rate limit did not clear within the allowed wait of 10 s");
		expect((result as { error: NodeApiError }).error.description).toMatch(/Ocoya asked to wait 60 s more.*enter the ID with an expression/);
		expect(standIn.requestsTo('GET', '/workspaces')).toHaveLength(1);
	});

	it('never hangs the editor longer than the loader timeout on a slow reply', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, delayMs: 30_000 });
		const started = Date.now();
		const result = await runWorkspaceSearch(standIn);
		const elapsed = Date.now() - started;
		expect(elapsed).toBeGreaterThanOrEqual(9_500);
		expect(elapsed).toBeLessThan(11_500);
		expect(result.ok).toBe(false);
		expect((result as { error: NodeApiError }).error.message).toBe('Ocoya did not answer within the Timeout option (10000 ms)');
	}, 20_000);

	it('a wrong key surfaces as a NodeApiError pointing at the credential, without the key', async () => {
		const result = await runWorkspaceSearch({ baseUrl: standIn.baseUrl, apiKey: 'not-the-key-987654' });
		expect(result.ok).toBe(false);
		const error = (result as { error: NodeApiError }).error;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Ocoya returned HTTP 403: Invalid API token.');
		expect(everythingVisible(result)).not.toContain('not-the-key-987654');
	});
});
