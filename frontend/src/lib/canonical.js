// Canonical JSON and tagged hashes, byte for byte as tinnhiem.ballots.codec writes them:
// UTF-8, keys sorted, no whitespace, integers only, strings in NFC.
import { sodium } from './sodium.js';
import { EncodingError, concat, uintBE, utf8 } from './bytes.js';

function check(value, where) {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new EncodingError('only safe integers are allowed', where);
    return;
  }
  if (typeof value === 'bigint') throw new EncodingError('bigints cannot be encoded', where);
  if (typeof value === 'string') {
    if (value.normalize('NFC') !== value) throw new EncodingError('string is not in Unicode NFC', where);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => check(item, `${where}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) check(v, `${where}.${k}`);
    return;
  }
  throw new EncodingError(`type ${typeof value} cannot be encoded`, where);
}

// Python sorts keys by code point; JS sorts strings by UTF-16 unit. They agree except for
// keys holding characters outside the BMP, which we compare by code point here.
function compareKeys(a, b) {
  const ca = Array.from(a, (c) => c.codePointAt(0));
  const cb = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(ca.length, cb.length); i += 1) {
    if (ca[i] !== cb[i]) return ca[i] - cb[i];
  }
  return ca.length - cb.length;
}

function write(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  const keys = Object.keys(value).sort(compareKeys);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${write(value[k])}`).join(',')}}`;
}

/** The canonical JSON text of `value`. */
export function canonicalText(value) {
  check(value, '$');
  return write(value);
}

/** The canonical JSON bytes of `value`. */
export function canonicalJson(value) {
  return utf8(canonicalText(value));
}

/** SHA-256(len(tag) ‖ tag ‖ len(p1) ‖ p1 ‖ …), each length an 8-byte big-endian integer. */
export function taggedHash(tag, ...parts) {
  const chunks = [];
  for (const part of [utf8(tag), ...parts]) chunks.push(uintBE(part.length, 8), part);
  return sodium().crypto_hash_sha256(concat(...chunks));
}

export function sha256(bytes) {
  return sodium().crypto_hash_sha256(bytes);
}

export function sha512(bytes) {
  return sodium().crypto_hash_sha512(bytes);
}
