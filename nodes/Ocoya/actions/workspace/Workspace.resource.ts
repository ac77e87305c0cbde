import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	operationSelector(
		'workspace',
		[{ name: 'Get Many', value: 'getAll', description: 'List the workspaces the API key can use', action: 'Get many workspaces' }],
		'getAll',
	),
	...getAll.description,
];
