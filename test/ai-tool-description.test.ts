/**
 * What an AI Agent's model is told about the Ocoya Tool: the tool description names every value
 * the node's own fields accept, n8n's own code picks it as the tool variant's description, and
 * the agent example's $fromAI descriptions (the only schema the model gets) list the values too.
 * The e2e suite (test/e2e/agent.test.ts) captures the same texts from a real agent's requests.
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

import { TOOL_DESCRIPTION, TOOL_FIELD_HINTS } from '../nodes/Ocoya/actions/campaign/toolDescription';
import { Ocoya } from '../nodes/Ocoya/Ocoya.node';

const description = new Ocoya().description;

function property(name: string): INodeProperties {
	const found = description.properties.find((p) => p.name === name);
	if (!found) throw new Error(`no property ${name}`);
	return found;
}

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

	test('is a plain string default of a property shown only in the tool variant', () => {
		const toolDescription = property('toolDescription');
		expect(toolDescription).toMatchObject({ type: 'string', default: TOOL_DESCRIPTION, displayOptions: { show: { '@tool': [true] } } });
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
