/**
 * The Ocoya Trigger in real n8n (the project's n8n line: 2.41.1 or 1.123.81), with the two trigger
 * examples published: "each new draft to review" (DRAFT) and "failed post alert" (ERROR), both
 * polling every minute (n8n refuses a shorter Poll Time). Polls are driven by activation (each n8n
 * start is one) and by the every-minute tick, so a run takes about 3 minutes per mode:
 *
 *  1. n8n starts: the activation polls record the stand-in's posts and emit nothing (no flood);
 *  2. two drafts appear and a scheduled post fails: the next tick emits each once;
 *  3. the tick after that finds nothing (an empty poll, which n8n does not save) and n8n is stopped
 *     right after it; while it is down a draft appears and another post fails;
 *  4. n8n starts again: its activation polls emit exactly those two changes, and the next tick
 *     nothing. Every item is asserted once, nothing repeated or lost.
 *
 * Regular mode (sqlite, one process) and queue mode (Postgres, Redis, main + 2 workers, main
 * restarted once) run the same scenario.
 */
import { activateWorkflowArgs, ownerSession, startN8n, type N8nHandle, type N8nSession } from '../../dev/n8n/app';
import { startQueueStack, type QueueStack } from '../../dev/n8n/queue';
import { REDIS_INSTALL_HINT, redisServerVersion } from '../../dev/n8n/redis';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	executionRunData,
	importAndPublish,
	log,
	n8nRequirement,
	prepareUserFolder,
	readExample,
	requirementsMet,
	sleep,
	timer,
	waitFor,
	type PreparedFolder,
} from './support';

jest.setTimeout(900_000);

const DRAFTS = { file: 'new-draft-review.json', id: 'OcoyaNewDraftTrg', output: 'Review Item' } as const;
const FAILED = { file: 'failed-post-alert.json', id: 'OcoyaFailedAlert', output: 'Failure Summary' } as const;
const WORKSPACE = 'ws_standin_1';

interface ExecutionListing {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
}

/** The finished executions of one workflow, oldest first. */
async function executionsOf(owner: N8nSession, workflowId: string): Promise<ExecutionListing[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const { data } = await owner.request<{ data: { results: ExecutionListing[] } }>('GET', `/rest/executions?filter=${filter}&limit=100`);
	return data.results.filter((e) => !['new', 'running', 'waiting'].includes(e.status)).reverse();
}

/** The post group ids an execution's run data carries (its trigger's items and the Set node's). */
async function postIdsOf(owner: N8nSession, executionId: string): Promise<string[]> {
	const runData = await executionRunData(owner, executionId);
	return [...new Set(runData.match(/pg_standin_\d{4}/g) ?? [])].sort();
}

/** Ids per execution of both workflows, in order. */
async function emitted(owner: N8nSession): Promise<{ drafts: string[][]; failed: string[][] }> {
	const read = async (workflowId: string): Promise<string[][]> =>
		await Promise.all((await executionsOf(owner, workflowId)).map(async (e) => await postIdsOf(owner, e.id)));
	return { drafts: await read(DRAFTS.id), failed: await read(FAILED.id) };
}

/** Resolves once both triggers polled again (GET /post requests seen by the stand-in). */
async function nextTick(standIn: StandIn, what: string): Promise<void> {
	const before = standIn.requestsTo('GET', '/post').length;
	await waitFor(what, async () => (standIn.requestsTo('GET', '/post').length >= before + 2 ? true : undefined), 75_000);
}

interface Scenario {
	standIn: StandIn;
	owner: () => N8nSession;
	/** Stops n8n (main), runs `whileDown`, starts it again and gives the new session. */
	restart: (whileDown: () => void) => Promise<void>;
}

/** The scenario of the file comment, asserted; returns the ids per execution for the log. */
async function runScenario(label: string, scenario: Scenario): Promise<void> {
	const { standIn } = scenario;
	const elapsed = timer();
	// 1. The activation polls at start recorded the seeded posts: no executions.
	await sleep(3000);
	expect(await emitted(scenario.owner())).toEqual({ drafts: [], failed: [] });

	// 2. Two drafts appear and a scheduled post fails; the next tick emits each once.
	const newDrafts = standIn.addPosts(2, { status: 'DRAFT' }).map((post) => post.id);
	const scheduled = standIn.posts(WORKSPACE).filter((post) => post.status === 'SCHEDULED');
	standIn.setPostStatus(scheduled[0].id, 'ERROR');
	await nextTick(standIn, 'the tick after the first changes');
	const afterTick = await waitFor('the first executions', async () => {
		const seen = await emitted(scenario.owner());
		return seen.drafts.length >= 1 && seen.failed.length >= 1 ? seen : undefined;
	});
	expect(afterTick).toEqual({ drafts: [[...newDrafts].sort()], failed: [[scheduled[0].id]] });
	log(`${label}: tick 1 emitted drafts ${JSON.stringify(afterTick.drafts)} and failed ${JSON.stringify(afterTick.failed)} (${elapsed()})`);

	// 3. An empty poll (n8n saves nothing), then n8n stops right after it.
	await nextTick(standIn, 'an empty tick');
	await sleep(1500);
	expect(await emitted(scenario.owner())).toEqual(afterTick);
	let whileDown: { draft: string; failed: string } | undefined;
	await scenario.restart(() => {
		const [draft] = standIn.addPosts(1, { status: 'DRAFT' });
		standIn.setPostStatus(scheduled[1].id, 'ERROR');
		whileDown = { draft: draft.id, failed: scheduled[1].id };
	});
	const changes = whileDown as { draft: string; failed: string };

	// 4. The activation polls emit exactly what changed while n8n was down; the next tick nothing.
	const afterRestart = await waitFor('the executions after the restart', async () => {
		const seen = await emitted(scenario.owner());
		return seen.drafts.length >= 2 && seen.failed.length >= 2 ? seen : undefined;
	});
	expect(afterRestart).toEqual({ drafts: [...afterTick.drafts, [changes.draft]], failed: [...afterTick.failed, [changes.failed]] });
	await nextTick(standIn, 'the tick after the restart');
	await sleep(3000);
	const final = await emitted(scenario.owner());
	expect(final).toEqual(afterRestart);
	const all = [...final.drafts.flat(), ...final.failed.flat()];
	expect(new Set(all).size).toBe(all.length);
	log(`${label}: ${all.length} items for ${all.length} changes, none repeated, in ${elapsed()} (${standIn.requestsTo('GET', '/post').length} GET /post)`);
}

function withStandIn(standIn: StandIn) {
	return [{ id: CREDENTIAL_ID, name: CREDENTIAL_NAME, standIn }];
}

function seedPosts(standIn: StandIn): void {
	standIn.seedPosts([{ count: 30, workspaceId: WORKSPACE, statuses: ['DRAFT', 'SCHEDULED', 'ERROR', 'POSTED'] }]);
}

const regularMode = requirementsMet(__filename, n8nRequirement());

(regularMode ? describe : describe.skip)('Ocoya Trigger in real n8n, regular mode', () => {
	let standIn: StandIn;
	let folder: PreparedFolder;
	let n8n: N8nHandle | undefined;
	let owner: N8nSession;

	beforeAll(async () => {
		standIn = await startStandIn({ posts: [] });
		seedPosts(standIn);
		folder = await prepareUserFolder({
			baseUrl: standIn.baseUrl,
			apiKey: standIn.apiKey,
			workflows: [readExample(DRAFTS.file), readExample(FAILED.file)],
		});
		for (const example of [DRAFTS, FAILED]) await folder.cli(activateWorkflowArgs(example.id));
		n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 180_000 });
		owner = await ownerSession(n8n.url);
	});

	afterAll(async () => {
		await n8n?.stop();
		await standIn?.close();
		folder?.remove();
	});

	test('each change emitted once: first poll records, a tick emits, a restart right after an empty poll loses and repeats nothing', async () => {
		await runScenario('regular', {
			standIn,
			owner: () => owner,
			restart: async (whileDown) => {
				const port = n8n!.port;
				await n8n!.stop();
				whileDown();
				n8n = await startN8n({ userFolder: folder.userFolder, port, timeoutMs: 180_000 });
				owner = await ownerSession(n8n.url);
			},
		});
	});

	test('the examples: a review item per new draft, a summary item per failed post', async () => {
		const executions = { drafts: await executionsOf(owner, DRAFTS.id), failed: await executionsOf(owner, FAILED.id) };
		const reviewRun = await executionRunData(owner, executions.drafts[0].id);
		expect(reviewRun).toContain('pending');
		expect(reviewRun).toMatch(/Please review draft pg_standin_\d{4} for /);
		const summaryRun = await executionRunData(owner, executions.failed[0].id);
		expect(summaryRun).toMatch(/Ocoya could not publish post pg_standin_\d{4} \(due [^)]+\) to [^:]+: /);
		for (const execution of [...executions.drafts, ...executions.failed]) {
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('trigger');
		}
	});
});

const queueMode = requirementsMet(__filename, n8nRequirement(), {
	what: 'Redis (redis-server on PATH)',
	missing: redisServerVersion() === undefined ? `no redis-server; ${REDIS_INSTALL_HINT}` : undefined,
});

(queueMode ? describe : describe.skip)('Ocoya Trigger in real n8n, queue mode (main + 2 workers, main restarted once)', () => {
	let standIn: StandIn;
	let stack: QueueStack | undefined;
	let main: N8nHandle | undefined;
	let owner: N8nSession;

	beforeAll(async () => {
		standIn = await startStandIn({ posts: [] });
		seedPosts(standIn);
		stack = await startQueueStack({
			workers: 2,
			log,
			setup: async ({ cli }) =>
				await importAndPublish(cli, withStandIn(standIn), [readExample(DRAFTS.file), readExample(FAILED.file)]),
		});
		main = stack.main;
		owner = await ownerSession(stack.url);
	});

	afterAll(async () => {
		if (main !== stack?.main) await main?.stop();
		await stack?.stop();
		await standIn?.close();
	});

	test('each change emitted once, executions on the workers, main restarted right after an empty poll', async () => {
		const started = (): number => stack!.workers.reduce((sum, worker) => sum + worker.startedExecutions().length, 0);
		await runScenario('queue', {
			standIn,
			owner: () => owner,
			restart: async (whileDown) => {
				const port = main!.port;
				await main!.stop();
				whileDown();
				main = await startN8n({ userFolder: stack!.userFolder, port, env: stack!.env, timeoutMs: 180_000 });
				owner = await ownerSession(main.url);
			},
		});
		// Four executions (two per workflow), all run by the workers.
		expect(started()).toBe(4);
	});
});
