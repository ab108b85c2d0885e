// Byte helpers: hex, concatenation, fixed-width integers, UTF-8, constant-time compare.

export class EncodingError extends Error {
  constructor(message, where) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'EncodingError';
    this.where = where ?? null;
  }
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex of bytes. */
export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Bytes of a lowercase hex string (exactly `size` bytes when given). */
export function fromHex(text, size, where) {
  if (typeof text !== 'string' || !HEX.test(text)) {
    throw new EncodingError('expected a lowercase hex string', where);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  if (size !== undefined && out.length !== size) {
    throw new EncodingError(`expected ${size} bytes, got ${out.length}`, where);
  }
  return out;
}

/** Concatenate byte arrays. */
export function concat(...parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Unsigned big-endian integer of `width` bytes. */
export function uintBE(value, width) {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * width)) throw new RangeError(`${value} does not fit ${width} bytes`);
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i -= 1) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Unsigned little-endian integer of `width` bytes. */
export function uintLE(value, width) {
  return uintBE(value, width).reverse();
}

/** The integer of little-endian bytes. */
export function readLE(bytes) {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string (NFC-normalised first: the record's strings are NFC). */
export function utf8(text) {
  return encoder.encode(text.normalize('NFC'));
}

/** The string of UTF-8 bytes (throws on invalid UTF-8). */
export function fromUtf8(bytes) {
  return decoder.decode(bytes);
}

/** True when both arrays hold the same bytes (time independent of where they differ). */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** base64url without padding (used in QR credential text when hex is too long). */
export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}
