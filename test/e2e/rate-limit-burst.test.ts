/**
 * Issue 8, regular mode: one n8n process (every execution concurrent, N8N_CONCURRENCY_PRODUCTION_LIMIT
 * unset), 200 concurrent webhook events → Ocoya Campaign Create against the stand-in limited to
 * 50 requests per 5 s. Bounds: every event created once, 0 failed executions, 429s ≤ 2 % of
 * events, and with X-RateLimit-Reset in epoch ms, time ≤ 1.15× the minimum (20 s).
 */
import { outboundRecord, ownerSession, startN8n, type N8nHandle, type N8nSession } from '../../dev/n8n/app';
import {
	MAX_429_SHARE_REGULAR,
	burstTable,
	expectWithinBounds,
	importBurstTargets,
	runBurst,
	startBurstTargets,
	type BurstResult,
	type BurstTarget,
} from './burst';
import { log, n8nRequirement, outboundAttempts, prepareUserFolder, requirementsMet, timer, type PreparedFolder } from './support';

jest.setTimeout(600_000);

const runnable = requirementsMet(__filename, n8nRequirement());
const suite = runnable ? describe : describe.skip;

let targets: BurstTarget[] = [];
let folder: PreparedFolder | undefined;
let n8n: N8nHandle | undefined;
let owner: N8nSession;
const results: BurstResult[] = [];
const suiteTime = timer();

beforeAll(async () => {
	if (!runnable) return;
	targets = await startBurstTargets();
	folder = await prepareUserFolder({ baseUrl: targets[0].standIn.baseUrl, apiKey: targets[0].standIn.apiKey });
	await importBurstTargets(folder.cli, targets);
	const elapsed = timer();
	n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 180_000 });
	owner = await ownerSession(n8n.url);
	log(`n8n (regular mode) started in ${elapsed()}`);
});

afterAll(async () => {
	if (results.length) log(`burst, regular mode:\n${burstTable(results)}`);
	await n8n?.stop();
	await Promise.all(targets.map((t) => t.standIn.close()));
	folder?.remove();
	log(`regular-mode burst suite took ${suiteTime()}`);
});

suite('200 concurrent webhook events in one n8n process, 50 requests per 5 s', () => {
	// The unbounded run goes first: it warms n8n (first executions load code), so the bounded run measures pacing, not a cold start.
	test.each(['epoch-seconds', 'epoch-ms'])('X-RateLimit-Reset in %s: each created once, 0 failed, 429s ≤ 2 %%', async (format) => {
		const target = targets.find((t) => t.resetFormat === format)!;
		const result = await runBurst({ mode: 'regular', n8nUrl: n8n!.url, owner, target });
		results.push(result);
		log(burstTable([result]));
		expectWithinBounds(result, MAX_429_SHARE_REGULAR);
	});

	test('n8n tried to reach nothing beyond loopback', () => {
		expect(outboundRecord(folder!.userFolder).processes.length).toBeGreaterThan(0);
		expect(outboundAttempts(folder!.userFolder)).toEqual([]);
	});
});
