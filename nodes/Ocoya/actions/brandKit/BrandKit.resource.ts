import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	operationSelector(
		'brandKit',
		[{ name: 'Get Many', value: 'getAll', description: 'List the brand kits of a workspace', action: 'Get many brand kits' }],
		'getAll',
	),
	...getAll.description,
];
