import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account/Account.resource';
import * as brandKit from './actions/brandKit/BrandKit.resource';
import * as campaign from './actions/campaign/Campaign.resource';
import * as hashtagLibrary from './actions/hashtagLibrary/HashtagLibrary.resource';
import * as post from './actions/post/Post.resource';
import { operations, router } from './actions/router';
import * as socialProfile from './actions/socialProfile/SocialProfile.resource';
import * as studioTemplate from './actions/studioTemplate/StudioTemplate.resource';
import { toolDescriptionProperties } from './actions/toolDescription';
import * as workspace from './actions/workspace/Workspace.resource';
import { isToolVariant, withAdviceInMessage } from './actions/toolVariant';
import * as listSearch from './methods/listSearch';
import * as loadOptions from './methods/loadOptions';

export class Ocoya implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Ocoya',
		name: 'ocoya',
		icon: { light: 'file:ocoya.svg', dark: 'file:ocoya.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Create AI campaigns and posts, and list the workspaces, social profiles and brand context of Ocoya, the social media scheduler',
		defaults: { name: 'Ocoya' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ocoyaApi', required: true }],
		properties: [
			// Shown only in the Ocoya Tool, one per operation: what an AI Agent's model is told (see toolDescription.ts).
			...toolDescriptionProperties(operations),
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Brand Kit', value: 'brandKit' },
					{ name: 'Campaign', value: 'campaign' },
					{ name: 'Hashtag Library', value: 'hashtagLibrary' },
					{ name: 'Post', value: 'post' },
					{ name: 'Social Profile', value: 'socialProfile' },
					{ name: 'Studio Template', value: 'studioTemplate' },
					{ name: 'Workspace', value: 'workspace' },
				],
				// Workflows saved before there were other resources store no resource: they stay Campaign › Create.
				default: 'campaign',
			},
			...account.description,
			...brandKit.description,
			...campaign.description,
			...hashtagLibrary.description,
			...post.description,
			...socialProfile.description,
			...studioTemplate.description,
			...workspace.description,
		],
	};

	methods = { listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		if (!isToolVariant(this)) return await router.call(this);
		try {
			return await router.call(this);
		} catch (error) {
			throw withAdviceInMessage(error);
		}
	}
}
