import { entityListOperation } from '../entityList';

/** Studio Template › Get Many: GET /studio-templates?workspaceId, one item per template. */
export const { description, execute, toolDescription } = entityListOperation({
	resource: 'studioTemplate',
	path: '/studio-templates',
	plural: 'Studio templates',
	inWorkspace: true,
	use: 'its id is a referenceDesignIds entry of Campaign › Create and Post › Create with AI',
});
