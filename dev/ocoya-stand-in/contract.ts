/**
 * The contracts the stand-in enforces, read from the repo's OpenAPI documents at runtime so
 * the stand-in can never drift from the specs the node is built against: the create-campaign
 * spec (POST /campaigns, as before) and the consolidated public API (all 13 operations).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';

/** Absolute path of the create-campaign OpenAPI document. */
export const SPEC_PATH = path.resolve(__dirname, '../../spec/ocoya-create-campaign.openapi.yaml');
/** Absolute path of the consolidated public-API OpenAPI document (13 operations). */
export const PUBLIC_SPEC_PATH = path.resolve(__dirname, '../../spec/ocoya-public-api.openapi.yaml');

export type JsonObject = Record<string, unknown>;

export interface CampaignContract {
	/** Path prefix of every endpoint, taken from the spec's first server URL (`/api/_public/v1`). */
	readonly basePath: string;
	/** The whole parsed OpenAPI document. */
	readonly document: JsonObject;
	/** The POST /campaigns body schema as enforced: the spec's schema plus the stand-in's tightenings. */
	readonly requestSchema: JsonObject;
	/** The spec's schema for the 202 reply. */
	readonly acceptedResponseSchema: JsonObject;
	/** Validates a parsed body; returns readable error lines, empty when valid. */
	validateBody(body: unknown): string[];
	/** Validates a 202 reply body against the spec; returns error lines, empty when valid. */
	validateAcceptedResponse(body: unknown): string[];
	/** A body made of every property's `example` from the spec (a valid, full request). */
	exampleBody(): JsonObject;
}

export function isRecord(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function at(value: unknown, ...keys: string[]): JsonObject {
	let current = value;
	for (const key of keys) {
		if (!isRecord(current)) break;
		current = current[key];
	}
	if (!isRecord(current)) {
		throw new Error(`OpenAPI document has no object at ${keys.join(' > ')}`);
	}
	return current;
}

/**
 * Adds what the spec states only in prose, so the stand-in rejects what the real API
 * would. Fields already constrained by the spec are left as the spec has them.
 */
function tighten(schema: JsonObject): JsonObject {
	const copy = structuredClone(schema);
	// The spec lists every field, so an unknown one is a node bug worth failing on.
	if (copy.additionalProperties === undefined) copy.additionalProperties = false;
	const properties = at(copy, 'properties');
	for (const name of ['referenceUrls', 'referenceDesignIds']) {
		const property = properties[name];
		// "Maximum 3." is only in these fields' descriptions in the spec.
		if (isRecord(property) && property.maxItems === undefined) property.maxItems = 3;
	}
	return copy;
}

/** Readable error lines; `root` names what was validated (`body`, `query`, `reply`). */
export function describeErrors(errors: ErrorObject[] | null | undefined, root = 'body'): string[] {
	return (errors ?? []).map((error) => {
		const where = `${root}${error.instancePath}`;
		const params: JsonObject = error.params;
		if (error.keyword === 'additionalProperties') {
			return `${where} must NOT have unknown property '${String(params.additionalProperty)}'`;
		}
		if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
			return `${where} must be one of: ${params.allowedValues.join(', ')}`;
		}
		return `${where} ${error.message ?? 'is invalid'}`;
	});
}

function buildContract(): CampaignContract {
	const document: unknown = parse(fs.readFileSync(SPEC_PATH, 'utf8'));
	if (!isRecord(document)) throw new Error(`${SPEC_PATH} is not an OpenAPI document`);

	const servers = document.servers;
	const serverUrl = Array.isArray(servers) && isRecord(servers[0]) ? servers[0].url : undefined;
	if (typeof serverUrl !== 'string') throw new Error(`${SPEC_PATH} has no servers[0].url`);
	const basePath = new URL(serverUrl).pathname.replace(/\/+$/, '');

	const operation = at(document, 'paths', '/campaigns', 'post');
	const specRequestSchema = at(operation, 'requestBody', 'content', 'application/json', 'schema');
	const requestSchema = tighten(specRequestSchema);
	const acceptedResponseSchema = at(operation, 'responses', '202', 'content', 'application/json', 'schema');

	// strict mode so a schema the validator cannot honour fails loudly; `example` is an
	// OpenAPI annotation Ajv does not know, so it is declared rather than relaxing strict mode.
	const ajv = new Ajv2020({ allErrors: true, strict: true });
	ajv.addKeyword('example');
	const requestValidator: ValidateFunction = ajv.compile(requestSchema);
	const responseValidator: ValidateFunction = ajv.compile(acceptedResponseSchema);

	return {
		basePath,
		document,
		requestSchema,
		acceptedResponseSchema,
		validateBody(body) {
			return requestValidator(body) ? [] : describeErrors(requestValidator.errors);
		},
		validateAcceptedResponse(body) {
			return responseValidator(body) ? [] : describeErrors(responseValidator.errors);
		},
		exampleBody() {
			const body: JsonObject = {};
			for (const [name, property] of Object.entries(at(specRequestSchema, 'properties'))) {
				if (isRecord(property) && property.example !== undefined) {
					body[name] = structuredClone(property.example);
				}
			}
			return body;
		},
	};
}

let cached: CampaignContract | undefined;

/** The contract, loaded and compiled once per process. */
export function getContract(): CampaignContract {
	cached ??= buildContract();
	return cached;
}
