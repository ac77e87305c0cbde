import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { objectItem, readOperationOptions, sendRead } from '../operation';
import { describeTool, READ_ONLY } from '../toolDescription';

const PATH = '/me';

export const description = updateDisplayOptions({ show: { resource: ['account'], operation: ['get'] } }, [
	readOperationOptions(),
]);

export const toolDescription = describeTool(
	[
		'Returns the Ocoya account that owns the API key (its id, name and email), as Ocoya sends it. Use it to check that the Ocoya connection works.',
		READ_ONLY,
	],
	{},
);

/** Account › Get: GET /me, the key's owner as one item. */
export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const reply = await sendRead(this, client, { path: PATH }, itemIndex);
	return [objectItem(this, reply, PATH, itemIndex)];
}
