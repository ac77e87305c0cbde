import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { AUDIENCES, COUNT, DURATION, GOALS } from './campaign/create.operation';
import { POST_LENGTHS, TONES } from './fields';

/**
 * What an AI Agent's model is told about each operation of the Ocoya Tool, built from the option
 * tables and ranges the fields themselves use, so a value added to a table reaches the model too.
 *
 * Why a `toolDescription` property of our own, shown only in the tool variant: in n8n (2.41.1 and
 * 1.123.81 alike) the model gets the tool's description and a schema made only of the workflow's
 * `$fromAI(key, description, type)` calls; our option lists and field descriptions never reach it.
 * The ways to change the description, weighed:
 * - n8n's automatic description is the operation's `action` + " in " + `defaults.name`
 *   ("Create a campaign in Ocoya"). A long `action` would also become the action label in the
 *   node list and the default node name.
 * - `usableAsTool.replacements.description` reaches the editor's node list only, not the model.
 * - A property named `toolDescription` is taken as the tool's description. Its costs: n8n then
 *   adds no Auto/Manual choice (this text is the default and stays editable), a text someone
 *   saved in a workflow still overrides it (and stops following this package's updates), and the
 *   default must be a plain string because n8n 1.123.81 sends a `=` expression there unevaluated.
 * So each operation has its own `toolDescription` property, shown only in the tool variant and
 * only for that resource and operation, whose default is the operation module's `toolDescription`
 * text: a tool left on defaults describes exactly the operation it runs.
 */

/** The values a model may send for a choice field: the table without the empty "let Ocoya decide" choice. */
export function choiceValues(options: INodePropertyOptions[]): string[] {
	return options.map((option) => String(option.value)).filter((value) => value !== '');
}

/** "one of a, b, c", plus the empty choice when the table has one (the field is then not sent). */
export function oneOf(options: INodePropertyOptions[]): string {
	const values = `one of ${choiceValues(options).join(', ')}`;
	return options.some((option) => option.value === '') ? `${values}; or "" to let Ocoya decide` : values;
}

export const wholeNumber = (range: { min: number; max: number; fallback: number }): string =>
	`a whole number from ${range.min} to ${range.max} (default ${range.fallback})`;

/** Said by every operation that changes what Ocoya publishes (the creates, Reschedule, Delete). */
export const ACTS_ON_REAL_ACCOUNTS =
	'This acts on the real Ocoya workspace and the real social accounts connected to it.';

/** Said by every read: the model may call it freely. */
export const READ_ONLY = 'Read-only: it changes nothing in Ocoya and is safe to call again.';

/** A tool description: what the operation does, then one line per field the model may fill. */
export function describeTool(sentences: string[], fieldHints: Record<string, string>): string {
	const fields = Object.entries(fieldHints);
	if (fields.length === 0) return sentences.join('\n');
	return [
		...sentences,
		'Fields the workflow may let you fill, with the values Ocoya accepts:',
		...fields.map(([name, hint]) => `- ${name}: ${hint}.`),
	].join('\n');
}

/**
 * One text per Campaign › Create field a workflow may let the model fill with `$fromAI(name, …)`.
 * Only `$fromAI` descriptions reach the model as the tool's schema, so the same texts serve there
 * (examples/ai-agent-tool.json uses them) and in the tool description.
 */
export const TOOL_FIELD_HINTS = {
	prompt:
		'The brief Ocoya writes the posts from: the product or offer, who it is for, the one message to get across, and any dates, prices or links the posts must mention',
	goal: `Campaign goal, ${oneOf(GOALS)}`,
	audience: `Who the posts are for, ${oneOf(AUDIENCES)}`,
	tone: `Voice of the captions, ${oneOf(TONES)}`,
	postLength: `Caption length, ${oneOf(POST_LENGTHS)}`,
	count: `Number of posts, ${wholeNumber(COUNT)}`,
	duration: `Days the campaign runs, ${wholeNumber(DURATION)}`,
} as const;

/** Campaign › Create's tool description (the operation module predates this mechanism). */
export const TOOL_DESCRIPTION = describeTool(
	[
		'Creates a social media campaign in Ocoya from a brief and returns its campaignId; Ocoya writes the posts in the background.',
		'Each call creates a new campaign: call once per campaign, and not again after an error saying the campaign may have been created.',
		ACTS_ON_REAL_ACCOUNTS,
	],
	TOOL_FIELD_HINTS,
);

/** Resource › operation › its tool description text. */
export type ToolDescriptions = Record<string, Record<string, { toolDescription: string }>>;

/** One Tool Description property per operation, shown only in the tool variant and for that operation. */
export function toolDescriptionProperties(operations: ToolDescriptions): INodeProperties[] {
	return Object.entries(operations).flatMap(([resource, byOperation]) =>
		Object.entries(byOperation).map(
			([operation, { toolDescription }]): INodeProperties => ({
				displayName: 'Tool Description',
				name: 'toolDescription',
				type: 'string',
				typeOptions: { rows: 6 },
				default: toolDescription,
				description:
					'What the AI model is told about this tool, with the allowed values of each field. Only the fields the workflow fills with $fromAI() reach the model as parameters.',
				displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
			}),
		),
	);
}
