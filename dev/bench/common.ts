/** Small shared helpers for the bench: timing, statistics, Markdown tables, input items. */
import fs from 'node:fs';
import path from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import type { StandIn } from '../ocoya-stand-in';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The prompt every contender sends for item i: unique per item, so duplicate creates are countable. */
export function promptFor(i: number): string {
	return `Campaign for lead ${i}`;
}

/** The same prompt as an n8n expression over the input item. */
export const PROMPT_EXPRESSION = '=Campaign for lead {{ $json.i }}';

export const WORKSPACE_ID = 'ws_standin_1';

/** Input items `{ i: 0 }`, `{ i: 1 }`, …, which the prompt expression turns into unique prompts. */
export function inputItems(count: number): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({ json: { i } }));
}

/**
 * The least time a fixed-window rate limit allows for `requests` requests: requests / limit
 * windows of `windowMs` each. A client that spreads each window's budget evenly over the window
 * (as the Ocoya node does) sends the last request at the end of the last window, so this is
 * also what such a client needs; e.g. 200 requests at 50 per 5 s: 20 s.
 */
export function rateLimitMinimumMs(requests: number, limit: number, windowMs: number): number {
	return (requests / limit) * windowMs;
}

export function nowMs(): number {
	return Number(process.hrtime.bigint()) / 1e6;
}

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(value: number, digits = 0): string {
	if (!Number.isFinite(value)) return 'n/a';
	return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(value: number, digits = 2): string {
	return Number.isFinite(value) ? `${fmt(value, digits)}×` : 'n/a';
}

export function table(headers: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
	const align = headers.map((_, i) => (i === 0 ? '---' : '---:'));
	return [line(headers), line(align), ...rows.map(line)].join('\n');
}

export function packageVersion(name: string, from: string = REPO_ROOT): string {
	try {
		const file = require.resolve(`${name}/package.json`, { paths: [from] });
		return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
	} catch {
		return 'not installed';
	}
}

/** Rejects after `ms`, so a hung contender cannot hold the bench forever. */
export async function withTimeout<T>(label: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const controller = new AbortController();
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			controller.abort();
			reject(new Error(`${label} did not finish within ${ms} ms`));
		}, ms);
	});
	try {
		return await Promise.race([work(controller.signal), expired]);
	} finally {
		clearTimeout(timer);
	}
}

export function log(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}

/** The targets for a rate-limited run: ≤ 1.15× the minimum, 0 failed, 0 duplicated, and at most `max429s` 429s when given. */
export interface RateLimitTarget {
	max429s?: number;
}

export interface RateLimitRun {
	label: string;
	/** The stand-in the run used: its requests and created campaigns are counted. */
	standIn: StandIn;
	totalMs: number;
	minimumMs: number;
	/** Failed executions or items, as the table counts them. */
	failed: number;
	/** Inputs 0 … inputs − 1 sent promptFor(i); any other created prompt is reported. */
	inputs: number;
	/** Undefined: no target applies to this row ('–'). */
	target?: RateLimitTarget;
}

/**
 * One row of the rate-limit and burst tables: run, total s, ÷ minimum, failed, campaigns created
 * (distinct), duplicates, 429s received, requests sent, target met/missed/–. Also the created
 * prompts no input had: if there are any, the duplicate count means nothing.
 */
export function rateLimitRow(run: RateLimitRun): { cells: string[]; unknownPrompts: string[] } {
	const requests = run.standIn.campaignRequests();
	const created = run.standIn.createdCampaigns;
	const distinct = new Set(created.map((c) => String(c.body.prompt)));
	const expected = new Set(Array.from({ length: run.inputs }, (_, i) => promptFor(i)));
	const unknownPrompts = [...distinct].filter((p) => !expected.has(p));
	const duplicates = created.length - distinct.size;
	const tooMany = requests.filter((r) => r.status === 429).length;
	const { target } = run;
	const verdict = target
		? run.totalMs <= 1.15 * run.minimumMs && run.failed === 0 && duplicates === 0 && (target.max429s === undefined || tooMany <= target.max429s)
			? 'met'
			: 'missed'
		: '–';
	const cells = [
		run.label,
		fmt(run.totalMs / 1000, 1),
		ratio(run.totalMs / run.minimumMs),
		fmt(run.failed),
		`${fmt(created.length)} (${fmt(distinct.size)} distinct)`,
		fmt(duplicates),
		fmt(tooMany),
		fmt(requests.length),
		verdict,
	];
	return { cells, unknownPrompts };
}
