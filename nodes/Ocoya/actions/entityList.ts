import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../transport';
import { listIn } from '../transport/pagination';
import {
	DEFAULT_LIMIT,
	limitField,
	readReturnLimit,
	readWorkspaceId,
	returnAllField,
	workspaceIdField,
} from './fields';
import { readOperationOptions, sendRead, type OperationModule } from './operation';
import { describeTool, READ_ONLY } from './toolDescription';

/**
 * One Get Many for every Ocoya list that is a single unpaged request: workspaces, social
 * profiles, brand kits, hashtag libraries and Studio templates. They differ only in path, noun and
 * whether a workspace is asked for, so one piece of code serves them all.
 */
export interface EntityListSpec {
	/** The node's resource value, e.g. `brandKit`. */
	resource: string;
	/** The API path, e.g. `/brand-kits`. */
	path: string;
	/** Lower-case plural noun, e.g. `brand kits`. */
	plural: string;
	/** True when the list belongs to a workspace (`?workspaceId=` is required). */
	inWorkspace: boolean;
	/** What each entity is for in other operations, for the model, e.g. `its id is the brandId of Post › Create with AI`. */
	use: string;
}

const WORKSPACE_HINT = 'the ID of the Ocoya workspace (from Workspace › Get Many)';
const RETURN_ALL_HINT = 'true or false (default false); true returns every entry and ignores limit';
const LIMIT_HINT = `a whole number of at least 1 (default ${DEFAULT_LIMIT}), the most entries returned`;

/** The list inside Ocoya's reply, one n8n item per entity; a non-object entry is kept as `{ value }`. */
function entitiesIn(reply: unknown): IDataObject[] | undefined {
	const list = listIn(reply);
	return list?.map((entry) =>
		entry !== null && typeof entry === 'object' && !Array.isArray(entry) ? (entry as IDataObject) : { value: entry as IDataObject[string] },
	);
}

export function entityListOperation(spec: EntityListSpec): OperationModule {
	const properties: INodeProperties[] = [
		...(spec.inWorkspace
			? [workspaceIdField({ description: `The Ocoya workspace whose ${spec.plural} are listed` })]
			: []),
		returnAllField(),
		limitField(),
		readOperationOptions(),
	];

	async function execute(
		this: IExecuteFunctions,
		client: OcoyaClient,
		itemIndex: number,
	): Promise<INodeExecutionData[]> {
		// Every parameter is checked before the request, so a bad item sends nothing.
		const qs: IDataObject | undefined = spec.inWorkspace ? { workspaceId: readWorkspaceId(this, itemIndex) } : undefined;
		const limit = readReturnLimit(this, itemIndex);
		// Ocoya publishes no paging for these lists: one request, cut to the limit here.
		const reply = await sendRead(this, client, { path: spec.path, qs }, itemIndex);
		const entities = entitiesIn(reply);
		if (entities === undefined) throw client.unreadableListError(spec.path, itemIndex);
		return entities
			.slice(0, limit)
			.map((json) => ({ json, pairedItem: { item: itemIndex } }));
	}

	const where = spec.inWorkspace ? ' of an Ocoya workspace' : ' the Ocoya API key can use';
	return {
		description: updateDisplayOptions(
			{ show: { resource: [spec.resource], operation: ['getAll'] } },
			properties,
		),
		execute,
		toolDescription: describeTool(
			[
				`Lists the ${spec.plural}${where} and returns one item per entry, as Ocoya sends it (at least id and name); ${spec.use}.`,
				READ_ONLY,
			],
			{
				...(spec.inWorkspace ? { workspaceId: WORKSPACE_HINT } : {}),
				returnAll: RETURN_ALL_HINT,
				limit: LIMIT_HINT,
			},
		),
	};
}
