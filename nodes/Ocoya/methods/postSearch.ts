import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { OcoyaClient } from '../transport';
import { listIn, MAX_PER_PAGE } from '../transport/pagination';

/** A list must answer quickly or fail: the editor waits on it. */
const SEARCH_TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 60;

/** The caption a post group shows: its shared (GENERAL) caption, else the first one there is. */
function captionOf(post: IDataObject): string {
	const posts = Array.isArray(post.posts) ? (post.posts as IDataObject[]) : [];
	const captions = posts.filter((entry) => entry !== null && typeof entry === 'object' && typeof entry.caption === 'string');
	const general = captions.find((entry) => entry.provider === 'GENERAL');
	return String((general ?? captions[0])?.caption ?? '');
}

function excerpt(text: string): string {
	const line = text.replace(/\s+/g, ' ').trim();
	if (line === '') return '(no caption)';
	const characters = [...line];
	return characters.length > EXCERPT_LENGTH ? `${characters.slice(0, EXCERPT_LENGTH - 1).join('')}…` : line;
}

/**
 * The latest posts of the workspace chosen above, for the Post field's From List mode: one page of
 * 50 per call (n8n asks for the next with `paginationToken`), each shown as a caption excerpt with
 * its status. Ocoya has no text search, so the filter matches captions and IDs of the page read.
 */
export async function searchPosts(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const workspaceId = this.getNodeParameter('workspaceId', '', { extractValue: true }) as unknown;
	if (typeof workspaceId !== 'string' || workspaceId.trim() === '') {
		throw new NodeOperationError(this.getNode(), 'Choose a workspace above to list its posts', {
			description: 'The Post list shows the latest posts of the selected workspace. Or enter the post ID.',
		});
	}
	const page = Number.isInteger(Number(paginationToken)) ? Number(paginationToken) : 0;
	const client = await OcoyaClient.create(this);
	const reply = await client.request({
		method: 'GET',
		path: '/post',
		qs: { workspaceId: workspaceId.trim(), page, perPage: MAX_PER_PAGE },
		createsResource: false,
		idempotent: true,
		timeoutMs: SEARCH_TIMEOUT_MS,
		maxRateLimitWaitMs: SEARCH_TIMEOUT_MS,
		totalTimeoutMs: SEARCH_TIMEOUT_MS,
	});
	const list = listIn(reply);
	if (list === undefined) throw client.unreadableListError('/post');
	const needle = filter?.trim().toLowerCase() ?? '';
	const results: INodeListSearchResult['results'] = [];
	for (const entry of list) {
		if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
		const post = entry as IDataObject;
		if (typeof post.id !== 'string' && typeof post.id !== 'number') continue;
		const id = String(post.id);
		const caption = captionOf(post);
		if (needle !== '' && !caption.toLowerCase().includes(needle) && id.toLowerCase() !== needle) continue;
		const status = typeof post.status === 'string' ? post.status : 'UNKNOWN';
		results.push({ name: `${excerpt(caption)} (${status})`, value: id });
	}
	return { results, paginationToken: list.length >= MAX_PER_PAGE ? String(page + 1) : undefined };
}
