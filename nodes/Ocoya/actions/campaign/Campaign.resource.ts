import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';

export { create };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['campaign'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Queue an AI-generated multi-post campaign',
				action: 'Create a campaign',
			},
		],
		default: 'create',
	},
	...create.description,
];
