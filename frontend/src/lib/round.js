// The round data a page needs, decoded and checked once: manifest, public key, fingerprint.
import { equalBytes, fromHex } from './bytes.js';
import { pointFromBytes } from './group.js';
import { canonicalJson, taggedHash } from './canonical.js';

/** Decode {manifest, public_key, fingerprint}; checks the fingerprint against the manifest. */
export function loadRound(data) {
  const publicKey = pointFromBytes(fromHex(data.public_key, 32, 'public_key'), 'public_key');
  const fingerprint = fromHex(data.fingerprint, 32, 'fingerprint');
  const expected = taggedHash('tinnhiem/fingerprint/v1', canonicalJson(data.manifest), publicKey);
  if (!equalBytes(expected, fingerprint)) {
    throw new Error('the election fingerprint does not match the manifest and public key');
  }
  return { manifest: data.manifest, publicKey, fingerprint };
}
