// Byte-level helpers for the verifier's hot path, over the booth's libsodium (sodium.js)
// and the booth's point check (group.js): decoding with crypto.md §1's rules, the
// in-set proof of §6 checked exactly (§6.1), tagged hashes (record-format §2).
import { sodium } from '../lib/sodium.js';
import { BASE, isValidPoint } from '../lib/group.js';

export const IDENTITY = new Uint8Array(32);

const HEXVAL = new Int16Array(128).fill(-1);
for (let c = 0; c < 10; c += 1) HEXVAL[48 + c] = c;
for (let c = 0; c < 6; c += 1) HEXVAL[97 + c] = 10 + c;

/** Bytes of lowercase hex (the schema has checked the alphabet and the length). */
export function hex(text) {
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0, j = 0; i < out.length; i += 1, j += 2) {
    out[i] = (HEXVAL[text.charCodeAt(j)] << 4) | HEXVAL[text.charCodeAt(j + 1)];
  }
  return out;
}

const HEXCHARS = '0123456789abcdef';
export function toHex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 1) s += HEXCHARS[bytes[i] >> 4] + HEXCHARS[bytes[i] & 15];
  return s;
}

export function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function isIdentity(p) {
  for (let i = 0; i < 32; i += 1) if (p[i] !== 0) return false;
  return true;
}

/** A valid point encoding (crypto §1); `allowIdentity` as §1 says where. */
export function pointOk(p, allowIdentity = false) {
  if (isIdentity(p)) return allowIdentity;
  return isValidPoint(p);
}

// ℓ little-endian
const L = new Uint8Array([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/** A canonical scalar: 32 little-endian bytes below ℓ. */
export function scalarOk(s) {
  for (let i = 31; i >= 0; i -= 1) {
    if (s[i] < L[i]) return true;
    if (s[i] > L[i]) return false;
  }
  return false; // equal to ℓ
}

function isZero(s) {
  for (let i = 0; i < s.length; i += 1) if (s[i] !== 0) return false;
  return true;
}

export function mulBase(s) {
  if (isZero(s)) return new Uint8Array(32);
  return sodium().crypto_scalarmult_ristretto255_base(s);
}

export function mul(s, p) {
  if (isZero(s) || isIdentity(p)) return new Uint8Array(32);
  try {
    return sodium().crypto_scalarmult_ristretto255(s, p);
  } catch {
    return new Uint8Array(32); // libsodium refuses an identity result
  }
}

export const add = (p, q) => sodium().crypto_core_ristretto255_add(p, q);
export const sub = (p, q) => sodium().crypto_core_ristretto255_sub(p, q);

/** A small non-negative integer (BigInt) as a 32-byte scalar, reduced mod ℓ. */
export function scalarOfInt(m) {
  const raw = new Uint8Array(64);
  let v = m;
  for (let i = 0; i < 64 && v > 0n; i += 1) {
    raw[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return sodium().crypto_core_ristretto255_scalar_reduce(raw);
}

function u32(n) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function u64(n) {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

export { u32, u64 };

const enc = new TextEncoder();

/** H(tag, p1, …) of record-format §2: SHA-256 with U64 length prefixes. */
export function taggedHash(tag, ...parts) {
  const all = [enc.encode(tag), ...parts];
  let size = 0;
  for (const p of all) size += 8 + p.length;
  const buf = new Uint8Array(size);
  let at = 0;
  for (const p of all) {
    buf.set(u64(p.length), at);
    buf.set(p, at + 8);
    at += 8 + p.length;
  }
  return sodium().crypto_hash_sha256(buf);
}

export const sha256 = (b) => sodium().crypto_hash_sha256(b);

const FS_LABEL = enc.encode('tinnhiem-fs-v1');

/** The Fiat-Shamir challenge of crypto §3, as 32 bytes (SHA-512 reduced mod ℓ). */
export function challenge(fingerprint, tag, items) {
  const tagBytes = enc.encode(tag);
  let size = 4 + FS_LABEL.length + 4 + tagBytes.length + 4 + fingerprint.length + 4;
  for (const it of items) size += 4 + it.length;
  const buf = new Uint8Array(size);
  const dv = new DataView(buf.buffer);
  let at = 0;
  const lp = (b) => {
    dv.setUint32(at, b.length);
    buf.set(b, at + 4);
    at += 4 + b.length;
  };
  lp(FS_LABEL);
  lp(tagBytes);
  lp(fingerprint);
  dv.setUint32(at, items.length);
  at += 4;
  for (const it of items) lp(it);
  const s = sodium();
  return s.crypto_core_ristretto255_scalar_reduce(s.crypto_hash_sha512(buf));
}

export const G = BASE;

/**
 * Precomputed per round: the allowed values as scalars and as points m·G.
 */
export function allowedTable(allowed) {
  return allowed.map((m) => {
    const s = scalarOfInt(m);
    return { scalar: s, point: mulBase(s) };
  });
}

/**
 * Decode a disjunctive proof's branches (crypto §6): A_j, B_j not the identity, c_j and
 * s_j canonical. Returns null when anything does not decode.
 */
export function decodeBranches(proof) {
  const out = [];
  for (let off = 0; off < proof.length; off += 128) {
    const a = proof.subarray(off, off + 32);
    const b = proof.subarray(off + 32, off + 64);
    const c = proof.subarray(off + 64, off + 96);
    const s = proof.subarray(off + 96, off + 128);
    if (!pointOk(a) || !pointOk(b) || !scalarOk(c) || !scalarOk(s)) return null;
    out.push({ a, b, c, s });
  }
  return out;
}

/** Exact check of one in-set proof (crypto §6.1); true when it verifies. */
export function verifyInSet(fingerprint, H, HItem, alpha, beta, table, branches, binding) {
  const n = table.length;
  if (branches.length !== n) return false;
  const items = [G, HItem, alpha, beta, u64(n)];
  for (const t of table) items.push(t.scalar);
  items.push(binding);
  for (const br of branches) items.push(br.a, br.b);
  const c = challenge(fingerprint, 'in-set', items);
  const s = sodium();
  let sum = new Uint8Array(32);
  for (const br of branches) sum = s.crypto_core_ristretto255_scalar_add(sum, br.c);
  if (!equal(sum, c)) return false;
  for (let j = 0; j < n; j += 1) {
    const br = branches[j];
    // (E1) s·G = A + c·α
    if (!equal(mulBase(br.s), add(br.a, mul(br.c, alpha)))) return false;
    // (E2) s·H = B + c·(β − m·G)
    const betaJ = sub(beta, table[j].point);
    if (!equal(mul(br.s, H), add(br.b, mul(br.c, betaJ)))) return false;
  }
  return true;
}
