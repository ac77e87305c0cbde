// ESLint flat config for n8n-nodes-ocoya.
//
// Lints exactly what ships: nodes/**/*.ts, credentials/**/*.ts and package.json (plus any JSON
// under nodes/ or credentials/, as n8n's scanner does), with
//   - eslint-plugin-n8n-nodes-base (legacy-config plugin): the rules of its `community`
//     (package.json), `credentials` and `nodes` configs, as the n8n-nodes-starter applies them;
//   - @n8n/eslint-plugin-community-nodes: its flat `recommended` config (the n8n Cloud rule set).
// The per-ruleset "off" overrides below are the same ones n8n's own community-package scanner
// (@n8n/scan-community-package, buildScanConfig) applies, so `npm run lint` and the scan agree.
//
// test/ and dev/ are deliberately NOT linted: they are dev-only code (they may use
// process, timers, fs, devDependencies) and are type-checked by tsc (tsconfig.test.json) instead.
// n8n-app/ is the local n8n instance used by the e2e suite.
import { defineConfig, globalIgnores } from 'eslint/config';
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const SHIPPED_TS = ['nodes/**/*.ts', 'credentials/**/*.ts'];
const PACKAGE_JSON = ['package.json'];
// JSON under nodes/ and credentials/ (e.g. codex files) ships too, and n8n's scanner lints it.
const SHIPPED_JSON = ['nodes/**/*.json', 'credentials/**/*.json'];

export default defineConfig(
	globalIgnores([
		'dist/',
		'node_modules/',
		'n8n-app/',
		'.n8n-app/',
		'test/',
		'dev/',
		'coverage/',
		'reports/',
		'.tmp/',
		// Root tooling files (jest.config.js, gulpfile.js, this file) are not part of the package.
		'*.js',
		'*.cjs',
		'*.mjs',
	]),

	// Parsers. package.json is parsed by @typescript-eslint/parser too (a .json file yields a
	// top-level ObjectExpression), which is what both plugins' package.json rules walk — so no
	// jsonc-eslint-parser is needed.
	{
		files: [...SHIPPED_TS, ...PACKAGE_JSON, ...SHIPPED_JSON],
		languageOptions: {
			parser: tsParser,
			parserOptions: { ecmaVersion: 'latest', sourceType: 'module' },
		},
		linterOptions: { reportUnusedDisableDirectives: 'error' },
	},

	// @n8n/eslint-plugin-community-nodes, recommended (flat) config.
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		files: [...SHIPPED_TS, ...PACKAGE_JSON, ...SHIPPED_JSON],
	},

	// eslint-plugin-n8n-nodes-base: register once under its legacy name, then apply each ruleset.
	{
		files: [...SHIPPED_TS, ...PACKAGE_JSON],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		files: PACKAGE_JSON,
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Not valid for community nodes (same as the n8n scanner).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Superseded by @n8n/community-nodes/credential-password-field (same as the n8n scanner).
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// inputs/outputs use the NodeConnectionTypes enum, not the string "main" (same as the n8n scanner).
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// A documented API maximum is a legitimate maxValue (same as the n8n scanner).
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},

	// Project rules, stricter than n8n's: runtime code may import only n8n-workflow and relative
	// paths. (@n8n/community-nodes/no-restricted-imports exempts every devDependency, and this
	// package has devDependencies such as n8n-core and undici that are NOT installed at runtime.)
	{
		files: SHIPPED_TS,
		rules: {
			'no-console': 'error',
			// require() and import() bypass no-restricted-imports; the compiled output uses require,
			// the sources must not.
			'no-restricted-syntax': [
				'error',
				{
					selector: "CallExpression[callee.type='Identifier'][callee.name='require']",
					message: 'Use a static `import` (of n8n-workflow or a relative path), not require().',
				},
				{
					selector: 'ImportExpression',
					message: 'Dynamic import() is not allowed in runtime code.',
				},
			],
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '^(?!n8n-workflow$|\\.{1,2}/)',
							message:
								'Runtime code may import only n8n-workflow and relative paths (no runtime dependencies, no Node built-ins).',
						},
					],
				},
			],
		},
	},
);
