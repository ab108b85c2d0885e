// Threshold decryption, one member's side, as tinnhiem.crypto.threshold: the factor s_i·α of
// each ciphertext with a Chaum-Pedersen proof bound to the member and the row.
import { concat, toHex, uintBE, utf8 } from './bytes.js';
import * as g from './group.js';
import { dleqToBytes, proveDleq } from './proofs.js';

/** "decrypt" ‖ U32 member ‖ U64 position. */
export function decryptionBinding(member, position) {
  return concat(utf8('decrypt'), uintBE(member, 4), uintBE(position, 8));
}

/** Member share.index's factors for each ciphertext, with proofs; as DecryptionShare.to_dict. */
export function partialDecrypt(ctx, share, cts, { nonces = null } = {}) {
  const factors = [];
  const proofs = [];
  cts.forEach((ct, pos) => {
    factors.push(toHex(g.mul(share.secret, ct.alpha)));
    proofs.push(toHex(dleqToBytes(proveDleq(ctx, share.secret, ct.alpha, {
      binding: decryptionBinding(share.index, pos),
      nonce: nonces ? nonces[pos] : null,
    }))));
  });
  return { member: share.index, factors, proofs };
}

/** λ_i = Π_{j≠i} j / (j − i) mod ℓ, for interpolation at zero (as lagrange_at_zero). */
export function lagrangeAtZero(indices) {
  const out = {};
  for (const i of indices) {
    let num = 1n;
    let den = 1n;
    for (const j of indices) {
      if (j !== i) {
        num = g.mod(num * BigInt(j));
        den = g.mod(den * BigInt(j - i));
      }
    }
    out[i] = g.mod(num * g.scalarInverse(den));
  }
  return out;
}
