/**
 * An in-memory `ICredentialsHelper` for tests.
 *
 * n8n's CLI ships the production implementation (database + encryption); this one keeps
 * decrypted credential data in a map and applies a credential type's `authenticate`
 * block the way n8n documents it:
 *  - `authenticate` as a function is called with (credentials, requestOptions);
 *  - `{ type: 'generic', properties: { headers, qs, body, auth } }` is merged into the
 *    request, resolving `={{$credentials.x}}` expressions with n8n-workflow's real
 *    expression engine (`workflow.expression.getSimpleParameterValue`).
 */
import {
	ICredentials,
	ICredentialsHelper,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialsEncrypted,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeParameters,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

/** In-memory ICredentials (no encryption: tests hold the plain data). */
export class MemoryCredentials extends ICredentials {
	private plain: ICredentialDataDecryptedObject;

	constructor(details: INodeCredentialsDetails, type: string, plain: ICredentialDataDecryptedObject) {
		super(details, type);
		this.plain = { ...plain };
	}

	async getData(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.plain };
	}

	getDataToSave(): ICredentialsEncrypted {
		return { id: this.id, name: this.name, type: this.type, data: JSON.stringify(this.plain) };
	}

	async setData(data: ICredentialDataDecryptedObject): Promise<void> {
		this.plain = { ...data };
	}

	async updateData(
		toUpdate: Partial<ICredentialDataDecryptedObject>,
		toDelete: Array<keyof ICredentialDataDecryptedObject> = [],
	): Promise<void> {
		const next: ICredentialDataDecryptedObject = { ...this.plain };
		for (const [key, value] of Object.entries(toUpdate)) {
			if (value !== undefined) next[key] = value;
		}
		for (const key of toDelete) delete next[key as string];
		this.plain = next;
	}
}

/** Per-request record of what the helper did, for tests that want to look. */
export interface AuthenticateCall {
	typeName: string;
	nodeName?: string;
}

function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	readonly authenticateCalls: AuthenticateCall[] = [];

	private readonly types = new Map<string, ICredentialType>();

	constructor(
		credentialTypes: ICredentialType[],
		private readonly data: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
	}

	getCredentialType(name: string): ICredentialType {
		const type = this.types.get(name);
		if (!type) throw new Error(`Harness: unknown credential type "${name}"`);
		return type;
	}

	/** Decrypted data with the type's property defaults filled in (as n8n's CredentialsHelper does). */
	withDefaults(typeName: string, raw: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
		const properties = this.getCredentialsProperties(typeName);
		const resolved = NodeHelpers.getNodeParameters(
			properties,
			raw as INodeParameters,
			true,
			false,
			null,
			null,
		);
		return { ...(resolved ?? {}), ...raw } as ICredentialDataDecryptedObject;
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		if (!type?.extends) return [];
		const parents: string[] = [];
		for (const parent of type.extends) {
			parents.push(parent, ...this.getParentTypes(parent));
		}
		return parents;
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		this.authenticateCalls.push({ typeName, nodeName: node?.name });
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.getCredentialType(typeName);
		const { authenticate } = credentialType;
		if (authenticate === undefined) return requestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}

		if (authenticate.type !== 'generic') {
			throw new Error(`Harness: unsupported authenticate type "${String(authenticate.type)}"`);
		}

		const resolve = (value: unknown): unknown => {
			if (typeof value !== 'string' || !value.startsWith('=')) return value;
			if (!workflow || !node) {
				throw new Error('Harness: a workflow and node are needed to resolve credential expressions');
			}
			return workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			);
		};

		const target = requestOptions as unknown as Record<string, unknown>;
		for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
			if (outerKey === 'auth' && isPlainObject(outerValue)) {
				const auth: IDataObject = {};
				for (const [k, v] of Object.entries(outerValue)) auth[k] = resolve(v) as IDataObject[string];
				requestOptions.auth = auth as unknown as IHttpRequestOptions['auth'];
				continue;
			}
			if (!isPlainObject(outerValue)) {
				target[outerKey] = resolve(outerValue);
				continue;
			}
			const existing = target[outerKey];
			const merged: IDataObject = isPlainObject(existing) ? { ...existing } : {};
			for (const [key, value] of Object.entries(outerValue)) {
				merged[key] = resolve(value) as IDataObject[string];
			}
			target[outerKey] = merged;
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		if (!credentialType?.preAuthentication) return undefined;
		// Mirror n8n: only run when an `expirable` hidden property is empty or the token expired.
		const expirable = credentialType.properties.find(
			(p: INodeProperties) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable) return undefined;
		if (!credentialsExpired && credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined) {
			return undefined;
		}
		return await this.runPreAuthentication(helpers, credentials, typeName);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types.get(typeName);
		if (!credentialType?.preAuthentication) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		const merged: ICredentialDataDecryptedObject = { ...credentials };
		for (const [key, value] of Object.entries(output)) {
			if (value !== undefined) merged[key] = value as ICredentialDataDecryptedObject[string];
		}
		return merged;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		return new MemoryCredentials(nodeCredentials, type, this.lookup(type));
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return this.withDefaults(type, this.lookup(type));
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.data[type] = { ...data };
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		const own = credentialType.properties;
		if (!credentialType.extends) return own;
		const inherited = credentialType.extends.flatMap((parent) =>
			this.types.has(parent) ? this.getCredentialsProperties(parent) : [],
		);
		const ownNames = new Set(own.map((p) => p.name));
		return [...inherited.filter((p) => !ownNames.has(p.name)), ...own];
	}

	private lookup(type: string): ICredentialDataDecryptedObject {
		const found = this.data[type];
		if (!found) throw new Error(`Harness: no credential data for type "${type}"`);
		return found;
	}
}
