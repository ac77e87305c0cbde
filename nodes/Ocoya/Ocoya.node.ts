import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as campaign from './actions/campaign/Campaign.resource';
import { toolDescriptionProperty } from './actions/campaign/toolDescription';
import { router } from './actions/router';
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
		description: 'Create AI-generated social media campaigns with Ocoya',
		defaults: { name: 'Ocoya' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ocoyaApi', required: true }],
		properties: [
			// Shown only in the Ocoya Tool: what an AI Agent's model is told (see toolDescription.ts).
			toolDescriptionProperty,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Campaign', value: 'campaign' }],
				default: 'campaign',
			},
			...campaign.description,
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
