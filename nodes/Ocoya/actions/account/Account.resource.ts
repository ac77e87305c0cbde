import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as get from './get.operation';

export { get };

export const description: INodeProperties[] = [
	operationSelector(
		'account',
		[{ name: 'Get', value: 'get', description: 'Get the user who owns the API key', action: 'Get the account' }],
		'get',
	),
	...get.description,
];
