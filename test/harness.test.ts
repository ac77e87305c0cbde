/**
 * Proves the harness: a throwaway node + credential type run through n8n-core's real
 * WorkflowExecute / LoadOptionsContext / RoutingNode against a local HTTP server.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleep,
	type ICredentialTestRequest,
	type ICredentialType,
	type IAuthenticateGeneric,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeProperties,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { executeNode, listSearch, loadOptions, shutdownHarness, testCredential } from '../dev/harness';

/* ----------------------------- local HTTP server ----------------------------------- */

interface ReceivedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	body: unknown;
}

const GOOD_KEY = 'good-key-123';
const received: ReceivedRequest[] = [];
const sockets = new Set<Socket>();
let server: Server;
let baseUrl: string;

function send(res: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
}

beforeAll(async () => {
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			const body: unknown = raw ? JSON.parse(raw) : undefined;
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });

			const rate = { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '42', 'x-ratelimit-reset': '1700000000' };
			if (req.headers['x-api-key'] !== GOOD_KEY) {
				return send(res, 401, { message: 'Invalid API key' });
			}
			if (req.url === '/me') return send(res, 200, { ok: true });
			if (req.url === '/options') return send(res, 200, { items: [{ id: 'c1', label: 'Campaign 1' }, { id: 'c2', label: 'Campaign 2' }] });
			if (req.url === '/slow') {
				const t = setTimeout(() => send(res, 200, { slow: true }), 2000);
				res.on('close', () => clearTimeout(t));
				return;
			}
			if (req.url === '/echo') {
				const b = (body ?? {}) as IDataObject;
				if (b.name === 'bad') return send(res, 422, { message: 'Name is not allowed', code: 'bad_name' });
				if (b.name === 'limited') return send(res, 429, { message: 'Too many requests' }, { ...rate, 'retry-after': '7' });
				return send(res, 200, { echoed: b }, rate);
			}
			return send(res, 404, { message: 'not found' });
		});
	});
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	for (const s of sockets) s.destroy();
	await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
	await shutdownHarness();
});

beforeEach(() => {
	received.length = 0;
});

/* ----------------------------- throwaway credential -------------------------------- */

class EchoApi implements ICredentialType {
	name = 'echoApi';
	displayName = 'Echo API';
	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-API-Key': '={{$credentials.apiKey}}' } },
	};
	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
	};
}

/* ----------------------------- throwaway node -------------------------------------- */

const description: INodeTypeDescription = {
	displayName: 'Echo',
	name: 'echo',
	group: ['transform'],
	version: 1,
	description: 'Throwaway node for the harness test',
	defaults: { name: 'Echo' },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'echoApi', required: true }],
	properties: [
		{ displayName: 'Name', name: 'name', type: 'string', default: '' },
		{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
		{ displayName: 'Full Response', name: 'fullResponse', type: 'boolean', default: false },
		{ displayName: 'Ignore HTTP Errors', name: 'ignoreErrors', type: 'boolean', default: false },
		{ displayName: 'Timeout', name: 'timeout', type: 'number', default: 0 },
		{ displayName: 'Sleep Ms', name: 'sleepMs', type: 'number', default: 0 },
		{
			displayName: 'Campaign',
			name: 'campaign',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getCampaigns' },
			default: '',
		},
	],
};

class Echo implements INodeType {
	description = description;

	methods = {
		listSearch: {
			async searchCampaigns(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
				const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('echoApi');
				const res = (await this.helpers.httpRequestWithAuthentication.call(this, 'echoApi', {
					method: 'GET',
					url: `${url}/options`,
					json: true,
				})) as { items: Array<{ id: string; label: string }> };
				const results = res.items
					.filter((i) => !filter || i.label.includes(filter))
					.map((i) => ({ name: i.label, value: i.id }));
				return { results };
			},
		},
		loadOptions: {
			async getCampaigns(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('echoApi');
				const res = (await this.helpers.httpRequestWithAuthentication.call(this, 'echoApi', {
					method: 'GET',
					url: `${url}/options`,
					json: true,
				})) as { items: Array<{ id: string; label: string }> };
				return res.items.map((i) => ({ name: i.label, value: i.id }));
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		const creds = await this.getCredentials<{ baseUrl: string }>('echoApi');
		for (let i = 0; i < items.length; i++) {
			try {
				const sleepMs = this.getNodeParameter('sleepMs', i) as number;
				if (sleepMs > 0) await sleep(sleepMs, this.getExecutionCancelSignal());
				const options: IHttpRequestOptions = {
					method: 'POST',
					url: `${creds.baseUrl}${this.getNodeParameter('path', i) as string}`,
					body: { name: this.getNodeParameter('name', i) as string, index: i },
					json: true,
				};
				if (this.getNodeParameter('fullResponse', i) as boolean) options.returnFullResponse = true;
				if (this.getNodeParameter('ignoreErrors', i) as boolean) options.ignoreHttpStatusErrors = true;
				const timeout = this.getNodeParameter('timeout', i) as number;
				if (timeout > 0) options.timeout = timeout;
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'echoApi', options)) as IDataObject;
				out.push({ json: response, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				if (error instanceof NodeApiError) {
					error.context.itemIndex = i;
					throw error;
				}
				throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			}
		}
		return [out];
	}
}

const credentialTypes = [new EchoApi()];
const goodCreds = () => ({ echoApi: { apiKey: GOOD_KEY, baseUrl } });

/* ----------------------------- tests ----------------------------------------------- */

describe('harness: executeNode through WorkflowExecute', () => {
	it('sends authenticated per-item requests built from expressions, with pairedItem', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: '={{ $json.name }}' },
			inputItems: [{ json: { name: 'alpha' } }, { json: { name: 'beta' } }],
		});

		expect(result.error).toBeUndefined();
		expect(received).toHaveLength(2);
		expect(received.map((r) => r.headers['x-api-key'])).toEqual([GOOD_KEY, GOOD_KEY]);
		expect(received.map((r) => r.body)).toEqual([
			{ name: 'alpha', index: 0 },
			{ name: 'beta', index: 1 },
		]);
		expect(result.items.map((i) => i.json)).toEqual([
			{ echoed: { name: 'alpha', index: 0 } },
			{ echoed: { name: 'beta', index: 1 } },
		]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.runData.Source?.[0]?.data?.main?.[0]).toHaveLength(2);
	});

	it('returns (does not throw) the NodeApiError for a 4xx, with httpCode and itemIndex', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: '={{ $json.name }}' },
			inputItems: [{ json: { name: 'fine' } }, { json: { name: 'bad' } }],
		});

		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('422');
		expect(error.context.itemIndex).toBe(1);
		expect(error.message).toBe('Your request is invalid or could not be processed by the service');
		expect(error.description).toBe('Name is not allowed');
		// The engine itself records a plain-object copy; the harness hands back the instance.
		expect(result.recordedError).not.toBeInstanceOf(NodeApiError);
		expect(result.recordedError).toMatchObject({ name: 'NodeApiError', httpCode: '422', message: error.message });
		expect(result.run.data.resultData.error?.message).toBe(error.message);
		expect(result.items).toEqual([]);
		// Only the first item's request succeeded before the failure.
		expect(received).toHaveLength(2);
	});

	it('continueOnFail yields error items instead of failing', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: '={{ $json.name }}' },
			inputItems: [{ json: { name: 'bad' } }, { json: { name: 'ok' } }],
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(2);
		expect(typeof result.items[0]?.json.error).toBe('string');
		expect(result.items[0]?.pairedItem).toEqual({ item: 0 });
		expect(result.items[1]?.json).toEqual({ echoed: { name: 'ok', index: 1 } });
	});

	it('a wrong key surfaces as a 401 NodeApiError', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: { echoApi: { apiKey: 'wrong', baseUrl } },
			parameters: { name: 'x' },
		});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect((result.error as NodeApiError).httpCode).toBe('401');
		expect(received[0]?.headers['x-api-key']).toBe('wrong');
	});
});

describe('harness: loadOptions and testCredential', () => {
	it('loadOptions runs through LoadOptionsContext with real auth', async () => {
		const res = await loadOptions({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			method: 'getCampaigns',
			parameters: { name: 'x' },
		});
		expect(res).toEqual({
			ok: true,
			result: [
				{ name: 'Campaign 1', value: 'c1' },
				{ name: 'Campaign 2', value: 'c2' },
			],
		});
		expect(received[0]?.headers['x-api-key']).toBe(GOOD_KEY);
	});

	it('listSearch runs through LoadOptionsContext with filter', async () => {
		const res = await listSearch({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			method: 'searchCampaigns',
			filter: '2',
		});
		expect(res).toEqual({ ok: true, result: { results: [{ name: 'Campaign 2', value: 'c2' }] } });
		expect(received[0]?.headers['x-api-key']).toBe(GOOD_KEY);
	});

	it('loadOptions returns the error for a bad key', async () => {
		const res = await loadOptions({
			nodeType: new Echo(),
			credentialTypes,
			credentials: { echoApi: { apiKey: 'nope', baseUrl } },
			method: 'getCampaigns',
		});
		expect(res.ok).toBe(false);
		expect(!res.ok && res.error).toBeInstanceOf(NodeApiError);
	});

	it('testCredential: good key OK, bad key Error', async () => {
		const ok = await testCredential(new EchoApi(), { apiKey: GOOD_KEY, baseUrl });
		expect(ok).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(received[0]).toMatchObject({ method: 'GET', url: '/me' });
		expect(received[0]?.headers['x-api-key']).toBe(GOOD_KEY);

		const bad = await testCredential(new EchoApi(), { apiKey: 'bad', baseUrl });
		expect(bad.status).toBe('Error');
		expect(bad.message).toBe('Unauthorized');
	});

	it('testCredential applies responseCode rules', async () => {
		const withRule = new EchoApi();
		withRule.test = { ...withRule.test, rules: [{ type: 'responseCode', properties: { value: 401, message: 'Key rejected' } }] };
		const bad = await testCredential(withRule, { apiKey: 'bad', baseUrl });
		expect(bad).toMatchObject({ status: 'Error', message: 'Key rejected' });
	});
});

describe('findings about n8n-core request helpers', () => {
	it('(1) NodeApiError shape and where the API key survives', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: 'bad' },
		});
		const error = result.error as NodeApiError;
		const cause = error.cause as unknown as JsonObject & {
			config?: { headers?: Record<string, unknown> };
			response?: { headers?: Record<string, unknown>; data?: unknown; status?: number };
		};
		expect(error.httpCode).toBe('422');
		// The raw AxiosError is kept as the non-enumerable `cause`, WITH the API key header.
		expect(cause?.config?.headers?.['X-API-Key']).toBe(GOOD_KEY);
		expect(Object.keys(error)).not.toContain('cause');
		// JSON/toJSON and the engine's recorded copy do not carry it.
		expect(JSON.stringify(error)).not.toContain(GOOD_KEY);
		expect(JSON.stringify(result.recordedError)).not.toContain(GOOD_KEY);
		expect(JSON.stringify(result.runData)).not.toContain(GOOD_KEY);
	});

	it('(2) sleep(ms, getExecutionCancelSignal()) is cancelled when the execution is cancelled', async () => {
		const controller = new AbortController();
		const started = Date.now();
		const pending = executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: 'x', sleepMs: 5000 },
			abortSignal: controller.signal,
		});
		setTimeout(() => controller.abort(), 200);
		const result = await pending;
		expect(Date.now() - started).toBeLessThan(3000);
		expect(result.items).toHaveLength(0);
		expect(received).toHaveLength(0);
	});

	it('(3a) returnFullResponse + ignoreHttpStatusErrors exposes 429 status and rate-limit headers', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: '={{ $json.name }}', fullResponse: true, ignoreErrors: true },
			inputItems: [{ json: { name: 'ok' } }, { json: { name: 'limited' } }],
		});
		expect(result.error).toBeUndefined();
		expect(result.items[1]?.json).toMatchObject({ statusCode: 429, headers: { 'x-ratelimit-remaining': '42', 'retry-after': '7' } });
		expect(result.items[0]?.json).toMatchObject({ statusCode: 200, headers: { 'x-ratelimit-limit': '100' } });
	});

	it('(3b) a 429 without ignoreHttpStatusErrors: headers reachable on error.cause.response.headers?', async () => {
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: 'limited', fullResponse: true },
		});
		const error = result.error as NodeApiError;
		const cause = error.cause as unknown as { response?: { headers?: Record<string, unknown> } };
		expect(error.httpCode).toBe('429');
		expect(cause?.response?.headers).toMatchObject({ 'x-ratelimit-remaining': '42', 'retry-after': '7' });
	});

	it('(3c) timeout aborts a slow request', async () => {
		const started = Date.now();
		const result = await executeNode({
			nodeType: new Echo(),
			credentialTypes,
			credentials: goodCreds(),
			parameters: { name: 'x', path: '/slow', timeout: 300 },
		});
		const error = result.error as NodeApiError;
		const cause = error?.cause as unknown as { code?: string; message?: string } | undefined;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('ECONNABORTED');
		expect(cause?.code).toBe('ECONNABORTED');
		expect(Date.now() - started).toBeLessThan(1900);
	});
});
