/**
 * The Ocoya Trigger's record: which post groups it has seen, in which status, and which have left
 * the watched statuses. It lives in the node's static data, which n8n saves only at activation and
 * when a poll emits. So the record is built for that rule:
 * - it is written once per poll, after the last page (a failed or skipped poll changes nothing);
 * - a poll with no record for its settings (a baseline) records and emits nothing; at activation
 *   that record is saved, and a later emitting poll saves it otherwise;
 * - every item is recorded in the same write as the poll that emits it, and that emission is what
 *   makes n8n save it, so a restart never repeats an item;
 * - what a poll changes without emitting (a "left" mark, a status seen in First Appearance mode)
 *   lives in memory until the next save. A restart that loses it only delays a "left" mark: the
 *   activation poll, which n8n saves, sees the post group gone again. Only a post group that left
 *   and came back before that poll saw it gone is not emitted again.
 */
import type { IDataObject } from 'n8n-workflow';

/** Most post groups kept; beyond it the least recently changed are dropped. */
export const MAX_RECORDED_POSTS = 10_000;

export type EmitMode = 'firstAppearance' | 'everyChange';

/** Where a recorded post group stands in the listing. */
export const LISTED = 0;
/** Missing once from a multi-page listing: one more such poll marks it as left. */
export const MISSING_ONCE = 1;
/** No longer listed in the watched statuses: if it is listed again, that is a change. */
export const LEFT = 2;
export type Presence = typeof LISTED | typeof MISSING_ONCE | typeof LEFT;

export interface RecordedPost {
	status: string;
	presence: Presence;
}

/** What a record belongs to: another credential, workspace, set of statuses or Emit starts a new one. */
export interface RecordSettings {
	credential: string;
	workspaceId: string;
	statuses: string[];
	emit: EmitMode;
}

const STATIC_DATA_KEY = 'ocoyaTriggerRecord';
const RECORD_VERSION = 1;

interface StoredRecord extends RecordSettings {
	version: number;
	/** [id, status, presence], least recently changed first. */
	posts: Array<[string, string, number]>;
}

function sameSettings(stored: StoredRecord, settings: RecordSettings): boolean {
	return (
		stored.version === RECORD_VERSION &&
		stored.credential === settings.credential &&
		stored.workspaceId === settings.workspaceId &&
		stored.emit === settings.emit &&
		Array.isArray(stored.statuses) &&
		stored.statuses.join(',') === settings.statuses.join(',')
	);
}

/** The record for these settings, or undefined when there is none (first poll, or settings changed). */
export function readRecord(staticData: IDataObject, settings: RecordSettings): Map<string, RecordedPost> | undefined {
	const stored = staticData[STATIC_DATA_KEY] as unknown as StoredRecord | undefined;
	if (stored === undefined || stored === null || typeof stored !== 'object' || !sameSettings(stored, settings)) return undefined;
	if (!Array.isArray(stored.posts)) return undefined;
	const posts = new Map<string, RecordedPost>();
	for (const entry of stored.posts) {
		if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
		const presence = entry[2] === MISSING_ONCE || entry[2] === LEFT ? entry[2] : LISTED;
		posts.set(entry[0], { status: entry[1], presence });
	}
	return posts;
}

/** Replaces the record in one assignment, bounded to MAX_RECORDED_POSTS. */
export function writeRecord(staticData: IDataObject, settings: RecordSettings, posts: Map<string, RecordedPost>): void {
	const entries = [...posts.entries()].slice(-MAX_RECORDED_POSTS);
	const stored: StoredRecord = {
		version: RECORD_VERSION,
		...settings,
		statuses: [...settings.statuses],
		posts: entries.map(([id, post]) => [id, post.status, post.presence]),
	};
	staticData[STATIC_DATA_KEY] = stored as unknown as IDataObject;
}

/** One poll's view of the listing, already narrowed to the watched statuses. */
export interface Listing {
	/** Post groups with a string `id` and `status`, in the order read. */
	posts: IDataObject[];
	/**
	 * Every page was read and no post group came twice, so a recorded one that is missing really
	 * is missing (unless the listing changed between two pages: see `singleRequest`).
	 */
	consistent: boolean;
	/** The whole listing came in one reply, so nothing could shift between pages. */
	singleRequest: boolean;
}

export interface Change {
	post: IDataObject;
	status: string;
	/** The status last recorded; null when first seen (or after the record dropped it). */
	previousStatus: string | null;
}

/** Every listed post group as seen: the record a baseline poll writes. */
export function baseline(listing: Listing): Map<string, RecordedPost> {
	const posts = new Map<string, RecordedPost>();
	for (const post of listing.posts) posts.set(String(post.id), { status: String(post.status), presence: LISTED });
	return posts;
}

/**
 * Compares a listing with the record: the changes to emit and the record to write. A post group
 * not in the record, or back after it left, is a change in both modes; a new status of a listed
 * one is a change only with `everyChange`. A recorded post group missing from a consistent listing
 * is marked left at once when the listing was one reply, or after a second consistent multi-page
 * poll misses it too (a post leaving between two page requests shifts its neighbours across the
 * page boundary, which can hide one poll's worth of a post that never left).
 */
export function reconcile(
	previous: Map<string, RecordedPost>,
	listing: Listing,
	emit: EmitMode,
): { next: Map<string, RecordedPost>; changes: Change[] } {
	const next = new Map(previous);
	const changes: Change[] = [];
	const listed = new Set<string>();
	for (const post of listing.posts) {
		const id = String(post.id);
		const status = String(post.status);
		listed.add(id);
		const known = previous.get(id);
		if (known === undefined || known.presence === LEFT) {
			changes.push({ post, status, previousStatus: known?.status ?? null });
			refresh(next, id, { status, presence: LISTED });
		} else if (known.status !== status) {
			if (emit === 'everyChange') changes.push({ post, status, previousStatus: known.status });
			refresh(next, id, { status, presence: LISTED });
		} else if (known.presence !== LISTED) {
			next.set(id, { status, presence: LISTED });
		}
	}
	if (listing.consistent) {
		for (const [id, known] of previous) {
			if (listed.has(id) || known.presence === LEFT) continue;
			const presence = listing.singleRequest || known.presence === MISSING_ONCE ? LEFT : MISSING_ONCE;
			next.set(id, { status: known.status, presence });
		}
	}
	while (next.size > MAX_RECORDED_POSTS) next.delete(next.keys().next().value as string);
	return { next, changes };
}

/** Moves a changed entry to the end, so the bound drops the least recently changed first. */
function refresh(posts: Map<string, RecordedPost>, id: string, post: RecordedPost): void {
	posts.delete(id);
	posts.set(id, post);
}
