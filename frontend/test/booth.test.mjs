import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../src/lib/sodium.js';
import { toHex } from '../src/lib/bytes.js';
import * as g from '../src/lib/group.js';
import {
  auditReveal, ballotHash, base32, checkAudit, credentialFromSeed, encryptBallot, formatTracker,
  verifyBallot,
} from '../src/lib/ballot.js';
import { parseFragment, parseSeed } from '../src/pages/booth.js';

before(async () => { await ready(); });

const manifest = {
  kind: 'poll',
  weight_base: 11,
  officials: [{ id: 'A', name: 'Ánh', post: 'Chủ tịch', order: 1 }, { id: 'B', name: 'Bình', post: 'PCT', order: 2 }],
};

function setup() {
  const secret = 987654321n;
  const publicKey = g.baseMul(secret);
  const fingerprint = new Uint8Array(32).fill(3);
  const credential = credentialFromSeed(new Uint8Array(32).fill(9));
  return { publicKey, fingerprint, credential };
}

test('a ballot verifies, and its audit re-encrypts exactly', () => {
  const { publicKey, fingerprint, credential } = setup();
  const { ballot, secrets } = encryptBallot(manifest, fingerprint, publicKey, credential, { A: 'high' });
  verifyBallot(manifest, fingerprint, publicKey, ballot);
  const reveal = auditReveal(ballot, secrets, fingerprint);
  assert.deepEqual(reveal.rows.map((r) => r.mark), ['high', 'blank']);
  assert.ok(checkAudit(manifest, publicKey, ballot, reveal).every((r) => r.ok));
  const lie = { ...reveal, rows: reveal.rows.map((r, i) => (i === 0 ? { ...r, mark: 'low' } : r)) };
  assert.deepEqual(checkAudit(manifest, publicKey, ballot, lie).map((r) => r.ok), [false, true]);
  assert.match(reveal.tracker, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$/);
});

test('a changed byte or another signer is refused', () => {
  const { publicKey, fingerprint, credential } = setup();
  const { ballot } = encryptBallot(manifest, fingerprint, publicKey, credential, { A: 'low', B: 'confident' });
  const tampered = { ...ballot, rows: ballot.rows.map((r) => ({ ...r, proof: new Uint8Array(r.proof) })) };
  tampered.rows[1].proof[5] ^= 1;
  assert.throws(() => verifyBallot(manifest, fingerprint, publicKey, tampered), /signature/);
  const other = credentialFromSeed(new Uint8Array(32).fill(1));
  assert.throws(() => verifyBallot(manifest, fingerprint, publicKey, { ...ballot, credential: other.publicKey }), /signature/);
});

test('fresh randomness: two encryptions of the same marks differ', () => {
  const { publicKey, fingerprint, credential } = setup();
  const a = encryptBallot(manifest, fingerprint, publicKey, credential, { A: 'high' }).ballot;
  const b = encryptBallot(manifest, fingerprint, publicKey, credential, { A: 'high' }).ballot;
  assert.notEqual(formatTracker(ballotHash(fingerprint, a)), formatTracker(ballotHash(fingerprint, b)));
  assert.throws(() => encryptBallot(manifest, fingerprint, publicKey, credential, { Z: 'high' }), /unknown official/);
  assert.throws(() => encryptBallot(manifest, fingerprint, publicKey, credential, { A: 'confidence' }), /not used/);
});

test('base32 is RFC 4648', () => {
  assert.equal(base32(new TextEncoder().encode('foobar')), 'MZXW6YTBOI');
});

test('the slip seed is read from a fragment, a URL, base64url or hex', () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
  const b64 = Buffer.from(seed).toString('base64url');
  const hex = toHex(seed);
  assert.deepEqual(parseFragment(`#v1.ABCD1234.${b64}`).code, 'ABCD1234');
  for (const text of [`https://x.vn/phieu/#v1.ABCD.${b64}`, `v1.ABCD.${b64}`, b64, hex, hex.replace(/(.{8})/g, '$1 ')]) {
    assert.deepEqual(Array.from(parseSeed(text)), Array.from(seed), text);
  }
  assert.equal(parseSeed('not a seed'), null);
  assert.equal(parseSeed(hex.slice(2)), null);
});

test('per-level rows (large bodies): each level 0/1 and their sum 0/1, verified and audited', () => {
  const { publicKey, fingerprint, credential } = setup();
  const big = { ...manifest, weight_base: 50001, encoding: 'per_level' };
  const { ballot, secrets } = encryptBallot(big, fingerprint, publicKey, credential, { B: 'confident' });
  assert.equal(ballot.rows[0].ciphertext.length, 3 * 64);
  assert.equal(ballot.rows[0].proof.length, 4 * 256);
  verifyBallot(big, fingerprint, publicKey, ballot);
  const reveal = auditReveal(ballot, secrets, fingerprint);
  assert.equal(reveal.rows[1].nonces.length, 3);
  assert.ok(checkAudit(big, publicKey, ballot, reveal).every((r) => r.ok));
  const lie = { ...reveal, rows: reveal.rows.map((r, i) => (i === 1 ? { ...r, mark: 'high' } : r)) };
  assert.deepEqual(checkAudit(big, publicKey, ballot, lie).map((r) => r.ok), [true, false]);
  // a packed verifier refuses the row, and a swapped level fails its proof
  assert.throws(() => verifyBallot(manifest, fingerprint, publicKey, ballot));
  const row = ballot.rows[1];
  const swapped = new Uint8Array(row.ciphertext);
  swapped.set(row.ciphertext.slice(64, 128), 0);
  swapped.set(row.ciphertext.slice(0, 64), 64);
  const tampered = { ...ballot, rows: [ballot.rows[0], { ...row, ciphertext: swapped }] };
  assert.throws(() => verifyBallot(big, fingerprint, publicKey, tampered), /row 1|signature/);
});
