/**
 * Account › Get (GET /me) and Social Profile › Get Connection URL (GET
 * /social-profiles/connection-url), run through n8n-core against the stand-in: the exact request,
 * the item that comes out, and bad input refused before anything is sent.
 */
import type { INodeParameters } from 'n8n-workflow';

import { everythingVisible, items, runCreate, useStandIn } from './support/ocoya';

const ME = { id: 'usr_42', name: 'Dana Marketer', email: 'dana@example.com', plan: 'agency' };

describe('Account › Get', () => {
	const standIn = useStandIn({ me: ME });
	const parameters: INodeParameters = { resource: 'account', operation: 'get' };

	it('sends GET /me with no query or body and outputs the owner of the key as one item', async () => {
		const result = await runCreate(standIn, parameters);

		expect(result.error).toBeUndefined();
		expect(standIn.requests.map((r) => [r.method, r.path, r.query, r.rawBody])).toEqual([['GET', '/me', {}, '']]);
		expect(standIn.requests[0].headers['x-api-key']).toBe(standIn.apiKey);
		expect(result.items).toEqual([{ json: ME, pairedItem: { item: 0 } }]);
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});

	it('runs once per input item', async () => {
		const result = await runCreate(standIn, parameters, { inputItems: items({}, {}, {}) });

		expect(standIn.requestsTo('GET', '/me')).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('a reply that is not one JSON object is an error, not an item', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/me' }, status: 200, body: [ME] });
		const result = await runCreate(standIn, parameters);

		expect(result.items).toEqual([]);
		expect(result.error?.message).toBe("Could not read Ocoya's reply to GET /me: it is not a JSON object");
	});

	it('is safe to repeat: a 503 is tried again 1 s later', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/me' }, status: 503 });
		const result = await runCreate(standIn, parameters);

		const arrivals = standIn.requestsTo('GET', '/me').map((r) => r.receivedAt);
		expect(arrivals).toHaveLength(2);
		expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(950);
		expect(result.items).toEqual([{ json: ME, pairedItem: { item: 0 } }]);
	});

	it('refuses a Timeout out of range before sending anything', async () => {
		const result = await runCreate(standIn, { ...parameters, options: { timeout: 10 } });

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toContain('Invalid Timeout (Ms) (options.timeout): 10');
	});
});

describe('Social Profile › Get Connection URL', () => {
	const standIn = useStandIn();
	const parameters = (overrides: INodeParameters = {}): INodeParameters => ({
		resource: 'socialProfile',
		operation: 'getConnectionUrl',
		workspaceId: { __rl: true, mode: 'id', value: 'ws_standin_1' },
		provider: 'instagram',
		...overrides,
	});

	it('sends GET with workspaceId and provider in the query and outputs Ocoya’s reply as one item', async () => {
		const result = await runCreate(standIn, parameters());

		expect(result.error).toBeUndefined();
		expect(standIn.requests.map((r) => [r.method, r.path, r.query, r.rawBody])).toEqual([
			['GET', '/social-profiles/connection-url', { workspaceId: 'ws_standin_1', provider: 'instagram' }, ''],
		]);
		expect(result.items).toHaveLength(1);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(result.items[0].json).toEqual({
			provider: 'instagram',
			authProvider: 'facebook',
			authUrl: expect.stringMatching(/^https:\/\/.*provider=instagram.*workspaceId=ws_standin_1/),
			callbackUrl: expect.any(String),
			instructions: expect.any(String),
		});
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});

	it.each(['facebook', 'instagram', 'linkedin', 'pinterest', 'tiktok', 'twitter'])('accepts %s', async (provider) => {
		const result = await runCreate(standIn, parameters({ provider }));

		expect(result.error).toBeUndefined();
		expect(standIn.requests[0].query).toEqual({ workspaceId: 'ws_standin_1', provider });
		expect(result.items[0].json.provider).toBe(provider);
	});

	it('takes the provider from an expression, trimmed', async () => {
		await runCreate(standIn, parameters({ provider: '={{ $json.network }}' }), { inputItems: items({ network: ' tiktok ' }) });
		expect(standIn.requests[0].query).toEqual({ workspaceId: 'ws_standin_1', provider: 'tiktok' });
	});

	it.each([
		['x', '"x" is not one of: facebook, instagram, linkedin, pinterest, tiktok, twitter'],
		['Instagram', '"Instagram" is not one of: facebook, instagram, linkedin, pinterest, tiktok, twitter'],
		['youtube', '"youtube" is not one of'],
		['', '"" must be one of: facebook, instagram, linkedin, pinterest, tiktok, twitter'],
	])('refuses provider %p before sending anything, naming the field, the value and the item', async (network, message) => {
		const result = await runCreate(standIn, parameters({ provider: '={{ $json.network }}' }), {
			inputItems: items({ network: 'facebook' }, { network }),
			continueOnFail: true,
		});

		expect(standIn.requests.map((r) => r.query.provider)).toEqual(['facebook']);
		expect(result.items[1]).toEqual({
			json: expect.objectContaining({ error: expect.stringContaining(`Invalid Provider (provider): ${message}`) }),
			pairedItem: { item: 1 },
		});
		expect(String(result.items[1].json.error)).toMatch(/\[item 1\]$/);
	});

	it('is safe to repeat: a timeout is tried again, and the answer of the second attempt comes out', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/social-profiles/connection-url' }, delayMs: 3_000 });
		const result = await runCreate(standIn, parameters({ options: { timeout: 1_000 } }));

		expect(standIn.requestsTo('GET', '/social-profiles/connection-url')).toHaveLength(2);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.provider).toBe('instagram');
	}, 20_000);

	it('refuses a blank workspace before sending anything', async () => {
		const result = await runCreate(standIn, parameters({ workspaceId: { __rl: true, mode: 'id', value: ' ' } }));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toBe('Invalid Workspace (workspaceId): " " must not be empty [item 0]');
	});
});
