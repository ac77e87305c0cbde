/**
 * The node in n8n's editor, in headless Chromium: log in through the sign-in form, open the
 * lead example, double-click the Ocoya node and check the Campaign › Create fields are shown.
 * Saves docs/editor-ocoya-node.png for the README (reports/ for other N8N_VERSIONs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { DEFAULT_N8N_VERSION, REPO_ROOT, n8nApp, outboundRecord, ownerSession, startN8n, type N8nHandle } from '../../dev/n8n/app';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import { CHROMIUM_ARGS, ensureChromium, netLogArgs, networkActivity } from './chromium';
import {
	EXAMPLES,
	log,
	n8nRequirement,
	outboundAttempts,
	prepareUserFolder,
	readExample,
	requirementsMet,
	timer,
	type PreparedFolder,
	type Workflow,
} from './support';

jest.setTimeout(180_000);

// The README shows the default n8n's editor; runs against another N8N_VERSION keep theirs in reports/.
const n8nVersion = n8nApp().version;
const SCREENSHOT =
	n8nVersion === DEFAULT_N8N_VERSION
		? path.join(REPO_ROOT, 'docs', 'editor-ocoya-node.png')
		: path.join(REPO_ROOT, 'reports', `editor-ocoya-node-n8n-${n8nVersion}.png`);
const OWNER = { email: 'owner@example.com', password: 'Passw0rd-for-tests' };
// The labels as n8n 2.41.1 shows them, which the README's parameter table uses.
const CREATE_FIELDS = [
	'Workspace',
	'Prompt',
	'Goal',
	'Audience',
	'Tone',
	'Post Length',
	'Number of Posts',
	'Duration (Days)',
	'Brand Kit Name or ID',
	'Hashtag Library Name or ID',
	'Social Profile Names or IDs',
	'Generate Images',
];

const browserCheck = ensureChromium();
const runnable = requirementsMet(__filename, n8nRequirement(), { what: 'Chromium', missing: browserCheck.reason });
const browserTest = runnable ? test : test.skip;

/** The lead example without a workspace: what a user sees right after adding the node. */
const NO_WORKSPACE_ID = 'OcoyaLeadNoWksp';
function withoutWorkspace(): Workflow {
	const copy = readExample(EXAMPLES.lead.file);
	copy.id = NO_WORKSPACE_ID;
	copy.name = 'Lead example without a workspace';
	for (const node of copy.nodes) {
		if (node.name === EXAMPLES.lead.ocoya) node.parameters.workspaceId = { __rl: true, mode: 'list', value: '' };
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = 'ocoya-lead-no-workspace';
			node.webhookId = '00000000-0000-4000-8000-0000000000e1';
		}
	}
	return copy;
}

let standIn: StandIn | undefined;
let folder: PreparedFolder | undefined;
let n8n: N8nHandle | undefined;
let browser: Browser | undefined;
let profileDir: string | undefined;
let page: Page | undefined;
const netLog = path.join(os.tmpdir(), `chromium-netlog-${process.pid}-${Date.now()}.json`);
/** Every URL the pages requested (documents, scripts, XHR, fonts, images…). */
const pageRequests: string[] = [];

beforeAll(async () => {
	if (!runnable) return;
	standIn = await startStandIn();
	folder = await prepareUserFolder({
		baseUrl: standIn.baseUrl,
		apiKey: standIn.apiKey,
		workflows: [readExample(EXAMPLES.lead.file), withoutWorkspace()],
	});
	const elapsed = timer();
	n8n = await startN8n({ userFolder: folder.userFolder, timeoutMs: 120_000 });
	// Creates the owner account; the browser then signs in through the form like a person would.
	await ownerSession(n8n.url, OWNER);
	log(`n8n started at ${n8n.url} in ${elapsed()}`);
});

afterAll(async () => {
	await browser?.close().catch(() => undefined);
	await n8n?.stop();
	await standIn?.close();
	folder?.remove();
	if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
	fs.rmSync(netLog, { force: true });
});

async function launch(): Promise<Page> {
	profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'));
	// launchPersistentContext is Playwright's way to pass a fresh --user-data-dir.
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath: browserCheck.executablePath,
		headless: true,
		args: [...CHROMIUM_ARGS, ...netLogArgs(netLog)],
		viewport: { width: 1440, height: 900 },
		timeout: 60_000,
	});
	browser = { close: () => context.close() } as unknown as Browser;
	context.on('request', (request) => pageRequests.push(request.url()));
	const opened = context.pages()[0] ?? (await context.newPage());
	opened.setDefaultTimeout(30_000);
	return opened;
}

async function failureScreenshot(page: Page): Promise<void> {
	const file = path.join(os.tmpdir(), `editor-e2e-failure-${Date.now()}.png`);
	await page.screenshot({ path: file }).catch(() => undefined);
	log(`failure screenshot: ${file}`);
}

describe('the Ocoya node in the n8n editor', () => {
	browserTest('shows the Campaign › Create fields when opened from the lead example', async () => {
		page = await launch();
		try {
			await page.goto(`${n8n!.url}/signin`);
			await page.locator('input[type="email"], input[name="emailOrLdapLoginId"]').first().fill(OWNER.email);
			await page.locator('input[type="password"]').first().fill(OWNER.password);
			await page.getByRole('button', { name: /sign in/i }).click();
			await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

			await page.goto(`${n8n!.url}/workflow/${EXAMPLES.lead.id}`);
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${EXAMPLES.lead.ocoya}"]`);
			await node.waitFor();
			await node.dblclick();

			const ndv = page.locator('[data-test-id="ndv"]');
			await ndv.waitFor();
			const parameters = ndv.locator('[data-test-id="node-parameters"]');
			await parameters.waitFor();
			for (const label of ['Resource', 'Operation', ...CREATE_FIELDS]) {
				await expectVisible(parameters.getByText(label, { exact: true }).first(), label);
			}
			// The example's values are loaded into the fields, not just the labels.
			const values = await waitForInputValues(ndv, ['Ocoya API (local stand-in)', 'ws_standin_1', '6', '14']);
			expect(values).toEqual(expect.arrayContaining(['Ocoya API (local stand-in)', 'ws_standin_1', '6', '14']));

			fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
			await page.screenshot({ path: SCREENSHOT });
			log(`screenshot saved: ${path.relative(REPO_ROOT, SCREENSHOT)}`);
		} catch (error) {
			await failureScreenshot(page);
			throw error;
		}
	});

	browserTest('before a workspace is chosen, the Brand Kit dropdown says what to do, and n8n logs no error', async () => {
		if (!page) throw new Error('the previous test did not open the browser');
		standIn!.reset();
		const outputBefore = n8n!.output().length;
		try {
			await page.goto(`${n8n!.url}/workflow/${NO_WORKSPACE_ID}`);
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${EXAMPLES.lead.ocoya}"]`);
			await node.waitFor();
			await node.dblclick();
			const parameters = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
			await parameters.waitFor();
			await parameters.locator('[data-test-id="parameter-input-brandId"]').click();
			const hint = page.getByText('Choose a Workspace Above First to Load Brand Kits', { exact: true });
			await expectVisible(hint.first(), 'the "choose a workspace" entry in the Brand Kit dropdown');
			expect(await page.getByText(/Error fetching options/i).count()).toBe(0);
			// The form loaded the dependent lists without a workspace: nothing went to Ocoya for them (the editor
			// may still refresh the previous workflow's lists for ws_standin_1 while leaving it), nothing was logged.
			expect(standIn!.requests.filter((r) => r.query.workspaceId !== 'ws_standin_1').map((r) => r.url)).toEqual([]);
			expect(n8n!.output().slice(outputBefore)).not.toMatch(/error|workspace first/i);
		} catch (error) {
			await failureScreenshot(page);
			throw error;
		}
	});

	browserTest('neither Chromium nor n8n contacted any host but 127.0.0.1', async () => {
		await browser?.close();
		browser = undefined;
		const offLoopback = pageRequests.filter((url) => !/^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(url) && !/^(data|blob):/.test(url));
		expect(pageRequests.length).toBeGreaterThan(10);
		expect(offLoopback).toEqual([]);
		const network = networkActivity(netLog);
		// Nothing left the machine: no connect, datagram or DNS query to anything but loopback.
		expect(network.sent).toEqual([]);
		// What Chromium's own services tried and the resolver rule stopped: Google's, never the editor's.
		log(`Chromium's own requests stopped inside the browser: ${network.stoppedInBrowser.join(', ') || 'none'}`);
		expect(network.stoppedInBrowser.filter((host) => !/(^|\.)(google\.com|googleapis\.com|gstatic\.com)$/.test(host))).toEqual([]);
		expect(outboundRecord(folder!.userFolder).processes.length).toBeGreaterThanOrEqual(3);
		expect(outboundAttempts(folder!.userFolder)).toEqual([]);
	});
});

async function expectVisible(locator: ReturnType<Page['locator']>, what: string): Promise<void> {
	try {
		await locator.waitFor({ state: 'visible', timeout: 15_000 });
	} catch {
		throw new Error(`"${what}" is not shown in the Ocoya node's parameter panel`);
	}
}

/** The values of the inputs in the panel once all wanted ones are there (Vue sets them after render). */
async function waitForInputValues(scope: ReturnType<Page['locator']>, wanted: string[]): Promise<string[]> {
	const deadline = Date.now() + 15_000;
	for (;;) {
		const values = await scope.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
		if (wanted.every((value) => values.includes(value)) || Date.now() > deadline) return values;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}
