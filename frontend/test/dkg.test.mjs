import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import { Context } from '../src/lib/transcript.js';
import { encryptWithNonce } from '../src/lib/elgamal.js';
import {
  DkgError, DkgMember, commitFromDict, commitToDict, memberShareFromBytes, memberShareToBytes,
  revealFromDict, revealToDict,
} from '../src/lib/dkg.js';
import { partialDecrypt } from '../src/lib/threshold.js';
import { fromHex, utf8 } from '../src/lib/bytes.js';
import { SecretFileError, protectSecret, unprotectSecret } from '../src/lib/protect.js';

before(async () => { await ready(); });

function ceremony(t, n) {
  const ctx = new Context(new Uint8Array(32).fill(7));
  const members = {};
  for (let i = 1; i <= n; i += 1) members[i] = DkgMember.create(ctx, i, t, n);
  const commits = {};
  for (let i = 1; i <= n; i += 1) commits[i] = commitFromDict(JSON.parse(JSON.stringify(commitToDict(members[i].commit()))));
  const reveals = {};
  for (let i = 1; i <= n; i += 1) reveals[i] = revealFromDict(JSON.parse(JSON.stringify(revealToDict(members[i].reveal(commits)))));
  return { ctx, members, commits, reveals };
}

test('a 2-of-3 ceremony: every member derives the same key; any 2 decrypt', () => {
  const { ctx, members, reveals } = ceremony(2, 3);
  const out = [1, 2, 3].map((i) => members[i].finish(reveals));
  for (const o of out) assert.ok(g.pointEquals(o.key.publicKey, out[0].key.publicKey));
  const ct = encryptWithNonce(out[0].key.publicKey, 42n, 12345n);
  const d1 = partialDecrypt(ctx, out[0].share, [ct]);
  const d3 = partialDecrypt(ctx, out[2].share, [ct]);
  // Lagrange at zero for {1, 3}: λ1 = 3/2, λ3 = -1/2.
  const half = g.scalarInverse(2n);
  const lambda1 = g.mod(3n * half);
  const lambda3 = g.mod(-half);
  const acc = g.add(g.mul(lambda1, fromHex(d1.factors[0])), g.mul(lambda3, fromHex(d3.factors[0])));
  assert.ok(g.pointEquals(g.sub(ct.beta, acc), g.baseMul(42n)));
});

test('a member state survives a save and resume', () => {
  const { ctx, members, reveals } = ceremony(2, 2);
  const saved = JSON.parse(JSON.stringify(members[1].stateToDict()));
  const resumed = DkgMember.fromStateDict(ctx, saved);
  const a = resumed.finish(reveals);
  const b = members[1].finish(reveals);
  assert.equal(a.share.secret, b.share.secret);
  const share = memberShareFromBytes(memberShareToBytes(a.share));
  assert.equal(share.index, 1);
  assert.equal(share.secret, a.share.secret);
  assert.throws(() => DkgMember.fromStateDict(new Context(new Uint8Array(32)), saved), /another round/);
});

test('a tampered share names the dealer', () => {
  const { members, reveals } = ceremony(2, 3);
  const bad = { ...reveals[2], shares: { ...reveals[2].shares } };
  bad.shares[1] = new Uint8Array(bad.shares[1]);
  bad.shares[1][60] ^= 1;
  assert.throws(() => members[1].finish({ ...reveals, 2: bad }), (err) => err instanceof DkgError && err.member === 2);
});

test('protected secrets: round trip, wrong passphrase refused', () => {
  const blob = protectSecret(utf8('share'), 'đúng', { opslimit: 1, memlimit: 65536 });
  assert.deepEqual(Array.from(unprotectSecret(blob, 'đúng')), Array.from(utf8('share')));
  assert.throws(() => unprotectSecret(blob, 'sai'), SecretFileError);
  assert.throws(() => unprotectSecret(blob.slice(0, 20), 'đúng'), SecretFileError);
});

test('protected secrets: composed and decomposed Vietnamese passphrases give one key', () => {
  const composed = 'Bầu cử Hội đồng'.normalize('NFC');
  const decomposed = composed.normalize('NFD');
  assert.notEqual(composed, decomposed);
  const blob = protectSecret(utf8('share'), decomposed, { opslimit: 1, memlimit: 65536 });
  assert.deepEqual(Array.from(unprotectSecret(blob, composed)), Array.from(utf8('share')));
});
