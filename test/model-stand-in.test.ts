/**
 * Tests of the model stand-in itself, over real HTTP: both OpenAI APIs, plain and streamed, the
 * turn picked from the conversation, the records, and the refusals. The e2e agent suite drives
 * it with n8n's real OpenAI client; this keeps its own rules pinned down.
 */
import fs from 'node:fs';
import path from 'node:path';

import { request } from 'undici';

import { DEMO_SCRIPT, startModelStandIn, type ModelStandIn } from '../dev/model-stand-in';

const TOOL = {
	name: 'Create_Ocoya_Campaign',
	description: 'Creates a campaign',
	parameters: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
};

let model: ModelStandIn;

beforeAll(async () => {
	model = await startModelStandIn();
});
afterEach(() => model.reset());
afterAll(async () => {
	await model.close();
});

async function post(path: string, body: unknown, key: string | null = model.apiKey): Promise<{ status: number; text: string }> {
	const response = await request(`${model.baseUrl}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
		body: JSON.stringify(body),
	});
	return { status: response.statusCode, text: await response.body.text() };
}

/** The `data:` payloads of a server-sent event stream, with their `event:` names. */
function events(text: string): Array<{ event?: string; data: string }> {
	return text
		.split('\n\n')
		.filter((block) => block.trim() !== '')
		.map((block) => {
			const lines = block.split('\n');
			const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
			const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? '';
			return { event, data };
		});
}

const chatRequest = (stream: boolean, toolResult?: string): unknown => ({
	model: 'gpt-4.1-mini',
	stream,
	tools: [{ type: 'function', function: TOOL }],
	messages: [
		{ role: 'system', content: 'Be brief.' },
		{ role: 'user', content: 'Plan a launch.' },
		...(toolResult === undefined
			? []
			: [
					{ role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: TOOL.name, arguments: '{}' } }] },
					{ role: 'tool', tool_call_id: 'call_1', content: toolResult },
				]),
	],
});

const responsesRequest = (stream: boolean, toolResult?: string): unknown => ({
	model: 'gpt-4.1-mini',
	stream,
	tools: [{ type: 'function', ...TOOL }],
	input: [
		{ role: 'system', content: 'Be brief.' },
		{ role: 'user', content: [{ type: 'input_text', text: 'Plan a launch.' }] },
		...(toolResult === undefined
			? []
			: [
					{ type: 'function_call', call_id: 'call_1', name: TOOL.name, arguments: '{}' },
					{ type: 'function_call_output', call_id: 'call_1', output: toolResult },
				]),
	],
});

describe('Chat Completions', () => {
	test('turn 0 calls the tool, the request carrying one tool result gets turn 1', async () => {
		model.script([{ callTool: { prompt: 'Summer launch' } }, { answer: ({ lastToolResult }) => `Done: ${lastToolResult}` }]);

		const first = await post('/chat/completions', chatRequest(false));
		const second = await post('/chat/completions', chatRequest(false, '{"campaignId":"cmp_1"}'));

		expect(first.status).toBe(200);
		const call = JSON.parse(first.text) as { object: string; choices: Array<{ message: { tool_calls: Array<{ function: { name: string; arguments: string } }> }; finish_reason: string }> };
		expect(call.object).toBe('chat.completion');
		expect(call.choices[0].finish_reason).toBe('tool_calls');
		expect(call.choices[0].message.tool_calls[0].function).toEqual({ name: TOOL.name, arguments: '{"prompt":"Summer launch"}' });
		const answer = JSON.parse(second.text) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
		expect(answer.choices[0]).toMatchObject({ message: { content: 'Done: {"campaignId":"cmp_1"}' }, finish_reason: 'stop' });

		expect(model.requests.map((r) => [r.api, r.stream, r.turn, r.reply.kind])).toEqual([
			['chat', false, 0, 'toolCall'],
			['chat', false, 1, 'text'],
		]);
		expect(model.requests[1].conversation).toMatchObject({
			instructions: ['Be brief.'],
			userMessages: ['Plan a launch.'],
			toolResults: ['{"campaignId":"cmp_1"}'],
			tools: [TOOL],
		});
	});

	test('streamed: chunks whose deltas join to the arguments, a usage chunk when asked, then [DONE]', async () => {
		model.script([{ callTool: ({ conversation }) => ({ prompt: conversation.userMessages[0] }) }]);

		const { status, text } = await post('/chat/completions', { ...(chatRequest(true) as object), stream_options: { include_usage: true } });

		expect(status).toBe(200);
		const stream = events(text);
		expect(stream[stream.length - 1].data).toBe('[DONE]');
		const chunks = stream.slice(0, -1).map((e) => JSON.parse(e.data) as { choices: Array<{ delta: { tool_calls?: Array<{ function: { arguments?: string } }> }; finish_reason: string | null }>; usage?: unknown });
		const argumentsText = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? [])).map((t) => t.function.arguments ?? '').join('');
		expect(JSON.parse(argumentsText)).toEqual({ prompt: 'Plan a launch.' });
		// At least two argument deltas, so a client that does not join them fails.
		expect(chunks.filter((c) => c.choices[0]?.delta.tool_calls?.[0]?.function.arguments).length).toBeGreaterThanOrEqual(2);
		expect(chunks.filter((c) => c.choices[0]?.finish_reason === 'tool_calls')).toHaveLength(1);
		expect(chunks[chunks.length - 1]).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
	});
});

describe('Responses API', () => {
	test('a function_call output item, then a message once the conversation holds its output', async () => {
		model.script([{ callTool: { prompt: 'Summer launch' } }, { answer: 'All set.' }]);

		const first = JSON.parse((await post('/responses', responsesRequest(false))).text) as { object: string; status: string; output: Array<Record<string, unknown>> };
		const second = JSON.parse((await post('/responses', responsesRequest(false, '[{"campaignId":"cmp_1"}]'))).text) as { output: Array<{ type: string; content: Array<{ text: string }> }> };

		expect(first).toMatchObject({ object: 'response', status: 'completed' });
		expect(first.output).toEqual([expect.objectContaining({ type: 'function_call', name: TOOL.name, arguments: '{"prompt":"Summer launch"}' })]);
		expect(second.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'All set.' }] });
		expect(model.requests.map((r) => [r.api, r.turn])).toEqual([
			['responses', 0],
			['responses', 1],
		]);
		expect(model.requests[1].conversation.userMessages).toEqual(['Plan a launch.']);
		expect(model.requests[1].conversation.toolResults).toEqual(['[{"campaignId":"cmp_1"}]']);
	});

	test('streamed: named events from response.created to response.completed, text deltas that join', async () => {
		model.script([{ answer: 'Your campaign is queued.' }]);

		const stream = events((await post('/responses', responsesRequest(true))).text);

		expect(stream[0].event).toBe('response.created');
		expect(stream[stream.length - 1].event).toBe('response.completed');
		for (const { event, data } of stream) expect((JSON.parse(data) as { type: string }).type).toBe(event);
		const deltas = stream.filter((e) => e.event === 'response.output_text.delta').map((e) => (JSON.parse(e.data) as { delta: string }).delta);
		expect(deltas.length).toBeGreaterThanOrEqual(2);
		expect(deltas.join('')).toBe('Your campaign is queued.');
		const sequence = stream.map((e) => (JSON.parse(e.data) as { sequence_number: number }).sequence_number);
		expect(sequence).toEqual(sequence.map((_, index) => index));
	});
});

describe('refusals', () => {
	test('401 without the key, 400 for a turn the script lacks or an unknown tool; all but the 401 recorded', async () => {
		model.script([{ callTool: { prompt: 'x' }, tool: 'Other_Tool' }]);

		const noKey = await post('/chat/completions', chatRequest(false), null);
		const unknownTool = await post('/chat/completions', chatRequest(false));
		const noTurn = await post('/responses', responsesRequest(false, '{}'));

		expect(noKey.status).toBe(401);
		expect(JSON.parse(noKey.text)).toMatchObject({ error: { code: 'invalid_api_key' } });
		expect([unknownTool.status, noTurn.status]).toEqual([400, 400]);
		expect(unknownTool.text).toContain('no tool named \\"Other_Tool\\" was offered');
		expect(noTurn.text).toContain('the script has no turn 1 (it has 1)');
		expect(model.requests.map((r) => r.reply.kind)).toEqual(['error', 'error']);
	});

	test('GET /v1/models lists the model ids for the editor', async () => {
		const response = await request(`${model.baseUrl}/models`, { headers: { authorization: `Bearer ${model.apiKey}` } });
		expect(response.statusCode).toBe(200);
		expect(await response.body.json()).toMatchObject({ object: 'list', data: [{ id: 'gpt-4.1-mini', object: 'model' }] });
	});
});

describe('the demo script (npm start, dev/model-stand-in/cli.ts)', () => {
	test('fills the Ocoya Tool schema a real agent sent from the message, then reports the campaignId', async () => {
		// The tool (name, description, schema) as n8n 2.41.1 offered it in the e2e suite.
		const captured = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'docs', 'ai-agent-model-view.json'), 'utf8')) as { tool: object };
		const message = 'Launch of Acme Analytics for marketing teams, in a friendly tone';
		const body = (toolResult?: string): unknown => ({
			model: 'gpt-4.1-mini',
			tools: [{ type: 'function', ...captured.tool }],
			input: [
				{ role: 'user', content: message },
				...(toolResult === undefined ? [] : [{ type: 'function_call_output', call_id: 'call_1', output: toolResult }]),
			],
		});
		model.script(DEMO_SCRIPT);

		const call = JSON.parse((await post('/responses', body())).text) as { output: Array<{ name: string; arguments: string }> };
		const answer = JSON.parse((await post('/responses', body('[{"campaignId":"cmp_42","status":"GENERATING"}]'))).text) as {
			output: Array<{ content: Array<{ text: string }> }>;
		};

		expect(call.output[0].name).toBe('Create_Ocoya_Campaign');
		expect(JSON.parse(call.output[0].arguments)).toEqual({
			prompt: message,
			goal: 'launch',
			audience: 'marketing_teams',
			tone: 'friendly',
			count: 5,
		});
		expect(answer.output[0].content[0].text).toMatch(/^Ocoya is writing campaign cmp_42 in the background/);
	});
});
