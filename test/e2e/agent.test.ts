/**
 * The Ocoya Tool under a real AI Agent in a running n8n: the agent example's nodes (chat trigger
 * made callable over HTTP, AI Agent, OpenAI Chat Model, Ocoya Tool) with the model's credential
 * pointing at the scripted model stand-in and the tool's at the Ocoya stand-in. What the model is
 * told, what reaches Ocoya, and what comes back to the model, counted.
 *
 * Matrix: the OpenAI Chat Model node speaks the Chat Completions API or the Responses API, and
 * the chat trigger answers at the end or streams (the agent then streams from the model too).
 * Every cell runs the happy path; the failure cases run on one cell, the Responses API streamed
 * (the defaults of a chat workflow built in today's editor).
 */
import fs from 'node:fs';
import path from 'node:path';

import { request } from 'undici';

import {
	DEFAULT_N8N_VERSION,
	REPO_ROOT,
	activateWorkflowArgs,
	n8nApp,
	n8nMajor,
	ownerSession,
	startN8n,
	type N8nHandle,
	type N8nSession,
} from '../../dev/n8n/app';
import {
	LOCAL_MODEL_CREDENTIAL,
	startModelStandIn,
	type ModelRequest,
	type ModelStandIn,
	type TurnContext,
} from '../../dev/model-stand-in';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import { TOOL_DESCRIPTION, TOOL_FIELD_HINTS } from '../../nodes/Ocoya/actions/toolDescription';
import { Ocoya } from '../../nodes/Ocoya/Ocoya.node';
import {
	BAD_CREDENTIAL_ID,
	BAD_CREDENTIAL_NAME,
	EXAMPLES,
	WRONG_API_KEY,
	log,
	prepareUserFolder,
	readExample,
	timer,
	type PreparedFolder,
	type Workflow,
} from './support';

jest.setTimeout(240_000);

type Api = 'chat' | 'responses';

interface Cell {
	api: Api;
	stream: boolean;
}

interface AgentWorkflow extends Cell {
	id: string;
	webhookId: string;
	workflow: Workflow;
}

const CELLS: Cell[] = [
	{ api: 'responses', stream: true },
	{ api: 'responses', stream: false },
	{ api: 'chat', stream: true },
	{ api: 'chat', stream: false },
];
const FULL_CELL = CELLS[0];

const TOOL_NAME = 'Create_Ocoya_Campaign';

/** What the scripted model sends the tool: every field the example lets it fill. */
const ARGS = {
	prompt: 'Summer launch of the Acme Analytics dashboard for marketing teams: 20% off until June 30, acme.example/summer',
	goal: 'launch',
	audience: 'marketing_teams',
	tone: 'friendly',
	count: 6,
};

const cellName = (cell: Cell): string =>
	`${cell.api === 'chat' ? 'Chat Completions' : 'Responses API'}, ${cell.stream ? 'streamed' : 'not streamed'}`;

/** 16-character workflow ids like the examples', e.g. OcoyaAgRespStrm0. */
function workflowId(cell: Cell, suffix = '0'): string {
	return `OcoyaAg${cell.api === 'chat' ? 'Chat' : 'Resp'}${cell.stream ? 'Strm' : 'Once'}${suffix}`;
}

interface Variant {
	/** The tool uses the wrong-key Ocoya credential. */
	wrongKey?: boolean;
	/** The tool's Deduplication Key comes from the model: `$fromAI('campaignKey', …)`. */
	deduplicate?: boolean;
}

const CAMPAIGN_KEY_HINT = 'A short id you choose for this campaign; use the same id if you call again for the same campaign';

/**
 * The agent example with the model node on the model stand-in's credential and the chosen API,
 * and its chat trigger public in webhook mode (what an embedded chat calls) with the cell's
 * response mode. n8n 1.x knows the AI Agent only up to version 3.
 */
function agentWorkflow(cell: Cell, index: number, variant: Variant = {}): AgentWorkflow {
	const { wrongKey = false, deduplicate = false } = variant;
	const workflow = readExample(EXAMPLES.agent.file);
	const id = workflowId(cell, wrongKey ? 'K' : deduplicate ? 'D' : '0');
	const webhookId = `00000000-0000-4000-8000-0000000a9e${String(index).padStart(2, '0')}`;
	workflow.id = id;
	workflow.name = `${workflow.name} (${cellName(cell)}${wrongKey ? ', wrong Ocoya key' : ''}${deduplicate ? ', Deduplication Key' : ''})`;
	for (const node of workflow.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.chatTrigger') {
			node.webhookId = webhookId;
			node.parameters = { public: true, mode: 'webhook', options: { responseMode: cell.stream ? 'streaming' : 'lastNode' } };
		} else if (node.name === EXAMPLES.agent.model) {
			node.parameters.responsesApiEnabled = cell.api === 'responses';
			node.credentials = { openAiApi: LOCAL_MODEL_CREDENTIAL };
		} else if (node.name === EXAMPLES.agent.agent && n8nMajor() < 2) {
			node.typeVersion = 3;
		} else if (node.name === EXAMPLES.agent.tool) {
			if (wrongKey) node.credentials = { ocoyaApi: { id: BAD_CREDENTIAL_ID, name: BAD_CREDENTIAL_NAME } };
			if (deduplicate) {
				node.parameters.options = { deduplicationKey: `={{ $fromAI('campaignKey', '${CAMPAIGN_KEY_HINT}', 'string') }}` };
			}
			// n8n 1.x ends the execution when a tool fails, unless the tool continues on error (as the
			// README advises there); 2.x hands a tool's error to the model by default.
			if (n8nMajor() < 2) node.onError = 'continueRegularOutput';
		}
	}
	return { ...cell, id, webhookId, workflow };
}

/**
 * What the model received on the full cell, saved for the README: docs/ for the default n8n,
 * reports/ for another N8N_VERSION.
 */
interface ModelView {
	n8nVersion: string;
	capturedBy: string;
	tool?: unknown;
	toolResults: Record<string, string>;
}
const n8nVersion = n8nApp().version;
const MODEL_VIEW_FILE =
	n8nVersion === DEFAULT_N8N_VERSION
		? path.join(REPO_ROOT, 'docs', 'ai-agent-model-view.json')
		: path.join(REPO_ROOT, 'reports', `ai-agent-model-view-n8n-${n8nVersion}.json`);
const modelView: ModelView = {
	n8nVersion,
	capturedBy: 'test/e2e/agent.test.ts (Responses API, streamed)',
	toolResults: {},
};

const cells = CELLS.map((cell, index) => agentWorkflow(cell, index));
const wrongKeyWorkflow = agentWorkflow(FULL_CELL, CELLS.length, { wrongKey: true });
const deduplicatingWorkflow = agentWorkflow(FULL_CELL, CELLS.length + 1, { deduplicate: true });
const allWorkflows = [...cells, wrongKeyWorkflow, deduplicatingWorkflow];

let standIn: StandIn;
let model: ModelStandIn;
let folder: PreparedFolder;
let n8n: N8nHandle | undefined;
let owner: N8nSession;

beforeAll(async () => {
	const elapsed = timer();
	standIn = await startStandIn();
	model = await startModelStandIn();
	folder = await prepareUserFolder({
		baseUrl: standIn.baseUrl,
		apiKey: standIn.apiKey,
		workflows: allWorkflows.map((w) => w.workflow),
		credentials: [{ ...LOCAL_MODEL_CREDENTIAL, type: 'openAiApi', data: { apiKey: model.apiKey, url: model.baseUrl } }],
	});
	for (const { id } of allWorkflows) await folder.cli(activateWorkflowArgs(id));
	n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 150_000 });
	// The owner exists from here on, as in an instance someone set up.
	owner = await ownerSession(n8n.url);
	log(`agent suite ready (n8n ${n8n.url}, model ${model.baseUrl}) in ${elapsed()}`);
});

afterAll(async () => {
	if (modelView.tool !== undefined && Object.keys(modelView.toolResults).length === 5) {
		fs.mkdirSync(path.dirname(MODEL_VIEW_FILE), { recursive: true });
		// Ids and times differ on every run; placeholders keep the saved file stable.
		const stable = JSON.stringify(modelView, null, 2)
			.replace(/cmp_standin_\w+/g, 'cmp_standin_ID')
			.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'QUEUED_AT');
		fs.writeFileSync(MODEL_VIEW_FILE, `${stable}\n`);
	}
	await n8n?.stop();
	await model?.close();
	await standIn?.close();
	folder?.remove();
});

beforeEach(() => {
	standIn.reset();
});

interface ChatReply {
	status: number;
	/** The agent's answer: the streamed chunks joined, or the `output` of the final reply. */
	answer: string;
	/** Model requests made during this chat. */
	modelRequests: ModelRequest[];
}

/** Sends one chat message as an embedded chat widget does, and reads the whole reply. */
async function chat(target: AgentWorkflow, chatInput: string): Promise<ChatReply> {
	const firstRequest = model.requests.length;
	const response = await request(`${n8n!.url}/webhook/${target.webhookId}/chat`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'sendMessage', sessionId: `session-${Date.now()}`, chatInput }),
		headersTimeout: 120_000,
		bodyTimeout: 120_000,
	});
	const text = await response.body.text();
	return {
		status: response.statusCode,
		answer: target.stream ? streamedAnswer(text) : finalAnswer(text),
		modelRequests: model.requests.slice(firstRequest),
	};
}

/** n8n streams one JSON object a line: `begin`, `item` (with `content`), `end` per node. */
function streamedAnswer(text: string): string {
	return text
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as { type: string; content?: string })
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content ?? '')
		.join('');
}

function finalAnswer(text: string): string {
	const body = JSON.parse(text) as { output?: unknown };
	if (typeof body.output !== 'string') throw new Error(`no output in the chat reply: ${text}`);
	return body.output;
}

function campaignIdIn(text: string): string | undefined {
	return /"campaignId"\s*:\s*"([^"]+)"/.exec(text)?.[1];
}

/** The scripted model's last turn: it answers from the tool's result. */
function answerFromToolResult({ lastToolResult }: TurnContext): string {
	const campaignId = campaignIdIn(lastToolResult);
	return campaignId
		? `Your campaign ${campaignId} is queued; Ocoya is writing the posts now.`
		: `The campaign could not be created. The tool said: ${lastToolResult}`;
}

/** The option values a field accepts, read from the node's own field. */
function allowedValues(field: string): string[] {
	const property = new Ocoya().description.properties.find((p) => p.name === field);
	return (property?.options ?? []).map((o) => String((o as { value: unknown }).value)).filter((v) => v !== '');
}

interface ToolSchema {
	type: string;
	properties: Record<string, { type: string; description?: string }>;
	required?: string[];
}

function expectCellTraffic(requests: ModelRequest[], cell: Cell): void {
	expect(requests.map((r) => [r.api, r.stream])).toEqual(requests.map(() => [cell.api, cell.stream]));
}

describe('the Ocoya Tool as n8n lists it for the editor', () => {
	test('its Tool Description field is ours, with no Auto/Manual choice; the regular node hides it', async () => {
		type Listed = { name: string; properties: Array<{ name: string; default?: unknown; displayOptions?: unknown }> };
		const types = await owner.request<Listed[]>('GET', '/types/nodes.json');
		const tool = types.find((t) => t.name === 'n8n-nodes-ocoya.ocoyaTool');
		const regular = types.find((t) => t.name === 'n8n-nodes-ocoya.ocoya');
		const campaignCreate = { '@tool': [true], resource: ['campaign'], operation: ['create'] };
		const toolDescriptions = tool?.properties.filter((p) => p.name === 'toolDescription') ?? [];
		// One per operation; Campaign › Create's is the one the agent example uses.
		expect(toolDescriptions.filter((p) => JSON.stringify(p.displayOptions) === JSON.stringify({ show: campaignCreate }))).toEqual([
			expect.objectContaining({ default: TOOL_DESCRIPTION }),
		]);
		expect(tool?.properties.map((p) => p.name)).not.toContain('descriptionType');
		for (const p of regular?.properties.filter((q) => q.name === 'toolDescription') ?? []) {
			expect(p.displayOptions).toEqual({ show: expect.objectContaining({ '@tool': [true] }) });
		}
	});
});

describe.each(cells)('an AI Agent on $api (stream: $stream)', (cell) => {
	test('calls the tool with what Ocoya accepts; Ocoya gets exactly the arguments; the answer has the campaignId', async () => {
		model.script([{ callTool: ARGS }, { answer: answerFromToolResult }]);

		const reply = await chat(cell, 'We launch the Acme Analytics dashboard this summer, 20% off until June 30. Plan the posts.');

		expect(reply.status).toBe(200);
		// Ocoya: one request, with exactly the model's arguments and the fixed workspace.
		expect(standIn.campaignRequests()).toHaveLength(1);
		const [sent] = standIn.campaignRequests();
		expect(sent.body).toEqual(ARGS);
		expect(sent.query).toEqual({ workspaceId: 'ws_standin_1' });
		expect(sent.validationErrors).toEqual([]);
		expect(standIn.campaignsCreated).toBe(1);
		const { campaignId } = standIn.createdCampaigns[0];

		// The model: two requests in this cell's API and mode, the tool result fed back, the answer passed on.
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'text']);
		expectCellTraffic(reply.modelRequests, cell);
		const [, second] = reply.modelRequests;
		expect(second.conversation.toolResults).toHaveLength(1);
		expect(campaignIdIn(second.conversation.toolResults[0])).toBe(campaignId);
		expect(reply.answer).toBe(`Your campaign ${campaignId} is queued; Ocoya is writing the posts now.`);

		// What the model was told: our description, and a schema made of the example's $fromAI calls.
		const [first] = reply.modelRequests;
		expect(first.conversation.tools.map((t) => t.name)).toEqual([TOOL_NAME]);
		const [tool] = first.conversation.tools;
		expect(tool.description).toBe(TOOL_DESCRIPTION);
		const schema = tool.parameters as unknown as ToolSchema;
		expect(Object.keys(schema.properties).sort()).toEqual(['audience', 'count', 'goal', 'prompt', 'tone']);
		expect([...(schema.required ?? [])].sort()).toEqual(['audience', 'count', 'goal', 'prompt', 'tone']);
		expect(schema.properties.count.type).toBe('number');
		for (const field of ['goal', 'audience', 'tone'] as const) {
			expect(schema.properties[field]).toEqual({ type: 'string', description: TOOL_FIELD_HINTS[field] });
			for (const value of allowedValues(field)) {
				expect(schema.properties[field].description).toContain(value);
				expect(tool.description).toContain(value);
			}
		}
		for (const value of allowedValues('postLength')) expect(tool.description).toContain(value);
		expect(schema.properties.count.description).toContain('from 3 to 30');
		expect(tool.description).toContain('from 1 to 30');
		if (cell.api === FULL_CELL.api && cell.stream === FULL_CELL.stream) {
			modelView.tool = tool;
			modelView.toolResults.created = second.conversation.toolResults[0];
		}
	});
});

describe(`failures reach the model (${cellName(FULL_CELL)})`, () => {
	const cell = cells[0];

	test('count 99 comes back as the node error, nothing is sent; the retry creates exactly one campaign', async () => {
		model.script([{ callTool: { ...ARGS, count: 99 } }, { callTool: ARGS }, { answer: answerFromToolResult }]);

		const reply = await chat(cell, 'Plan a big launch campaign with 99 posts.');

		expect(reply.status).toBe(200);
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'toolCall', 'text']);
		expectCellTraffic(reply.modelRequests, cell);
		const errorSeen = reply.modelRequests[1].conversation.toolResults[0];
		modelView.toolResults.invalidCount = errorSeen;
		expect(errorSeen).toContain('Invalid Number of Posts (count): 99 must be a whole number from 3 to 30');
		expect(errorSeen).toContain('Nothing was sent to Ocoya');
		// Only the retry reached Ocoya.
		expect(standIn.campaignRequests()).toHaveLength(1);
		expect(standIn.campaignRequests()[0].body).toEqual(ARGS);
		expect(standIn.campaignsCreated).toBe(1);
		expect(reply.answer).toContain(standIn.createdCampaigns[0].campaignId);
	});

	test('a 429 is waited out inside the tool call: the model sees one call and one campaign', async () => {
		const resetAt = Math.ceil(Date.now() / 1000) + 2;
		standIn.failNext({
			status: 429,
			headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetAt) },
			body: { message: 'Too many requests' },
		});
		model.script([{ callTool: ARGS }, { answer: answerFromToolResult }]);

		const reply = await chat(cell, 'Plan the summer launch posts.');

		expect(reply.status).toBe(200);
		const attempts = standIn.campaignRequests();
		expect(attempts.map((r) => r.status)).toEqual([429, 202]);
		expect(attempts[1].body).toEqual(ARGS);
		// The second attempt waited for the window to reset (1 s of slack for the header's whole seconds).
		expect(attempts[1].receivedAt).toBeGreaterThanOrEqual(resetAt * 1000 - 1000);
		expect(standIn.campaignsCreated).toBe(1);
		// The model made one call and got the campaign, not the 429.
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'text']);
		const result = reply.modelRequests[1].conversation.toolResults[0];
		modelView.toolResults.createdAfter429 = result;
		expect(campaignIdIn(result)).toBe(standIn.createdCampaigns[0].campaignId);
		expect(result).not.toMatch(/429|rate limit/i);
	});

	test('a 403 reaches the model with the credential advice; nothing is created', async () => {
		model.script([{ callTool: ARGS }, { answer: answerFromToolResult }]);

		const reply = await chat(wrongKeyWorkflow, 'Plan the summer launch posts.');

		expect(reply.status).toBe(200);
		const attempts = standIn.campaignRequests();
		expect(attempts.map((r) => [r.status, r.headers['x-api-key']])).toEqual([[403, WRONG_API_KEY]]);
		expect(standIn.campaignsCreated).toBe(0);
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'text']);
		const errorSeen = reply.modelRequests[1].conversation.toolResults[0];
		modelView.toolResults.wrongKey = errorSeen;
		expect(errorSeen).toContain('Ocoya returned HTTP 403: Invalid API token.');
		expect(errorSeen).toContain('Check the API key in the Ocoya API credential');
		expect(reply.answer).toContain('Check the API key in the Ocoya API credential');
	});

	test('a 503 reaches the model as "may have been created, check before retrying"; the tool does not retry by itself', async () => {
		standIn.failNext({ status: 503 });
		model.script([{ callTool: ARGS }, { answer: answerFromToolResult }]);

		const reply = await chat(cell, 'Plan the summer launch posts.');

		expect(reply.status).toBe(200);
		expect(standIn.campaignRequests().map((r) => r.status)).toEqual([503]);
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'text']);
		const errorSeen = reply.modelRequests[1].conversation.toolResults[0];
		modelView.toolResults.unavailable = errorSeen;
		expect(errorSeen).toContain('Ocoya returned HTTP 503');
		expect(errorSeen).toContain('The campaign may have been created; check Ocoya before retrying.');
	});
});

describe(`the Deduplication Key in the tool (${cellName(FULL_CELL)})`, () => {
	test('a model that calls again after a 503 with the same key is told the outcome is pending, not handled, and nothing more is sent', async () => {
		standIn.failNext({ status: 503 });
		const call = { ...ARGS, campaignKey: `summer-launch-${Date.now()}` };
		model.script([{ callTool: call }, { callTool: call }, { answer: ({ lastToolResult }) => `Tool said: ${lastToolResult}` }]);

		const reply = await chat(deduplicatingWorkflow, 'Plan the summer launch posts.');

		expect(reply.status).toBe(200);
		expect(reply.modelRequests.map((r) => r.reply.kind)).toEqual(['toolCall', 'toolCall', 'text']);
		const [first, second] = reply.modelRequests[2].conversation.toolResults;
		expect(first).toContain('The campaign may have been created');
		expect(first).toContain(`The Deduplication Key \\"${call.campaignKey}\\" stays recorded`);
		// The 503 may or may not have created the campaign: the second call must not be told it was handled.
		expect(second).toContain('"duplicate":false');
		expect(second).toContain('"pending":true');
		expect(second).not.toContain('"duplicate":true');
		// One request reached Ocoya (the 503); the second call sent nothing.
		expect(standIn.campaignRequests().map((r) => r.status)).toEqual([503]);
		expect(standIn.campaignsCreated).toBe(0);
		const [tool] = reply.modelRequests[0].conversation.tools;
		expect((tool.parameters as unknown as ToolSchema).properties.campaignKey).toEqual({ type: 'string', description: CAMPAIGN_KEY_HINT });
	});
});

describe('model traffic of the whole suite', () => {
	const readmeTest = n8nVersion === DEFAULT_N8N_VERSION ? test : test.skip;
	readmeTest("the README's AI tool section shows exactly what the model received", () => {
		const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
		const { invalidCount, wrongKey, unavailable } = modelView.toolResults;
		for (const text of [invalidCount, wrongKey, unavailable]) {
			expect(text).toBeDefined();
			expect(readme).toContain(text);
		}
		const tool = modelView.tool as { parameters: ToolSchema };
		for (const field of ['goal', 'count']) {
			expect(readme).toContain(JSON.stringify(tool.parameters.properties[field].description));
		}
	});

	test('no Ocoya API key, right or wrong, appears in anything the model received', () => {
		// 4 cells x 2 requests, plus 3 + 2 + 2 + 2 + 3 from the other cases, when the whole file runs.
		expect(model.requests.length).toBeGreaterThanOrEqual(2);
		for (const sent of model.requests) {
			const everything = `${sent.rawBody}\n${JSON.stringify(sent.headers)}`;
			expect(everything).not.toContain(standIn.apiKey);
			expect(everything).not.toContain(WRONG_API_KEY);
		}
	});
});
