/**
 * The browser for the editor check: Debian's chromium package, never a downloaded browser.
 * In CI (root and CI=true) a missing chromium is installed with apt-get; anywhere else the
 * caller skips its browser test with a loud warning.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.OCOYA_E2E_CHROMIUM || '/usr/bin/chromium';
/**
 * The browser itself behind Debian's /usr/bin/chromium wrapper script, which would add Google API
 * keys, --enable-remote-extensions and its bundled extensions (each a reason to call Google).
 */
const DEBIAN_BROWSER_BINARY = '/usr/lib/chromium/chromium';

function executable(): string {
	return CHROMIUM_PATH === '/usr/bin/chromium' && fs.existsSync(DEBIAN_BROWSER_BINARY) ? DEBIAN_BROWSER_BINARY : CHROMIUM_PATH;
}

/**
 * Flags for a quiet, throwaway headless session (no sandbox: CI containers run as root) that
 * sends nothing but to the n8n under test. Chromium's own services (component updater, Google
 * account list, network time) still create requests despite --disable-background-networking;
 * the host resolver rule stops them inside the browser: every name but loopback resolves to
 * NOTFOUND without a DNS query, so no packet leaves. networkActivity() proves it from the net log.
 */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-default-apps',
	'--disable-domain-reliability',
	'--disable-client-side-phishing-detection',
	'--disable-breakpad',
	'--disable-field-trial-config',
	'--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater,PasswordLeakDetection,NetworkTimeServiceQuerying',
	'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost',
	'--metrics-recording-only',
	'--no-default-browser-check',
	'--no-pings',
	'--no-first-run',
];

/** Flags that make Chromium log every network event (its own and the pages') to `file`. */
export function netLogArgs(file: string): string[] {
	return [`--log-net-log=${file}`, '--net-log-capture-mode=Default'];
}

export interface NetworkActivity {
	/** Non-loopback destinations something was sent to: TCP connects, UDP datagrams, DNS queries. */
	sent: string[];
	/** Hosts of requests Chromium created but that went nowhere (name not resolved inside the browser). */
	stoppedInBrowser: string[];
}

const LOOPBACK_ADDRESS = /^(\[::1\]|127\.\d+\.\d+\.\d+|localhost)(:\d+)?$/;

/**
 * Reads a Chromium net log (after the browser closed, when it is complete). A UDP connect with
 * no datagram sent (Chromium's IPv6 reachability probe toward 2001:4860:4860::8888) is a route
 * lookup, not traffic, so it does not count.
 */
export function networkActivity(netLogFile: string): NetworkActivity {
	let text = fs.readFileSync(netLogFile, 'utf8').trimEnd();
	// A browser that was killed leaves the event list open.
	if (!text.endsWith('}')) text = `${text.replace(/,$/, '')}]}`;
	const log = JSON.parse(text) as { constants: { logEventTypes: Record<string, number> }; events: Array<{ type: number; params?: Record<string, unknown> }> };
	const names = new Map(Object.entries(log.constants.logEventTypes).map(([name, id]) => [id, name]));
	const sent = new Set<string>();
	const stopped = new Set<string>();
	for (const event of log.events) {
		const name = names.get(event.type);
		const params = event.params ?? {};
		if ((name === 'TCP_CONNECT_ATTEMPT' || name === 'UDP_BYTES_SENT') && typeof params.address === 'string') {
			if (!LOOPBACK_ADDRESS.test(params.address)) sent.add(params.address);
		} else if (name === 'DNS_TRANSACTION' && typeof params.hostname === 'string') {
			if (params.hostname !== 'localhost') sent.add(`DNS query for ${params.hostname}`);
		} else if (name === 'REQUEST_ALIVE' && typeof params.url === 'string') {
			const host = /^[a-z]+:\/\/([^/:?#]+)/i.exec(params.url)?.[1];
			if (host && !LOOPBACK_ADDRESS.test(host)) stopped.add(host);
		}
	}
	return { sent: [...sent].sort(), stoppedInBrowser: [...stopped].sort() };
}

export interface ChromiumCheck {
	/** The executable, or undefined when there is none and it could not be installed here. */
	executablePath?: string;
	/** Why there is no browser, for the skip warning. */
	reason?: string;
}

export function ensureChromium(): ChromiumCheck {
	if (fs.existsSync(CHROMIUM_PATH)) return { executablePath: executable() };
	const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!isRoot || process.env.CI !== 'true') {
		return {
			reason:
				`${CHROMIUM_PATH} is missing. Install Debian's chromium (apt-get install -y chromium), ` +
				'or run the suite as root with CI=true to have it installed automatically.',
		};
	}
	process.stderr.write('[e2e] chromium missing: apt-get update && apt-get install -y chromium (CI=true, root)\n');
	const install = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
		encoding: 'utf8',
		timeout: 10 * 60_000,
		maxBuffer: 64 * 1024 * 1024,
	});
	if (install.status !== 0 || !fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`installing chromium failed (${install.status ?? install.signal}):\n${(install.stdout + install.stderr).slice(-3000)}`,
		);
	}
	return { executablePath: executable() };
}
