/**
 * The layout rule for dev tooling (CONTRIBUTING.md › Layout): an entry point only parses its
 * arguments and calls a library, and nothing imports an entry point. Importing one would run its
 * command (start n8n, a server, a bench) as a side effect, and whatever it defines could not be
 * reused without that.
 *
 * An entry point is a file under dev/ with a statement at module level (outside any function or
 * declaration) that reads the command line or ends the process: `process.argv`, `process.exit`,
 * `process.exitCode`, or `require.main === module`. It is detected from the source, so a new one
 * is covered without editing this test; the files below must be among those detected.
 */
import fs from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** The entry points today, each behind an npm script or spawned as a child process. */
const KNOWN_ENTRY_POINTS = [
	'dev/start.ts',
	'dev/start-queue.ts',
	'dev/n8n/cli.ts',
	'dev/ocoya-stand-in/cli.ts',
	'dev/model-stand-in/cli.ts',
	'dev/bench/index.ts',
	'dev/bench/memory-probe.ts',
	'dev/scan-community-package.ts',
];

const RUNS_AS_COMMAND = /\bprocess\.(argv|exit|exitCode)\b|\brequire\.main\s*===\s*module\b/;

function sourceFiles(dir: string): string[] {
	return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
		const relative = path.posix.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
		return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [relative] : [];
	});
}

function parse(file: string): ts.SourceFile {
	return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** Statements that run when the module loads: everything but declarations and imports/exports of names. */
function runsAtModuleLevel(statement: ts.Statement): boolean {
	return ts.isExpressionStatement(statement) || ts.isIfStatement(statement) || ts.isTryStatement(statement) || ts.isForOfStatement(statement);
}

function isEntryPoint(file: string): boolean {
	return parse(file).statements.some((statement) => runsAtModuleLevel(statement) && RUNS_AS_COMMAND.test(statement.getText()));
}

interface ImportSite {
	from: string;
	specifier: string;
	line: number;
	/** `import type` / `export type`: erased at compile time, so the file is never loaded. */
	typeOnly: boolean;
}

/** Every module a file names: import/export declarations, `import()`, `require()`, `jest.mock()` and the like. */
function importsOf(file: string): ImportSite[] {
	const source = parse(file);
	const sites: ImportSite[] = [];
	const add = (literal: ts.StringLiteralLike, typeOnly: boolean): void => {
		sites.push({ from: file, specifier: literal.text, line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1, typeOnly });
	};
	const visit = (node: ts.Node): void => {
		if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
			add(node.moduleSpecifier, node.importClause?.isTypeOnly === true);
		} else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
			add(node.moduleSpecifier, node.isTypeOnly);
		} else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
			const expression = node.moduleReference.expression;
			if (ts.isStringLiteral(expression)) add(expression, node.isTypeOnly);
		} else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
			const callee = node.expression.getText(source);
			if (node.expression.kind === ts.SyntaxKind.ImportKeyword || /^(require|require\.resolve|jest\.(mock|requireActual|doMock))$/.test(callee)) {
				add(node.arguments[0], false);
			}
		} else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
			add(node.argument.literal, true);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return sites;
}

/** The repo file a relative specifier names, as Node and ts-jest resolve it, or undefined. */
function resolve(from: string, specifier: string): string | undefined {
	if (!specifier.startsWith('.')) return undefined;
	const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
	const candidates = [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`];
	return candidates.find((candidate) => fs.existsSync(path.join(ROOT, candidate)) && fs.statSync(path.join(ROOT, candidate)).isFile());
}

const DEV_FILES = sourceFiles('dev');
const ALL_FILES = [...DEV_FILES, ...sourceFiles('test')];
const ENTRY_POINTS = DEV_FILES.filter(isEntryPoint);

describe('dev/ entry points', () => {
	test('are detected from the source: every known one, and the libraries are not', () => {
		expect(ENTRY_POINTS).toEqual(expect.arrayContaining(KNOWN_ENTRY_POINTS));
		// Libraries that load with a side effect of their own are not entry points.
		for (const library of ['dev/local-n8n/session.ts', 'dev/local-n8n/regular.ts', 'dev/local-n8n/queue.ts', 'dev/n8n/app.ts', 'dev/harness/environment.ts']) {
			expect([library, isEntryPoint(library)]).toEqual([library, false]);
		}
	});

	test('every dev file an npm script runs is an entry point', () => {
		const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
		const run = Object.values(scripts).flatMap((command) => [...command.matchAll(/\b(dev\/[\w./-]+\.ts)\b/g)].map((match) => match[1]));
		expect(run.length).toBeGreaterThanOrEqual(5);
		expect(run.filter((file) => !ENTRY_POINTS.includes(file))).toEqual([]);
	});

	test('nothing under dev/ or test/ imports an entry point (a type-only import loads nothing and is allowed)', () => {
		const sites = ALL_FILES.flatMap(importsOf);
		// The scan sees the imports it should: these are known to exist.
		expect(sites.some((site) => site.from === 'dev/start.ts' && resolve(site.from, site.specifier) === 'dev/local-n8n/regular.ts')).toBe(true);
		expect(sites.some((site) => site.from === 'test/npm-start.test.ts' && resolve(site.from, site.specifier) === 'dev/local-n8n/session.ts')).toBe(true);
		// What dev/n8n/cli.ts and dev/start-queue.ts used to import would be caught.
		expect([resolve('dev/n8n/cli.ts', '../start'), resolve('dev/start-queue.ts', './start')]).toEqual(['dev/start.ts', 'dev/start.ts']);

		const offending = sites
			.filter((site) => !site.typeOnly)
			.map((site) => ({ site, target: resolve(site.from, site.specifier) }))
			.filter(({ target }) => target !== undefined && ENTRY_POINTS.includes(target))
			.map(({ site, target }) => `${site.from}:${site.line} imports the entry point ${target}`);
		expect(offending).toEqual([]);
	});

	test('nothing imports a test suite', () => {
		const offending = ALL_FILES.flatMap(importsOf)
			.map((site) => ({ site, target: resolve(site.from, site.specifier) }))
			.filter(({ target }) => target?.endsWith('.test.ts'))
			.map(({ site, target }) => `${site.from}:${site.line} imports ${target}`);
		expect(offending).toEqual([]);
	});
});
