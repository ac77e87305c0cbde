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

/* ------------------------------------------------------------------------------------ */
/* Readers for the Post resource and other operations (issue 16)                         */
/* ------------------------------------------------------------------------------------ */

export function readBoolean(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	fallback = false,
): boolean {
	const value = context.getNodeParameter(field.name, itemIndex, fallback) as unknown;
	if (value === null || value === undefined || value === '') return fallback;
	if (typeof value !== 'boolean') {
		throw invalid(context, field, value, 'must be true or false', itemIndex);
	}
	return value;
}

/** One ID from a dropdown or an expression; undefined when empty. */
export function readOptionalId(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
): string | undefined {
	const [id, ...extra] = readList(context, field, itemIndex);
	if (extra.length > 0) {
		throw invalid(context, field, [id, ...extra], 'must be a single ID', itemIndex);
	}
	return id;
}

/**
 * Post text, sent as given (no trimming: leading line breaks can be deliberate). A blank text
 * counts as absent. Length is counted in Unicode code points, so an emoji counts once.
 */
export function readCaption(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	maxCodePoints: number,
): string | undefined {
	const value = context.getNodeParameter(field.name, itemIndex, '') as unknown;
	if (isEmpty(value)) return undefined;
	const text = typeof value === 'number' ? String(value) : value;
	if (typeof text !== 'string') {
		throw invalid(context, field, value, 'must be text', itemIndex);
	}
	const codePoints = [...text];
	const length = codePoints.length;
	if (length > maxCodePoints) {
		throw invalid(
			context,
			field,
			// An excerpt cut between code points: cutting the text itself could split an emoji.
			`${codePoints.slice(0, 40).join('')}…`,
			`is ${length} characters long; at most ${maxCodePoints.toLocaleString('en-US')} are allowed`,
			itemIndex,
		);
	}
	return text;
}

/**
 * A list of http(s) URLs. Text from an expression is split at line breaks and commas, except a
 * comma inside a URL (`…/w_100,h_100/a.png`): a piece right after a comma that neither starts
 * with a space nor with a scheme (`https://`) belongs to the URL before it.
 */
export function readUrlList(
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
		entries = splitUrls(value);
	} else if (value === null || value === undefined) {
		entries = [];
	} else {
		throw invalid(context, field, value, 'must be a list of URLs', itemIndex);
	}
	const urls: string[] = [];
	for (const entry of entries) {
		if (entry === null || entry === undefined) continue;
		if (typeof entry !== 'string') {
			throw invalid(context, field, entry, 'must be a URL as text', itemIndex);
		}
		const url = entry.trim();
		if (url !== '') urls.push(url);
	}
	if (maxItems !== undefined && urls.length > maxItems) {
		throw invalid(context, field, value, `has ${urls.length} entries; at most ${maxItems} are allowed`, itemIndex);
	}
	assertHttpUrls(context, field, urls, itemIndex);
	return urls;
}

function splitUrls(text: string): string[] {
	const urls: string[] = [];
	for (const line of text.split(/\r?\n/)) {
		let first = true;
		for (const piece of line.split(',')) {
			const continuesUrl = !first && piece !== '' && !/^\s/.test(piece) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(piece);
			if (continuesUrl) urls[urls.length - 1] += `,${piece}`;
			else urls.push(piece);
			first = false;
		}
	}
	return urls;
}

/** A multi-select of fixed values; each entry must be one of `choices` (the empty choice excluded). */
export function readChoices(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	choices: INodePropertyOptions[],
): string[] {
	const allowed = choices.map((choice) => String(choice.value)).filter((choice) => choice !== '');
	const values = readList(context, field, itemIndex);
	for (const value of values) {
		if (!allowed.includes(value)) {
			throw invalid(context, field, value, `is not one of: ${allowed.join(', ')}`, itemIndex);
		}
	}
	return [...new Set(values)];
}

/**
 * An ID that goes into a URL path. Encoding is not enough: `..` and `%2e%2e` still climb the
 * path once a proxy or server decodes them, so only letters, digits, `_` and `-` are accepted.
 */
export const PATH_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** An ID for the URL path, from a resource locator (either mode) or a plain value. */
export function readPathId(context: IExecuteFunctions, field: FieldRef, itemIndex: number): string {
	const value = context.getNodeParameter(field.name, itemIndex, '', { extractValue: true }) as unknown;
	const id = typeof value === 'number' ? String(value) : value;
	if (typeof id !== 'string' || id === '') {
		throw invalid(context, field, value, 'must not be empty', itemIndex);
	}
	if (!PATH_ID_PATTERN.test(id)) {
		throw invalid(context, field, value, 'may contain only letters, digits, "_" and "-"', itemIndex);
	}
	return id;
}

/* Dates ------------------------------------------------------------------------------ */

/** A wall-clock date and time, without a timezone. */
export interface WallTime {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

/** What a date parameter held: nothing, an instant (epoch ms), or something that is not a date. */
export type DateReading =
	| { kind: 'empty' }
	| { kind: 'instant'; ms: number }
	| { kind: 'invalid'; reason: string };

/**
 * A Luxon DateTime (what `{{ $now }}` and `{{ $now.plus(1, 'day') }}` give), recognised by its
 * shape so that no Luxon is loaded here: n8n's copy (1.x and 2.x lines alike) sets
 * `isLuxonDateTime` on every instance.
 */
interface LuxonDateTimeLike {
	isLuxonDateTime: true;
	isValid: boolean;
	invalidReason?: string | null;
	toMillis(): number;
}

function isLuxonDateTime(value: unknown): value is LuxonDateTimeLike {
	return (
		value !== null &&
		typeof value === 'object' &&
		(value as { isLuxonDateTime?: unknown }).isLuxonDateTime === true &&
		typeof (value as { toMillis?: unknown }).toMillis === 'function'
	);
}

const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const NOT_A_DATE =
	'is not a date: use ISO 8601 (e.g. 2026-01-31T09:30:00Z, 2026-01-31T09:30:00+01:00, or 2026-01-31T09:30:00 in the workflow’s timezone) or a DateTime such as {{ $now.plus(1, "day") }}';

/**
 * Reads a date parameter as n8n users give it:
 * - a Luxon DateTime or a JS Date: its instant;
 * - an ISO 8601 string with an offset (`Z`, `+05:30`, `-0800`): that instant;
 * - an ISO string without an offset (what the editor's date picker stores): a wall time in
 *   `timeZone`, the workflow's timezone (see `zonedWallTimeToUtc` for DST gaps and overlaps);
 * - empty (or null/undefined): `empty`.
 * Anything else, numbers included (seconds or milliseconds would be a guess), is `invalid`.
 */
export function readDate(value: unknown, timeZone: string): DateReading {
	if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
		return { kind: 'empty' };
	}
	if (isLuxonDateTime(value)) {
		if (!value.isValid) {
			return { kind: 'invalid', reason: `is an invalid DateTime (${value.invalidReason ?? 'unknown reason'})` };
		}
		return { kind: 'instant', ms: value.toMillis() };
	}
	if (value instanceof Date) {
		const ms = value.getTime();
		return Number.isNaN(ms) ? { kind: 'invalid', reason: 'is an invalid Date' } : { kind: 'instant', ms };
	}
	if (typeof value !== 'string') return { kind: 'invalid', reason: NOT_A_DATE };
	const match = ISO_DATE_TIME.exec(value.trim());
	if (match === null) return { kind: 'invalid', reason: NOT_A_DATE };
	const [, year, month, day, hour, minute, second, fraction, offset] = match;
	const wall: WallTime = {
		year: Number(year),
		month: Number(month),
		day: Number(day),
		hour: Number(hour ?? 0),
		minute: Number(minute ?? 0),
		second: Number(second ?? 0),
		millisecond: fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000),
	};
	if (!isValidWallTime(wall)) {
		return { kind: 'invalid', reason: 'is not a valid calendar date and time' };
	}
	const asUtc = wallTimeAsUtc(wall);
	if (offset === undefined) {
		try {
			return { kind: 'instant', ms: zonedWallTimeToUtc(wall, timeZone) };
		} catch {
			return { kind: 'invalid', reason: `cannot be read in the workflow’s timezone "${timeZone}"` };
		}
	}
	if (offset.toUpperCase() === 'Z') return { kind: 'instant', ms: asUtc };
	const digits = offset.slice(1).replace(':', '');
	const offsetHours = Number(digits.slice(0, 2));
	const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
	if (offsetHours > 23 || offsetMinutes > 59) {
		return { kind: 'invalid', reason: `has an invalid UTC offset "${offset}"` };
	}
	const sign = offset.startsWith('-') ? -1 : 1;
	return { kind: 'instant', ms: asUtc - sign * (offsetHours * 60 + offsetMinutes) * 60_000 };
}

function isValidWallTime(wall: WallTime): boolean {
	if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
		return false;
	}
	const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
	return wall.day <= daysInMonth;
}

/** The wall time read as if it were UTC, in epoch ms. */
function wallTimeAsUtc(wall: WallTime): number {
	const date = new Date(0);
	date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
	date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
	return date.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (formatter === undefined) {
		// Throws a RangeError for an unknown zone.
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			era: 'short',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
	const wholeSecond = Math.floor(utcMs / 1000) * 1000;
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(wholeSecond))) parts[part.type] = part.value;
	const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
	const wall = wallTimeAsUtc({
		year,
		month: Number(parts.month),
		day: Number(parts.day),
		hour: Number(parts.hour) % 24,
		minute: Number(parts.minute),
		second: Number(parts.second),
		millisecond: 0,
	});
	return wall - wholeSecond;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall time in an IANA timezone stands for, by Intl alone. Around a DST change it
 * decides as JavaScript's Temporal does (`disambiguation: 'compatible'`):
 * - a repeated wall time (clocks go back) is its first occurrence, the earlier instant (Luxon, and
 *   so an n8n expression, picks the later one in some zones, e.g. Europe/Berlin: to get the second
 *   occurrence, give the offset, `2026-10-25T02:30:00+01:00`);
 * - a skipped wall time (clocks go forward) is read with the offset before the change, so it
 *   lands the length of the gap later, as Luxon also does (Europe/Berlin 02:30 on the
 *   spring-forward day is 03:30 summer time, 01:30Z).
 * Throws a RangeError for an unknown timezone.
 */
export function zonedWallTimeToUtc(wall: WallTime, timeZone: string): number {
	const asUtc = wallTimeAsUtc(wall);
	const offsetBefore = zoneOffsetMs(timeZone, asUtc - DAY_MS);
	const offsetAfter = zoneOffsetMs(timeZone, asUtc + DAY_MS);
	const candidates = [asUtc - offsetBefore, asUtc - offsetAfter].filter(
		(instant) => zoneOffsetMs(timeZone, instant) === asUtc - instant,
	);
	return candidates.length > 0 ? Math.min(...candidates) : asUtc - offsetBefore;
}

/** The form Ocoya requires: UTC, to the second, `YYYY-MM-DDTHH:MM:SSZ` (milliseconds dropped). */
export function formatOcoyaTime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A publish time as Ocoya requires it, or undefined when left empty (and not `required`). The
 * time sent (to the second) must not be earlier than the clock when the item is checked: Ocoya
 * documents nothing for a past time.
 */
export function readScheduledAt(
	context: IExecuteFunctions,
	field: FieldRef,
	itemIndex: number,
	required: boolean,
): string | undefined {
	const value = context.getNodeParameter(field.name, itemIndex, '') as unknown;
	const reading = readDate(value, context.getTimezone());
	if (reading.kind === 'empty') {
		if (required) throw invalid(context, field, value, 'must not be empty', itemIndex);
		return undefined;
	}
	const shown = isLuxonDateTime(value) || value instanceof Date ? String(value) : value;
	if (reading.kind === 'invalid') throw invalid(context, field, shown, reading.reason, itemIndex);
	const scheduledAt = formatOcoyaTime(reading.ms);
	const now = Date.now();
	if (Math.floor(reading.ms / 1000) * 1000 < now) {
		throw invalid(
			context,
			field,
			shown,
			`is in the past (${scheduledAt}): it must not be earlier than the current UTC time, ${formatOcoyaTime(now)}`,
			itemIndex,
		);
	}
	return scheduledAt;
}
