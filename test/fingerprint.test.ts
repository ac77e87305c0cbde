/** The pure-TS SHA-256 that names a rate-limit gate, against published vectors and node:crypto. */
import { createHash, randomBytes } from 'node:crypto';

import { sha256Hex } from '../nodes/Ocoya/transport/fingerprint';

describe('sha256Hex', () => {
	it.each([
		['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
		['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
		[
			'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
			'248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
		],
		['a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
	])('FIPS 180-4 vector of %# (length %s)', (input, digest) => {
		expect(sha256Hex(input)).toBe(digest);
	});

	it('agrees with node:crypto on every length across block boundaries and on non-ASCII text', () => {
		for (let length = 0; length < 200; length++) {
			const text = randomBytes(length).toString('base64').slice(0, length);
			expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
		}
		for (const text of ['é', 'ключ-API', '🔑 key', 'a\u{10FFFF}b', 'x\u0000y']) {
			expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
		}
	});
});
