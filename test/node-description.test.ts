/**
 * The node's description as n8n reads it: every resource and operation of issue 16, defaults that
 * keep 0.2.0 workflows on Campaign › Create, and every property reachable from exactly the
 * resource › operation it belongs to, with the names it refers to existing. Also runs a workflow
 * saved by 0.2.0 (no resource or operation stored) and checks it still sends Campaign › Create.
 */
import fs from 'node:fs';
import path from 'node:path';

import { NodeHelpers, type INode, type INodeParameters, type INodeProperties } from 'n8n-workflow';

import { createParameters, ocoyaNode, runCreate, useStandIn } from './support/ocoya';

const description = ocoyaNode.description;
const properties = description.properties;

const EXPECTED: Record<string, string[]> = {
	account: ['get'],
	brandKit: ['getAll'],
	campaign: ['create'],
	hashtagLibrary: ['getAll'],
	post: ['create', 'createWithAi', 'delete', 'getAll', 'update'],
	socialProfile: ['getAll', 'getConnectionUrl'],
	studioTemplate: ['getAll'],
	workspace: ['getAll'],
};

const resourceProperty = properties.find((p) => p.name === 'resource') as INodeProperties;
const selectors = properties.filter((p) => p.name === 'operation');

function valuesOf(p: INodeProperties): string[] {
	return (p.options ?? []).map((option) => String((option as { value: unknown }).value));
}

/** The resource › operation pairs a property is shown for (from its display options). */
function pairsOf(p: INodeProperties): Array<[string, string]> {
	const show = p.displayOptions?.show ?? {};
	const resources = (show.resource ?? []).map(String);
	const operations = (show.operation ?? []).map(String);
	return resources.flatMap((r) => operations.map((o): [string, string] => [r, o]));
}

/** The parameters n8n holds for a node with these saved parameters (defaults filled in). */
function resolved(saved: INodeParameters): INodeParameters {
	const node: INode = {
		id: 'n',
		name: 'Ocoya',
		type: 'n8n-nodes-ocoya.ocoya',
		typeVersion: 1,
		position: [0, 0],
		parameters: saved,
	};
	return NodeHelpers.getNodeParameters(properties, saved, true, false, node, description) ?? {};
}

describe('the node description', () => {
	test('stays version 1, usable as a tool, with a subtitle naming the operation and resource', () => {
		expect(description.version).toBe(1);
		expect(description.usableAsTool).toBe(true);
		expect(description.subtitle).toBe('={{ $parameter["operation"] + ": " + $parameter["resource"] }}');
		expect(description.description).toMatch(/campaigns and posts/);
		expect(description.description).toMatch(/workspaces, social profiles and brand context/);
	});

	test('offers exactly the resources of issue 16, sorted by name, Campaign the default', () => {
		expect(valuesOf(resourceProperty).sort()).toEqual(Object.keys(EXPECTED).sort());
		const names = (resourceProperty.options ?? []).map((o) => String((o as { name: string }).name));
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
		expect(resourceProperty.default).toBe('campaign');
		expect(resourceProperty.noDataExpression).toBe(true);
	});

	test.each(Object.entries(EXPECTED))('%s has one Operation dropdown with exactly %p, its default among them', (resource, operations) => {
		const own = selectors.filter((s) => (s.displayOptions?.show?.resource ?? []).includes(resource));
		expect(own).toHaveLength(1);
		const [selector] = own;
		expect(selector.displayOptions).toEqual({ show: { resource: [resource] } });
		expect(valuesOf(selector).sort()).toEqual([...operations].sort());
		expect(valuesOf(selector)).toContain(selector.default);
		expect(selector.noDataExpression).toBe(true);
		for (const option of selector.options ?? []) {
			expect(option).toEqual(expect.objectContaining({ description: expect.any(String), action: expect.any(String) }));
		}
	});

	test('the defaults are Campaign › Create, and each resource opens on its own default operation', () => {
		expect(resolved({})).toMatchObject({ resource: 'campaign', operation: 'create' });
		expect(resolved({ resource: 'post' })).toMatchObject({ operation: 'create' });
		expect(resolved({ resource: 'socialProfile' })).toMatchObject({ operation: 'getAll' });
		expect(resolved({ resource: 'account' })).toMatchObject({ operation: 'get' });
	});

	test('every other property belongs to existing resource › operation pairs', () => {
		for (const p of properties) {
			if (p.name === 'resource' || p.name === 'operation') continue;
			const pairs = pairsOf(p);
			expect({ name: p.name, pairs: pairs.length > 0 }).toEqual({ name: p.name, pairs: true });
			for (const [resource, operation] of pairs) {
				expect({ name: p.name, resource, operation, known: EXPECTED[resource]?.includes(operation) ?? false }).toEqual({
					name: p.name,
					resource,
					operation,
					known: true,
				});
			}
		}
	});

	test.each(Object.entries(EXPECTED).flatMap(([r, ops]) => ops.map((o) => [r, o])))(
		'%s › %s: property names are unique unless a further display condition tells them apart; conditions name its own fields',
		(resource, operation) => {
			const own = properties.filter((p) => pairsOf(p).some(([r, o]) => r === resource && o === operation));
			expect(own.length).toBeGreaterThan(0);
			const names = new Set(own.map((p) => p.name));
			const seen = new Map<string, number>();
			for (const p of own) {
				const show = p.displayOptions?.show ?? {};
				const hide = p.displayOptions?.hide ?? {};
				const further = [...Object.keys(show), ...Object.keys(hide)].filter((k) => !['resource', 'operation'].includes(k));
				for (const key of further) {
					if (key.startsWith('@')) continue;
					expect({ property: p.name, refersTo: key, exists: names.has(key) }).toEqual({ property: p.name, refersTo: key, exists: true });
				}
				if (further.length === 0) seen.set(p.name, (seen.get(p.name) ?? 0) + 1);
			}
			for (const [name, count] of seen) expect({ name, count }).toEqual({ name, count: 1 });
		},
	);

	test('every dropdown and list method a property names exists on the node, and what it depends on exists', () => {
		const methods = ocoyaNode.methods ?? {};
		const parameterNames = new Set(properties.map((p) => p.name));
		for (const p of properties) {
			const loadOptionsMethod = p.typeOptions?.loadOptionsMethod;
			if (loadOptionsMethod !== undefined) expect(Object.keys(methods.loadOptions ?? {})).toContain(loadOptionsMethod);
			for (const dependency of p.typeOptions?.loadOptionsDependsOn ?? []) {
				expect(parameterNames).toContain(dependency.split('.')[0]);
			}
			for (const mode of p.modes ?? []) {
				const searchListMethod = mode.typeOptions?.searchListMethod;
				if (searchListMethod !== undefined) expect(Object.keys(methods.listSearch ?? {})).toContain(searchListMethod);
			}
		}
	});

	test('every Get Many has Return All (off) and Limit (50, shown while Return All is off)', () => {
		for (const [resource, operations] of Object.entries(EXPECTED)) {
			if (!operations.includes('getAll')) continue;
			const own = properties.filter((p) => pairsOf(p).some(([r, o]) => r === resource && o === 'getAll'));
			expect(own.find((p) => p.name === 'returnAll')).toMatchObject({ type: 'boolean', default: false });
			expect(own.find((p) => p.name === 'limit')).toMatchObject({
				type: 'number',
				default: 50,
				displayOptions: { show: { returnAll: [false] } },
			});
		}
	});
});

describe('the codex and the package', () => {
	const root = path.resolve(__dirname, '..');
	const codex = JSON.parse(fs.readFileSync(path.join(root, 'nodes/Ocoya/Ocoya.node.json'), 'utf8')) as {
		node: string;
		categories: string[];
		subcategories?: Record<string, string[]>;
		resources: { primaryDocumentation: Array<{ url: string }>; credentialDocumentation: Array<{ url: string }> };
		alias: string[];
	};
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { description: string; keywords: string[] };

	test('the codex files the node under marketing and names what it now covers', () => {
		expect(codex.node).toBe('n8n-nodes-ocoya.ocoya');
		expect(codex.categories).toEqual(['Marketing & Content']);
		expect(codex.subcategories).toEqual({ 'Marketing & Content': ['Social Media'] });
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
		for (const word of ['social media', 'campaign', 'post', 'schedule', 'workspace']) {
			expect(codex.alias.map((a) => a.toLowerCase())).toContain(word);
		}
	});

	test('the package description and keywords follow the new scope', () => {
		expect(pkg.description).toMatch(/posts/);
		expect(pkg.description).toMatch(/campaign/);
		expect(pkg.keywords).toEqual(expect.arrayContaining(['n8n-community-node-package', 'ocoya', 'social media', 'posts', 'scheduling']));
	});
});

describe('a workflow saved by 0.2.0', () => {
	const standIn = useStandIn();

	/** 0.2.0 had one resource and one operation, both defaults, so the editor stored neither. */
	function saved020(overrides: INodeParameters = {}): INodeParameters {
		const { resource: _resource, operation: _operation, ...rest } = createParameters(overrides);
		return rest;
	}

	test('stores no resource or operation (the fixture is what 0.2.0 saved)', () => {
		expect(saved020()).not.toHaveProperty('resource');
		expect(saved020()).not.toHaveProperty('operation');
	});

	test('still runs Campaign › Create and sends exactly the request it sent before', async () => {
		const result = await runCreate(
			standIn,
			saved020({ goal: 'launch', tone: 'friendly', count: 6, duration: 14, options: {} }),
		);

		expect(result.error).toBeUndefined();
		expect(standIn.requests).toHaveLength(1);
		const [request] = standIn.requests;
		expect([request.method, request.path, request.query]).toEqual(['POST', '/campaigns', { workspaceId: 'ws_standin_1' }]);
		expect(request.body).toEqual({
			prompt: 'Summer launch campaign for our ecommerce analytics dashboard',
			goal: 'launch',
			tone: 'friendly',
			count: 6,
			duration: 14,
		});
		expect(result.items).toEqual([
			{
				json: { campaignId: expect.stringMatching(/^cmp_standin_/), status: 'GENERATING', queued: true, generation: expect.any(Object) },
				pairedItem: { item: 0 },
			},
		]);
	});

	test.each(['lead-to-campaign.json', 'crm-batch.json'])('the Ocoya node of examples/%s resolves to Campaign › Create without its resource and operation', (file) => {
		const workflow = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', file), 'utf8')) as {
			nodes: Array<{ type: string; parameters: INodeParameters }>;
		};
		const node = workflow.nodes.find((n) => n.type === 'n8n-nodes-ocoya.ocoya');
		const { resource: _r, operation: _o, ...rest } = node?.parameters ?? {};
		const parameters = resolved(rest);
		expect(parameters).toMatchObject({ resource: 'campaign', operation: 'create', ...rest });
		// No parameter of another operation is filled in.
		expect(parameters).not.toHaveProperty('caption');
		expect(parameters).not.toHaveProperty('returnAll');
	});
});
