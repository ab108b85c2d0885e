// Exponential ElGamal over ristretto255: (α, β) = (r·G, m·G + r·H), as tinnhiem.crypto.elgamal.
import { concat } from './bytes.js';
import * as g from './group.js';

export class CryptoError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CryptoError';
  }
}

/** A ciphertext {alpha, beta} (points as 32-byte arrays). */
export function ciphertext(alpha, beta) {
  return { alpha, beta };
}

export function ctToBytes(ct) {
  return concat(ct.alpha, ct.beta);
}

/** Decode 64 bytes; α must not be the identity unless allowIdentity. */
export function ctFromBytes(bytes, where, { allowIdentity = false } = {}) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
    throw new CryptoError(`${where ?? 'ciphertext'}: a ciphertext is exactly 64 bytes`);
  }
  return {
    alpha: g.pointFromBytes(bytes.slice(0, 32), `${where}.alpha`, { allowIdentity }),
    beta: g.pointFromBytes(bytes.slice(32), `${where}.beta`, { allowIdentity: true }),
  };
}

export function ctAdd(a, b) {
  return { alpha: g.add(a.alpha, b.alpha), beta: g.add(a.beta, b.beta) };
}

export function ctEquals(a, b) {
  return g.pointEquals(a.alpha, b.alpha) && g.pointEquals(a.beta, b.beta);
}

/** Encrypt m under `publicKey` with nonce r (deterministic; r ≠ 0). */
export function encryptWithNonce(publicKey, m, nonce) {
  if (g.mod(nonce) === 0n) throw new CryptoError('the encryption nonce must not be zero');
  if (g.pointEquals(publicKey, g.IDENTITY)) throw new CryptoError('the public key must not be the identity');
  const alpha = g.baseMul(nonce);
  const beta = g.add(g.baseMul(BigInt(m)), g.mul(nonce, publicKey));
  return { alpha, beta };
}

/** Encrypt m with a fresh nonce (or the given one); returns {ct, nonce}. */
export function encrypt(publicKey, m, nonce = null) {
  const r = nonce ?? g.randomNonzeroScalar();
  return { ct: encryptWithNonce(publicKey, m, r), nonce: r };
}

/** x·α: one key holder's decryption factor. */
export function partialDecryption(secret, ct) {
  return g.mul(secret, ct.alpha);
}

/** β − x·α = m·G. */
export function decrypt(secret, ct) {
  return g.sub(ct.beta, g.mul(secret, ct.alpha));
}
