/**
 * Issue 8, queue mode: main + 2 workers × concurrency 10, Redis and Postgres (dev/n8n/queue.ts),
 * 200 concurrent webhook events → Ocoya Campaign Create against the stand-in limited to 50
 * requests per 5 s. Bounds: every event created once, 0 failed executions, both workers used,
 * 429s ≤ 5 % of events, and with X-RateLimit-Reset in epoch ms, time ≤ 1.15× the minimum (20 s).
 * Needs redis-server: skipped with one line where it is missing, failed under CI=true.
 */
import { outboundRecord, ownerSession, type N8nSession } from '../../dev/n8n/app';
import { startQueueStack, type QueueStack } from '../../dev/n8n/queue';
import { REDIS_INSTALL_HINT, redisServerVersion } from '../../dev/n8n/redis';
import {
	EVENTS,
	MAX_429_SHARE_QUEUE,
	burstTable,
	expectWithinBounds,
	importBurstTargets,
	runBurst,
	startBurstTargets,
	type BurstResult,
	type BurstTarget,
} from './burst';
import { executionRunData, log, n8nRequirement, outboundAttempts, postWebhook, requirementsMet, timer, waitFor } from './support';

jest.setTimeout(600_000);

const WORKERS = 2;
const CONCURRENCY = 10;

const runnable = requirementsMet(__filename, n8nRequirement(), {
	what: 'Redis (redis-server on PATH)',
	missing: redisServerVersion() === undefined ? `no redis-server; ${REDIS_INSTALL_HINT}` : undefined,
});
const suite = runnable ? describe : describe.skip;

suite(
	'200 concurrent webhook events in queue mode (main + 2 workers × 10), 50 requests per 5 s',
	() => {
		let targets: BurstTarget[] = [];
		let stack: QueueStack | undefined;
		let owner: N8nSession;
		const results: BurstResult[] = [];
		const suiteTime = timer();

		beforeAll(async () => {
			targets = await startBurstTargets();
			const elapsed = timer();
			stack = await startQueueStack({
				workers: WORKERS,
				concurrency: CONCURRENCY,
				log,
				setup: async ({ cli }) => await importBurstTargets(cli, targets),
			});
			owner = await ownerSession(stack.url);
			log(`queue stack started in ${elapsed()}`);
		});

		afterAll(async () => {
			if (results.length) log(`burst, queue mode:\n${burstTable(results)}`);
			await stack?.stop();
			await Promise.all(targets.map((t) => t.standIn.close()));
			log(`queue-mode burst suite took ${suiteTime()}`);
		});

		// The unbounded run goes first: it warms n8n (first executions load code), so the bounded run measures pacing, not a cold start.
		test.each(['epoch-seconds', 'epoch-ms'])('X-RateLimit-Reset in %s: each created once, 0 failed, both workers used, 429s ≤ 5 %%', async (format) => {
			const target = targets.find((t) => t.resetFormat === format)!;
			const startedBefore = stack!.workers.map((w) => w.startedExecutions().length);
			const result = await runBurst({
				mode: `queue, ${WORKERS} × ${CONCURRENCY}`,
				n8nUrl: stack!.url,
				owner,
				target,
				perWorker: () => stack!.workers.map((w, i) => w.startedExecutions().length - startedBefore[i]),
			});
			results.push(result);
			log(burstTable([result]));
			expectWithinBounds(result, MAX_429_SHARE_QUEUE);
			expect(result.perWorker).toHaveLength(WORKERS);
			for (const executions of result.perWorker!) expect(executions).toBeGreaterThan(0);
			expect(result.perWorker!.reduce((a, b) => a + b, 0)).toBe(EVENTS);
		});

		test('no n8n process of the stack tried to reach beyond loopback', () => {
			const folders = [stack!.userFolder, ...stack!.workers.map((w) => w.userFolder)];
			for (const folder of folders) expect(outboundRecord(folder).processes.length).toBeGreaterThan(0);
			expect(folders.flatMap((folder) => outboundAttempts(folder))).toEqual([]);
		});

		test('a worker without the package: the caller still gets 200, the execution fails with "Unrecognized node type", nothing is created', async () => {
			const target = targets.find((t) => t.resetFormat === 'epoch-ms')!;
			target.standIn.reset();
			// Only the worker without the package is left to take the job.
			for (const worker of stack!.workers) await worker.handle.stop();
			const bare = await stack!.addWorker({ withPackage: false });

			const reply = await postWebhook(stack!.url, target.webhookPath, { marker: 'worker-without-package' });

			expect(reply.status).toBe(200);
			const executionId = await waitFor('the worker without the package to take the execution', async () => bare.startedExecutions()[0], 60_000);
			const execution = await waitFor(
				`execution ${executionId} to finish`,
				async () => {
					const { data } = await owner.request<{ data: { status: string } }>('GET', `/rest/executions/${executionId}`);
					return ['new', 'running', 'waiting'].includes(data.status) ? undefined : data;
				},
				60_000,
			);
			expect(execution.status).toBe('error');
			expect(await executionRunData(owner, executionId)).toContain('Unrecognized node type: n8n-nodes-ocoya.ocoya');
			expect(target.standIn.requests).toHaveLength(0);
		});
	},
);
