// Passphrase-protected secrets, the same file format as tinnhiem.crypto.protect_secret
// (docs/crypto.md §9), so the `tinnhiem trustee` CLI and the browser read each other's files:
//   "TNSEC1" ‖ U32 opslimit ‖ U64 memlimit ‖ salt (16) ‖ nonce (24) ‖ secretbox(data)
// The key is Argon2id (crypto_pwhash) of the passphrase; secretbox is XSalsa20-Poly1305.
import { sodium } from './sodium.js';
import { concat, readLE, uintBE, utf8 } from './bytes.js';

const MAGIC = utf8('TNSEC1');
const SALT = 16;
const NONCE = 24;
const HEADER = MAGIC.length + 4 + 8 + SALT + NONCE;
export const DEFAULT_OPSLIMIT = 3;
export const DEFAULT_MEMLIMIT = 64 * 1024 * 1024;
const MAX_MEMLIMIT = 1024 * 1024 * 1024;
const MAX_OPSLIMIT = 16;

export class SecretFileError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SecretFileError';
  }
}

function readBE(bytes) {
  return Number(readLE(Uint8Array.from(bytes).reverse()));
}

function passphraseBytes(passphrase) {
  // NFC first, as the Python side does: composed and decomposed Vietnamese input give one key.
  const raw = typeof passphrase === 'string'
    ? new TextEncoder().encode(passphrase.normalize('NFC')) : passphrase;
  if (raw.length === 0) throw new SecretFileError('the passphrase is empty');
  return raw;
}

function derive(passphrase, salt, opslimit, memlimit) {
  const s = sodium();
  return s.crypto_pwhash(32, passphraseBytes(passphrase), salt, opslimit, memlimit,
    s.crypto_pwhash_ALG_ARGON2ID13);
}

/** Encrypt `data` under `passphrase`; `salt`/`nonce` are injectable for known-answer tests. */
export function protectSecret(data, passphrase, {
  opslimit = DEFAULT_OPSLIMIT, memlimit = DEFAULT_MEMLIMIT, salt = null, nonce = null,
} = {}) {
  if (opslimit < 1 || opslimit > MAX_OPSLIMIT || memlimit < 8192 || memlimit > MAX_MEMLIMIT) {
    throw new SecretFileError('Argon2id cost parameters out of range');
  }
  const s = sodium();
  const saltBytes = salt ?? s.randombytes_buf(SALT);
  const nonceBytes = nonce ?? s.randombytes_buf(NONCE);
  const key = derive(passphrase, saltBytes, opslimit, memlimit);
  const header = concat(MAGIC, uintBE(opslimit, 4), uintBE(memlimit, 8), saltBytes, nonceBytes);
  return concat(header, s.crypto_secretbox_easy(data, nonceBytes, key));
}

/** Decrypt a protectSecret blob; SecretFileError on a wrong passphrase or a damaged file. */
export function unprotectSecret(blob, passphrase) {
  const magicOk = blob.length >= HEADER + 16 && MAGIC.every((b, i) => blob[i] === b);
  if (!magicOk) throw new SecretFileError('not a Tín Nhiệm secret file (bad header or too short)');
  let pos = MAGIC.length;
  const opslimit = readBE(blob.slice(pos, pos + 4));
  const memlimit = readBE(blob.slice(pos + 4, pos + 12));
  pos += 12;
  const salt = blob.slice(pos, pos + SALT);
  const nonce = blob.slice(pos + SALT, HEADER);
  if (opslimit < 1 || opslimit > MAX_OPSLIMIT || memlimit < 8192 || memlimit > MAX_MEMLIMIT) {
    throw new SecretFileError('secret file asks for out-of-range Argon2id parameters');
  }
  const key = derive(passphrase, salt, opslimit, memlimit);
  try {
    return sodium().crypto_secretbox_open_easy(blob.slice(HEADER), nonce, key);
  } catch {
    throw new SecretFileError('wrong passphrase, or the secret file is damaged');
  }
}
