// The committee's signatures of the final board head, as tinnhiem.tally.head (record-format
// §3.12): member i's Schnorr proof of knowledge of their key share s_i, in the context of
// the election fingerprint F, bound to H("tinnhiem/head/v1", U32 i, head). The public key
// is the member's verification key V_i = s_i·G that the key ceremony already published.
import { fromHex, toHex, uintBE } from './bytes.js';
import { taggedHash } from './canonical.js';
import * as g from './group.js';
import { CryptoError } from './elgamal.js';
import { Context } from './transcript.js';
import { proveKnowledge, schnorrFromBytes, schnorrToBytes, verifyKnowledge } from './proofs.js';

/** H("tinnhiem/head/v1", U32 member, head): what member `member` signs. */
export function headBinding(member, head) {
  return taggedHash('tinnhiem/head/v1', uintBE(member, 4), head);
}

/** Member share.index's 64-byte signature (hex) of `head` (32 bytes) under fingerprint F. */
export function signHead(fingerprint, share, head, { nonce = null } = {}) {
  if (head.length !== 32) throw new CryptoError('the board head is 32 bytes');
  const proof = proveKnowledge(new Context(fingerprint), share.secret, {
    binding: headBinding(share.index, head),
    nonce,
  });
  return toHex(schnorrToBytes(proof));
}

/** Throw unless `signature` (hex) is member `member`'s signature of `head` under their
 * verification key `publicKey` (32 bytes). */
export function verifyHeadSignature(fingerprint, publicKey, member, head, signature) {
  const proof = schnorrFromBytes(fromHex(signature, 64), `member ${member}'s head signature`);
  verifyKnowledge(new Context(fingerprint), publicKey, proof, { binding: headBinding(member, head) });
}

/** The head in groups of 4 hex digits (16 groups), to read aloud and compare. */
export function formatHead(hex) {
  return (hex.match(/.{1,4}/g) || []).join(' ');
}

/** The member's verification key V_i = s_i·G, to check a share belongs to the committee. */
export function verificationKeyOf(share) {
  return g.baseMul(share.secret);
}
