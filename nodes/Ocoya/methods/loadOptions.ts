import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchEntities, type OcoyaEntity } from './entities';

/**
 * The workspace picked above, or undefined while there is none. The editor loads these lists as
 * soon as the form opens, before a workspace is chosen: that is expected, not an error.
 */
function selectedWorkspace(context: ILoadOptionsFunctions): string | undefined {
	const workspaceId = context.getNodeParameter('workspaceId', '', { extractValue: true }) as unknown;
	if (typeof workspaceId !== 'string' || workspaceId.trim() === '') return undefined;
	return workspaceId.trim();
}

function toOptions(entities: OcoyaEntity[]): INodePropertyOptions[] {
	return entities.map((entity) => ({
		name: entity.detail !== undefined ? `${entity.name} (${entity.detail})` : entity.name,
		value: entity.id,
	}));
}

/**
 * Without a workspace, one entry that says what to do, shown in the dropdown itself. An error
 * would only show "Error fetching options" in the editor and log the reason once per list and
 * form render in n8n's terminal. Its empty value is dropped when the campaign is built.
 */
function chooseWorkspaceFirst(what: string): INodePropertyOptions[] {
	return [
		{
			name: `Choose a Workspace Above First to Load ${what}`,
			value: '',
			description: 'This list depends on the workspace selected in the Workspace field',
		},
	];
}

function workspaceList(path: string, what: string) {
	return async function (this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
		const workspaceId = selectedWorkspace(this);
		if (workspaceId === undefined) return chooseWorkspaceFirst(what);
		return toOptions(await fetchEntities(this, path, workspaceId));
	};
}

export const getBrandKits = workspaceList('/brand-kits', 'Brand Kits');
export const getHashtagLibraries = workspaceList('/hashtag-libraries', 'Hashtag Libraries');
export const getSocialProfiles = workspaceList('/social-profiles', 'Social Profiles');
export const getStudioTemplates = workspaceList('/studio-templates', 'Studio Templates');
