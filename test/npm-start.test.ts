/**
 * The pieces of `npm start` (dev/local-n8n/session.ts) that decide what reaches n8n and what reaches the
 * terminal: the caller's n8n settings passed through, and n8n's stack traces kept to the log.
 */
import { N8nTerminalFilter, n8nSettingsFromEnv } from '../dev/local-n8n/session';

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
