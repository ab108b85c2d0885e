// Personnel ballots (record-format §3.13) between the booth and tinnhiem.ballots:
//   echo '{"op": "seal", manifest, fingerprint, public_key, seed, marks}' | node tools/personnel-ballot.mjs
//   echo '{"op": "verify", manifest, fingerprint, public_key, ballot, reveal}' | node tools/personnel-ballot.mjs
// (tests/unit/personnel/test_personnel_js.py). Prints one JSON answer.
import { ready } from '../src/lib/sodium.js';
import { fromHex } from '../src/lib/bytes.js';
import {
  auditReveal, ballotFromJson, ballotHash, ballotToJson, checkAudit, credentialFromSeed,
  encryptBallot, formatTracker, verifyBallot,
} from '../src/lib/ballot.js';

await ready();
let text = '';
for await (const chunk of process.stdin) text += chunk;
const req = JSON.parse(text);
const fingerprint = fromHex(req.fingerprint, 32);
const publicKey = fromHex(req.public_key, 32);
let out;
if (req.op === 'seal') {
  const credential = credentialFromSeed(fromHex(req.seed, 32));
  const { ballot, secrets } = encryptBallot(req.manifest, fingerprint, publicKey, credential, req.marks);
  out = {
    ballot: ballotToJson(ballot),
    tracker: formatTracker(ballotHash(fingerprint, ballot)),
    reveal: auditReveal(ballot, secrets, fingerprint),
  };
} else {
  const ballot = ballotFromJson(req.ballot);
  let error = null;
  try {
    verifyBallot(req.manifest, fingerprint, publicKey, ballot);
  } catch (err) {
    error = err.message;
  }
  out = { error, audit: req.reveal ? checkAudit(req.manifest, publicKey, ballot, req.reveal) : null };
}
process.stdout.write(JSON.stringify(out));
