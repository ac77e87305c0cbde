'use strict';
/**
 * Preloaded (`node --require`) into n8n and every Node process it starts (task runners get it
 * through the `node` shim n8nEnv puts first on PATH, since n8n gives them a fresh environment).
 * Records each connection or DNS lookup to a host other than loopback, one JSON line per
 * attempt, in OCOYA_OUTBOUND_RECORD; the e2e suites assert that file holds no attempt.
 * It only records, never blocks: `npm start` with a live credential must still reach Ocoya.
 * Plain JavaScript, since it runs inside n8n's own Node without tsx.
 */
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');

const RECORD = process.env.OCOYA_OUTBOUND_RECORD;
const LOADED = Symbol.for('ocoya.outboundGuard');

if (RECORD && !globalThis[LOADED]) {
	globalThis[LOADED] = true;
	const write = (entry) => {
		try {
			fs.appendFileSync(RECORD, `${JSON.stringify({ pid: process.pid, script: process.argv[1], node: process.version, at: new Date().toISOString(), ...entry })}\n`);
		} catch {
			// The record is evidence for a test, never a reason to break the process.
		}
	};
	write({ kind: 'loaded' });

	const isLoopback = (host) => {
		if (host === undefined || host === null || host === '') return true; // Node's default is localhost.
		const h = String(host).replace(/^\[|\]$/g, '').toLowerCase();
		return (
			h === 'localhost' ||
			h.endsWith('.localhost') ||
			h === '::1' ||
			h === '0.0.0.0' ||
			h === '::' ||
			/^127\./.test(h) ||
			/^::ffff:127\./.test(h)
		);
	};
	const attempt = (kind, host, port) => {
		if (isLoopback(host)) return;
		write({ kind, host: String(host), port, stack: (new Error().stack || '').split('\n').slice(3, 9).map((l) => l.trim()) });
	};

	// Every TCP/TLS client (http, https, undici, fetch, ws, pg, ioredis…) ends in Socket#connect.
	const connect = net.Socket.prototype.connect;
	net.Socket.prototype.connect = function (...args) {
		let options = args[0];
		if (Array.isArray(options)) options = options[0]; // Node's internal normalized form.
		if (options && typeof options === 'object') {
			if (!options.path) attempt('connect', options.host ?? options.hostname, options.port);
		} else if (typeof options === 'number' || /^\d+$/.test(String(options))) {
			attempt('connect', typeof args[1] === 'string' ? args[1] : undefined, Number(options));
		}
		return connect.apply(this, args);
	};

	for (const target of [dns, dns.promises]) {
		for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveSrv', 'resolveTxt']) {
			const original = target[name];
			if (typeof original !== 'function') continue;
			target[name] = function (hostname, ...rest) {
				attempt(`dns.${name}`, hostname, undefined);
				return original.call(this, hostname, ...rest);
			};
		}
	}
}
