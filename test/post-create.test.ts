/**
 * Post › Create and Post › Create with AI through n8n-core against the stand-in: the exact request
 * Ocoya receives, bad input refused with 0 requests, the 201 replies (JSON or empty), no retry of a
 * create after an ambiguous failure, the Deduplication Key, and the API key in no output.
 */
import { useMemoryDeduplicationStore, type MemoryDeduplicationStore } from '../dev/harness/deduplication-store';
import { everythingVisible, items, runCreate, useStandIn } from './support/ocoya';
import { daysFromNow, postParameters, requestsFor } from './support/posts';

jest.setTimeout(30_000);

const standIn = useStandIn();
let store: MemoryDeduplicationStore;
beforeAll(async () => {
	store = await useMemoryDeduplicationStore();
});
beforeEach(() => store.reset());
const visible: string[] = [];

const create = (overrides = {}) => postParameters('create', { caption: 'Our summer sale starts today', ...overrides });
const createWithAi = (overrides = {}) =>
	postParameters('createWithAi', { prompt: 'Write a launch post for our analytics dashboard', ...overrides });

describe('Post › Create', () => {
	it('sends caption, media, profiles and the time in Ocoya’s form, and outputs Ocoya’s reply with postGroupId', async () => {
		const scheduledAt = daysFromNow(3);
		const result = await runCreate(
			standIn,
			create({
				caption: 'Launch day! 🚀',
				mediaUrls: ['https://example.com/launch.png', 'http://example.com/clip.mp4'],
				socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
				scheduledAt: scheduledAt.replace('Z', '+00:00'),
			}),
		);
		visible.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const requests = requestsFor(standIn, 'POST', '/post');
		expect(standIn.requests).toHaveLength(1);
		expect(requests[0].query).toEqual({ workspaceId: 'ws_standin_1' });
		expect(requests[0].validationErrors).toEqual([]);
		expect(requests[0].body).toEqual({
			caption: 'Launch day! 🚀',
			mediaUrls: ['https://example.com/launch.png', 'http://example.com/clip.mp4'],
			socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
			scheduledAt,
		});
		const newest = standIn.posts('ws_standin_1')[0];
		expect(result.items).toEqual([{ json: { postGroupId: newest.id }, pairedItem: { item: 0 } }]);
		expect(newest.scheduledAt).toBe(scheduledAt.replace('Z', '.000Z'));
	});

	it('a caption alone is a draft: nothing else is sent', async () => {
		const result = await runCreate(standIn, create({ mediaUrls: [], socialProfileIds: [], scheduledAt: '' }));

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'POST', '/post').map((request) => request.body)).toEqual([{ caption: 'Our summer sale starts today' }]);
		expect(standIn.posts('ws_standin_1')[0]).toMatchObject({ status: 'DRAFT', scheduledAt: null });
	});

	it('media without a caption: a blank caption counts as absent', async () => {
		const result = await runCreate(standIn, create({ caption: '  \n ', mediaUrls: ['https://example.com/a.png'] }));

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'POST', '/post')[0].body).toEqual({ mediaUrls: ['https://example.com/a.png'] });
	});

	it('media URLs from an expression: a list, or text split at line breaks and commas, except a comma inside a URL', async () => {
		const result = await runCreate(standIn, create({ mediaUrls: '={{ $json.media }}' }), {
			inputItems: items(
				{ media: ['https://cdn.example.com/w_100,h_100/a.png'] },
				{ media: 'https://cdn.example.com/w_100,h_100/a.png, https://example.com/b.gif\nhttps://example.com/c.png' },
			),
		});

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'POST', '/post').map((request) => (request.body as { mediaUrls: string[] }).mediaUrls)).toEqual([
			['https://cdn.example.com/w_100,h_100/a.png'],
			['https://cdn.example.com/w_100,h_100/a.png', 'https://example.com/b.gif', 'https://example.com/c.png'],
		]);
	});

	it('a caption of exactly 10,000 code points is sent: an emoji counts once', async () => {
		const caption = '🙂'.repeat(10_000);
		const result = await runCreate(standIn, create({ caption }));

		expect(result.error).toBeUndefined();
		expect((requestsFor(standIn, 'POST', '/post')[0].body as { caption: string }).caption).toBe(caption);
	});

	it.each([
		['no caption and no media', { caption: '', mediaUrls: [] }, /^Invalid Caption \(caption\): "" is empty and no media URL is given: a post needs a caption, at least one media URL, or both \[item 0\]$/],
		['a caption of 10,001 code points', { caption: '🙂'.repeat(10_001) }, /^Invalid Caption \(caption\): "(?:🙂){40}…" is 10001 characters long; at most 10,000 are allowed \[item 0\]$/],
		['a media URL that is not http(s)', { mediaUrls: ['ftp://example.com/a.png'] }, /^Invalid Media URLs \(mediaUrls\): "ftp:\/\/example.com\/a.png" is not a valid http\(s\) URL \[item 0\]$/],
		['a media entry that is not a URL', { mediaUrls: ['launch.png'] }, /^Invalid Media URLs \(mediaUrls\): "launch.png" is not a valid http\(s\) URL/],
		['text with a URL and then something else', { mediaUrls: 'https://e.com/a.png, not a url' }, /^Invalid Media URLs \(mediaUrls\): "not a url" is not a valid http\(s\) URL/],
		['a time with no social profile', { scheduledAt: daysFromNow(1) }, /^Invalid Scheduled At \(scheduledAt\): "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" needs at least one social profile to publish to/],
		['a time that is not a date', { socialProfileIds: ['sp_standin_1'], scheduledAt: 'next Tuesday' }, /^Invalid Scheduled At \(scheduledAt\): "next Tuesday" is not a date/],
		['a time in the past', { socialProfileIds: ['sp_standin_1'], scheduledAt: '2020-01-01T09:00:00Z' }, /^Invalid Scheduled At \(scheduledAt\): "2020-01-01T09:00:00Z" is in the past \(2020-01-01T09:00:00Z\): it must not be earlier than the current UTC time, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[item 0\]$/],
		['an empty workspace', { workspaceId: { __rl: true, mode: 'id', value: ' ' } }, /^Invalid Workspace \(workspaceId\): " " must not be empty \[item 0\]$/],
	])('refuses %s before sending anything', async (_case, overrides, message) => {
		const result = await runCreate(standIn, create(overrides));
		visible.push(everythingVisible(result));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(/Nothing was sent to Ocoya for this item/);
	});

	it('with continue-on-fail, only the bad item fails, as an error item naming it; the good one is sent', async () => {
		const result = await runCreate(standIn, create({ caption: '={{ $json.caption }}' }), {
			inputItems: items({ caption: '' }, { caption: 'Fine post' }),
			continueOnFail: true,
		});

		expect(requestsFor(standIn, 'POST', '/post').map((request) => request.body)).toEqual([{ caption: 'Fine post' }]);
		expect(result.items[0]).toEqual({
			json: expect.objectContaining({ error: expect.stringMatching(/^Invalid Caption \(caption\): "" is empty .* \[item 0\]$/) }),
			pairedItem: { item: 0 },
		});
		expect(result.items[1].json).toEqual({ postGroupId: expect.stringMatching(/^pg_standin_/) });
	});

	it('an empty 201 (the other reading of Ocoya’s “Created”) is a success: { created: true }', async () => {
		standIn.setReadings({ createReply: 'empty' });
		const result = await runCreate(standIn, create());

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'POST', '/post')).toHaveLength(1);
		expect(result.items).toEqual([{ json: { created: true }, pairedItem: { item: 0 } }]);
	});

	it.each([
		['a 503', { status: 503 }],
		['a 500', { status: 500 }],
		['a connection reset after Ocoya read the body', { reset: 'after-body' as const }],
		['an HTML page with a 201', { status: 201, body: '<html>Proxy</html>', contentType: 'text/html' }],
	])('is never retried after %s: one request, and the error says the post may exist', async (_case, fault) => {
		standIn.failNext({ match: { method: 'POST', path: '/post' }, ...fault });
		const result = await runCreate(standIn, create());
		visible.push(everythingVisible(result));

		expect(requestsFor(standIn, 'POST', '/post')).toHaveLength(1);
		expect(result.error).toBeDefined();
		expect(result.error?.description).toMatch(/The post may have been created; check Ocoya before retrying/);
	});

	it('a 4xx refusal is reported as sent and refused, not as a possible duplicate', async () => {
		standIn.failNext({ match: { method: 'POST', path: '/post' }, status: 422, body: { message: 'socialProfileIds: unknown profile' } });
		const result = await runCreate(standIn, create());

		expect(requestsFor(standIn, 'POST', '/post')).toHaveLength(1);
		expect(result.error?.message).toBe('Ocoya returned HTTP 422: socialProfileIds: unknown profile');
		expect(result.error?.description).not.toMatch(/may have been created/);
	});

	it('Deduplication Key: one post per key, a repeated key is output as a duplicate and sends nothing', async () => {
		const parameters = create({ options: { deduplicationKey: '={{ $json.rowId }}' } });
		const first = await runCreate(standIn, parameters, { inputItems: items({ rowId: 'r1' }, { rowId: 'r2' }, { rowId: 'r1' }) });
		const again = await runCreate(standIn, parameters, { inputItems: items({ rowId: 'r2' }) });

		expect(requestsFor(standIn, 'POST', '/post')).toHaveLength(2);
		expect(first.items.map((item) => [item.json.deduplicationKey, item.json.duplicate, typeof item.json.postGroupId])).toEqual([
			['r1', false, 'string'],
			['r2', false, 'string'],
			['r1', true, 'undefined'],
		]);
		expect(again.items[0].json).toMatchObject({ duplicate: true, deduplicationKey: 'r2' });
		expect(again.items[0].json.message).toMatch(/so no second post was created$/);
		expect(store.keysOf('harness-workflow', 'harness-node-under-test')).toBeGreaterThan(0);
	});
});

describe('Post › Create with AI', () => {
	it('sends every field of the API and outputs Ocoya’s 201 reply', async () => {
		const result = await runCreate(
			standIn,
			createWithAi({
				prompt: '  Write a launch post for our analytics dashboard  ',
				tone: 'founder_led',
				length: 'extra_long',
				brandId: 'bk_standin_1',
				hashtagLibraryId: 'hl_standin_1',
				socialProfileIds: ['sp_standin_1'],
				generateImage: true,
				referenceUrls: ['https://example.com/ref.png'],
				referenceDesignIds: ['st_standin_1'],
			}),
		);
		visible.push(everythingVisible(result));

		expect(result.error).toBeUndefined();
		const [request] = requestsFor(standIn, 'POST', '/post/ai');
		expect(standIn.requests).toHaveLength(1);
		expect(request.query).toEqual({ workspaceId: 'ws_standin_1' });
		expect(request.validationErrors).toEqual([]);
		expect(request.body).toEqual({
			prompt: 'Write a launch post for our analytics dashboard',
			tone: 'founder_led',
			length: 'extra_long',
			brandId: 'bk_standin_1',
			hashtagLibraryId: 'hl_standin_1',
			socialProfileIds: ['sp_standin_1'],
			generateImage: true,
			referenceUrls: ['https://example.com/ref.png'],
			referenceDesignIds: ['st_standin_1'],
		});
		expect(result.items).toHaveLength(1);
		expect(result.items[0].json).toEqual(expect.objectContaining({ postGroupId: standIn.posts('ws_standin_1')[0].id }));
	});

	it('sends only the prompt when nothing else is set; references only with a generated image', async () => {
		const result = await runCreate(
			standIn,
			createWithAi({ tone: '', length: '', generateImage: false, referenceUrls: ['https://example.com/ref.png'], referenceDesignIds: ['st_standin_1'] }),
		);

		expect(result.error).toBeUndefined();
		expect(requestsFor(standIn, 'POST', '/post/ai').map((request) => request.body)).toEqual([
			{ prompt: 'Write a launch post for our analytics dashboard' },
		]);
	});

	it.each([
		['a prompt under 10 characters after trimming', { prompt: '   too short   ' }, /^Invalid Prompt \(prompt\): "   too short   " must be text of at least 10 characters \[item 0\]$/],
		['a tone outside the enum', { tone: 'sarcastic' }, /^Invalid Tone \(tone\): "sarcastic" is not one of: bold, educational, founder_led, friendly, professional \[item 0\]$/],
		['a length outside the enum', { length: 'huge' }, /^Invalid Length \(length\): "huge" is not one of: extra_long, long, medium, short \[item 0\]$/],
		['two brand kits', { brandId: 'bk_1,bk_2' }, /^Invalid Brand Kit \(brandId\): \["bk_1","bk_2"\] must be a single ID/],
		['a reference URL that is not http(s)', { generateImage: true, referenceUrls: ['javascript:alert(1)'] }, /^Invalid Reference Image URLs \(referenceUrls\): "javascript:alert\(1\)" is not a valid http\(s\) URL/],
		['four reference designs', { generateImage: true, referenceDesignIds: ['a', 'b', 'c', 'd'] }, /has 4 entries; at most 3 are allowed/],
		['generateImage that is not a boolean', { generateImage: 'yes' }, /^Invalid Generate Image \(generateImage\): "yes" must be true or false/],
	])('refuses %s before sending anything', async (_case, overrides, message) => {
		const result = await runCreate(standIn, createWithAi(overrides));

		expect(standIn.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(message);
	});

	it('an empty 201 is a success: { created: true }', async () => {
		standIn.setReadings({ createReply: 'empty' });
		const result = await runCreate(standIn, createWithAi());

		expect(result.error).toBeUndefined();
		expect(result.items).toEqual([{ json: { created: true }, pairedItem: { item: 0 } }]);
	});

	it('is never retried after a timeout: one request, and the error says the post may exist', async () => {
		standIn.failNext({ match: { method: 'POST', path: '/post/ai' }, delayMs: 3_000 });
		const result = await runCreate(standIn, createWithAi({ options: { timeout: 1000 } }));

		expect(requestsFor(standIn, 'POST', '/post/ai')).toHaveLength(1);
		expect(result.error?.message).toBe('Ocoya did not answer within the Timeout option (1000 ms)');
		expect(result.error?.description).toMatch(/The post may have been created/);
	});

	it('Deduplication Key works as for Campaign › Create', async () => {
		const parameters = createWithAi({ options: { deduplicationKey: '={{ $json.id }}' } });
		const result = await runCreate(standIn, parameters, { inputItems: items({ id: 1 }, { id: 1 }) });

		expect(requestsFor(standIn, 'POST', '/post/ai')).toHaveLength(1);
		expect(result.items.map((item) => item.json.duplicate)).toEqual([false, true]);
	});
});

afterAll(() => {
	// The API key of each test's stand-in: `test-key-ocoya-stand-in-N`.
	for (const text of visible) expect(text).not.toMatch(/test-key-ocoya-stand-in/);
});
