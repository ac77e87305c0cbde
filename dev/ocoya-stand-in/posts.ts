/**
 * The stand-in's post groups: Ocoya's PostGroup shape, deterministic ids and contents, the list
 * orders a client must cope with, and the status changes a polling trigger must notice.
 */

/** The contract's PostStatus enum (only DRAFT and POSTED are confirmed by Ocoya). */
export const POST_STATUSES = [
	'DRAFT',
	'PENDING_CLIENT_APPROVAL',
	'PENDING_INTERNAL_APPROVAL',
	'SCHEDULED',
	'POSTED',
	'ERROR',
] as const;
export type PostStatus = (typeof POST_STATUSES)[number];
/** A contract status, or any other text (a status Ocoya might add, for pass-through tests). */
export type AnyPostStatus = PostStatus | (string & Record<never, never>);

/** Order of `GET /post`. Ocoya publishes none; 'shuffle' is a new seeded permutation on every call. */
export type PostOrder = 'newest-first' | 'oldest-first' | 'shuffle';

export interface SocialProfile {
	id: string;
	/** Lower case, e.g. `facebook`. */
	provider: string;
	name: string;
	image: string;
	[field: string]: unknown;
}

export interface Creative {
	type: 'IMAGE' | 'VIDEO';
	url: string;
}

export interface PostEntry {
	/** `GENERAL` (the shared caption) or an upper-case network, e.g. `LINKEDIN`. */
	provider: string;
	caption: string;
	creatives: Creative[];
}

/** Ocoya's PostGroup as `GET /post` returns it. */
export interface PostGroup {
	id: string;
	postType: 'REGULAR';
	status: AnyPostStatus;
	/** UTC with milliseconds, e.g. `2030-01-01T09:00:00.000Z`; null for an unscheduled draft. */
	scheduledAt: string | null;
	posts: PostEntry[];
	socialProfiles: Array<{ socialProfile: SocialProfile }>;
}

/** What to create; anything left out is filled in deterministically from the post's sequence number. */
export interface NewPost {
	workspaceId?: string;
	status?: AnyPostStatus;
	caption?: string;
	mediaUrls?: string[];
	/** Profiles of the post's workspace; default: one profile picked by sequence number. */
	socialProfileIds?: string[];
	/** Any ISO date-time (stored with milliseconds), or null; default depends on the status. */
	scheduledAt?: string | null;
}

/** How to seed a workspace's posts: `count` groups whose statuses cycle through `statuses`. */
export interface PostSeed {
	count: number;
	/** Default: all six contract statuses in turn. */
	statuses?: readonly AnyPostStatus[];
	/** Default: the default workspace (`ws_standin_1`). */
	workspaceId?: string;
}

/** One change of a post group's status. `from` null: it appeared; `to` null: it was removed. */
export interface PostChange {
	id: string;
	workspaceId: string;
	from: AnyPostStatus | null;
	to: AnyPostStatus | null;
	/** Epoch ms (host clock). */
	at: number;
}

interface StoredPost {
	/** Creation order; a higher number is newer. */
	seq: number;
	workspaceId: string;
	group: PostGroup;
}

/** Future times for scheduled posts and past ones for published posts, fixed so runs are repeatable. */
const FUTURE_BASE = Date.UTC(2030, 0, 1, 9, 0, 0);
const PAST_BASE = Date.UTC(2026, 0, 1, 9, 0, 0);
const HOUR = 3_600_000;
const TOPICS = ['product launch', 'customer story', 'webinar invite', 'team spotlight', 'feature tip', 'holiday greeting'];

export const DEFAULT_WORKSPACE_ID = 'ws_standin_1';

export function isPostStatus(value: unknown): value is PostStatus {
	return typeof value === 'string' && (POST_STATUSES as readonly string[]).includes(value);
}

/** ISO date-time → Ocoya's reply form, UTC with milliseconds. */
export function withMilliseconds(iso: string): string {
	const ms = Date.parse(iso);
	if (Number.isNaN(ms)) throw new Error(`Not a date-time: ${iso}`);
	return new Date(ms).toISOString();
}

function defaultScheduledAt(status: AnyPostStatus, seq: number): string | null {
	if (status === 'DRAFT') return null;
	if (status === 'POSTED' || status === 'ERROR') return new Date(PAST_BASE + seq * HOUR).toISOString();
	return new Date(FUTURE_BASE + seq * HOUR).toISOString();
}

/** mulberry32: a small seeded generator, so a shuffle is repeatable from its seed. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

export class UnknownProfileError extends Error {}

export class PostStore {
	private stored: StoredPost[] = [];
	private seq = 0;
	private listCalls = 0;
	/** Every change in the order it happened, for assertions. Emptied in place by `clear()`. */
	readonly changes: PostChange[] = [];

	/** `profilesOf` gives a workspace's social profiles at the time a post is created. */
	constructor(private readonly profilesOf: (workspaceId: string) => SocialProfile[]) {}

	/** Forgets every post and change and restarts the id sequence, so a re-seed gives the same ids. */
	clear(): void {
		this.stored = [];
		this.seq = 0;
		this.listCalls = 0;
		this.changes.length = 0;
	}

	seed(seeds: readonly PostSeed[]): void {
		for (const seed of seeds) this.addSeeded(seed);
	}

	/** Adds `count` posts whose statuses cycle through `statuses`; returns them, oldest first. */
	addSeeded(seed: PostSeed): PostGroup[] {
		if (!Number.isInteger(seed.count) || seed.count < 0) throw new Error(`Post count must be a whole number ≥ 0, got ${seed.count}`);
		const statuses = seed.statuses && seed.statuses.length > 0 ? seed.statuses : POST_STATUSES;
		const created: PostGroup[] = [];
		for (let i = 0; i < seed.count; i += 1) {
			created.push(this.add({ workspaceId: seed.workspaceId, status: statuses[i % statuses.length] }));
		}
		return created;
	}

	/** Creates one post group, the newest; throws {@link UnknownProfileError} for a profile not in its workspace. */
	add(post: NewPost = {}): PostGroup {
		const workspaceId = post.workspaceId ?? DEFAULT_WORKSPACE_ID;
		const profiles = this.profilesOf(workspaceId);
		const seq = this.seq + 1;
		let attached: SocialProfile[];
		if (post.socialProfileIds) {
			attached = post.socialProfileIds.map((id) => {
				const profile = profiles.find((candidate) => candidate.id === id);
				if (!profile) throw new UnknownProfileError(`Social profile ${id} is not connected to workspace ${workspaceId}`);
				return profile;
			});
		} else {
			attached = profiles.length > 0 ? [profiles[seq % profiles.length]] : [];
		}
		const status = post.status ?? (post.scheduledAt ? 'SCHEDULED' : 'DRAFT');
		const scheduledAt =
			post.scheduledAt === undefined ? defaultScheduledAt(status, seq) : post.scheduledAt && withMilliseconds(post.scheduledAt);
		const caption = post.caption ?? (post.mediaUrls ? '' : `Post ${seq}: our ${TOPICS[seq % TOPICS.length]} #standin`);
		const creatives: Creative[] = (post.mediaUrls ?? []).map((url) => ({
			type: /\.mp4(\?|$)/i.test(url) ? 'VIDEO' : 'IMAGE',
			url,
		}));
		const networks = [...new Set(attached.map((profile) => profile.provider.toUpperCase()))];
		const group: PostGroup = {
			id: `pg_standin_${String(seq).padStart(4, '0')}`,
			postType: 'REGULAR',
			status,
			scheduledAt,
			posts: ['GENERAL', ...networks].map((provider) => ({ provider, caption, creatives: structuredClone(creatives) })),
			socialProfiles: attached.map((profile) => ({ socialProfile: structuredClone(profile) })),
		};
		this.seq = seq;
		this.stored.push({ seq, workspaceId, group });
		this.record(group.id, workspaceId, null, status);
		return structuredClone(group);
	}

	get(id: string): PostGroup | undefined {
		const found = this.find(id);
		return found && structuredClone(found.group);
	}

	workspaceOf(id: string): string | undefined {
		return this.find(id)?.workspaceId;
	}

	/** A workspace's posts, newest first, as copies. */
	all(workspaceId = DEFAULT_WORKSPACE_ID): PostGroup[] {
		return this.ordered(workspaceId, 'newest-first', 0).map((post) => structuredClone(post.group));
	}

	/** Every post of every workspace, newest first. */
	count(workspaceId?: string): number {
		return workspaceId === undefined ? this.stored.length : this.stored.filter((post) => post.workspaceId === workspaceId).length;
	}

	/** What `GET /post` shows: filtered by status, in `order`, then one page. Each call advances the shuffle. */
	page(
		workspaceId: string,
		options: { statuses?: readonly string[]; order: PostOrder; shuffleSeed: number; page: number; perPage: number },
	): PostGroup[] {
		this.listCalls += 1;
		const wanted = options.statuses && options.statuses.length > 0 ? new Set(options.statuses) : undefined;
		const matching = this.ordered(workspaceId, options.order, options.shuffleSeed).filter(
			(post) => !wanted || wanted.has(post.group.status),
		);
		const start = options.page * options.perPage;
		return matching.slice(start, start + options.perPage).map((post) => structuredClone(post.group));
	}

	setStatus(id: string, status: AnyPostStatus): PostChange {
		const found = this.require(id);
		const from = found.group.status;
		found.group.status = status;
		return this.record(id, found.workspaceId, from, status);
	}

	/** PATCH /post/{id}: a new time makes the group SCHEDULED. */
	reschedule(id: string, scheduledAt: string): PostGroup {
		const found = this.require(id);
		found.group.scheduledAt = withMilliseconds(scheduledAt);
		if (found.group.status !== 'SCHEDULED') this.setStatus(id, 'SCHEDULED');
		return structuredClone(found.group);
	}

	remove(id: string): boolean {
		const index = this.stored.findIndex((post) => post.group.id === id);
		if (index === -1) return false;
		const [removed] = this.stored.splice(index, 1);
		this.record(id, removed.workspaceId, removed.group.status, null);
		return true;
	}

	/**
	 * One step of the status mover, in a workspace: a new DRAFT appears, the SCHEDULED group due
	 * first is POSTED, and the next one due fails (ERROR). Steps with nothing to move are skipped.
	 */
	advance(workspaceId = DEFAULT_WORKSPACE_ID): PostChange[] {
		const before = this.changes.length;
		this.add({ workspaceId, status: 'DRAFT' });
		const due = this.stored
			.filter((post) => post.workspaceId === workspaceId && post.group.status === 'SCHEDULED')
			.sort((a, b) => (a.group.scheduledAt ?? '').localeCompare(b.group.scheduledAt ?? '') || a.seq - b.seq);
		if (due[0]) this.setStatus(due[0].group.id, 'POSTED');
		if (due[1]) this.setStatus(due[1].group.id, 'ERROR');
		return this.changes.slice(before).map((change) => ({ ...change }));
	}

	private ordered(workspaceId: string, order: PostOrder, shuffleSeed: number): StoredPost[] {
		const posts = this.stored.filter((post) => post.workspaceId === workspaceId);
		if (order === 'oldest-first') return posts.sort((a, b) => a.seq - b.seq);
		posts.sort((a, b) => b.seq - a.seq);
		if (order === 'newest-first') return posts;
		const random = seededRandom(shuffleSeed * 1_000_003 + this.listCalls);
		for (let i = posts.length - 1; i > 0; i -= 1) {
			const j = Math.floor(random() * (i + 1));
			[posts[i], posts[j]] = [posts[j], posts[i]];
		}
		return posts;
	}

	private find(id: string): StoredPost | undefined {
		return this.stored.find((post) => post.group.id === id);
	}

	private require(id: string): StoredPost {
		const found = this.find(id);
		if (!found) throw new Error(`No post group ${id}`);
		return found;
	}

	private record(id: string, workspaceId: string, from: AnyPostStatus | null, to: AnyPostStatus | null): PostChange {
		const change: PostChange = { id, workspaceId, from, to, at: Date.now() };
		this.changes.push(change);
		return { ...change };
	}
}
