/** The trigger's record on its own: the bound, left and back, and the two-poll rule across pages. */
import type { IDataObject } from 'n8n-workflow';

import { credentialFingerprint } from '../nodes/OcoyaTrigger/fingerprint';
import {
	LEFT,
	LISTED,
	MAX_RECORDED_POSTS,
	MISSING_ONCE,
	baseline,
	readRecord,
	reconcile,
	writeRecord,
	type Listing,
	type RecordSettings,
} from '../nodes/OcoyaTrigger/record';

const settings: RecordSettings = { credential: 'abc', workspaceId: 'ws', statuses: ['DRAFT'], emit: 'firstAppearance' };

function listing(ids: string[], extra: Partial<Listing> = {}): Listing {
	return { posts: ids.map((id) => ({ id, status: 'DRAFT' })), consistent: true, singleRequest: true, ...extra };
}

it('is bounded to 10,000 post groups: the least recently changed are dropped, and one seen again is new', () => {
	const ids = Array.from({ length: MAX_RECORDED_POSTS }, (_, i) => `p${i}`);
	const start = baseline(listing(ids));
	const { next, changes } = reconcile(start, listing([...ids, 'newest'], { consistent: false }), 'firstAppearance');
	expect(changes.map((change) => change.post.id)).toEqual(['newest']);
	expect(next.size).toBe(MAX_RECORDED_POSTS);
	expect(next.has('p0')).toBe(false);
	expect(next.has('newest')).toBe(true);
	const again = reconcile(next, listing(['p0'], { consistent: false }), 'firstAppearance');
	expect(again.changes).toEqual([{ post: { id: 'p0', status: 'DRAFT' }, status: 'DRAFT', previousStatus: null }]);

	const staticData: IDataObject = {};
	writeRecord(staticData, settings, again.next);
	expect(readRecord(staticData, settings)?.size).toBe(MAX_RECORDED_POSTS);
	expect(JSON.stringify(staticData).length).toBeLessThan(400_000);
});

it('one reply that lacks a post group marks it left at once; across pages it takes two consistent polls', () => {
	const start = baseline(listing(['a', 'b']));
	expect(reconcile(start, listing(['a']), 'everyChange').next.get('b')?.presence).toBe(LEFT);
	const once = reconcile(start, listing(['a'], { singleRequest: false }), 'everyChange').next;
	expect(once.get('b')?.presence).toBe(MISSING_ONCE);
	const seenAgain = reconcile(once, listing(['a', 'b'], { singleRequest: false }), 'everyChange');
	expect(seenAgain.changes).toEqual([]);
	expect(seenAgain.next.get('b')?.presence).toBe(LISTED);
	const twice = reconcile(once, listing(['a'], { singleRequest: false }), 'everyChange').next;
	expect(twice.get('b')?.presence).toBe(LEFT);
	// An inconsistent listing (a post group read twice, or pages left unread) marks nothing.
	expect(reconcile(start, listing(['a'], { consistent: false }), 'everyChange').next.get('b')?.presence).toBe(LISTED);
});

it('belongs to its settings: another credential, workspace, status set or Emit finds no record', () => {
	const staticData: IDataObject = {};
	writeRecord(staticData, settings, baseline(listing(['a'])));
	expect(readRecord(staticData, settings)?.size).toBe(1);
	for (const other of [
		{ credential: 'other' },
		{ workspaceId: 'ws2' },
		{ statuses: ['DRAFT', 'ERROR'] },
		{ emit: 'everyChange' as const },
	]) {
		expect(readRecord(staticData, { ...settings, ...other })).toBeUndefined();
	}
});

it('the credential fingerprint differs per key and Base URL and holds neither', () => {
	const key = 'ocoya-live-key-0123456789';
	const fingerprint = credentialFingerprint('https://app.ocoya.com/api/_public/v1', key);
	expect(fingerprint).toMatch(/^[0-9a-f]{24}$/);
	expect(fingerprint).not.toContain(key.slice(0, 6));
	expect(credentialFingerprint('https://app.ocoya.com/api/_public/v1/', key)).toBe(fingerprint);
	expect(credentialFingerprint('https://proxy.example.com/v1', key)).not.toBe(fingerprint);
	expect(credentialFingerprint('https://app.ocoya.com/api/_public/v1', `${key}x`)).not.toBe(fingerprint);
});
