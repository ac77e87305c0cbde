/**
 * The repo's two contracts: spec/ocoya-create-campaign.openapi.yaml and the consolidated
 * spec/ocoya-public-api.openapi.yaml describe POST /campaigns twice. They must mean the same
 * (fields, types, enums, limits, required list, query parameters and reply statuses); only wording,
 * examples, an operationId and x-notes may differ. The repo cannot reach the lead's copy, so this
 * checks the two files against each other and the public one's own consistency.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { getPublicContract, PUBLIC_SPEC_PATH, SPEC_PATH } from '../dev/ocoya-stand-in';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

/** Keys that are wording or documentation, not meaning. */
const ANNOTATIONS = new Set(['description', 'summary', 'example', 'examples', 'title', 'operationId', 'tags', 'x-notes', 'x-documented']);

function isRecord(value: Json | undefined): value is JsonRecord {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function load(file: string): JsonRecord {
	const document = parse(fs.readFileSync(file, 'utf8')) as Json;
	if (!isRecord(document)) throw new Error(`${file} is not a YAML mapping`);
	return document;
}

function pointer(document: JsonRecord, ...keys: string[]): Json {
	let current: Json = document;
	for (const key of keys) {
		if (!isRecord(current) || !(key in current)) throw new Error(`no ${keys.join(' > ')}`);
		current = current[key];
	}
	return current;
}

/** The meaning of a piece of the spec: local $refs inlined, annotations dropped, keys sorted. */
function meaning(value: Json, document: JsonRecord): Json {
	if (Array.isArray(value)) return value.map((entry) => meaning(entry, document));
	if (!isRecord(value)) return value;
	const ref = value.$ref;
	if (typeof ref === 'string') return meaning(pointer(document, ...ref.slice(2).split('/')), document);
	const out: JsonRecord = {};
	for (const key of Object.keys(value).sort()) {
		if (!ANNOTATIONS.has(key)) out[key] = meaning(value[key], document);
	}
	// `required` is a set.
	if (Array.isArray(out.required) && out.required.every((entry) => typeof entry === 'string')) {
		out.required = [...(out.required as string[])].sort();
	}
	return out;
}

/** What POST /campaigns means in one document: query parameters, body, reply statuses and the 202 body. */
function campaignMeaning(document: JsonRecord): JsonRecord {
	const operation = pointer(document, 'paths', '/campaigns', 'post');
	if (!isRecord(operation)) throw new Error('POST /campaigns is not an object');
	const responses = operation.responses;
	if (!isRecord(responses)) throw new Error('POST /campaigns has no responses');
	const parameters = meaning(operation.parameters ?? [], document);
	return {
		parameters: Array.isArray(parameters)
			? [...parameters].sort((a, b) => String(isRecord(a) && a.name).localeCompare(String(isRecord(b) && b.name)))
			: parameters,
		requestBody: meaning(operation.requestBody ?? null, document),
		statuses: Object.keys(responses).sort(),
		accepted: meaning(responses['202'] ?? null, document),
		security: meaning(operation.security ?? document.security ?? null, document),
		server: meaning(document.servers ?? null, document),
	};
}

/** Readable differences between two meanings, as `path: left ≠ right` lines. */
function differences(left: Json, right: Json, where = '$'): string[] {
	if (isRecord(left) && isRecord(right)) {
		const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
		return keys.flatMap((key) => differences(left[key] ?? null, right[key] ?? null, `${where}.${key}`));
	}
	if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
		return left.flatMap((entry, index) => differences(entry, right[index], `${where}[${index}]`));
	}
	return JSON.stringify(left) === JSON.stringify(right) ? [] : [`${where}: ${JSON.stringify(left)} ≠ ${JSON.stringify(right)}`];
}

const campaignSpec = load(SPEC_PATH);
const publicSpec = load(PUBLIC_SPEC_PATH);

describe('POST /campaigns: the campaign spec and the public spec agree', () => {
	it('same query parameters, body fields, types, enums, limits, required list, reply statuses and 202 body', () => {
		expect(differences(campaignMeaning(campaignSpec), campaignMeaning(publicSpec))).toEqual([]);
	});

	it('the comparison sees what matters: fields, types, enums, limits, required, statuses', () => {
		const base = campaignMeaning(campaignSpec);
		const mutations: Array<[string, (document: JsonRecord) => void]> = [
			['a limit', (d) => setIn(d, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'count', 'maximum'], 31)],
			['an enum value', (d) => setIn(d, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'goal', 'enum'], ['awareness'])],
			['a type', (d) => setIn(d, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'duration', 'type'], 'number')],
			['a field', (d) => setIn(d, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'imageCount'], { type: 'integer' })],
			['the required list', (d) => setIn(d, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'required'], ['prompt', 'goal'])],
			['the reply status', (d) => {
				const responses = pointer(d, 'paths', '/campaigns', 'post', 'responses') as JsonRecord;
				responses['201'] = responses['202'];
				delete responses['202'];
			}],
			['the workspaceId parameter', (d) => setIn(d, ['paths', '/campaigns', 'post', 'parameters', '0', 'required'], false)],
		];
		for (const [what, mutate] of mutations) {
			const copy = structuredClone(campaignSpec);
			mutate(copy);
			expect({ what, found: differences(base, campaignMeaning(copy)).length > 0 }).toEqual({ what, found: true });
		}
		// Wording is not meaning.
		const reworded = structuredClone(campaignSpec);
		setIn(reworded, ['paths', '/campaigns', 'post', 'description'], 'Other words.');
		setIn(reworded, ['paths', '/campaigns', 'post', 'requestBody', 'content', 'application/json', 'schema', 'properties', 'count', 'example'], 9);
		expect(differences(base, campaignMeaning(reworded))).toEqual([]);
	});
});

function setIn(document: JsonRecord, keys: string[], value: Json): void {
	let current: Json = document;
	for (const key of keys.slice(0, -1)) {
		current = Array.isArray(current) ? current[Number(key)] : isRecord(current) ? current[key] : null;
		if (current === null || typeof current !== 'object') throw new Error(`no ${keys.join(' > ')}`);
	}
	const last = keys[keys.length - 1];
	if (Array.isArray(current)) current[Number(last)] = value;
	else (current as JsonRecord)[last] = value;
}

describe('the public spec', () => {
	const expected = [
		'GET /me',
		'GET /workspaces',
		'GET /social-profiles',
		'GET /social-profiles/connection-url',
		'GET /brand-kits',
		'GET /hashtag-libraries',
		'GET /studio-templates',
		'GET /post',
		'POST /post',
		'PATCH /post/{postId}',
		'DELETE /post/{postId}',
		'POST /post/ai',
		'POST /campaigns',
	];

	it('has the 13 operations, each with a unique operationId, x-documented and x-notes, and compiles', () => {
		const contract = getPublicContract();
		expect(contract.operations.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual([...expected].sort());
		expect(new Set(contract.operations.map((operation) => operation.operationId)).size).toBe(13);
		for (const operation of contract.operations) {
			const raw = pointer(publicSpec, 'paths', operation.path, operation.method.toLowerCase()) as JsonRecord;
			expect({ operation: operation.operationId, documented: raw['x-documented'] }).toEqual({
				operation: operation.operationId,
				documented: expect.stringMatching(/^(full|request-only|referenced)$/),
			});
			expect(Array.isArray(raw['x-notes'])).toBe(true);
		}
	});

	it('states what the node relies on: 60 a minute per key, the base URL, X-API-Key', () => {
		expect(pointer(publicSpec, 'x-rate-limit')).toMatchObject({ limit: 60, scope: 'API key', exceededStatus: 429 });
		expect(pointer(publicSpec, 'servers')).toEqual(pointer(campaignSpec, 'servers'));
		expect(pointer(publicSpec, 'components', 'securitySchemes', 'ApiKeyAuth')).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
	});

	it('lives in the repo: nothing under dev/, nodes/, credentials/ or test/ reads the lead’s shared folder', () => {
		const root = path.resolve(__dirname, '..');
		// A path in a string literal reaches; a comment naming where the contract came from does not.
		const reaches = new RegExp(`['"\`][^'"\`\\n]*\\.\\./shared`);
		const offenders: string[] = [];
		const walk = (dir: string): void => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				const full = path.join(dir, entry.name);
				if (entry.isDirectory()) {
					if (entry.name !== 'node_modules') walk(full);
				} else if (/\.(ts|js|json)$/.test(entry.name) && reaches.test(fs.readFileSync(full, 'utf8'))) {
					offenders.push(path.relative(root, full));
				}
			}
		};
		for (const dir of ['dev', 'nodes', 'credentials', 'test']) walk(path.join(root, dir));
		expect(offenders).toEqual([]);
		// Built at run time so this file does not match itself.
		const shared = ['..', 'shared'].join('/');
		expect(reaches.test(`const spec = '../${shared}/spec/x.yaml';`)).toBe(true);
		expect(reaches.test(`// a copy of ${shared}/spec/x.yaml`)).toBe(false);
		expect(path.dirname(PUBLIC_SPEC_PATH)).toBe(path.join(root, 'spec'));
	});
});
