/**
 * A scripted OpenAI-compatible model: answers the Chat Completions and Responses APIs, plain or
 * streamed, with turns a test writes beforehand (call the tool with these arguments, then answer
 * from its result), and records every request it receives, so a test can read exactly what an
 * n8n AI Agent tells its model. Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
	chatCompletion,
	chatCompletionChunks,
	readConversation,
	response,
	responseEvents,
	type Conversation,
	type JsonObject,
	type ModelApi,
	type ModelReply,
	type OfferedTool,
	type SseEvent,
} from './wire';

/** What a scripted answer is written from. */
export interface TurnContext {
	/** Every tool output the model has received in this conversation, oldest first. */
	toolResults: string[];
	/** The newest tool output ('' before the first tool call). */
	lastToolResult: string;
	conversation: Conversation;
}

/**
 * One model turn. `callTool` asks the client to call a tool (the only one offered, unless `tool`
 * names it) with these arguments, or with what a function makes of the conversation; `answer`
 * ends the conversation with a text.
 */
export type ModelTurn =
	| { callTool: JsonObject | ((context: TurnContext) => JsonObject); tool?: string }
	| { answer: string | ((context: TurnContext) => string) };

export interface ModelRequest {
	api: ModelApi;
	stream: boolean;
	/** Header names lower-cased. */
	headers: Record<string, string | string[] | undefined>;
	/** The body exactly as received: everything the model was given. */
	rawBody: string;
	body: JsonObject;
	conversation: Conversation;
	/** Index of the scripted turn that answered: the number of tool results in the conversation. */
	turn: number;
	reply: ModelReply | { kind: 'error'; status: number; message: string };
	receivedAt: number;
}

export interface ModelStandInOptions {
	/** Default `test-key-model-stand-in`; requests must send `Authorization: Bearer <apiKey>`. */
	apiKey?: string;
	/** Default 0 (a free port). */
	port?: number;
	/** Model ids `GET /v1/models` lists (the editor's model dropdown); default `['gpt-4.1-mini']`. */
	models?: string[];
	/** Turns used until `script()` replaces them. */
	script?: ModelTurn[];
	/** Keep the process alive while listening (for a CLI); default false so a forgotten close() cannot hang jest. */
	keepProcessAlive?: boolean;
}

export interface ModelStandIn {
	/** e.g. `http://127.0.0.1:PORT/v1`: the Base URL of an n8n OpenAI credential. */
	readonly baseUrl: string;
	readonly port: number;
	readonly apiKey: string;
	/** Every model request (Chat Completions or Responses), in arrival order. */
	readonly requests: ModelRequest[];
	/**
	 * Sets the turns for the conversations that follow. The turn a request gets is the number of
	 * tool results its conversation already holds, so each conversation walks the script from the
	 * start and answers stay right when a client retries a request.
	 */
	script(turns: ModelTurn[]): void;
	/** Clears the records and restores the script from the options. */
	reset(): void;
	/** Stops listening and destroys open sockets; safe to call twice. */
	close(): Promise<void>;
}

export const DEFAULT_MODEL_API_KEY = 'test-key-model-stand-in';
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const ROUTES: Record<string, ModelApi> = {
	'/v1/chat/completions': 'chat',
	'/v1/responses': 'responses',
};

function openAiError(res: http.ServerResponse, status: number, message: string, code: string): void {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }));
}

function sendEvents(res: http.ServerResponse, events: SseEvent[]): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
	for (const { event, data } of events) res.write(`${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
	res.end();
}

async function readBody(req: http.IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > MAX_BODY_BYTES) throw new Error('request body too large');
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks).toString('utf8');
}

export async function startModelStandIn(options: ModelStandInOptions = {}): Promise<ModelStandIn> {
	const apiKey = options.apiKey ?? DEFAULT_MODEL_API_KEY;
	const models = options.models ?? ['gpt-4.1-mini'];
	const requests: ModelRequest[] = [];
	let turns: ModelTurn[] = options.script ?? [];
	let replies = 0;
	const sockets = new Set<Socket>();

	function pickTool(tools: OfferedTool[], wanted: string | undefined): string | Error {
		if (wanted !== undefined) {
			return tools.some((t) => t.name === wanted) ? wanted : new Error(`no tool named "${wanted}" was offered`);
		}
		if (tools.length === 1) return tools[0].name;
		return new Error(`${tools.length} tools were offered; name the one to call`);
	}

	function replyFor(conversation: Conversation, turn: number): ModelReply | Error {
		const scripted = turns[turn];
		if (scripted === undefined) return new Error(`the script has no turn ${turn} (it has ${turns.length})`);
		replies += 1;
		const { toolResults } = conversation;
		const context: TurnContext = { toolResults, lastToolResult: toolResults[toolResults.length - 1] ?? '', conversation };
		if ('callTool' in scripted) {
			const name = pickTool(conversation.tools, scripted.tool);
			if (name instanceof Error) return name;
			const args = typeof scripted.callTool === 'function' ? scripted.callTool(context) : scripted.callTool;
			return { kind: 'toolCall', name, arguments: JSON.stringify(args), callId: `call_standin_${replies}` };
		}
		const text = typeof scripted.answer === 'string' ? scripted.answer : scripted.answer(context);
		return { kind: 'text', text };
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
		if (req.headers.authorization !== `Bearer ${apiKey}`) {
			openAiError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
			return;
		}
		if (req.method === 'GET' && path === '/v1/models') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					object: 'list',
					data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'model-stand-in' })),
				}),
			);
			return;
		}
		const api = ROUTES[path];
		if (req.method !== 'POST' || api === undefined) {
			openAiError(res, 404, `Unknown request URL: ${req.method} ${path}`, 'unknown_url');
			return;
		}
		const rawBody = await readBody(req);
		let body: JsonObject;
		try {
			const parsed: unknown = JSON.parse(rawBody);
			if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
			body = parsed as JsonObject;
		} catch {
			openAiError(res, 400, 'The request body is not a JSON object.', 'invalid_json');
			return;
		}
		const conversation = readConversation(api, body);
		const turn = conversation.toolResults.length;
		const reply = replyFor(conversation, turn);
		const record: ModelRequest = {
			api,
			stream: conversation.stream,
			headers: { ...req.headers },
			rawBody,
			body,
			conversation,
			turn,
			reply: reply instanceof Error ? { kind: 'error', status: 400, message: reply.message } : reply,
			receivedAt: Date.now(),
		};
		requests.push(record);
		if (reply instanceof Error) {
			// A 400 is not retried by OpenAI clients, so a script mistake fails the run at once.
			openAiError(res, 400, `model stand-in: ${reply.message}`, 'script_error');
			return;
		}
		const meta = {
			id: `${api === 'chat' ? 'chatcmpl-' : 'resp_'}standin${requests.length}`,
			model: conversation.model,
			created: Math.floor(Date.now() / 1000),
			promptText: rawBody,
		};
		if (api === 'chat') {
			const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
			if (conversation.stream) sendEvents(res, chatCompletionChunks(reply, meta, streamOptions?.include_usage === true));
			else sendJson(res, chatCompletion(reply, meta));
		} else if (conversation.stream) {
			sendEvents(res, responseEvents(reply, meta));
		} else {
			sendJson(res, response(reply, meta));
		}
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			if (!res.headersSent) openAiError(res, 500, `model stand-in: ${String(error)}`, 'server_error');
			else res.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	if (!options.keepProcessAlive) server.unref();
	const { port } = server.address() as AddressInfo;

	let closed: Promise<void> | undefined;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		port,
		apiKey,
		requests,
		script: (next) => {
			turns = next;
		},
		reset: () => {
			requests.length = 0;
			turns = options.script ?? [];
		},
		close: () => {
			closed ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closed;
		},
	};
}

function sendJson(res: http.ServerResponse, body: JsonObject): void {
	res.writeHead(200, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}
