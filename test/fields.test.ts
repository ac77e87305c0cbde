/**
 * The shared fields (nodes/Ocoya/actions/fields.ts) and the Post parameters as the node declares
 * them: option tables equal to the contract's enums, parameters named exactly as the API fields,
 * n8n's Return All / Limit convention, the factories' overrides, and each Post operation's tool
 * description naming its allowed values (and warning of real accounts where it acts on them).
 */
import fs from 'node:fs';
import path from 'node:path';

import { NodeHelpers, type INodeProperties, type INodePropertyOptions } from 'n8n-workflow';
import { parse } from 'yaml';

import {
	DEFAULT_LIMIT,
	limitField,
	POST_LENGTHS,
	POST_STATUSES,
	postIdField,
	referenceFields,
	requestOptionFields,
	returnAllField,
	TONES,
	workspaceIdField,
} from '../nodes/Ocoya/actions/fields';
import * as post from '../nodes/Ocoya/actions/post/Post.resource';
import { ACTS_ON_REAL_ACCOUNTS, READ_ONLY } from '../nodes/Ocoya/actions/toolDescription';
import { Ocoya } from '../nodes/Ocoya/Ocoya.node';

// The spec as parsed YAML: read by path, its shape checked by the assertions themselves.
type Json = Record<string, any>;
const spec = parse(fs.readFileSync(path.join(__dirname, '..', 'spec', 'ocoya-public-api.openapi.yaml'), 'utf8')) as Json;
const description = new Ocoya().description;
const values = (options: INodePropertyOptions[]) => options.map((option) => String(option.value)).filter((value) => value !== '');

/** The node's parameters shown for Post › `operation` (outside the tool variant). */
function shownFor(operation: string): INodeProperties[] {
	const parameters = { resource: 'post', operation };
	return description.properties.filter(
		(property) =>
			property.name !== 'resource' &&
			property.name !== 'operation' &&
			property.displayOptions?.show?.['@tool'] === undefined &&
			NodeHelpers.displayParameter({ ...parameters, returnAll: false, generateImage: true }, property, { typeVersion: 1 } as never, description),
	);
}
const namesFor = (operation: string) => shownFor(operation).map((property) => property.name);

describe('option tables equal the contract’s enums', () => {
	const aiBody = spec.paths['/post/ai'].post.requestBody.content['application/json'].schema.properties;

	it('TONES and POST_LENGTHS: the values of POST /post/ai (and of POST /campaigns)', () => {
		expect(values(TONES).sort()).toEqual([...aiBody.tone.enum].sort());
		expect(values(POST_LENGTHS).sort()).toEqual([...aiBody.length.enum].sort());
		const campaign = spec.paths['/campaigns'].post.requestBody.content['application/json'].schema.properties;
		expect(values(TONES).sort()).toEqual([...campaign.tone.enum].sort());
		expect(values(POST_LENGTHS).sort()).toEqual([...campaign.postLength.enum].sort());
	});

	it('POST_STATUSES: the PostStatus enum; DRAFT and POSTED described as documented, the rest as unverified', () => {
		expect(values(POST_STATUSES).sort()).toEqual([...spec.components.schemas.PostStatus.enum].sort());
		for (const option of POST_STATUSES) {
			const documented = option.value === 'DRAFT' || option.value === 'POSTED';
			expect([option.value, option.description]).toEqual([
				option.value,
				documented ? expect.stringMatching(/\(documented by Ocoya\)$/) : expect.stringMatching(/\(value not confirmed by Ocoya’s documentation\)$/),
			]);
		}
	});
});

describe('Post parameters are named exactly as the API fields', () => {
	const bodyFields = (schema: Json): string[] =>
		[...new Set((schema.oneOf ?? [schema]).flatMap((alternative: Json) => Object.keys(alternative.properties ?? {})))] as string[];

	it('Create: workspaceId plus every property of POST /post', () => {
		const schema = spec.paths['/post'].post.requestBody.content['application/json'].schema;
		expect(namesFor('create').sort()).toEqual(['workspaceId', ...bodyFields(schema), 'options'].sort());
	});

	it('Create with AI: workspaceId plus every property of POST /post/ai', () => {
		const schema = spec.paths['/post/ai'].post.requestBody.content['application/json'].schema;
		expect(namesFor('createWithAi').sort()).toEqual(['workspaceId', ...bodyFields(schema), 'options'].sort());
	});

	it('Get Many: workspaceId, statuses, Return All, Limit', () => {
		expect(namesFor('getAll')).toEqual(['workspaceId', 'statuses', 'returnAll', 'limit', 'options']);
		const statuses = shownFor('getAll').find((property) => property.name === 'statuses');
		expect(statuses).toMatchObject({ type: 'multiOptions', default: [], options: POST_STATUSES });
	});

	it('Reschedule: postId and scheduledAt (required); Delete: postId; both with a workspace only for the list', () => {
		expect(namesFor('update')).toEqual(['workspaceId', 'postId', 'scheduledAt', 'options']);
		expect(namesFor('delete')).toEqual(['workspaceId', 'postId', 'options']);
		for (const operation of ['update', 'delete']) {
			const workspace = shownFor(operation).find((property) => property.name === 'workspaceId');
			expect(workspace?.required).toBe(false);
			expect(workspace?.description).toMatch(/Not sent/);
		}
		expect(shownFor('update').find((property) => property.name === 'scheduledAt')).toMatchObject({ type: 'dateTime', required: true });
	});

	it('the Post resource and its five operations, with n8n action texts', () => {
		const resource = description.properties.find((property) => property.name === 'resource');
		expect(resource?.options).toContainEqual({ name: 'Post', value: 'post' });
		const selector = description.properties.find((property) => property.name === 'operation' && property.displayOptions?.show?.resource?.[0] === 'post');
		expect((selector?.options as INodePropertyOptions[]).map((option) => [option.value, option.action])).toEqual([
			['create', 'Create a post'],
			['createWithAi', 'Create a post with AI'],
			['delete', 'Delete a post'],
			['getAll', 'Get many posts'],
			['update', 'Reschedule a post'],
		]);
	});
});

describe('shared field factories', () => {
	it('Return All (false) and Limit (50, at least 1, shown only while Return All is off), as n8n’s Get Many', () => {
		expect(returnAllField()).toMatchObject({ name: 'returnAll', type: 'boolean', default: false });
		expect(limitField()).toMatchObject({
			name: 'limit',
			type: 'number',
			default: DEFAULT_LIMIT,
			typeOptions: { minValue: 1 },
			displayOptions: { show: { returnAll: [false] } },
		});
		expect(DEFAULT_LIMIT).toBe(50);
		const limit = shownFor('getAll').find((property) => property.name === 'limit');
		expect(limit?.displayOptions?.show).toEqual({ returnAll: [false], resource: ['post'], operation: ['getAll'] });
	});

	it('overrides change only what they name', () => {
		const base = workspaceIdField();
		const changed = workspaceIdField({ description: 'Where it goes', required: false, displayOptions: { show: { x: [1] } } });
		expect(changed).toEqual({ ...base, description: 'Where it goes', required: false, displayOptions: { show: { x: [1] } } });
		expect(base.modes?.map((mode) => [mode.name, mode.typeOptions?.searchListMethod])).toEqual([
			['list', 'searchWorkspaces'],
			['id', undefined],
		]);
	});

	it('references: URLs and Studio designs, both under the given display options', () => {
		const fields = referenceFields({ displayOptions: { show: { generateImage: [true] } } });
		expect(fields.map((field) => [field.name, field.displayOptions])).toEqual([
			['referenceUrls', { show: { generateImage: [true] } }],
			['referenceDesignIds', { show: { generateImage: [true] } }],
		]);
	});

	it('postId: From List (searchPosts) or By ID, with the path-safe pattern', () => {
		const field = postIdField();
		expect(field.modes?.map((mode) => mode.name)).toEqual(['list', 'id']);
		expect(field.modes?.[0].typeOptions?.searchListMethod).toBe('searchPosts');
		expect(field.modes?.[1].validation).toEqual([
			{ type: 'regex', properties: { regex: '^[A-Za-z0-9_-]+$', errorMessage: expect.any(String) } },
		]);
		expect(Object.keys(new Ocoya().methods.listSearch)).toContain('searchPosts');
	});

	it('request options: Rate Limit: Max Wait (300 s) and Timeout (30,000 ms within 1,000..600,000)', () => {
		expect(requestOptionFields().map((field) => [field.name, field.default, field.typeOptions])).toEqual([
			['rateLimitMaxWait', 300, { minValue: 0 }],
			['timeout', 30_000, { minValue: 1000, maxValue: 600_000 }],
		]);
	});

	it('the creates offer the Deduplication Key; Reschedule and Delete do not', () => {
		const optionNames = (operation: string) =>
			((shownFor(operation).find((property) => property.name === 'options')?.options ?? []) as INodeProperties[]).map((option) => option.name);
		for (const operation of ['create', 'createWithAi']) {
			expect(optionNames(operation)).toEqual(expect.arrayContaining(['deduplicationKey', 'deduplicationAction', 'timeout', 'rateLimitMaxWait']));
		}
		for (const operation of ['getAll', 'update', 'delete']) {
			expect(optionNames(operation).sort()).toEqual(['rateLimitMaxWait', 'timeout']);
		}
	});
});

describe('Post tool descriptions', () => {
	const toolDescriptions = Object.fromEntries(
		description.properties
			.filter((property) => property.name === 'toolDescription' && property.displayOptions?.show?.resource?.[0] === 'post')
			.map((property) => [property.displayOptions?.show?.operation?.[0] as string, property.default as string]),
	);

	it('each operation has its own, the module’s text', () => {
		expect(toolDescriptions).toEqual({
			create: post.create.toolDescription,
			createWithAi: post.createWithAi.toolDescription,
			getAll: post.getAll.toolDescription,
			update: post.update.toolDescription,
			delete: post.delete.toolDescription,
		});
	});

	it('the creates, Reschedule and Delete say they act on real social accounts; Get Many that it is read-only', () => {
		for (const operation of ['create', 'createWithAi', 'update', 'delete']) {
			expect(toolDescriptions[operation]).toContain(ACTS_ON_REAL_ACCOUNTS);
			expect(toolDescriptions[operation]).not.toContain(READ_ONLY);
		}
		expect(toolDescriptions.getAll).toContain(READ_ONLY);
		expect(toolDescriptions.getAll).not.toContain(ACTS_ON_REAL_ACCOUNTS);
	});

	it('they name every allowed value and range', () => {
		for (const tone of values(TONES)) expect(post.createWithAi.toolDescription).toContain(tone);
		for (const length of values(POST_LENGTHS)) expect(post.createWithAi.toolDescription).toContain(length);
		for (const status of values(POST_STATUSES)) expect(post.getAll.toolDescription).toContain(status);
		expect(post.createWithAi.toolDescription).toMatch(/at least 10 characters/);
		expect(post.create.toolDescription).toMatch(/at most 10,000 characters/);
		expect(post.create.toolDescription).toMatch(/2026-01-31T09:30:00Z/);
		expect(post.update.toolDescription).toMatch(/letters, digits, _ and - only/);
		expect(post.getAll.toolDescription).toMatch(/default 50/);
	});
});
