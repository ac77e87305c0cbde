import type { IExecuteFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Readers for node parameters that check the API contract before anything is sent. Values can
 * arrive from expressions, so nothing the editor enforced can be assumed here.
 */
export interface FieldRef {
	/** The parameter name, which is also the API field name. */
	name: string;
	displayName: string;
}

function show(value: unknown): string {
	const text = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
	return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function invalid(
	context: IExecuteFunctions,
	field: FieldRef,
	value: unknown,
	rule: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		context.getNode(),
		`Invalid ${field.displayName} (${field.name}): ${show(value)} ${rule} [item ${itemIndex}]`,
		{
			itemIndex,
			description: `Fix the "${field.displayName}" parameter, or the expression that fills it. Nothing was sent to Ocoya for this item.`,
		},
	);
}

export function readText(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	minLength: number,
): string {
	const value = context.getNodeParameter(field.name, itemIndex, '') as unknown;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string' || text.trim().length < minLength) {
		throw invalid(context, field, value, `must be text of at least ${minLength} characters`, itemIndex);
	}
	return text.trim();
}

/** Returns undefined for the empty choice, which leaves the field to Ocoya's default. */
export function readChoice(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	choices: INodePropertyOptions[],
): string | undefined {
	const value = context.getNodeParameter(field.name, itemIndex, '') as unknown;
	if (isEmpty(value)) return undefined;
	const allowed = choices.map((choice) => String(choice.value)).filter((choice) => choice !== '');
	const choice = typeof value === 'string' ? value.trim() : value;
	if (typeof choice !== 'string' || !allowed.includes(choice)) {
		throw invalid(context, field, value, `is not one of: ${allowed.join(', ')}`, itemIndex);
	}
	return choice;
}

/**
 * One rule for every field: text is trimmed, and a value that is empty after trimming (or null or
 * undefined, what an expression reading a missing field gives) means "not sent".
 */
function isEmpty(value: unknown): boolean {
	return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Decimal notation only: `Number()` would also read "0x1E" as 30, "1e3" as 1000 and "" as 0. */
const DECIMAL_NUMBER = /^[+-]?\d+(\.\d+)?$/;

function toNumber(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	return DECIMAL_NUMBER.test(text) ? Number(text) : value;
}

export function readInteger(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	range: { min: number; max: number; fallback: number },
): number {
	return readOptionalInteger(context, field, itemIndex, range) ?? range.fallback;
}

/** Like `readInteger`, but an empty value gives undefined (the field is not sent) instead of the fallback. */
export function readOptionalInteger(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	range: { min: number; max: number; fallback: number },
): number | undefined {
	const value = context.getNodeParameter(field.name, itemIndex, range.fallback) as unknown;
	if (isEmpty(value)) return undefined;
	const number = toNumber(value);
	if (typeof number !== 'number' || !Number.isInteger(number) || number < range.min || number > range.max) {
		throw invalid(
			context,
			field,
			value,
			`must be a whole number from ${range.min} to ${range.max} (in decimal digits)`,
			itemIndex,
		);
	}
	return number;
}

/** Lists may come from a multi-select, an expression returning an array, or comma-separated text. */
export function readList(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	maxItems?: number,
): string[] {
	const value = context.getNodeParameter(field.name, itemIndex, []) as unknown;
	let entries: unknown[];
	if (Array.isArray(value)) {
		entries = value;
	} else if (typeof value === 'string') {
		entries = value.split(',');
	} else if (value === null || value === undefined) {
		entries = [];
	} else {
		throw invalid(context, field, value, 'must be a list or comma-separated text', itemIndex);
	}
	const list: string[] = [];
	for (const entry of entries) {
		if (typeof entry !== 'string' && typeof entry !== 'number') {
			throw invalid(context, field, value, 'must contain only text values', itemIndex);
		}
		const text = String(entry).trim();
		if (text !== '') list.push(text);
	}
	if (maxItems !== undefined && list.length > maxItems) {
		throw invalid(context, field, value, `has ${list.length} entries; at most ${maxItems} are allowed`, itemIndex);
	}
	return list;
}

export function assertHttpUrls(
	context: IExecuteFunctions,
	field: FieldRef,
	urls: string[],
	itemIndex: number,
): void {
	for (const url of urls) {
		let protocol: string | undefined;
		try {
			protocol = new URL(url).protocol;
		} catch {
			protocol = undefined;
		}
		if (protocol !== 'http:' && protocol !== 'https:') {
			throw invalid(context, field, url, 'is not a valid http(s) URL', itemIndex);
		}
	}
}
