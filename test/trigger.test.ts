/**
 * The Ocoya Trigger through n8n-core's real poll machinery (dev/harness/poll.ts: PollContext and
 * PollTriggerExecutor), against the stand-in's GET /post. The harness saves static data only where
 * n8n does (at activation and when a poll emits), so every test also proves that nothing depends
 * on a save n8n would not make.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { PollHarness, type PollOutcome } from '../dev/harness/poll';
import type { PostOrder } from '../dev/ocoya-stand-in/posts';
import { OcoyaTrigger } from '../nodes/OcoyaTrigger/OcoyaTrigger.node';
import { startStandIn } from '../dev/ocoya-stand-in';
import { createParameters, credentialsFor, currentCredentialId, items, ocoyaCredential, runCreate, useStandIn } from './support/ocoya';

const SECOND_KEY = 'second-key-for-the-trigger';
/** Keys of their own for the rate-limit tests: a 429 blocks its key's gate for the rest of the run. */
const RATE_KEYS = ['trigger-rate-key-1', 'trigger-rate-key-2'];
const standIn = useStandIn({ posts: [], apiKeys: [SECOND_KEY, ...RATE_KEYS] });
const trigger = new OcoyaTrigger();

const WORKSPACE = 'ws_standin_1';
let workflowSerial = 0;

function parameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		workspaceId: { __rl: true, mode: 'id', value: WORKSPACE },
		statuses: ['DRAFT'],
		emit: 'firstAppearance',
		options: {},
		...overrides,
	};
}

function harness(overrides: INodeParameters = {}, apiKey = standIn.apiKey): PollHarness {
	return new PollHarness({
		nodeType: trigger,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor({ baseUrl: standIn.baseUrl, apiKey }) as PollHarnessCredentials,
		credentialId: currentCredentialId(),
		parameters: parameters(overrides),
		workflowId: `trigger-wf-${++workflowSerial}`,
	});
}
type PollHarnessCredentials = ConstructorParameters<typeof PollHarness>[0]['credentials'];

/** GET /post requests so far. */
function listRequests(): number {
	return standIn.requestsTo('GET', '/post').length;
}

/** Runs `poll` and returns its outcome with the GET /post requests it made. */
async function counted(poll: () => Promise<PollOutcome>): Promise<PollOutcome & { requests: number }> {
	const before = listRequests();
	const outcome = await poll();
	return { ...outcome, requests: listRequests() - before };
}

function ids(outcome: PollOutcome | PollOutcome[]): string[] {
	return [outcome].flat().flatMap((o) => (o.items ?? []).map((item) => String(item.json.id)));
}

function seed(count: number, status = 'DRAFT'): string[] {
	return count === 0 ? [] : standIn.addPosts(count, { status }).map((post) => post.id);
}

describe('record across polls', () => {
	it('the first poll records every listed post group and emits nothing; n8n saves that record at activation', async () => {
		seed(120, 'DRAFT');
		seed(30, 'POSTED');
		const h = harness();
		const first = await counted(() => h.activate());
		expect(first.items).toBeNull();
		expect(first.error).toBeUndefined();
		// 120 drafts: pages of 50, 50 and 20 (the baseline reads every page, beyond Max Pages per Poll).
		expect(first.requests).toBe(3);
		expect(first.saved).toBe(true);
		expect(h.logs.map((log) => log.message).join('\n')).toMatch(/recorded 120 post group\(s\) in DRAFT/);
		const again = await counted(() => h.tick());
		expect(again.items).toBeNull();
		expect(again.requests).toBe(2);
	});

	it('10 drafts appearing over 3 polls give 10 items, each once, with previousStatus null', async () => {
		seed(30);
		const h = harness();
		await h.activate();
		const appeared: string[] = [];
		const outcomes: PollOutcome[] = [];
		for (const count of [3, 3, 4]) {
			appeared.push(...seed(count));
			outcomes.push(await h.tick());
			outcomes.push(await h.tick());
		}
		const emitted = ids(outcomes);
		expect(emitted).toHaveLength(10);
		expect(new Set(emitted)).toEqual(new Set(appeared));
		expect(outcomes.map((outcome) => outcome.items?.length ?? 0)).toEqual([3, 0, 3, 0, 4, 0]);
		expect(h.emittedItems.every((item) => item.json.previousStatus === null && item.json.status === 'DRAFT')).toBe(true);
	});

	it('ERROR → SCHEDULED → ERROR gives 2 items when watching ERROR (it left, then came back)', async () => {
		seed(10, 'ERROR');
		const h = harness({ statuses: ['ERROR'] });
		await h.activate();
		const [failed] = seed(1, 'ERROR');
		const first = await h.tick();
		standIn.setPostStatus(failed, 'SCHEDULED');
		const whileScheduled = await h.tick();
		standIn.setPostStatus(failed, 'ERROR');
		const back = await h.tick();
		const after = await h.tick();
		expect(ids(first)).toEqual([failed]);
		expect(whileScheduled.items).toBeNull();
		expect(ids(back)).toEqual([failed]);
		expect(back.items?.[0].json).toMatchObject({ status: 'ERROR', previousStatus: 'ERROR' });
		expect(after.items).toBeNull();
		expect(ids(h.outcomes)).toEqual([failed, failed]);
	});

	it('across pages, a post group that left and came back is emitted again, never twice per change', async () => {
		seed(70, 'ERROR');
		const h = harness({ statuses: ['ERROR'] });
		await h.activate();
		const target = standIn.posts(WORKSPACE)[40].id;
		standIn.setPostStatus(target, 'SCHEDULED');
		// Two complete multi-page polls miss it before it counts as left (see record.ts).
		expect((await h.tick()).items).toBeNull();
		expect((await h.tick()).items).toBeNull();
		standIn.setPostStatus(target, 'ERROR');
		expect(ids(await h.tick())).toEqual([target]);
		expect((await h.tick()).items).toBeNull();
	});

	it('deletions are not events', async () => {
		const drafts = seed(5);
		const h = harness();
		await h.activate();
		standIn.removePost(drafts[0]);
		expect((await h.tick()).items).toBeNull();
		expect((await h.tick()).items).toBeNull();
	});

	it('On Every Status Change emits a move between watched statuses with the previous status; On First Appearance does not', async () => {
		const [draft] = seed(1, 'DRAFT');
		seed(4, 'SCHEDULED');
		const every = harness({ statuses: ['DRAFT', 'SCHEDULED'], emit: 'everyChange' });
		const first = harness({ statuses: ['DRAFT', 'SCHEDULED'], emit: 'firstAppearance' });
		await every.activate();
		await first.activate();
		standIn.setPostStatus(draft, 'SCHEDULED');
		const moved = await every.tick();
		expect(moved.items?.map((item) => item.json)).toEqual([
			expect.objectContaining({ id: draft, status: 'SCHEDULED', previousStatus: 'DRAFT' }),
		]);
		expect((await first.tick()).items).toBeNull();
		expect((await every.tick()).items).toBeNull();
	});

	it('a settings change re-records with no flood; the old settings’ changes are not replayed', async () => {
		seed(20, 'DRAFT');
		seed(20, 'POSTED');
		const h = harness();
		await h.activate();
		const changed = await counted(() => h.setParameters(parameters({ statuses: ['DRAFT', 'POSTED'] })));
		expect(changed.items).toBeNull();
		expect(changed.saved).toBe(true);
		expect(changed.requests).toBe(1);
		const [posted] = seed(1, 'POSTED');
		expect(ids(await h.tick())).toEqual([posted]);
		// Emit is part of the settings too.
		expect((await h.setParameters(parameters({ statuses: ['DRAFT', 'POSTED'], emit: 'everyChange' }))).items).toBeNull();
		expect((await h.tick()).items).toBeNull();
	});

	it('a new API key (another credential fingerprint) re-records with no flood', async () => {
		seed(15);
		const h = harness();
		await h.activate();
		h.setCredentials('ocoyaApi', { apiKey: SECOND_KEY, baseUrl: standIn.baseUrl });
		const rerecorded = await h.tick();
		expect(rerecorded.items).toBeNull();
		expect(h.logs.filter((log) => /no record for these settings/.test(log.message))).toHaveLength(2);
		const [draft] = seed(1);
		expect(ids(await h.tick())).toEqual([draft]);
	});
});

describe('n8n saves static data only at activation and when a poll emits', () => {
	it('a restart right after an empty poll loses nothing and repeats nothing', async () => {
		seed(25);
		const h = harness({ statuses: ['DRAFT', 'ERROR'], emit: 'everyChange' });
		await h.activate();
		const [early] = seed(1);
		expect(ids(await h.tick())).toEqual([early]);
		const empty = await h.tick();
		expect(empty).toEqual({ items: null, saved: false });
		// While n8n is down: a new draft, and a draft that failed.
		const [whileDown] = seed(1);
		const failed = standIn.posts(WORKSPACE)[10].id;
		standIn.setPostStatus(failed, 'ERROR');
		const restarted = await h.restart();
		expect(new Set(ids(restarted))).toEqual(new Set([whileDown, failed]));
		expect(restarted.items?.find((item) => item.json.id === failed)?.json.previousStatus).toBe('DRAFT');
		expect((await h.tick()).items).toBeNull();
		await h.restart();
		expect((await h.tick()).items).toBeNull();
		expect(ids(h.outcomes).sort()).toEqual([early, whileDown, failed].sort());
	});

	it('a post group that left during an empty poll and is back after a restart is emitted again when the activation poll saw it gone', async () => {
		seed(5, 'ERROR');
		const h = harness({ statuses: ['ERROR'] });
		await h.activate();
		const target = standIn.posts(WORKSPACE)[2].id;
		standIn.setPostStatus(target, 'SCHEDULED');
		expect(await h.tick()).toEqual({ items: null, saved: false });
		// The "left" mark of that empty poll is lost with the restart; the activation poll sees it
		// gone again and that record is saved.
		expect((await h.restart()).items).toBeNull();
		standIn.setPostStatus(target, 'ERROR');
		expect(ids(await h.tick())).toEqual([target]);
	});

	it('a poll that emits nothing leaves the saved record as it was, and a restart then emits what came since', async () => {
		seed(8);
		const h = harness();
		await h.activate();
		const saved = structuredClone(h.savedStaticData);
		expect((await h.tick()).items).toBeNull();
		expect(h.savedStaticData).toEqual(saved);
		const [draft] = seed(1);
		await h.restart();
		expect(ids(h.outcomes.at(-1) as PollOutcome)).toEqual([draft]);
	});
});

describe('manual run (Fetch Test Event)', () => {
	it('outputs up to 5 matching post groups from page 0 in production shape and changes no record', async () => {
		seed(12);
		seed(3, 'POSTED');
		const h = harness();
		await h.activate();
		const savedBefore = structuredClone(h.savedStaticData);
		const before = listRequests();
		const manual = await h.manual();
		expect(listRequests() - before).toBe(1);
		expect(manual.items).toHaveLength(5);
		for (const item of manual.items ?? []) {
			expect(Object.keys(item.json).sort()).toEqual(['caption', 'id', 'previousStatus', 'scheduledAt', 'socialProfiles', 'status']);
			expect(item.json.status).toBe('DRAFT');
		}
		expect(h.savedStaticData).toEqual(savedBefore);
		// Production after the manual run: nothing was consumed by it.
		const [draft] = seed(1);
		expect(ids(await h.tick())).toEqual([draft]);
	});

	it('before any activation it records nothing, so the first active poll still starts from a baseline', async () => {
		seed(3);
		const h = harness();
		expect((await h.manual()).items).toHaveLength(3);
		expect(h.savedStaticData).toEqual({});
		expect((await h.activate()).items).toBeNull();
	});

	it('with nothing matching, fails with an error naming the workspace and the statuses', async () => {
		seed(3, 'POSTED');
		const manual = await harness({ statuses: ['ERROR', 'DRAFT'] }).manual();
		expect(manual.items).toBeNull();
		expect(String((manual.error as Error).message)).toBe(`No post groups in status DRAFT, ERROR in workspace ${WORKSPACE}`);
	});
});

describe('order and window: requests per poll', () => {
	const orders: PostOrder[] = ['newest-first', 'oldest-first', 'shuffle'];
	const sizes = [49, 50, 51, 100, 150];
	/** Pages a poll reads for this many matching post groups with Max Pages per Poll 2. */
	const requestsPerPoll: Record<number, number> = { 49: 1, 50: 2, 51: 2, 100: 2, 150: 2 };
	/** Pages the baseline reads: every page, to the first short one. */
	const baselineRequests = (posts: number): number => Math.floor(posts / 50) + 1;

	const measured: string[] = [];
	afterAll(() => process.stderr.write(`[trigger] ${measured.join('; ')}\n`));

	for (const order of orders) {
		for (const size of sizes) {
			it(`${size} matching post groups, ${order}: ${requestsPerPoll[size]} request(s) per poll; a new draft comes once${size === 150 && order === 'oldest-first' ? ' (never: beyond the window, with a warning)' : ''}`, async () => {
				standIn.setReadings({ postOrder: order });
				seed(size - 1);
				seed(10, 'POSTED');
				const h = harness();
				const baselinePoll = await counted(() => h.activate());
				const perPass = baselineRequests(size - 1);
				if (order === 'shuffle' && size - 1 >= 50) {
					// Passes over the pages until every post group was seen (see readListing).
					expect(baselinePoll.requests % perPass).toBe(0);
					expect(baselinePoll.requests / perPass).toBeLessThanOrEqual(8);
				} else {
					expect(baselinePoll.requests).toBe(perPass);
				}
				measured.push(`${order} ${size}: baseline ${baselinePoll.requests} request(s)`);
				const [draft] = seed(1);
				const polls: Array<PollOutcome & { requests: number }> = [];
				const ticks = order === 'shuffle' ? 12 : 3;
				for (let i = 0; i < ticks; i++) polls.push(await counted(() => h.tick()));
				expect(polls.map((poll) => poll.requests)).toEqual(polls.map(() => requestsPerPoll[size]));
				measured.push(`${order} ${size}: ${requestsPerPoll[size]} per poll, new draft after ${polls.findIndex((poll) => (poll.items ?? []).length > 0) + 1} poll(s)`);
				const emitted = ids(polls);
				const beyondWindow = order === 'oldest-first' && size > 100;
				expect(emitted).toEqual(beyondWindow ? [] : [draft]);
				if (order !== 'shuffle') expect(ids(polls[0])).toEqual(beyondWindow ? [] : [draft]);
				if (size <= 50 || order !== 'shuffle') expect(emitted.length).toBe(beyondWindow ? 0 : 1);
				const windowWarnings = h.logs.filter((log) => log.level === 'warn' && /window is too small/.test(log.message));
				expect(windowWarnings.length > 0).toBe(size >= 100);
			});
		}
	}

	it('under a shuffling order, 100 post groups polled 20 times give no item at all (no false "left", no repeat)', async () => {
		standIn.setReadings({ postOrder: 'shuffle' });
		seed(99, 'ERROR');
		const h = harness({ statuses: ['ERROR'], options: { maxPages: 3 } });
		await h.activate();
		for (let i = 0; i < 20; i++) expect((await h.tick()).items).toBeNull();
	});
});

describe('cost and overlap', () => {
	it('a 429 mid-poll is waited for (under 20 s) and the poll completes', async () => {
		seed(60);
		const h = harness({}, RATE_KEYS[0]);
		await h.activate();
		const [draft] = seed(1);
		standIn.failNext({ match: { method: 'GET', path: '/post' }, delayMs: 0 });
		standIn.failNext({
			match: { method: 'GET', path: '/post' },
			status: 429,
			headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2' },
			body: { message: 'Too many requests' },
		});
		const started = Date.now();
		const poll = await counted(() => h.tick());
		expect(ids(poll)).toEqual([draft]);
		expect(poll.requests).toBe(3);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
	});

	it('a 429 whose wait is over 20 s: the poll returns nothing, changes no record, and a later tick emits the change once', async () => {
		seed(60);
		const h = harness({}, RATE_KEYS[1]);
		await h.activate();
		const [draft] = seed(1);
		const before = h.inMemoryStaticData();
		standIn.failNext({ match: { method: 'GET', path: '/post' }, delayMs: 0 });
		standIn.failNext({
			match: { method: 'GET', path: '/post' },
			status: 429,
			headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '21' },
			body: { message: 'Too many requests' },
		});
		const started = Date.now();
		const limited = await h.tick();
		expect(limited).toEqual({ items: null, saved: false });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(h.inMemoryStaticData()).toEqual(before);
		expect(h.logs.some((log) => log.level === 'warn' && /rate limit did not clear within 20 s/.test(log.message))).toBe(true);
		await new Promise((resolve) => setTimeout(resolve, 21_500));
		expect(ids(await h.tick())).toEqual([draft]);
		expect((await h.tick()).items).toBeNull();
	}, 40_000);

	it('a tick that finds the previous poll of the same node still running skips it: no request, no item twice', async () => {
		seed(10);
		const h = harness();
		await h.activate();
		const [draft] = seed(1);
		standIn.failNext({ match: { method: 'GET', path: '/post' }, delayMs: 600 });
		const slow = h.tick();
		await new Promise((resolve) => setTimeout(resolve, 150));
		const overlapping = await counted(() => h.tick());
		expect(overlapping).toEqual({ items: null, saved: false, requests: 0 });
		expect(h.logs.some((log) => /still running; this tick is skipped/.test(log.message))).toBe(true);
		expect(ids(await slow)).toEqual([draft]);
		expect((await h.tick()).items).toBeNull();
		expect(ids(h.outcomes)).toEqual([draft]);
	});

	it('beside a burst of creates on the same key, polls and creates share one gate: no 429, every create sent once', async () => {
		const limited = await startStandIn({ posts: { count: 30, statuses: ['DRAFT'] }, rateLimit: { limit: 10, windowMs: 2000, resetFormat: 'epoch-ms' } });
		try {
			const h = new PollHarness({
				nodeType: trigger,
				credentialTypes: [ocoyaCredential],
				credentials: credentialsFor(limited) as PollHarnessCredentials,
				credentialId: currentCredentialId(),
				parameters: parameters(),
				workflowId: `trigger-wf-${++workflowSerial}`,
			});
			await h.activate();
			const [draft] = limited.addPosts(1, { status: 'DRAFT' });
			const started = Date.now();
			const creates = runCreate(limited, createParameters(), { inputItems: items(...Array.from({ length: 20 }, () => ({}))) });
			const ticks: PollOutcome[] = [];
			for (let i = 0; i < 3; i++) {
				await new Promise((resolve) => setTimeout(resolve, 400));
				ticks.push(await h.tick());
			}
			const created = await creates;
			const elapsedMs = Date.now() - started;
			expect(created.error).toBeUndefined();
			expect(limited.campaignsCreated).toBe(20);
			expect(ticks.map((tick) => tick.error)).toEqual([undefined, undefined, undefined]);
			expect(ids(ticks)).toEqual([draft.id]);
			expect(limited.requests.filter((request) => request.status === 429)).toHaveLength(0);
			// 20 creates + 3 polls in 2 s windows of 10, after the activation poll's request.
			const minimumMs = Math.floor((23 + 1 - 1) / 10) * 2000;
			expect(elapsedMs).toBeGreaterThanOrEqual(minimumMs * 0.9);
			expect(elapsedMs).toBeLessThan(minimumMs * 1.5 + 2000);
			process.stderr.write(`[trigger] 20 creates + 3 polls on one key (10 per 2 s): ${elapsedMs} ms, minimum ${minimumMs} ms, 0 × 429\n`);
		} finally {
			await limited.close();
		}
	}, 30_000);

	it('polls of two different nodes do not block each other', async () => {
		seed(5);
		const a = harness();
		const b = harness();
		await Promise.all([a.activate(), b.activate()]);
		const [draft] = seed(1);
		const [fromA, fromB] = await Promise.all([a.tick(), b.tick()]);
		expect(ids(fromA)).toEqual([draft]);
		expect(ids(fromB)).toEqual([draft]);
	});
});

describe('errors leave the record as it was', () => {
	it('403 (a wrong key) fails the poll with the node’s clear error; with the key fixed, the next poll resumes', async () => {
		seed(5);
		const h = harness();
		await h.activate();
		const [draft] = seed(1);
		const before = h.inMemoryStaticData();
		h.setCredentials('ocoyaApi', { apiKey: 'not-a-valid-key', baseUrl: standIn.baseUrl });
		const failed = await h.tick();
		expect(failed.items).toBeNull();
		expect((failed.error as Error).message).toBe('Ocoya returned HTTP 403: Invalid API token.');
		expect(h.inMemoryStaticData()).toEqual(before);
		h.setCredentials('ocoyaApi', { apiKey: standIn.apiKey, baseUrl: standIn.baseUrl });
		expect(ids(await h.tick())).toEqual([draft]);
	});

	it('401 on the second page: error, record unchanged, the change comes with the next poll', async () => {
		seed(60);
		const h = harness();
		await h.activate();
		const [draft] = seed(1);
		const before = h.inMemoryStaticData();
		standIn.failNext({ match: { method: 'GET', path: '/post' }, delayMs: 0 });
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 401, body: { message: 'Missing API token.' } });
		const failed = await h.tick();
		expect((failed.error as Error).message).toBe('Ocoya returned HTTP 401: Missing API token.');
		expect(h.inMemoryStaticData()).toEqual(before);
		expect(ids(await h.tick())).toEqual([draft]);
	});

	it('a broken reply (not JSON, or JSON holding no list) fails the poll and changes nothing', async () => {
		seed(5);
		const h = harness();
		await h.activate();
		const [draft] = seed(1);
		const before = h.inMemoryStaticData();
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 200, rawBody: '<html>proxy</html>' });
		const notJson = await h.tick();
		expect((notJson.error as Error).message).toMatch(/Ocoya answered HTTP 200 with a reply that is not JSON/);
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 200, body: { unexpected: true } });
		const noList = await h.tick();
		expect((noList.error as Error).message).toBe('Could not read the list Ocoya returned for /post');
		expect(h.inMemoryStaticData()).toEqual(before);
		expect(ids(await h.tick())).toEqual([draft]);
	});

	it('an activation whose first poll is refused fails, and n8n saves nothing', async () => {
		seed(3);
		const h = harness({}, 'not-a-valid-key');
		const activation = await h.activate();
		expect((activation.error as Error).message).toBe('Ocoya returned HTTP 403: Invalid API token.');
		expect(h.saves).toBe(0);
		expect(h.savedStaticData).toEqual({});
	});

	it('no API key in items, logs, errors or the saved record', async () => {
		seed(5);
		const h = harness({ statuses: ['DRAFT', 'ERROR'], emit: 'everyChange', options: { simplify: false } });
		await h.activate();
		seed(2);
		await h.tick();
		h.setCredentials('ocoyaApi', { apiKey: SECOND_KEY, baseUrl: standIn.baseUrl });
		await h.tick();
		seed(1);
		await h.tick();
		h.setCredentials('ocoyaApi', { apiKey: 'wrong-secret-key-for-trigger', baseUrl: standIn.baseUrl });
		await h.tick();
		await h.manual();
		const everything = JSON.stringify({
			outcomes: h.outcomes.map((outcome) => ({ ...outcome, error: outcome.error && inspectError(outcome.error) })),
			logs: h.logs,
			saved: h.savedStaticData,
			memory: h.inMemoryStaticData(),
		});
		expect(h.emittedItems.length).toBeGreaterThanOrEqual(3);
		for (const key of [standIn.apiKey, SECOND_KEY, 'wrong-secret-key-for-trigger']) expect(everything).not.toContain(key);
	});
});

function inspectError(error: unknown): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { inspect } = require('node:util') as typeof import('node:util');
	return inspect(error, { depth: 12, showHidden: true, getters: true });
}

describe('what is emitted', () => {
	it('Simplify on: id, status, previousStatus, scheduledAt, the general caption and the profiles', async () => {
		const h = harness({ statuses: ['SCHEDULED'] });
		await h.activate();
		const [post] = standIn.addPosts(1, {
			status: 'SCHEDULED',
			caption: 'Launch day!',
			socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
			scheduledAt: '2030-05-01T10:00:00Z',
		});
		const [item] = (await h.tick()).items ?? [];
		expect(item.json).toEqual({
			id: post.id,
			status: 'SCHEDULED',
			previousStatus: null,
			scheduledAt: '2030-05-01T10:00:00.000Z',
			caption: 'Launch day!',
			socialProfiles: [
				{ id: 'sp_standin_1', name: 'Acme on LinkedIn', provider: 'linkedin' },
				{ id: 'sp_standin_2', name: '@acme', provider: 'instagram' },
			],
		});
	});

	it('Simplify off: the post group as Ocoya returns it, plus previousStatus', async () => {
		const h = harness({ options: { simplify: false } });
		await h.activate();
		const [post] = standIn.addPosts(1, { status: 'DRAFT' });
		const [item] = (await h.tick()).items ?? [];
		expect(item.json).toEqual({ ...(standIn.post(post.id) as unknown as IDataObject), previousStatus: null });
	});

	it('Social Profiles filters what is emitted, not what a poll reads', async () => {
		seed(3);
		const h = harness({ options: { socialProfileIds: ['sp_standin_2'] } });
		await h.activate();
		const [toInstagram] = standIn.addPosts(1, { status: 'DRAFT', socialProfileIds: ['sp_standin_2'] });
		standIn.addPosts(1, { status: 'DRAFT', socialProfileIds: ['sp_standin_1'] });
		const poll = await counted(() => h.tick());
		expect(ids(poll)).toEqual([toInstagram.id]);
		expect(poll.requests).toBe(1);
		expect((await h.tick()).items).toBeNull();
	});

	it('a status the node does not know is passed through and logged; a known status not watched is left out', async () => {
		const drafts = seed(2);
		const h = harness();
		await h.activate();
		const listed = drafts.map((id) => standIn.post(id) as unknown as IDataObject);
		const unknown = { ...listed[0], id: 'pg_unknown_status', status: 'ARCHIVED' };
		const notWatched = { ...listed[0], id: 'pg_posted_anyway', status: 'POSTED' };
		standIn.failNext({ match: { method: 'GET', path: '/post' }, status: 200, body: [unknown, notWatched, ...listed] });
		const poll = await h.tick();
		expect(ids(poll)).toEqual(['pg_unknown_status']);
		expect(poll.items?.[0].json.status).toBe('ARCHIVED');
		expect(h.logs.some((log) => log.level === 'warn' && /status ARCHIVED, which this node does not know/.test(log.message))).toBe(true);
	});

	it('settings are checked: no statuses, or an empty workspace, fail with a clear error', async () => {
		expect(((await harness({ statuses: [] }).activate()).error as Error).message).toBe('Choose at least one status to watch');
		const noWorkspace = await harness({ workspaceId: { __rl: true, mode: 'id', value: '' } }).activate();
		expect((noWorkspace.error as Error).message).toBe('Choose a Workspace to watch');
	});
});
