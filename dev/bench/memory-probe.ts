/**
 * Child process for table 4: peak memory while N items go through a node in the harness.
 * Its own process, so nothing the parent bench allocated (other tables, the stand-in's
 * request log) is counted. The stand-in runs in the parent; this process only runs n8n-core
 * and the node.
 *
 *   node --expose-gc --import tsx dev/bench/memory-probe.ts <baseUrl> <apiKey> <ours|http> <items>
 *
 * Prints one line: `MEMORY {json}`.
 */
import { shutdownHarness } from '../harness';
import type { StandIn } from '../ocoya-stand-in';
import { runHttpRequest, runOurs } from './contenders';

/** Sampling period: short enough to catch a peak during a run of a few seconds. */
const SAMPLE_EVERY_MS = 5;
const WARM_UP_ITEMS = 10;

export interface MemoryReport {
	contender: string;
	items: number;
	okItems: number;
	baselineRssMb: number;
	baselineHeapMb: number;
	peakRssMb: number;
	peakHeapMb: number;
	/** process.resourceUsage().maxRSS: the process's peak over its whole life, module loading included. */
	lifetimeMaxRssMb: number;
	error?: string;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

async function main(): Promise<void> {
	const [baseUrl, apiKey, contender, itemsArg] = process.argv.slice(2);
	const items = Number(itemsArg);
	if (!baseUrl || !apiKey || (contender !== 'ours' && contender !== 'http') || !Number.isInteger(items)) {
		throw new Error('usage: memory-probe.ts <baseUrl> <apiKey> <ours|http> <items>');
	}
	// The contenders only read baseUrl and apiKey from the stand-in.
	const target = { baseUrl, apiKey } as StandIn;
	const run = async (n: number) => (contender === 'ours' ? await runOurs(target, n) : await runHttpRequest(target, n));

	// Load everything and run once, then collect garbage, so the baseline is the steady state before the run.
	await run(WARM_UP_ITEMS);
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	const baseline = process.memoryUsage();
	let peakRss = baseline.rss;
	let peakHeap = baseline.heapUsed;
	const sample = (): void => {
		const now = process.memoryUsage();
		peakRss = Math.max(peakRss, now.rss);
		peakHeap = Math.max(peakHeap, now.heapUsed);
	};
	const timer = setInterval(sample, SAMPLE_EVERY_MS);
	const measure = await run(items).finally(() => clearInterval(timer));
	sample();
	const report: MemoryReport = {
		contender,
		items,
		okItems: measure.okItems,
		baselineRssMb: mb(baseline.rss),
		baselineHeapMb: mb(baseline.heapUsed),
		peakRssMb: mb(peakRss),
		peakHeapMb: mb(peakHeap),
		lifetimeMaxRssMb: process.resourceUsage().maxRSS / 1024,
		error: measure.error,
	};
	process.stdout.write(`MEMORY ${JSON.stringify(report)}\n`);
	await shutdownHarness();
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
