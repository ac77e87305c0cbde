/**
 * The node in n8n's editor, in headless Chromium: log in through the sign-in form, open the
 * lead example, double-click the Ocoya node and check the Campaign › Create fields are shown.
 * Saves docs/editor-ocoya-node.png for the README (reports/ for other N8N_VERSIONs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { DEFAULT_N8N_VERSION, REPO_ROOT, n8nApp, ownerSession, startN8n, type N8nHandle } from '../../dev/n8n/app';
import { startStandIn, type StandIn } from '../../dev/ocoya-stand-in';
import { CHROMIUM_ARGS, ensureChromium } from './chromium';
import { EXAMPLES, log, prepareUserFolder, readExample, timer, type PreparedFolder } from './support';

jest.setTimeout(180_000);

// The README shows the default n8n's editor; runs against another N8N_VERSION keep theirs in reports/.
const n8nVersion = n8nApp().version;
const SCREENSHOT =
	n8nVersion === DEFAULT_N8N_VERSION
		? path.join(REPO_ROOT, 'docs', 'editor-ocoya-node.png')
		: path.join(REPO_ROOT, 'reports', `editor-ocoya-node-n8n-${n8nVersion}.png`);
const OWNER = { email: 'owner@example.com', password: 'Passw0rd-for-tests' };
const CREATE_FIELDS = ['Workspace', 'Prompt', 'Goal', 'Audience', 'Tone', 'Number of Posts', 'Duration (Days)'];

const browserCheck = ensureChromium();
if (!browserCheck.executablePath) {
	console.warn(
		`\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n` +
			`SKIPPING the n8n editor browser test: ${browserCheck.reason}\n` +
			`!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`,
	);
}
const browserTest = browserCheck.executablePath ? test : test.skip;

let standIn: StandIn | undefined;
let folder: PreparedFolder | undefined;
let n8n: N8nHandle | undefined;
let browser: Browser | undefined;
let profileDir: string | undefined;

beforeAll(async () => {
	if (!browserCheck.executablePath) return;
	standIn = await startStandIn();
	folder = await prepareUserFolder({
		baseUrl: standIn.baseUrl,
		apiKey: standIn.apiKey,
		workflows: [readExample(EXAMPLES.lead.file)],
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
});

async function launch(): Promise<Page> {
	profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-e2e-'));
	// launchPersistentContext is Playwright's way to pass a fresh --user-data-dir.
	const context = await chromium.launchPersistentContext(profileDir, {
		executablePath: browserCheck.executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		viewport: { width: 1440, height: 900 },
		timeout: 60_000,
	});
	browser = { close: () => context.close() } as unknown as Browser;
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30_000);
	return page;
}

async function failureScreenshot(page: Page): Promise<void> {
	const file = path.join(os.tmpdir(), `editor-e2e-failure-${Date.now()}.png`);
	await page.screenshot({ path: file }).catch(() => undefined);
	log(`failure screenshot: ${file}`);
}

describe('the Ocoya node in the n8n editor', () => {
	browserTest('shows the Campaign › Create fields when opened from the lead example', async () => {
		const page = await launch();
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
