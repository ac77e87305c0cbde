/** Parameters and helpers shared by the Post suites (test/post-*.test.ts, test/dates.test.ts). */
import type { INodeListSearchResult, INodeParameters } from 'n8n-workflow';

import { listSearch, type MethodResult } from '../../dev/harness';
import type { RecordedRequest, StandIn } from '../../dev/ocoya-stand-in';
import { formatOcoyaTime } from '../../nodes/Ocoya/validation';
import { credentialsFor, currentCredentialId, ocoyaCredential, ocoyaNode, type Target } from './ocoya';

export const WORKSPACE = 'ws_standin_1';
export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Post › `operation` parameters as the editor stores them, with the workspace picked by ID. */
export function postParameters(operation: string, overrides: INodeParameters = {}): INodeParameters {
	return { resource: 'post', operation, workspaceId: byId(WORKSPACE), ...overrides };
}

const DAY_MS = 86_400_000;

/** A publish time `days` from now, in Ocoya's form (whole seconds, `Z`). */
export function daysFromNow(days: number): string {
	return formatOcoyaTime(Date.now() + days * DAY_MS);
}

/** The stand-in's requests for one method and path, e.g. `('GET', '/post')`. */
export function requestsFor(standIn: StandIn, method: string, path: string): RecordedRequest[] {
	return standIn.requests.filter((request) => request.method === method && request.path === path);
}

/** `page` and `perPage` of every GET /post, as numbers, in order. */
export function pagesAsked(standIn: StandIn): Array<[number, number]> {
	return requestsFor(standIn, 'GET', '/post').map((request) => [Number(request.query.page), Number(request.query.perPage)]);
}

export async function runPostSearch(
	target: Target,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
): Promise<MethodResult<INodeListSearchResult>> {
	return await listSearch({
		nodeType: ocoyaNode,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor(target),
		credentialId: currentCredentialId(),
		parameters,
		method: 'searchPosts',
		filter,
		paginationToken,
	});
}
