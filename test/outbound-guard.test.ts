/**
 * The outbound guard the e2e suites preload into every n8n process (dev/n8n/outbound-guard.js):
 * proof that it records what it must (DNS lookups, TCP/TLS connects, fetch) and nothing for
 * loopback, so an empty record after the e2e suites means something.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { outboundRecord } from '../dev/n8n/app';

const GUARD = path.join(__dirname, '..', 'dev', 'n8n', 'outbound-guard.js');

function runGuarded(script: string): ReturnType<typeof outboundRecord> {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'outbound-guard-'));
	try {
		const result = spawnSync(process.execPath, ['--require', GUARD, '-e', script], {
			env: { ...process.env, OCOYA_OUTBOUND_RECORD: path.join(folder, 'outbound-attempts.jsonl') },
			encoding: 'utf8',
			timeout: 20_000,
		});
		if (result.status !== 0) throw new Error(`guarded script failed: ${result.stderr}`);
		return outboundRecord(folder);
	} finally {
		fs.rmSync(folder, { recursive: true, force: true });
	}
}

describe('outbound guard', () => {
	test('records a DNS lookup, a raw TCP connect, an https request and a fetch to non-loopback hosts', () => {
		const { processes, attempts } = runGuarded(`
			const done = () => {};
			require('node:dns').lookup('api.n8n.invalid', done);
			require('node:net').connect(443, '192.0.2.1').on('error', done).destroy();
			require('node:https').get('https://license.n8n.invalid/v1').on('error', done).destroy();
			fetch('http://telemetry.n8n.invalid/').catch(done);
			setTimeout(() => process.exit(0), 300);
		`);
		expect(processes).toHaveLength(1);
		const seen = attempts.map((a) => `${a.kind} ${a.host}`);
		expect(seen).toEqual(
			expect.arrayContaining([
				'dns.lookup api.n8n.invalid',
				'connect 192.0.2.1',
				'connect license.n8n.invalid',
				'connect telemetry.n8n.invalid',
			]),
		);
		expect(attempts.find((a) => a.host === '192.0.2.1')?.port).toBe(443);
	});

	test('records nothing for loopback (127.0.0.1, localhost, ::1) or a unix socket', () => {
		const { processes, attempts } = runGuarded(`
			const net = require('node:net');
			const done = () => {};
			const server = net.createServer((s) => s.destroy()).listen(0, '127.0.0.1', () => {
				const { port } = server.address();
				net.connect(port, '127.0.0.1').on('error', done).destroy();
				net.connect({ port, host: 'localhost' }).on('error', done).destroy();
				net.connect({ port, host: '::1' }).on('error', done).destroy();
				net.connect({ path: '/tmp/no-such-socket' }).on('error', done);
				require('node:dns').lookup('localhost', done);
				fetch('http://127.0.0.1:' + port + '/').catch(done);
			});
			setTimeout(() => process.exit(0), 500);
		`);
		expect(processes).toHaveLength(1);
		expect(attempts).toEqual([]);
	});
});
