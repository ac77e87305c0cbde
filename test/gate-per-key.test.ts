/**
 * One rate-limit gate per API key (issue 16): an agency holds one key per client, and Ocoya limits
 * per key, so 8 keys at once must each run at their own limit. 8 credentials with 8 keys, 100
 * campaigns each, 50 requests per 5 s per key, all at once in one process through n8n-core.
 */
import { startStandIn, type StandIn } from '../dev/ocoya-stand-in';
import { createParameters, items, runCreate } from './support/ocoya';
import { shutdownHarness } from '../dev/harness';

const KEYS = 8;
const PER_KEY = 100;
const LIMIT = 50;
const WINDOW_MS = 5000;
/** The least one key's run can take when each window's budget is spread over it. */
const MINIMUM_MS = (PER_KEY / LIMIT) * WINDOW_MS;

const standIns: StandIn[] = [];
afterAll(async () => {
	await Promise.all(standIns.map(async (standIn) => await standIn.close()));
	await shutdownHarness();
});

test(`${KEYS} keys × ${PER_KEY} requests at ${LIMIT} per ${WINDOW_MS / 1000} s each, all at once: each within 1.15× its minimum, all within 1.3×`, async () => {
	// The stand-in limits per key but accepts one key, so one stand-in per key.
	for (let i = 0; i < KEYS; i++) {
		standIns.push(await startStandIn({ apiKey: `agency-client-key-${i}`, rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, resetFormat: 'epoch-ms' } }));
	}
	// A real n8n process is warm: one untimed run loads and compiles n8n-core's engine first.
	const warmUp = await startStandIn();
	standIns.push(warmUp);
	expect((await runCreate(warmUp, createParameters(), { credentialId: 'agency-warm-up' })).error).toBeUndefined();

	const started = Date.now();
	const clients = standIns.filter((standIn) => standIn !== warmUp);
	const durations = await Promise.all(
		clients.map(async (standIn, i) => {
			const result = await runCreate(
				standIn,
				createParameters({ prompt: '={{ "Campaign for client event " + $json.n }}' }),
				{ inputItems: items(...Array.from({ length: PER_KEY }, (_, n) => ({ n }))), credentialId: `agency-credential-${i}` },
			);
			expect(result.error).toBeUndefined();
			return Date.now() - started;
		}),
	);
	const whole = Date.now() - started;

	const ratios = durations.map((ms) => Math.round((ms / MINIMUM_MS) * 100) / 100);
	console.log(`per-key time ÷ minimum (${MINIMUM_MS} ms): ${ratios.join(', ')}; whole run ÷ one key's minimum: ${(whole / MINIMUM_MS).toFixed(2)}`);
	for (const standIn of clients) {
		expect(standIn.campaignsCreated).toBe(PER_KEY);
		expect(standIn.requests.filter((request) => request.status === 429)).toHaveLength(0);
	}
	for (const ratio of ratios) expect(ratio).toBeLessThanOrEqual(1.15);
	expect(whole / MINIMUM_MS).toBeLessThanOrEqual(1.3);
}, 60_000);
