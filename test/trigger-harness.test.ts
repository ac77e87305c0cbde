/**
 * The poll harness (dev/harness/poll.ts) keeps n8n's rule for a polling trigger's static data:
 * saved at activation and when a poll emits, never after a poll that emits nothing or a manual
 * run. Proven with a minimal polling node that counts its polls in static data.
 */
import { NodeConnectionTypes, type INodeExecutionData, type INodeType, type IPollFunctions } from 'n8n-workflow';

import { shutdownHarness } from '../dev/harness';
import { PollHarness } from '../dev/harness/poll';

/** Counts polls in its static data; emits on every poll whose count is in `emitOn`. */
function countingTrigger(emitOn: Set<number>): INodeType {
	return {
		description: {
			displayName: 'Counting Trigger',
			name: 'countingTrigger',
			group: ['trigger'],
			version: 1,
			description: 'Counts its polls',
			defaults: { name: 'Counting Trigger' },
			polling: true,
			inputs: [],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
			const data = this.getWorkflowStaticData('node');
			data.polls = ((data.polls as number | undefined) ?? 0) + 1;
			if (this.getMode() === 'manual') return [[{ json: { manual: true, polls: data.polls } }]];
			return emitOn.has(data.polls as number) ? [[{ json: { polls: data.polls } }]] : null;
		},
	};
}

function harness(emitOn: number[]): PollHarness {
	return new PollHarness({ nodeType: countingTrigger(new Set(emitOn)), credentialTypes: [], credentials: {}, parameters: {} });
}

const saved = (h: PollHarness): unknown => (h.savedStaticData['node:Trigger Under Test'] as { polls?: number } | undefined)?.polls;

afterAll(async () => await shutdownHarness());

it('saves at activation and when a poll emits, not after an empty poll', async () => {
	const h = harness([3]);
	expect(await h.activate()).toEqual({ items: null, saved: true });
	expect(saved(h)).toBe(1);
	expect(await h.tick()).toEqual({ items: null, saved: false });
	expect(saved(h)).toBe(1);
	expect(h.inMemoryStaticData()).toEqual({ 'node:Trigger Under Test': { polls: 2 } });
	const emitting = await h.tick();
	expect(emitting.items?.map((item) => item.json)).toEqual([{ polls: 3 }]);
	expect(emitting.saved).toBe(true);
	expect(saved(h)).toBe(3);
	expect(h.saves).toBe(2);
});

it('a restart loses what an empty poll changed and activates from what was saved', async () => {
	const h = harness([]);
	await h.activate();
	await h.tick();
	await h.tick();
	expect(h.inMemoryStaticData()).toEqual({ 'node:Trigger Under Test': { polls: 3 } });
	await h.restart();
	// The activation poll counted from the saved 1, not the lost 3.
	expect(saved(h)).toBe(2);
});

it('a manual run works on a copy that is never saved', async () => {
	const h = harness([]);
	await h.activate();
	const manual = await h.manual();
	expect(manual.items?.map((item) => item.json)).toEqual([{ manual: true, polls: 2 }]);
	expect(saved(h)).toBe(1);
	expect(h.inMemoryStaticData()).toEqual({ 'node:Trigger Under Test': { polls: 1 } });
});
