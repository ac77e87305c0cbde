/**
 * Table 2, under the rate limit: Ocoya's 60 requests a minute scaled to 10 per 1-second window
 * (so a run takes seconds, not minutes), with the stand-in's X-RateLimit-* headers, 100 items
 * with unique prompts so duplicate creates can be counted.
 */
import { startStandIn, type RateLimitOptions, type StandIn } from '../ocoya-stand-in';
import { fmt, log, nowMs, rateLimitMinimumMs, rateLimitRow, table } from './common';
import { runHttpRequest, runOurs, type Measure } from './contenders';

const ITEMS = 100;
const LIMIT = 10;
const WINDOW_MS = 1000;
const MINIMUM_MS = rateLimitMinimumMs(ITEMS, LIMIT, WINDOW_MS);
/** n8n's UI maximum for Retry On Fail. */
const RETRY = { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 };

interface Scenario {
	label: string;
	resetFormat: NonNullable<RateLimitOptions['resetFormat']>;
	run: (standIn: StandIn) => Promise<Measure>;
	/** Whether the targets (≤ 1.15× minimum, 0 failed, 0 duplicated) apply to this row. */
	targeted: boolean;
}

const SCENARIOS: Scenario[] = [
	{
		label: '**Our node**, Reset in epoch ms',
		resetFormat: 'epoch-ms',
		run: async (s) => await runOurs(s, ITEMS),
		targeted: true,
	},
	{
		label: 'Our node, Reset in epoch seconds',
		resetFormat: 'epoch-seconds',
		run: async (s) => await runOurs(s, ITEMS),
		targeted: false,
	},
	{
		label: 'HTTP Request node, Retry On Fail 5 × 5,000 ms',
		resetFormat: 'epoch-ms',
		run: async (s) => await runHttpRequest(s, ITEMS, RETRY),
		targeted: false,
	},
	{
		label: 'HTTP Request node, Batching 10 per 1,000 ms + Retry On Fail 5 × 5,000 ms',
		resetFormat: 'epoch-ms',
		run: async (s) => await runHttpRequest(s, ITEMS, RETRY, { batching: { batchSize: LIMIT, batchInterval: WINDOW_MS } }),
		targeted: false,
	},
];

export async function benchRateLimit(): Promise<string> {
	const rows: string[][] = [];
	const notes: string[] = [];
	for (const scenario of SCENARIOS) {
		log(`rate limit: ${scenario.label.replace(/\*/g, '')}`);
		const standIn = await startStandIn({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, resetFormat: scenario.resetFormat } });
		try {
			const started = nowMs();
			const measure = await scenario.run(standIn);
			const totalMs = nowMs() - started;
			const failed = ITEMS - measure.okItems;
			const target = scenario.targeted ? {} : undefined;
			const { cells, unknownPrompts } = rateLimitRow({ label: scenario.label, standIn, totalMs, minimumMs: MINIMUM_MS, failed, inputs: ITEMS, target });
			rows.push(cells);
			if (measure.error) notes.push(`${scenario.label}: the node ended with “${measure.error}”.`);
			if (unknownPrompts.length > 0) notes.push(`${scenario.label}: unexpected prompts ${unknownPrompts.slice(0, 3).join(', ')}`);
		} finally {
			await standIn.close();
		}
	}
	return [
		`### 2. Under the rate limit: ${ITEMS} items, ${LIMIT} requests per ${fmt(WINDOW_MS)} ms window`,
		'',
		`Ocoya’s 60 requests a minute scaled down to ${LIMIT} per ${fmt(WINDOW_MS / 1000)} s (fixed window per key, ` +
			`\`X-RateLimit-Limit/-Remaining/-Reset\` on every reply, 429 past the limit, no \`Retry-After\`). ` +
			`Theoretical minimum = ${ITEMS} ÷ ${LIMIT} × ${fmt(WINDOW_MS / 1000)} s = **${fmt(MINIMUM_MS / 1000)} s**. ` +
			'Each item’s prompt is unique (`Campaign for lead {{$json.i}}`), so a campaign created twice for one prompt is a duplicate. ' +
			'“Failed” = input items without a created campaign in the node’s output (a node that stops on error outputs nothing). ' +
			'Target for our node: ≤ 1.15× the minimum, 0 failed, 0 duplicated.',
		'',
		table(['Run', 'Total, s', '÷ minimum', 'Failed items', 'Campaigns created', 'Duplicates', '429s received', 'Requests sent', 'Target'], rows),
		'',
		'- **Reset in epoch ms vs epoch seconds:** the stand-in’s default writes `X-RateLimit-Reset` in whole epoch seconds, rounded up. ' +
			'With a 1 s window that rounding alone can add up to a whole window per window (our node waits until the stated reset); ' +
			'with Ocoya’s real 60 s window it adds at most 1 s per 60 s. The epoch-ms row is the faithful scale model; the epoch-seconds row shows the rounding’s cost at this scale.',
		`- **Below 1× is possible:** the formula counts ${ITEMS / LIMIT} full windows, but the last window only has to hold its ${LIMIT} requests, ` +
			`so the real floor is ${ITEMS / LIMIT - 1} windows plus ${LIMIT} round trips (≈ ${fmt(((ITEMS / LIMIT - 1) * WINDOW_MS) / 1000)} s).`,
		'- n8n’s Retry On Fail re-runs the whole node for all items, so every item that succeeded before the failure is created again on each retry.',
		...notes.map((n) => `- ${n}`),
	].join('\n');
}
