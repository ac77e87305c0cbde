/**
 * The pieces of `npm start` (dev/local-n8n/) that decide what reaches n8n and what reaches the
 * terminal: the caller's n8n settings passed through, n8n's stack traces kept to the log, the
 * examples it imports (any number, triggers active or not) and the banner that says what to do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { advancePostsCommand, printBanner } from '../dev/local-n8n/banner';
import { pollTimesInWords, readExamples, type Example } from '../dev/local-n8n/examples';
import { N8nTerminalFilter, n8nSettingsFromEnv } from '../dev/local-n8n/session';
import { startStandIn, type StandIn } from '../dev/ocoya-stand-in';

describe('n8nSettingsFromEnv', () => {
	test("passes n8n's documented settings through and keeps the ones npm start owns", () => {
		const { passed, owned } = n8nSettingsFromEnv({
			N8N_CONCURRENCY_PRODUCTION_LIMIT: '20',
			N8N_LOG_LEVEL: 'debug',
			DB_TYPE: 'postgresdb',
			EXECUTIONS_MODE: 'regular',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			GENERIC_TIMEZONE: 'Europe/Berlin',
			WEBHOOK_URL: 'https://hooks.example.com/',
			N8N_VERSION: '1.123.81',
			N8N_PORT: '5679',
			N8N_USER_FOLDER: '/elsewhere',
			N8N_CUSTOM_EXTENSIONS: '/x',
			N8N_RUNNERS_BROKER_PORT: '5679',
			PATH: '/usr/bin',
			NODE_ENV: 'test',
			OCOYA_API_KEY: 'secret',
		});
		expect(passed).toEqual({
			N8N_CONCURRENCY_PRODUCTION_LIMIT: '20',
			N8N_LOG_LEVEL: 'debug',
			DB_TYPE: 'postgresdb',
			EXECUTIONS_MODE: 'regular',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			GENERIC_TIMEZONE: 'Europe/Berlin',
			WEBHOOK_URL: 'https://hooks.example.com/',
		});
		expect(owned.sort()).toEqual(['N8N_CUSTOM_EXTENSIONS', 'N8N_PORT', 'N8N_RUNNERS_BROKER_PORT', 'N8N_USER_FOLDER', 'N8N_VERSION']);
	});
});

describe('N8nTerminalFilter', () => {
	// What n8n 2.41.1 printed for a wrong key's credential test (shortened to 4 of its 10 frames).
	const WRONG_KEY_OUTPUT = [
		'Forbidden - perhaps check your credentials?',
		'Request failed with status code 403',
		'AxiosError: Request failed with status code 403',
		'    at settle (/app/node_modules/axios/dist/node/axios.cjs:2199:12)',
		'    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/dist/node/axios.cjs:4006:11)',
		'    at RoutingNode.makeRequest (/app/node_modules/n8n-core/dist/execution-engine/routing-node.js:787:19)',
		'        at async Promise.allSettled (index 0)',
		'',
		'Editor is now accessible via:',
	];

	test('after n8n is ready: every line, but each stack trace as one pointer to the log', () => {
		const filter = new N8nTerminalFilter('/repo/n8n-app/.data/n8n.log');
		const shown = WRONG_KEY_OUTPUT.map((line) => filter.filter(line, true)).filter((line) => line !== undefined);
		expect(shown).toHaveLength(5);
		expect(shown[3]).toMatch(/^n8n \| \(stack trace omitted: .*n8n\.log\)$/);
		expect(shown.filter((line) => /\bat \S+ \(/.test(line))).toEqual([]);
		expect(shown[4]).toBe('n8n | Editor is now accessible via:');
	});

	test('before n8n is ready: only problems, and never the Python runner notice', () => {
		const filter = new N8nTerminalFilter('n8n.log');
		const lines = [
			'Initializing n8n process',
			'Failed to start Python task runner in internal mode. because its virtual environment is missing',
			'There are deprecations related to your n8n setup.',
			'Error: could not open the database',
		];
		expect(lines.map((line) => filter.filter(line, false))).toEqual([undefined, undefined, undefined, 'n8n | Error: could not open the database']);
	});
});

describe('examples', () => {
	const trigger = (name: string, id: string, active: boolean): object => ({
		id,
		name,
		active,
		nodes: [
			{
				name: 'New Drafts',
				type: 'n8n-nodes-ocoya.ocoyaTrigger',
				parameters: { workspaceId: { __rl: true, mode: 'id', value: 'ws_standin_1' }, statuses: ['DRAFT'], pollTimes: { item: [{ mode: 'everyMinute' }] } },
				credentials: { ocoyaApi: { id: 'ocoya-standin', name: 'Ocoya API (local stand-in)' } },
			},
			{ name: 'Review Item', type: 'n8n-nodes-base.set', parameters: {} },
		],
	});
	const manual = (id: string): object => ({ id, name: `Manual ${id}`, nodes: [{ name: 'Run', type: 'n8n-nodes-base.manualTrigger' }] });
	let dir: string;

	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-start-examples-'));
	});
	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	test('reads any number of examples, an active and an inactive Ocoya Trigger among them, and skips what it cannot use', () => {
		for (let i = 0; i < 12; i += 1) fs.writeFileSync(path.join(dir, `manual-${String(i).padStart(2, '0')}.json`), JSON.stringify(manual(`Manual${i}`)));
		fs.writeFileSync(path.join(dir, 'trigger-inactive.json'), JSON.stringify(trigger('Drafts to review', 'OcoyaTrigInactive', false)));
		fs.writeFileSync(path.join(dir, 'trigger-active.json'), JSON.stringify(trigger('Drafts to review (live)', 'OcoyaTrigActive1', true)));
		fs.writeFileSync(path.join(dir, 'broken.json'), '{ not json');
		fs.writeFileSync(path.join(dir, 'no-id.json'), JSON.stringify({ name: 'no id', nodes: [] }));
		const notes: string[] = [];
		const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => notes.push(String(text)) > 0);
		let examples: Example[];
		try {
			examples = readExamples(dir);
		} finally {
			write.mockRestore();
		}
		expect(examples).toHaveLength(14);
		expect(examples.filter((e) => e.manual)).toHaveLength(12);
		const triggers = examples.filter((e) => e.ocoyaTriggers.length > 0);
		expect(triggers.map((e) => [e.id, e.publish, e.ocoyaTriggers])).toEqual([
			['OcoyaTrigActive1', true, [{ node: 'New Drafts', statuses: ['DRAFT'], polls: 'every minute' }]],
			['OcoyaTrigInactive', false, [{ node: 'New Drafts', statuses: ['DRAFT'], polls: 'every minute' }]],
		]);
		expect(notes.filter((line) => /skipping examples\/(broken|no-id)\.json/.test(line))).toHaveLength(2);
	});

	test('every file in examples/ is read, each with its fixed id (npm start imports them all)', () => {
		const files = fs.readdirSync(path.join(__dirname, '..', 'examples')).filter((f) => f.endsWith('.json'));
		const examples = readExamples();
		expect(new Set(examples.map((e) => e.file))).toEqual(new Set(files));
		expect(new Set(examples.map((e) => e.id)).size).toBe(examples.length);
	});

	test('Poll Times in words', () => {
		expect(pollTimesInWords(undefined)).toBe('every minute');
		expect(pollTimesInWords({ item: [{ mode: 'everyMinute' }] })).toBe('every minute');
		expect(pollTimesInWords({ item: [{ mode: 'everyX', value: 5, unit: 'minutes' }, { mode: 'everyHour' }] })).toBe('every 5 minutes and every hour');
	});
});

describe('the banner', () => {
	let standIn: StandIn;
	beforeAll(async () => {
		standIn = await startStandIn();
	});
	afterAll(async () => await standIn.close());

	function bannerOf(examples: Example[], movePostsEverySeconds: number): string[] {
		const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
		try {
			printBanner({
				url: 'http://127.0.0.1:5678',
				standIn,
				live: false,
				examples,
				owner: { email: 'owner@example.com', password: 'x', state: 'existing' },
				movePostsEverySeconds,
				seconds: 1,
			});
			return write.mock.calls.map(([text]) => String(text).replace(/\n$/, ''));
		} finally {
			write.mockRestore();
		}
	}

	const example = (id: string, extra: Partial<Example>): Example => ({
		file: `${id}.json`,
		id,
		name: id,
		json: {},
		webhooks: [],
		manual: false,
		chat: false,
		modelsWithoutCredential: [],
		ocoyaTriggers: [],
		publish: false,
		imported: true,
		...extra,
	});

	test('names the command that moves posts now, and the timer', () => {
		const lines = bannerOf([], 60);
		expect(advancePostsCommand(standIn)).toBe(`curl -X POST ${standIn.adminUrl}/advance`);
		expect(lines).toContain(`              ${advancePostsCommand(standIn)}`);
		expect(lines.some((line) => line.includes('posts change status every 60 s'))).toBe(true);
		expect(bannerOf([], 0).some((line) => line.includes('posts change status when you ask'))).toBe(true);
	});

	test('says how each Ocoya Trigger example fires: active, or to be published first', () => {
		const trigger = { node: 'New Drafts', statuses: ['DRAFT'], polls: 'every minute' };
		const lines = bannerOf(
			[
				example('Live drafts', { ocoyaTriggers: [trigger], publish: true, active: true }),
				example('Drafts', { ocoyaTriggers: [trigger] }),
				example('Batch A', { manual: true }),
				example('Batch B', { manual: true }),
			],
			60,
		).join('\n');
		expect(lines).toContain('"Live drafts" is active: its "New Drafts" polls every minute for posts in DRAFT.');
		expect(lines).toContain('Publish "Drafts" (it is not active): its "New Drafts" then polls every minute for posts in DRAFT.');
		expect(lines).toContain('Posts move every 60 s, or now with the curl line above;');
		expect(lines).toContain('Open "Batch A" → Execute workflow');
		expect(lines).toContain('Open "Batch B" → Execute workflow');
	});
});
