import { entityListOperation } from '../entityList';

/** Workspace › Get Many: GET /workspaces, one item per workspace. */
export const { description, execute, toolDescription } = entityListOperation({
	resource: 'workspace',
	path: '/workspaces',
	plural: 'workspaces',
	inWorkspace: false,
	use: 'its id is the workspaceId every other Ocoya operation asks for',
});
