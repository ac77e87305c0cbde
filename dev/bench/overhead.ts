/**
 * Table 1, overhead: 1,000 items through our node, through n8n's HTTP Request node (same POST,
 * Header Auth) and through a bare undici loop, plus probes that show where the time goes.
 * No rate limit on the stand-in here: this is the cost of the machinery, not of waiting.
 */
import { startStandIn } from '../ocoya-stand-in';
import { fmt, log, median, ratio, table } from './common';
import { runHttpRequest, runOurs, runProbe, runUndici, type Measure } from './contenders';

const ITEMS = 1000;
const WARM_UP_ITEMS = 200;
/** Measured runs per contender, interleaved so drift (GC, CPU heat) hits all of them alike. */
const REPEATS = 5;

interface Contender {
	key: string;
	label: string;
	sends: string;
	run: (standIn: Awaited<ReturnType<typeof startStandIn>>, items: number) => Promise<Measure>;
}

const CONTENDERS: Contender[] = [
	{ key: 'ours', label: '**Our node** (Ocoya)', sends: 'one at a time', run: async (s, n) => await runOurs(s, n) },
	{ key: 'http', label: 'HTTP Request node v4.5', sends: 'all at once', run: async (s, n) => await runHttpRequest(s, n) },
	{ key: 'floor', label: 'undici loop (**floor**)', sends: 'one at a time', run: async (s, n) => await runUndici(s, n) },
	{ key: 'undiciAll', label: 'undici', sends: 'all at once', run: async (s, n) => await runUndici(s, n, 'concurrent') },
	{
		key: 'undiciClose',
		label: 'undici, new connection per request',
		sends: 'one at a time',
		run: async (s, n) => await runUndici(s, n, 'sequentialNewConnection'),
	},
	{ key: 'noop', label: 'Probe: no-op node', sends: 'nothing', run: async (s, n) => await runProbe(s, 'noop', n) },
	{
		key: 'helperSeq',
		label: 'Probe: n8n HTTP helper',
		sends: 'one at a time',
		run: async (s, n) => await runProbe(s, 'helperSequential', n),
	},
	{
		key: 'helperAll',
		label: 'Probe: n8n HTTP helper',
		sends: 'all at once',
		run: async (s, n) => await runProbe(s, 'helperConcurrent', n),
	},
];

export interface OverheadResult {
	markdown: string;
	/** Median node time per contender key, ms for ITEMS items. */
	medianMs: Record<string, number>;
}

export async function benchOverhead(): Promise<OverheadResult> {
	const standIn = await startStandIn();
	const nodeMs: Record<string, number[]> = {};
	const wallMs: Record<string, number[]> = {};
	const problems: string[] = [];
	/** The Connection header each contender sent, as the stand-in recorded it. */
	const connection: Record<string, string> = {};
	try {
		for (const contender of CONTENDERS) {
			log(`overhead: warm-up ${contender.key} (${WARM_UP_ITEMS} items)`);
			standIn.reset();
			await contender.run(standIn, WARM_UP_ITEMS);
		}
		for (let round = 0; round < REPEATS; round++) {
			// Rotate the order each round so no contender always runs first or last.
			const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
			for (const contender of order) {
				standIn.reset();
				const measure = await contender.run(standIn, ITEMS);
				const sent = standIn.campaignRequests().length;
				const expectedSent = contender.key === 'noop' ? 0 : ITEMS;
				if (measure.okItems !== ITEMS || sent !== expectedSent || measure.error) {
					problems.push(
						`${contender.key} round ${round + 1}: ${measure.okItems}/${ITEMS} items ok, ${sent} requests${measure.error ? `, error: ${measure.error}` : ''}`,
					);
				}
				connection[contender.key] = connectionHeaders(standIn.campaignRequests().map((r) => r.headers.connection));
				(nodeMs[contender.key] ??= []).push(measure.nodeMs);
				(wallMs[contender.key] ??= []).push(measure.wallMs);
				log(`overhead: round ${round + 1}/${REPEATS} ${contender.key}: ${fmt(measure.nodeMs)} ms`);
			}
		}
	} finally {
		await standIn.close();
	}

	const med = (key: string): number => median(nodeMs[key] ?? []);
	const medianMs = Object.fromEntries(CONTENDERS.map((c) => [c.key, med(c.key)]));
	const ours = med('ours');
	const rows = CONTENDERS.map((c) => {
		const ms = med(c.key);
		const spread = nodeMs[c.key] ?? [];
		return [
			c.label,
			c.sends,
			connection[c.key] ?? '–',
			c.key === 'noop' ? '–' : fmt((ITEMS / ms) * 1000),
			fmt((ms / ITEMS) * 1000, 0),
			`${fmt(ms)} (${fmt(Math.min(...spread))}–${fmt(Math.max(...spread))})`,
			fmt(median(wallMs[c.key] ?? [])),
			c.key === 'ours' || c.key === 'noop' ? '–' : ratio(ours / ms),
		];
	});

	const floor = med('floor');
	const helperSeq = med('helperSeq');
	const newConnection = med('undiciClose');
	const noop = med('noop');
	const perItem = (ms: number): string => `${fmt((ms / ITEMS) * 1000)} µs`;
	const breakdown = table(
		['Part of our node’s time per item', 'µs per item', 'Share'],
		[
			['HTTP itself (undici floor: request, stand-in, JSON reply)', perItem(floor), pct(floor, ours)],
			[
				'A new TCP connection per request (n8n’s helper sends `Connection: close`; undici with and without keep-alive)',
				perItem(newConnection - floor),
				pct(newConnection - floor, ours),
			],
			['n8n engine around the node (no-op node, 1,000 items)', perItem(noop), pct(noop, ours)],
			[
				'Rest of n8n’s HTTP helper (axios, credential `authenticate`, one expression per item)',
				perItem(helperSeq - newConnection - noop),
				pct(helperSeq - newConnection - noop, ours),
			],
			['Our node’s own work (parameters and validation, rate-limit gate, error mapping)', perItem(ours - helperSeq), pct(ours - helperSeq, ours)],
			['**Total, our node**', perItem(ours), '100 %'],
		],
	);

	const markdown = [
		`### 1. Overhead: ${fmt(ITEMS)} items, no rate limit`,
		'',
		`Median of ${REPEATS} interleaved runs of ${fmt(ITEMS)} items each, after one warm-up run of ${WARM_UP_ITEMS} per row. ` +
			'“Node time” is the node’s own `executionTime` recorded by n8n-core’s WorkflowExecute (whole milliseconds); for the undici rows it is the loop’s time. ' +
			'“Wall” also counts building the workflow and the source node. All rows POST the same `{ "prompt": "Campaign for lead <i>" }` with `X-API-Key` to the same stand-in.',
		'',
		table(['Contender', 'Sends items', '`Connection` sent', 'Items/s', 'µs per item', 'Node time, ms (min–max)', 'Wall, ms', 'Ours ÷ this'], rows),
		'',
		`- **Ours ÷ HTTP Request node: ${ratio(ours / med('http'))}** (target ≤ 1×: ${ours <= med('http') ? 'met' : 'missed'}).`,
		`- **Ours ÷ floor (sequential undici): ${ratio(ours / floor)}** (target ≤ 2×: ${ours <= 2 * floor ? 'met' : 'missed'}).`,
		`- The HTTP Request node sends every item at once; ours sends one at a time by design (Ocoya allows 60 requests a minute, so concurrency only buys 429s; see table 2). ` +
			`A fairer like-for-like is the sequential n8n HTTP helper probe: ours ÷ that = ${ratio(ours / helperSeq)}.`,
		'',
		breakdown,
		...(problems.length > 0 ? ['', `**Problems:** ${problems.join('; ')}`] : []),
	].join('\n');
	return { markdown, medianMs };
}

function connectionHeaders(values: Array<string | string[] | undefined>): string {
	if (values.length === 0) return '–';
	const distinct = [...new Set(values.map((v) => (Array.isArray(v) ? v.join(',') : (v ?? '(none)'))))];
	return distinct.map((v) => `\`${v}\``).join(', ');
}

function pct(part: number, whole: number): string {
	return `${fmt((part / whole) * 100)} %`;
}
