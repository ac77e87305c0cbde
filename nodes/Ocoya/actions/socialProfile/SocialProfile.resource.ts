import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as getAll from './getAll.operation';
import * as getConnectionUrl from './getConnectionUrl.operation';

export { getAll, getConnectionUrl };

export const description: INodeProperties[] = [
	operationSelector(
		'socialProfile',
		[
			{
				name: 'Get Connection URL',
				value: 'getConnectionUrl',
				description: 'Get a browser link that starts connecting a social network to a workspace',
				action: 'Get a social profile connection URL',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the social profiles connected to a workspace',
				action: 'Get many social profiles',
			},
		],
		'getAll',
	),
	...getAll.description,
	...getConnectionUrl.description,
];
