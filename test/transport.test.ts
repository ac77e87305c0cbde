/**
 * The transport through n8n-core's real engine and request helper, against the stand-in or a
 * server of the test's own: what counts as not sent (TLS failures), which 5xx may have created,
 * cancellation during the connect-retry pause, Base URL redaction, and the request flags the
 * operations use (idempotent retries, empty replies, attempts, repeated query keys).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NodeApiError, NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeType } from 'n8n-workflow';

import { executeNode } from '../dev/harness';
import { useMemoryDeduplicationStore } from '../dev/harness/deduplication-store';
import { freePort } from '../dev/n8n/app';
import { attemptsOf, OcoyaClient, requestOutcome, type OcoyaRequest } from '../nodes/Ocoya/transport';
import {
	createParameters,
	credentialsFor,
	currentCredentialId,
	everythingVisible,
	items,
	ocoyaCredential,
	runCreate,
	useStandIn,
	type Target,
} from './support/ocoya';

jest.setTimeout(30_000);

const standIn = useStandIn();
const MAY_EXIST = /The campaign may have been created; check Ocoya before retrying/;

/* ------------------------------------------------------------------------------------ */
/* An HTTPS server with a self-signed certificate                                        */
/* ------------------------------------------------------------------------------------ */

let certDir: string;
let tls: { key: Buffer; cert: Buffer };
beforeAll(() => {
	certDir = mkdtempSync(join(tmpdir(), 'ocoya-tls-'));
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
		'-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
	], { stdio: 'ignore' });
	tls = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

async function withSelfSignedServer<T>(use: (baseUrl: string, requestsSeen: () => number) => Promise<T>): Promise<T> {
	let seen = 0;
	const server: Server = createServer(tls, (_req, res) => {
		seen++;
		res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"campaignId":"cmp_tls"}');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	try {
		return await use(`https://127.0.0.1:${port}/api/_public/v1`, () => seen);
	} finally {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
}

describe('what was not sent (issue 15, finding 2)', () => {
	it('a self-signed certificate: 0 requests reach the server, the error says nothing was sent, the outcome is notSent', async () => {
		await withSelfSignedServer(async (baseUrl, requestsSeen) => {
			const result = await runCreate({ baseUrl, apiKey: standIn.apiKey }, createParameters());
			expect(requestsSeen()).toBe(0);
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(/^Could not open a secure connection to Ocoya at https:\/\/127\.0\.0\.1:\d+\/api\/_public\/v1$/);
			expect(result.error?.description).toMatch(/^Nothing was sent.*\(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
			expect(result.error?.description).not.toMatch(MAY_EXIST);
			expect(requestOutcome(result.error)).toBe('notSent');
			expect(attemptsOf(result.error)).toBe(0);
		});
	});

	it('with a Deduplication Key, a TLS failure releases the key: the next delivery is sent again, not a duplicate', async () => {
		await useMemoryDeduplicationStore();
		await withSelfSignedServer(async (baseUrl) => {
			const target = { baseUrl, apiKey: standIn.apiKey };
			const keyed = createParameters({ options: { deduplicationKey: '={{ $json.dealId }}' } });
			const first = await runCreate(target, keyed, { inputItems: items({ dealId: 'tls-1' }) });
			expect(first.error?.description).toMatch(/was released/);
			const second = await runCreate(target, keyed, { inputItems: items({ dealId: 'tls-1' }) });
			expect(second.items).toHaveLength(0);
			expect(second.error?.message).toMatch(/secure connection/);
		});
	});

	it('a Timeout beyond 600,000 ms is refused before sending (Node would read 3,000,000,000 as 1 ms)', async () => {
		const result = await runCreate(standIn, createParameters({ options: { timeout: 3_000_000_000 } }));
		expect(result.error?.message).toMatch(/^Invalid Timeout \(Ms\) \(options\.timeout\): 3000000000 must be a whole number from 1000 to 600000/);
		expect(standIn.requests).toHaveLength(0);
	});

	it('cancelled during the 1 s pause before the connect retry: notSent, and a Deduplication Key is released', async () => {
		await useMemoryDeduplicationStore();
		const port = await freePort();
		const target = { baseUrl: `http://127.0.0.1:${port}/api/_public/v1`, apiKey: standIn.apiKey };
		const controller = new AbortController();
		const outcomes: string[] = [];
		const client = clientRun(target, async (run) => {
			try {
				await run({ method: 'POST', path: '/campaigns', qs: { workspaceId: 'ws_standin_1' }, body: { prompt: 'abc' } });
			} catch (error) {
				outcomes.push(requestOutcome(error), String(attemptsOf(error)));
			}
		}, controller.signal);
		setTimeout(() => controller.abort(), 400);
		const started = Date.now();
		await client;
		expect(Date.now() - started).toBeLessThan(900);
		expect(outcomes).toEqual(['notSent', '0']);
	});
});

describe('every 5xx on a create may have created (issue 15, finding 4)', () => {
	it.each([500, 501, 505, 507, 520, 521, 522, 523, 524, 599])('HTTP %i: the may-have-been-created warning, outcome unknown', async (status) => {
		standIn.failNext({ status, body: '<html>origin error</html>' });
		const result = await runCreate(standIn, createParameters());
		expect(result.error?.message).toMatch(new RegExp(`^Ocoya returned HTTP ${status}`));
		expect(result.error?.description).toMatch(MAY_EXIST);
		expect(result.error?.description).not.toMatch(/Try again in a moment/);
		expect(requestOutcome(result.error)).toBe('unknown');
		expect(standIn.campaignRequests()).toHaveLength(1);
	});
});

describe('Base URL redaction (issue 15, finding 7)', () => {
	it('a password containing @ is not shown in "Could not connect to Ocoya at …"', async () => {
		const port = await freePort();
		const baseUrl = `http://user:s3cr@t!pw@localhost:${port}/api/_public/v1`;
		const result = await runCreate({ baseUrl, apiKey: standIn.apiKey }, createParameters());
		expect(result.error?.message).toBe(`Could not connect to Ocoya at http://localhost:${port}/api/_public/v1`);
		const visible = everythingVisible(result);
		for (const secret of ['s3cr', 't!pw', 'user:']) expect(visible).not.toContain(secret);
	});
});

/* ------------------------------------------------------------------------------------ */
/* The request flags, through a node of the test's own                                   */
/* ------------------------------------------------------------------------------------ */

type Run = (request: Partial<OcoyaRequest> & Pick<OcoyaRequest, 'method' | 'path'>) => Promise<unknown>;

/** Runs `body` inside a node's `execute`, with an OcoyaClient for `target`, through n8n-core's engine. */
async function clientRun(target: Target, body: (run: Run) => Promise<void>, abortSignal?: AbortSignal): Promise<void> {
	let failure: unknown;
	const nodeType: INodeType = {
		description: {
			displayName: 'Transport Probe',
			name: 'transportProbe',
			group: ['transform'],
			version: 1,
			description: 'Runs OcoyaClient requests for the transport tests',
			defaults: { name: 'Transport Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'ocoyaApi', required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			try {
				const client = await OcoyaClient.create(this);
				await body(async (request) =>
					await client.request({ createsResource: false, timeoutMs: 5000, maxRateLimitWaitMs: 30_000, ...request }),
				);
			} catch (error) {
				failure = error;
			}
			return [[{ json: {} }]];
		},
	};
	await executeNode({
		nodeType,
		credentialTypes: [ocoyaCredential],
		credentials: credentialsFor(target),
		credentialId: currentCredentialId(),
		parameters: {},
		abortSignal,
	});
	if (failure !== undefined) throw failure;
}

describe('request flags', () => {
	it('idempotent: a 502, then a 503, then success: retried twice, 1 s then 2 s apart', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 502 });
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 503 });
		let reply: unknown;
		await clientRun(standIn, async (run) => {
			reply = await run({ method: 'GET', path: '/workspaces', idempotent: true });
		});
		const [first, second, third] = standIn.requestsTo('GET', '/workspaces');
		expect(standIn.requestsTo('GET', '/workspaces').map((request) => request.status)).toEqual([502, 503, 200]);
		expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
		expect(third.receivedAt - second.receivedAt).toBeGreaterThanOrEqual(1950);
		expect(Array.isArray(reply)).toBe(true);
	});

	it('idempotent: at most 2 retries; the error tells it was sent 3 times', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 504, times: 'forever' });
		let error: unknown;
		await clientRun(standIn, async (run) => {
			try {
				await run({ method: 'GET', path: '/workspaces', idempotent: true });
			} catch (caught) {
				error = caught;
			}
		});
		expect(standIn.requestsTo('GET', '/workspaces')).toHaveLength(3);
		expect(attemptsOf(error)).toBe(3);
		expect(requestOutcome(error)).toBe('unknown');
	});

	it('idempotent: a connection reset and a timeout are retried; a create never is', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, reset: 'after-body' });
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, delayMs: 1500 });
		await clientRun(standIn, async (run) => {
			await run({ method: 'GET', path: '/workspaces', idempotent: true, timeoutMs: 1000 });
		});
		expect(standIn.requestsTo('GET', '/workspaces')).toHaveLength(3);

		standIn.failNext({ status: 503 });
		const created = await runCreate(standIn, createParameters());
		expect(created.error?.description).toMatch(MAY_EXIST);
		expect(standIn.campaignRequests()).toHaveLength(1);
	});

	it('not idempotent: a 503 on a read is not retried; a 4xx never is', async () => {
		standIn.failNext({ match: { method: 'GET', path: '/workspaces' }, status: 503 });
		standIn.failNext({ match: { method: 'GET', path: '/me' }, status: 404 });
		const errors: unknown[] = [];
		await clientRun(standIn, async (run) => {
			for (const request of [{ path: '/workspaces' }, { path: '/me', idempotent: true }]) {
				try {
					await run({ method: 'GET', ...request });
				} catch (caught) {
					errors.push(caught);
				}
			}
		});
		expect(standIn.requests.map((request) => `${request.path} ${request.status}`)).toEqual(['/workspaces 503', '/me 404']);
		expect(errors.map(attemptsOf)).toEqual([1, 1]);
		expect(requestOutcome(errors[1])).toBe('rejected');
	});

	it('emptyReplyAllowed: a 2xx with no body resolves to undefined; without it, an unreadable reply', async () => {
		for (const rawBody of ['', '', '   ']) standIn.failNext({ match: { method: 'GET', path: '/me' }, status: 200, rawBody });
		const replies: unknown[] = [];
		let unreadable: unknown;
		await clientRun(standIn, async (run) => {
			replies.push(await run({ method: 'GET', path: '/me', emptyReplyAllowed: true }));
			try {
				await run({ method: 'GET', path: '/me' });
			} catch (caught) {
				unreadable = caught;
			}
			replies.push(await run({ method: 'GET', path: '/me', emptyReplyAllowed: true }));
		});
		expect(replies).toEqual([undefined, undefined]);
		expect((unreadable as Error).message).toMatch(/reply that is not JSON/);
	});

	it('a list in the query goes as a repeated key through n8n-core’s helper', async () => {
		await clientRun(standIn, async (run) => {
			// What the stand-in answers does not matter here: the request as it arrived does.
			await run({ method: 'GET', path: '/post', qs: { statuses: ['DRAFT', 'ERROR'], page: 0 } as IDataObject }).catch(() => undefined);
		});
		const [request] = standIn.requestsTo('GET', '/post');
		expect(request.url).toMatch(/[?&]statuses=DRAFT&statuses=ERROR(&|$)/);
		expect(request.query.statuses).toEqual(['DRAFT', 'ERROR']);
	});

	it('resourceName names what a create makes in the may-have-been-created text', async () => {
		standIn.failNext({ match: { method: 'POST', path: '/campaigns' }, status: 502 });
		let error: unknown;
		await clientRun(standIn, async (run) => {
			try {
				await run({ method: 'POST', path: '/campaigns', qs: { workspaceId: 'ws_standin_1' }, body: { prompt: 'abcdef' }, createsResource: true, resourceName: 'post' });
			} catch (caught) {
				error = caught;
			}
		});
		expect((error as NodeApiError).description).toMatch(/^The post may have been created; .* a duplicate post\.$/);
	});
});
