import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { fetchEntities, type OcoyaEntity } from './entities';

function selectedWorkspace(context: ILoadOptionsFunctions): string {
	const workspaceId = context.getNodeParameter('workspaceId', '', { extractValue: true }) as unknown;
	if (typeof workspaceId !== 'string' || workspaceId.trim() === '') {
		throw new NodeOperationError(context.getNode(), 'Choose a workspace first', {
			description: 'This list depends on the workspace selected above.',
		});
	}
	return workspaceId.trim();
}

function toOptions(entities: OcoyaEntity[]): INodePropertyOptions[] {
	return entities.map((entity) => ({
		name: entity.detail !== undefined ? `${entity.name} (${entity.detail})` : entity.name,
		value: entity.id,
	}));
}

function workspaceList(path: string) {
	return async function (this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		return toOptions(await fetchEntities(this, path, selectedWorkspace(this)));
	};
}

export const getBrandKits = workspaceList('/brand-kits');
export const getHashtagLibraries = workspaceList('/hashtag-libraries');
export const getSocialProfiles = workspaceList('/social-profiles');
export const getStudioTemplates = workspaceList('/studio-templates');
