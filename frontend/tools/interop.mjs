// A JSON-in, JSON-out bridge to the browser code, for the Python tests that check the booth
// and the committee tool against tinnhiem.ballots / tinnhiem.crypto (tests/web/test_poll_js_*).
//   echo '{"op": "ballot", ...}' | node tools/interop.mjs
import { ready } from '../src/lib/sodium.js';
import { fromHex, toHex } from '../src/lib/bytes.js';
import * as g from '../src/lib/group.js';
import { Context } from '../src/lib/transcript.js';
import { ctFromBytes } from '../src/lib/elgamal.js';
import {
  auditReveal, ballotFromJson, ballotToJson, checkAudit, credentialFromSeed, encryptBallot,
  formatTracker, ballotHash,
} from '../src/lib/ballot.js';
import {
  DkgMember, commitFromDict, commitToDict, committeeKeyToDict, memberShareFromBytes,
  memberShareToBytes, revealFromDict, revealToDict,
} from '../src/lib/dkg.js';
import { partialDecrypt } from '../src/lib/threshold.js';
import { signHead, verifyHeadSignature } from '../src/lib/head.js';
import { protectSecret, unprotectSecret } from '../src/lib/protect.js';
import { canonicalJson } from '../src/lib/canonical.js';

const sc = (hex) => g.scalarFromBytes(fromHex(hex, 32));

function byIndex(obj, decode) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[Number(k)] = decode(v);
  return out;
}

const OPS = {
  ballot(req) {
    const credential = credentialFromSeed(fromHex(req.seed, 32));
    const nonces = req.nonces
      ? Object.fromEntries(Object.entries(req.nonces).map(([id, n]) => [id, { nonce: sc(n.nonce), proof: n.proof.map(sc) }]))
      : null;
    const fingerprint = fromHex(req.fingerprint, 32);
    const publicKey = fromHex(req.public_key, 32);
    const { ballot, secrets } = encryptBallot(req.manifest, fingerprint, publicKey, credential, req.marks, nonces);
    return {
      ballot: ballotToJson(ballot),
      tracker: formatTracker(ballotHash(fingerprint, ballot)),
      reveal: auditReveal(ballot, secrets, fingerprint),
    };
  },
  audit(req) {
    const ballot = ballotFromJson(req.ballot);
    return { rows: checkAudit(req.manifest, fromHex(req.public_key, 32), ballot, req.reveal) };
  },
  canonical(req) {
    return { hex: toHex(canonicalJson(req.value)) };
  },
  dkg_create(req) {
    const ctx = new Context(fromHex(req.fingerprint, 32));
    const member = DkgMember.create(ctx, req.index, req.t, req.n);
    return { state: member.stateToDict(), commit: commitToDict(member.commit()) };
  },
  dkg_reveal(req) {
    const ctx = new Context(fromHex(req.state.fingerprint, 32));
    const member = DkgMember.fromStateDict(ctx, req.state);
    const reveal = member.reveal(byIndex(req.commits, commitFromDict));
    return { state: member.stateToDict(), reveal: revealToDict(reveal) };
  },
  dkg_finish(req) {
    const ctx = new Context(fromHex(req.state.fingerprint, 32));
    const member = DkgMember.fromStateDict(ctx, req.state);
    const { key, share } = member.finish(byIndex(req.reveals, revealFromDict));
    return { key: committeeKeyToDict(key), share: toHex(memberShareToBytes(share)) };
  },
  partial_decrypt(req) {
    const ctx = new Context(fromHex(req.fingerprint, 32));
    const share = memberShareFromBytes(fromHex(req.share, 36));
    const cts = req.cts.map((hex, i) => ctFromBytes(fromHex(hex, 64), `cts[${i}]`, { allowIdentity: true }));
    return partialDecrypt(ctx, share, cts);
  },
  sign_head(req) {
    const share = memberShareFromBytes(fromHex(req.share, 36));
    const nonce = req.nonce ? sc(req.nonce) : null;
    return { signature: signHead(fromHex(req.fingerprint, 32), share, fromHex(req.head, 32), { nonce }) };
  },
  verify_head(req) {
    try {
      verifyHeadSignature(fromHex(req.fingerprint, 32), fromHex(req.verification_key, 32), req.member, fromHex(req.head, 32), req.signature);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: err.message };
    }
  },
  protect(req) {
    return { blob: toHex(protectSecret(fromHex(req.data), req.passphrase, { opslimit: req.opslimit, memlimit: req.memlimit })) };
  },
  unprotect(req) {
    return { data: toHex(unprotectSecret(fromHex(req.blob), req.passphrase)) };
  },
};

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  await ready();
  const op = OPS[req.op];
  if (!op) throw new Error(`unknown op ${req.op}`);
  process.stdout.write(JSON.stringify(op(req)));
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
