/**
 * Unit and fault suites run the node through n8n-core in-process; e2e suites drive the real n8n app,
 * once per n8n line: project `e2e` on n8n 2.41.1 and `e2e-n8n1` on n8n 1.123.81 (each project sets
 * N8N_VERSION for its suites, whatever the shell says; see test/e2e/n8n-line.ts). `npm test` on a
 * fresh clone needs no other step: test/global-setup.ts builds dist/ when it is missing or stale,
 * and each e2e project's global set-up installs its pinned n8n app (minutes, with progress) before
 * the suites start, outside any hook time limit. One run, so one "N passed, N failed" line.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

/**
 * The n8n lines every real-n8n suite runs on. Not on 1.x: the editor's browser suite (it drives
 * 2.x's UI) and the platform suite (it reads n8n-app/'s lockfile, the 2.x app's, and starts no n8n).
 */
const N8N_LINES = [
	{ project: 'e2e', n8nVersion: '2.41.1', globalSetup: '<rootDir>/test/e2e/global-setup.ts', skip: [] },
	{
		project: 'e2e-n8n1',
		n8nVersion: '1.123.81',
		// A path of its own: jest runs one global set-up per distinct path (see that file).
		globalSetup: '<rootDir>/test/e2e/global-setup-n8n1.ts',
		skip: ['<rootDir>/test/e2e/editor.test.ts', '<rootDir>/test/e2e/n8n-app-platforms.test.ts'],
	},
];

/** @type {import('jest').Config} */
module.exports = {
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
	globalSetup: '<rootDir>/test/global-setup.ts',
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
		},
		...N8N_LINES.map(({ project, n8nVersion, globalSetup, skip }) => ({
			displayName: project,
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testPathIgnorePatterns: ['/node_modules/', ...skip],
			// Read by test/e2e/global-setup.ts (which app to install) and test/e2e/n8n-line.ts (N8N_VERSION).
			globals: { OCOYA_E2E_N8N_VERSION: n8nVersion },
			globalSetup,
			setupFiles: ['<rootDir>/test/e2e/n8n-line.ts'],
		})),
	],
};
