/**
 * A stand-in for n8n's database-backed deduplication store, plugged into n8n-core's real
 * `DataDeduplicationService`, so `this.helpers.checkProcessedAndRecord` and its companions work in
 * the harness. The real store lives in the `n8n` package (TypeORM, a migrated database) and is
 * proven end to end in test/e2e/; this one keeps the behaviour a node has to cope with:
 *
 *  - one record per workflow and context (scope 'node' → `n:<node id>`), keys in arrival order,
 *    the oldest dropped beyond `maxEntries` ('entries' mode only);
 *  - every call reads the record, then writes it back whole after `latencyMs`, with no lock, so
 *    overlapping calls lose each other's writes exactly as n8n's read-modify-write does;
 *  - scripted faults: the first insert failing on the unique key (as when another process inserted
 *    the record first), and a record rewritten from a stale read right after a write (another
 *    process's lost update).
 */
import { createHash } from 'node:crypto';

import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

export interface DeduplicationStoreFaults {
	/** The next write that creates a record fails like a primary-key violation (the record is then created by "someone else"). */
	conflictOnFirstInsert?: boolean;
	/** After the next write that adds this key, the record loses it again (overwritten from a stale read). */
	dropAfterWrite?: string;
	/** Like dropAfterWrite, after every write that adds this key. */
	dropAfterEveryWrite?: string;
}

export class MemoryDeduplicationStore implements IDataDeduplicator {
	/** Delay between reading and writing a record, to widen the window for lost updates. */
	latencyMs = 0;

	/** Calls made, by method name. */
	readonly calls: Record<keyof IDataDeduplicator, number> = {
		checkProcessedAndRecord: 0,
		removeProcessed: 0,
		clearAllProcessedItems: 0,
		getProcessedDataCount: 0,
	};

	private readonly records = new Map<string, string[]>();

	private faults: DeduplicationStoreFaults = {};

	/** Forget every record, fault and counter. */
	reset(): void {
		this.records.clear();
		this.faults = {};
		this.latencyMs = 0;
		for (const name of Object.keys(this.calls) as Array<keyof IDataDeduplicator>) this.calls[name] = 0;
	}

	inject(faults: DeduplicationStoreFaults): void {
		this.faults = { ...this.faults, ...faults };
	}

	/** Hashes held for one node of one workflow (scope 'node'). */
	keysOf(workflowId: string, nodeId: string): number {
		return this.records.get(`${workflowId}|n:${nodeId}`)?.length ?? 0;
	}

	/** Erases one key from a node's record, as another process's write from a stale read would. */
	eraseKey(workflowId: string, nodeId: string, key: string): void {
		const recordId = `${workflowId}|n:${nodeId}`;
		const stored = this.records.get(recordId);
		if (stored !== undefined) this.records.set(recordId, stored.filter((hash) => hash !== hashOf(key)));
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		this.calls.checkProcessedAndRecord++;
		assertEntriesMode(options);
		const recordId = recordIdOf(scope, contextData);
		const stored = this.records.get(recordId);
		const read = stored === undefined ? undefined : [...stored];
		const seen = new Set(read ?? []);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		const written = [...(read ?? [])];
		for (const item of items) {
			const hash = hashOf(item);
			if (seen.has(hash)) {
				output.processed.push(item);
			} else {
				output.new.push(item);
				written.push(hash);
			}
		}
		if (options.maxEntries) written.splice(0, Math.max(0, written.length - options.maxEntries));
		await this.pause();
		if (read === undefined) {
			if (this.faults.conflictOnFirstInsert || this.records.has(recordId)) {
				this.faults.conflictOnFirstInsert = false;
				if (!this.records.has(recordId)) this.records.set(recordId, []);
				throw new Error('SQLITE_CONSTRAINT: UNIQUE constraint failed: processed_data.workflowId, processed_data.context');
			}
		}
		this.records.set(recordId, written);
		const dropped = this.faults.dropAfterWrite ?? this.faults.dropAfterEveryWrite;
		if (dropped !== undefined && output.new.some((item) => String(item) === dropped)) {
			this.faults.dropAfterWrite = undefined;
			this.records.set(recordId, written.filter((hash) => hash !== hashOf(dropped)));
		}
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		this.calls.removeProcessed++;
		assertEntriesMode(options);
		const recordId = recordIdOf(scope, contextData);
		const stored = this.records.get(recordId);
		if (stored === undefined) return;
		const removed = new Set(items.map(hashOf));
		const written = stored.filter((hash) => !removed.has(hash));
		await this.pause();
		this.records.set(recordId, written);
	}

	async clearAllProcessedItems(scope: DeduplicationScope, contextData: ICheckProcessedContextData): Promise<void> {
		this.calls.clearAllProcessedItems++;
		await this.pause();
		this.records.delete(recordIdOf(scope, contextData));
	}

	async getProcessedDataCount(
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<number> {
		this.calls.getProcessedDataCount++;
		assertEntriesMode(options);
		return this.records.get(recordIdOf(scope, contextData))?.length ?? 0;
	}

	private async pause(): Promise<void> {
		if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
	}
}

function assertEntriesMode(options: ICheckProcessedOptions): void {
	if (options.mode !== 'entries') throw new Error(`The harness store keeps 'entries' mode only, not '${options.mode}'`);
}

function recordIdOf(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
	if (!contextData.workflow.id) throw new Error('The workflow has no id');
	if (scope === 'node' && !contextData.node) throw new Error("Scope 'node' needs the node");
	return `${contextData.workflow.id}|${scope === 'node' ? `n:${contextData.node!.id}` : ''}`;
}

function hashOf(item: DeduplicationItemTypes): string {
	return createHash('md5').update(String(item)).digest('base64');
}

let installed: MemoryDeduplicationStore | undefined;

/**
 * Initialises n8n-core's `DataDeduplicationService` (a process-wide singleton) with a memory store,
 * once per module registry (one jest test file); later calls return the same store.
 */
export async function useMemoryDeduplicationStore(): Promise<MemoryDeduplicationStore> {
	if (installed === undefined) {
		installed = new MemoryDeduplicationStore();
		await DataDeduplicationService.init(installed);
	}
	return installed;
}
