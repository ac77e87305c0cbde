/**
 * What an AI Agent's model is told about the Ocoya Tool: each operation has its own tool
 * description naming every value that operation's fields accept, n8n's own code picks the one of
 * the operation the tool runs, and the agent example's $fromAI descriptions (the only schema the
 * model gets) list the values too. The e2e suite (test/e2e/agent.test.ts) captures the same texts
 * from a real agent's requests.
 */
import fs from 'node:fs';
import path from 'node:path';

import {
	NodeHelpers,
	traverseNodeParameters,
	type FromAIArgument,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	ACTS_ON_REAL_ACCOUNTS,
	READ_ONLY,
	TOOL_DESCRIPTION,
	TOOL_FIELD_HINTS,
} from '../nodes/Ocoya/actions/toolDescription';
import { Ocoya } from '../nodes/Ocoya/Ocoya.node';

const description = new Ocoya().description;

/** Whether a property is one of the given operation's own (its display options name both). */
function isShownFor(p: INodeProperties, resource: string, operation: string): boolean {
	const show = p.displayOptions?.show ?? {};
	return (show.resource ?? []).includes(resource) && (show.operation ?? []).includes(operation);
}

/** A field of an operation (by default Campaign › Create's). */
function property(name: string, resource = 'campaign', operation = 'create'): INodeProperties {
	const found = description.properties.find((p) => p.name === name && isShownFor(p, resource, operation));
	if (!found) throw new Error(`no property ${name} for ${resource} › ${operation}`);
	return found;
}

/** Every resource › operation pair the node offers, read from its Operation dropdowns. */
const OPERATIONS: Array<[string, string, string]> = description.properties
	.filter((p) => p.name === 'operation')
	.flatMap((selector) =>
		(selector.options ?? []).map((option): [string, string, string] => [
			String(selector.displayOptions?.show?.resource?.[0]),
			String((option as { value: unknown }).value),
			String((option as { action?: unknown }).action),
		]),
	);

function toolDescriptionOf(resource: string, operation: string): string {
	return String(property('toolDescription', resource, operation).default);
}

/** Operations that change what Ocoya publishes; every other one only reads. */
const CHANGES_ACCOUNTS = new Set(['create', 'createWithAi', 'update', 'delete']);

/** The values a field accepts, read from the field itself (its options, without "let Ocoya decide"). */
function allowedValues(name: string): string[] {
	return (property(name).options ?? [])
		.map((option) => String((option as { value: unknown }).value))
		.filter((value) => value !== '');
}

function range(name: string): { min: number; max: number } {
	const { minValue, maxValue } = property(name).typeOptions ?? {};
	return { min: Number(minValue), max: Number(maxValue) };
}

const CHOICE_FIELDS = ['goal', 'audience', 'tone', 'postLength'] as const;
const NUMBER_FIELDS = ['count', 'duration'] as const;

/** The Ocoya Tool's type as n8n derives it from the node (n8n's convertNodeToAiTool renames it and, seeing our toolDescription, adds nothing). */
function toolVariant(): INodeType {
	const toolDescription: INodeTypeDescription = {
		...description,
		name: `${description.name}Tool`,
		displayName: `${description.displayName} Tool`,
	};
	return { description: toolDescription };
}

/** A node as n8n holds it at run time: saved parameters plus every visible default. */
function nodeOf(type: INodeType, saved: INodeParameters): INode {
	const node: INode = {
		id: 'node-1',
		name: 'Create Ocoya Campaign',
		type: `n8n-nodes-ocoya.${type.description.name}`,
		typeVersion: 1,
		position: [0, 0],
		parameters: saved,
	};
	node.parameters =
		NodeHelpers.getNodeParameters(type.description.properties, saved, true, false, node, type.description) ?? {};
	return node;
}

describe('the tool description', () => {
	test.each(CHOICE_FIELDS)('lists every value %s accepts', (field) => {
		const values = allowedValues(field);
		expect(values.length).toBeGreaterThanOrEqual(4);
		const line = TOOL_DESCRIPTION.split('\n').find((l) => l.startsWith(`- ${field}: `));
		expect(line).toBeDefined();
		for (const value of values) expect(line).toContain(value);
		// Exactly the allowed values, in the table's order.
		expect(line).toContain(`one of ${values.join(', ')};`);
	});

	test.each(NUMBER_FIELDS)('states the range of %s from the field', (field) => {
		const { min, max } = range(field);
		expect(TOOL_DESCRIPTION).toContain(`- ${field}: `);
		expect(TOOL_DESCRIPTION.split('\n').find((l) => l.startsWith(`- ${field}: `))).toContain(`from ${min} to ${max}`);
	});

	test('says what the tool does and warns against a second call; short enough to read (<= 1300 characters, 12 lines)', () => {
		expect(TOOL_DESCRIPTION).toMatch(/^Creates a social media campaign in Ocoya/);
		expect(TOOL_DESCRIPTION).toContain('campaignId');
		expect(TOOL_DESCRIPTION).toContain('may have been created');
		expect(TOOL_DESCRIPTION.length).toBeLessThanOrEqual(1300);
		expect(TOOL_DESCRIPTION.split('\n').length).toBeLessThanOrEqual(12);
	});

	test('is a plain string default of a property shown only in the tool variant, for Campaign › Create', () => {
		const toolDescription = property('toolDescription');
		expect(toolDescription).toMatchObject({
			type: 'string',
			default: TOOL_DESCRIPTION,
			displayOptions: { show: { '@tool': [true], resource: ['campaign'], operation: ['create'] } },
		});
		expect(String(toolDescription.default).startsWith('=')).toBe(false);
	});

	test("is what n8n's getToolDescriptionForNode gives the model for the tool variant left on defaults", () => {
		const tool = toolVariant();
		const node = nodeOf(tool, { resource: 'campaign', operation: 'create' });
		expect(node.parameters.toolDescription).toBe(TOOL_DESCRIPTION);
		expect(NodeHelpers.getToolDescriptionForNode(node, tool)).toBe(TOOL_DESCRIPTION);
	});

	test('a text saved in a workflow still overrides it (the cost of this approach)', () => {
		const tool = toolVariant();
		const node = nodeOf(tool, { resource: 'campaign', operation: 'create', toolDescription: 'Own text' });
		expect(NodeHelpers.getToolDescriptionForNode(node, tool)).toBe('Own text');
	});

	test('the regular node does not carry it', () => {
		const regular: INodeType = { description };
		const node = nodeOf(regular, { resource: 'campaign', operation: 'create' });
		expect(node.parameters).not.toHaveProperty('toolDescription');
	});
});

describe('every operation as an AI Agent tool', () => {
	test('the node offers the operations of issue 16 (Post is wired by its own resource)', () => {
		const pairs = OPERATIONS.map(([resource, operation]) => `${resource}.${operation}`);
		expect(pairs).toEqual(
			expect.arrayContaining([
				'account.get',
				'brandKit.getAll',
				'campaign.create',
				'hashtagLibrary.getAll',
				'socialProfile.getAll',
				'socialProfile.getConnectionUrl',
				'studioTemplate.getAll',
				'workspace.getAll',
			]),
		);
		expect(new Set(pairs).size).toBe(pairs.length);
	});

	test.each(OPERATIONS)('%s › %s has exactly one Tool Description, a plain string shown only in the tool variant', (resource, operation) => {
		const own = description.properties.filter((p) => p.name === 'toolDescription' && isShownFor(p, resource, operation));
		expect(own).toHaveLength(1);
		expect(own[0]).toMatchObject({ type: 'string', displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } } });
		const text = String(own[0].default);
		expect(text.startsWith('=')).toBe(false);
		expect(text.length).toBeGreaterThan(60);
		expect(text.length).toBeLessThanOrEqual(1300);
	});

	test.each(OPERATIONS)('%s › %s: its tool description names every value of each of its choice fields', (resource, operation) => {
		const text = toolDescriptionOf(resource, operation);
		const choiceFields = description.properties.filter(
			(p) =>
				isShownFor(p, resource, operation) &&
				(p.type === 'options' || p.type === 'multiOptions') &&
				Array.isArray(p.options) &&
				p.options.length > 0,
		);
		for (const field of choiceFields) {
			const line = text.split('\n').find((l) => l.startsWith(`- ${field.name}: `));
			expect({ field: field.name, line }).toEqual({ field: field.name, line: expect.any(String) });
			for (const option of field.options ?? []) {
				const value = String((option as { value: unknown }).value);
				if (value !== '') expect({ field: field.name, line }).toEqual({ field: field.name, line: expect.stringContaining(value) });
			}
		}
		// Fields with a range say it too.
		for (const field of description.properties.filter((p) => isShownFor(p, resource, operation) && p.type === 'number')) {
			const { minValue, maxValue } = field.typeOptions ?? {};
			if (minValue !== undefined && maxValue !== undefined) expect(text).toContain(`from ${minValue} to ${maxValue}`);
		}
	});

	test.each(OPERATIONS)('%s › %s says whether it acts on real social accounts or only reads', (resource, operation) => {
		const text = toolDescriptionOf(resource, operation);
		if (CHANGES_ACCOUNTS.has(operation)) {
			expect(text).toContain(ACTS_ON_REAL_ACCOUNTS);
			expect(text).not.toContain(READ_ONLY);
		} else {
			expect(text).toContain(READ_ONLY);
			expect(text).not.toContain(ACTS_ON_REAL_ACCOUNTS);
		}
	});

	test.each(OPERATIONS)("%s › %s: n8n's getToolDescriptionForNode gives the model this operation's own text", (resource, operation) => {
		const tool = toolVariant();
		const node = nodeOf(tool, { resource, operation });
		expect(node.parameters.toolDescription).toBe(toolDescriptionOf(resource, operation));
		expect(NodeHelpers.getToolDescriptionForNode(node, tool)).toBe(toolDescriptionOf(resource, operation));
	});

	test("switching the operation as the editor does gives the new operation's text, not the old one's", () => {
		// n8n's editor on a parameter change: strip the values equal to the current defaults, set the
		// new value, then fill the defaults back in for the new resource › operation.
		const tool = toolVariant();
		const before = nodeOf(tool, { resource: 'campaign', operation: 'create' });
		const stripped = NodeHelpers.getNodeParameters(tool.description.properties, before.parameters, false, false, before, tool.description) ?? {};
		expect(stripped).not.toHaveProperty('toolDescription');
		const after = nodeOf(tool, { ...stripped, resource: 'workspace', operation: 'getAll' });
		expect(NodeHelpers.getToolDescriptionForNode(after, tool)).toBe(toolDescriptionOf('workspace', 'getAll'));
	});

	test('the texts differ from one operation to the next', () => {
		const texts = OPERATIONS.map(([resource, operation]) => toolDescriptionOf(resource, operation));
		expect(new Set(texts).size).toBe(texts.length);
	});

	test.each(OPERATIONS)('%s › %s: its action reads as a sentence, so "<action> in Ocoya" does too (%s)', (_resource, _operation, action) => {
		expect(action).toMatch(/^(Create|Get|Delete|Reschedule|Update) (a|an|the|many) [a-z][A-Za-z ]*[A-Za-z]$/);
	});
});

describe('the AI agent example', () => {
	const workflow = JSON.parse(
		fs.readFileSync(path.join(__dirname, '..', 'examples', 'ai-agent-tool.json'), 'utf8'),
	) as { nodes: Array<{ type: string; parameters: INodeParameters }> };
	const tool = workflow.nodes.find((n) => n.type === 'n8n-nodes-ocoya.ocoyaTool');
	const fromAi = new Map<string, FromAIArgument>();
	const collected: FromAIArgument[] = [];
	traverseNodeParameters(tool?.parameters ?? {}, collected);
	for (const argument of collected) fromAi.set(argument.key, argument);

	test('lets the model fill prompt, goal, audience, tone and count, and nothing else', () => {
		expect([...fromAi.keys()].sort()).toEqual(['audience', 'count', 'goal', 'prompt', 'tone']);
		expect(fromAi.get('count')?.type).toBe('number');
		for (const key of ['prompt', 'goal', 'audience', 'tone']) expect(fromAi.get(key)?.type).toBe('string');
	});

	test.each(['goal', 'audience', 'tone'] as const)("the %s $fromAI description lists every value the field accepts", (field) => {
		const text = fromAi.get(field)?.description ?? '';
		for (const value of allowedValues(field)) expect(text).toContain(value);
		expect(text).toBe(TOOL_FIELD_HINTS[field]);
	});

	test("the count $fromAI description states the field's range", () => {
		const { min, max } = range('count');
		expect(fromAi.get('count')?.description).toContain(`from ${min} to ${max}`);
		expect(fromAi.get('prompt')?.description).toBe(TOOL_FIELD_HINTS.prompt);
	});

	test('keeps the workspace fixed and the tool description on the default', () => {
		expect(tool?.parameters.workspaceId).toEqual({ __rl: true, mode: 'id', value: 'ws_standin_1' });
		expect(tool?.parameters).not.toHaveProperty('toolDescription');
		expect(tool?.parameters).not.toHaveProperty('descriptionType');
	});
});
