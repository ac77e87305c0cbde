/**
 * On Error › Continue (using error output) in real n8n, on each n8n line (the e2e and e2e-n8n1
 * projects): a failed item must reach the error output. n8n 1.x moves an item there only when its
 * json is `{ error }` or `{ error, message }` with a non-empty message, so an error without a
 * description (an expression reading a node that does not exist) must come without `message`.
 */
import { activateWorkflowArgs, startN8n, type N8nHandle } from '../../dev/n8n/app';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import {
	EXAMPLES,
	log,
	n8nRequirement,
	postWebhook,
	prepareUserFolder,
	readExample,
	requirementsMet,
	timer,
	type PreparedFolder,
	type Workflow,
} from './support';

jest.setTimeout(600_000);

const WORKFLOW_ID = 'OcoyaErrorOutput1';
const WEBHOOK_PATH = 'ocoya-error-output';
const ERROR_REPLY = 'Reply From Error Output';

/** The lead example, with its Ocoya node on the error output and a prompt that can read a missing node. */
function errorOutputWorkflow(): Workflow {
	const workflow = JSON.parse(JSON.stringify(readExample(EXAMPLES.lead.file))) as Workflow;
	workflow.id = WORKFLOW_ID;
	workflow.name = 'Ocoya e2e: error output';
	const webhook = workflow.nodes.find((node) => node.name === EXAMPLES.lead.trigger)!;
	webhook.parameters.path = WEBHOOK_PATH;
	(webhook as { webhookId?: string }).webhookId = '0c0e7a55-e770-4a1b-9c3d-5e6f7a8b9c0d';
	const ocoya = workflow.nodes.find((node) => node.name === EXAMPLES.lead.ocoya)!;
	ocoya.parameters.prompt =
		"={{ $json.body.readMissingNode ? $('Missing Node').item.json.product : 'Launch campaign for ' + $json.body.product }}";
	ocoya.parameters.options = {};
	(ocoya as { onError?: string }).onError = 'continueErrorOutput';
	workflow.nodes.push({
		id: '0c0e7a55-e770-4a1b-9c3d-000000000001',
		name: ERROR_REPLY,
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.5,
		position: [700, 100],
		parameters: {
			respondWith: 'json',
			responseBody:
				"={{ JSON.stringify({ output: 'error', error: $json.error, hasMessage: Object.keys($json).includes('message'), message: $json.message ?? null }) }}",
			options: {},
		},
	} as Workflow['nodes'][number]);
	const connections = workflow.connections as Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	connections[EXAMPLES.lead.ocoya].main[1] = [{ node: ERROR_REPLY, type: 'main', index: 0 }];
	return workflow;
}

const lead = { email: 'ada@example.com', product: 'Acme Analytics', audience: 'marketing teams' };

(requirementsMet(__filename, n8nRequirement()) ? describe : describe.skip)(
	`Continue (using error output) on n8n ${process.env.N8N_VERSION ?? ''}`,
	() => {
		let standIn: StandIn;
		let folder: PreparedFolder | undefined;
		let n8n: N8nHandle | undefined;

		beforeAll(async () => {
			standIn = await startStandIn();
			folder = await prepareUserFolder({ baseUrl: standIn.baseUrl, apiKey: standIn.apiKey, workflows: [errorOutputWorkflow()] });
			await folder.cli(activateWorkflowArgs(WORKFLOW_ID));
			const elapsed = timer();
			n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 180_000 });
			log(`n8n started at ${n8n.url} in ${elapsed()}`);
		});

		afterAll(async () => {
			await n8n?.stop();
			await standIn?.close();
			folder?.remove();
		});

		beforeEach(() => standIn.reset());

		test("an expression error ($('Missing Node')) goes to the error output, without a message", async () => {
			const reply = await postWebhook(n8n!.url, WEBHOOK_PATH, { ...lead, readMissingNode: true });
			expect(reply.status).toBe(200);
			expect(reply.body).toMatchObject({ output: 'error', hasMessage: false });
			expect(String((reply.body as { error: unknown }).error)).toMatch(/Missing Node|Referenced node doesn't exist/);
			expect(standIn.requests).toHaveLength(0);
		});

		test("Ocoya's 400 goes to the error output, with its description as the message", async () => {
			standIn.failNext({ status: 400, body: { message: 'prompt must not mention competitors' } });
			const reply = await postWebhook(n8n!.url, WEBHOOK_PATH, lead);
			expect(reply.status).toBe(200);
			expect(reply.body).toMatchObject({
				output: 'error',
				error: 'Ocoya returned HTTP 400: prompt must not mention competitors',
				hasMessage: true,
				message: expect.stringMatching(/rejected the request/),
			});
			expect(standIn.campaignRequests()).toHaveLength(1);
		});

		test('a good item still goes to the success output', async () => {
			const reply = await postWebhook(n8n!.url, WEBHOOK_PATH, lead);
			expect(reply.status).toBe(200);
			expect(reply.body).toMatchObject({ campaignId: standIn.createdCampaigns[0].campaignId, duplicate: false });
		});
	},
);
