/**
 * The browser for the editor check: Debian's chromium package, never a downloaded browser.
 * In CI (root and CI=true) a missing chromium is installed with apt-get; anywhere else the
 * caller skips its browser test with a loud warning.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.OCOYA_E2E_CHROMIUM || '/usr/bin/chromium';

/**
 * Flags for a quiet, throwaway headless session (no sandbox: CI containers run as root) that
 * talks to nothing but the n8n under test: no background requests (component and safe-browsing
 * updates, variations, sync, domain reliability, translate, optimization hints, field trials).
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
	'--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,DialMediaRouteProvider',
	'--metrics-recording-only',
	'--no-default-browser-check',
	'--no-pings',
	'--no-first-run',
];

/** Flags that make Chromium log every network event it makes (its own and the pages') to `file`. */
export function netLogArgs(file: string): string[] {
	return [`--log-net-log=${file}`, '--net-log-capture-mode=Default'];
}

/**
 * Every host Chromium's net log names (URLs of requests, DNS resolutions, socket
 * connections) that is not loopback. Read after the browser has closed (the log is complete then).
 */
export function nonLoopbackHosts(netLogFile: string): string[] {
	const text = fs.readFileSync(netLogFile, 'utf8');
	const hosts = new Set<string>();
	for (const match of text.matchAll(/"(?:url|host|original_url|address|remote_address|source_address)":"([^"]+)"/g)) {
		const value = match[1];
		let host = value;
		const url = /^[a-z][\w+.-]*:\/\/([^/?#]+)/i.exec(value);
		if (url) host = url[1];
		else if (/^[a-z-]+:/i.test(value)) continue; // data:, blob:, chrome:, about: …
		host = host.replace(/^.*@/, '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
		if (host === '' || host === 'localhost' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0') continue;
		hosts.add(host);
	}
	return [...hosts].sort();
}

export interface ChromiumCheck {
	/** The executable, or undefined when there is none and it could not be installed here. */
	executablePath?: string;
	/** Why there is no browser, for the skip warning. */
	reason?: string;
}

export function ensureChromium(): ChromiumCheck {
	if (fs.existsSync(CHROMIUM_PATH)) return { executablePath: CHROMIUM_PATH };
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
	return { executablePath: CHROMIUM_PATH };
}
