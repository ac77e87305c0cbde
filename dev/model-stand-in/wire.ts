/**
 * The OpenAI wire formats the stand-in speaks: reading a request of the Chat Completions API
 * (`POST /v1/chat/completions`) or the Responses API (`POST /v1/responses`), and writing a reply
 * (one tool call or one text answer) in either API, as one JSON document or as server-sent events.
 * Shapes follow OpenAI's API reference, limited to what a function-calling client reads.
 */

export type ModelApi = 'chat' | 'responses';

/** A function tool as the client offered it to the model. */
export interface OfferedTool {
	name: string;
	description: string;
	/** JSON Schema of the arguments. */
	parameters: JsonObject;
}

export type JsonObject = Record<string, unknown>;

/** What the model is given in one request, read the same way from either API. */
export interface Conversation {
	model: string;
	stream: boolean;
	tools: OfferedTool[];
	/** System/developer instructions, in order. */
	instructions: string[];
	/** User messages, in order. */
	userMessages: string[];
	/** Outputs of earlier tool calls (the text the model receives for each), oldest first. */
	toolResults: string[];
}

export type ModelReply =
	| { kind: 'toolCall'; name: string; arguments: string; callId: string }
	| { kind: 'text'; text: string };

export interface SseEvent {
	/** The `event:` line; the Responses API names each event, Chat Completions does not. */
	event?: string;
	data: string;
}

const isObject = (value: unknown): value is JsonObject =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Message content: a string, or a list of parts whose text is joined. */
function contentText(content: unknown): string {
	if (typeof content === 'string') return content;
	return asArray(content)
		.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
		.join('');
}

function tool(name: unknown, description: unknown, parameters: unknown): OfferedTool {
	return {
		name: String(name ?? ''),
		description: typeof description === 'string' ? description : '',
		parameters: isObject(parameters) ? parameters : {},
	};
}

export function readConversation(api: ModelApi, body: JsonObject): Conversation {
	const conversation: Conversation = {
		model: typeof body.model === 'string' ? body.model : '',
		stream: body.stream === true,
		tools: [],
		instructions: [],
		userMessages: [],
		toolResults: [],
	};
	if (api === 'chat') {
		for (const entry of asArray(body.tools)) {
			if (isObject(entry) && isObject(entry.function)) {
				conversation.tools.push(tool(entry.function.name, entry.function.description, entry.function.parameters));
			}
		}
		for (const message of asArray(body.messages)) {
			if (!isObject(message)) continue;
			const text = contentText(message.content);
			if (message.role === 'system' || message.role === 'developer') conversation.instructions.push(text);
			else if (message.role === 'user') conversation.userMessages.push(text);
			else if (message.role === 'tool') conversation.toolResults.push(text);
		}
		return conversation;
	}
	if (typeof body.instructions === 'string') conversation.instructions.push(body.instructions);
	for (const entry of asArray(body.tools)) {
		if (isObject(entry) && entry.type === 'function') {
			conversation.tools.push(tool(entry.name, entry.description, entry.parameters));
		}
	}
	const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : asArray(body.input);
	for (const item of input) {
		if (!isObject(item)) continue;
		if (item.type === 'function_call_output') {
			conversation.toolResults.push(typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
		} else if (item.role === 'system' || item.role === 'developer') {
			conversation.instructions.push(contentText(item.content));
		} else if (item.role === 'user') {
			conversation.userMessages.push(contentText(item.content));
		}
	}
	return conversation;
}

/** Rough token counts, so clients that read usage get plausible numbers. */
const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export interface ReplyMeta {
	/** Id of this reply (`chatcmpl-…` / `resp_…`). */
	id: string;
	model: string;
	/** Epoch seconds. */
	created: number;
	promptText: string;
}

// ---------------------------------------------------------------- Chat Completions

function chatMessage(reply: ModelReply): JsonObject {
	return reply.kind === 'text'
		? { role: 'assistant', content: reply.text, refusal: null }
		: {
				role: 'assistant',
				content: null,
				refusal: null,
				tool_calls: [{ id: reply.callId, type: 'function', function: { name: reply.name, arguments: reply.arguments } }],
			};
}

function chatUsage(reply: ModelReply, meta: ReplyMeta): JsonObject {
	const prompt = tokens(meta.promptText);
	const completion = tokens(reply.kind === 'text' ? reply.text : reply.arguments);
	return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const finishReason = (reply: ModelReply): string => (reply.kind === 'text' ? 'stop' : 'tool_calls');

export function chatCompletion(reply: ModelReply, meta: ReplyMeta): JsonObject {
	return {
		id: meta.id,
		object: 'chat.completion',
		created: meta.created,
		model: meta.model,
		choices: [{ index: 0, message: chatMessage(reply), logprobs: null, finish_reason: finishReason(reply) }],
		usage: chatUsage(reply, meta),
		system_fingerprint: null,
	};
}

/** Role first, then the content or the tool call in two pieces (name, then arguments), then the finish reason. */
export function chatCompletionChunks(reply: ModelReply, meta: ReplyMeta, includeUsage: boolean): SseEvent[] {
	const chunk = (delta: JsonObject, finish: string | null, extra: JsonObject = {}): SseEvent => ({
		data: JSON.stringify({
			id: meta.id,
			object: 'chat.completion.chunk',
			created: meta.created,
			model: meta.model,
			system_fingerprint: null,
			choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
			...extra,
		}),
	});
	const events: SseEvent[] = [chunk({ role: 'assistant', content: reply.kind === 'text' ? '' : null }, null)];
	if (reply.kind === 'text') {
		for (const piece of splitInTwo(reply.text)) events.push(chunk({ content: piece }, null));
	} else {
		events.push(
			chunk({ tool_calls: [{ index: 0, id: reply.callId, type: 'function', function: { name: reply.name, arguments: '' } }] }, null),
		);
		for (const piece of splitInTwo(reply.arguments)) {
			events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null));
		}
	}
	events.push(chunk({}, finishReason(reply)));
	if (includeUsage) {
		events.push({
			data: JSON.stringify({
				id: meta.id,
				object: 'chat.completion.chunk',
				created: meta.created,
				model: meta.model,
				choices: [],
				usage: chatUsage(reply, meta),
			}),
		});
	}
	events.push({ data: '[DONE]' });
	return events;
}

/** Two deltas rather than one, so the client really has to join the stream. */
function splitInTwo(text: string): string[] {
	const middle = Math.ceil(text.length / 2);
	return text.length < 2 ? [text] : [text.slice(0, middle), text.slice(middle)];
}

// ---------------------------------------------------------------- Responses API

function responseItem(reply: ModelReply, meta: ReplyMeta, status: 'in_progress' | 'completed'): JsonObject {
	const suffix = meta.id.replace(/^resp_/, '');
	if (reply.kind === 'toolCall') {
		return {
			type: 'function_call',
			id: `fc_${suffix}`,
			call_id: reply.callId,
			name: reply.name,
			arguments: status === 'completed' ? reply.arguments : '',
			status,
		};
	}
	return {
		type: 'message',
		id: `msg_${suffix}`,
		status,
		role: 'assistant',
		content: status === 'completed' ? [{ type: 'output_text', text: reply.text, annotations: [], logprobs: [] }] : [],
	};
}

function responseObject(
	reply: ModelReply,
	meta: ReplyMeta,
	status: 'in_progress' | 'completed',
): JsonObject {
	const input = tokens(meta.promptText);
	const output = tokens(reply.kind === 'text' ? reply.text : reply.arguments);
	return {
		id: meta.id,
		object: 'response',
		created_at: meta.created,
		status,
		error: null,
		incomplete_details: null,
		model: meta.model,
		output: status === 'completed' ? [responseItem(reply, meta, 'completed')] : [],
		parallel_tool_calls: true,
		tool_choice: 'auto',
		tools: [],
		usage:
			status === 'completed'
				? {
						input_tokens: input,
						input_tokens_details: { cached_tokens: 0 },
						output_tokens: output,
						output_tokens_details: { reasoning_tokens: 0 },
						total_tokens: input + output,
					}
				: null,
	};
}

export function response(reply: ModelReply, meta: ReplyMeta): JsonObject {
	return responseObject(reply, meta, 'completed');
}

/** The event sequence OpenAI streams for one output item (a function call or a text message). */
export function responseEvents(reply: ModelReply, meta: ReplyMeta): SseEvent[] {
	let sequence = 0;
	const events: SseEvent[] = [];
	const emit = (type: string, fields: JsonObject): void => {
		events.push({ event: type, data: JSON.stringify({ type, sequence_number: sequence++, ...fields }) });
	};
	const done = responseItem(reply, meta, 'completed');
	const itemId = String(done.id);
	emit('response.created', { response: responseObject(reply, meta, 'in_progress') });
	emit('response.in_progress', { response: responseObject(reply, meta, 'in_progress') });
	emit('response.output_item.added', { output_index: 0, item: responseItem(reply, meta, 'in_progress') });
	if (reply.kind === 'toolCall') {
		for (const delta of splitInTwo(reply.arguments)) {
			emit('response.function_call_arguments.delta', { item_id: itemId, output_index: 0, delta });
		}
		emit('response.function_call_arguments.done', { item_id: itemId, output_index: 0, arguments: reply.arguments });
	} else {
		const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
		emit('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part });
		for (const delta of splitInTwo(reply.text)) {
			emit('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta, logprobs: [] });
		}
		emit('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: reply.text, logprobs: [] });
		emit('response.content_part.done', {
			item_id: itemId,
			output_index: 0,
			content_index: 0,
			part: { ...part, text: reply.text },
		});
	}
	emit('response.output_item.done', { output_index: 0, item: done });
	emit('response.completed', { response: responseObject(reply, meta, 'completed') });
	return events;
}
