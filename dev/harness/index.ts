/**
 * Test harness: runs a community node through n8n-core's real execution engine.
 *
 *  - `executeNode` builds a two-node workflow (`Source` -> node under test), runs it with
 *    n8n-core's `WorkflowExecute`, and returns the node's outputs or the error the engine
 *    recorded. `this.helpers.httpRequestWithAuthentication` is n8n-core's real helper; it
 *    sends real HTTP through `@n8n/backend-network` (axios) after our in-memory
 *    credentials helper applied the credential type's `authenticate` block.
 *  - `loadOptions` / `listSearch` call a node's methods through n8n-core's `LoadOptionsContext`.
 *  - `testCredential` runs an `ICredentialTestRequest` the way n8n's CLI does: a temporary
 *    declarative node whose one property routes `test.request`, run by n8n-core's
 *    `RoutingNode` in an `ExecuteContext`, then `test.rules` are applied.
 *
 * Call `shutdownHarness()` in `afterAll` to release the temp folder and n8n-core resources.
 */
import './environment';

import { Container } from '@n8n/di';
import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import {
	createRunExecutionData,
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	Workflow,
	type ExecutionError,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type ICredentialType,
	type IConnections,
	type IDataObject,
	type IExecuteData,
	type IExecuteFunctions,
	type INode,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeParameters,
	type INodePropertyOptions,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunData,
	type ITaskDataConnections,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { HarnessCredentialsHelper } from './credentials-helper';
import { removeHarnessUserFolder } from './environment';

export { HarnessCredentialsHelper, MemoryCredentials } from './credentials-helper';

export const SOURCE_NODE_NAME = 'Source';
export const SOURCE_NODE_TYPE = 'harness.source';
export const NODE_UNDER_TEST_NAME = 'Node Under Test';
const DEFAULT_NODE_TYPE_NAME = 'harness.nodeUnderTest';

/* ------------------------------------------------------------------------------------ */
/* Node types                                                                            */
/* ------------------------------------------------------------------------------------ */

/** Called with whatever a node's `execute` throws, before the engine sees it. */
export type ExecuteErrorListener = (error: unknown) => void;

/**
 * Wrap an INodeType so errors thrown by `execute` are reported to `onError` (then rethrown
 * unchanged). The engine stores only a plain-object copy of a node error in runData
 * (`{ ...error, message, stack }`), which loses the class and the non-enumerable `cause`;
 * this lets the harness hand tests the original instance.
 */
export function withErrorCapture(type: INodeType, onError: ExecuteErrorListener): INodeType {
	const original = type.execute;
	if (!original) return type;
	const wrapped = Object.create(type) as INodeType;
	wrapped.execute = async function (this: IExecuteFunctions) {
		try {
			return await original.call(this);
		} catch (error) {
			onError(error);
			throw error;
		}
	};
	return wrapped;
}

/** `INodeTypes` provider over a fixed map of node type instances. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly listeners = new Map<string, ExecuteErrorListener>();

	private readonly wrappedByVersion = new Map<string, INodeType>();

	register(name: string, type: INodeType | IVersionedNodeType, onExecuteError?: ExecuteErrorListener): this {
		this.types.set(name, type);
		if (onExecuteError) this.listeners.set(name, onExecuteError);
		return this;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types.get(nodeType);
		if (!found) throw new Error(`Harness: unknown node type "${nodeType}"`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const found = this.getByName(nodeType);
		const resolved = 'nodeVersions' in found ? found.getNodeType(version) : found;
		const listener = this.listeners.get(nodeType);
		if (!listener) return resolved;
		const key = `${nodeType}@${String(version)}`;
		let wrapped = this.wrappedByVersion.get(key);
		if (!wrapped) {
			wrapped = withErrorCapture(resolved, listener);
			this.wrappedByVersion.set(key, wrapped);
		}
		return wrapped;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** An upstream node that emits the given items, so the node under test receives real input. */
export function createSourceNodeType(items: INodeExecutionData[]): INodeType {
	return {
		description: {
			displayName: 'Harness Source',
			name: SOURCE_NODE_TYPE,
			group: ['input'],
			version: 1,
			description: 'Emits the harness input items',
			defaults: { name: SOURCE_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			return [items.map((item) => ({ ...item, json: structuredClone(item.json) }))];
		},
	};
}

/* ------------------------------------------------------------------------------------ */
/* Additional data                                                                       */
/* ------------------------------------------------------------------------------------ */

export interface AdditionalDataOptions {
	credentialsHelper: HarnessCredentialsHelper;
	hooks?: ExecutionLifecycleHooks;
	executionId?: string;
	currentNodeParameters?: INodeParameters;
}

/** An `IWorkflowExecuteAdditionalData` with everything n8n-core reads for a plain node run. */
export function createAdditionalData(options: AdditionalDataOptions): IWorkflowExecuteAdditionalData {
	const base = 'http://127.0.0.1:5678';
	return {
		credentialsHelper: options.credentialsHelper,
		hooks: options.hooks,
		executionId: options.executionId,
		currentNodeParameters: options.currentNodeParameters,
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: async () => {
			throw new Error('Harness: executeWorkflow is not supported');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Harness: task runners are not supported');
		},
	};
}

/* ------------------------------------------------------------------------------------ */
/* executeNode                                                                           */
/* ------------------------------------------------------------------------------------ */

export interface ExecuteNodeOptions {
	/** The node type instance under test. */
	nodeType: INodeType | IVersionedNodeType;
	/** Registered type name; defaults to `nodeType.description.name` or a harness name. */
	nodeTypeName?: string;
	credentialTypes: ICredentialType[];
	/** Decrypted credential data keyed by credential type name. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The id n8n knows the credentials by (default `cred-<type>`): runs with one id share per-credential state. */
	credentialId?: string;
	parameters: INodeParameters;
	/** Items emitted by the upstream `Source` node. Defaults to one empty item. */
	inputItems?: INodeExecutionData[];
	continueOnFail?: boolean;
	typeVersion?: number;
	/** Extra node settings (retryOnFail, alwaysOutputData, ...). */
	nodeOverrides?: Partial<Omit<INode, 'parameters' | 'type' | 'name'>>;
	/** Execution mode; defaults to 'manual' (as when run from the editor). */
	mode?: WorkflowExecuteMode;
	/** Abort the run from the test (e.g. to check cancellation of sleeps or requests). */
	abortSignal?: AbortSignal;
}

export type HarnessNodeError = NodeApiError | NodeOperationError | ExecutionError;

function isExecutionError(value: unknown): value is ExecutionError {
	return value instanceof Error && 'node' in value;
}

export interface ExecuteNodeResult {
	/** Main output 0 of the node under test ([] if the node did not produce it). */
	items: INodeExecutionData[];
	/** All outputs of the node under test. */
	outputs: INodeExecutionData[][];
	/**
	 * The error the node run failed with: the original NodeApiError/NodeOperationError
	 * instance (class, `cause`, `context` intact) when the node's `execute` threw it,
	 * otherwise what the engine recorded.
	 */
	error?: HarnessNodeError;
	/** Exactly what the engine recorded (runData[node][0].error ?? resultData.error): a plain-object copy. */
	recordedError?: ExecutionError;
	runData: IRunData;
	run: IRun;
	node: INode;
	credentialsHelper: HarnessCredentialsHelper;
}

function nodeTypeNameOf(type: INodeType | IVersionedNodeType): string | undefined {
	return type.description.name;
}

function defaultVersionOf(type: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in type) return type.currentVersion;
	const { version } = type.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function credentialsFor(
	credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
	credentialId?: string,
): INode['credentials'] {
	if (!credentials) return undefined;
	const result: NonNullable<INode['credentials']> = {};
	for (const name of Object.keys(credentials)) {
		result[name] = { id: credentialId ?? `cred-${name}`, name: `${name} (harness)` };
	}
	return result;
}

let executionCounter = 0;

export async function executeNode(options: ExecuteNodeOptions): Promise<ExecuteNodeResult> {
	const typeName = options.nodeTypeName ?? nodeTypeNameOf(options.nodeType) ?? DEFAULT_NODE_TYPE_NAME;
	const inputItems = options.inputItems ?? [{ json: {} }];
	const mode = options.mode ?? 'manual';

	let thrown: unknown;
	const nodeTypes = new HarnessNodeTypes()
		.register(SOURCE_NODE_TYPE, createSourceNodeType(inputItems))
		.register(typeName, options.nodeType, (error) => {
			thrown = error;
		});

	const sourceNode: INode = {
		id: 'harness-source',
		name: SOURCE_NODE_NAME,
		type: SOURCE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		id: 'harness-node-under-test',
		position: [200, 0],
		...options.nodeOverrides,
		name: NODE_UNDER_TEST_NAME,
		type: typeName,
		typeVersion: options.typeVersion ?? defaultVersionOf(options.nodeType),
		parameters: options.parameters,
		credentials: options.nodeOverrides?.credentials ?? credentialsFor(options.credentials, options.credentialId),
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const connections: IConnections = {
		[SOURCE_NODE_NAME]: {
			main: [[{ node: NODE_UNDER_TEST_NAME, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};

	const workflow = new Workflow({
		id: 'harness-workflow',
		name: 'Harness workflow',
		nodes: [sourceNode, node],
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	const executionId = `harness-${++executionCounter}`;
	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflow.id,
		name: workflow.name ?? 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [sourceNode, node],
		connections,
		settings: { executionOrder: 'v1' },
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes, {
		...(options.credentials ?? {}),
	});
	const additionalData = createAdditionalData({ credentialsHelper, hooks, executionId });

	const workflowExecute = new WorkflowExecute(additionalData, mode);
	const running = workflowExecute.run({ workflow, startNode: sourceNode });
	const onAbort = () => running.cancel();
	options.abortSignal?.addEventListener('abort', onAbort, { once: true });
	let run: IRun;
	try {
		run = await running;
	} finally {
		options.abortSignal?.removeEventListener('abort', onAbort);
	}

	const runData = run.data.resultData.runData;
	const taskData = runData[NODE_UNDER_TEST_NAME]?.[0];
	const outputs = (taskData?.data?.[NodeConnectionTypes.Main] ?? []).map((output) => output ?? []);
	const recordedError = taskData?.error ?? run.data.resultData.error;
	let error: HarnessNodeError | undefined = recordedError;
	if (recordedError && isExecutionError(thrown) && thrown.message === recordedError.message) {
		error = thrown;
	}

	return {
		items: outputs[0] ?? [],
		outputs,
		error,
		recordedError,
		runData,
		run,
		node,
		credentialsHelper,
	};
}

/* ------------------------------------------------------------------------------------ */
/* loadOptions / listSearch                                                              */
/* ------------------------------------------------------------------------------------ */

export interface MethodCallOptions {
	nodeType: INodeType | IVersionedNodeType;
	nodeTypeName?: string;
	credentialTypes: ICredentialType[];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** As in `ExecuteNodeOptions`. */
	credentialId?: string;
	/** Current node parameters (as the editor would send them). */
	parameters?: INodeParameters;
	typeVersion?: number;
	/** Parameter path the request is for, e.g. 'parameters.campaignId'. */
	path?: string;
}

export type MethodResult<T> = { ok: true; result: T } | { ok: false; error: unknown };

function createLoadOptionsContext(options: MethodCallOptions): LoadOptionsContext {
	const typeName = options.nodeTypeName ?? nodeTypeNameOf(options.nodeType) ?? DEFAULT_NODE_TYPE_NAME;
	const parameters = options.parameters ?? {};
	const node: INode = {
		id: 'harness-node-under-test',
		name: NODE_UNDER_TEST_NAME,
		type: typeName,
		typeVersion: options.typeVersion ?? defaultVersionOf(options.nodeType),
		position: [0, 0],
		parameters,
		credentials: credentialsFor(options.credentials, options.credentialId),
	};
	const workflow = new Workflow({
		id: 'harness-workflow',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().register(typeName, options.nodeType),
	});
	const credentialsHelper = new HarnessCredentialsHelper(options.credentialTypes, {
		...(options.credentials ?? {}),
	});
	const additionalData = createAdditionalData({ credentialsHelper, currentNodeParameters: parameters });
	return new LoadOptionsContext(workflow, node, additionalData, options.path ?? '');
}

function resolveMethods(options: MethodCallOptions): INodeType['methods'] {
	const type = options.nodeType;
	if ('nodeVersions' in type) {
		return type.getNodeType(options.typeVersion ?? type.currentVersion).methods;
	}
	return type.methods;
}

/** Call `methods.loadOptions[name]` through n8n-core's LoadOptionsContext. Never throws. */
export async function loadOptions(
	options: MethodCallOptions & { method: string },
): Promise<MethodResult<INodePropertyOptions[]>> {
	const fn = resolveMethods(options)?.loadOptions?.[options.method];
	if (!fn) return { ok: false, error: new Error(`Harness: no loadOptions method "${options.method}"`) };
	try {
		const context = createLoadOptionsContext(options);
		return { ok: true, result: await fn.call(context) };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Call `methods.listSearch[name](filter, paginationToken)` through LoadOptionsContext. Never throws. */
export async function listSearch(
	options: MethodCallOptions & { method: string; filter?: string; paginationToken?: string },
): Promise<MethodResult<INodeListSearchResult>> {
	const fn = resolveMethods(options)?.listSearch?.[options.method];
	if (!fn) return { ok: false, error: new Error(`Harness: no listSearch method "${options.method}"`) };
	try {
		const context = createLoadOptionsContext(options);
		return { ok: true, result: await fn.call(context, options.filter, options.paginationToken) };
	} catch (error) {
		return { ok: false, error };
	}
}

/* ------------------------------------------------------------------------------------ */
/* testCredential                                                                        */
/* ------------------------------------------------------------------------------------ */

export interface TestCredentialResult extends INodeCredentialTestResult {
	/** The error caught while running the test request, if any (for assertions). */
	error?: unknown;
}

interface ResponseLike {
	status?: number;
	statusText?: string;
}

function responseOf(error: unknown): ResponseLike | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const cause = (error as { cause?: unknown }).cause;
	if (typeof cause !== 'object' || cause === null) return undefined;
	const response = (cause as { response?: unknown }).response;
	return typeof response === 'object' && response !== null ? (response as ResponseLike) : undefined;
}

function causeCode(error: unknown): string | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const cause = (error as { cause?: unknown }).cause;
	if (typeof cause !== 'object' || cause === null) return undefined;
	const code = (cause as { code?: unknown }).code;
	return typeof code === 'string' ? code : undefined;
}

function getPath(data: unknown, path: string): unknown {
	let current: unknown = data;
	for (const key of path.split('.')) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	return current;
}

/**
 * Run `credentialType.test` against `data` like n8n's credential test: the test request
 * is routed by n8n-core's RoutingNode (so `={{$credentials.x}}` in baseURL/url/headers
 * resolves), authenticated by the credential type's `authenticate` block, and sent with
 * n8n-core's real HTTP helper. Non-2xx → Error with the status text (or a matching
 * `responseCode` rule's message); `responseSuccessBody` rules are checked on success.
 */
export async function testCredential(
	credentialType: ICredentialType,
	data: ICredentialDataDecryptedObject,
	options: { extraCredentialTypes?: ICredentialType[] } = {},
): Promise<TestCredentialResult> {
	const test = credentialType.test;
	if (!test) return { status: 'Error', message: 'Harness: credential type has no test request' };

	const typeName = 'harness.credentialTest';
	const testNodeType: INodeType = {
		description: {
			displayName: 'Credential Test',
			name: typeName,
			group: ['transform'],
			version: 1,
			description: 'Temporary node routing the credential test request',
			defaults: { name: 'Temp-Node' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					routing: { request: test.request },
					default: '',
				},
			],
		},
	};
	const node: INode = {
		id: 'harness-credential-test',
		name: 'Temp-Node',
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: { temp: '' },
		credentials: { [credentialType.name]: { id: 'cred-test', name: 'credential under test' } },
	};
	const workflow = new Workflow({
		id: 'harness-credential-test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().register(typeName, testNodeType),
	});
	const credentialsHelper = new HarnessCredentialsHelper(
		[credentialType, ...(options.extraCredentialTypes ?? [])],
		{ [credentialType.name]: data },
	);
	const additionalData = createAdditionalData({ credentialsHelper });
	const credentialsDecrypted: ICredentialsDecrypted = {
		id: 'cred-test',
		name: 'credential under test',
		type: credentialType.name,
		data: credentialsHelper.withDefaults(credentialType.name, data),
	};

	const mode: WorkflowExecuteMode = 'internal';
	const inputData: ITaskDataConnections = { main: [[{ json: {} }]] };
	const executeData: IExecuteData = { data: inputData, source: null, node };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		createRunExecutionData(),
		0,
		inputData.main[0] ?? [],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, testNodeType, credentialsDecrypted);

	let response: INodeExecutionData[][] | undefined;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		const res = responseOf(error);
		if (res?.status !== undefined) {
			for (const rule of test.rules ?? []) {
				if (rule.type === 'responseCode' && rule.properties.value === res.status) {
					return { status: 'Error', message: rule.properties.message, error };
				}
			}
			if (res.status < 200 || res.status > 299) {
				return {
					status: 'Error',
					message: res.statusText || `Received HTTP status code: ${res.status}`,
					error,
				};
			}
		} else {
			const code = causeCode(error);
			if (code) return { status: 'Error', message: code, error };
		}
		const message = error instanceof Error ? error.message : String(error);
		return { status: 'Error', message, error };
	}

	for (const rule of test.rules ?? []) {
		if (rule.type === 'responseSuccessBody') {
			const body = response?.[0]?.[0]?.json;
			if (getPath(body, rule.properties.key) === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/* ------------------------------------------------------------------------------------ */
/* Teardown                                                                              */
/* ------------------------------------------------------------------------------------ */

/** Release everything the harness created (temp user folder, DI singletons). */
export async function shutdownHarness(): Promise<void> {
	Container.reset();
	removeHarnessUserFolder();
}
