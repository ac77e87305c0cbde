import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** True in the Ocoya Tool, the variant n8n derives for AI Agents (its type name ends in `Tool`, as n8n's `@tool` check reads it). */
export function isToolVariant(context: IExecuteFunctions): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * When an AI Agent runs the tool, n8n (2.41.1 and 1.123.81) hands the model only the failed
 * node's error message, as `[{"error": message}]`; the description, where the advice lives (check
 * the API key, nothing was sent, the campaign may exist so do not retry), never reaches it. So in
 * the tool the description is appended to the message, as n8n itself does ("Details: …") for tools
 * it runs in-process; the regular node keeps message and description apart for the editor.
 */
export function withAdviceInMessage(error: unknown): unknown {
	if (
		(error instanceof NodeApiError || error instanceof NodeOperationError) &&
		typeof error.description === 'string' &&
		error.description !== '' &&
		!error.message.includes(error.description)
	) {
		error.message = `${error.message}\n\nDetails: ${error.description}`;
	}
	return error;
}
