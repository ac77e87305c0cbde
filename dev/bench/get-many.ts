/**
 * Table 4, Post › Get Many of 1,000 posts: Return All through n8n-core's WorkflowExecute and our
 * node, against the stand-in seeded with 1,000 post groups in one workspace, without a rate
 * limit and under it, reported as time ÷ the minimum the limit allows for the requests the
 * listing needs. Every run is also checked: each post out once, in the stand-in's order, each page
 * asked for once.
 */
import type { IDataObject } from 'n8n-workflow';

import { executeNode, NODE_UNDER_TEST_NAME } from '../harness';
import { startStandIn, type RateLimitOptions, type StandIn } from '../ocoya-stand-in';
import { fmt, log, nowMs, rateLimitMinimumMs, ratio, table, withTimeout, WORKSPACE_ID } from './common';
import { loadOcoya, ocoyaCredentials } from './ocoya-node';

const POSTS = 1000;
/** Ocoya's largest page, which Return All asks for. */
const PAGE_SIZE = 50;
/** 20 full pages, then the empty 21st that tells the node the listing has ended (Ocoya's replies carry no total). */
const REQUESTS = Math.floor(POSTS / PAGE_SIZE) + 1;
const RUN_TIMEOUT_MS = 180_000;

interface Scenario {
	label: string;
	rateLimit?: RateLimitOptions;
	/** Whether the target (≤ 1.15× the minimum, every post once, every page once, no 429) applies. */
	targeted: boolean;
}

const SCENARIOS: Scenario[] = [
	{ label: 'No rate limit', targeted: false },
	{ label: '**10 per 1 s**, Reset in epoch ms', rateLimit: { limit: 10, windowMs: 1000, resetFormat: 'epoch-ms' }, targeted: true },
	{ label: '10 per 1 s, Reset in epoch seconds', rateLimit: { limit: 10, windowMs: 1000, resetFormat: 'epoch-seconds' }, targeted: false },
	{ label: 'Ocoya’s 60 per 60 s, Reset in epoch ms', rateLimit: { limit: 60, windowMs: 60_000, resetFormat: 'epoch-ms' }, targeted: true },
];

interface Listing {
	totalMs: number;
	posts: IDataObject[];
	error?: string;
}

async function listAll(standIn: StandIn): Promise<Listing> {
	const { node, credential } = loadOcoya();
	return await withTimeout('Post › Get Many', RUN_TIMEOUT_MS, async (abortSignal) => {
		const started = nowMs();
		const result = await executeNode({
			nodeType: node,
			credentialTypes: [credential],
			credentials: ocoyaCredentials(standIn),
			parameters: {
				resource: 'post',
				operation: 'getAll',
				workspaceId: { __rl: true, mode: 'id', value: WORKSPACE_ID },
				returnAll: true,
			},
			abortSignal,
		});
		const totalMs = nowMs() - started;
		if (result.runData[NODE_UNDER_TEST_NAME] === undefined) throw new Error('the node did not run');
		return { totalMs, posts: result.items.map((item) => item.json), error: result.recordedError?.message };
	});
}

export async function benchGetMany(): Promise<string> {
	const rows: string[][] = [];
	const notes: string[] = [];
	for (const scenario of SCENARIOS) {
		log(`get many: ${scenario.label.replace(/\*/g, '')}`);
		const standIn = await startStandIn({ rateLimit: scenario.rateLimit, posts: { count: POSTS, workspaceId: WORKSPACE_ID } });
		try {
			const expectedIds = standIn.posts(WORKSPACE_ID).map((post) => post.id);
			const listing = await listAll(standIn);
			const ids = listing.posts.map((post) => String(post.id));
			const pages = standIn.requestsFor('listPosts').map((r) => `${String(r.query.page)}/${String(r.query.perPage)}`);
			const tooMany = standIn.requests.filter((r) => r.status === 429).length;
			const okRequests = standIn.requests.filter((r) => r.status === 200).length;
			const inOrder = ids.length === expectedIds.length && ids.every((id, i) => id === expectedIds[i]);
			const eachPageOnce = new Set(pages).size === pages.length;
			const minimumMs = scenario.rateLimit ? rateLimitMinimumMs(okRequests, scenario.rateLimit.limit, scenario.rateLimit.windowMs) : undefined;
			const met =
				inOrder && eachPageOnce && tooMany === 0 && okRequests === REQUESTS && minimumMs !== undefined && listing.totalMs <= 1.15 * minimumMs;
			rows.push([
				scenario.label,
				fmt(listing.totalMs / 1000, 2),
				minimumMs === undefined ? '–' : fmt(minimumMs / 1000, 1),
				minimumMs === undefined ? '–' : ratio(listing.totalMs / minimumMs),
				`${fmt(ids.length)} (${fmt(new Set(ids).size)} distinct)`,
				inOrder ? 'yes' : 'no',
				`${fmt(pages.length)} (${eachPageOnce ? 'each once' : 'repeats'})`,
				fmt(tooMany),
				scenario.targeted ? (met ? 'met' : 'missed') : '–',
			]);
			if (listing.error) notes.push(`${scenario.label}: the node ended with “${listing.error}”.`);
			if (okRequests !== REQUESTS) notes.push(`${scenario.label}: ${okRequests} pages answered, ${REQUESTS} expected.`);
		} finally {
			await standIn.close();
		}
	}
	const perWindow = (limit: number, windowMs: number): string => `${fmt(REQUESTS)} ÷ ${fmt(limit)} × ${fmt(windowMs / 1000)} s = ${fmt(rateLimitMinimumMs(REQUESTS, limit, windowMs) / 1000, 1)} s`;
	return [
		`### 4. Post › Get Many of ${fmt(POSTS)} posts: Return All, ${fmt(REQUESTS - 1)} full pages`,
		'',
		`The stand-in holds ${fmt(POSTS)} post groups in one workspace; the node lists them with Return All, ${PAGE_SIZE} a page from page 0, ` +
			`and stops at the first page shorter than asked for: ${fmt(REQUESTS - 1)} full pages and an empty ${fmt(REQUESTS)}st, **${fmt(REQUESTS)} requests**, ` +
			'each through the key’s rate-limit gate. ' +
			`Minimum = requests ÷ limit × window: ${perWindow(10, 1000)} at the scaled limit, ${perWindow(60, 60_000)} at Ocoya’s. ` +
			'“In order” = the posts came out once each, in the order the stand-in lists them (newest first). ' +
			'Target where marked: ≤ 1.15× the minimum, every post once, every page asked for once, no 429.',
		'',
		table(['Run', 'Total, s', 'Minimum, s', '÷ minimum', 'Posts out', 'In order', 'Pages asked for', '429s', 'Target'], rows),
		'',
		'- Below 1× is possible: the first window’s budget is there at once, so the last window only has to hold its share of the requests.',
		`- At Ocoya’s limit the ${fmt(REQUESTS)} requests would fit in one window’s budget of 60, yet the listing takes about as long as the formula says: ` +
			'the gate spreads each window’s budget evenly over the window, so that executions sharing the key never bunch up at its start; ' +
			'the cost is a listing that runs at one page a second instead of at the unlimited row’s pace.',
		...notes.map((n) => `- ${n}`),
	].join('\n');
}
