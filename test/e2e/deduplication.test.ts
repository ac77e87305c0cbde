/**
 * The Deduplication Key in real n8n: the lead example's webhook delivered again in a row, at the
 * same moment, in a burst of 100 different events (then all of them again), after a 400 and after
 * a 500 from Ocoya, and after the node forgot the key. n8n's own deduplication store (its
 * database) is what remembers the keys, so this can only be proven here.
 *
 * Regular mode (sqlite, one process): everything asserted. Queue mode (Postgres, Redis, main + 2
 * workers): delivered twice in a row and the two bursts asserted; the same event delivered at the
 * same moment, which different workers may run, is measured and logged, not asserted (n8n's store
 * has no lock across processes).
 */
import { activateWorkflowArgs, ownerSession, startN8n, type N8nHandle, type N8nSession } from '../../dev/n8n/app';
import { startQueueStack, type QueueStack } from '../../dev/n8n/queue';
import { REDIS_INSTALL_HINT, redisServerVersion } from '../../dev/n8n/redis';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	EXAMPLES,
	executionRunData,
	failedExecutionStatus,
	importAndPublish,
	log,
	n8nRequirement,
	postWebhook,
	prepareUserFolder,
	readExample,
	requirementsMet,
	timer,
	waitFor,
	type PreparedFolder,
	type WebhookReply,
	type Workflow,
} from './support';

jest.setTimeout(600_000);

const KEY_EXPRESSION = "={{ $json.body.email + ':' + $json.body.product }}";
/** The test variant lets a delivery carrying `forget: true` run the same node's Forget This Key. */
const FORGET_SWITCH = "={{ $json.body.forget ? 'forgetKey' : 'createOnce' }}";

/** The lead example with the forget switch on its Ocoya node; ids (workflow and node) unchanged. */
function withForgetSwitch(example: Workflow): Workflow {
	const copy = JSON.parse(JSON.stringify(example)) as Workflow;
	const ocoya = copy.nodes.find((node) => node.name === EXAMPLES.lead.ocoya)!;
	ocoya.parameters.options = { ...(ocoya.parameters.options as object), deduplicationAction: FORGET_SWITCH };
	return copy;
}

function lead(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return { email: `${name}@example.com`, product: 'Acme Analytics', audience: 'marketing teams', ...extra };
}

/** What the example answers the caller (its Follow Up item). */
interface FollowUp {
	campaignId: string;
	status: string;
	leadEmail: string;
	followUp: string;
	duplicate: boolean;
	pending: boolean;
}

/** The lead example's reply: 200, or 503 for a pending item so that the sender delivers it again. */
function followUp(reply: WebhookReply): FollowUp {
	const body = reply.body as FollowUp;
	expect(reply.status).toBe(body.pending ? 503 : 200);
	return body;
}

/** One n8n (regular, or queue-mode main) with the lead workflow published, and its stand-in. */
interface Target {
	standIn: StandIn;
	url: string;
	owner: N8nSession;
}

async function deliver(target: Target, body: unknown): Promise<WebhookReply> {
	return await postWebhook(target.url, EXAMPLES.lead.webhookPath, body);
}

async function deliverAll(target: Target, bodies: unknown[]): Promise<FollowUp[]> {
	return (await Promise.all(bodies.map(async (body) => await deliver(target, body)))).map(followUp);
}

/** Run data of the newest failed execution of the lead workflow, once there are `count` of them. */
async function failedRunData(target: Target, count: number): Promise<string> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: EXAMPLES.lead.id, status: ['error'] }));
	const failed = await waitFor(`${count} failed execution(s)`, async () => {
		const { data } = await target.owner.request<{ data: { results: Array<{ id: string; status: string }> } }>(
			'GET',
			`/rest/executions?filter=${filter}&limit=5`,
		);
		const errors = data.results.filter((e) => e.status === 'error');
		return errors.length >= count ? errors : undefined;
	});
	return await executionRunData(target.owner, failed[0].id);
}

/** Shared by both modes: the same event twice in a row. */
async function expectTwiceInARowCreatesOnce(target: Target, name: string): Promise<void> {
	const first = followUp(await deliver(target, lead(name)));
	const second = followUp(await deliver(target, lead(name)));

	expect(target.standIn.campaignRequests()).toHaveLength(1);
	expect(target.standIn.campaignsCreated).toBe(1);
	expect(first).toMatchObject({ campaignId: target.standIn.createdCampaigns[0].campaignId, duplicate: false });
	expect(second.duplicate).toBe(true);
	expect(second.followUp).toBe(
		`Not sent: this node already created the campaign for Deduplication Key "${name}@example.com:Acme Analytics", so no second campaign was created`,
	);
	expect(second.campaignId).toBeFalsy();
}

/** Shared by both modes: 100 new events at once, then the same 100 again. */
async function expectBurstTwiceCreates100(target: Target, prefix: string): Promise<void> {
	const events = Array.from({ length: 100 }, (_, i) => lead(`${prefix}-${i}`));
	const elapsed = timer();
	const firstRound = await deliverAll(target, events);
	log(`${prefix}: 100 new events answered in ${elapsed()}`);
	expect(target.standIn.campaignsCreated).toBe(100);
	expect(firstRound.filter((reply) => reply.duplicate)).toHaveLength(0);
	expect(new Set(firstRound.map((reply) => reply.campaignId)).size).toBe(100);

	const again = timer();
	const secondRound = await deliverAll(target, events);
	log(`${prefix}: the same 100 events again answered in ${again()}`);
	expect(target.standIn.campaignRequests()).toHaveLength(100);
	expect(target.standIn.campaignsCreated).toBe(100);
	expect(secondRound.filter((reply) => reply.duplicate)).toHaveLength(100);
}

const regularMode = requirementsMet(__filename, n8nRequirement());

(regularMode ? describe : describe.skip)('Deduplication Key on the lead webhook, regular mode', () => {
	let folder: PreparedFolder;
	let n8n: N8nHandle | undefined;
	const target = {} as Target;

	beforeAll(async () => {
		target.standIn = await startStandIn();
		folder = await prepareUserFolder({
			baseUrl: target.standIn.baseUrl,
			apiKey: target.standIn.apiKey,
			workflows: [withForgetSwitch(readExample(EXAMPLES.lead.file))],
		});
		await folder.cli(activateWorkflowArgs(EXAMPLES.lead.id));
		const elapsed = timer();
		n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 120_000 });
		target.url = n8n.url;
		target.owner = await ownerSession(n8n.url);
		log(`n8n started at ${n8n.url} in ${elapsed()}`);
	});

	afterAll(async () => {
		await n8n?.stop();
		await target.standIn?.close();
		folder?.remove();
	});

	beforeEach(() => target.standIn.reset());

	test('the lead example keys its campaign on the lead email and product', () => {
		const ocoya = readExample(EXAMPLES.lead.file).nodes.find((node) => node.name === EXAMPLES.lead.ocoya)!;
		expect(ocoya.parameters.options).toMatchObject({ deduplicationKey: KEY_EXPRESSION });
	});

	test('delivered twice in a row: 1 campaign, and the second caller is told it was a duplicate', async () => {
		await expectTwiceInARowCreatesOnce(target, 'twice');
	});

	test('delivered 5 times at the same moment: 1 campaign, 4 duplicates', async () => {
		const replies = await deliverAll(target, Array.from({ length: 5 }, () => lead('concurrent')));

		expect(target.standIn.campaignRequests()).toHaveLength(1);
		expect(target.standIn.campaignsCreated).toBe(1);
		expect(replies.filter((reply) => !reply.duplicate)).toHaveLength(1);
		expect(replies.filter((reply) => reply.duplicate)).toHaveLength(4);
	});

	test('100 different events in one burst, then all 100 again: 100 campaigns in total', async () => {
		await expectBurstTwiceCreates100(target, 'burst');
	});

	test('a 400 on the first delivery releases the key: the redelivery creates the campaign', async () => {
		const { standIn } = target;
		standIn.failNext({ status: 400, body: { message: 'prompt must not mention competitors' } });

		const first = await deliver(target, lead('rejected'));
		expect(first.status).toBe(failedExecutionStatus());
		expect(standIn.campaignsCreated).toBe(0);
		const runData = await failedRunData(target, 1);
		expect(runData).toContain('Ocoya returned HTTP 400: prompt must not mention competitors');
		expect(runData).toContain(
			'The Deduplication Key \\"rejected@example.com:Acme Analytics\\" was released: delivering this event again will create the campaign.',
		);

		const second = followUp(await deliver(target, lead('rejected')));
		expect(standIn.campaignRequests().map((request) => request.status)).toEqual([400, 202]);
		expect(standIn.campaignsCreated).toBe(1);
		expect(second).toMatchObject({ campaignId: standIn.createdCampaigns[0].campaignId, duplicate: false });
	});

	test('a 500 on the first delivery keeps the key: the redelivery is not sent, the error says how to release it', async () => {
		const { standIn } = target;
		standIn.failNext({ status: 500 });

		const first = await deliver(target, lead('ambiguous'));
		expect(first.status).toBe(failedExecutionStatus());
		const runData = await failedRunData(target, 2);
		expect(runData).toContain('Ocoya returned HTTP 500');
		expect(runData).toContain('The campaign may have been created; check Ocoya before retrying.');
		expect(runData).toContain(
			'The Deduplication Key \\"ambiguous@example.com:Acme Analytics\\" stays recorded, so delivering this event again will not create a campaign: it is answered as pending.',
		);
		expect(runData).toContain('run this node with Deduplication: Action set to \\"Forget This Key\\" for this key');

		// No campaign exists: the redelivery is told the outcome is pending, never that it was handled.
		const secondReply = await deliver(target, lead('ambiguous'));
		expect(secondReply.status).toBe(503);
		const second = followUp(secondReply);
		expect(second.duplicate).toBe(false);
		expect(second.pending).toBe(true);
		expect(second.followUp).toMatch(/^Not sent, and not handled yet: .*earlier attempt ended with an unknown outcome/);
		expect(standIn.campaignRequests()).toHaveLength(1);
		expect(standIn.campaignsCreated).toBe(0);
	});

	test('redelivered while the first attempt is in flight and then fails with a 400: the redelivery waits and creates the campaign', async () => {
		const { standIn } = target;
		standIn.failNext({ status: 400, body: { message: 'prompt must not mention competitors' }, delayMs: 1500 });

		const first = deliver(target, lead('in-flight'));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const redelivered = followUp(await deliver(target, lead('in-flight')));
		expect((await first).status).toBe(failedExecutionStatus());

		// The invariant: the event is not lost. One campaign exists, and the redelivery reports it.
		expect(standIn.campaignRequests().map((request) => request.status)).toEqual([400, 202]);
		expect(standIn.campaignsCreated).toBe(1);
		expect(redelivered).toMatchObject({ campaignId: standIn.createdCampaigns[0].campaignId, duplicate: false });
	});

	test('redelivered while the first attempt is in flight and then succeeds: a duplicate naming the same campaign', async () => {
		const { standIn } = target;
		standIn.failNext({ delayMs: 1500 });

		const first = deliver(target, lead('in-flight-ok'));
		await new Promise((resolve) => setTimeout(resolve, 300));
		const redelivered = followUp(await deliver(target, lead('in-flight-ok')));
		const created = followUp(await first);

		expect(standIn.campaignRequests()).toHaveLength(1);
		expect(created.duplicate).toBe(false);
		expect(redelivered).toMatchObject({ duplicate: true, campaignId: created.campaignId });
	});

	test('after the node forgets the key, the redelivery creates the campaign', async () => {
		const { standIn } = target;
		// The 500 of an earlier test left this key claimed with no campaign behind it: pending.
		expect(followUp(await deliver(target, lead('ambiguous'))).followUp).toMatch(/^Not sent, and not handled yet/);

		const forget = followUp(await deliver(target, lead('ambiguous', { forget: true })));
		expect(forget.followUp).toBe('Forgot Deduplication Key "ambiguous@example.com:Acme Analytics": its next delivery is sent again');
		const forgetAgain = followUp(await deliver(target, lead('ambiguous', { forget: true })));
		expect(forgetAgain.followUp).toBe('Deduplication Key "ambiguous@example.com:Acme Analytics" was not remembered by this node');
		expect(standIn.campaignRequests()).toHaveLength(0);

		const redelivered = followUp(await deliver(target, lead('ambiguous')));
		expect(standIn.campaignsCreated).toBe(1);
		expect(redelivered).toMatchObject({ campaignId: standIn.createdCampaigns[0].campaignId, duplicate: false });
		expect(followUp(await deliver(target, lead('ambiguous'))).duplicate).toBe(true);
		expect(standIn.campaignsCreated).toBe(1);
	});
});

/** Rounds of the concurrent same-event case measured in queue mode, and deliveries per round. */
const SAME_EVENT_ROUNDS = 20;
const SAME_EVENT_DELIVERIES = 5;

const queueMode = requirementsMet(__filename, n8nRequirement(), {
	what: 'Redis (redis-server on PATH)',
	missing: redisServerVersion() === undefined ? `no redis-server; ${REDIS_INSTALL_HINT}` : undefined,
});

(queueMode ? describe : describe.skip)('Deduplication Key on the lead webhook, queue mode (main + 2 workers)', () => {
	let stack: QueueStack | undefined;
	const target = {} as Target;

	beforeAll(async () => {
		target.standIn = await startStandIn();
		const elapsed = timer();
		stack = await startQueueStack({
			workers: 2,
			log,
			setup: async ({ cli }) =>
				await importAndPublish(
					cli,
					[{ id: CREDENTIAL_ID, name: CREDENTIAL_NAME, standIn: target.standIn }],
					[withForgetSwitch(readExample(EXAMPLES.lead.file))],
				),
		});
		target.url = stack.url;
		target.owner = await ownerSession(stack.url);
		log(`queue stack started in ${elapsed()}`);
	});

	afterAll(async () => {
		await stack?.stop();
		await target.standIn?.close();
	});

	beforeEach(() => target.standIn.reset());

	const executionsPerWorker = (): number[] => stack!.workers.map((worker) => worker.startedExecutions().length);

	test('delivered twice in a row: 1 campaign, and the second caller is told it was a duplicate', async () => {
		await expectTwiceInARowCreatesOnce(target, 'queue-twice');
	});

	test('100 different events in one burst, then all 100 again: 100 campaigns in total, both workers used', async () => {
		const before = executionsPerWorker();
		await expectBurstTwiceCreates100(target, 'queue-burst');
		const ran = executionsPerWorker().map((count, i) => count - before[i]);
		log(`queue-burst: executions per worker ${ran.join(' + ')}`);
		expect(ran.reduce((a, b) => a + b, 0)).toBe(200);
		for (const count of ran) expect(count).toBeGreaterThan(0);
	});

	test(`measured, not asserted: the same event delivered ${SAME_EVENT_DELIVERIES} times at once, ${SAME_EVENT_ROUNDS} rounds`, async () => {
		const campaignsPerEvent: number[] = [];
		const pendingPerEvent: number[] = [];
		for (let round = 0; round < SAME_EVENT_ROUNDS; round++) {
			const before = target.standIn.campaignsCreated;
			const replies = await deliverAll(target, Array.from({ length: SAME_EVENT_DELIVERIES }, () => lead(`queue-same-${round}`)));
			const created = target.standIn.campaignsCreated - before;
			campaignsPerEvent.push(created);
			// Every caller is answered: with the campaign, as a duplicate, or as pending (another
			// worker's attempt in flight); a caller is told "duplicate" only once a campaign exists.
			const pending = replies.filter((reply) => !reply.duplicate && !reply.campaignId);
			expect(replies.filter((reply) => !reply.duplicate && reply.campaignId)).toHaveLength(created);
			if (created === 0) expect(replies.filter((reply) => reply.duplicate)).toHaveLength(0);
			pendingPerEvent.push(pending.length);
		}
		const histogram = new Map<number, number>();
		for (const created of campaignsPerEvent) histogram.set(created, (histogram.get(created) ?? 0) + 1);
		log(
			`queue-same: ${SAME_EVENT_ROUNDS} events × ${SAME_EVENT_DELIVERIES} simultaneous deliveries → campaigns per event: ${[...histogram]
				.sort(([a], [b]) => a - b)
				.map(([created, events]) => `${created} campaign(s): ${events} event(s)`)
				.join(', ')}; total ${target.standIn.campaignsCreated} for ${SAME_EVENT_ROUNDS} events; pending answers ${pendingPerEvent.reduce((a, b) => a + b, 0)}`,
		);
		// At least one campaign per event: a duplicate claim never drops an event.
		for (const created of campaignsPerEvent) expect(created).toBeGreaterThanOrEqual(1);
	});
});
