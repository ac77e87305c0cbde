import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { AUDIENCES, COUNT, DURATION, GOALS, POST_LENGTHS, TONES } from './create.operation';

/**
 * What an AI Agent's model is told about the Ocoya Tool, built from the option tables and ranges
 * the fields themselves use, so a value added to a table reaches the model too.
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
 *   With one operation the Auto/Manual choice adds nothing, so this is the way taken; a second
 *   operation would get its own `toolDescription` property shown for that operation.
 */

/** The values a model may send for a choice field: the table without the empty "let Ocoya decide" choice. */
export function choiceValues(options: INodePropertyOptions[]): string[] {
	return options.map((option) => String(option.value)).filter((value) => value !== '');
}

const oneOf = (options: INodePropertyOptions[]): string =>
	`one of ${choiceValues(options).join(', ')}; or "" to let Ocoya decide`;

const wholeNumber = (range: { min: number; max: number; fallback: number }): string =>
	`a whole number from ${range.min} to ${range.max} (default ${range.fallback})`;

/**
 * One text per field a workflow may let the model fill with `$fromAI(name, …)`. Only `$fromAI`
 * descriptions reach the model as the tool's schema, so the same texts serve there
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

export const TOOL_DESCRIPTION = [
	'Creates a social media campaign in Ocoya from a brief and returns its campaignId; Ocoya writes the posts in the background.',
	'Each call creates a new campaign: call once per campaign, and not again after an error saying the campaign may have been created.',
	'Fields the workflow may let you fill, with the values Ocoya accepts:',
	...Object.entries(TOOL_FIELD_HINTS).map(([name, hint]) => `- ${name}: ${hint}.`),
].join('\n');

export const toolDescriptionProperty: INodeProperties = {
	displayName: 'Tool Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 6 },
	default: TOOL_DESCRIPTION,
	description:
		'What the AI model is told about this tool, with the allowed values of each field. Only the fields the workflow fills with $fromAI() reach the model as parameters.',
	displayOptions: { show: { '@tool': [true] } },
};
