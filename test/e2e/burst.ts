/**
 * The burst the rate-limit suites send through real n8n: EVENTS concurrent webhook events to a
 * workflow Webhook (Respond Immediately) → Ocoya Campaign Create, each event its own execution,
 * against the stand-in limited to LIMIT requests per WINDOW_MS (Ocoya's 60 a minute, scaled, with
 * windows long enough that a loaded 2-core machine's stalls do not decide the result). Each
 * event carries a marker that lands in its campaign's prompt, so creates are counted per event.
 */
import { randomUUID } from 'node:crypto';

import { fmt, rateLimitMinimumMs, ratio, table } from '../../dev/bench/common';
import type { N8nSession } from '../../dev/n8n/app';
import { startStandIn, type RateLimitOptions, type StandIn } from '../../dev/ocoya-stand-in';
import { importAndPublish, log, postWebhook, sleep, type CliRunner, type Workflow } from './support';

export const EVENTS = 200;
export const LIMIT = 50;
export const WINDOW_MS = 5000;
/** EVENTS / LIMIT × WINDOW_MS = 20 s: see rateLimitMinimumMs. */
export const MINIMUM_MS = rateLimitMinimumMs(EVENTS, LIMIT, WINDOW_MS);
/** Bounds of the runs with X-RateLimit-Reset in epoch ms (issue 8). */
export const MAX_TIME_RATIO = 1.15;
export const MAX_429_SHARE_REGULAR = 0.02;
/**
 * Queue mode: each worker paces alone, so each one beyond the first may draw one 429 per window
 * (EVENTS / LIMIT = 4 windows here) on top of what one process draws; with 2 workers that stays within 5 %.
 */
export const MAX_429_SHARE_QUEUE = 0.05;

export type ResetFormat = NonNullable<RateLimitOptions['resetFormat']>;

/** One stand-in, credential and published workflow per X-RateLimit-Reset format. */
export interface BurstTarget {
	resetFormat: ResetFormat;
	standIn: StandIn;
	credential: { id: string; name: string };
	workflow: Workflow;
	webhookPath: string;
}

const FORMATS: ResetFormat[] = ['epoch-ms', 'epoch-seconds'];
const MARKER_PREFIX = 'Burst event ';

export async function startBurstTargets(): Promise<BurstTarget[]> {
	return await Promise.all(
		FORMATS.map(async (resetFormat): Promise<BurstTarget> => {
			const standIn = await startStandIn({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, resetFormat } });
			const slug = resetFormat === 'epoch-ms' ? 'ms' : 's';
			const credential = { id: `ocoya-burst-${slug}`, name: `Ocoya API (burst, reset ${resetFormat})` };
			const webhookPath = `ocoya-burst-${slug}`;
			return { resetFormat, standIn, credential, webhookPath, workflow: burstWorkflow(`OcoyaBurst${slug.toUpperCase()}000000`.slice(0, 16), webhookPath, credential) };
		}),
	);
}

function burstWorkflow(id: string, webhookPath: string, credential: { id: string; name: string }): Workflow {
	return {
		id,
		name: `Ocoya burst (${webhookPath})`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: randomUUID(),
				name: 'Event Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
			},
			{
				id: randomUUID(),
				name: 'Create Ocoya Campaign',
				type: 'n8n-nodes-ocoya.ocoya',
				typeVersion: 1,
				position: [260, 0],
				parameters: {
					resource: 'campaign',
					operation: 'create',
					workspaceId: { __rl: true, mode: 'id', value: 'ws_standin_1' },
					prompt: `={{ '${MARKER_PREFIX}' + $json.body.marker }}`,
					goal: 'launch',
					tone: 'friendly',
					count: 3,
					duration: 7,
					options: {},
				},
				credentials: { ocoyaApi: credential },
			},
		],
		connections: { 'Event Webhook': { main: [[{ node: 'Create Ocoya Campaign', type: 'main', index: 0 }]] } },
	};
}

/** Imports the targets' credentials and workflows and publishes them (before n8n starts, so their webhooks register). */
export async function importBurstTargets(cli: CliRunner, targets: BurstTarget[]): Promise<void> {
	await importAndPublish(
		cli,
		targets.map((t) => ({ ...t.credential, standIn: t.standIn })),
		targets.map((t) => t.workflow),
	);
}

export interface BurstResult {
	mode: string;
	resetFormat: ResetFormat;
	/** Webhook calls answered 200. */
	accepted: number;
	/** Events whose marker was created exactly once / more than once / never. */
	createdOnce: number;
	duplicated: number;
	missing: number;
	/** Created campaigns whose prompt is no event's. */
	unknown: number;
	invalidRequests: number;
	succeeded: number;
	failed: number;
	tooMany: number;
	/**
	 * From the first request the stand-in saw to its last 202: the time the rate limit governs,
	 * which starts its first window with that request (see rateLimitMinimumMs).
	 */
	timeMs: number;
	/** From sending the events to the first request at the stand-in: n8n's webhook and queue dispatch, not the node. */
	dispatchMs: number;
	/** timeMs ÷ MINIMUM_MS. */
	ratio: number;
	/** Executions each worker ran (queue mode). */
	perWorker?: number[];
}

interface ExecutionCounts {
	succeeded: number;
	failed: number;
}

/**
 * Sends EVENTS webhook events at once, waits until n8n has finished an execution for each, and
 * counts what the stand-in saw. `perWorker`, when given, reads each worker's execution count at the end.
 */
export async function runBurst(options: {
	mode: string;
	n8nUrl: string;
	owner: N8nSession;
	target: BurstTarget;
	perWorker?: () => number[];
	timeoutMs?: number;
}): Promise<BurstResult> {
	const { target, owner } = options;
	target.standIn.reset();
	const run = randomUUID().slice(0, 8);
	const markers = Array.from({ length: EVENTS }, (_, i) => `${run}-${i}`);
	const before = await executionCounts(owner, target.workflow.id);

	const sentAt = Date.now();
	const replies = await Promise.all(markers.map(async (marker) => await postWebhook(options.n8nUrl, target.webhookPath, { marker })));
	const answeredAt = Date.now();

	const deadline = Date.now() + (options.timeoutMs ?? 300_000);
	let counts: ExecutionCounts;
	for (;;) {
		await sleep(1000);
		const now = await executionCounts(owner, target.workflow.id);
		counts = { succeeded: now.succeeded - before.succeeded, failed: now.failed - before.failed };
		if (counts.succeeded + counts.failed >= EVENTS) break;
		if (Date.now() > deadline) {
			throw new Error(`${options.mode}/${target.resetFormat}: only ${counts.succeeded + counts.failed} of ${EVENTS} executions finished`);
		}
	}

	const requests = target.standIn.campaignRequests();
	const created = target.standIn.createdCampaigns;
	const perMarker = new Map<string, number>();
	let unknown = 0;
	for (const campaign of created) {
		const prompt = String(campaign.body.prompt);
		const marker = prompt.startsWith(MARKER_PREFIX) ? prompt.slice(MARKER_PREFIX.length) : '';
		if (!markers.includes(marker)) unknown += 1;
		else perMarker.set(marker, (perMarker.get(marker) ?? 0) + 1);
	}
	const lastCreatedAt = Math.max(...requests.filter((r) => r.status === 202).map((r) => r.receivedAt));
	const firstRequestAt = Math.min(...requests.map((r) => r.receivedAt));
	const timeMs = lastCreatedAt - firstRequestAt;
	const seconds = (at: number): string => ((at - sentAt) / 1000).toFixed(1);
	const perSecond = new Map<number, string>();
	for (const r of requests) {
		const second = Math.floor((r.receivedAt - sentAt) / 1000);
		perSecond.set(second, `${perSecond.get(second) ?? ''}${r.status === 202 ? '.' : r.status === 429 ? '!' : '?'}`);
	}
	log(
		`${options.mode}/${target.resetFormat}: webhooks answered after ${seconds(answeredAt)} s, first Ocoya request at ${seconds(firstRequestAt)} s; ` +
			`requests per second since the first event (. = 202, ! = 429):\n${[...perSecond].map(([s, marks]) => `${String(s).padStart(3)} ${marks}`).join('\n')}`,
	);
	return {
		mode: options.mode,
		resetFormat: target.resetFormat,
		accepted: replies.filter((r) => r.status === 200).length,
		createdOnce: markers.filter((m) => perMarker.get(m) === 1).length,
		duplicated: markers.filter((m) => (perMarker.get(m) ?? 0) > 1).length,
		missing: markers.filter((m) => !perMarker.has(m)).length,
		unknown,
		invalidRequests: requests.filter((r) => (r.validationErrors ?? []).length > 0).length,
		succeeded: counts.succeeded,
		failed: counts.failed,
		tooMany: requests.filter((r) => r.status === 429).length,
		timeMs,
		dispatchMs: firstRequestAt - sentAt,
		ratio: timeMs / MINIMUM_MS,
		perWorker: options.perWorker?.(),
	};
}

/** Finished executions of a workflow, from n8n's REST API (its `count` of matching executions). */
async function executionCounts(owner: N8nSession, workflowId: string): Promise<ExecutionCounts> {
	const count = async (status: string[]): Promise<number> => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId, status }));
		const { data } = await owner.request<{ data: { count: number } }>('GET', `/rest/executions?filter=${filter}&limit=1`);
		return data.count;
	};
	return { succeeded: await count(['success']), failed: await count(['error', 'crashed', 'canceled']) };
}

/** The runs as a Markdown table, with the bounds that apply to each row. */
export function burstTable(results: BurstResult[]): string {
	const rows = results.map((r) => {
		const bounded = r.resetFormat === 'epoch-ms';
		const max429 = r.mode.startsWith('queue') ? MAX_429_SHARE_QUEUE : MAX_429_SHARE_REGULAR;
		return [
			r.mode,
			r.resetFormat,
			`${r.createdOnce} / ${EVENTS}`,
			fmt(r.duplicated),
			fmt(r.failed),
			`${fmt(r.tooMany)} (${fmt((100 * r.tooMany) / EVENTS, 1)} %, ≤ ${fmt(max429 * EVENTS)})`,
			fmt(r.dispatchMs / 1000, 1),
			fmt(r.timeMs / 1000, 1),
			`${ratio(r.ratio)}${bounded ? ` (≤ ${MAX_TIME_RATIO}×)` : ' (not bounded)'}`,
			r.perWorker ? r.perWorker.join(' + ') : '–',
		];
	});
	return table(
		['n8n', 'X-RateLimit-Reset', 'created once', 'duplicated', 'failed executions', '429s', 'first request after (s)', 'time (s)', `÷ minimum (${MINIMUM_MS / 1000} s)`, 'executions per worker'],
		rows,
	);
}

/** The issue's bounds for one run: every event created once, no failed execution, 429s (and, with epoch-ms resets, time) bounded. */
export function expectWithinBounds(result: BurstResult, max429Share: number): void {
	expect({
		accepted: result.accepted,
		createdOnce: result.createdOnce,
		duplicated: result.duplicated,
		missing: result.missing,
		unknown: result.unknown,
		invalidRequests: result.invalidRequests,
		succeeded: result.succeeded,
		failed: result.failed,
	}).toEqual({ accepted: EVENTS, createdOnce: EVENTS, duplicated: 0, missing: 0, unknown: 0, invalidRequests: 0, succeeded: EVENTS, failed: 0 });
	expect(result.tooMany).toBeLessThanOrEqual(max429Share * EVENTS);
	// Epoch-seconds resets are rounded up to the next second, which alone can cost up to a second per window: reported, not bounded.
	if (result.resetFormat === 'epoch-ms') expect(result.ratio).toBeLessThanOrEqual(MAX_TIME_RATIO);
}
