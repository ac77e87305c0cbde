/**
 * Rate limits under real traffic, through n8n-core's engine against the stand-in: no zero-length
 * retry, a server clock seconds off, one pacing state per credential shared by concurrent
 * executions and dropdown loads, and what a failed request tells a caller about what was sent.
 * Every case counts requests and 429s and times the run against the least the limit allows.
 */
import { NodeApiError, type INodeParameters } from 'n8n-workflow';

import { requestOutcome } from '../nodes/Ocoya/transport';
import { pacerFor, refinedClockOffsetMs } from '../nodes/Ocoya/transport/rateLimit';
import { freePort } from '../dev/n8n/app';
import { startStandIn, type StandIn, type StandInOptions } from '../dev/ocoya-stand-in';
import {
	createParameters,
	currentCredentialId,
	everythingVisible,
	items,
	runCreate,
	runLoader,
	useStandIn,
} from './support/ocoya';

const standIn = useStandIn();

const MAY_EXIST = /The campaign may have been created; check Ocoya before retrying/;
const TAGGED_PROMPT = '={{ "Campaign for event " + $json.tag }}';

function rateLimited(headers: Record<string, string>) {
	return {
		status: 429,
		headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', ...headers },
		body: { message: 'Too many requests' },
		times: 'forever' as const,
	};
}

function count429(target: StandIn): number {
	return target.requests.filter((request) => request.status === 429).length;
}

function tagged(prefix: string, n: number) {
	return items(...Array.from({ length: n }, (_, i) => ({ tag: `${prefix}${i + 1}` })));
}

/** The least time `requests` need under `limit` per `windowMs`, when each window's budget is spread over it. */
function minimumMs(requests: number, limit: number, windowMs: number): number {
	return (requests / limit) * windowMs;
}

async function withStandIn<T>(options: StandInOptions, use: (target: StandIn) => Promise<T>): Promise<T> {
	const target = await startStandIn(options);
	try {
		return await use(target);
	} finally {
		await target.close();
	}
}

describe('no zero-length retry after a 429', () => {
	it.each([
		['X-RateLimit-Reset already past', () => ({ 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) - 10) })],
		['Retry-After: 0', () => ({ 'Retry-After': '0' })],
	])('%s, forever: backs off and gives up at Max Wait, sending a handful of requests', async (_name, headers) => {
		standIn.failNext(rateLimited(headers()));
		const started = Date.now();
		const result = await runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 3 } }));
		const elapsed = Date.now() - started;

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe("Ocoya's rate limit did not clear within the allowed wait of 3 s");
		expect(requestOutcome(result.error)).toBe('notSent');
		// Backoff of 0.5–1 s, 1–2 s, 2–4 s…: at most 4 requests fit in 3 s (the loop sent ~1,200 a second).
		const sent = standIn.campaignRequests().length;
		expect(sent).toBeGreaterThanOrEqual(2);
		expect(sent).toBeLessThanOrEqual(4);
		expect(elapsed).toBeLessThan(3000 + 1000);
		expect(standIn.campaignsCreated).toBe(0);
	}, 10_000);

	it('a 429 whose reset is past, then success: waits at least the floor before the second request', async () => {
		standIn.failNext({ ...rateLimited({ 'X-RateLimit-Reset': String(Date.now() - 5000) }), times: 1 });
		const result = await runCreate(standIn, createParameters());
		expect(result.error).toBeUndefined();
		const [first, second] = standIn.campaignRequests();
		expect(standIn.campaignRequests()).toHaveLength(2);
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(500);
		expect(standIn.campaignsCreated).toBe(1);
	});
});

describe("a server clock seconds off n8n's", () => {
	const limit = 3;
	const windowMs = 1000;
	const events = 6;

	it.each([5000, -5000])(
		'server %i ms off: epoch resets read on its clock, so no 429 and no oversleeping',
		async (clockSkewMs) => {
			await withStandIn({ clockSkewMs, rateLimit: { limit, windowMs, resetFormat: 'epoch-ms' } }, async (target) => {
				const started = Date.now();
				const result = await runCreate(target, createParameters(), { inputItems: tagged('e', events) });
				const elapsed = Date.now() - started;

				expect(result.error).toBeUndefined();
				expect(target.campaignsCreated).toBe(events);
				expect(count429(target)).toBe(0);
				// Read against our clock, a reset 5 s ahead costs 5 s a window (≥ 10 s in all); 5 s behind, a 429 storm.
				expect(elapsed / minimumMs(events, limit, windowMs)).toBeLessThanOrEqual(1.4);
			});
		},
		20_000,
	);

	it.each([5000, -5000])('server %i ms off, resets in whole epoch seconds: created once, no 429', async (clockSkewMs) => {
		await withStandIn({ clockSkewMs, rateLimit: { limit, windowMs, resetFormat: 'epoch-seconds' } }, async (target) => {
			const result = await runCreate(target, createParameters(), { inputItems: tagged('e', events) });
			expect(result.error).toBeUndefined();
			expect(target.campaignsCreated).toBe(events);
			expect(count429(target)).toBe(0);
		});
	}, 20_000);

	it('an offset up to a second ahead reads as 0; any reading behind is kept; beyond a second, the largest reading wins', () => {
		// Every reading is a lower bound of the true offset: 0 is one too when the reading is ahead, not when behind.
		expect(refinedClockOffsetMs(0, -600)).toBe(-600);
		expect(refinedClockOffsetMs(-600, -200)).toBe(-200);
		expect(refinedClockOffsetMs(0, 900)).toBe(0);
		expect(refinedClockOffsetMs(0, undefined)).toBe(0);
		expect(refinedClockOffsetMs(0, 5200)).toBe(5200);
		expect(refinedClockOffsetMs(5200, 4800)).toBe(5200);
		expect(refinedClockOffsetMs(5200, 5700)).toBe(5700);
		expect(refinedClockOffsetMs(5700, -4300)).toBe(-4300);
		expect(refinedClockOffsetMs(5700, 300)).toBe(0);
	});
});

describe('what a reply is believed to say (issue 15, finding 5 and the smaller ones)', () => {
	it('window known, 2 remaining, 10 waiters: a header-less 502 does not release them; no 429', async () => {
		const limit = 3;
		const windowMs = 1500;
		await withStandIn({ rateLimit: { limit, windowMs, resetFormat: 'epoch-ms' } }, async (target) => {
			const taught = await runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged('t', 1) });
			expect(taught.error).toBeUndefined();
			target.failNext({ status: 502, body: '<html>Bad gateway</html>' });
			const runs = Array.from({ length: 11 }, async (_, i) =>
				await runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged(`w${i}-`, 1) }),
			);
			await Promise.all(runs);

			const creates = target.campaignRequests();
			const badGateway = creates.find((request) => request.status === 502);
			expect(badGateway).toBeDefined();
			const soonAfter = creates.filter(
				(request) => request.receivedAt > badGateway!.receivedAt && request.receivedAt - badGateway!.receivedAt < 300,
			);
			// The window's budget left one more request after the 502; the old flag released all 10 within 50 ms.
			expect(soonAfter.length).toBeLessThanOrEqual(1);
			expect(count429(target)).toBe(0);
			expect(target.campaignsCreated).toBe(11);
		});
	}, 30_000);

	it('a server clock 600 ms behind (within the Date header’s second) does not release early: no 429', async () => {
		const limit = 3;
		const windowMs = 1000;
		await withStandIn({ clockSkewMs: -600, rateLimit: { limit, windowMs, resetFormat: 'epoch-ms' } }, async (target) => {
			const result = await runCreate(target, createParameters(), { inputItems: tagged('e', 12) });
			expect(result.error).toBeUndefined();
			expect(target.campaignsCreated).toBe(12);
			expect(count429(target)).toBe(0);
		});
	}, 30_000);

	it('a 429 with a past X-RateLimit-Reset and Retry-After: 2 waits the 2 s', async () => {
		standIn.failNext({
			...rateLimited({ 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) - 10), 'Retry-After': '2' }),
			times: 1,
		});
		const result = await runCreate(standIn, createParameters());
		expect(result.error).toBeUndefined();
		const [first, second] = standIn.campaignRequests();
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1900);
		expect(standIn.campaignsCreated).toBe(1);
	});

	it('a reset three hours away is not believed: a valid Retry-After is used instead', async () => {
		standIn.failNext({
			...rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 3 * 3_600_000), 'Retry-After': '1' }),
			times: 1,
		});
		const started = Date.now();
		const result = await runCreate(standIn, createParameters());
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(3000);
		const [first, second] = standIn.campaignRequests();
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
	});

	it('a reset three hours away with no Retry-After: backoff, not a three-hour block', async () => {
		standIn.failNext({ ...rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 3 * 3_600_000) }), times: 1 });
		const started = Date.now();
		const result = await runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 60 } }));
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeLessThan(3000);
		expect(standIn.campaignsCreated).toBe(1);
	});
});

describe('one pacing state per credential, shared within the n8n process', () => {
	it('concurrent executions on one credential share the window: every campaign once, no 429', async () => {
		const limit = 5;
		const windowMs = 1000;
		await withStandIn({ rateLimit: { limit, windowMs, resetFormat: 'epoch-ms' } }, async (target) => {
			const started = Date.now();
			const results = await Promise.all(
				['a', 'b', 'c', 'd'].map((prefix) =>
					runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged(prefix, 5) }),
				),
			);
			const elapsed = Date.now() - started;

			for (const result of results) expect(result.error).toBeUndefined();
			const prompts = target.createdCampaigns.map((campaign) => campaign.body.prompt);
			expect(new Set(prompts).size).toBe(20);
			expect(target.campaignsCreated).toBe(20);
			expect(count429(target)).toBe(0);
			const ratio = elapsed / minimumMs(20, limit, windowMs);
			expect(ratio).toBeGreaterThanOrEqual(0.75);
			expect(ratio).toBeLessThanOrEqual(1.35);
		});
	}, 20_000);

	it('waiters go in arrival order: executions queued behind a spent window interleave item by item', async () => {
		await withStandIn({ rateLimit: { limit: 2, windowMs: 600, resetFormat: 'epoch-ms' } }, async (target) => {
			const spent = await runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged('x', 2) });
			expect(spent.error).toBeUndefined();
			const runs: Array<Promise<unknown>> = [];
			for (const prefix of ['a', 'b', 'c']) {
				runs.push(runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged(prefix, 3) }));
				await new Promise((resolve) => setTimeout(resolve, 30));
			}
			await Promise.all(runs);
			const order = target.createdCampaigns.map((campaign) => String(campaign.body.prompt).replace('Campaign for event ', ''));
			// Each execution sends its next item after its previous reply, so it queues behind the others.
			expect(order).toEqual(['x1', 'x2', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3']);
			expect(count429(target)).toBe(0);
		});
	}, 20_000);

	it('a dropdown load waits for the window an execution spent, instead of drawing a 429', async () => {
		await withStandIn({ rateLimit: { limit: 2, windowMs: 2000, resetFormat: 'epoch-ms' } }, async (target) => {
			const created = await runCreate(target, createParameters(), { inputItems: tagged('e', 2) });
			expect(created.error).toBeUndefined();
			const loaded = await runLoader(target, 'getBrandKits');
			expect(loaded.ok).toBe(true);
			const [firstCreate] = target.campaignRequests();
			const [load] = target.requestsTo('GET', '/brand-kits');
			expect(load.receivedAt - firstCreate.receivedAt).toBeGreaterThanOrEqual(1900);
			expect(count429(target)).toBe(0);
		});
	}, 15_000);

	it('a 429 caused by another client on the same key paces every waiting execution: one 429 in all', async () => {
		await withStandIn({ rateLimit: { limit: 3, windowMs: 2000, resetFormat: 'epoch-ms' } }, async (target) => {
			for (let i = 0; i < 3; i++) {
				await fetch(`${target.baseUrl}/me`, { headers: { 'X-API-Key': target.apiKey } });
			}
			const results = await Promise.all(
				['a', 'b'].map((prefix) =>
					runCreate(target, createParameters({ prompt: TAGGED_PROMPT }), { inputItems: tagged(prefix, 2) }),
				),
			);
			for (const result of results) expect(result.error).toBeUndefined();
			expect(target.campaignsCreated).toBe(4);
			expect(count429(target)).toBe(1);
		});
	}, 15_000);

	it.each([
		['another API key', (target: StandIn) => ({ baseUrl: target.baseUrl, apiKey: `${target.apiKey}-other` })],
		['another Base URL for the same server', (target: StandIn) => ({ baseUrl: target.baseUrl.replace('127.0.0.1', 'localhost'), apiKey: target.apiKey })],
	])('%s is paced on its own gate, at once (a changed key or Base URL starts fresh)', async (_name, otherTarget) => {
		standIn.failNext(rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 20_000) }));
		const controller = new AbortController();
		const blocked = runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 30 } }), {
			abortSignal: controller.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 200));
		const started = Date.now();
		const other = await runCreate(otherTarget(standIn), createParameters({ options: { rateLimitMaxWait: 5 } }), {
			credentialId: `${currentCredentialId()}-other`,
		});
		// Its own request goes at once (a 403 for the other key, the scripted 429 for the other Base
		// URL), not after queueing behind the first gate's 20 s wait.
		expect(Date.now() - started).toBeLessThan(1500);
		expect(standIn.campaignRequests()).toHaveLength(2);
		expect(other.error?.message).toMatch(/rate limit did not clear|HTTP 403/);
		controller.abort();
		expect((await blocked).items).toHaveLength(0);
	}, 10_000);

	it('one API key in two credentials shares one gate: the second waits behind the first, sending nothing', async () => {
		standIn.failNext(rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 20_000) }));
		const controller = new AbortController();
		const blocked = runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 30 } }), {
			abortSignal: controller.signal,
		});
		await new Promise((resolve) => setTimeout(resolve, 200));
		const other = await runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 5 } }), {
			credentialId: `${currentCredentialId()}-second-credential`,
		});
		expect(other.error?.message).toBe("Ocoya's rate limit did not clear within the allowed wait of 5 s");
		expect(requestOutcome(other.error)).toBe('notSent');
		expect(standIn.campaignRequests()).toHaveLength(1);
		controller.abort();
		expect((await blocked).items).toHaveLength(0);
	}, 10_000);

	it('an item whose wait would pass Max Wait leaves the queue at once, and so does the one behind it', async () => {
		standIn.failNext(rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 20_000) }));
		const started = Date.now();
		const [first, second] = await Promise.all([
			runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 2 } })),
			runCreate(standIn, createParameters({ options: { rateLimitMaxWait: 2 } })),
		]);
		expect(Date.now() - started).toBeLessThan(1500);
		for (const result of [first, second]) {
			expect(result.error?.message).toBe("Ocoya's rate limit did not clear within the allowed wait of 2 s");
			expect(requestOutcome(result.error)).toBe('notSent');
		}
		expect(standIn.campaignRequests().length).toBeLessThanOrEqual(2);
	});

	it('a cancelled execution leaves the queue at once; the one behind it is served after the reset', async () => {
		standIn.failNext({ ...rateLimited({ 'X-RateLimit-Reset': String(Date.now() + 1500) }), times: 1 });
		const controller = new AbortController();
		const cancelledRun = runCreate(standIn, createParameters(), { abortSignal: controller.signal });
		await new Promise((resolve) => setTimeout(resolve, 100));
		const waitingRun = runCreate(standIn, createParameters({ prompt: 'Behind the cancelled one' }));
		await new Promise((resolve) => setTimeout(resolve, 200));
		const abortedAt = Date.now();
		controller.abort();
		const cancelled = await cancelledRun;
		expect(Date.now() - abortedAt).toBeLessThan(500);
		expect(cancelled.items).toHaveLength(0);
		const waiting = await waitingRun;
		expect(waiting.error).toBeUndefined();
		expect(standIn.campaignsCreated).toBe(1);
		expect(standIn.createdCampaigns[0].body.prompt).toBe('Behind the cancelled one');
	}, 10_000);

	it('keeps a bounded number of idle pacing states', () => {
		const first = pacerFor('bound-check-0');
		for (let i = 1; i <= 150; i++) pacerFor(`bound-check-${i}`);
		expect(pacerFor('bound-check-150')).toBe(pacerFor('bound-check-150'));
		expect(pacerFor('bound-check-0')).not.toBe(first);
	});
});

describe('what a failed request tells its caller, and what it never shows', () => {
	it.each([
		['400', { status: 400, body: { message: 'Invalid goal' } }, 'rejected'],
		['422', { status: 422, body: { message: 'Unknown brand kit' } }, 'rejected'],
		['500', { status: 500 }, 'unknown'],
		['503', { status: 503 }, 'unknown'],
		['a reset after the body was read', { reset: 'after-body' as const }, 'unknown'],
		['a 202 that is not JSON', { status: 202, rawBody: 'not json' }, 'unknown'],
	])('%s → %s', async (_name, fault, outcome) => {
		standIn.failNext(fault);
		const result = await runCreate(standIn, createParameters());
		expect(result.error).toBeDefined();
		expect(requestOutcome(result.error)).toBe(outcome);
		expect(standIn.campaignRequests()).toHaveLength(1);
	});

	it('a timeout after sending is of unknown outcome', async () => {
		standIn.failNext({ delayMs: 2500 });
		const result = await runCreate(standIn, createParameters({ options: { timeout: 1000 } }));
		expect(result.error?.message).toMatch(/did not answer within the Timeout option/);
		expect(requestOutcome(result.error)).toBe('unknown');
	});

	it('a refused connection is certainly not sent', async () => {
		const port = await freePort();
		const result = await runCreate({ baseUrl: `http://127.0.0.1:${port}/api/_public/v1`, apiKey: standIn.apiKey }, createParameters());
		expect(requestOutcome(result.error)).toBe('notSent');
	});

	it('a 202 whose body is a JSON list is an error that says the campaign may exist, not an item', async () => {
		standIn.failNext({ status: 202, body: [{ campaignId: 'cmp_1' }] as unknown as Record<string, unknown> });
		const result = await runCreate(standIn, createParameters());
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toBe('Ocoya answered HTTP 202 with a reply that is a JSON list, not an object');
		expect(result.error?.description).toMatch(MAY_EXIST);
		expect(requestOutcome(result.error)).toBe('unknown');
	});

	it.each([
		['a refused connection', async () => `http://ocoya-user:s3cret-pass@127.0.0.1:${await freePort()}/api/_public/v1`],
		['an invalid URL', async () => 'http://ocoya-user:s3cret-pass@[not-a-host/api'],
	])('a Base URL with user-info: %s shows neither user nor password anywhere', async (_name, baseUrl) => {
		const parameters: INodeParameters = createParameters();
		const result = await runCreate({ baseUrl: await baseUrl(), apiKey: standIn.apiKey }, parameters);
		expect(result.error).toBeDefined();
		const visible = everythingVisible(result);
		expect(visible).not.toContain('s3cret-pass');
		expect(visible).not.toContain('ocoya-user');
		expect(visible).not.toContain(standIn.apiKey);
	});
});
