/**
 * The Deduplication Key through n8n-core's real engine and its real DataDeduplicationService,
 * with the harness's memory store standing in for n8n's database (test/e2e/deduplication.test.ts
 * proves the same against n8n's own store). Counts: requests the stand-in saw, campaigns created,
 * keys the store holds, items marked as duplicates.
 */
import { createServer } from 'node:net';

import { NodeOperationError, type IExecuteFunctions, type INodeParameters, type INodeType } from 'n8n-workflow';

import { useMemoryDeduplicationStore, type MemoryDeduplicationStore } from '../dev/harness/deduplication-store';
import { createParameters, items, ocoyaNode, runCreate, useStandIn } from './support/ocoya';

// Every created item is read back once its write has settled (1 s), so runs take a second or more.
jest.setTimeout(30_000);

const standIn = useStandIn();
let store: MemoryDeduplicationStore;

beforeAll(async () => {
	store = await useMemoryDeduplicationStore();
});
beforeEach(() => store.reset());

/**
 * Entries the store holds for the node under test (the harness runs every node as node id
 * 'harness-node-under-test' of workflow 'harness-workflow'): a key, plus its created mark once its
 * campaign was created, so 2 per created campaign.
 */
const entriesHeld = (): number => store.keysOf('harness-workflow', 'harness-node-under-test');

function keyed(options: INodeParameters = {}, parameters: INodeParameters = {}): INodeParameters {
	return createParameters({ ...parameters, options: { deduplicationKey: '={{ $json.dealId }}', ...options } });
}

describe('without a Deduplication Key', () => {
	test('nothing touches the store and the item is Ocoya’s reply as is', async () => {
		const result = await runCreate(standIn, createParameters(), { inputItems: items({ dealId: 1 }, { dealId: 1 }) });

		expect(result.error).toBeUndefined();
		expect(standIn.campaignsCreated).toBe(2);
		expect(result.items.map((item) => item.json)).toEqual(standIn.createdCampaigns.map((c) => expect.objectContaining({ campaignId: c.campaignId })));
		expect(result.items[0].json).not.toHaveProperty('duplicate');
		expect(Object.values(store.calls)).toEqual([0, 0, 0, 0]);
	});
});

describe('with a Deduplication Key', () => {
	test('one campaign per key: a repeated key, in the same run or a later one, is output as a duplicate', async () => {
		const first = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 7 }, { dealId: 8 }, { dealId: 7 }) });
		const again = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 8 }) });

		expect(standIn.campaignRequests()).toHaveLength(2);
		expect(first.items.map((item) => [item.json.deduplicationKey, item.json.duplicate])).toEqual([
			['7', false],
			['8', false],
			['7', true],
		]);
		expect(first.items[0].json.campaignId).toBe(standIn.createdCampaigns[0].campaignId);
		expect(first.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(again.items).toEqual([
			{
				json: {
					duplicate: true,
					deduplicationKey: '8',
					message: 'Not sent: this node already created the campaign for Deduplication Key "8", so no second campaign was created',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(entriesHeld()).toBe(4);
	});

	test('manual runs (the editor) record keys too: they create real campaigns', async () => {
		await runCreate(standIn, keyed(), { inputItems: items({ dealId: 'm1' }), mode: 'manual' });
		const webhook = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 'm1' }), mode: 'webhook' });

		expect(standIn.campaignsCreated).toBe(1);
		expect(webhook.items[0].json.duplicate).toBe(true);
	});

	test.each([
		['an empty key', '', /The Deduplication Key is empty/],
		['a missing field', '={{ $json.missing }}', /The Deduplication Key (is empty|is undefined)/],
		['a missing field inside text', "={{ 'deal-' + $json.missing }}", /The Deduplication Key "deal-undefined" contains "undefined"/],
		['a null field', "={{ $json.nothing + ':' + $json.dealId }}", /The Deduplication Key "null:5" contains "null"/],
		['an object', '={{ $json }}', /must be text or a number, not object/],
	])('%s is an error for that item, nothing is sent', async (_name, expression, message) => {
		const result = await runCreate(standIn, keyed({ deduplicationKey: expression }), {
			inputItems: items({ dealId: 5, nothing: null }),
		});

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error!.message).toMatch(message);
		expect((result.error as NodeOperationError).description).toMatch(/Nothing was sent to Ocoya for this item/);
		expect(standIn.requests).toHaveLength(0);
		expect(Object.values(store.calls)).toEqual([0, 0, 0, 0]);
	});

	test('with continue on fail, a bad key fails only its item; the others are created or marked', async () => {
		const result = await runCreate(standIn, keyed(), {
			inputItems: items({ dealId: 1 }, {}, { dealId: 1 }),
			continueOnFail: true,
		});

		expect(standIn.campaignsCreated).toBe(1);
		expect(result.items.map((item) => item.json.duplicate ?? item.json.error)).toEqual([
			false,
			expect.stringMatching(/The Deduplication Key (is empty|is undefined)/),
			true,
		]);
	});

	test('with the error output, duplicates stay on the success output and failures go to the error output', async () => {
		await runCreate(standIn, keyed(), { inputItems: items({ dealId: 2 }) });
		const result = await runCreate(standIn, keyed(), {
			inputItems: items({ dealId: 2 }, { dealId: null }),
			nodeOverrides: { onError: 'continueErrorOutput' },
		});

		expect(result.outputs[0].map((item) => item.json)).toEqual([expect.objectContaining({ duplicate: true, deduplicationKey: '2' })]);
		expect(result.outputs[1]).toHaveLength(1);
		expect(String(result.outputs[1][0].json.error)).toMatch(/The Deduplication Key is null/);
		expect(standIn.campaignsCreated).toBe(1);
	});

	test('a 400 releases the key: the next delivery creates the campaign', async () => {
		standIn.failNext({ status: 400, body: { message: 'prompt rejected' } });
		const rejected = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 40 }) });
		expect(rejected.error?.message).toBe('Ocoya returned HTTP 400: prompt rejected');
		expect(rejected.error?.description).toMatch(/The Deduplication Key "40" was released: delivering this event again will create the campaign\.$/);
		expect(entriesHeld()).toBe(0);

		const retried = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 40 }) });
		expect(retried.items[0].json.duplicate).toBe(false);
		expect(standIn.campaignRequests().map((request) => request.status)).toEqual([400, 202]);
	});

	test('connection refused releases the key', async () => {
		const closedPort = await new Promise<number>((resolve) => {
			const server = createServer().listen(0, '127.0.0.1', () => {
				const { port } = server.address() as { port: number };
				server.close(() => resolve(port));
			});
		});
		const unreachable = { baseUrl: `http://127.0.0.1:${closedPort}/api/_public/v1`, apiKey: standIn.apiKey };
		const refused = await runCreate(unreachable, keyed(), { inputItems: items({ dealId: 41 }) });
		expect(refused.error?.message).toMatch(/Could not connect to Ocoya/);
		expect(refused.error?.description).toMatch(/The Deduplication Key "41" was released/);
		expect(entriesHeld()).toBe(0);
	});

	test('a rate-limit wait beyond Max Wait releases the key', async () => {
		// Pacing is shared per credential across executions: a short window keeps later tests from waiting long.
		const resetIn = Math.ceil(Date.now() / 1000) + 3;
		standIn.failNext({
			status: 429,
			headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetIn) },
			body: { message: 'Too many requests' },
		});
		const waited = await runCreate(standIn, keyed({ rateLimitMaxWait: 0 }), { inputItems: items({ dealId: 42 }) });
		expect(waited.error?.message).toMatch(/rate limit did not clear/);
		expect(waited.error?.description).toMatch(/The Deduplication Key "42" was released/);
		expect(entriesHeld()).toBe(0);
	});

	test.each([
		['a 500', { status: 500 }, {}],
		['a timeout after sending', { delayMs: 3000 }, { timeout: 1000 }],
		['a connection reset after the body', { reset: 'after-body' as const }, {}],
		['an unreadable 202', { status: 202, rawBody: 'not json' }, {}],
	])('%s keeps the key, and the error says how to release it', async (_name, fault, options) => {
		standIn.failNext(fault);
		const failed = await runCreate(standIn, keyed(options), { inputItems: items({ dealId: 50 }) });
		expect(failed.error?.description).toMatch(
			/The Deduplication Key "50" stays recorded, so delivering this event again will not create a campaign: it is answered as pending\. If Ocoya has no campaign for it, run this node with Deduplication: Action set to "Forget This Key" for this key, then deliver the event again\.$/,
		);

		// Ocoya may or may not have the campaign: the redelivery is not told it was handled.
		const redelivered = await runCreate(standIn, keyed(options), { inputItems: items({ dealId: 50 }) });
		expect(redelivered.items[0].json).toMatchObject({ duplicate: false, pending: true, deduplicationKey: '50' });
		expect(standIn.campaignRequests()).toHaveLength(1);
	});

	test("with Retry On Fail, n8n's retry after a 500 outputs pending and sends nothing", async () => {
		standIn.failNext({ status: 500 });
		const result = await runCreate(standIn, keyed(), {
			inputItems: items({ dealId: 51 }),
			nodeOverrides: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ duplicate: false, pending: true, deduplicationKey: '51' });
		expect(standIn.campaignRequests().map((request) => request.status)).toEqual([500]);
	});

	test('Forget This Key and Forget All Keys send nothing and let the next delivery through', async () => {
		await runCreate(standIn, keyed(), { inputItems: items({ dealId: 60 }, { dealId: 61 }, { dealId: 62 }) });
		expect(entriesHeld()).toBe(6);

		const forgetOne = await runCreate(standIn, keyed({ deduplicationAction: 'forgetKey' }), {
			inputItems: items({ dealId: 60 }, { dealId: 99 }),
		});
		expect(forgetOne.items.map((item) => item.json.forgotten)).toEqual([true, false]);
		expect(entriesHeld()).toBe(4);

		const forgetAll = await runCreate(standIn, createParameters({ options: { deduplicationAction: 'forgetAll' } }));
		expect(forgetAll.items[0].json).toMatchObject({ keysForgotten: 4 });
		expect(entriesHeld()).toBe(0);
		expect(standIn.campaignRequests()).toHaveLength(3);

		const again = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 60 }, { dealId: 61 }, { dealId: 62 }) });
		expect(again.items.map((item) => item.json.duplicate)).toEqual([false, false, false]);
		expect(standIn.campaignsCreated).toBe(6);
	});

	test('an unknown Deduplication: Action from an expression is an error, nothing sent', async () => {
		const result = await runCreate(standIn, keyed({ deduplicationAction: '={{ "forget" }}' }), { inputItems: items({ dealId: 1 }) });
		expect(result.error?.message).toBe(
			'Invalid Deduplication: Action (deduplicationAction): "forget" must be createOnce, forgetKey or forgetAll [item 0]',
		);
		expect(standIn.requests).toHaveLength(0);
	});

	test('Forget This Key without a key is an error', async () => {
		const result = await runCreate(standIn, createParameters({ options: { deduplicationAction: 'forgetKey' } }));
		expect(result.error?.message).toMatch(/"Forget This Key" needs a Deduplication Key/);
	});
});

describe('the store is read and rewritten whole, with no lock', () => {
	test('20 executions at once in one process, each with its own key, lose no key (claims are serial per node)', async () => {
		store.latencyMs = 20;
		const deliver = async (dealId: number) => await runCreate(standIn, keyed(), { inputItems: items({ dealId }) });
		const ids = Array.from({ length: 20 }, (_, i) => i);

		const first = await Promise.all(ids.map(deliver));
		expect(first.map((result) => result.items[0].json.duplicate)).toEqual(ids.map(() => false));
		expect(entriesHeld()).toBe(40);

		const second = await Promise.all(ids.map(deliver));
		expect(second.map((result) => result.items[0].json.duplicate)).toEqual(ids.map(() => true));
		expect(standIn.campaignsCreated).toBe(20);
	});

	test('5 executions at once with the same key create 1 campaign', async () => {
		// An existing record, so that every claim takes the read-then-update path.
		await runCreate(standIn, keyed(), { inputItems: items({ dealId: 'earlier' }) });
		store.latencyMs = 20;
		const results = await Promise.all(
			Array.from({ length: 5 }, async () => await runCreate(standIn, keyed(), { inputItems: items({ dealId: 'same' }) })),
		);
		expect(standIn.campaignsCreated).toBe(2);
		expect(results.filter((result) => result.items[0].json.duplicate === true)).toHaveLength(4);
	});

	test('a first insert that loses to another process is retried', async () => {
		store.inject({ conflictOnFirstInsert: true });
		const result = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 70 }) });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.duplicate).toBe(false);
		expect(entriesHeld()).toBe(2);
	});

	test('a claim overwritten right after it was written is detected and written again', async () => {
		store.inject({ dropAfterWrite: '71' });
		const result = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 71 }) });
		expect(result.items[0].json.duplicate).toBe(false);
		// claim, confirm that finds it gone (and records it again), confirm that finds it, the created mark, the settled read-back
		expect(store.calls.checkProcessedAndRecord).toBe(5);
		expect(entriesHeld()).toBe(2);
	});

	test('a claim overwritten every time fails the item: nothing sent, the key not left behind', async () => {
		await runCreate(standIn, keyed(), { inputItems: items({ dealId: 'earlier' }) });
		store.inject({ dropAfterEveryWrite: '73' });
		const result = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 73 }) });
		expect(result.error?.message).toMatch(/^Could not record the Deduplication Key "73" in n8n's deduplication store: the key was overwritten 5 times in a row/);
		expect(standIn.campaignsCreated).toBe(1);
		expect(entriesHeld()).toBe(2);
		expect(store.calls.removeProcessed).toBe(1);
	});

	test('a key erased by another process while the campaign was being created is recorded again', async () => {
		standIn.failNext({ delayMs: 300 });
		const running = runCreate(standIn, keyed(), { inputItems: items({ dealId: 72 }) });
		await new Promise((resolve) => setTimeout(resolve, 150));
		store.eraseKey('harness-workflow', 'harness-node-under-test', '72');
		expect(entriesHeld()).toBe(0);

		const result = await running;
		expect(result.items[0].json).toMatchObject({ duplicate: false, deduplicationKey: '72' });
		expect(result.items[0].json).not.toHaveProperty('deduplicationWarning');
		expect(entriesHeld()).toBe(2);
		const redelivered = await runCreate(standIn, keyed(), { inputItems: items({ dealId: 72 }) });
		expect(redelivered.items[0].json.duplicate).toBe(true);
		expect(standIn.campaignsCreated).toBe(1);
	});
});

describe('a redelivery while the first attempt is in flight (issue 15, finding 1)', () => {
	const after = async (ms: number): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms));
	const deliver = async (dealId: number, options: INodeParameters = {}) =>
		await runCreate(standIn, keyed(options), { inputItems: items({ dealId }) });

	/** The invariant: while no campaign exists for the key, no delivery was told it was handled. */
	function expectNoEventLost(outputs: Array<Record<string, unknown> | undefined>): void {
		const handled = outputs.filter((json) => json?.duplicate === true || (json?.duplicate === false && json.campaignId));
		if (standIn.campaignsCreated === 0) expect(handled).toHaveLength(0);
	}

	test('the first attempt fails with a 400 after 1.5 s: the redelivery waits, then sends itself and creates the campaign', async () => {
		standIn.failNext({ status: 400, body: { message: 'Invalid goal' }, delayMs: 1500 });
		const first = deliver(80);
		await after(300);
		const redelivered = await deliver(80);
		const failed = await first;

		expect(failed.error?.description).toMatch(/was released/);
		expect(redelivered.error).toBeUndefined();
		expect(redelivered.items[0].json).toMatchObject({ duplicate: false, deduplicationKey: '80' });
		expect(redelivered.items[0].json.campaignId).toBe(standIn.createdCampaigns[0].campaignId);
		expect(standIn.campaignRequests().map((request) => request.status)).toEqual([400, 202]);
		// The redelivery went only after the first attempt's reply.
		const [firstRequest, secondRequest] = standIn.campaignRequests();
		expect(secondRequest.receivedAt - firstRequest.receivedAt).toBeGreaterThanOrEqual(1400);
		expectNoEventLost([redelivered.items[0].json]);
	});

	test('the first attempt succeeds after 1.5 s: the redelivery waits and is a duplicate carrying the same campaign', async () => {
		standIn.failNext({ delayMs: 1500 });
		const first = deliver(81);
		await after(300);
		const redelivered = await deliver(81);
		const created = await first;

		expect(created.items[0].json).toMatchObject({ duplicate: false, deduplicationKey: '81' });
		expect(redelivered.items[0].json).toMatchObject({
			duplicate: true,
			deduplicationKey: '81',
			campaignId: created.items[0].json.campaignId,
		});
		expect(redelivered.items[0].json).not.toHaveProperty('pending');
		expect(standIn.campaignRequests()).toHaveLength(1);
	});

	test('the first attempt ends with an unknown outcome (a 500): the waiting redelivery is pending, not a duplicate', async () => {
		standIn.failNext({ status: 500, delayMs: 1000 });
		const first = deliver(82);
		await after(300);
		const redelivered = await deliver(82);
		await first;

		expect(redelivered.items[0].json).toMatchObject({ duplicate: false, pending: true, deduplicationKey: '82' });
		expect(redelivered.items[0].json.message).toMatch(/outcome of an earlier attempt .* is unknown/);
		expect(standIn.campaignRequests()).toHaveLength(1);
		expectNoEventLost([redelivered.items[0].json]);
	});

	test('a redelivery waits at most its Max Wait: then it is pending, and the first attempt still creates once', async () => {
		standIn.failNext({ delayMs: 2500 });
		const first = deliver(83, { rateLimitMaxWait: 1 });
		await after(200);
		const started = Date.now();
		const redelivered = await deliver(83, { rateLimitMaxWait: 1 });
		expect(Date.now() - started).toBeLessThan(1800);
		expect(redelivered.items[0].json).toMatchObject({ duplicate: false, pending: true });
		expect(redelivered.items[0].json.message).toMatch(/still being sent/);
		expect((await first).items[0].json.duplicate).toBe(false);
		expect(standIn.campaignsCreated).toBe(1);
	});

	test('a key claimed by another n8n process (a queue-mode worker) is pending until its create is recorded, then a duplicate', async () => {
		const otherWorker = { workflow: { id: 'harness-workflow' }, node: { id: 'harness-node-under-test' } } as never;
		const entries = { mode: 'entries' as const, maxEntries: 20_000 };
		await store.checkProcessedAndRecord(['84'], 'node', otherWorker, entries);

		const whileInFlight = await deliver(84);
		expect(whileInFlight.items[0].json).toMatchObject({ duplicate: false, pending: true, deduplicationKey: '84' });
		expect(whileInFlight.items[0].json.message).toMatch(/another n8n process/);
		expect(standIn.requests).toHaveLength(0);
		expectNoEventLost([whileInFlight.items[0].json]);
		// The pending check leaves no created mark behind.
		expect(entriesHeld()).toBe(1);

		await store.checkProcessedAndRecord(['created:84'], 'node', otherWorker, entries);
		const afterCreated = await deliver(84);
		expect(afterCreated.items[0].json).toMatchObject({ duplicate: true, deduplicationKey: '84' });
		expect(standIn.requests).toHaveLength(0);
	});
});

test('an n8n without the deduplication helpers gets an error naming the version needed, and nothing is sent', async () => {
	// n8n before 1.65 builds the same context without the deduplication helpers.
	const olderN8n: INodeType = Object.create(ocoyaNode) as INodeType;
	olderN8n.execute = async function (this: IExecuteFunctions) {
		const helpers = { ...this.helpers } as Partial<IExecuteFunctions['helpers']>;
		delete helpers.checkProcessedAndRecord;
		delete helpers.removeProcessed;
		const context = new Proxy(this, { get: (target, property) => (property === 'helpers' ? helpers : Reflect.get(target, property)) });
		return await ocoyaNode.execute.call(context);
	};
	const result = await runCreate(standIn, keyed(), { nodeType: olderN8n, inputItems: items({ dealId: 80 }) });
	expect(result.error?.message).toBe(
		'The Deduplication Key needs n8n 1.65.0 or later: this n8n does not offer its deduplication store to nodes',
	);
	expect(standIn.requests).toHaveLength(0);
});
