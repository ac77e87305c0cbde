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
 * Deduplication Key for every create (Campaign › Create, Post › Create, Post › Create with AI): at
 * most one resource per key for this node, kept in n8n's own deduplication store (its database,
 * so queue-mode workers share it).
 *
 * Two entries per key: `<key>` is recorded before the request (claimed: an attempt is in flight, or
 * ended with an unknown outcome), `created:<key>` once Ocoya confirmed the create. A delivery whose
 * key is claimed is told it was handled (`duplicate: true`) only when `created:<key>` is there, or
 * when the attempt in flight in this n8n process ends with a create it waited for. Otherwise
 * (another worker's attempt in flight, an earlier attempt of unknown outcome) it is told the
 * outcome is pending (`pending: true`, `duplicate: false`): an event is never reported handled
 * while no resource exists for it.
 *
 * n8n's store keeps one record per node (scope 'node') and reads and rewrites it whole, without a
 * lock: the first write is an insert that fails on the primary key when two run at once, and a
 * write made from a stale read replaces what was recorded in between. So every claim and release
 * for one node runs serially in this process, a failed first insert is retried, a claim is read
 * back right after it is written, and once more after the resource is created and overlapping
 * writes of other processes (queue-mode workers) have landed. Nothing here can stop two processes
 * from claiming the same key at the same moment: the store offers no atomic claim.
 */

/** The n8n release that added `checkProcessedAndRecord` and its companions to node helpers. */
export const MIN_N8N_VERSION = '1.65.0';

/** How many of the most recent keys a node remembers; the oldest are dropped beyond this. */
export const HISTORY_SIZE = 10_000;

/** Entries kept per node: a key and its `created:` mark. */
const HISTORY_ENTRIES = HISTORY_SIZE * 2;

const CREATED_PREFIX = 'created:';

export type DeduplicationAction = 'createOnce' | 'forgetKey' | 'forgetAll';

/** The Deduplication options of a create, worded for what it creates (`campaign`, `post`). */
export function deduplicationOptions(noun: string): INodeProperties[] {
	return [
		{
			displayName: 'Deduplication Key',
			name: 'deduplicationKey',
			type: 'string',
			default: '',
			placeholder: "e.g. {{ $json.dealId }} or {{ $json.body.email + ':' + $json.body.product }}",
			description:
				`Identifies the event behind the item, so that this node creates at most one ${noun} per key, across executions and restarts. An item whose key this node has seen before is not sent: it is output with duplicate set to true once the ${noun} exists, or with pending set to true while an earlier attempt's outcome is not known yet. This node remembers its 10,000 most recent keys.`,
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
						`Send nothing; forget the item’s Deduplication Key, so its next delivery creates a ${noun} again`,
				},
			],
			default: 'createOnce',
			description:
				`Forget keys after deleting a ${noun} in Ocoya, or after a failure that created nothing. Keys belong to this node: only this node can forget them.`,
		},
	];
}

/** Campaign › Create's options, as 0.2.0 defined them. */
export const DEDUPLICATION_OPTIONS: INodeProperties[] = deduplicationOptions('campaign');

type DeduplicationStore = Pick<
	DeduplicationHelperFunctions,
	'checkProcessedAndRecord' | 'removeProcessed' | 'clearAllProcessedItems' | 'getProcessedDataCount'
>;

const ENTRIES: ICheckProcessedOptions = { mode: 'entries', maxEntries: HISTORY_ENTRIES };

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

async function recordKeys(context: IExecuteFunctions, store: DeduplicationStore, keys: string[]): Promise<IDeduplicationOutput> {
	return await retryingFirstInsert(context, async () => await store.checkProcessedAndRecord(keys, 'node', ENTRIES));
}

/**
 * Whether the key's create is recorded. The store has no read-only check: the mark is written by
 * the check when absent and removed again at once. A mark written by another process between the
 * two can be lost that way; its writer reads it back after settling and writes it again, and until
 * then a delivery is told "pending", never wrongly "handled".
 */
async function isRecordedCreated(context: IExecuteFunctions, store: DeduplicationStore, key: string): Promise<boolean> {
	const mark = `${CREATED_PREFIX}${key}`;
	if ((await recordKeys(context, store, [mark])).processed.length > 0) return true;
	await store.removeProcessed([mark], 'node', ENTRIES);
	return false;
}

/**
 * Records `key` for this node; true when it was new (this item may be sent), false when it was
 * recorded before. The second `checkProcessedAndRecord` reads the record back: if another process
 * rewrote the record from a read older than our write, our key is missing and that call records it
 * again, so the loop repeats until a read finds it.
 */
async function claim(context: IExecuteFunctions, store: DeduplicationStore, key: string): Promise<boolean> {
	const first = await recordKeys(context, store, [key]);
	if (first.processed.length > 0) return false;
	for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
		if ((await recordKeys(context, store, [key])).processed.length > 0) return true;
	}
	// Nothing will be sent, so the key this loop kept writing must not stay behind.
	await store.removeProcessed([key], 'node', ENTRIES);
	throw new NodeOperationError(context.getNode(), `the key was overwritten ${CONFIRM_ATTEMPTS} times in a row by other n8n processes`);
}

/**
 * After the resource was created: once writes that overlapped ours have landed, reads the key and
 * its created mark back (re-recording what another process erased) until a read finds both.
 * Returns false when they could not be kept, which the item then reports.
 */
async function keepRecorded(
	context: IExecuteFunctions,
	store: DeduplicationStore,
	nodeKey: string,
	keys: string[],
	writtenAt: number,
): Promise<boolean> {
	let lastWrite = writtenAt;
	for (let attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
		const wait = lastWrite + SETTLE_MS - Date.now();
		if (wait > 0) await sleep(wait);
		try {
			const check = await serially(nodeKey, async () => await recordKeys(context, store, keys));
			if (check.processed.length === keys.length) return true;
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
				description: `Nothing was sent to Ocoya. Update n8n to ${MIN_N8N_VERSION} or later, or remove the Deduplication Key option to send every item.`,
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

/** How an attempt of this n8n process at one key ended, for deliveries of the same key that waited for it. */
type AttemptOutcome =
	| { kind: 'created'; result: IDataObject }
	/** Certainly nothing created, key released: a waiting delivery sends itself. */
	| { kind: 'released' }
	/** May have been created (the key stays recorded), or the key was held elsewhere: nothing is known. */
	| { kind: 'unknown' };

/** Attempts in flight in this n8n process, by node and key. */
const attemptsInFlight = new Map<string, Promise<AttemptOutcome>>();

export interface CreateOnceOptions {
	/** What is created, for messages: 'campaign' (default), 'post'. */
	noun?: string;
	/** Longest a redelivery waits for an attempt of the same key in flight in this n8n instance. */
	maxWaitMs?: number;
}

/** The item of a delivery whose key's resource exists: handled, nothing sent. */
function duplicateItem(key: string, noun: string, itemIndex: number, result: IDataObject = {}): INodeExecutionData {
	return {
		json: {
			...result,
			duplicate: true,
			deduplicationKey: key,
			message: `Not sent: this node already created the ${noun} for Deduplication Key "${shorten(key)}", so no second ${noun} was created`,
		},
		pairedItem: { item: itemIndex },
	};
}

/** The item of a delivery whose key is claimed but not known to be created: not handled, retry later. */
function pendingItem(key: string, noun: string, itemIndex: number, why: string): INodeExecutionData {
	return {
		json: {
			duplicate: false,
			pending: true,
			deduplicationKey: key,
			message: `Not sent, and not handled yet: ${why}. Deliver the event again later; if Ocoya has no ${noun} for it and no attempt is running, run this node with Deduplication: Action set to "Forget This Key" for this key.`,
		},
		pairedItem: { item: itemIndex },
	};
}

async function waitForAttempt(
	attempt: Promise<AttemptOutcome>,
	deadline: number,
	signal: AbortSignal | undefined,
): Promise<AttemptOutcome | 'timedOut'> {
	const timer = new AbortController();
	const onAbort = (): void => timer.abort();
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		const timedOut = sleep(Math.max(0, deadline - Date.now()), timer.signal).then(
			() => 'timedOut' as const,
			() => 'timedOut' as const,
		);
		return await Promise.race([attempt, timedOut]);
	} finally {
		signal?.removeEventListener('abort', onAbort);
		timer.abort();
	}
}

function cancelSignalOf(context: IExecuteFunctions): AbortSignal | undefined {
	return typeof context.getExecutionCancelSignal === 'function' ? context.getExecutionCancelSignal() : undefined;
}

/**
 * Sends the item once per Deduplication Key. A delivery of a key with an attempt in flight in this
 * process waits for it (within Max Wait) and takes its outcome; a key claimed elsewhere is a
 * duplicate only once its create is recorded, else pending. A failure that certainly created
 * nothing releases the key; an ambiguous one keeps it.
 */
export async function createOncePerKey(
	context: IExecuteFunctions,
	key: string,
	itemIndex: number,
	send: () => Promise<IDataObject>,
	options: CreateOnceOptions = {},
): Promise<INodeExecutionData> {
	const noun = options.noun ?? 'campaign';
	const store = storeOf(context);
	const nodeKey = nodeKeyOf(context, itemIndex);
	const attemptId = `${nodeKey}\u0000${key}`;
	const deadline = Date.now() + (options.maxWaitMs ?? 0);
	for (;;) {
		const running = attemptsInFlight.get(attemptId);
		if (running === undefined) break;
		const outcome = await waitForAttempt(running, deadline, cancelSignalOf(context));
		if (outcome === 'timedOut') {
			return pendingItem(key, noun, itemIndex, `an earlier delivery of Deduplication Key "${shorten(key)}" is still being sent`);
		}
		if (outcome.kind === 'created') return duplicateItem(key, noun, itemIndex, outcome.result);
		if (outcome.kind === 'unknown') {
			return pendingItem(key, noun, itemIndex, `the outcome of an earlier attempt for Deduplication Key "${shorten(key)}" is unknown`);
		}
		// Released: nothing was created, so this delivery sends itself (unless another waiter got there first).
	}

	let settle: (outcome: AttemptOutcome) => void = () => undefined;
	const attempt = new Promise<AttemptOutcome>((resolve) => {
		settle = resolve;
	});
	attemptsInFlight.set(attemptId, attempt);
	// A failure after which the key was released (nothing created) sets this: a waiting delivery sends itself.
	const progress: { outcome: AttemptOutcome } = { outcome: { kind: 'unknown' } };
	try {
		const { item, ended } = await attemptOnce(context, store, nodeKey, key, itemIndex, send, noun, progress);
		progress.outcome = ended;
		return item;
	} finally {
		if (attemptsInFlight.get(attemptId) === attempt) attemptsInFlight.delete(attemptId);
		settle(progress.outcome);
	}
}

async function attemptOnce(
	context: IExecuteFunctions,
	store: DeduplicationStore,
	nodeKey: string,
	key: string,
	itemIndex: number,
	send: () => Promise<IDataObject>,
	noun: string,
	progress: { outcome: AttemptOutcome },
): Promise<{ item: INodeExecutionData; ended: AttemptOutcome }> {
	let isNew: boolean;
	let claimedAt: number;
	let created = false;
	try {
		isNew = await serially(nodeKey, async () => await claim(context, store, key));
		claimedAt = Date.now();
		if (!isNew) created = await serially(nodeKey, async () => await isRecordedCreated(context, store, key));
	} catch (error) {
		// Nothing was sent: a delivery waiting for this one tries for itself.
		progress.outcome = { kind: 'released' };
		throw storeError(context, error, `record the Deduplication Key "${shorten(key)}"`, itemIndex);
	}
	if (!isNew) {
		const item = created
			? duplicateItem(key, noun, itemIndex)
			: pendingItem(
					key,
					noun,
					itemIndex,
					`Deduplication Key "${shorten(key)}" is recorded, but no ${noun} is recorded as created for it: another n8n process (a queue-mode worker) may be sending it right now, or an earlier attempt ended with an unknown outcome`,
				);
		return { item, ended: created ? { kind: 'created', result: {} } : { kind: 'unknown' } };
	}

	let result: IDataObject;
	try {
		result = await send();
	} catch (error) {
		if (requestOutcome(error) === 'unknown') {
			throw withAdvice(
				context,
				error,
				`The Deduplication Key "${shorten(key)}" stays recorded, so delivering this event again will not create a ${noun}: it is answered as pending. If Ocoya has no ${noun} for it, run this node with Deduplication: Action set to "Forget This Key" for this key, then deliver the event again.`,
				itemIndex,
			);
		}
		let advice = `The Deduplication Key "${shorten(key)}" was released: delivering this event again will create the ${noun}.`;
		let keyReleased = true;
		try {
			await serially(nodeKey, async () => await store.removeProcessed([key], 'node', ENTRIES));
		} catch (releaseError) {
			keyReleased = false;
			advice = `The Deduplication Key "${shorten(key)}" could not be released (${messageOf(releaseError)}): run this node with Deduplication: Action set to "Forget This Key" for this key before delivering the event again.`;
		}
		const failure = withAdvice(context, error, advice, itemIndex);
		if (keyReleased) progress.outcome = { kind: 'released' };
		throw failure;
	}
	const json: IDataObject = { ...result, duplicate: false, deduplicationKey: key };
	const createdMark = `${CREATED_PREFIX}${key}`;
	let markedAt = claimedAt;
	try {
		await serially(nodeKey, async () => await recordKeys(context, store, [createdMark]));
		markedAt = Date.now();
	} catch {
		// keepRecorded below writes it again, and reports if it cannot.
	}
	const kept = await keepRecorded(context, store, nodeKey, [key, createdMark], markedAt);
	if (!kept) {
		json.deduplicationWarning = `The ${noun} was created, but n8n's deduplication store did not keep Deduplication Key "${shorten(key)}": a redelivery of this event could create a second ${noun}.`;
	}
	return { item: { json, pairedItem: { item: itemIndex } }, ended: { kind: 'created', result } };
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
			await store.removeProcessed([key, `${CREATED_PREFIX}${key}`], 'node', ENTRIES);
			return (await store.getProcessedDataCount('node', ENTRIES)) < before;
		});
		return {
			json: {
				deduplicationKey: key,
				forgotten: wasRemembered,
				message: wasRemembered
					? `Forgot Deduplication Key "${shorten(key)}": its next delivery is sent again`
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
