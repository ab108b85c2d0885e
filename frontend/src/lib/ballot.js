// The encrypted ballot, exactly as tinnhiem.ballots.ballot builds it: one row per official
// (a packed ciphertext + disjunctive proof bound to the row; or, when the manifest says
// encoding "per_level", one 0/1 ciphertext per level with a proof each and a proof that
// their sum is 0 or 1, as tinnhiem.ballots.rows; a choose row: a 0/1 ciphertext per
// candidate, the blank indicator b, and Σx + k·b proven in 1..k), signed with the voter's Ed25519
// credential; the tracker; and the Benaloh audit (reveal nonces, re-encrypt, compare).
import { sodium } from './sodium.js';
import { equalBytes, fromHex, toHex, uintBE, utf8 } from './bytes.js';
import { taggedHash } from './canonical.js';
import * as g from './group.js';
import { CryptoError, ctAdd, ctFromBytes, ctToBytes, encryptWithNonce } from './elgamal.js';
import { Context } from './transcript.js';
import {
  disjunctiveFromBytes, disjunctiveToBytes, proveInSetWithNonces, verifyInSet,
} from './proofs.js';

export const POLL_MARKS = ['blank', 'low', 'confident', 'high'];
export const FORMAL_MARKS = ['blank', 'no_confidence', 'confidence'];
export const AGREE_MARKS = ['blank', 'agree', 'disagree'];
/** The one row of a choose_at_most ballot (personnel votes, record-format §3.13). */
export const CHOICE_ROW = 'choice';

/** Whether rows carry one 0/1 ciphertext per level (large bodies, personnel votes). */
export function perLevel(manifest) {
  return manifest.encoding === 'per_level';
}

/** A choose_at_most ballot: one row, one 0/1 ciphertext per candidate (then the blank
 * indicator b when the manifest has `personnel.blank_column`). */
export function isChoose(manifest) {
  return manifest.kind === 'choose_at_most';
}

/** A choose row ending with the blank indicator b: its checked sum is Σx + k·b in 1..k. */
export function chooseBlank(manifest) {
  return isChoose(manifest) && manifest.personnel.blank_column === true;
}

/** The ids of a ballot's rows: one per official, or the one choose row. */
export function rowIds(manifest) {
  return isChoose(manifest) ? [CHOICE_ROW] : manifest.officials.map((o) => o.id);
}

/** What a per-level row's (weighted) sum may be: 0 or 1, 0 … k on a choose row without
 * b, 1 … k with b (BigInts). */
export function sumAllowed(manifest) {
  if (!isChoose(manifest)) return [0n, 1n];
  const low = chooseBlank(manifest) ? 1 : 0;
  return Array.from({ length: manifest.personnel.k + 1 - low }, (_, i) => BigInt(i + low));
}

/** The levels (ciphertexts) of one per-level row. */
function rowLevels(manifest) {
  if (isChoose(manifest)) return manifest.officials.length + (chooseBlank(manifest) ? 1 : 0);
  return marksOf(manifest).length - 1;
}

/** Each level's weight in the row's checked sum: 1, and k for a choose row's b. */
export function sumWeights(manifest) {
  const w = Array(rowLevels(manifest)).fill(1);
  if (chooseBlank(manifest)) w[w.length - 1] = manifest.personnel.k;
  return w;
}

/** A choose ballot's plaintexts: 1 per candidate named, in list order, then b (1 when
 * none is named) when the row has it (BigInts). */
export function choiceBits(manifest, chosen) {
  const bits = manifest.officials.map((o) => (chosen.includes(o.id) ? 1n : 0n));
  if (chooseBlank(manifest)) bits.push(chosen.length === 0 ? 1n : 0n);
  return bits;
}

/** The plaintexts one ciphertext may encrypt, blank first (BigInts). */
export function allowedValues(manifest) {
  if (perLevel(manifest)) return [0n, 1n];
  const b = BigInt(manifest.weight_base);
  return manifest.kind === 'poll' ? [0n, 1n, b, b * b] : [0n, 1n, b];
}

export function marksOf(manifest) {
  if (manifest.kind === 'agree_disagree') return AGREE_MARKS;
  return manifest.kind === 'poll' ? POLL_MARKS : FORMAL_MARKS;
}

/** The packed value of `mark` in this round. */
export function markValue(manifest, mark) {
  const marks = marksOf(manifest);
  const i = marks.indexOf(mark);
  if (i < 0) throw new CryptoError(`mark ${JSON.stringify(mark)} is not used in a ${manifest.kind} round`);
  return allowedValues(manifest)[i];
}

/** A per-level row's bits: 1 at the marked level (low, confident, high), 0 elsewhere. */
export function levelBits(manifest, mark) {
  const marks = marksOf(manifest);
  if (!marks.includes(mark)) {
    throw new CryptoError(`mark ${JSON.stringify(mark)} is not used in a ${manifest.kind} round`);
  }
  return marks.slice(1).map((m) => (m === mark ? 1n : 0n));
}

/** H("tinnhiem/level/v1", row binding, U32 j): level j's proof (1 … k), 0 for the sum. */
export function levelBinding(binding, level) {
  return taggedHash('tinnhiem/level/v1', binding, uintBE(level, 4));
}

/** H("tinnhiem/row/v1", fingerprint, credential, official id): what a row's proof is bound to. */
export function rowBinding(fingerprint, credential, officialId) {
  return taggedHash('tinnhiem/row/v1', fingerprint, credential, utf8(officialId));
}

/** What the credential signs: H(fingerprint, credential, k, id₁, ct₁, π₁, …). */
export function contentDigest(fingerprint, credential, rows) {
  const parts = [fingerprint, credential, uintBE(rows.length, 4)];
  for (const row of rows) parts.push(utf8(row.official_id), row.ciphertext, row.proof);
  return taggedHash('tinnhiem/ballot/v1', ...parts);
}

/** H(content digest, signature): names this exact ballot on the board. */
export function ballotHash(fingerprint, ballot) {
  return taggedHash('tinnhiem/ballot-hash/v1',
    contentDigest(fingerprint, ballot.credential, ballot.rows), ballot.signature);
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (upper case, no padding needed for our prefix). */
export function base32(bytes) {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** Mã theo dõi: the whole ballot hash (256 bits) in base32, 52 characters in 13 groups
 * of 4 for reading and comparing: XXXX-XXXX-…-XXXX. */
export function formatTracker(hash) {
  return base32(hash).match(/.{1,4}/g).join('-');
}

/** A credential key pair from its 32-byte seed: {seed, publicKey, secretKey}. */
export function credentialFromSeed(seed) {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new CryptoError('a credential seed is exactly 32 bytes');
  }
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { seed, publicKey: kp.publicKey, secretKey: kp.privateKey };
}

function freshRowNonces(count) {
  const proof = [g.randomNonzeroScalar()];
  for (let i = 0; i < 2 * count - 2; i += 1) proof.push(g.randomScalar());
  return { nonce: g.randomNonzeroScalar(), proof };
}

/**
 * Encrypt, prove and sign a ballot. `marks` maps official id → mark (missing = blank).
 * `nonces` (optional, for known-answer tests) maps official id → {nonce, proof: [...]}.
 * Returns {ballot, secrets} where secrets keep each row's value and nonce for an audit.
 */
export function encryptBallot(manifest, fingerprint, publicKey, credential, marks, nonces = null) {
  const ids = manifest.officials.map((o) => o.id);
  for (const id of Object.keys(marks)) {
    if (!ids.includes(id)) throw new CryptoError(`unknown official ${JSON.stringify(id)}`);
  }
  const ctx = new Context(fingerprint);
  const allowed = allowedValues(manifest);
  const cred = credential.publicKey;
  const rows = [];
  const secrets = [];
  if (isChoose(manifest)) {
    // marks: candidate id → 'chosen' (missing or 'blank': not chosen); at most k
    for (const [id, m] of Object.entries(marks)) {
      if (m !== 'chosen' && m !== 'blank') throw new CryptoError(`mark ${JSON.stringify(m)} is not used in a choose_at_most round`);
    }
    const chosen = ids.filter((id) => marks[id] === 'chosen');
    if (chosen.length > manifest.personnel.k) {
      throw new CryptoError(`${chosen.length} names marked, the ballot allows at most ${manifest.personnel.k}`);
    }
    const row = sealLevels(ctx, publicKey, choiceBits(manifest, chosen), rowBinding(fingerprint, cred, CHOICE_ROW),
      sumAllowed(manifest), sumWeights(manifest));
    rows.push({ official_id: CHOICE_ROW, ciphertext: row.ciphertext, proof: row.proof });
    secrets.push({ official_id: CHOICE_ROW, chosen, nonces: row.nonces });
    const digest = contentDigest(fingerprint, cred, rows);
    const signature = sodium().crypto_sign_detached(digest, credential.secretKey);
    return { ballot: { credential: cred, rows, signature }, secrets };
  }
  for (const id of ids) {
    const mark = marks[id] ?? 'blank';
    if (perLevel(manifest)) {
      const row = sealLevels(ctx, publicKey, levelBits(manifest, mark), rowBinding(fingerprint, cred, id));
      rows.push({ official_id: id, ciphertext: row.ciphertext, proof: row.proof });
      secrets.push({ official_id: id, mark, nonces: row.nonces });
      continue;
    }
    const value = markValue(manifest, mark);
    const n = nonces ? nonces[id] : freshRowNonces(allowed.length);
    const ct = encryptWithNonce(publicKey, value, n.nonce);
    const branches = proveInSetWithNonces(ctx, publicKey, ct, value, n.nonce, allowed, n.proof,
      { binding: rowBinding(fingerprint, cred, id) });
    rows.push({ official_id: id, ciphertext: ctToBytes(ct), proof: disjunctiveToBytes(branches) });
    secrets.push({ official_id: id, mark, value, nonce: n.nonce });
  }
  const digest = contentDigest(fingerprint, cred, rows);
  const signature = sodium().crypto_sign_detached(digest, credential.secretKey);
  return { ballot: { credential: cred, rows, signature }, secrets };
}

/** One per-level row: each level's 0/1 ciphertext and proof, then the proof of the sum
 * (each level times its weight: b counts k on a choose row with the blank column). */
function sealLevels(ctx, publicKey, bits, binding, totalAllowed = [0n, 1n], weights = null) {
  const cts = [];
  const proofs = [];
  const nonces = [];
  let total = null;
  let nonceSum = 0n;
  let bitSum = 0n;
  bits.forEach((bit, j) => {
    const n = freshRowNonces(2);
    const ct = encryptWithNonce(publicKey, bit, n.nonce);
    proofs.push(disjunctiveToBytes(proveInSetWithNonces(ctx, publicKey, ct, bit, n.nonce, [0n, 1n],
      n.proof, { binding: levelBinding(binding, j + 1) })));
    cts.push(ctToBytes(ct));
    nonces.push(n.nonce);
    const w = weights ? weights[j] : 1;
    for (let i = 0; i < w; i += 1) total = total === null ? ct : ctAdd(total, ct);
    nonceSum = g.mod(nonceSum + BigInt(w) * n.nonce);
    bitSum += BigInt(w) * bit;
  });
  if (!totalAllowed.includes(bitSum)) {
    throw new CryptoError(`the row's checked sum ${bitSum} is not one of ${totalAllowed.join(', ')}`);
  }
  const last = freshRowNonces(totalAllowed.length);
  proofs.push(disjunctiveToBytes(proveInSetWithNonces(ctx, publicKey, total, bitSum, nonceSum,
    totalAllowed, last.proof, { binding: levelBinding(binding, 0) })));
  return { ciphertext: concat(cts), proof: concat(proofs), nonces };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The proofs a row holds: [ciphertext, proof, binding] for the packed row, or for each
 * level and then the (weighted) sum of the levels, computed here from the row. */
function rowItems(manifest, row, binding, i) {
  if (!perLevel(manifest)) return [[ctFromBytes(row.ciphertext, `row ${i}`), row.proof, binding]];
  const k = rowLevels(manifest);
  const sumBytes = 128 * sumAllowed(manifest).length;
  if (row.ciphertext.length !== 64 * k || row.proof.length !== 256 * k + sumBytes) {
    throw new CryptoError(`row ${i}: a per-level row has ${k} ciphertexts and ${k + 1} proofs`);
  }
  const items = [];
  const weights = sumWeights(manifest);
  let total = null;
  for (let j = 0; j < k; j += 1) {
    const ct = ctFromBytes(row.ciphertext.slice(64 * j, 64 * (j + 1)), `row ${i}`);
    for (let w = 0; w < weights[j]; w += 1) total = total === null ? ct : ctAdd(total, ct);
    items.push([ct, row.proof.slice(256 * j, 256 * (j + 1)), levelBinding(binding, j + 1)]);
  }
  items.push([total, row.proof.slice(256 * k), levelBinding(binding, 0)]);
  return items;
}

/** The ballot's JSON form (as Ballot.to_json). */
export function ballotToJson(ballot) {
  return {
    credential: toHex(ballot.credential),
    rows: ballot.rows.map((r) => ({ official: r.official_id, ct: toHex(r.ciphertext), proof: toHex(r.proof) })),
    signature: toHex(ballot.signature),
  };
}

export function ballotFromJson(data) {
  return {
    credential: fromHex(data.credential, 32, 'ballot.credential'),
    rows: data.rows.map((r, i) => ({
      official_id: r.official,
      ciphertext: fromHex(r.ct, undefined, `ballot.rows[${i}].ct`),
      proof: fromHex(r.proof, undefined, `ballot.rows[${i}].proof`),
    })),
    signature: fromHex(data.signature, 64, 'ballot.signature'),
  };
}

/** Stateless checks (shape, signature, every proof); throws CryptoError naming the row. */
export function verifyBallot(manifest, fingerprint, publicKey, ballot) {
  const ids = rowIds(manifest);
  if (ballot.rows.length !== ids.length || ballot.rows.some((r, i) => r.official_id !== ids[i])) {
    throw new CryptoError('rows do not list the officials in ballot order');
  }
  const digest = contentDigest(fingerprint, ballot.credential, ballot.rows);
  if (!sodium().crypto_sign_verify_detached(ballot.signature, digest, ballot.credential)) {
    throw new CryptoError("the credential's signature does not verify");
  }
  const ctx = new Context(fingerprint);
  const allowed = allowedValues(manifest);
  ballot.rows.forEach((row, i) => {
    try {
      const binding = rowBinding(fingerprint, ballot.credential, row.official_id);
      const items = rowItems(manifest, row, binding, i);
      items.forEach(([ct, proof, b], j) => {
        const set = perLevel(manifest) && j === items.length - 1 ? sumAllowed(manifest) : allowed;
        verifyInSet(ctx, publicKey, ct, set, disjunctiveFromBytes(proof), { binding: b });
      });
    } catch (err) {
      throw new CryptoError(err.message.startsWith(`row ${i}`) ? err.message : `row ${i}: ${err.message}`);
    }
  });
}

/** Benaloh challenge: what the booth reveals for an audited (spoiled) ballot. */
export function auditReveal(ballot, secrets, fingerprint) {
  return {
    tracker: formatTracker(ballotHash(fingerprint, ballot)),
    rows: secrets.map((s) => (s.chosen
      ? { official: s.official_id, chosen: s.chosen, nonces: s.nonces.map((n) => toHex(g.scalarToBytes(n))) }
      : s.nonces
      ? { official: s.official_id, mark: s.mark, nonces: s.nonces.map((n) => toHex(g.scalarToBytes(n))) }
      : { official: s.official_id, mark: s.mark, nonce: toHex(g.scalarToBytes(s.nonce)) })),
  };
}

/**
 * Re-encrypt each revealed (mark, nonce) and compare with the ballot's ciphertexts.
 * Returns [{official, mark, ok}] — every ok must be true for the audit to pass.
 */
export function checkAudit(manifest, publicKey, ballot, reveal) {
  return ballot.rows.map((row, i) => {
    const r = reveal.rows[i];
    if (!r || r.official !== row.official_id) return { official: row.official_id, mark: null, ok: false };
    if (isChoose(manifest)) {
      const ids = manifest.officials.map((o) => o.id);
      const chosen = Array.isArray(r.chosen) ? r.chosen : [];
      const shown = chosen.join(',') || 'blank';
      const bits = choiceBits(manifest, chosen);
      if (!Array.isArray(r.nonces) || r.nonces.length !== bits.length || chosen.length > manifest.personnel.k
        || chosen.some((c) => !ids.includes(c))) {
        return { official: row.official_id, mark: shown, ok: false };
      }
      const cts = bits.map((bit, j) => ctToBytes(encryptWithNonce(publicKey, bit,
        g.scalarFromBytes(fromHex(r.nonces[j], 32, `reveal.rows[${i}].nonces[${j}]`)))));
      return { official: row.official_id, mark: shown, ok: equalBytes(concat(cts), row.ciphertext) };
    }
    if (perLevel(manifest)) {
      const bits = levelBits(manifest, r.mark);
      if (!Array.isArray(r.nonces) || r.nonces.length !== bits.length) {
        return { official: row.official_id, mark: r.mark, ok: false };
      }
      const cts = bits.map((bit, j) => ctToBytes(encryptWithNonce(publicKey, bit,
        g.scalarFromBytes(fromHex(r.nonces[j], 32, `reveal.rows[${i}].nonces[${j}]`)))));
      return { official: row.official_id, mark: r.mark, ok: equalBytes(concat(cts), row.ciphertext) };
    }
    const nonce = g.scalarFromBytes(fromHex(r.nonce, 32, `reveal.rows[${i}].nonce`));
    const ct = encryptWithNonce(publicKey, markValue(manifest, r.mark), nonce);
    return { official: row.official_id, mark: r.mark, ok: equalBytes(ctToBytes(ct), row.ciphertext) };
  });
}

