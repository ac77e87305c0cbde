import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	operationSelector(
		'hashtagLibrary',
		[{ name: 'Get Many', value: 'getAll', description: 'List the hashtag libraries of a workspace', action: 'Get many hashtag libraries' }],
		'getAll',
	),
	...getAll.description,
];
