import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class OcoyaApi implements ICredentialType {
	name = 'ocoyaApi';

	displayName = 'Ocoya API';

	icon: Icon = { light: 'file:ocoya.svg', dark: 'file:ocoya.dark.svg' };

	documentationUrl = 'https://docs.ocoya.com';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'In Ocoya, open Settings → API from the account menu and select Create token. Only brand owners and admins can create tokens.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://app.ocoya.com/api/_public/v1',
			description:
				'Leave as is for Ocoya itself. Change it only for a proxy or a local test server. The key is sent over plain http only to localhost.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			// The node refuses plain http to any host but loopback; n8n runs this test without the node,
			// so the same rule is here: such a Base URL becomes an invalid URL that names the problem, and
			// the request fails before a connection is made, without sending the key.
			baseURL:
				'={{ /^\\s*(https:\\/\\/|http:\\/\\/(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d+)?(\\/|\\s*$))/i.test(($credentials.baseUrl || "https://app.ocoya.com/api/_public/v1")) ? ($credentials.baseUrl || "https://app.ocoya.com/api/_public/v1").trim().replace(/\\/+$/, "") : "base-url-must-use-https-not-plain-http://refused" }}',
			url: '/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Ocoya received no API key (401 Missing API token.). Enter the key in the API Key field.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'Ocoya rejected the API key (403 Invalid API token.). Create a new token in Ocoya under Settings › API.',
				},
			},
		],
	};
}
