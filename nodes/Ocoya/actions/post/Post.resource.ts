import type { INodeProperties } from 'n8n-workflow';

import { operationSelector } from '../operation';
import * as create from './create.operation';
import * as createWithAi from './createWithAi.operation';
import * as deletePost from './delete.operation';
import * as getAll from './getAll.operation';
import * as update from './update.operation';

/** Post › operations, by operation value (`delete` is a reserved word, hence the module's name). */
export { create, createWithAi, getAll, update, deletePost as delete };

export const description: INodeProperties[] = [
	operationSelector(
		'post',
		[
			{
				name: 'Create',
				value: 'create',
				description: 'Create a post from a caption and media, as a draft or scheduled',
				action: 'Create a post',
			},
			{
				name: 'Create with AI',
				value: 'createWithAi',
				description: 'Have Ocoya write a draft post from a prompt',
				action: 'Create a post with AI',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a post',
				action: 'Delete a post',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'List the posts of a workspace',
				action: 'Get many posts',
			},
			{
				name: 'Reschedule',
				value: 'update',
				description: 'Change when a post is published',
				action: 'Reschedule a post',
			},
		],
		'create',
	),
	...create.description,
	...createWithAi.description,
	...getAll.description,
	...update.description,
	...deletePost.description,
];
