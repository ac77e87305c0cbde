import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OcoyaClient } from '../transport';
import * as account from './account/Account.resource';
import * as brandKit from './brandKit/BrandKit.resource';
import * as campaign from './campaign/Campaign.resource';
import * as hashtagLibrary from './hashtagLibrary/HashtagLibrary.resource';
import type { OperationModule } from './operation';
import * as post from './post/Post.resource';
import * as socialProfile from './socialProfile/SocialProfile.resource';
import * as studioTemplate from './studioTemplate/StudioTemplate.resource';
import { TOOL_DESCRIPTION as CAMPAIGN_CREATE_TOOL_DESCRIPTION } from './toolDescription';
import * as workspace from './workspace/Workspace.resource';

/** Every resource › operation the node runs: the router dispatches on it, the node builds its tool descriptions from it. */
export const operations: Record<string, Record<string, Omit<OperationModule, 'description'>>> = {
	account: { get: account.get },
	brandKit: { getAll: brandKit.getAll },
	campaign: { create: { execute: campaign.create.execute, toolDescription: CAMPAIGN_CREATE_TOOL_DESCRIPTION } },
	hashtagLibrary: { getAll: hashtagLibrary.getAll },
	post: {
		create: post.create,
		createWithAi: post.createWithAi,
		delete: post.delete,
		getAll: post.getAll,
		update: post.update,
	},
	socialProfile: { getAll: socialProfile.getAll, getConnectionUrl: socialProfile.getConnectionUrl },
	studioTemplate: { getAll: studioTemplate.getAll },
	workspace: { getAll: workspace.getAll },
};

/**
 * Items go out one at a time: Ocoya allows 60 requests a minute, so concurrency would only
 * provoke 429s, and sequential sending lets one reply's rate-limit headers pace the next request.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];
	let client: OcoyaClient | undefined;

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const execute = operations[resource]?.[operation]?.execute;
			if (execute === undefined) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" on "${resource}" is not supported`,
					{ itemIndex },
				);
			}
			client ??= await OcoyaClient.create(this);
			returnData.push(...(await execute.call(this, client, itemIndex)));
		} catch (error) {
			if (!this.continueOnFail()) {
				throw withItemIndex(this, error, itemIndex);
			}
			const toErrorOutput = this.getNode().onError === 'continueErrorOutput';
			returnData.push({ json: errorItem(error, toErrorOutput), pairedItem: { item: itemIndex } });
		}
	}
	return [returnData];
}

function withItemIndex(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * On the regular output a failed item carries the status for IF/Switch nodes. Routed to the error
 * output it may hold only `error` and a non-empty `message`: n8n 1.x moves an item there only when
 * its json is `{ error }` or `{ error, message }` with a message (2.x also allows `details`), and
 * then merges in the input item's fields. So `message` is left out when there is no description.
 */
function errorItem(error: unknown, toErrorOutput: boolean): IDataObject {
	const message = error instanceof Error ? error.message : String(error);
	const description = descriptionOf(error);
	if (toErrorOutput) return description === undefined ? { error: message } : { error: message, message: description };
	const json: IDataObject = { error: message };
	if (description !== undefined) json.description = description;
	const httpCode = error instanceof NodeApiError ? (error.httpCode ?? undefined) : undefined;
	if (httpCode !== undefined) json.httpCode = httpCode;
	return json;
}

/** The description of any error that has one (node errors, expression errors, ...), when not empty. */
function descriptionOf(error: unknown): string | undefined {
	if (error === null || typeof error !== 'object' || !('description' in error)) return undefined;
	const { description } = error as { description?: unknown };
	return typeof description === 'string' && description.trim() !== '' ? description : undefined;
}
