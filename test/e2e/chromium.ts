/**
 * The browser for the editor check: Debian's chromium package, never a downloaded browser.
 * In CI (root and CI=true) a missing chromium is installed with apt-get; anywhere else the
 * caller skips its browser test with a loud warning.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CHROMIUM_PATH = process.env.OCOYA_E2E_CHROMIUM || '/usr/bin/chromium';

/** Flags for a quiet, throwaway headless session (no sandbox: CI containers run as root). */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

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
