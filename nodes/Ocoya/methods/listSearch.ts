import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { fetchEntities } from './entities';

export { searchPosts } from './postSearch';

export async function searchWorkspaces(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const needle = filter?.trim().toLowerCase() ?? '';
	const workspaces = await fetchEntities(this, '/workspaces');
	return {
		results: workspaces
			.filter(
				(workspace) =>
					needle === '' ||
					workspace.name.toLowerCase().includes(needle) ||
					workspace.id.toLowerCase() === needle,
			)
			.map((workspace) => ({ name: workspace.name, value: workspace.id })),
	};
}
