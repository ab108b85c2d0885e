// Strong Fiat-Shamir transcripts (docs/crypto.md §3), byte for byte as
// tinnhiem.crypto.transcript:
//   input = LP("tinnhiem-fs-v1") ‖ LP(tag) ‖ LP(fingerprint) ‖ U32(k) ‖ LP(item_1) ‖ … ‖ LP(item_k)
//   LP(x) = U32(len(x)) ‖ x;   challenge = SHA-512(input) read little-endian, mod ℓ.
// Items: {point}, {scalar}, {int} (8 bytes BE) or raw bytes (Uint8Array).
import { sodium } from './sodium.js';
import { concat, uintBE, utf8 } from './bytes.js';
import { ORDER, scalarReduce, scalarToBytes } from './group.js';

export const PROTOCOL_LABEL = utf8('tinnhiem-fs-v1');

/** Typed transcript items: a bare Uint8Array is raw bytes. */
export const item = {
  point: (p) => ({ kind: 'point', value: p }),
  scalar: (s) => ({ kind: 'scalar', value: s }),
  int: (n) => ({ kind: 'int', value: BigInt(n) }),
  bytes: (b) => ({ kind: 'bytes', value: b }),
};

export function encodeItem(it) {
  if (it instanceof Uint8Array) return it;
  switch (it.kind) {
    case 'point':
      if (!(it.value instanceof Uint8Array) || it.value.length !== 32) throw new TypeError('bad point item');
      return it.value;
    case 'scalar':
      return scalarToBytes(it.value);
    case 'int':
      if (it.value < 0n || it.value >= 1n << 64n) throw new RangeError(`transcript integer out of range: ${it.value}`);
      return uintBE(it.value, 8);
    case 'bytes':
      return it.value;
    default:
      throw new TypeError(`cannot put ${it.kind} in a transcript`);
  }
}

function lp(bytes) {
  return concat(uintBE(bytes.length, 4), bytes);
}

/** The exact hash input for `tag` and `items`. */
export function transcriptBytes(fingerprint, tag, items) {
  const parts = [lp(PROTOCOL_LABEL), lp(utf8(tag)), lp(fingerprint), uintBE(items.length, 4)];
  for (const it of items) parts.push(lp(encodeItem(it)));
  return concat(...parts);
}

/** The Fiat-Shamir context of one election (its 32-byte fingerprint). */
export class Context {
  constructor(fingerprint) {
    if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32) {
      throw new Error('an election fingerprint is exactly 32 bytes');
    }
    this.fingerprint = fingerprint;
  }

  digest(tag, ...items) {
    return sodium().crypto_hash_sha512(transcriptBytes(this.fingerprint, tag, items));
  }

  challenge(tag, ...items) {
    return scalarReduce(this.digest(tag, ...items));
  }
}

export { ORDER };
