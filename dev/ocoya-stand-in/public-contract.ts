/**
 * The consolidated public API (spec/ocoya-public-api.openapi.yaml), compiled once per process:
 * every operation's query parameters, request body and replies as validators, so the stand-in
 * checks each request against the same document the node is built against.
 */
import * as fs from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { at, describeErrors, isRecord, PUBLIC_SPEC_PATH, type JsonObject } from './contract';

/** A parsed query string: a repeated key becomes an array. */
export type Query = Record<string, string | string[]>;

/**
 * How an array query parameter (`statuses`) is read. The contract assumes a repeated key
 * (`statuses=DRAFT&statuses=POSTED`) but does not document it. 'comma' reads it the other
 * common way: the FIRST value only (as `URLSearchParams.get` does), split on commas, so a
 * repeated key loses every value but the first.
 */
export type StatusesFormat = 'repeated' | 'comma';

export interface QueryCheck {
	/** Readable error lines, empty when valid. */
	errors: string[];
	/** The query as the server reads it: integers parsed, array parameters as arrays. */
	values: JsonObject;
}

export interface OperationContract {
	readonly operationId: string;
	/** Upper case, e.g. `GET`. */
	readonly method: string;
	/** The spec's path template, e.g. `/post/{postId}`. */
	readonly path: string;
	readonly queryParameters: readonly string[];
	readonly requiredQueryParameters: readonly string[];
	/** The request body schema as enforced (the spec's, with unknown properties refused); undefined without a body. */
	readonly requestSchema: JsonObject | undefined;
	/** Reply statuses the spec declares, e.g. `['200', '401', …]`. */
	readonly responseStatuses: readonly string[];
	checkQuery(query: Query, statusesFormat?: StatusesFormat): QueryCheck;
	/** Validates a parsed body; [] when valid (and for operations without a body schema). */
	validateBody(body: unknown): string[];
	/** Validates a reply against the spec's schema for that status; an undeclared status is an error. */
	validateResponse(status: number, body: unknown): string[];
}

export type OperationMatch =
	| { kind: 'operation'; operation: OperationContract; pathParameters: Record<string, string> }
	| { kind: 'method-not-allowed'; allowed: string[] }
	| { kind: 'not-found' };

export interface PublicContract {
	readonly basePath: string;
	readonly document: JsonObject;
	readonly operations: readonly OperationContract[];
	/** By operationId, e.g. `listPosts`; throws for an unknown id. */
	operation(operationId: string): OperationContract;
	/** Which operation a request (path below the base path) is for. */
	match(method: string, path: string): OperationMatch;
}

const HTTP_METHODS = ['get', 'post', 'patch', 'put', 'delete'];

/** Replaces every local `$ref` with a copy of what it points to (the spec has no cycles; one would throw). */
function inlineRefs(value: unknown, document: JsonObject, trail: string[] = []): unknown {
	if (Array.isArray(value)) return value.map((entry) => inlineRefs(entry, document, trail));
	if (!isRecord(value)) return value;
	const ref = value.$ref;
	if (typeof ref === 'string') {
		if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
		if (trail.includes(ref)) throw new Error(`Cyclic $ref ${ref}`);
		return inlineRefs(at(document, ...ref.slice(2).split('/')), document, [...trail, ref]);
	}
	const copy: JsonObject = {};
	for (const [key, entry] of Object.entries(value)) copy[key] = inlineRefs(entry, document, trail);
	return copy;
}

/** Refuses unknown properties in every object schema that lists its properties, as the campaign contract does. */
function closeObjects(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(closeObjects);
	if (!isRecord(schema)) return schema;
	const copy: JsonObject = {};
	for (const [key, entry] of Object.entries(schema)) copy[key] = key === 'example' ? entry : closeObjects(entry);
	if (isRecord(copy.properties) && copy.additionalProperties === undefined) copy.additionalProperties = false;
	return copy;
}

/** RFC 3339 date-time with a real calendar date. */
function isDateTime(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(value);
	if (!match) return false;
	const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	return (
		date.getUTCFullYear() === year &&
		date.getUTCMonth() === month - 1 &&
		date.getUTCDate() === day &&
		hour < 24 &&
		minute < 60 &&
		second < 60
	);
}

/** Ocoya downloads media and reference URLs, so only absolute http(s) URLs are usable. */
function isHttpUrl(value: string): boolean {
	if (!/^https?:\/\//i.test(value)) return false;
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

function newAjv(): Ajv2020 {
	// strict so a schema the validator cannot honour fails loudly; OpenAPI's annotations are declared.
	const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
	ajv.addKeyword('example');
	ajv.addKeyword('x-effective-maximum');
	ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
	ajv.addFormat('uri', { type: 'string', validate: isHttpUrl });
	ajv.addFormat('email', { type: 'string', validate: (value: string) => /^[^\s@]+@[^\s@]+$/.test(value) });
	return ajv;
}

/** What the stand-in adds to query parameters the spec leaves open. */
function tightenParameter(name: string, schema: JsonObject): JsonObject {
	const copy = structuredClone(schema);
	// A page of no records would make a paging client loop forever; Ocoya states no minimum.
	if (name === 'perPage' && copy.minimum === undefined) copy.minimum = 1;
	// An empty workspaceId is as good as none.
	if (name === 'workspaceId' && copy.minLength === undefined) copy.minLength = 1;
	return copy;
}

function compileOperation(
	ajv: Ajv2020,
	document: JsonObject,
	path: string,
	method: string,
	pathItem: JsonObject,
	rawOperation: JsonObject,
): OperationContract {
	const operation = inlineRefs(rawOperation, document) as JsonObject;
	const operationId = operation.operationId;
	if (typeof operationId !== 'string') throw new Error(`${method.toUpperCase()} ${path} has no operationId`);

	const parameters = [
		...((inlineRefs(pathItem.parameters ?? [], document) as unknown[]) ?? []),
		...(Array.isArray(operation.parameters) ? operation.parameters : []),
	].filter(isRecord);
	const queryProperties: JsonObject = {};
	const required: string[] = [];
	const arrays = new Set<string>();
	const integers = new Set<string>();
	for (const parameter of parameters) {
		if (parameter.in !== 'query' || typeof parameter.name !== 'string') continue;
		const schema = tightenParameter(parameter.name, isRecord(parameter.schema) ? parameter.schema : {});
		queryProperties[parameter.name] = schema;
		if (parameter.required === true) required.push(parameter.name);
		if (schema.type === 'array') arrays.add(parameter.name);
		if (schema.type === 'integer') integers.add(parameter.name);
	}
	const queryValidator = ajv.compile({
		type: 'object',
		properties: queryProperties,
		required,
		additionalProperties: false,
	});

	const bodySchema = isRecord(operation.requestBody)
		? (operation.requestBody.content as JsonObject | undefined)?.['application/json']
		: undefined;
	const requestSchema =
		isRecord(bodySchema) && isRecord(bodySchema.schema) ? (closeObjects(bodySchema.schema) as JsonObject) : undefined;
	const bodyValidator = requestSchema ? ajv.compile(requestSchema) : undefined;

	const responses = isRecord(operation.responses) ? operation.responses : {};
	const responseValidators = new Map<string, ValidateFunction | undefined>();
	for (const [status, response] of Object.entries(responses)) {
		const schema = isRecord(response) ? (response.content as JsonObject | undefined)?.['application/json'] : undefined;
		responseValidators.set(status, isRecord(schema) && isRecord(schema.schema) ? ajv.compile(schema.schema) : undefined);
	}

	return {
		operationId,
		method: method.toUpperCase(),
		path,
		queryParameters: Object.keys(queryProperties),
		requiredQueryParameters: required,
		requestSchema,
		responseStatuses: [...responseValidators.keys()],
		checkQuery(query, statusesFormat = 'repeated') {
			const errors: string[] = [];
			const values: JsonObject = {};
			for (const [name, value] of Object.entries(query)) {
				if (arrays.has(name)) {
					values[name] =
						statusesFormat === 'comma'
							? (Array.isArray(value) ? value[0] : value).split(',')
							: Array.isArray(value)
								? value
								: [value];
					continue;
				}
				if (Array.isArray(value)) errors.push(`query.${name} must not be repeated`);
				const single = Array.isArray(value) ? value[0] : value;
				values[name] = integers.has(name) && /^-?\d+$/.test(single) ? Number(single) : single;
			}
			if (!queryValidator(values)) errors.push(...describeErrors(queryValidator.errors, 'query'));
			return { errors, values };
		},
		validateBody(body) {
			if (!bodyValidator) return [];
			if (bodyValidator(body)) return [];
			return describeErrors(requestSchema ? oneOfErrors(requestSchema, bodyValidator.errors ?? []) : bodyValidator.errors);
		},
		validateResponse(status, body) {
			const key = String(status);
			if (!responseValidators.has(key)) return [`reply status ${key} is not declared for ${operationId}`];
			const validator = responseValidators.get(key);
			if (!validator) return [];
			return validator(body) ? [] : describeErrors(validator.errors, 'reply');
		},
	};
}

/** Keywords by which a body's shape picks a oneOf alternative (as opposed to a bad value inside it). */
const SHAPE_KEYWORDS = new Set(['required', 'not', 'additionalProperties', 'type']);

/**
 * Ajv reports a failed top-level oneOf with the errors of every alternative, which reads as noise.
 * Keep the errors of the one alternative the body's shape picks (its fields are the right ones,
 * a value is wrong); when no alternative fits the shape, say which field sets are allowed.
 */
function oneOfErrors(schema: JsonObject, errors: ErrorObject[]): ErrorObject[] {
	const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf.filter(isRecord) : [];
	if (alternatives.length === 0 || !errors.some((error) => error.keyword === 'oneOf' && error.instancePath === '')) return errors;
	const errorsOf = (index: number): ErrorObject[] => errors.filter((error) => error.schemaPath.startsWith(`#/oneOf/${index}/`));
	const fitting = alternatives
		.map((_, index) => index)
		.filter((index) => !errorsOf(index).some((error) => error.instancePath === '' && SHAPE_KEYWORDS.has(error.keyword)));
	if (fitting.length === 1) return errorsOf(fitting[0]);
	// What every alternative says alike (not an object; an unknown field) is the real reason.
	const sharedByAll = (keyword: string): ErrorObject[] => {
		const first = errorsOf(0).filter((error) => error.instancePath === '' && error.keyword === keyword);
		return first.filter((error) =>
			alternatives.every((_, index) =>
				errorsOf(index).some((other) => other.keyword === keyword && other.message === error.message && JSON.stringify(other.params) === JSON.stringify(error.params)),
			),
		);
	};
	const notObject = sharedByAll('type');
	if (notObject.length > 0) return notObject.slice(0, 1);
	const unknown = sharedByAll('additionalProperties');
	const shapes = alternatives.map((alternative) => {
		const required = Array.isArray(alternative.required) ? alternative.required.map(String) : [];
		return `${typeof alternative.title === 'string' ? `${alternative.title}: ` : ''}${required.join(' and ') || 'any fields'}`;
	});
	const summary: ErrorObject = {
		keyword: 'oneOf',
		instancePath: '',
		schemaPath: '#/oneOf',
		params: {},
		message: `must be one of (${shapes.join('; ')}), with no other fields than the spec lists`,
	};
	return [...unknown, summary, ...errors.filter((error) => !error.schemaPath.startsWith('#/oneOf/') && error.keyword !== 'oneOf')];
}

function templatePattern(path: string): { pattern: RegExp; names: string[] } {
	const names: string[] = [];
	const source = path
		.split('/')
		.map((segment) => {
			const name = /^\{(.+)\}$/.exec(segment)?.[1];
			if (name === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			names.push(name);
			return '([^/]+)';
		})
		.join('/');
	return { pattern: new RegExp(`^${source}$`), names };
}

function decodePathSegment(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		// Malformed escapes are kept as sent; no post id has a '%' in it.
		return segment;
	}
}

function buildPublicContract(): PublicContract {
	const document: unknown = parse(fs.readFileSync(PUBLIC_SPEC_PATH, 'utf8'));
	if (!isRecord(document)) throw new Error(`${PUBLIC_SPEC_PATH} is not an OpenAPI document`);
	const servers = document.servers;
	const serverUrl = Array.isArray(servers) && isRecord(servers[0]) ? servers[0].url : undefined;
	if (typeof serverUrl !== 'string') throw new Error(`${PUBLIC_SPEC_PATH} has no servers[0].url`);
	const basePath = new URL(serverUrl).pathname.replace(/\/+$/, '');

	const ajv = newAjv();
	const operations: OperationContract[] = [];
	for (const [path, pathItem] of Object.entries(at(document, 'paths'))) {
		if (!isRecord(pathItem)) continue;
		for (const method of HTTP_METHODS) {
			const operation = pathItem[method];
			if (isRecord(operation)) operations.push(compileOperation(ajv, document, path, method, pathItem, operation));
		}
	}
	// Literal paths before templates, so `/post/ai` is never read as a post id.
	const routes = operations
		.map((operation) => ({ operation, ...templatePattern(operation.path) }))
		.sort((a, b) => a.names.length - b.names.length);

	return {
		basePath,
		document,
		operations,
		operation(operationId) {
			const found = operations.find((operation) => operation.operationId === operationId);
			if (!found) throw new Error(`No operation ${operationId} in ${PUBLIC_SPEC_PATH}`);
			return found;
		},
		match(method, path) {
			const upper = method.toUpperCase();
			const allowed: string[] = [];
			for (const route of routes) {
				const found = route.pattern.exec(path);
				if (!found) continue;
				if (route.operation.method !== upper) {
					allowed.push(route.operation.method);
					continue;
				}
				const pathParameters: Record<string, string> = {};
				route.names.forEach((name, index) => {
					pathParameters[name] = decodePathSegment(found[index + 1]);
				});
				return { kind: 'operation', operation: route.operation, pathParameters };
			}
			return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
		},
	};
}

let cached: PublicContract | undefined;

/** The public-API contract, loaded and compiled once per process. */
export function getPublicContract(): PublicContract {
	cached ??= buildPublicContract();
	return cached;
}
