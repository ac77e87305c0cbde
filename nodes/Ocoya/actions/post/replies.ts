import type { IDataObject } from 'n8n-workflow';

/**
 * A create's 201 is a success whatever its body: Ocoya publishes `{ postGroupId }` for POST /post
 * and nothing for POST /post/ai. The transport resolves an empty 2xx to undefined (the request's
 * `emptyReplyAllowed`) and refuses a body that is not one JSON object, so what is left is the
 * object, passed on, or nothing, which becomes `{ created: true }`.
 */
export function createdReply(reply: unknown): IDataObject {
	if (reply === undefined || reply === null || reply === '') return { created: true };
	return reply as IDataObject;
}

/** An object reply, or an empty object for an empty one (a 204, or a 200 with no body). */
export function objectReply(reply: unknown): IDataObject {
	return reply !== null && typeof reply === 'object' && !Array.isArray(reply) ? (reply as IDataObject) : {};
}
