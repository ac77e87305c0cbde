/**
 * The date rule of `scheduledAt` (Post › Create, Post › Reschedule): ISO strings with any offset,
 * offset-less wall times in the workflow's timezone (Intl only, checked against Luxon across DST
 * changes), Luxon DateTimes from expressions recognised by their shape, sent as UTC
 * `YYYY-MM-DDTHH:MM:SSZ`; what is not a date, or is in the past, refused with 0 requests.
 */
import { DateTime } from 'luxon';
import { getGlobalState, setGlobalState } from 'n8n-workflow';

import { formatOcoyaTime, readDate, zonedWallTimeToUtc, type DateReading } from '../nodes/Ocoya/validation';
import { items, runCreate, useStandIn } from './support/ocoya';
import { byId, daysFromNow, postParameters, requestsFor } from './support/posts';

jest.setTimeout(30_000);

const instant = (iso: string): DateReading => ({ kind: 'instant', ms: Date.parse(iso) });

describe('readDate: ISO strings with an offset', () => {
	it.each([
		['2030-01-31T09:30:00Z', '2030-01-31T09:30:00Z'],
		['2030-01-31T09:30:00z', '2030-01-31T09:30:00Z'],
		['2030-01-31T09:30:00+05:30', '2030-01-31T04:00:00Z'],
		['2030-01-31T09:30:00-08:00', '2030-01-31T17:30:00Z'],
		['2030-01-31T09:30:00−08:00'.replace('−', '-'), '2030-01-31T17:30:00Z'],
		['2030-01-31T09:30:00-0800', '2030-01-31T17:30:00Z'],
		['2030-01-31T09:30:00+05', '2030-01-31T04:30:00Z'],
		['2030-01-31T09:30:00+05:45', '2030-01-31T03:45:00Z'],
		['2030-01-31T09:30:00.123456+01:00', '2030-01-31T08:30:00.123Z'],
		['2030-01-31 09:30:00Z', '2030-01-31T09:30:00Z'],
		['2030-01-31T09:30Z', '2030-01-31T09:30:00Z'],
		['  2030-01-31T09:30:00Z  ', '2030-01-31T09:30:00Z'],
		['2030-12-31T23:30:00-01:00', '2031-01-01T00:30:00Z'],
	])('%s is %s whatever the workflow’s timezone', (text, expected) => {
		for (const zone of ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata']) {
			expect(readDate(text, zone)).toEqual(instant(expected));
		}
	});
});

describe('readDate: wall times without an offset are read in the workflow’s timezone', () => {
	it.each([
		['2030-01-15T09:30:00', 'Europe/Berlin', '2030-01-15T08:30:00Z'],
		['2030-07-15T09:30:00', 'Europe/Berlin', '2030-07-15T07:30:00Z'],
		['2030-07-15T09:30', 'America/Los_Angeles', '2030-07-15T16:30:00Z'],
		['2030-01-15T09:30:00', 'America/Los_Angeles', '2030-01-15T17:30:00Z'],
		['2030-01-15T09:30:00', 'Asia/Kolkata', '2030-01-15T04:00:00Z'],
		['2030-01-15', 'Europe/Berlin', '2030-01-14T23:00:00Z'],
		['2030-01-15T09:30:00.5', 'UTC', '2030-01-15T09:30:00.500Z'],
	])('%s in %s is %s', (text, zone, expected) => {
		expect(readDate(text, zone)).toEqual(instant(expected));
	});

	// Europe/Berlin 2026: summer time starts 29 March at 02:00 (clocks jump to 03:00) and ends
	// 25 October at 03:00 (clocks go back to 02:00).
	it.each([
		['2026-03-29T01:59:59', '2026-03-29T00:59:59Z', 'the last second of winter time'],
		['2026-03-29T02:00:00', '2026-03-29T01:00:00Z', 'a skipped wall time: moved forward by the gap (03:00 summer time)'],
		['2026-03-29T02:30:00', '2026-03-29T01:30:00Z', 'a skipped wall time: moved forward by the gap (03:30 summer time)'],
		['2026-03-29T03:00:00', '2026-03-29T01:00:00Z', 'the first summer time wall clock'],
		['2026-03-29T12:00:00', '2026-03-29T10:00:00Z', 'summer time'],
		['2026-10-25T01:59:59', '2026-10-24T23:59:59Z', 'summer time before the change'],
		['2026-10-25T02:00:00', '2026-10-25T00:00:00Z', 'a repeated wall time: its first occurrence (summer time)'],
		['2026-10-25T02:30:00', '2026-10-25T00:30:00Z', 'a repeated wall time: its first occurrence (summer time)'],
		['2026-10-25T02:59:59', '2026-10-25T00:59:59Z', 'a repeated wall time: its first occurrence (summer time)'],
		['2026-10-25T03:00:00', '2026-10-25T02:00:00Z', 'winter time again'],
	])('Europe/Berlin %s is %s (%s)', (text, expected) => {
		expect(readDate(text, 'Europe/Berlin')).toEqual(instant(expected));
	});

	it.each([
		['Europe/Berlin', ['2026-03-29', '2026-10-25'], 6],
		['America/New_York', ['2026-03-08', '2026-11-01'], 6],
		['America/Los_Angeles', ['2026-03-08', '2026-11-01'], 6],
		['Australia/Sydney', ['2026-04-05', '2026-10-04'], 6],
		['Australia/Lord_Howe', ['2026-04-05', '2026-10-04'], 3],
		['Pacific/Chatham', ['2026-04-05', '2026-09-27'], 6],
		['Asia/Kathmandu', ['2026-06-01'], 0],
		['America/Sao_Paulo', ['2026-06-01'], 0],
	])('every 10 minutes of the change days in %s: a wall time that exists reads as its first occurrence; a skipped one as Luxon reads it (moved forward); %i ten-minute slots are skipped', (zone, days, skippedSlots) => {
		const FORMAT = "yyyy-MM-dd'T'HH:mm:ss";
		const wallOf = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat(FORMAT);
		let repeated = 0;
		let skipped = 0;
		for (const day of days) {
			for (let minutes = 0; minutes < 24 * 60; minutes += 10) {
				const text = DateTime.fromISO(`${day}T00:00:00`, { zone: 'UTC' }).plus({ minutes }).toFormat(FORMAT);
				const reading = readDate(text, zone);
				if (reading.kind !== 'instant') throw new Error(`${text} was not read`);
				const luxon = DateTime.fromISO(text, { zone }).toMillis();
				if (wallOf(luxon) === text) {
					// The wall time exists: ours shows the same wall clock, and no earlier instant does.
					expect([text, wallOf(reading.ms)]).toEqual([text, text]);
					for (const earlier of [15, 30, 45, 60, 90, 120]) {
						expect([text, earlier, wallOf(reading.ms - earlier * 60_000) === text]).toEqual([text, earlier, false]);
					}
					if (reading.ms !== luxon) repeated++;
				} else {
					// Skipped by the change: moved forward by the gap, as Luxon (and Temporal) do.
					expect([text, reading.ms]).toEqual([text, luxon]);
					skipped++;
				}
			}
		}
		expect(skipped).toBe(skippedSlots);
		// Luxon picks the later occurrence in some zones (Europe/Berlin's 02:00–02:59 on 25 October).
		if (zone === 'Europe/Berlin') expect(repeated).toBe(6);
	});

	it('zonedWallTimeToUtc throws for an unknown zone, and readDate reports it', () => {
		const wall = { year: 2030, month: 1, day: 1, hour: 9, minute: 0, second: 0, millisecond: 0 };
		expect(() => zonedWallTimeToUtc(wall, 'Mars/Olympus_Mons')).toThrow(RangeError);
		expect(readDate('2030-01-01T09:00:00', 'Mars/Olympus_Mons')).toEqual({
			kind: 'invalid',
			reason: 'cannot be read in the workflow’s timezone "Mars/Olympus_Mons"',
		});
	});
});

describe('readDate: DateTimes and Dates from expressions', () => {
	it('a Luxon DateTime (n8n-workflow 2.x’s Luxon) is its instant, whatever its zone', () => {
		const at = DateTime.fromISO('2030-05-01T12:00:00.250Z');
		expect(readDate(at, 'UTC')).toEqual(instant('2030-05-01T12:00:00.250Z'));
		expect(readDate(at.setZone('Asia/Kolkata'), 'America/Los_Angeles')).toEqual(instant('2030-05-01T12:00:00.250Z'));
	});

	it('a DateTime of another Luxon copy (n8n 1.x ships Luxon 3.4) is recognised by its shape, not its class', () => {
		const foreign = { isLuxonDateTime: true, isValid: true, invalidReason: null, toMillis: () => Date.parse('2030-05-01T12:00:00Z') };
		expect(readDate(foreign, 'UTC')).toEqual(instant('2030-05-01T12:00:00Z'));
	});

	it('an invalid DateTime and an invalid Date are not dates', () => {
		expect(readDate(DateTime.invalid('unparsable'), 'UTC')).toEqual({ kind: 'invalid', reason: 'is an invalid DateTime (unparsable)' });
		expect(readDate(new Date('nope'), 'UTC')).toEqual({ kind: 'invalid', reason: 'is an invalid Date' });
		expect(readDate(new Date('2030-05-01T12:00:00Z'), 'UTC')).toEqual(instant('2030-05-01T12:00:00Z'));
	});

	it.each([null, undefined, '', '   '])('%j is empty (a draft)', (value) => {
		expect(readDate(value, 'UTC')).toEqual({ kind: 'empty' });
	});

	it.each([
		'tomorrow',
		'2030-02-30T10:00:00Z',
		'2030-13-01T10:00:00Z',
		'2030-01-01T24:00:00Z',
		'2030-01-01T10:60:00Z',
		'2030-01-01T10:00:61Z',
		'2030-01-01T10:00:00+25:00',
		'2030-01-01T10:00:00+05:99',
		'31/01/2030',
		'Tue, 01 Jan 2030 10:00:00 GMT',
		'2030-01-01Z',
		1_893_456_000_000,
		{},
		[],
		true,
	])('%j is not a date', (value) => {
		expect(readDate(value, 'UTC').kind).toBe('invalid');
	});
});

describe('formatOcoyaTime', () => {
	it('is UTC to the second with T and Z, milliseconds dropped', () => {
		expect(formatOcoyaTime(Date.parse('2030-01-01T00:00:00.999Z'))).toBe('2030-01-01T00:00:00Z');
		expect(formatOcoyaTime(Date.parse('2030-06-30T23:59:59Z'))).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	});
});

describe('through n8n-core: what Ocoya receives', () => {
	const standIn = useStandIn();
	const initialState = getGlobalState();
	const inZone = (timezone: string) => setGlobalState({ ...initialState, defaultTimezone: timezone });
	afterEach(() => setGlobalState(initialState));

	const create = (scheduledAt: string) =>
		postParameters('create', { caption: 'Dated post', socialProfileIds: ['sp_standin_1'], scheduledAt });
	const sentTimes = () => requestsFor(standIn, 'POST', '/post').map((request) => (request.body as { scheduledAt?: string }).scheduledAt);

	it.each([
		['Europe/Berlin', '2030-01-15T09:30:00', '2030-01-15T08:30:00Z'],
		['Europe/Berlin', '2030-07-15T09:30:00', '2030-07-15T07:30:00Z'],
		['America/Los_Angeles', '2030-07-15T09:30:00', '2030-07-15T16:30:00Z'],
		['Asia/Kolkata', '2030-07-15T09:30:00+05:30', '2030-07-15T04:00:00Z'],
		['Europe/Berlin', '2030-07-15T09:30:00-08:00', '2030-07-15T17:30:00Z'],
		['America/New_York', '2030-07-15T09:30:00.789Z', '2030-07-15T09:30:00Z'],
	])('workflow timezone %s, Scheduled At %s: Ocoya receives %s', async (zone, value, expected) => {
		inZone(zone);
		const result = await runCreate(standIn, create(value));

		expect(result.error).toBeUndefined();
		expect(sentTimes()).toEqual([expected]);
		expect(requestsFor(standIn, 'POST', '/post')[0].validationErrors).toEqual([]);
	});

	it('an expression giving a Luxon DateTime ({{ $now.plus(1, "day") }}) is sent as its UTC instant', async () => {
		inZone('Asia/Tokyo');
		const before = Date.now();
		const result = await runCreate(standIn, create("={{ $now.plus(1, 'day') }}"));
		const after = Date.now();

		expect(result.error).toBeUndefined();
		const [sent] = sentTimes();
		expect(sent).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
		const sentMs = Date.parse(sent as string);
		expect(sentMs).toBeGreaterThanOrEqual(Math.floor((before + 86_400_000) / 1000) * 1000);
		expect(sentMs).toBeLessThanOrEqual(after + 86_400_000);
	});

	it('per item, from each item’s own date', async () => {
		inZone('Europe/Berlin');
		const result = await runCreate(standIn, create('={{ $json.when }}'), {
			inputItems: items({ when: '2030-03-31T02:30:00' }, { when: '2030-10-27T02:30:00' }, { when: '2030-10-27T02:30:00+01:00' }),
		});

		expect(result.error).toBeUndefined();
		expect(sentTimes()).toEqual(['2030-03-31T01:30:00Z', '2030-10-27T00:30:00Z', '2030-10-27T01:30:00Z']);
	});

	it('a time before the clock is refused with 0 requests, naming the value and the current UTC time', async () => {
		const result = await runCreate(standIn, create("={{ $now.minus(1, 'minute') }}"));

		expect(standIn.requests).toHaveLength(0);
		const message = result.error?.message ?? '';
		const match = /^Invalid Scheduled At \(scheduledAt\): "(.+)" is in the past \((.+)\): it must not be earlier than the current UTC time, (.+) \[item 0\]$/.exec(message);
		expect(match).not.toBeNull();
		const [, shown, sent, now] = match as RegExpExecArray;
		expect(Date.parse(shown)).toBeLessThan(Date.now());
		expect(Date.now() - Date.parse(now)).toBeLessThan(5_000);
		expect(Date.parse(now) - Date.parse(sent)).toBeGreaterThanOrEqual(59_000);
	});

	it('Reschedule follows the same rule', async () => {
		inZone('America/Los_Angeles');
		const result = await runCreate(standIn, postParameters('update', { postId: byId('pg_standin_0001'), scheduledAt: '2030-11-03T01:30:00' }));

		expect(result.error).toBeUndefined();
		// 01:30 happens twice in Los Angeles on 3 November 2030: the first, daylight time (UTC−7).
		expect(requestsFor(standIn, 'PATCH', '/post/pg_standin_0001')[0].body).toEqual({ scheduledAt: '2030-11-03T08:30:00Z' });
	});

	it('a future time in Ocoya’s own form passes through unchanged', async () => {
		const when = daysFromNow(30);
		await runCreate(standIn, create(when));
		expect(sentTimes()).toEqual([when]);
	});
});
