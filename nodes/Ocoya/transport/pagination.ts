import type { IDataObject } from 'n8n-workflow';

import type { OcoyaClient, OcoyaRequest } from './index';

/** Ocoya serves at most 50 post groups a page (a larger `perPage` is treated as 50). */
export const MAX_PER_PAGE = 50;

/** Wrapper keys a list reply may use instead of a bare array (Ocoya publishes a bare array). */
const LIST_KEYS = ['data', 'items', 'results', 'posts', 'postGroups'];

/**
 * The list inside a reply: a bare array, or the array an object wraps. Undefined when there is
 * none, which callers report as an unreadable reply.
 */
export function listIn(reply: unknown): unknown[] | undefined {
	if (Array.isArray(reply)) return reply;
	if (reply === null || typeof reply !== 'object') return undefined;
	const wrapper = reply as IDataObject;
	const key = LIST_KEYS.find((candidate) => Array.isArray(wrapper[candidate]));
	const list = key !== undefined ? wrapper[key] : Object.values(wrapper).find(Array.isArray);
	return Array.isArray(list) ? list : undefined;
}

/** What every page request of one listing shares; `qs` is completed with page and perPage. */
export type PageRequest = Omit<OcoyaRequest, 'method' | 'qs'> & { qs: IDataObject };

export interface PostPagesOptions {
	/** Stop once this many distinct post groups are read; undefined reads until a short page. */
	limit?: number;
	/** Read at most this many pages (the trigger's window); undefined means no bound. */
	maxPages?: number;
	/**
	 * Keeps only the post groups it accepts, and `limit` counts those: a filter Ocoya may not apply
	 * on its side (how `statuses` goes on the wire is undocumented) is applied here too.
	 */
	accept?: (post: IDataObject) => boolean;
}

export interface PostPages {
	/** Distinct post groups (by `id`) in the order first seen, those `accept` refused left out. */
	posts: IDataObject[];
	/** True when a page shorter than asked for was read: the listing was read to its end. */
	complete: boolean;
	/** True when the last page read was full (more may follow beyond `maxPages`). */
	lastPageFull: boolean;
	/** Pages requested. */
	pages: number;
}

/**
 * The page to ask for next: records from `next` on are unread and `need` (≤ 50) more are wanted.
 * Ocoya's `page` counts pages of the size asked in the same request (records page × perPage
 * onwards), so a smaller `perPage` later in a listing must keep the page aligned: this picks the
 * smallest size from `need` to 50 whose page, containing `next`, reaches `next + need` (one
 * request, as few records as possible); when none does, a page of 50 containing `next`.
 * Records before `next` that such a page repeats are dropped as duplicates by id.
 */
export function nextPage(next: number, need: number): { page: number; perPage: number } {
	for (let perPage = need; perPage <= MAX_PER_PAGE; perPage++) {
		const page = Math.floor(next / perPage);
		if ((page + 1) * perPage >= next + need) return { page, perPage };
	}
	return { page: Math.floor(next / MAX_PER_PAGE), perPage: MAX_PER_PAGE };
}

/**
 * Reads `GET /post` page by page from page 0, each page through the client (and so through the
 * key's rate-limit gate): `perPage` is min(50, what is still needed) as far as page alignment
 * allows (see `nextPage`), no page is fetched twice, the first page shorter than asked for ends
 * the listing, and post groups are de-duplicated by `id` (an order that shifts between pages can
 * repeat one).
 */
export async function readPostPages(
	client: OcoyaClient,
	request: PageRequest,
	options: PostPagesOptions = {},
): Promise<PostPages> {
	const seen = new Map<string, IDataObject>();
	// Every id read, kept or not: a full page that brings none new means the server is not paging.
	const ids = new Set<string>();
	let pages = 0;
	let lastPageFull = false;
	/** Index of the first record not read yet. */
	let next = 0;
	for (;;) {
		if (options.maxPages !== undefined && pages >= options.maxPages) return result(false);
		const wanted = options.limit === undefined ? MAX_PER_PAGE : options.limit - seen.size;
		if (wanted <= 0) return result(false);
		const { page, perPage } = nextPage(next, Math.min(MAX_PER_PAGE, wanted));
		const reply = await client.request({
			...request,
			method: 'GET',
			qs: { ...request.qs, page, perPage },
		});
		pages++;
		const list = listIn(reply);
		if (list === undefined) throw client.unreadableListError(request.path, request.itemIndex);
		let newIds = 0;
		for (const entry of list) {
			if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
			const post = entry as IDataObject;
			const id = typeof post.id === 'string' || typeof post.id === 'number' ? String(post.id) : undefined;
			if (id === undefined || ids.has(id)) continue;
			ids.add(id);
			newIds++;
			if (options.accept !== undefined && !options.accept(post)) continue;
			if (options.limit !== undefined && seen.size >= options.limit) break;
			seen.set(id, post);
		}
		lastPageFull = list.length >= perPage;
		// A server that ignores `page` would otherwise be read forever with Return All.
		if (!lastPageFull || newIds === 0) return result(true);
		next = (page + 1) * perPage;
	}

	function result(complete: boolean): PostPages {
		return { posts: [...seen.values()], complete, lastPageFull, pages };
	}
}
