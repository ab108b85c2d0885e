import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import {
  auditReveal, checkAudit, choiceBits, credentialFromSeed, encryptBallot, sumAllowed, sumWeights,
  verifyBallot,
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

test('a choose ballot with the blank column: b last, Σx + k·b proven in 1..k', () => {
  const { publicKey, fingerprint, credential } = setup();
  const withBlank = { ...choose, personnel: { ...personnel, blank_column: true } };
  assert.deepEqual(sumAllowed(withBlank), [1n, 2n]);
  assert.deepEqual(sumWeights(withBlank), [1, 1, 1, 2]);
  assert.deepEqual(choiceBits(withBlank, []), [0n, 0n, 0n, 1n]);
  assert.deepEqual(choiceBits(withBlank, ['binh']), [0n, 1n, 0n, 0n]);
  for (const marks of [{}, { binh: 'chosen' }, { an: 'chosen', chi: 'chosen' }]) {
    const { ballot, secrets } = encryptBallot(withBlank, fingerprint, publicKey, credential, marks);
    assert.equal(ballot.rows[0].ciphertext.length, 4 * 64);
    assert.equal(ballot.rows[0].proof.length, 4 * 256 + 2 * 128);
    verifyBallot(withBlank, fingerprint, publicKey, ballot);
    const reveal = auditReveal(ballot, secrets, fingerprint);
    assert.equal(reveal.rows[0].nonces.length, 4);
    assert.ok(checkAudit(withBlank, publicKey, ballot, reveal).every((r) => r.ok));
    // the same bytes are not a ballot of the row without b, nor the other way round
    assert.throws(() => verifyBallot(choose, fingerprint, publicKey, ballot));
  }
  const plain = encryptBallot(choose, fingerprint, publicKey, credential, { an: 'chosen' }).ballot;
  assert.throws(() => verifyBallot(withBlank, fingerprint, publicKey, plain));
  // a blank ballot revealed as naming someone does not re-encrypt to its row
  const { ballot, secrets } = encryptBallot(withBlank, fingerprint, publicKey, credential, {});
  const reveal = auditReveal(ballot, secrets, fingerprint);
  const lie = { ...reveal, rows: [{ ...reveal.rows[0], chosen: ['an'] }] };
  assert.equal(checkAudit(withBlank, publicKey, ballot, lie)[0].ok, false);
});
