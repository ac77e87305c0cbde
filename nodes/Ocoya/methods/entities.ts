import type { IDataObject, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PROVIDERS } from '../actions/socialProfile/getConnectionUrl.operation';
import { OcoyaClient } from '../transport';
import { listIn } from '../transport/pagination';

/** A dropdown must answer quickly or fail: the editor waits on it. */
const LOADER_TIMEOUT_MS = 10_000;

const NAME_KEYS = ['name', 'title', 'displayName', 'label', 'username', 'handle'];

/** A social profile's network as the Provider dropdown names it ("linkedin" → "LinkedIn"); Ocoya's `provider`, or the older `platform`. */
function networkOf(record: IDataObject): string | undefined {
	const network = [record.provider, record.platform].find((value) => typeof value === 'string' && value !== '');
	if (typeof network !== 'string') return undefined;
	return PROVIDERS.find((provider) => provider.value === network.toLowerCase())?.name ?? network;
}

export interface OcoyaEntity {
	id: string;
	name: string;
	detail?: string;
}

/**
 * Ocoya does not document its list replies, so accept a bare array or an object wrapping one (read
 * by `listIn`, as the Get Many operations read them), and take the best name field there is.
 * Sorted by name, as every dropdown shows them.
 */
export function parseEntityList(reply: unknown): OcoyaEntity[] | undefined {
	const list = listIn(reply);
	if (list === undefined) return undefined;
	const entities: OcoyaEntity[] = [];
	for (const entry of list) {
		if (entry === null || typeof entry !== 'object') continue;
		const record = entry as IDataObject;
		if (typeof record.id !== 'string' && typeof record.id !== 'number') continue;
		const id = String(record.id);
		const nameKey = NAME_KEYS.find((key) => typeof record[key] === 'string' && record[key] !== '');
		entities.push({ id, name: nameKey !== undefined ? String(record[nameKey]) : id, detail: networkOf(record) });
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
		// Not retried: the editor waits on a dropdown, and a retry would outlast LOADER_TIMEOUT_MS.
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
