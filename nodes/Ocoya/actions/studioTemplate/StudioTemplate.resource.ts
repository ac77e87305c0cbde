import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as getAll from './getAll.operation';

export { getAll };

export const description: INodeProperties[] = [
	operationSelector(
		'studioTemplate',
		[{ name: 'Get Many', value: 'getAll', description: 'List the Studio templates (designs) of a workspace', action: 'Get many studio templates' }],
		'getAll',
	),
	...getAll.description,
];
