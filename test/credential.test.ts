/** The Ocoya API credential: its header, its test request, and where the key may go. */
import { NodeOperationError } from 'n8n-workflow';

import { testCredential } from '../dev/harness';
import { createParameters, everythingVisible, ocoyaCredential, runCreate, useStandIn } from './support/ocoya';

const standIn = useStandIn();

describe('credential test (the "Test" button in n8n)', () => {
	it('succeeds with a good key, through GET /me with the X-API-Key header', async () => {
		const result = await testCredential(ocoyaCredential, { apiKey: standIn.apiKey, baseUrl: standIn.baseUrl });
		expect(result.status).toBe('OK');
		expect(standIn.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /me']);
		expect(standIn.requests[0].headers['x-api-key']).toBe(standIn.apiKey);
	});

	it('tolerates a trailing slash in the Base URL', async () => {
		const result = await testCredential(ocoyaCredential, { apiKey: standIn.apiKey, baseUrl: `${standIn.baseUrl}/` });
		expect(result.status).toBe('OK');
		expect(standIn.requests[0].path).toBe('/me');
	});

	it('fails with a wrong key, and says so', async () => {
		const result = await testCredential(ocoyaCredential, { apiKey: 'wrong-key-abcdef', baseUrl: standIn.baseUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toBe(
			'Ocoya rejected the API key (403 Invalid API token.). Create a new token in Ocoya under Settings › API.',
		);
		expect(standIn.requests).toHaveLength(1);
	});

	it.each([
		['a host on the network', () => 'http://ocoya-proxy.example.com/api/_public/v1'],
		['0.0.0.0, which reaches this machine', () => standIn.baseUrl.replace('127.0.0.1', '0.0.0.0')],
		['a name that only starts like localhost', () => 'http://localhost.example.com/api/_public/v1'],
	])('refuses plain http to %s: the check fails before any connection, naming the rule', async (_name, baseUrl) => {
		const result = await testCredential(ocoyaCredential, { apiKey: standIn.apiKey, baseUrl: baseUrl() });
		expect(result.status).toBe('Error');
		expect(String((result.error as Error | undefined)?.message)).toContain('base-url-must-use-https-not-plain-http');
		expect(standIn.requests).toHaveLength(0);
		expect(result.message).not.toContain(standIn.apiKey);
	});

	it.each([
		['localhost', (url: string) => url.replace('127.0.0.1', 'localhost')],
		['LOCALHOST in capitals', (url: string) => url.replace('http://127.0.0.1', 'HTTP://LOCALHOST')],
		['127.0.0.1 with spaces around', (url: string) => `  ${url}  `],
	])('still tests plain http to %s', async (_name, variant) => {
		const result = await testCredential(ocoyaCredential, { apiKey: standIn.apiKey, baseUrl: variant(standIn.baseUrl) });
		expect(result.status).toBe('OK');
		expect(standIn.requests).toHaveLength(1);
	});

	it('defaults to Ocoya’s public API', () => {
		const baseUrl = ocoyaCredential.properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://app.ocoya.com/api/_public/v1');
		const apiKey = ocoyaCredential.properties.find((property) => property.name === 'apiKey');
		expect(apiKey?.typeOptions?.password).toBe(true);
	});
});

describe('where the node sends the key', () => {
	it.each([
		'http://ocoya.example.com/api/_public/v1',
		'http://ocoya-proxy.internal:8080/api/_public/v1',
		'ftp://app.ocoya.com/api/_public/v1',
	])('refuses %s before any request', async (baseUrl) => {
		const result = await runCreate({ baseUrl, apiKey: standIn.apiKey }, createParameters());
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/^Refusing to send the Ocoya API key to .+: the Base URL must use https$/);
		expect(result.error?.description).toMatch(/only for localhost, 127\.0\.0\.1 and ::1/);
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});

	it('says so when the Base URL is not a URL at all', async () => {
		const result = await runCreate({ baseUrl: 'app.ocoya.com/api', apiKey: standIn.apiKey }, createParameters());
		expect(result.error?.message).toBe('The Base URL "app.ocoya.com/api" in the Ocoya API credential is not a valid URL');
	});

	it('allows plain http to localhost, for a local stand-in', async () => {
		const local = standIn.baseUrl.replace('127.0.0.1', 'localhost');
		const result = await runCreate({ baseUrl: local, apiKey: standIn.apiKey }, createParameters());
		expect(result.error).toBeUndefined();
		expect(standIn.campaignsCreated).toBe(1);
	});
});
