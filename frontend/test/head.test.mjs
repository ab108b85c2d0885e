// The signature of the final board head (record-format §3.12) against a vector the Python
// core made (tinnhiem.tally.head: prove_knowledge with the same nonce); the Python side
// checks the browser's signatures in tests/web/test_poll_head_signature.py.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import { formatHead, headBinding, signHead, verifyHeadSignature } from '../src/lib/head.js';

before(async () => { await ready(); });

// Made by tinnhiem.crypto.prove_knowledge(Context(F), s, binding=head_binding(2, head), nonce=k).
const V = {
  fingerprint: '44863b03e9909b7100e05b02526909a346fd7455183f6619e0fe6198c89981e0',
  head: '9f2e6d33a3717ee826353a404ba4618d1aeeb6879ad7936bce8ed5f46814924d',
  member: 2,
  secret: '1b9f206456a83dbcb635a3e3758c392c8bf8a2b54d37164c51a806bec990a007',
  nonce: 'bbf823550a062e849f8429fa1f1c0a183f6c83afdf03b54bc5f96e56a87f0600',
  verification_key: '9e77deb40d4c0c11fd58eb02bb37cd32dc350b50975a5d21dc19324272fcc512',
  binding: '82c122042ff29f7b14af79d5c20ad18b32231207259a85b272585f68788e8c99',
  signature: 'd02e0079ccc55e233b3b231e2afefef379da6bb5666fee645e403e9ed960241ec94eeb54751e6d70065b4734d876db49fa5025a504e3f0c652968818a42b6a0e',
};

const F = () => fromHex(V.fingerprint, 32);
const HEAD = () => fromHex(V.head, 32);
const SHARE = () => ({ index: V.member, secret: g.scalarFromBytes(fromHex(V.secret, 32)) });
const VK = () => fromHex(V.verification_key, 32);

test('head binding and signature equal the Python core byte for byte', () => {
  assert.equal(toHex(headBinding(V.member, HEAD())), V.binding);
  assert.equal(toHex(g.baseMul(SHARE().secret)), V.verification_key);
  const nonce = g.scalarFromBytes(fromHex(V.nonce, 32));
  assert.equal(signHead(F(), SHARE(), HEAD(), { nonce }), V.signature);
});

test('the Python signature verifies; a fresh one verifies too', () => {
  verifyHeadSignature(F(), VK(), V.member, HEAD(), V.signature);
  const fresh = signHead(F(), SHARE(), HEAD());
  assert.notEqual(fresh, V.signature);
  verifyHeadSignature(F(), VK(), V.member, HEAD(), fresh);
});

test('another head, member, fingerprint or a changed byte is refused', () => {
  const otherHead = HEAD().slice();
  otherHead[0] ^= 1;
  assert.throws(() => verifyHeadSignature(F(), VK(), V.member, otherHead, V.signature), /does not verify/);
  assert.throws(() => verifyHeadSignature(F(), VK(), 3, HEAD(), V.signature), /does not verify/);
  const otherF = F().slice();
  otherF[31] ^= 1;
  assert.throws(() => verifyHeadSignature(otherF, VK(), V.member, HEAD(), V.signature), /does not verify/);
  const bytes = fromHex(V.signature, 64);
  bytes[40] ^= 1;
  assert.throws(() => verifyHeadSignature(F(), VK(), V.member, HEAD(), toHex(bytes)));
  assert.throws(() => verifyHeadSignature(F(), VK(), V.member, HEAD(), V.signature.slice(2)));
});

test('the head reads in 16 groups of 4', () => {
  const groups = formatHead(V.head).split(' ');
  assert.equal(groups.length, 16);
  assert.ok(groups.every((x) => x.length === 4));
  assert.equal(groups.join(''), V.head);
});
