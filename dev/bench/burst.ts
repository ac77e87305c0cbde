/**
 * Table 3, a burst: EXECUTIONS concurrent executions of one item each, all with the same Ocoya key
 * (the harness gives every execution the same credential id, as one n8n credential would),
 * like webhook events arriving at once, against the stand-in limited to LIMIT requests per
 * WINDOW_MS. Our node paces all of them through one state per credential in this process; the
 * HTTP Request node has only its per-execution options (Retry On Fail, Batching) to cope.
 */
import { startStandIn, type RateLimitOptions, type StandIn } from '../ocoya-stand-in';
import { fmt, log, nowMs, rateLimitMinimumMs, rateLimitRow, table } from './common';
import { runHttpRequest, runOurs, type Measure } from './contenders';

const EXECUTIONS = 100;
const LIMIT = 10;
const WINDOW_MS = 1000;
const MINIMUM_MS = rateLimitMinimumMs(EXECUTIONS, LIMIT, WINDOW_MS);
/** n8n's UI maximum for Retry On Fail. */
const RETRY = { retryOnFail: true, maxTries: 5, waitBetweenTries: 5000 };

/** A Max Wait too short for the burst, to show what happens past it. */
const MAX_WAIT_S = 3;

/**
 * Events one key can get through when each may wait `maxWaitS`: the node spreads each window's
 * budget evenly and releases in arrival order, so by then LIMIT per WINDOW_MS have gone
 * (Ocoya: 60 a minute × 300 s = 300 at the default Max Wait).
 */
function absorbable(maxWaitS: number): number {
	return Math.floor((LIMIT * maxWaitS * 1000) / WINDOW_MS);
}

type RunOne = (standIn: StandIn, execution: number) => Promise<Measure>;

interface Scenario {
	label: string;
	resetFormat: NonNullable<RateLimitOptions['resetFormat']>;
	runOne: RunOne;
	/** Whether the targets (≤ 1.15× minimum, 0 failed, 0 duplicated, 429s ≤ 2 %) apply to this row. */
	targeted: boolean;
}

const oneItem = (execution: number): Array<{ json: { i: number } }> => [{ json: { i: execution } }];

const SCENARIOS: Scenario[] = [
	{ label: '**Our node**, Reset in epoch ms', resetFormat: 'epoch-ms', runOne: async (s, k) => await runOurs(s, oneItem(k)), targeted: true },
	{ label: 'Our node, Reset in epoch seconds', resetFormat: 'epoch-seconds', runOne: async (s, k) => await runOurs(s, oneItem(k)), targeted: false },
	{
		label: `Our node, Max Wait ${MAX_WAIT_S} s (room for about ${fmt(absorbable(MAX_WAIT_S))})`,
		resetFormat: 'epoch-ms',
		runOne: async (s, k) => await runOurs(s, oneItem(k), {}, { rateLimitMaxWait: MAX_WAIT_S }),
		targeted: false,
	},
	{
		label: 'HTTP Request node, Retry On Fail 5 × 5,000 ms',
		resetFormat: 'epoch-ms',
		runOne: async (s, k) => await runHttpRequest(s, oneItem(k), RETRY),
		targeted: false,
	},
	{
		label: `HTTP Request node, Batching ${LIMIT} per ${fmt(WINDOW_MS)} ms + Retry On Fail 5 × 5,000 ms`,
		resetFormat: 'epoch-ms',
		runOne: async (s, k) => await runHttpRequest(s, oneItem(k), RETRY, { batching: { batchSize: LIMIT, batchInterval: WINDOW_MS } }),
		targeted: false,
	},
];

export async function benchBurst(): Promise<string> {
	const rows: string[][] = [];
	const notes: string[] = [];
	for (const scenario of SCENARIOS) {
		log(`burst: ${scenario.label.replace(/\*/g, '')}`);
		const standIn = await startStandIn({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, resetFormat: scenario.resetFormat } });
		try {
			const started = nowMs();
			const measures = await Promise.all(Array.from({ length: EXECUTIONS }, async (_, k) => await scenario.runOne(standIn, k)));
			const totalMs = nowMs() - started;
			const failed = measures.filter((m) => m.okItems !== 1).length;
			const target = scenario.targeted ? { max429s: 0.02 * EXECUTIONS } : undefined;
			const { cells, unknownPrompts } = rateLimitRow({ label: scenario.label, standIn, totalMs, minimumMs: MINIMUM_MS, failed, inputs: EXECUTIONS, target });
			rows.push(cells);
			const errors = new Map<string, number>();
			for (const m of measures) if (m.error) errors.set(m.error, (errors.get(m.error) ?? 0) + 1);
			for (const [message, times] of errors) notes.push(`${scenario.label}: ${times} execution(s) ended with “${message}”.`);
			if (unknownPrompts.length > 0) notes.push(`${scenario.label}: unexpected prompts ${unknownPrompts.slice(0, 3).join(', ')}`);
		} finally {
			await standIn.close();
		}
	}
	return [
		`### 3. A burst: ${EXECUTIONS} concurrent executions sharing one key, ${LIMIT} requests per ${fmt(WINDOW_MS)} ms window`,
		'',
		`${EXECUTIONS} executions of one item each start at once, as ${EXECUTIONS} webhook events would, all with the same credential. ` +
			`Minimum = ${EXECUTIONS} ÷ ${LIMIT} × ${fmt(WINDOW_MS / 1000)} s = **${fmt(MINIMUM_MS / 1000)} s** (the time the limit allows; a node that spreads each window’s budget evenly ends the last window at its end). ` +
			'“Failed” = executions without a created campaign in their output. Target for our node: ≤ 1.15× the minimum, 0 failed, 0 duplicated, 429s ≤ 2 % of executions.',
		'',
		table(['Run', 'Total, s', '÷ minimum', 'Failed executions', 'Campaigns created', 'Duplicates', '429s received', 'Requests sent', 'Target'], rows),
		'',
		'- Batching spaces the items of one execution; with one item per execution it has nothing to space, so every execution sends at once.',
		...notes.map((n) => `- ${n}`),
	].join('\n');
}
