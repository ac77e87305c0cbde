import type {
	DeduplicationHelperFunctions,
	ICheckProcessedOptions,
	IDeduplicationOutput,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import { requestOutcome } from '../transport';
import { invalid } from '../validation';

/**
 * Deduplication Key for Campaign › Create: at most one campaign per key for this node, kept in
 * n8n's own deduplication store (its database, so queue-mode workers share it).
 *
 * n8n's store keeps one record per node (scope 'node') and reads and rewrites it whole, without a
 * lock: the first write is an insert that fails on the primary key when two run at once, and a
 * write made from a stale read replaces what was recorded in between. So every claim and release
 * for one node runs serially in this process, a failed first insert is retried, a claim is read
 * back right after it is written, and once more after the campaign is created and overlapping
 * writes of other processes (queue-mode workers) have landed. Nothing here can stop two processes
 * from claiming the same key at the same moment: the store offers no atomic claim.
 */

/** The n8n release that added `checkProcessedAndRecord` and its companions to node helpers. */
export const MIN_N8N_VERSION = '1.65.0';

/** How many of the most recent keys a node remembers; the oldest are dropped beyond this. */
export const HISTORY_SIZE = 10_000;

export type DeduplicationAction = 'createOnce' | 'forgetKey' | 'forgetAll';

export const DEDUPLICATION_OPTIONS: INodeProperties[] = [
	{
		displayName: 'Deduplication Key',
		name: 'deduplicationKey',
		type: 'string',
		default: '',
		placeholder: "e.g. {{ $json.dealId }} or {{ $json.body.email + ':' + $json.body.product }}",
		description:
			'Identifies the event behind the item, so that this node creates at most one campaign per key, across executions and restarts. An item whose key this node has seen before is not sent: it is output with duplicate set to true. This node remembers its 10,000 most recent keys.',
	},
	{
		displayName: 'Deduplication: Action',
		name: 'deduplicationAction',
		type: 'options',
		options: [
			{
				name: 'Create Once per Key',
				value: 'createOnce',
				description: 'Send the item unless this node has seen its Deduplication Key before',
			},
			{
				name: 'Forget All Keys of This Node',
				value: 'forgetAll',
				description: 'Send nothing; clear every key this node remembers',
			},
			{
				name: 'Forget This Key',
				value: 'forgetKey',
				description:
					'Send nothing; forget the item’s Deduplication Key, so its next delivery creates a campaign again',
			},
		],
		default: 'createOnce',
		description:
			'Forget keys after deleting a campaign in Ocoya, or after a failure that created nothing. Keys belong to this node: only this node can forget them.',
	},
];

type DeduplicationStore = Pick<
	DeduplicationHelperFunctions,
	'checkProcessedAndRecord' | 'removeProcessed' | 'clearAllProcessedItems' | 'getProcessedDataCount'
>;

const ENTRIES: ICheckProcessedOptions = { mode: 'entries', maxEntries: HISTORY_SIZE };

/** The deduplication settings of one item, or undefined when no key is set (behaviour as without the feature). */
export interface Deduplication {
	action: DeduplicationAction;
	/** Absent only for `forgetAll`, which needs no key. */
	key?: string;
}

const KEY_FIELD = 'Deduplication Key';

/** A literal `undefined`/`null` inside a key comes from a missing field in its expression. */
const MISSING_FIELD_WORD = /(^|[^A-Za-z0-9_])(undefined|null|NaN)([^A-Za-z0-9_]|$)/;

export function readDeduplication(context: IExecuteFunctions, itemIndex: number): Deduplication | undefined {
	const action = context.getNodeParameter('options.deduplicationAction', itemIndex, 'createOnce') as unknown;
	if (action !== 'createOnce' && action !== 'forgetKey' && action !== 'forgetAll') {
		throw invalid(
			context,
			{ name: 'deduplicationAction', displayName: 'Deduplication: Action' },
			action,
			'must be createOnce, forgetKey or forgetAll',
			itemIndex,
		);
	}
	const raw = context.getNodeParameter('options.deduplicationKey', itemIndex, '') as unknown;
	// Only an added option counts: an added but empty key is an error, an absent one means no deduplication.
	const options = context.getNode().parameters.options;
	const keySet = typeof options === 'object' && options !== null && 'deduplicationKey' in options;
	if (!keySet) {
		if (action === 'forgetAll') return { action };
		if (action === 'forgetKey') {
			throw keyError(context, `Deduplication: Action "Forget This Key" needs a ${KEY_FIELD}`, itemIndex);
		}
		return undefined;
	}
	if (action === 'forgetAll') return { action };
	return { action, key: checkedKey(context, raw, itemIndex) };
}

function checkedKey(context: IExecuteFunctions, raw: unknown, itemIndex: number): string {
	if (raw === undefined || raw === null) {
		throw keyError(context, `The ${KEY_FIELD} is ${String(raw)}: a field its expression reads is missing`, itemIndex);
	}
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw keyError(context, `The ${KEY_FIELD} must be text or a number, not ${Array.isArray(raw) ? 'a list' : typeof raw}`, itemIndex);
	}
	const key = String(raw).trim();
	if (key === '') {
		throw keyError(context, `The ${KEY_FIELD} is empty`, itemIndex);
	}
	if (MISSING_FIELD_WORD.test(key) || key.includes('[object Object]')) {
		throw keyError(
			context,
			`The ${KEY_FIELD} "${shorten(key)}" contains "${MISSING_FIELD_WORD.exec(key)?.[2] ?? '[object Object]'}": a field its expression reads is missing or not text`,
			itemIndex,
		);
	}
	return key;
}

function keyError(context: IExecuteFunctions, message: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), `${message} [item ${itemIndex}]`, {
		itemIndex,
		description:
			'Nothing was sent to Ocoya for this item. A key built from a missing field would treat different events as one, so the item is refused: fix the Deduplication Key expression, or the data it reads.',
	});
}

function shorten(text: string): string {
	return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/* ------------------------------------------------------------------------------------ */
/* One store operation at a time per node, in this process                              */
/* ------------------------------------------------------------------------------------ */

const pendingByNode = new Map<string, Promise<void>>();

async function serially<T>(nodeKey: string, task: () => Promise<T>): Promise<T> {
	const previous = pendingByNode.get(nodeKey) ?? Promise.resolve();
	const result = previous.then(task);
	const settled = result.then(
		() => undefined,
		() => undefined,
	);
	pendingByNode.set(nodeKey, settled);
	try {
		return await result;
	} finally {
		if (pendingByNode.get(nodeKey) === settled) pendingByNode.delete(nodeKey);
	}
}

/** Another n8n process inserted this node's first record at the same moment. */
const FIRST_INSERT_CONFLICT = /unique|duplicate key|constraint/i;
const INSERT_RETRIES = 5;
const INSERT_RETRY_DELAY_MS = 50;

async function retryingFirstInsert<T>(context: IExecuteFunctions, operation: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await operation();
		} catch (error) {
			if (attempt >= INSERT_RETRIES || !FIRST_INSERT_CONFLICT.test(messageOf(error))) {
				throw new NodeOperationError(context.getNode(), error as Error);
			}
			// The other process's insert has landed (or is landing): the next try updates its record.
			await sleep(INSERT_RETRY_DELAY_MS * attempt);
		}
	}
}

/** How many times a claim is re-read before giving up, when other processes keep replacing the record. */
const CONFIRM_ATTEMPTS = 5;

/**
 * How long after its last write a key is read back once more. A process that read the record before
 * that write and writes it back after would erase the key; once every such read-modify-write has
 * finished, a key still there stays there. 1 s is far longer than one read-modify-write of n8n's
 * store, and a request's rate-limit pacing usually covers it already.
 */
const SETTLE_MS = 1000;

async function recordKey(context: IExecuteFunctions, store: DeduplicationStore, key: string): Promise<IDeduplicationOutput> {
	return await retryingFirstInsert(context, async () => await store.checkProcessedAndRecord([key], 'node', ENTRIES));
}

/**
 * Records `key` for this node; true when it was new (this item may be sent), false when it was
 * recorded before. The second `checkProcessedAndRecord` reads the record back: if another process
 * rewrote the record from a read older than our write, our key is missing and that call records it
 * again, so the loop repeats until a read finds it.
 */
async function claim(context: IExecuteFunctions, store: DeduplicationStore, key: string): Promise<boolean> {
	const first = await recordKey(context, store, key);
	if (first.processed.length > 0) return false;
	for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
		if ((await recordKey(context, store, key)).processed.length > 0) return true;
	}
	// Nothing will be sent, so the key this loop kept writing must not stay behind.
	await store.removeProcessed([key], 'node', ENTRIES);
	throw new NodeOperationError(context.getNode(), `the key was overwritten ${CONFIRM_ATTEMPTS} times in a row by other n8n processes`);
}

/**
 * After the campaign was created: once writes that overlapped ours have landed, reads the key back
 * (re-recording it if another process erased it) until a read finds it. Returns false when it could
 * not be kept, which the item then reports.
 */
async function keepRecorded(
	context: IExecuteFunctions,
	store: DeduplicationStore,
	nodeKey: string,
	key: string,
	writtenAt: number,
): Promise<boolean> {
	let lastWrite = writtenAt;
	for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
		const wait = lastWrite + SETTLE_MS - Date.now();
		if (wait > 0) await sleep(wait);
		try {
			const check = await serially(nodeKey, async () => await recordKey(context, store, key));
			if (check.processed.length > 0) return true;
		} catch {
			return false;
		}
		lastWrite = Date.now();
	}
	return false;
}

/* ------------------------------------------------------------------------------------ */
/* Running an item                                                                       */
/* ------------------------------------------------------------------------------------ */

function storeOf(context: IExecuteFunctions): DeduplicationStore {
	const helpers = context.helpers as Partial<DeduplicationStore>;
	const names = ['checkProcessedAndRecord', 'removeProcessed', 'clearAllProcessedItems', 'getProcessedDataCount'] as const;
	if (names.some((name) => typeof helpers[name] !== 'function')) {
		throw new NodeOperationError(
			context.getNode(),
			`The Deduplication Key needs n8n ${MIN_N8N_VERSION} or later: this n8n does not offer its deduplication store to nodes`,
			{
				description: `Nothing was sent to Ocoya. Update n8n to ${MIN_N8N_VERSION} or later, or remove the Deduplication Key option to create a campaign for every item.`,
			},
		);
	}
	return helpers as DeduplicationStore;
}

/** The store's record is per workflow and node; its id also serialises the work of this n8n process on it. */
function nodeKeyOf(context: IExecuteFunctions, itemIndex: number): string {
	const workflowId = context.getWorkflow().id;
	if (workflowId === undefined || workflowId === '') {
		throw new NodeOperationError(context.getNode(), 'Save the workflow before using a Deduplication Key', {
			itemIndex,
			description: 'n8n keeps the keys for a saved workflow and node. Nothing was sent to Ocoya.',
		});
	}
	return `${workflowId}:${context.getNode().id}`;
}

function storeError(context: IExecuteFunctions, error: unknown, what: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(context.getNode(), `Could not ${what} in n8n's deduplication store: ${messageOf(error)}`, {
		itemIndex,
		description: 'Nothing was sent to Ocoya for this item. Check n8n’s database, then run the item again.',
	});
}

/** The send's error with what became of its key added to the description. */
function withAdvice(
	context: IExecuteFunctions,
	error: unknown,
	advice: string,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(context.getNode(), error as Error, { itemIndex });
	nodeError.description = nodeError.description ? `${nodeError.description} ${advice}` : advice;
	return nodeError;
}

/**
 * Sends the item once per Deduplication Key: a key seen before yields a duplicate item and sends
 * nothing; a failure that certainly created nothing releases the key; an ambiguous one keeps it.
 */
export async function createOncePerKey(
	context: IExecuteFunctions,
	key: string,
	itemIndex: number,
	send: () => Promise<IDataObject>,
): Promise<INodeExecutionData> {
	const store = storeOf(context);
	const nodeKey = nodeKeyOf(context, itemIndex);
	let isNew: boolean;
	let claimedAt: number;
	try {
		isNew = await serially(nodeKey, async () => await claim(context, store, key));
		claimedAt = Date.now();
	} catch (error) {
		throw storeError(context, error, `record the Deduplication Key "${shorten(key)}"`, itemIndex);
	}
	if (!isNew) {
		return {
			json: {
				duplicate: true,
				deduplicationKey: key,
				message: `Not sent: this node already handled Deduplication Key "${shorten(key)}", so no second campaign was created`,
			},
			pairedItem: { item: itemIndex },
		};
	}

	let campaign: IDataObject;
	try {
		campaign = await send();
	} catch (error) {
		if (requestOutcome(error) === 'unknown') {
			throw withAdvice(
				context,
				error,
				`The Deduplication Key "${shorten(key)}" stays recorded, so delivering this event again will not create a campaign. If Ocoya has no campaign for it, run this node with Deduplication: Action set to "Forget This Key" for this key, then deliver the event again.`,
				itemIndex,
			);
		}
		let advice = `The Deduplication Key "${shorten(key)}" was released: delivering this event again will create the campaign.`;
		try {
			await serially(nodeKey, async () => await store.removeProcessed([key], 'node', ENTRIES));
		} catch (releaseError) {
			advice = `The Deduplication Key "${shorten(key)}" could not be released (${messageOf(releaseError)}): run this node with Deduplication: Action set to "Forget This Key" for this key before delivering the event again.`;
		}
		throw withAdvice(context, error, advice, itemIndex);
	}
	const json: IDataObject = { ...campaign, duplicate: false, deduplicationKey: key };
	if (!(await keepRecorded(context, store, nodeKey, key, claimedAt))) {
		json.deduplicationWarning = `The campaign was created, but n8n's deduplication store did not keep Deduplication Key "${shorten(key)}": a redelivery of this event could create a second campaign.`;
	}
	return { json, pairedItem: { item: itemIndex } };
}

/** Runs the Forget actions; nothing is sent to Ocoya. */
export async function forgetKeys(
	context: IExecuteFunctions,
	deduplication: Deduplication,
	itemIndex: number,
): Promise<INodeExecutionData> {
	const store = storeOf(context);
	const nodeKey = nodeKeyOf(context, itemIndex);
	const { key } = deduplication;
	try {
		if (key === undefined) {
			const keysForgotten = await serially(nodeKey, async () => {
				const count = await store.getProcessedDataCount('node', ENTRIES);
				await store.clearAllProcessedItems('node', ENTRIES);
				return count;
			});
			return {
				json: { keysForgotten, message: `Forgot all ${keysForgotten} Deduplication Keys of this node` },
				pairedItem: { item: itemIndex },
			};
		}
		const wasRemembered = await serially(nodeKey, async () => {
			const before = await store.getProcessedDataCount('node', ENTRIES);
			await store.removeProcessed([key], 'node', ENTRIES);
			return (await store.getProcessedDataCount('node', ENTRIES)) < before;
		});
		return {
			json: {
				deduplicationKey: key,
				forgotten: wasRemembered,
				message: wasRemembered
					? `Forgot Deduplication Key "${shorten(key)}": its next delivery creates a campaign`
					: `Deduplication Key "${shorten(key)}" was not remembered by this node`,
			},
			pairedItem: { item: itemIndex },
		};
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `Could not forget Deduplication Keys in n8n's deduplication store: ${messageOf(error)}`, {
			itemIndex,
		});
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
