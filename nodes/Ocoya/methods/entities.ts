import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { OcoyaClient } from '../transport';

/** A dropdown must answer quickly or fail: the editor waits on it. */
const LOADER_TIMEOUT_MS = 10_000;

const LIST_KEYS = ['data', 'items', 'results', 'workspaces', 'brandKits', 'hashtagLibraries', 'socialProfiles', 'studioTemplates', 'templates'];
const NAME_KEYS = ['name', 'title', 'displayName', 'label', 'username', 'handle'];

export interface OcoyaEntity {
	id: string;
	name: string;
	detail?: string;
}

/**
 * Ocoya does not document its list replies, so accept a bare array or an object wrapping one,
 * and take the best name field there is. Sorted by name, as every dropdown shows them.
 */
export function parseEntityList(reply: unknown): OcoyaEntity[] | undefined {
	let list: unknown = reply;
	if (list !== null && typeof list === 'object' && !Array.isArray(list)) {
		const wrapper = list as IDataObject;
		const key = LIST_KEYS.find((candidate) => Array.isArray(wrapper[candidate]));
		list = key !== undefined ? wrapper[key] : Object.values(wrapper).find(Array.isArray);
	}
	if (!Array.isArray(list)) return undefined;
	const entities: OcoyaEntity[] = [];
	for (const entry of list) {
		if (entry === null || typeof entry !== 'object') continue;
		const record = entry as IDataObject;
		if (typeof record.id !== 'string' && typeof record.id !== 'number') continue;
		const id = String(record.id);
		const nameKey = NAME_KEYS.find((key) => typeof record[key] === 'string' && record[key] !== '');
		const platform = typeof record.platform === 'string' ? record.platform : undefined;
		entities.push({ id, name: nameKey !== undefined ? String(record[nameKey]) : id, detail: platform });
	}
	return entities.sort((a, b) => a.name.localeCompare(b.name));
}

export async function fetchEntities(
	context: ILoadOptionsFunctions,
	path: string,
	workspaceId?: string,
): Promise<OcoyaEntity[]> {
	const client = await OcoyaClient.create(context);
	const reply = await client.request({
		method: 'GET',
		path,
		qs: workspaceId === undefined ? undefined : { workspaceId },
		createsResource: false,
		timeoutMs: LOADER_TIMEOUT_MS,
		maxRateLimitWaitMs: LOADER_TIMEOUT_MS,
		totalTimeoutMs: LOADER_TIMEOUT_MS,
	});
	const entities = parseEntityList(reply);
	if (entities === undefined) {
		throw new NodeOperationError(context.getNode(), `Could not read the list Ocoya returned for ${path}`, {
			description:
				'The reply was not a list. Enter the ID with an expression instead, and check the Base URL in the Ocoya API credential.',
		});
	}
	return entities;
}
