/** Campaign › Create sends exactly the contract's request and passes Ocoya's 202 reply on. */
import { createParameters, everythingVisible, items, runCreate, useStandIn } from './support/ocoya';

const standIn = useStandIn();

describe('Campaign › Create', () => {
	it('sends every field of the API when every parameter is set', async () => {
		const result = await runCreate(
			standIn,
			createParameters({
				prompt: '  Launch of the Q3 analytics dashboard for agencies  ',
				goal: 'launch',
				audience: 'marketing_teams',
				tone: 'founder_led',
				postLength: 'extra_long',
				count: 12,
				duration: 21,
				brandId: 'bk_standin_1',
				hashtagLibraryId: 'hl_standin_1',
				socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
				generateMedia: true,
				referenceUrls: ['https://example.com/a.png', 'http://example.com/b.jpg'],
				referenceDesignIds: ['st_standin_1'],
			}),
		);

		expect(result.error).toBeUndefined();
		const [request] = standIn.campaignRequests();
		expect(standIn.requests).toHaveLength(1);
		expect(request.method).toBe('POST');
		expect(request.query).toEqual({ workspaceId: 'ws_standin_1' });
		expect(request.headers['x-api-key']).toBe(standIn.apiKey);
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.validationErrors).toEqual([]);
		expect(request.body).toEqual({
			prompt: 'Launch of the Q3 analytics dashboard for agencies',
			goal: 'launch',
			audience: 'marketing_teams',
			tone: 'founder_led',
			postLength: 'extra_long',
			count: 12,
			duration: 21,
			brandId: 'bk_standin_1',
			hashtagLibraryId: 'hl_standin_1',
			socialProfileIds: ['sp_standin_1', 'sp_standin_2'],
			generateMedia: true,
			referenceUrls: ['https://example.com/a.png', 'http://example.com/b.jpg'],
			referenceDesignIds: ['st_standin_1'],
		});

		expect(result.items).toHaveLength(1);
		const [created] = standIn.createdCampaigns;
		expect(result.items[0].json).toEqual({
			campaignId: created.campaignId,
			status: 'GENERATING',
			queued: true,
			generation: expect.any(Object),
		});
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('sends only the prompt when nothing else was set, so Ocoya applies its own defaults', async () => {
		const result = await runCreate(standIn, createParameters({ count: 5, duration: 7, goal: '' }));

		expect(result.error).toBeUndefined();
		expect(standIn.campaignRequests().map((request) => request.body)).toEqual([
			{ prompt: 'Summer launch campaign for our ecommerce analytics dashboard' },
		]);
		expect(result.items[0].json.status).toBe('GENERATING');
	});

	it('leaves reference images out when image generation is off', async () => {
		await runCreate(
			standIn,
			createParameters({
				generateMedia: false,
				referenceUrls: ['https://example.com/a.png'],
				referenceDesignIds: ['st_standin_1'],
			}),
		);

		expect(standIn.campaignRequests()[0].body).toEqual({
			prompt: 'Summer launch campaign for our ecommerce analytics dashboard',
		});
	});

	it('creates one campaign per item, each built from its own item by expressions', async () => {
		const result = await runCreate(
			standIn,
			createParameters({
				workspaceId: { __rl: true, mode: 'id', value: '={{ $json.workspace }}' },
				prompt: '={{ "Welcome campaign for " + $json.company + ": " + $json.deal }}',
				count: '={{ $json.posts }}',
				goal: '={{ $json.goal }}',
				socialProfileIds: '={{ $json.profiles }}',
			}),
			{
				inputItems: items(
					{ workspace: 'ws_standin_1', company: 'Northwind', deal: 'Enterprise plan', posts: 3, goal: 'leads', profiles: ['sp_standin_1'] },
					{ workspace: 'ws_standin_2', company: 'Contoso', deal: 'Starter plan', posts: 30, goal: 'offer', profiles: 'sp_standin_1, sp_standin_2' },
				),
			},
		);

		expect(result.error).toBeUndefined();
		const requests = standIn.campaignRequests();
		expect(requests.map((request) => [request.query, request.body])).toEqual([
			[
				{ workspaceId: 'ws_standin_1' },
				{ prompt: 'Welcome campaign for Northwind: Enterprise plan', count: 3, goal: 'leads', socialProfileIds: ['sp_standin_1'] },
			],
			[
				{ workspaceId: 'ws_standin_2' },
				{ prompt: 'Welcome campaign for Contoso: Starter plan', count: 30, goal: 'offer', socialProfileIds: ['sp_standin_1', 'sp_standin_2'] },
			],
		]);
		expect(requests.every((request) => request.validationErrors?.length === 0)).toBe(true);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items.map((item) => item.json.campaignId)).toEqual(
			standIn.createdCampaigns.map((campaign) => campaign.campaignId),
		);
	});

	it('sends items one after another, never two at once', async () => {
		standIn.failNext({ delayMs: 150, times: 3, match: { method: 'POST', path: '/campaigns' } });
		const result = await runCreate(standIn, createParameters(), { inputItems: items({}, {}, {}) });

		expect(result.error).toBeUndefined();
		const arrivals = standIn.campaignRequests().map((request) => request.receivedAt);
		expect(arrivals).toHaveLength(3);
		expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(140);
		expect(arrivals[2] - arrivals[1]).toBeGreaterThanOrEqual(140);
	});

	it('keeps the API key out of the output', async () => {
		const result = await runCreate(standIn, createParameters());
		expect(result.items).toHaveLength(1);
		expect(everythingVisible(result)).not.toContain(standIn.apiKey);
	});
});
