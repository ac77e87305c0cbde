/**
 * Issue 16, regular mode: one n8n process, MIXED_EVENTS concurrent webhook events, each running
 * Campaign › Create, Post › Create, Post › Get Many and Workspace › Get Many on one key, against
 * the stand-in limited to 50 requests per 5 s with X-RateLimit-Reset in epoch ms. Bounds: each
 * event's campaign and post created once, every list answered, 0 failed executions, 429s ≤ 2 % of
 * the N requests, time ≤ 1.15× the minimum (N ÷ 50 × 5 s).
 */
import { outboundRecord, ownerSession, startN8n, type N8nHandle, type N8nSession } from '../../dev/n8n/app';
import {
	MAX_429_SHARE_REGULAR,
	expectMixedWithinBounds,
	importMixedBurstTarget,
	mixedBurstTable,
	runMixedBurst,
	startMixedBurstTarget,
	type MixedBurstTarget,
} from './burst';
import { log, n8nRequirement, outboundAttempts, prepareUserFolder, requirementsMet, timer, type PreparedFolder } from './support';

jest.setTimeout(600_000);

const runnable = requirementsMet(__filename, n8nRequirement());
const suite = runnable ? describe : describe.skip;

let target: MixedBurstTarget | undefined;
let folder: PreparedFolder | undefined;
let n8n: N8nHandle | undefined;
let owner: N8nSession;
const suiteTime = timer();

beforeAll(async () => {
	if (!runnable) return;
	target = await startMixedBurstTarget();
	folder = await prepareUserFolder({ baseUrl: target.standIn.baseUrl, apiKey: target.standIn.apiKey });
	await importMixedBurstTarget(folder.cli, target);
	const elapsed = timer();
	n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 180_000 });
	owner = await ownerSession(n8n.url);
	log(`n8n (regular mode) started in ${elapsed()}`);
});

afterAll(async () => {
	await n8n?.stop();
	await target?.standIn.close();
	folder?.remove();
	log(`regular-mode mixed burst suite took ${suiteTime()}`);
});

suite('a mixed burst (creates and lists on one key) in one n8n process, 50 requests per 5 s', () => {
	test('each event created once, every list answered, 0 failed, 429s ≤ 2 % of requests, time ≤ 1.15× the minimum', async () => {
		const result = await runMixedBurst({ mode: 'regular', n8nUrl: n8n!.url, owner, target: target! });
		log(`mixed burst, regular mode:\n${mixedBurstTable([result])}`);
		expectMixedWithinBounds(result, MAX_429_SHARE_REGULAR);
	});

	test('n8n tried to reach nothing beyond loopback', () => {
		expect(outboundRecord(folder!.userFolder).processes.length).toBeGreaterThan(0);
		expect(outboundAttempts(folder!.userFolder)).toEqual([]);
	});
});
