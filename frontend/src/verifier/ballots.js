// The ballots' stateless checks (record-format.md §4 step 7, second half), chunk by
// chunk, for a Web Worker or a Node thread: the ballot hash, the rows' shape, the
// credential's signature, every row's decoding and proof; and the column sums of the
// counted ballots. The checks that depend on earlier ballots (tracker, arrival policy)
// stay with the caller, which walks the verdicts in order.
import { sodium } from '../lib/sodium.js';
import {
  add, allowedTable, decodeBranches, equal, hex, isIdentity, pointOk, taggedHash, toHex, u32,
  verifyInSet,
} from './crypto.js';

const enc = new TextEncoder();

/** What every chunk of one record shares; plain data, so it can be posted to a worker. */
export function chunkContext(manifest, fingerprintHex, publicKeyHex) {
  const perLevel = manifest.encoding === 'per_level';
  const levels = manifest.kind === 'poll' ? 3 : 2;
  const b = BigInt(manifest.weight_base);
  if (manifest.kind === 'choose_at_most') {
    // §3.13: one row 'choice', a 0/1 ciphertext per candidate, then (blank_column) the
    // blank indicator b; the checked sum Σx + k·b in 1..k (without b: Σx in 0..k)
    const k = BigInt(manifest.personnel.k);
    const blank = manifest.personnel.blank_column === true;
    const sumAllowed = [];
    for (let v = blank ? 1n : 0n; v <= k; v += 1n) sumAllowed.push(String(v));
    const weights = manifest.officials.map(() => 1);
    if (blank) weights.push(manifest.personnel.k);
    return {
      fingerprint: fingerprintHex,
      publicKey: publicKeyHex,
      officials: ['choice'],
      perLevel: true,
      levels: weights.length,
      allowed: ['0', '1'],
      sumAllowed,
      weights,
    };
  }
  let allowed;
  if (perLevel) allowed = [0n, 1n];
  else allowed = manifest.kind === 'poll' ? [0n, 1n, b, b * b] : [0n, 1n, b];
  return {
    fingerprint: fingerprintHex,
    publicKey: publicKeyHex,
    officials: manifest.officials.map((o) => o.id),
    perLevel,
    levels,
    allowed: allowed.map(String),
    sumAllowed: perLevel ? ['0', '1'] : null,
    weights: null,
  };
}

let cached = null;

function prepared(ctx) {
  const id = `${ctx.fingerprint}${ctx.publicKey}${ctx.allowed.join()}/${(ctx.sumAllowed || []).join()}/${ctx.officials.join()}`;
  if (cached && cached.key === id) return cached;
  const H = hex(ctx.publicKey);
  cached = {
    key: id,
    fp: hex(ctx.fingerprint),
    H,
    table: allowedTable(ctx.allowed.map(BigInt)),
    sumTable: ctx.sumAllowed ? allowedTable(ctx.sumAllowed.map(BigInt)) : null,
    ids: ctx.officials.map((id) => enc.encode(id)),
  };
  return cached;
}

/** H("tinnhiem/ballot/v1", F, credential, U32 k, id_1, ct_1, proof_1, …) (§2). */
function contentDigest(fp, credential, rows) {
  const parts = [fp, credential, u32(rows.length)];
  for (const r of rows) parts.push(enc.encode(r.official), r.ctBytes, r.proofBytes);
  return taggedHash('tinnhiem/ballot/v1', ...parts);
}

function levelBinding(binding, j) {
  return taggedHash('tinnhiem/level/v1', binding, u32(j));
}

/**
 * The first stateless failure of one ballot, as the field it names (relative to the
 * ballot: "", ".signature", ".rows[r].ct", ".rows[r].proof"), or null.
 */
function ballotFailure(ctx, p, ballot, credential, rows, digest) {
  // shape: the rows list the officials, in ballot order
  if (rows.length !== ctx.officials.length || rows.some((r, k) => r.official !== ctx.officials[k])) return '';
  const sig = hex(ballot.signature);
  if (!sodium().crypto_sign_verify_detached(sig, digest, credential)) return '.signature';
  const k = ctx.levels;
  // A: each row's layout for its encoding
  const items = [];
  for (let r = 0; r < rows.length; r += 1) {
    const { ctBytes, proofBytes } = rows[r];
    const binding = taggedHash('tinnhiem/row/v1', p.fp, credential, p.ids[r]);
    if (!ctx.perLevel) {
      if (ctBytes.length !== 64) return `.rows[${r}].ct`;
      items.push({ r, ct: ctBytes, proof: proofBytes, binding });
      continue;
    }
    const sumProof = 128 * ctx.sumAllowed.length;
    if (ctBytes.length !== 64 * k || proofBytes.length !== 256 * k + sumProof) return `.rows[${r}].ct`;
    let alpha = new Uint8Array(32);
    let beta = new Uint8Array(32);
    for (let j = 0; j < k; j += 1) {
      const a = ctBytes.subarray(64 * j, 64 * j + 32);
      const b = ctBytes.subarray(64 * j + 32, 64 * j + 64);
      if (!pointOk(a) || !pointOk(b, true)) return `.rows[${r}].ct`;
      // the checked sum weighs each level (b counts k): added that many times
      const w = ctx.weights ? ctx.weights[j] : 1;
      for (let t = 0; t < w; t += 1) {
        alpha = add(alpha, a);
        beta = add(beta, b);
      }
    }
    for (let j = 0; j < k; j += 1) {
      items.push({ r, ct: ctBytes.subarray(64 * j, 64 * j + 64), proof: proofBytes.subarray(256 * j, 256 * j + 256), binding: levelBinding(binding, j + 1) });
    }
    const total = new Uint8Array(64);
    total.set(alpha, 0);
    total.set(beta, 32);
    items.push({ r, ct: total, proof: proofBytes.subarray(256 * k), binding: levelBinding(binding, 0), sum: true });
  }
  // B: every statement and proof decodes
  for (const it of items) {
    const alpha = it.ct.subarray(0, 32);
    const beta = it.ct.subarray(32, 64);
    if (!pointOk(alpha) || !pointOk(beta, true)) return `.rows[${it.r}].ct`;
    if (it.proof.length === 0 || it.proof.length % 128 !== 0) return `.rows[${it.r}].ct`;
    it.branches = decodeBranches(it.proof);
    if (it.branches === null) return `.rows[${it.r}].ct`;
  }
  // C: every proof verifies
  for (const it of items) {
    const table = it.sum ? p.sumTable : p.table;
    const ok = verifyInSet(p.fp, p.H, p.H, it.ct.subarray(0, 32), it.ct.subarray(32, 64), table, it.branches, it.binding);
    if (!ok) return `.rows[${it.r}].proof`;
  }
  return null;
}

/**
 * Check a chunk: `items` are [{index, ballot (record JSON), counted}]. Returns
 * {verdicts: [{index, hash (hex, recomputed), fail (suffix or null)}], sums: [[α hex, β hex]
 * per column] over the counted ballots, or null when a ballot failed}.
 */
export function verifyChunk(ctx, items) {
  const p = prepared(ctx);
  const verdicts = [];
  const columns = ctx.officials.length * (ctx.perLevel ? ctx.levels : 1);
  const sumsA = [];
  const sumsB = [];
  for (let c = 0; c < columns; c += 1) {
    sumsA.push(new Uint8Array(32));
    sumsB.push(new Uint8Array(32));
  }
  let anyFail = false;
  for (const { index, ballot, counted } of items) {
    const credential = hex(ballot.credential);
    const rows = ballot.rows.map((r) => ({ official: r.official, ctBytes: hex(r.ct), proofBytes: hex(r.proof) }));
    const digest = contentDigest(p.fp, credential, rows);
    const hash = taggedHash('tinnhiem/ballot-hash/v1', digest, hex(ballot.signature));
    const fail = ballotFailure(ctx, p, ballot, credential, rows, digest);
    verdicts.push({ index, hash: toHex(hash), fail });
    if (fail !== null) anyFail = true;
    if (!anyFail && counted) {
      let c = 0;
      for (const r of rows) {
        for (let off = 0; off < r.ctBytes.length; off += 64) {
          sumsA[c] = add(sumsA[c], r.ctBytes.subarray(off, off + 32));
          sumsB[c] = add(sumsB[c], r.ctBytes.subarray(off + 32, off + 64));
          c += 1;
        }
      }
    }
  }
  return {
    verdicts,
    sums: anyFail ? null : sumsA.map((a, c) => [toHex(a), toHex(sumsB[c])]),
  };
}

export { equal, isIdentity };
