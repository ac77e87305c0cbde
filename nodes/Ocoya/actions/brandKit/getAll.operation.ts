import { entityListOperation } from '../entityList';

/** Brand Kit › Get Many: GET /brand-kits?workspaceId, one item per brand kit. */
export const { description, execute, toolDescription } = entityListOperation({
	resource: 'brandKit',
	path: '/brand-kits',
	plural: 'brand kits',
	inWorkspace: true,
	use: 'its id is the brandId of Campaign › Create and Post › Create with AI',
});
