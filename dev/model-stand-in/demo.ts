/**
 * A stand-in model to try an agent with, without an OpenAI account: it calls the one tool it is
 * offered once, filling the arguments from the tool's schema and the user's message, then reports
 * what the tool returned. No language understanding: a field whose description lists allowed
 * values ("one of a, b, c") gets the value the message mentions (`marketing_teams` matches
 * "marketing teams"), else "" when the description allows it, else the first value; a number gets
 * the description's "default N", else its lower bound; any other text gets the message.
 */
import type { ModelTurn, TurnContext } from './server';
import type { JsonObject } from './wire';

/** Name and key of the n8n "OpenAI" credential that points at a demo model (for `npm start`). */
export const LOCAL_MODEL_CREDENTIAL = {
	id: 'local-test-model',
	name: 'Local test model (scripted, no OpenAI account)',
} as const;

interface PropertySchema {
	type?: string;
	description?: string;
}

/** The values listed after "one of", up to the first ";" or ".". */
export function listedValues(description: string): string[] {
	const list = /one of ([^;.]+)/i.exec(description)?.[1] ?? '';
	return list
		.split(',')
		.map((value) => value.trim())
		.filter((value) => /^[\w-]+$/.test(value));
}

function valueFor(property: PropertySchema, message: string): unknown {
	const description = property.description ?? '';
	if (property.type === 'number' || property.type === 'integer') {
		const fallback = /default:? (\d+)/i.exec(description)?.[1] ?? /from (\d+)/i.exec(description)?.[1] ?? '1';
		return Number(fallback);
	}
	if (property.type === 'boolean') return false;
	const values = listedValues(description);
	if (values.length === 0) return message;
	const text = message.toLowerCase();
	const mentioned = values.find((value) => text.includes(value.toLowerCase().replace(/_/g, ' ')));
	if (mentioned !== undefined) return mentioned;
	return description.includes('""') ? '' : values[0];
}

/** Arguments for the single offered tool, from its JSON Schema and the last user message. */
export function demoArguments({ conversation }: TurnContext): JsonObject {
	const [tool] = conversation.tools;
	const message = conversation.userMessages[conversation.userMessages.length - 1] ?? '';
	const properties = (tool?.parameters.properties ?? {}) as Record<string, PropertySchema>;
	const args: JsonObject = {};
	for (const [name, property] of Object.entries(properties)) args[name] = valueFor(property, message);
	return args;
}

function demoAnswer({ lastToolResult }: TurnContext): string {
	const campaignId = /"campaignId"\s*:\s*"([^"]+)"/.exec(lastToolResult)?.[1];
	const note = '(Local test model: it calls the tool once and reports the result.)';
	return campaignId
		? `Ocoya is writing campaign ${campaignId} in the background. ${note}`
		: `The tool answered: ${lastToolResult} ${note}`;
}

/** Call the tool once, then report its result. */
export const DEMO_SCRIPT: ModelTurn[] = [{ callTool: demoArguments }, { answer: demoAnswer }];
