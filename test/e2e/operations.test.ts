/**
 * Every Ocoya operation in the real n8n app (`n8n execute --id … --rawOutput`), one workflow per
 * operation (Start → the Ocoya node, parameters named as the API fields), against the stand-in:
 * the exact requests the stand-in received (method, path, query, body, each valid against the
 * contract) and the items that came out. Then the chain Post › Create → Reschedule → Delete, the
 * postGroupId from Create feeding the postId of the other two. Version-neutral: N8N_VERSION picks
 * the n8n line (2.41.1 by default, 1.123.81).
 */
import { request } from 'undici';

import { nodeOutput, outboundRecord, parseRawOutput, type N8nRun } from '../../dev/n8n/app';
import { startStandIn, type RecordedRequest, type StandIn } from '../../dev/ocoya-stand-in';
import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	log,
	n8nRequirement,
	outboundAttempts,
	prepareUserFolder,
	requirementsMet,
	timer,
	type PreparedFolder,
	type Workflow,
} from './support';

jest.setTimeout(240_000);

const runnable = requirementsMet(__filename, n8nRequirement());
const suite = runnable ? describe : describe.skip;

const WORKSPACE = 'ws_standin_1';
const WORKSPACE_LOCATOR = { __rl: true, mode: 'id', value: WORKSPACE };
const OCOYA = 'Ocoya';
const CREDENTIALS = { ocoyaApi: { id: CREDENTIAL_ID, name: CREDENTIAL_NAME } };
/** A publish time far enough ahead to stay in the future, with an offset the node must turn into UTC. */
const LATER = '2031-05-04T10:15:00+02:00';
const LATER_UTC = '2031-05-04T08:15:00Z';
const EVEN_LATER = '2031-06-01T18:30:00-08:00';
const EVEN_LATER_UTC = '2031-06-02T02:30:00Z';

function postLocator(value: string): Record<string, unknown> {
	return { __rl: true, mode: 'id', value };
}

/** Start → one Ocoya node with these parameters. */
function operationWorkflow(id: string, parameters: Record<string, unknown>): Workflow {
	return {
		id,
		name: `Ocoya e2e: ${String(parameters.resource)} › ${String(parameters.operation)}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ name: OCOYA, type: 'n8n-nodes-ocoya.ocoya', typeVersion: 1, position: [240, 0], parameters, credentials: CREDENTIALS },
		],
		connections: { Start: { main: [[{ node: OCOYA, type: 'main', index: 0 }]] } },
	};
}

/** The chain: Create Post → Reschedule Post → Delete Post, each postId the postGroupId Create output. */
const CHAIN: Workflow = {
	id: 'e2eOpPostChain',
	name: 'Ocoya e2e: Post › Create → Reschedule → Delete',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{
			name: 'Create Post',
			type: 'n8n-nodes-ocoya.ocoya',
			typeVersion: 1,
			position: [240, 0],
			parameters: {
				resource: 'post',
				operation: 'create',
				workspaceId: WORKSPACE_LOCATOR,
				caption: 'Chained: created, rescheduled, deleted',
				socialProfileIds: ['sp_standin_1'],
				scheduledAt: LATER,
			},
			credentials: CREDENTIALS,
		},
		{
			name: 'Reschedule Post',
			type: 'n8n-nodes-ocoya.ocoya',
			typeVersion: 1,
			position: [480, 0],
			parameters: { resource: 'post', operation: 'update', postId: postLocator('={{ $json.postGroupId }}'), scheduledAt: EVEN_LATER },
			credentials: CREDENTIALS,
		},
		{
			name: 'Delete Post',
			type: 'n8n-nodes-ocoya.ocoya',
			typeVersion: 1,
			position: [720, 0],
			parameters: { resource: 'post', operation: 'delete', postId: postLocator("={{ $('Create Post').item.json.postGroupId }}") },
			credentials: CREDENTIALS,
		},
	],
	connections: {
		Start: { main: [[{ node: 'Create Post', type: 'main', index: 0 }]] },
		'Create Post': { main: [[{ node: 'Reschedule Post', type: 'main', index: 0 }]] },
		'Reschedule Post': { main: [[{ node: 'Delete Post', type: 'main', index: 0 }]] },
	},
};

/** The seeded post groups the single-operation Reschedule and Delete act on (see dev/ocoya-stand-in/posts.ts). */
const RESCHEDULED_POST = 'pg_standin_0004';
const DELETED_POST = 'pg_standin_0007';

const WORKFLOWS: Record<string, Workflow> = {
	postCreate: operationWorkflow('e2eOpPostCreate', {
		resource: 'post',
		operation: 'create',
		workspaceId: WORKSPACE_LOCATOR,
		caption: 'Spring sale: 20 % off every plan until Sunday 🌷',
		mediaUrls: ['https://example.com/spring.png'],
		socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
		scheduledAt: LATER,
	}),
	postCreateWithAi: operationWorkflow('e2eOpPostAi', {
		resource: 'post',
		operation: 'createWithAi',
		workspaceId: WORKSPACE_LOCATOR,
		prompt: 'Write a launch post for our new analytics dashboard',
		tone: 'professional',
		length: 'medium',
		brandId: 'bk_standin_1',
		hashtagLibraryId: 'hl_standin_1',
		socialProfileIds: ['sp_standin_1'],
		generateImage: true,
		referenceUrls: ['https://example.com/reference.png'],
		referenceDesignIds: ['st_standin_1'],
	}),
	postGetAll: operationWorkflow('e2eOpPostGetAll', {
		resource: 'post',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		statuses: ['DRAFT', 'SCHEDULED'],
		returnAll: true,
	}),
	postGetAllLimit: operationWorkflow('e2eOpPostLimit', {
		resource: 'post',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		returnAll: false,
		limit: 7,
	}),
	postGetAllBeyondOnePage: operationWorkflow('e2eOpPostLimit60', {
		resource: 'post',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		returnAll: false,
		limit: 60,
	}),
	postUpdate: operationWorkflow('e2eOpPostUpdate', {
		resource: 'post',
		operation: 'update',
		postId: postLocator(RESCHEDULED_POST),
		scheduledAt: LATER,
	}),
	postDelete: operationWorkflow('e2eOpPostDelete', { resource: 'post', operation: 'delete', postId: postLocator(DELETED_POST) }),
	campaignCreate: operationWorkflow('e2eOpCampaign', {
		resource: 'campaign',
		operation: 'create',
		workspaceId: WORKSPACE_LOCATOR,
		prompt: 'Summer launch campaign for our ecommerce analytics dashboard',
		goal: 'launch',
		audience: 'marketing_teams',
		tone: 'friendly',
		count: 6,
		duration: 10,
		options: {},
	}),
	workspaceGetAll: operationWorkflow('e2eOpWorkspaces', { resource: 'workspace', operation: 'getAll', returnAll: true }),
	socialProfileGetAll: operationWorkflow('e2eOpProfiles', {
		resource: 'socialProfile',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		returnAll: false,
		limit: 1,
	}),
	socialProfileGetConnectionUrl: operationWorkflow('e2eOpConnectUrl', {
		resource: 'socialProfile',
		operation: 'getConnectionUrl',
		workspaceId: WORKSPACE_LOCATOR,
		provider: 'instagram',
	}),
	brandKitGetAll: operationWorkflow('e2eOpBrandKits', { resource: 'brandKit', operation: 'getAll', workspaceId: WORKSPACE_LOCATOR, returnAll: true }),
	hashtagLibraryGetAll: operationWorkflow('e2eOpHashtags', {
		resource: 'hashtagLibrary',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		returnAll: true,
	}),
	studioTemplateGetAll: operationWorkflow('e2eOpTemplates', {
		resource: 'studioTemplate',
		operation: 'getAll',
		workspaceId: WORKSPACE_LOCATOR,
		returnAll: true,
	}),
	accountGet: operationWorkflow('e2eOpAccount', { resource: 'account', operation: 'get' }),
};

let standIn: StandIn;
let folder: PreparedFolder;
const suiteTime = timer();

beforeAll(async () => {
	if (!runnable) return;
	standIn = await startStandIn();
	folder = await prepareUserFolder({
		baseUrl: standIn.baseUrl,
		apiKey: standIn.apiKey,
		workflows: [...Object.values(WORKFLOWS), CHAIN],
	});
});

afterAll(async () => {
	await standIn?.close();
	folder?.remove();
	log(`operations suite took ${suiteTime()}`);
});

interface Sent {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	body: unknown;
}

interface Execution {
	run: N8nRun;
	/** What the stand-in received, in order. */
	sent: Sent[];
	/** The json of the items the Ocoya node output. */
	items: Array<Record<string, unknown>>;
}

/** What the stand-in serves for a GET right now, read with the key outside n8n (then forgotten by the next reset). */
async function served(path: string, query: Record<string, string | string[]> = {}): Promise<unknown> {
	const url = new URL(`${standIn.baseUrl}${path}`);
	for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) url.searchParams.append(key, v);
	const response = await request(url, { headers: { 'x-api-key': standIn.apiKey, accept: 'application/json' } });
	const body = await response.body.json();
	if (response.statusCode !== 200) throw new Error(`stand-in GET ${path}: ${response.statusCode} ${JSON.stringify(body)}`);
	return body;
}

/** Resets the stand-in, runs one workflow with `n8n execute`, and returns the run, the requests and the Ocoya node's items. */
async function execute(workflow: Workflow, outputNode = OCOYA): Promise<Execution> {
	standIn.reset();
	const elapsed = timer();
	let result = await folder.cli(['execute', `--id=${workflow.id}`, '--rawOutput'], { allowFailure: true });
	if (result.signal !== null) {
		// Seen twice on n8n 2.41.1 under load: `n8n execute` printed a successful run, then its
		// process ended by a signal (exit code null) while shutting down. That says nothing about
		// the node, so the workflow runs once more from a fresh stand-in; a second signal fails.
		log(`${workflow.name}: n8n execute ended by ${result.signal} after ${elapsed()}; running it once more`);
		standIn.reset();
		result = await folder.cli(['execute', `--id=${workflow.id}`, '--rawOutput'], { allowFailure: true });
	}
	log(`${workflow.name}: n8n execute took ${elapsed()}`);
	const run = parseRawOutput(result.stdout);
	if (result.code !== 0 || run.status !== 'success') {
		throw new Error(
			`${workflow.name} did not succeed (exit ${result.code}, run ${run.status}): ${JSON.stringify(run.data.resultData.error ?? null)}\n${result.stderr.slice(-2000)}`,
		);
	}
	const requests = standIn.requests;
	// Every request the node sent is valid against the contract and was answered with success.
	expect(requests.map((r: RecordedRequest) => ({ call: `${r.method} ${r.url}`, errors: r.validationErrors ?? [], ok: (r.status ?? 0) < 300 }))).toEqual(
		requests.map((r) => ({ call: `${r.method} ${r.url}`, errors: [], ok: true })),
	);
	expect(requests.map((r) => r.headers['x-api-key'])).toEqual(requests.map(() => standIn.apiKey));
	return {
		run,
		sent: requests.map(({ method, path, query, body }) => ({ method, path, query, body })),
		items: nodeOutput(run, outputNode),
	};
}

suite('every Ocoya operation in a real n8n (n8n execute), against the stand-in', () => {
	describe('Post', () => {
		test('Create: POST /post with the caption, media, profiles and the time in UTC; outputs the postGroupId', async () => {
			const { sent, items } = await execute(WORKFLOWS.postCreate);

			expect(sent).toEqual([
				{
					method: 'POST',
					path: '/post',
					query: { workspaceId: WORKSPACE },
					body: {
						caption: 'Spring sale: 20 % off every plan until Sunday 🌷',
						mediaUrls: ['https://example.com/spring.png'],
						socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
						scheduledAt: LATER_UTC,
					},
				},
			]);
			const [created] = standIn.posts(WORKSPACE);
			expect(created).toMatchObject({ status: 'SCHEDULED', scheduledAt: '2031-05-04T08:15:00.000Z' });
			expect(items).toEqual([{ postGroupId: created.id }]);
		});

		test('Create with AI: POST /post/ai with every field; outputs what Ocoya answered', async () => {
			const { sent, items } = await execute(WORKFLOWS.postCreateWithAi);

			expect(sent).toEqual([
				{
					method: 'POST',
					path: '/post/ai',
					query: { workspaceId: WORKSPACE },
					body: {
						prompt: 'Write a launch post for our new analytics dashboard',
						tone: 'professional',
						length: 'medium',
						brandId: 'bk_standin_1',
						hashtagLibraryId: 'hl_standin_1',
						socialProfileIds: ['sp_standin_1'],
						generateImage: true,
						referenceUrls: ['https://example.com/reference.png'],
						referenceDesignIds: ['st_standin_1'],
					},
				},
			]);
			const [draft] = standIn.posts(WORKSPACE);
			expect(draft.status).toBe('DRAFT');
			expect(items).toEqual([expect.objectContaining({ postGroupId: draft.id, status: 'DRAFT' })]);
		});

		test('Get Many, Return All, two statuses: pages from 0 of 50 as a repeated statuses key until a short page; one item per post group', async () => {
			standIn.reset();
			const expected = standIn.posts(WORKSPACE).filter((p) => p.status === 'DRAFT' || p.status === 'SCHEDULED');
			expect(expected.length).toBeGreaterThan(0);
			const pages = Math.floor(expected.length / 50) + 1;

			const { sent, items } = await execute(WORKFLOWS.postGetAll);

			expect(sent).toEqual(
				Array.from({ length: pages }, (_, page) => ({
					method: 'GET',
					path: '/post',
					query: { workspaceId: WORKSPACE, statuses: ['DRAFT', 'SCHEDULED'], page: String(page), perPage: '50' },
					body: undefined,
				})),
			);
			expect(items).toEqual(expected);
		});

		test('Get Many, Limit 7: one page of 7, cut to 7 items', async () => {
			const { sent, items } = await execute(WORKFLOWS.postGetAllLimit);

			expect(sent).toEqual([{ method: 'GET', path: '/post', query: { workspaceId: WORKSPACE, page: '0', perPage: '7' }, body: undefined }]);
			expect(items).toEqual(standIn.posts(WORKSPACE).slice(0, 7));
		});

		test('Get Many, Limit 60: the first 60 post groups of the listing, each once, no page asked for twice', async () => {
			const { sent, items } = await execute(WORKFLOWS.postGetAllBeyondOnePage);

			// Ocoya's page is zero-based with perPage records each, so page p holds records p × perPage … (p + 1) × perPage − 1.
			const offsets = sent.map((r) => Number(r.query.page) * Number(r.query.perPage));
			expect(sent.map((r) => [r.method, r.path, r.query.workspaceId])).toEqual(sent.map(() => ['GET', '/post', WORKSPACE]));
			expect(new Set(offsets).size).toBe(offsets.length);
			expect(items.map((item) => item.id)).toEqual(
				standIn
					.posts(WORKSPACE)
					.slice(0, 60)
					.map((group) => group.id),
			);
		});

		test('Reschedule: PATCH /post/{postId} with the new time in UTC; outputs the postId and the time', async () => {
			const { sent, items } = await execute(WORKFLOWS.postUpdate);

			expect(sent).toEqual([{ method: 'PATCH', path: `/post/${RESCHEDULED_POST}`, query: {}, body: { scheduledAt: LATER_UTC } }]);
			expect(standIn.post(RESCHEDULED_POST)).toMatchObject({ status: 'SCHEDULED', scheduledAt: '2031-05-04T08:15:00.000Z' });
			expect(items).toEqual([{ postId: RESCHEDULED_POST, scheduledAt: LATER_UTC }]);
		});

		test('Delete: DELETE /post/{postId}; outputs deleted: true and the postId', async () => {
			expect(standIn.post(DELETED_POST)).toBeDefined();

			const { sent, items } = await execute(WORKFLOWS.postDelete);

			expect(sent).toEqual([{ method: 'DELETE', path: `/post/${DELETED_POST}`, query: {}, body: undefined }]);
			expect(standIn.post(DELETED_POST)).toBeUndefined();
			expect(items).toEqual([{ deleted: true, postId: DELETED_POST }]);
		});

		test('Create → Reschedule → Delete: the postGroupId from Create is the postId of the other two', async () => {
			const { run, sent } = await execute(CHAIN, 'Delete Post');

			const [created] = nodeOutput(run, 'Create Post');
			const postGroupId = String(created.postGroupId);
			expect(postGroupId).toMatch(/^pg_standin_\d+$/);
			expect(sent).toEqual([
				{
					method: 'POST',
					path: '/post',
					query: { workspaceId: WORKSPACE },
					body: { caption: 'Chained: created, rescheduled, deleted', socialProfileIds: ['sp_standin_1'], scheduledAt: LATER_UTC },
				},
				{ method: 'PATCH', path: `/post/${postGroupId}`, query: {}, body: { scheduledAt: EVEN_LATER_UTC } },
				{ method: 'DELETE', path: `/post/${postGroupId}`, query: {}, body: undefined },
			]);
			expect(nodeOutput(run, 'Reschedule Post')).toEqual([{ postId: postGroupId, scheduledAt: EVEN_LATER_UTC }]);
			expect(nodeOutput(run, 'Delete Post')).toEqual([{ deleted: true, postId: postGroupId }]);
			expect(standIn.post(postGroupId)).toBeUndefined();
			// Created scheduled, rescheduled (still scheduled: no change of status), then removed.
			expect(standIn.postChanges.filter((c) => c.id === postGroupId).map((c) => [c.from, c.to])).toEqual([
				[null, 'SCHEDULED'],
				['SCHEDULED', null],
			]);
		});
	});

	test('Campaign › Create: POST /campaigns with every field given; outputs the 202 reply', async () => {
		const { sent, items } = await execute(WORKFLOWS.campaignCreate);

		expect(sent).toEqual([
			{
				method: 'POST',
				path: '/campaigns',
				query: { workspaceId: WORKSPACE },
				body: {
					prompt: 'Summer launch campaign for our ecommerce analytics dashboard',
					goal: 'launch',
					audience: 'marketing_teams',
					tone: 'friendly',
					count: 6,
					duration: 10,
				},
			},
		]);
		const [campaign] = standIn.createdCampaigns;
		expect(items).toEqual([expect.objectContaining({ campaignId: campaign.campaignId, status: 'GENERATING', queued: true })]);
	});

	test('Workspace › Get Many: GET /workspaces; one item per workspace', async () => {
		const expected = await served('/workspaces');

		const { sent, items } = await execute(WORKFLOWS.workspaceGetAll);

		expect(sent).toEqual([{ method: 'GET', path: '/workspaces', query: {}, body: undefined }]);
		expect(items).toEqual(expected);
		expect(items.length).toBeGreaterThan(1);
	});

	test('Social Profile › Get Many, Limit 1: GET /social-profiles?workspaceId, cut to 1 item', async () => {
		const expected = (await served('/social-profiles', { workspaceId: WORKSPACE })) as unknown[];
		expect(expected.length).toBeGreaterThan(1);

		const { sent, items } = await execute(WORKFLOWS.socialProfileGetAll);

		expect(sent).toEqual([{ method: 'GET', path: '/social-profiles', query: { workspaceId: WORKSPACE }, body: undefined }]);
		expect(items).toEqual(expected.slice(0, 1));
	});

	test('Social Profile › Get Connection URL: GET /social-profiles/connection-url?workspaceId&provider; outputs the reply', async () => {
		const expected = await served('/social-profiles/connection-url', { workspaceId: WORKSPACE, provider: 'instagram' });

		const { sent, items } = await execute(WORKFLOWS.socialProfileGetConnectionUrl);

		expect(sent).toEqual([
			{ method: 'GET', path: '/social-profiles/connection-url', query: { workspaceId: WORKSPACE, provider: 'instagram' }, body: undefined },
		]);
		expect(items).toEqual([expected]);
		expect(items[0]).toMatchObject({ provider: 'instagram', authProvider: 'facebook', authUrl: expect.stringMatching(/^https?:\/\//) });
	});

	test.each([
		['Brand Kit', '/brand-kits', 'brandKitGetAll'],
		['Hashtag Library', '/hashtag-libraries', 'hashtagLibraryGetAll'],
		['Studio Template', '/studio-templates', 'studioTemplateGetAll'],
	])('%s › Get Many: GET %s?workspaceId; one item per entry', async (_resource, path, workflow) => {
		const expected = await served(path, { workspaceId: WORKSPACE });

		const { sent, items } = await execute(WORKFLOWS[workflow]);

		expect(sent).toEqual([{ method: 'GET', path, query: { workspaceId: WORKSPACE }, body: undefined }]);
		expect(items).toEqual(expected);
		expect(items.length).toBeGreaterThan(0);
	});

	test('Account › Get: GET /me; outputs the key owner', async () => {
		const expected = await served('/me');

		const { sent, items } = await execute(WORKFLOWS.accountGet);

		expect(sent).toEqual([{ method: 'GET', path: '/me', query: {}, body: undefined }]);
		expect(items).toEqual([expected]);
	});

	test('no n8n process of this suite tried to reach a non-loopback host', () => {
		expect(outboundRecord(folder.userFolder).processes.length).toBeGreaterThan(Object.keys(WORKFLOWS).length);
		expect(outboundAttempts(folder.userFolder)).toEqual([]);
	});
});
