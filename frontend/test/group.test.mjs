import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import { fromHex, toHex } from '../src/lib/bytes.js';

before(async () => { await ready(); });

// RFC 9496 appendix A.1: multiples of the generator.
const MULTIPLES = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  'e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76',
  '6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919',
  '94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259',
];

test('RFC 9496 multiples of the generator', () => {
  MULTIPLES.forEach((hex, i) => assert.equal(toHex(g.baseMul(BigInt(i))), hex));
  assert.equal(toHex(g.mul(3n, g.BASE)), MULTIPLES[3]);
  assert.equal(toHex(g.add(g.BASE, g.baseMul(2n))), MULTIPLES[3]);
});

test('RFC 9496 non-canonical encodings are rejected', () => {
  const bad = [
    '00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
    '0100000000000000000000000000000000000000000000000000000000000000',
  ];
  for (const hex of bad) assert.throws(() => g.pointFromBytes(fromHex(hex)), /canonical/);
  assert.throws(() => g.pointFromBytes(new Uint8Array(32)), /identity/);
  assert.ok(g.pointFromBytes(new Uint8Array(32), 'x', { allowIdentity: true }));
});

test('bit 255 and unreduced field elements are rejected (RFC 9496, any libsodium)', () => {
  for (const hex of MULTIPLES) {
    const flipped = fromHex(hex);
    flipped[31] |= 0x80;
    assert.equal(g.isValidPoint(flipped), false);
    assert.throws(() => g.pointFromBytes(flipped, 'x', { allowIdentity: true }), /canonical/);
    assert.equal(g.isValidPoint(fromHex(hex)), true);
  }
  const p = 2n ** 255n - 19n;
  for (const k of [0n, 2n, 4n, 18n]) {
    const bytes = new Uint8Array(32);
    let v = p + k;
    for (let i = 0; i < 32; i += 1) { bytes[i] = Number(v & 0xffn); v >>= 8n; }
    assert.equal(g.isValidPoint(bytes), false);
  }
});

test('scalar encoding is canonical', () => {
  assert.throws(() => g.scalarFromBytes(g.scalarToBytes(0n).fill(0xff)), /non-canonical/);
  assert.equal(g.scalarFromBytes(g.scalarToBytes(g.ORDER - 1n)), g.ORDER - 1n);
  assert.equal(g.mod(g.scalarInverse(7n) * 7n), 1n);
});
