/**
 * Every constraint of the contract broken once, by a plain value and by an expression:
 * the node must stop the item with a NodeOperationError that names the field, the value and
 * the item, and send nothing.
 */
import { NodeOperationError, type INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY } from '../dev/ocoya-stand-in';
import { createParameters, everythingVisible, items, runCreate, useStandIn } from './support/ocoya';

interface BadInput {
	field: string;
	/** Parameters that break the rule; `value` is also offered to the expression variant. */
	parameters: INodeParameters;
	value: unknown;
	/** What the message must say of the rule. */
	rule: RegExp;
	/** How the message shows the bad value, when not as given. */
	shown?: string;
	/** n8n's own required-parameter check stops a plain empty value before the node runs. */
	requiredByEditor?: true;
}

const media = { generateMedia: true };
const fiveUrls = ['https://e.com/1.png', 'https://e.com/2.png', 'https://e.com/3.png', 'https://e.com/4.png'];

const cases: BadInput[] = [
	{ field: 'prompt', parameters: {}, value: '  ab  ', rule: /at least 3 characters/ },
	{ field: 'prompt', parameters: {}, value: '', rule: /at least 3 characters/, requiredByEditor: true },
	{ field: 'workspaceId', parameters: {}, value: '', rule: /must not be empty/, requiredByEditor: true },
	{ field: 'goal', parameters: {}, value: 'viral', rule: /not one of: awareness, education, event, launch, leads, offer/ },
	{ field: 'audience', parameters: {}, value: 'everyone', rule: /not one of: business_owners/ },
	{ field: 'postLength', parameters: {}, value: 'tiny', rule: /not one of: extra_long, long, medium, short/ },
	{ field: 'tone', parameters: {}, value: 'sarcastic', rule: /not one of: bold, educational, founder_led, friendly, professional/ },
	{ field: 'duration', parameters: {}, value: 0, rule: /whole number from 1 to 30/ },
	{ field: 'duration', parameters: {}, value: 31, rule: /whole number from 1 to 30/ },
	{ field: 'duration', parameters: {}, value: 2.5, rule: /whole number from 1 to 30/ },
	{ field: 'count', parameters: {}, value: 2, rule: /whole number from 3 to 30/ },
	{ field: 'count', parameters: {}, value: 31, rule: /whole number from 3 to 30/ },
	{ field: 'count', parameters: {}, value: 'ten', rule: /whole number from 3 to 30/ },
	{ field: 'count', parameters: {}, value: '0x1E', rule: /whole number from 3 to 30 \(in decimal digits\)/ },
	{ field: 'duration', parameters: {}, value: '1e1', rule: /whole number from 1 to 30 \(in decimal digits\)/ },
	{ field: 'brandId', parameters: {}, value: ['bk_1', 'bk_2'], rule: /must be a single ID/ },
	{ field: 'hashtagLibraryId', parameters: {}, value: 'hl_1, hl_2', rule: /must be a single ID/, shown: '["hl_1","hl_2"]' },
	{ field: 'socialProfileIds', parameters: {}, value: [{ id: 'sp_1' }], rule: /only text values/ },
	{ field: 'referenceUrls', parameters: media, value: fiveUrls, rule: /has 4 entries; at most 3/ },
	{ field: 'referenceUrls', parameters: media, value: ['ftp://e.com/a.png'], rule: /not a valid http\(s\) URL/, shown: '"ftp://e.com/a.png"' },
	{ field: 'referenceUrls', parameters: media, value: 'https://e.com/a.png, not a url', rule: /not a valid http\(s\) URL/, shown: '"not a url"' },
	{ field: 'referenceDesignIds', parameters: media, value: ['d1', 'd2', 'd3', 'd4'], rule: /has 4 entries; at most 3/ },
];

function withValue(parameters: INodeParameters, field: string, value: unknown): INodeParameters {
	const base = createParameters(parameters);
	if (field === 'workspaceId') {
		return { ...base, workspaceId: { __rl: true, mode: 'id', value: value as string } };
	}
	return { ...base, [field]: value as INodeParameters[string] };
}

const standIn = useStandIn();
const seen: string[] = [];

async function expectRejected(parameters: INodeParameters, testCase: BadInput, inputValue: unknown) {
	const result = await runCreate(standIn, parameters, { inputItems: items({ value: inputValue }) });
	seen.push(everythingVisible(result));

	expect(standIn.requests).toHaveLength(0);
	expect(result.items).toHaveLength(0);
	expect(result.error).toBeInstanceOf(NodeOperationError);
	const error = result.error as NodeOperationError;
	expect(error.message).toContain(`(${testCase.field})`);
	expect(error.message).toMatch(testCase.rule);
	expect(error.message).toContain('[item 0]');
	expect(error.context.itemIndex).toBe(0);
	const shown = testCase.shown ?? (typeof testCase.value === 'string' ? testCase.value.trim() : JSON.stringify(testCase.value));
	expect(error.message).toContain(shown);
}

describe('bad input is refused before anything is sent', () => {
	it.each(cases)('$field = $value (plain value)', async (testCase) => {
		const parameters = withValue(testCase.parameters, testCase.field, testCase.value);
		if (testCase.requiredByEditor) {
			await expect(runCreate(standIn, parameters)).rejects.toThrow(/is required/);
			expect(standIn.requests).toHaveLength(0);
			seen.push('');
			return;
		}
		await expectRejected(parameters, testCase, null);
	});

	it.each(cases)('$field = $value (from an expression)', async (testCase) => {
		await expectRejected(
			withValue(testCase.parameters, testCase.field, '={{ $json.value }}'),
			testCase,
			testCase.value,
		);
	});

	it('stops only the bad item and names its index; the good one is sent', async () => {
		const result = await runCreate(
			standIn,
			createParameters({ count: '={{ $json.count }}' }),
			{ inputItems: items({ count: 4 }, { count: 99 }), continueOnFail: true },
		);
		seen.push(everythingVisible(result));

		expect(standIn.campaignRequests().map((request) => request.body)).toEqual([
			{ prompt: 'Summer launch campaign for our ecommerce analytics dashboard', count: 4 },
		]);
		expect(result.items).toHaveLength(2);
		expect(result.items[0].json.status).toBe('GENERATING');
		expect(result.items[1].json.error).toMatch(/Number of Posts \(count\): 99 must be a whole number from 3 to 30 \(in decimal digits\) \[item 1\]/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});

	it('rejects option values out of range: timeout and rate-limit wait', async () => {
		for (const options of [{ timeout: 10 }, { timeout: 3_000_000_000 }, { timeout: '0x3E8' }, { rateLimitMaxWait: -1 }]) {
			const result = await runCreate(standIn, createParameters({ options }));
			seen.push(everythingVisible(result));
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toContain(`(options.${Object.keys(options)[0]})`);
		}
		expect(standIn.requests).toHaveLength(0);
	});

	it('one rule for every field: choices are trimmed, an empty count or duration is not sent', async () => {
		const result = await runCreate(
			standIn,
			createParameters({
				goal: '={{ $json.goal }}',
				tone: ' friendly ',
				count: '={{ $json.missing }}',
				duration: '={{ $json.blank }}',
			}),
			{ inputItems: items({ goal: ' leads\n', blank: '  ' }) },
		);
		seen.push(everythingVisible(result));
		expect(result.error).toBeUndefined();
		expect(standIn.campaignRequests().map((request) => request.body)).toEqual([
			{ prompt: 'Summer launch campaign for our ecommerce analytics dashboard', goal: 'leads', tone: 'friendly' },
		]);
	});

	it('a decimal count written as text is read as that number', async () => {
		const result = await runCreate(standIn, createParameters({ count: ' 12 ', duration: '+9' }));
		seen.push(everythingVisible(result));
		expect(result.error).toBeUndefined();
		expect(standIn.campaignRequests()[0].body).toMatchObject({ count: 12, duration: 9 });
	});

	it('never shows the API key in any output or error of this suite', () => {
		expect(seen.length).toBe(cases.length * 2 + 7);
		// Every test has its own key; they all start with the stand-in's default.
		for (const text of seen) expect(text).not.toContain(DEFAULT_API_KEY);
	});
});
