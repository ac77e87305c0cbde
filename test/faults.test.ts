/**
 * One row per fault Ocoya (or the network) can throw at the create call: the node's error,
 * and exactly how many requests reached the stand-in. Nothing ambiguous is retried, a 429 is
 * waited out, and the API key shows up nowhere.
 */
import { NodeApiError, NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { freePort } from '../dev/n8n/app';
import { DEFAULT_API_KEY, startStandIn, type Fault, type StandIn } from '../dev/ocoya-stand-in';
import { createParameters, everythingVisible, items, runCreate, useStandIn } from './support/ocoya';

const MAY_EXIST = /The campaign may have been created; check Ocoya before retrying/;

interface FaultCase {
	name: string;
	faults: (now: number) => Fault[];
	options?: INodeParameters;
	/** Requests the stand-in must have received. */
	requests: number;
	/** Expected error; absent means the item must succeed. */
	error?: { message: RegExp; description?: RegExp; httpCode?: string };
	/** Least time between the first and the last request, for waits the node must honour. */
	minSpacingMs?: number;
}

const secondsFromNow = (seconds: number) => String(seconds);
const rateLimited = (headers: Record<string, string>): Fault => ({
	status: 429,
	headers: { 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', ...headers },
	body: { message: 'Too many requests' },
});

const cases: FaultCase[] = [
	{
		name: '400 with Ocoya’s message',
		faults: () => [{ status: 400, body: { message: 'prompt: must be at least 3 characters' } }],
		requests: 1,
		error: { message: /^Ocoya returned HTTP 400: prompt: must be at least 3 characters$/, description: /rejected the request/, httpCode: '400' },
	},
	{
		name: '401 Missing API token.',
		faults: () => [{ status: 401, body: { message: 'Missing API token.' } }],
		requests: 1,
		error: { message: /HTTP 401: Missing API token\.$/, description: /Check the API key in the Ocoya API credential/, httpCode: '401' },
	},
	{
		name: '403 Invalid API token.',
		faults: () => [{ status: 403, body: { message: 'Invalid API token.' } }],
		requests: 1,
		error: { message: /HTTP 403: Invalid API token\.$/, description: /Check the API key in the Ocoya API credential/, httpCode: '403' },
	},
	{
		name: '404',
		faults: () => [{ status: 404, body: { message: 'Workspace not found' } }],
		requests: 1,
		error: { message: /HTTP 404: Workspace not found/, description: /Check the workspace/, httpCode: '404' },
	},
	{
		name: '413',
		faults: () => [{ status: 413, body: '' }],
		requests: 1,
		error: { message: /HTTP 413: Request too large/, httpCode: '413' },
	},
	{
		name: '422',
		faults: () => [{ status: 422, body: { message: 'Brand kit belongs to another workspace' } }],
		requests: 1,
		error: { message: /HTTP 422: Brand kit belongs to another workspace/, httpCode: '422' },
	},
	{
		name: '429 with X-RateLimit-Reset in epoch seconds, then success',
		faults: (now) => [rateLimited({ 'X-RateLimit-Reset': String(Math.ceil((now + 1000) / 1000)) })],
		requests: 2,
		minSpacingMs: 900,
	},
	{
		name: '429 with X-RateLimit-Reset in epoch milliseconds, then success',
		faults: (now) => [rateLimited({ 'X-RateLimit-Reset': String(now + 800) })],
		requests: 2,
		minSpacingMs: 700,
	},
	{
		name: '429 with X-RateLimit-Reset in seconds from now, then success',
		faults: () => [rateLimited({ 'X-RateLimit-Reset': secondsFromNow(1) })],
		requests: 2,
		minSpacingMs: 950,
	},
	{
		name: '429 with only Retry-After, then success',
		faults: () => [{ status: 429, headers: { 'Retry-After': '1' }, body: { message: 'Too many requests' } }],
		requests: 2,
		minSpacingMs: 950,
	},
	{
		name: '429 without any timing header: backoff with jitter, then success',
		faults: () => [{ status: 429, body: { message: 'Too many requests' } }],
		requests: 2,
		minSpacingMs: 450,
	},
	{
		name: '429 forever: fails once Rate Limit: Max Wait is spent',
		faults: () => [{ ...rateLimited({ 'X-RateLimit-Reset': secondsFromNow(1) }), times: 'forever' }],
		options: { rateLimitMaxWait: 3 },
		requests: 3,
		error: { message: /^Ocoya's rate limit did not clear within the allowed wait of 3 s$/, description: /Nothing was created for this item.*raise Rate Limit: Max Wait/, httpCode: '429' },
	},
	{
		name: '500',
		faults: () => [{ status: 500, body: { message: 'Unknown error' } }],
		requests: 1,
		error: { message: /HTTP 500: Unknown error/, description: MAY_EXIST, httpCode: '500' },
	},
	{
		name: '502 with an HTML body',
		faults: () => [{ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' }],
		requests: 1,
		error: { message: /HTTP 502: Bad gateway$/, description: MAY_EXIST, httpCode: '502' },
	},
	{
		name: '503',
		faults: () => [{ status: 503, body: { message: 'Down for maintenance' } }],
		requests: 1,
		error: { message: /HTTP 503: Down for maintenance/, description: MAY_EXIST, httpCode: '503' },
	},
	{
		name: '504',
		faults: () => [{ status: 504 }],
		requests: 1,
		error: { message: /HTTP 504/, description: MAY_EXIST, httpCode: '504' },
	},
	{
		name: 'a reply slower than the timeout',
		faults: () => [{ delayMs: 3000 }],
		options: { timeout: 1000 },
		requests: 1,
		error: { message: /did not answer within the Timeout option \(1000 ms\)/, description: /may have been created.*\(ECONNABORTED\)/ },
	},
	{
		name: 'the connection reset after the request body was read',
		faults: () => [{ reset: 'after-body' }],
		requests: 1,
		error: { message: /^The connection to Ocoya broke before its reply arrived$/, description: /may have been created; check Ocoya before retrying.*\(ECONNRESET\)/ },
	},
	{
		name: 'a 202 whose body is not JSON',
		faults: () => [{ status: 202, rawBody: '{"campaignId": "cmp_1", ' }],
		requests: 1,
		error: { message: /answered HTTP 202 with a reply that is not JSON/, description: MAY_EXIST },
	},
	{
		name: 'a 202 with an empty body',
		faults: () => [{ status: 202, rawBody: '' }],
		requests: 1,
		error: { message: /answered HTTP 202 with a reply that is not JSON/, description: MAY_EXIST },
	},
];

const standIn = useStandIn();
const seen: string[] = [];

describe('faults of the create call', () => {
	it.each(cases)('$name', async (testCase) => {
		for (const fault of testCase.faults(Date.now())) standIn.failNext(fault);

		const result = await runCreate(standIn, createParameters({ options: testCase.options ?? {} }));
		seen.push(everythingVisible(result));

		const requests = standIn.campaignRequests();
		expect(requests).toHaveLength(testCase.requests);
		expect(requests.every((request) => request.validationErrors?.length === 0)).toBe(true);
		if (testCase.minSpacingMs !== undefined) {
			expect(requests[requests.length - 1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(testCase.minSpacingMs);
		}

		if (testCase.error === undefined) {
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.campaignId).toBe(standIn.createdCampaigns[0].campaignId);
			expect(standIn.campaignsCreated).toBe(1);
			return;
		}
		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.message).toMatch(testCase.error.message);
		if (testCase.error.description) expect(error.description).toMatch(testCase.error.description);
		if (testCase.error.httpCode) expect(error.httpCode).toBe(testCase.error.httpCode);
		expect(error.context.itemIndex).toBe(0);
		expect(result.items).toHaveLength(0);
	}, 15_000);

	it('retries once when the connection was refused (nothing was sent), and succeeds when Ocoya is back', async () => {
		const port = await freePort();
		const target = { baseUrl: `http://127.0.0.1:${port}/api/_public/v1`, apiKey: standIn.apiKey };
		const late = new Promise<StandIn>((resolve) => {
			setTimeout(() => resolve(startStandIn({ port, apiKey: standIn.apiKey })), 300);
		});
		const result = await runCreate(target, createParameters());
		const revived = await late;
		try {
			seen.push(everythingVisible(result));
			expect(result.error).toBeUndefined();
			expect(revived.campaignsCreated).toBe(1);
			expect(result.items[0].json.status).toBe('GENERATING');
		} finally {
			await revived.close();
		}
	});

	it('gives up after one retry when the connection stays refused, saying nothing was sent', async () => {
		const port = await freePort();
		const started = Date.now();
		const result = await runCreate(
			{ baseUrl: `http://127.0.0.1:${port}/api/_public/v1`, apiKey: standIn.apiKey },
			createParameters(),
		);
		seen.push(everythingVisible(result));
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/^Could not connect to Ocoya at http:\/\/127\.0\.0\.1:\d+\/api\/_public\/v1$/);
		expect(result.error?.description).toMatch(/^Nothing was sent\..*\(ECONNREFUSED\)$/);
	});

	it('with Continue On Fail, a failed item yields its error and status, and the others go on', async () => {
		standIn.failNext({ status: 400, body: { message: 'Unsupported language' } });
		const result = await runCreate(standIn, createParameters(), {
			inputItems: items({ n: 1 }, { n: 2 }),
			continueOnFail: true,
		});
		seen.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		expect(standIn.campaignRequests()).toHaveLength(2);
		expect(result.items[0]).toEqual({
			json: {
				error: 'Ocoya returned HTTP 400: Unsupported language',
				description: expect.stringMatching(/rejected the request/),
				httpCode: '400',
			},
			pairedItem: { item: 0 },
		});
		expect(result.items[1].json.status).toBe('GENERATING');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});

	it('with On Error › Continue (using error output), a failed item goes to the error output', async () => {
		standIn.failNext({ status: 422, body: { message: 'Brand kit belongs to another workspace' } });
		const result = await runCreate(standIn, createParameters(), {
			inputItems: items({ deal: 'D-1' }, { deal: 'D-2' }),
			nodeOverrides: { onError: 'continueErrorOutput' },
		});
		seen.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const [success, failure] = result.outputs;
		expect(success.map((item) => item.json.status)).toEqual(['GENERATING']);
		expect(success[0].pairedItem).toEqual({ item: 1 });
		expect(failure).toHaveLength(1);
		expect(failure[0].json).toMatchObject({
			deal: 'D-1',
			error: 'Ocoya returned HTTP 422: Brand kit belongs to another workspace',
			message: expect.stringMatching(/rejected the request/),
		});
		expect(failure[0].pairedItem).toEqual({ item: 0 });
	});

	it.each([
		['an expression reading a node that does not exist', { prompt: "={{ $('Missing Node').item.json.product }}" }],
		['an unsupported operation', { operation: 'archive' }],
	])('with the error output, %s goes to the error output, with no empty message (n8n 1.x routes only {error} or {error, message})', async (_name, overrides) => {
		const result = await runCreate(standIn, createParameters(overrides), {
			inputItems: items({ deal: 'D-1' }),
			nodeOverrides: { onError: 'continueErrorOutput' },
		});
		seen.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const [success, failure] = result.outputs;
		expect(success).toHaveLength(0);
		expect(failure).toHaveLength(1);
		const json = failure[0].json;
		expect(typeof json.error).toBe('string');
		// n8n 1.x's rule, on what the node added to the input item's fields.
		const added = Object.keys(json).filter((key) => key !== 'deal');
		const routableOn1x =
			(added.length === 1 && added[0] === 'error') ||
			(added.length === 2 && added.includes('message') && typeof json.message === 'string' && json.message !== '');
		expect(added).not.toContain('description');
		expect(routableOn1x).toBe(true);
		expect(standIn.requests).toHaveLength(0);
	});

	it('the stand-in’s real key check: a wrong key is a 403 that points at the credential', async () => {
		const result = await runCreate({ baseUrl: standIn.baseUrl, apiKey: 'wrong-key-0123456789' }, createParameters());
		seen.push(everythingVisible(result));
		expect(result.error?.message).toBe('Ocoya returned HTTP 403: Invalid API token.');
		expect(result.error?.description).toMatch(/Ocoya API credential/);
		expect(standIn.requests).toHaveLength(1);
	});

	it('never shows the API key in any output or error of this suite', () => {
		expect(seen).toHaveLength(cases.length + 7);
		// Every test has its own key; they all start with the stand-in's default.
		for (const text of seen) expect(text).not.toContain(DEFAULT_API_KEY);
		// The suite must have looked at real errors, or the check above proves nothing.
		expect(seen.join('\n')).toContain('HTTP 502');
	});
});

describe('pacing and cancellation', () => {
	it('waits for the window to reset when a reply says no requests remain, instead of provoking a 429', async () => {
		const limited = await startStandIn({ rateLimit: { limit: 2, windowMs: 1000, resetFormat: 'epoch-ms' } });
		try {
			const started = Date.now();
			const result = await runCreate(limited, createParameters(), { inputItems: items({}, {}, {}, {}, {}) });
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(5);
			expect(limited.campaignRequests().map((request) => request.status)).toEqual([202, 202, 202, 202, 202]);
			expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
		} finally {
			await limited.close();
		}
	});

	it('a cancelled execution stops waiting for the rate limit and sends nothing more', async () => {
		standIn.failNext(rateLimited({ 'X-RateLimit-Reset': secondsFromNow(20) }));
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 300);
		const started = Date.now();
		const result = await runCreate(standIn, createParameters(), { abortSignal: controller.signal });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(standIn.campaignRequests()).toHaveLength(1);
		expect(result.items).toHaveLength(0);
	});

	it('a bad base URL is refused before the key leaves n8n', async () => {
		const result = await runCreate({ baseUrl: 'http://ocoya.example.com/api/_public/v1', apiKey: standIn.apiKey }, createParameters());
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe(
			'Refusing to send the Ocoya API key to http://ocoya.example.com: the Base URL must use https',
		);
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});
});
