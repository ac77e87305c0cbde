/**
 * Unit and fault suites run the node through n8n-core in-process; e2e suites drive the real n8n app.
 * `npm test` on a fresh clone needs no other step: test/global-setup.ts builds dist/ when it is
 * missing or stale, and the e2e project's global set-up installs the pinned n8n app (minutes,
 * with progress) before its suites start, outside any hook time limit.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

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
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
		},
	],
};
