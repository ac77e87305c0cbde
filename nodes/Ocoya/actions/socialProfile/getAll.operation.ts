import { entityListOperation } from '../entityList';

/** Social Profile › Get Many: GET /social-profiles?workspaceId, one item per connected profile. */
export const { description, execute, toolDescription } = entityListOperation({
	resource: 'socialProfile',
	path: '/social-profiles',
	plural: 'social profiles',
	inWorkspace: true,
	use: 'its id is a socialProfileIds entry of the creates, and provider names its network',
});
