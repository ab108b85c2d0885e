// Reproduces the frozen known-answer vectors docs/vectors/crypto-v1.json byte for byte
// with the browser code (libsodium.js), so the booth and the Python core agree.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ready, sodium } from '../src/lib/sodium.js';
import * as g from '../src/lib/group.js';
import { EncodingError, fromHex, toHex } from '../src/lib/bytes.js';
import { Context, item, transcriptBytes } from '../src/lib/transcript.js';
import { ctAdd, ctFromBytes, ctToBytes, encryptWithNonce } from '../src/lib/elgamal.js';
import * as p from '../src/lib/proofs.js';
import { DkgMember, evalPoly } from '../src/lib/dkg.js';
import { lagrangeAtZero } from '../src/lib/threshold.js';

const FILE = fileURLToPath(new URL('../../docs/vectors/crypto-v1.json', import.meta.url));
const vectors = JSON.parse(fs.readFileSync(FILE, 'utf8'));

before(async () => { await ready(); });

const sc = (hex) => g.scalarFromBytes(fromHex(hex, 32));
const pt = (hex, allowIdentity = false) => g.pointFromBytes(fromHex(hex, 32), hex, { allowIdentity });

/** Each kind of case: recompute the outputs from the inputs alone. */
const COMPUTE = {
  transcript(inp) {
    const items = inp.items.map((it) => {
      if (it.type === 'point') return item.point(pt(it.hex, true));
      if (it.type === 'scalar') return item.scalar(sc(it.hex));
      if (it.type === 'u64') return item.int(it.value);
      if (it.type === 'bytes') return fromHex(it.hex);
      throw new Error(`unknown item type ${it.type}`);
    });
    const fp = fromHex(inp.fingerprint, 32);
    const input = transcriptBytes(fp, inp.tag, items);
    const ctx = new Context(fp);
    return {
      hash_input: toHex(input),
      sha512: toHex(sodium().crypto_hash_sha512(input)),
      challenge: toHex(g.scalarToBytes(ctx.challenge(inp.tag, ...items))),
    };
  },
  public_key(inp) {
    return { public: toHex(g.baseMul(sc(inp.secret))) };
  },
  hash_to_group(inp) {
    return { point: toHex(g.hashToGroup(fromHex(inp.dst), fromHex(inp.message))) };
  },
  schnorr(inp) {
    const ctx = new Context(fromHex(inp.fingerprint, 32));
    const secret = sc(inp.secret);
    const binding = fromHex(inp.binding);
    const proof = p.proveKnowledge(ctx, secret, { binding, nonce: sc(inp.nonce) });
    const pub = g.baseMul(secret);
    p.verifyKnowledge(ctx, pub, proof, { binding });
    return { public: toHex(pub), proof: toHex(p.schnorrToBytes(proof)) };
  },
  encryption(inp) {
    return { ciphertext: toHex(ctToBytes(encryptWithNonce(pt(inp.public), BigInt(inp.value), sc(inp.nonce)))) };
  },
  chaum_pedersen(inp) {
    const ctx = new Context(fromHex(inp.fingerprint, 32));
    const secret = sc(inp.secret);
    const base2 = pt(inp.base2);
    const binding = fromHex(inp.binding);
    const proof = p.proveDleq(ctx, secret, base2, { binding, nonce: sc(inp.nonce) });
    const x = g.baseMul(secret);
    const y = g.mul(secret, base2);
    p.verifyDleq(ctx, base2, x, y, proof, { binding });
    return { x: toHex(x), y: toHex(y), proof: toHex(p.dleqToBytes(proof)) };
  },
  disjunctive(inp) {
    const ctx = new Context(fromHex(inp.fingerprint, 32));
    const pub = pt(inp.public);
    const binding = fromHex(inp.binding);
    const ct = encryptWithNonce(pub, BigInt(inp.value), sc(inp.nonce));
    const proof = p.proveInSetWithNonces(ctx, pub, ct, inp.value, sc(inp.nonce), inp.allowed,
      inp.proof_nonces.map(sc), { binding });
    p.verifyInSet(ctx, pub, ct, inp.allowed, proof, { binding });
    return { ciphertext: toHex(ctToBytes(ct)), proof: toHex(p.disjunctiveToBytes(proof)) };
  },
  dkg_member(inp) {
    const ctx = new Context(fromHex(inp.fingerprint, 32));
    const coefficients = inp.coefficients.map(sc);
    const member = DkgMember.create(ctx, inp.index, inp.t, inp.n,
      { boxSeed: fromHex(inp.box_seed, 32), coefficients });
    const commit = member.commit();
    const commits = {};
    for (let j = 1; j <= inp.n; j += 1) {
      const box = sodium().crypto_box_seed_keypair(new Uint8Array(32).fill(j)).publicKey;
      commits[j] = { member: j, boxPublic: box, digest: new Uint8Array(64) };
    }
    commits[inp.index] = commit;
    const reveal = member.reveal(commits, { proofNonce: sc(inp.proof_nonce) });
    const shares = [];
    for (let j = 1; j <= inp.n; j += 1) shares.push(toHex(g.scalarToBytes(evalPoly(coefficients, j))));
    return {
      box_public: toHex(commit.boxPublic),
      commitments: member.commitments.map(toHex),
      digest: toHex(commit.digest),
      proof: toHex(p.schnorrToBytes(reveal.proof)),
      shares,
    };
  },
  lagrange(inp) {
    const lam = lagrangeAtZero(inp.members);
    const coefficients = {};
    for (const i of inp.members) coefficients[String(i)] = toHex(g.scalarToBytes(lam[i]));
    return { coefficients };
  },
  point_decode(inp) {
    try {
      g.pointFromBytes(fromHex(inp.encoding, 32), 'encoding', { allowIdentity: true });
    } catch (err) {
      if (err instanceof EncodingError) return { valid: false };
      throw err;
    }
    return { valid: true };
  },
  ciphertext_sum(inp) {
    const cts = inp.ciphertexts.map((hex) => ctFromBytes(fromHex(hex, 64), 'ct'));
    return { sum: toHex(ctToBytes(cts.reduce(ctAdd))) };
  },
};

test('the vector file is the frozen v1 set', () => {
  assert.equal(vectors.version, 'tinnhiem-crypto-v1');
  assert.ok(vectors.cases.length > 0);
});

for (const c of vectors.cases) {
  test(`vector ${c.name} (${c.kind})`, () => {
    const compute = COMPUTE[c.kind];
    assert.ok(compute, `no browser implementation for vector kind ${c.kind}`);
    const got = compute(c.input);
    for (const [key, want] of Object.entries(c.output)) {
      assert.deepEqual(got[key], want, `${c.name}: output ${key} differs`);
    }
  });
}

test('a tampered disjunctive proof is refused', () => {
  const c = vectors.cases.find((x) => x.kind === 'disjunctive');
  const inp = c.input;
  const ctx = new Context(fromHex(inp.fingerprint, 32));
  const ct = ctFromBytes(fromHex(c.output.ciphertext, 64), 'ct');
  const bytes = fromHex(c.output.proof);
  bytes[70] ^= 1; // inside the first branch's challenge
  let branches;
  try {
    branches = p.disjunctiveFromBytes(bytes);
  } catch {
    return; // a non-canonical scalar is refused while decoding: also a refusal
  }
  assert.throws(() => p.verifyInSet(ctx, pt(inp.public), ct, inp.allowed, branches,
    { binding: fromHex(inp.binding) }), p.InvalidProof);
  // The right proof under another binding fails as well (strong Fiat-Shamir).
  assert.throws(() => p.verifyInSet(ctx, pt(inp.public), ct, inp.allowed,
    p.disjunctiveFromBytes(fromHex(c.output.proof)), { binding: fromHex('00') }), p.InvalidProof);
});
