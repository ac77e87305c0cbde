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
	if (value === '' || value === null || value === undefined) return undefined;
	const allowed = choices.map((choice) => String(choice.value)).filter((choice) => choice !== '');
	if (typeof value !== 'string' || !allowed.includes(value)) {
		throw invalid(context, field, value, `is not one of: ${allowed.join(', ')}`, itemIndex);
	}
	return value;
}

export function readInteger(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	range: { min: number; max: number; fallback: number },
): number {
	const value = context.getNodeParameter(field.name, itemIndex, range.fallback) as unknown;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isInteger(number) || number < range.min || number > range.max) {
		throw invalid(
			context,
			field,
			value,
			`must be a whole number from ${range.min} to ${range.max}`,
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
