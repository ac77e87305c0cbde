/**
 * Post › Reschedule and Post › Delete through n8n-core against the stand-in, and the Post field's
 * From List search: the exact request, path safety (0 requests for an ID that could climb the
 * path), Create → Reschedule → Delete by the IDs one step outputs, Delete's readings (200 {} and
 * 204), a 404 on the first attempt (not found) and on a retry (deleted), retries of these safe
 * requests, and the API key in no output.
 */
import type { INodeParameters } from 'n8n-workflow';

import { everythingVisible, items, runCreate, useStandIn } from './support/ocoya';
import { byId, daysFromNow, postParameters, requestsFor, runPostSearch } from './support/posts';

jest.setTimeout(60_000);

const standIn = useStandIn();
const visible: string[] = [];

const reschedule = (postId: INodeParameters[string], overrides = {}) =>
	postParameters('update', { postId, scheduledAt: daysFromNow(2), ...overrides });
const remove = (postId: INodeParameters[string], overrides = {}) => postParameters('delete', { postId, ...overrides });

describe('path safety: a post ID must match ^[A-Za-z0-9_-]+$', () => {
	const unsafe = ['..', '%2e%2e', 'a/b', 'a?b', 'a#b', ' pg_standin_0001', 'pg_standin_0001 ', '../campaigns', 'a%2Fb', ''];

	// From an expression (an earlier node's output, an AI Agent): the node's own check.
	it.each(unsafe)('Reschedule refuses %j from an expression with 0 requests', async (postId) => {
		const result = await runCreate(standIn, reschedule(byId('={{ $json.id }}')), { inputItems: items({ id: postId }) });
		visible.push(everythingVisible(result));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/^Invalid Post \(postId\): .* (may contain only letters, digits, "_" and "-"|must not be empty) \[item 0\]$/);
		expect(result.error?.message).toContain(postId === '' ? '""' : JSON.stringify(postId));
	});

	it.each(unsafe)('Delete refuses %j from an expression with 0 requests', async (postId) => {
		const result = await runCreate(standIn, remove(byId('={{ $json.id }}')), { inputItems: items({ id: postId }) });

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/^Invalid Post \(postId\): /);
	});

	// Typed into the By ID field: n8n itself refuses to run the workflow (the field's regex).
	it.each(['..', 'a/b', 'a#b'])('a literal %j in the By ID field stops the workflow before the node runs', async (postId) => {
		await expect(runCreate(standIn, remove(byId(postId)))).rejects.toThrow(/An Ocoya post ID has only letters, digits, "_" and "-"/);
		expect(standIn.requests).toHaveLength(0);
	});

	it('an ID from an expression is checked the same way, per item, with continue-on-fail', async () => {
		const result = await runCreate(standIn, remove(byId('={{ $json.id }}')), {
			inputItems: items({ id: '../../workspaces' }, { id: 'pg_standin_0001' }),
			continueOnFail: true,
		});

		expect(standIn.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['DELETE /post/pg_standin_0001']);
		expect(result.items[0].json.error).toMatch(/^Invalid Post \(postId\): "..\/..\/workspaces" may contain only/);
		expect(result.items[1].json).toEqual({ deleted: true, postId: 'pg_standin_0001' });
	});
});

describe('Post › Reschedule', () => {
	it('sends PATCH /post/{postId} with only scheduledAt and outputs { postId, scheduledAt, ...reply }', async () => {
		const scheduledAt = daysFromNow(5);
		const result = await runCreate(standIn, reschedule(byId('pg_standin_0001'), { scheduledAt: scheduledAt.replace('Z', '+00:00') }));
		visible.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const [request] = requestsFor(standIn, 'PATCH', '/post/pg_standin_0001');
		expect(standIn.requests).toHaveLength(1);
		expect(request.query).toEqual({});
		expect(request.body).toEqual({ scheduledAt });
		expect(request.validationErrors).toEqual([]);
		expect(standIn.post('pg_standin_0001')?.scheduledAt).toBe(scheduledAt.replace('Z', '.000Z'));
		expect(result.items).toEqual([{ json: { postId: 'pg_standin_0001', scheduledAt }, pairedItem: { item: 0 } }]);
	});

	it.each([
		['an empty time (from an expression)', { scheduledAt: '={{ $json.missing }}' }, /^Invalid Scheduled At \(scheduledAt\): .* must not be empty \[item 0\]$/],
		['a past time', { scheduledAt: '2024-01-01T00:00:00Z' }, /is in the past \(2024-01-01T00:00:00Z\): it must not be earlier than the current UTC time, /],
		['not a date', { scheduledAt: '31/01/2030' }, /^Invalid Scheduled At \(scheduledAt\): "31\/01\/2030" is not a date/],
	])('refuses %s with 0 requests', async (_case, overrides, message) => {
		const result = await runCreate(standIn, reschedule(byId('pg_standin_0001'), overrides));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(message);
	});

	it('is retried after a 503 and a timeout (safe to repeat), at most twice', async () => {
		standIn.failNext({ match: { method: 'PATCH' }, status: 503 });
		standIn.failNext({ match: { method: 'PATCH' }, delayMs: 2_500 });
		const result = await runCreate(standIn, reschedule(byId('pg_standin_0002'), { options: { timeout: 1000 } }));

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'PATCH', '/post/pg_standin_0002')).toHaveLength(3);
		expect(result.items[0].json.postId).toBe('pg_standin_0002');
	});

	it('an unknown post is Ocoya’s 404, reported without a retry', async () => {
		const result = await runCreate(standIn, reschedule(byId('pg_missing')));

		expect(requestsFor(standIn, 'PATCH', '/post/pg_missing')).toHaveLength(1);
		expect(result.error?.message).toMatch(/^Ocoya returned HTTP 404/);
	});
});

describe('Post › Delete', () => {
	it('sends DELETE /post/{postId} and outputs { deleted: true, postId } for a 200 {}', async () => {
		const result = await runCreate(standIn, remove(byId('pg_standin_0003')));
		visible.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const [request] = requestsFor(standIn, 'DELETE', '/post/pg_standin_0003');
		expect(standIn.requests).toHaveLength(1);
		expect(request.query).toEqual({});
		expect(request.status).toBe(200);
		expect(standIn.post('pg_standin_0003')).toBeUndefined();
		expect(result.items).toEqual([{ json: { deleted: true, postId: 'pg_standin_0003' }, pairedItem: { item: 0 } }]);
	});

	it('a 204 with no body (the other reading) is the same success', async () => {
		standIn.setReadings({ deleteReply: 'no-content' });
		const result = await runCreate(standIn, remove(byId('pg_standin_0004')));

		expect(requestsFor(standIn, 'DELETE', '/post/pg_standin_0004')[0].status).toBe(204);
		expect(result.items).toEqual([{ json: { deleted: true, postId: 'pg_standin_0004' }, pairedItem: { item: 0 } }]);
	});

	it('a 404 on the first attempt is an error saying the post was not found (an error item with continue-on-fail)', async () => {
		const thrown = await runCreate(standIn, remove(byId('pg_missing')));
		const continued = await runCreate(standIn, remove(byId('pg_missing')), { continueOnFail: true });

		expect(requestsFor(standIn, 'DELETE', '/post/pg_missing')).toHaveLength(2);
		expect(thrown.error?.message).toBe('Ocoya has no post with ID "pg_missing" (HTTP 404): it was not found');
		expect(thrown.error?.description).toMatch(/^Nothing was deleted/);
		expect(continued.items).toEqual([
			{
				json: expect.objectContaining({ error: 'Ocoya has no post with ID "pg_missing" (HTTP 404): it was not found', httpCode: '404' }),
				pairedItem: { item: 0 },
			},
		]);
	});

	it('a 404 on a retry means the first attempt deleted it: { deleted: true }', async () => {
		// The first attempt deletes the post, then its connection breaks; the retry finds nothing.
		standIn.failNext({ match: { method: 'DELETE' }, reset: 'after-handling' });
		const result = await runCreate(standIn, remove(byId('pg_standin_0005')));

		const attempts = requestsFor(standIn, 'DELETE', '/post/pg_standin_0005');
		expect(attempts.map((request) => request.status)).toEqual([null, 404]);
		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { deleted: true, postId: 'pg_standin_0005' }, pairedItem: { item: 0 } }]);
	});

	it('is retried after a 502 and a 504, and gives up after the second retry', async () => {
		standIn.failNext({ match: { method: 'DELETE' }, status: 502 });
		standIn.failNext({ match: { method: 'DELETE' }, status: 504 });
		standIn.failNext({ match: { method: 'DELETE' }, status: 503 });
		const result = await runCreate(standIn, remove(byId('pg_standin_0006')));

		expect(requestsFor(standIn, 'DELETE', '/post/pg_standin_0006')).toHaveLength(3);
		expect(result.error?.message).toMatch(/^Ocoya returned HTTP 503/);
		expect(standIn.post('pg_standin_0006')).toBeDefined();
	});
});

describe('posts chain: Create → Reschedule → Delete by the IDs each step outputs', () => {
	it('Create’s postGroupId and Get Many’s id both work as postId', async () => {
		const created = await runCreate(
			standIn,
			postParameters('create', { caption: 'Chained post', socialProfileIds: ['sp_standin_1'], scheduledAt: daysFromNow(1) }),
		);
		const postGroupId = created.items[0].json.postGroupId as string;
		const later = daysFromNow(9);
		const rescheduled = await runCreate(standIn, reschedule(byId('={{ $json.postGroupId }}'), { scheduledAt: later }), {
			inputItems: items(created.items[0].json),
		});
		const listed = await runCreate(standIn, postParameters('getAll', { limit: 1 }));
		expect(listed.items[0].json.id).toBe(postGroupId);
		const deleted = await runCreate(standIn, remove(byId('={{ $json.id }}')), { inputItems: items(listed.items[0].json) });

		expect(rescheduled.items[0].json).toEqual({ postId: postGroupId, scheduledAt: later });
		expect(deleted.items[0].json).toEqual({ deleted: true, postId: postGroupId });
		expect(standIn.post(postGroupId)).toBeUndefined();
		expect(standIn.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			'POST /post',
			`PATCH /post/${postGroupId}`,
			'GET /post',
			`DELETE /post/${postGroupId}`,
		]);
	});
});

describe('the Post field’s From List mode (searchPosts)', () => {
	it('lists the workspace’s latest 50 as caption excerpt and status, with a token for the next page', async () => {
		const first = await runPostSearch(standIn, postParameters('update'));
		if (!first.ok) throw first.error;
		const latest = standIn.posts('ws_standin_1');

		expect(first.result.results).toHaveLength(50);
		expect(first.result.results[0]).toEqual({ name: `${latest[0].posts[0].caption} (${latest[0].status})`, value: latest[0].id });
		expect(first.result.paginationToken).toBe('1');
		const third = await runPostSearch(standIn, postParameters('update'), undefined, '2');
		if (!third.ok) throw third.error;
		expect(third.result.results.map((entry) => entry.value)).toEqual(latest.slice(100).map((post) => post.id));
		expect(third.result.paginationToken).toBeUndefined();
		expect(requestsFor(standIn, 'GET', '/post').map((request) => [request.query.page, request.query.perPage])).toEqual([
			['0', '50'],
			['2', '50'],
		]);
	});

	it('filters the page by caption text or exact ID', async () => {
		standIn.addPosts(1, { caption: 'Black Friday: 40% off everything\nuntil Monday' });
		const result = await runPostSearch(standIn, postParameters('delete'), 'black friday');
		if (!result.ok) throw result.error;

		expect(result.result.results).toEqual([{ name: 'Black Friday: 40% off everything until Monday (DRAFT)', value: standIn.posts()[0].id }]);
	});

	it('without a workspace it asks for one and sends nothing', async () => {
		const result = await runPostSearch(standIn, postParameters('delete', { workspaceId: { __rl: true, mode: 'list', value: '' } }));

		expect(result.ok).toBe(false);
		expect(String((result as { error: Error }).error.message)).toBe('Choose a workspace above to list its posts');
		expect(standIn.requests).toHaveLength(0);
	});
});

afterAll(() => {
	for (const text of visible) expect(text).not.toMatch(/test-key-ocoya-stand-in/);
});
