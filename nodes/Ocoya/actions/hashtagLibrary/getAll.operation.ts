import { entityListOperation } from '../entityList';

/** Hashtag Library › Get Many: GET /hashtag-libraries?workspaceId, one item per library. */
export const { description, execute, toolDescription } = entityListOperation({
	resource: 'hashtagLibrary',
	path: '/hashtag-libraries',
	plural: 'hashtag libraries',
	inWorkspace: true,
	use: 'its id is the hashtagLibraryId of Campaign › Create and Post › Create with AI',
});
