import type { IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { OcoyaClient } from '../../transport';
import { invalid, readChoice, type FieldRef } from '../../validation';
import { readWorkspaceId, workspaceIdField } from '../fields';
import { objectItem, readOperationOptions, sendRead } from '../operation';
import { describeTool, oneOf, READ_ONLY } from '../toolDescription';

const PATH = '/social-profiles/connection-url';

/** The networks the contract's GET form accepts (the POST variant's `x` is not among them). */
export const PROVIDERS: INodePropertyOptions[] = [
	{ name: 'Facebook', value: 'facebook' },
	{ name: 'Instagram', value: 'instagram', description: 'Connected through Facebook (Instagram Business profiles)' },
	{ name: 'LinkedIn', value: 'linkedin' },
	{ name: 'Pinterest', value: 'pinterest' },
	{ name: 'TikTok', value: 'tiktok' },
	{ name: 'X (Twitter)', value: 'twitter' },
];

const PROVIDER: FieldRef = { name: 'provider', displayName: 'Provider' };

const properties: INodeProperties[] = [
	workspaceIdField({ description: 'The Ocoya workspace the profiles will be connected to' }),
	{
		displayName: PROVIDER.displayName,
		name: PROVIDER.name,
		type: 'options',
		options: PROVIDERS,
		default: 'facebook',
		required: true,
		description: 'The social network to connect',
	},
	readOperationOptions(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['socialProfile'], operation: ['getConnectionUrl'] } },
	properties,
);

export const toolDescription = describeTool(
	[
		'Returns a browser link (authUrl) that starts connecting a social network to an Ocoya workspace. A person signed in to Ocoya must open it and approve access; the call itself connects nothing.',
		READ_ONLY,
	],
	{
		workspaceId: 'the ID of the Ocoya workspace (from Workspace › Get Many)',
		provider: `the network, ${oneOf(PROVIDERS)}`,
	},
);

export async function execute(
	this: IExecuteFunctions,
	client: OcoyaClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const workspaceId = readWorkspaceId(this, itemIndex);
	const provider = readChoice(this, PROVIDER, itemIndex, PROVIDERS);
	if (provider === undefined) {
		const allowed = PROVIDERS.map((option) => String(option.value)).join(', ');
		throw invalid(this, PROVIDER, this.getNodeParameter(PROVIDER.name, itemIndex, ''), `must be one of: ${allowed}`, itemIndex);
	}
	// The options are checked in sendRead, before the request: a bad one sends nothing.
	const reply = await sendRead(this, client, { path: PATH, qs: { workspaceId, provider } }, itemIndex);
	return [objectItem(this, reply, PATH, itemIndex)];
}
