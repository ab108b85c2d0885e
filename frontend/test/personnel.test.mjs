import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import {
  auditReveal, checkAudit, credentialFromSeed, encryptBallot, verifyBallot,
} from '../src/lib/ballot.js';

before(async () => { await ready(); });

const officials = [
  { id: 'an', name: 'An', post: '', order: 1 },
  { id: 'binh', name: 'Bình', post: '', order: 2 },
  { id: 'chi', name: 'Chí', post: '', order: 3 },
];
const personnel = { step: 'b2-introduce', k: 2, post: 'Giám đốc', list_source: 'planning', previous: null };
const choose = { kind: 'choose_at_most', encoding: 'per_level', weight_base: 10, officials, personnel };
const agree = { ...choose, kind: 'agree_disagree', personnel: { ...personnel, k: 1 } };

function setup() {
  return {
    publicKey: g.baseMul(123456789n),
    fingerprint: new Uint8Array(32).fill(5),
    credential: credentialFromSeed(new Uint8Array(32).fill(7)),
  };
}

test('a choose ballot: one row, a 0/1 ciphertext per candidate, the sum in 0..k', () => {
  const { publicKey, fingerprint, credential } = setup();
  const { ballot, secrets } = encryptBallot(choose, fingerprint, publicKey, credential, { an: 'chosen', chi: 'chosen' });
  assert.equal(ballot.rows.length, 1);
  assert.equal(ballot.rows[0].official_id, 'choice');
  assert.equal(ballot.rows[0].ciphertext.length, 3 * 64);
  assert.equal(ballot.rows[0].proof.length, 3 * 256 + 3 * 128);
  verifyBallot(choose, fingerprint, publicKey, ballot);
  const reveal = auditReveal(ballot, secrets, fingerprint);
  assert.deepEqual(reveal.rows[0].chosen, ['an', 'chi']);
  assert.ok(checkAudit(choose, publicKey, ballot, reveal).every((r) => r.ok));
  const lie = { ...reveal, rows: [{ ...reveal.rows[0], chosen: ['binh'] }] };
  assert.equal(checkAudit(choose, publicKey, ballot, lie)[0].ok, false);
  assert.throws(() => encryptBallot(choose, fingerprint, publicKey, credential, { an: 'chosen', binh: 'chosen', chi: 'chosen' }), /at most 2/);
  // a k = 2 ballot is not a k = 1 ballot
  const one = { ...choose, personnel: { ...personnel, k: 1 } };
  assert.throws(() => verifyBallot(one, fingerprint, publicKey, ballot));
});

test('an agree/disagree ballot: each person agree, disagree or blank', () => {
  const { publicKey, fingerprint, credential } = setup();
  const { ballot, secrets } = encryptBallot(agree, fingerprint, publicKey, credential, { an: 'agree', binh: 'disagree' });
  assert.equal(ballot.rows.length, 3);
  verifyBallot(agree, fingerprint, publicKey, ballot);
  const reveal = auditReveal(ballot, secrets, fingerprint);
  assert.deepEqual(reveal.rows.map((r) => r.mark), ['agree', 'disagree', 'blank']);
  assert.ok(checkAudit(agree, publicKey, ballot, reveal).every((r) => r.ok));
  assert.throws(() => encryptBallot(agree, fingerprint, publicKey, credential, { an: 'high' }), /not used/);
});
