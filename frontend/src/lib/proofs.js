// Zero-knowledge proofs with strong Fiat-Shamir, byte for byte as tinnhiem.crypto.proofs:
// Schnorr (knowledge of x), Chaum-Pedersen (equal discrete logs), and the disjunctive
// proof that a ciphertext encrypts one value of an allowed set (commitment form).
import { concat } from './bytes.js';
import * as g from './group.js';
import { CryptoError } from './elgamal.js';
import { item } from './transcript.js';

export const TAG_SCHNORR = 'schnorr';
export const TAG_DLEQ = 'chaum-pedersen';
export const TAG_IN_SET = 'in-set';

export class InvalidProof extends CryptoError {
  constructor(message, index = null) {
    super(index === null ? message : `item ${index}: ${message}`);
    this.name = 'InvalidProof';
    this.index = index;
  }
}

const G = g.BASE;
const P = item.point;

// ------------------------------------------------------------------------------ Schnorr

function schnorrChallenge(ctx, publicKey, binding, a) {
  return ctx.challenge(TAG_SCHNORR, P(G), P(publicKey), binding, P(a));
}

/** Prove knowledge of `secret` for secret·G; returns {commitment, response}. */
export function proveKnowledge(ctx, secret, { binding = new Uint8Array(0), nonce = null } = {}) {
  const k = nonce ?? g.randomNonzeroScalar();
  const publicKey = g.baseMul(secret);
  const a = g.baseMul(k);
  const c = schnorrChallenge(ctx, publicKey, binding, a);
  return { commitment: a, response: g.mod(k + c * secret) };
}

export function schnorrToBytes(proof) {
  return concat(proof.commitment, g.scalarToBytes(proof.response));
}

export function schnorrFromBytes(bytes, where = 'Schnorr proof') {
  if (bytes.length !== 64) throw new CryptoError(`${where}: a Schnorr proof is exactly 64 bytes`);
  return {
    commitment: g.pointFromBytes(bytes.slice(0, 32), where),
    response: g.scalarFromBytes(bytes.slice(32), where),
  };
}

export function verifyKnowledge(ctx, publicKey, proof, { binding = new Uint8Array(0) } = {}) {
  if (g.pointEquals(publicKey, g.IDENTITY) || g.pointEquals(proof.commitment, g.IDENTITY)) {
    throw new InvalidProof('Schnorr proof: identity element in the statement or proof');
  }
  const c = schnorrChallenge(ctx, publicKey, binding, proof.commitment);
  if (!g.pointEquals(g.baseMul(proof.response), g.add(proof.commitment, g.mul(c, publicKey)))) {
    throw new InvalidProof('Schnorr proof does not verify');
  }
}

// ----------------------------------------------------------------------- Chaum-Pedersen

function dleqChallenge(ctx, base2, x, y, binding, a, b) {
  return ctx.challenge(TAG_DLEQ, P(G), P(base2), P(x), P(y), binding, P(a), P(b));
}

/** Prove log_G(secret·G) = log_base2(secret·base2); returns {a, b, response}. */
export function proveDleq(ctx, secret, base2, { binding = new Uint8Array(0), nonce = null } = {}) {
  const k = nonce ?? g.randomNonzeroScalar();
  const x = g.baseMul(secret);
  const y = g.mul(secret, base2);
  const a = g.baseMul(k);
  const b = g.mul(k, base2);
  const c = dleqChallenge(ctx, base2, x, y, binding, a, b);
  return { a, b, response: g.mod(k + c * secret) };
}

export function dleqToBytes(proof) {
  return concat(proof.a, proof.b, g.scalarToBytes(proof.response));
}

export function dleqFromBytes(bytes, where = 'Chaum-Pedersen proof') {
  if (bytes.length !== 96) throw new CryptoError(`${where}: a Chaum-Pedersen proof is exactly 96 bytes`);
  return {
    a: g.pointFromBytes(bytes.slice(0, 32), where),
    b: g.pointFromBytes(bytes.slice(32, 64), where),
    response: g.scalarFromBytes(bytes.slice(64), where),
  };
}

export function verifyDleq(ctx, base2, x, y, proof, { binding = new Uint8Array(0) } = {}) {
  for (const p of [base2, x, y, proof.a, proof.b]) {
    if (g.pointEquals(p, g.IDENTITY)) {
      throw new InvalidProof('Chaum-Pedersen proof: identity element in the statement or proof');
    }
  }
  const c = dleqChallenge(ctx, base2, x, y, binding, proof.a, proof.b);
  const s = proof.response;
  if (!g.pointEquals(g.baseMul(s), g.add(proof.a, g.mul(c, x)))
      || !g.pointEquals(g.mul(s, base2), g.add(proof.b, g.mul(c, y)))) {
    throw new InvalidProof('Chaum-Pedersen proof does not verify');
  }
}

// -------------------------------------------------------------------------- disjunctive

/** Check an allowed-plaintext list: non-empty, distinct, each in [0, ℓ). Values are BigInt. */
export function allowedSet(values) {
  const out = values.map((v) => BigInt(v));
  if (out.length === 0) throw new CryptoError('the allowed set is empty');
  if (new Set(out.map(String)).size !== out.length) {
    throw new CryptoError(`the allowed set has repeated values: ${out.join(', ')}`);
  }
  for (const v of out) if (v < 0n || v >= g.ORDER) throw new CryptoError(`allowed value out of range: ${v}`);
  return out;
}

function inSetChallenge(ctx, publicKey, ct, allowed, binding, commitments) {
  const items = [P(G), P(publicKey), P(ct.alpha), P(ct.beta), item.int(allowed.length)];
  for (const m of allowed) items.push(item.scalar(m));
  items.push(binding);
  for (const c of commitments) items.push(P(c));
  return ctx.challenge(TAG_IN_SET, ...items);
}

/**
 * Deterministic prover: proofNonces are k then (c_j, s_j) for each simulated branch j ≠ i,
 * in order (2·|allowed| − 1 scalars). Returns the branches [{a, b, c, s}, …].
 */
export function proveInSetWithNonces(ctx, publicKey, ct, value, nonce, allowed, proofNonces,
  { binding = new Uint8Array(0) } = {}) {
  const set = allowedSet(allowed);
  const v = BigInt(value);
  const real = set.findIndex((m) => m === v);
  if (real < 0) throw new CryptoError(`value ${value} is not in the allowed set ${set.join(', ')}`);
  if (proofNonces.length !== 2 * set.length - 1) {
    throw new CryptoError('proveInSet needs 2·len(allowed) − 1 proof nonces');
  }
  const r = g.mod(nonce);
  const k = g.mod(proofNonces[0]);
  const cs = [];
  const ss = [];
  const commitments = [];
  let pos = 1;
  set.forEach((mj, j) => {
    let a;
    let b;
    if (j === real) {
      a = g.baseMul(k);
      b = g.mul(k, publicKey);
      cs.push(0n);
      ss.push(0n);
    } else {
      const cj = g.mod(proofNonces[pos]);
      const sj = g.mod(proofNonces[pos + 1]);
      pos += 2;
      // The prover knows r: A_j = (s_j − c_j·r)·G, B_j = (s_j − c_j·r)·H − c_j·(m_i − m_j)·G.
      const t = g.mod(sj - cj * r);
      a = g.baseMul(t);
      const u = g.mod(cj * (v - mj));
      b = g.sub(g.mul(t, publicKey), g.baseMul(u));
      cs.push(cj);
      ss.push(sj);
    }
    commitments.push(a, b);
  });
  const c = inSetChallenge(ctx, publicKey, ct, set, binding, commitments);
  const cReal = g.mod(c - cs.reduce((x, y) => x + y, 0n));
  cs[real] = cReal;
  ss[real] = g.mod(k + cReal * r);
  return set.map((_, j) => ({ a: commitments[2 * j], b: commitments[2 * j + 1], c: cs[j], s: ss[j] }));
}

/** Prove that ct (made with nonce) encrypts value ∈ allowed, with fresh proof nonces. */
export function proveInSet(ctx, publicKey, ct, value, nonce, allowed, { binding } = {}) {
  const nonces = [g.randomNonzeroScalar()];
  for (let i = 0; i < 2 * allowed.length - 2; i += 1) nonces.push(g.randomScalar());
  return proveInSetWithNonces(ctx, publicKey, ct, value, nonce, allowed, nonces, { binding });
}

/** 128 bytes per branch: A_j ‖ B_j ‖ c_j ‖ s_j. */
export function disjunctiveToBytes(branches) {
  return concat(...branches.map((br) => concat(br.a, br.b, g.scalarToBytes(br.c), g.scalarToBytes(br.s))));
}

export function disjunctiveFromBytes(bytes, where = 'disjunctive proof') {
  if (bytes.length === 0 || bytes.length % 128 !== 0) {
    throw new CryptoError(`${where}: a disjunctive proof is a positive multiple of 128 bytes`);
  }
  const out = [];
  for (let off = 0; off < bytes.length; off += 128) {
    out.push({
      a: g.pointFromBytes(bytes.slice(off, off + 32), where),
      b: g.pointFromBytes(bytes.slice(off + 32, off + 64), where),
      c: g.scalarFromBytes(bytes.slice(off + 64, off + 96), where),
      s: g.scalarFromBytes(bytes.slice(off + 96, off + 128), where),
    });
  }
  return out;
}

/** Check every branch equation exactly; throws InvalidProof if any fails. */
export function verifyInSet(ctx, publicKey, ct, allowed, branches, { binding = new Uint8Array(0) } = {}) {
  const set = allowedSet(allowed);
  if (branches.length !== set.length) {
    throw new InvalidProof(`disjunctive proof has ${branches.length} branches, the allowed set ${set.length}`);
  }
  if (g.pointEquals(publicKey, g.IDENTITY) || g.pointEquals(ct.alpha, g.IDENTITY)) {
    throw new InvalidProof('identity public key or ciphertext α');
  }
  const commitments = [];
  for (const br of branches) {
    if (g.pointEquals(br.a, g.IDENTITY) || g.pointEquals(br.b, g.IDENTITY)) {
      throw new InvalidProof('identity commitment in a disjunctive proof');
    }
    commitments.push(br.a, br.b);
  }
  const c = inSetChallenge(ctx, publicKey, ct, set, binding, commitments);
  if (g.mod(branches.reduce((x, br) => x + br.c, 0n)) !== c) {
    throw new InvalidProof('branch challenges do not sum to the Fiat-Shamir challenge');
  }
  set.forEach((mj, j) => {
    const br = branches[j];
    if (!g.pointEquals(g.baseMul(br.s), g.add(br.a, g.mul(br.c, ct.alpha)))) {
      throw new InvalidProof('disjunctive proof does not verify (α equation)');
    }
    const betaJ = g.sub(ct.beta, g.baseMul(mj));
    if (!g.pointEquals(g.mul(br.s, publicKey), g.add(br.b, g.mul(br.c, betaJ)))) {
      throw new InvalidProof('disjunctive proof does not verify (β equation)');
    }
  });
}
