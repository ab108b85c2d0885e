// The committee's key ceremony (lễ tạo khóa), one member's side, byte for byte as
// tinnhiem.crypto.dkg: commit (box key + hash of Feldman commitments), reveal (commitments,
// Schnorr proof of the constant term, shares sealed to each other member), finish (check
// everything, derive the committee key and this member's secret share).
import { sodium } from './sodium.js';
import { concat, equalBytes, fromHex, toHex, uintBE, utf8 } from './bytes.js';
import * as g from './group.js';
import { CryptoError } from './elgamal.js';
import { item } from './transcript.js';
import { proveKnowledge, schnorrFromBytes, schnorrToBytes, verifyKnowledge } from './proofs.js';

export const TAG_COMMIT = 'dkg-commit';
const SHARE_MAGIC = utf8('TNDKG1');

export class DkgError extends CryptoError {
  constructor(message, member) {
    super(`member ${member}: ${message}`);
    this.name = 'DkgError';
    this.member = member;
  }
}

function checkParams(t, n) {
  if (!(t >= 1 && t <= n && n <= 1000)) throw new CryptoError(`need 1 ≤ t ≤ n ≤ 1000, got t=${t}, n=${n}`);
}

/** The 64-byte hash a member publishes before revealing its commitments. */
export function commitmentDigest(ctx, member, t, n, boxPublic, commitments) {
  return ctx.digest(TAG_COMMIT, item.int(member), item.int(t), item.int(n), boxPublic,
    ...commitments.map(item.point));
}

function proofBinding(member, t, n) {
  return concat(utf8('dkg-constant'), uintBE(member, 4), uintBE(t, 4), uintBE(n, 4));
}

function sharePlaintext(dealer, recipient, value) {
  return concat(SHARE_MAGIC, uintBE(dealer, 4), uintBE(recipient, 4), g.scalarToBytes(value));
}

export function evalPoly(coefficients, x) {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k -= 1) acc = g.mod(acc * BigInt(x) + coefficients[k]);
  return acc;
}

/** Σ_k x^k·C_k. */
export function evalCommitments(commitments, x) {
  let acc = commitments[0];
  let power = 1n;
  for (const c of commitments.slice(1)) {
    power = g.mod(power * BigInt(x));
    acc = g.add(acc, g.mul(power, c));
  }
  return acc;
}

// ------------------------------------------------------------------- messages as JSON

export function commitToDict(m) {
  return { member: m.member, box_public: toHex(m.boxPublic), digest: toHex(m.digest) };
}

export function commitFromDict(d) {
  return { member: d.member, boxPublic: fromHex(d.box_public, 32, 'box_public'), digest: fromHex(d.digest, 64, 'digest') };
}

export function revealToDict(m) {
  const shares = {};
  for (const j of Object.keys(m.shares).map(Number).sort((a, b) => a - b)) shares[String(j)] = toHex(m.shares[j]);
  return {
    member: m.member,
    commitments: m.commitments.map(toHex),
    proof: toHex(schnorrToBytes(m.proof)),
    shares,
  };
}

export function revealFromDict(d) {
  const shares = {};
  for (const [k, v] of Object.entries(d.shares)) shares[Number(k)] = fromHex(v, undefined, `share ${k}`);
  return {
    member: d.member,
    commitments: d.commitments.map((c) => g.pointFromBytes(fromHex(c, 32, 'commitment'), 'commitment')),
    proof: schnorrFromBytes(fromHex(d.proof, 64, 'proof')),
    shares,
  };
}

export function committeeKeyToDict(key) {
  const vk = {};
  for (let m = 1; m <= key.n; m += 1) vk[String(m)] = toHex(key.verificationKeys[m]);
  return { public_key: toHex(key.publicKey), verification_keys: vk, t: key.t, n: key.n };
}

export function committeeKeyFromDict(d) {
  const vk = {};
  for (const [m, v] of Object.entries(d.verification_keys)) vk[Number(m)] = g.pointFromBytes(fromHex(v, 32), `verification key ${m}`);
  return { publicKey: g.pointFromBytes(fromHex(d.public_key, 32), 'public_key'), verificationKeys: vk, t: d.t, n: d.n };
}

// ----------------------------------------------------------------------------- checks

function checkCommits(n, commits) {
  for (let m = 1; m <= n; m += 1) {
    if (!commits[m]) throw new DkgError('commit message missing', m);
    if (commits[m].member !== m) throw new DkgError(`commit message filed under ${m} is labelled ${commits[m].member}`, m);
  }
}

function checkReveal(ctx, t, n, commit, reveal) {
  const j = commit.member;
  if (reveal.member !== j) throw new DkgError(`reveal message is labelled member ${reveal.member}`, j);
  if (reveal.commitments.length !== t) throw new DkgError(`${reveal.commitments.length} commitments, expected t = ${t}`, j);
  const addressed = Object.keys(reveal.shares).map(Number).sort((a, b) => a - b);
  const expected = [];
  for (let m = 1; m <= n; m += 1) if (m !== j) expected.push(m);
  if (addressed.join(',') !== expected.join(',')) throw new DkgError('shares are not addressed to exactly the other members', j);
  const digest = commitmentDigest(ctx, j, t, n, commit.boxPublic, reveal.commitments);
  if (!equalBytes(digest, commit.digest)) throw new DkgError('revealed commitments do not match the commit hash', j);
  try {
    verifyKnowledge(ctx, reveal.commitments[0], reveal.proof, { binding: proofBinding(j, t, n) });
  } catch {
    throw new DkgError('bad proof of knowledge of the constant term', j);
  }
}

/** The joint public key and all verification keys from the (checked) reveals. */
export function committeeKey(t, n, reveals) {
  let aggregate = reveals[1].commitments.slice();
  for (let j = 2; j <= n; j += 1) aggregate = aggregate.map((a, k) => g.add(a, reveals[j].commitments[k]));
  const verificationKeys = {};
  for (let m = 1; m <= n; m += 1) verificationKeys[m] = evalCommitments(aggregate, m);
  return { publicKey: aggregate[0], verificationKeys, t, n };
}

// ---------------------------------------------------------------------------- a member

/**
 * One member's side. `state` = {index, t, n, boxPublic, boxSecret, coefficients[]} (what the
 * member's protected state file holds between the steps); made fresh by DkgMember.create.
 */
export class DkgMember {
  constructor(ctx, state) {
    checkParams(state.t, state.n);
    if (!(state.index >= 1 && state.index <= state.n)) throw new CryptoError(`member index must be in 1..${state.n}`);
    if (state.coefficients.length !== state.t || state.coefficients.some((a) => g.mod(a) === 0n)) {
      throw new CryptoError('a DKG polynomial has t non-zero coefficients');
    }
    this.ctx = ctx;
    this.state = state;
    this.commitments = state.coefficients.map((a) => g.baseMul(a));
  }

  static create(ctx, index, t, n, { boxSeed = null, coefficients = null } = {}) {
    const s = sodium();
    const kp = boxSeed ? s.crypto_box_seed_keypair(boxSeed) : s.crypto_box_keypair();
    const coeffs = coefficients ?? Array.from({ length: t }, () => g.randomNonzeroScalar());
    return new DkgMember(ctx, { index, t, n, boxPublic: kp.publicKey, boxSecret: kp.privateKey, coefficients: coeffs });
  }

  /**
   * The secret state as JSON, the same form as Python's DkgMember.to_state() (so the
   * `tinnhiem trustee` CLI and the browser resume each other's files). SECRET.
   */
  stateToDict() {
    const st = this.state;
    let commits = null;
    if (st.commits) {
      commits = {};
      for (const m of Object.keys(st.commits).map(Number).sort((a, b) => a - b)) {
        commits[String(m)] = commitToDict(st.commits[m]);
      }
    }
    return {
      fingerprint: toHex(this.ctx.fingerprint),
      index: st.index,
      t: st.t,
      n: st.n,
      box_secret: toHex(st.boxSecret),
      box_public: toHex(st.boxPublic),
      coefficients: st.coefficients.map((a) => toHex(g.scalarToBytes(a))),
      commits,
    };
  }

  /** Resume a member from stateToDict() / DkgMember.to_state(); ctx must match its fingerprint. */
  static fromStateDict(ctx, d) {
    if (!d || typeof d !== 'object' || !Array.isArray(d.coefficients)) {
      throw new CryptoError('not a Tín Nhiệm key-ceremony state file');
    }
    if (d.fingerprint !== toHex(ctx.fingerprint)) {
      throw new CryptoError('this state file belongs to another round (fingerprint differs)');
    }
    let commits = null;
    if (d.commits) {
      commits = {};
      for (const [m, c] of Object.entries(d.commits)) commits[Number(m)] = commitFromDict(c);
    }
    return new DkgMember(ctx, {
      index: d.index,
      t: d.t,
      n: d.n,
      boxPublic: fromHex(d.box_public, 32, 'box_public'),
      boxSecret: fromHex(d.box_secret, 32, 'box_secret'),
      coefficients: d.coefficients.map((c) => g.scalarFromBytes(fromHex(c, 32, 'coefficient'))),
      commits,
    });
  }

  commit() {
    const { index, t, n, boxPublic } = this.state;
    return { member: index, boxPublic, digest: commitmentDigest(this.ctx, index, t, n, boxPublic, this.commitments) };
  }

  /** Round 2: needs every member's commit message (this member's included). */
  reveal(commits, { proofNonce = null } = {}) {
    const { index, t, n, coefficients } = this.state;
    checkCommits(n, commits);
    const mine = this.commit();
    if (!equalBytes(commits[index].digest, mine.digest) || !equalBytes(commits[index].boxPublic, mine.boxPublic)) {
      throw new DkgError('the commit message under my index is not mine', index);
    }
    this.state.commits = { ...commits };
    const proof = proveKnowledge(this.ctx, coefficients[0], { binding: proofBinding(index, t, n), nonce: proofNonce });
    const shares = {};
    for (let j = 1; j <= n; j += 1) {
      if (j !== index) {
        shares[j] = sodium().crypto_box_seal(sharePlaintext(index, j, evalPoly(coefficients, j)), commits[j].boxPublic);
      }
    }
    return { member: index, commitments: this.commitments, proof, shares };
  }

  /**
   * Round 3: check every reveal and my shares against the commits I saw when revealing;
   * returns {key, share: {index, secret}}.
   */
  finish(reveals) {
    const { index, t, n, coefficients, boxPublic, boxSecret, commits } = this.state;
    if (!commits) throw new CryptoError('finish() before reveal(): the commit messages are unknown');
    checkCommits(n, commits);
    let total = evalPoly(coefficients, index);
    for (let j = 1; j <= n; j += 1) {
      const reveal = reveals[j];
      if (!reveal) throw new DkgError('reveal message missing', j);
      checkReveal(this.ctx, t, n, commits[j], reveal);
      if (j === index) {
        if (!reveal.commitments.every((c, k) => equalBytes(c, this.commitments[k]))) {
          throw new DkgError('the reveal under my index is not mine', j);
        }
        continue;
      }
      let plain;
      try {
        plain = sodium().crypto_box_seal_open(reveal.shares[index], boxPublic, boxSecret);
      } catch {
        throw new DkgError('my share cannot be opened', j);
      }
      const head = concat(SHARE_MAGIC, uintBE(j, 4), uintBE(index, 4));
      if (plain.length !== head.length + 32 || !equalBytes(plain.slice(0, head.length), head)) {
        throw new DkgError('my share is malformed or misaddressed', j);
      }
      let value;
      try {
        value = g.scalarFromBytes(plain.slice(head.length));
      } catch {
        throw new DkgError('my share is not a canonical scalar', j);
      }
      if (!equalBytes(g.baseMul(value), evalCommitments(reveal.commitments, index))) {
        throw new DkgError("my share does not match the dealer's commitments", j);
      }
      total = g.mod(total + value);
    }
    const key = committeeKey(t, n, reveals);
    if (!equalBytes(g.baseMul(total), key.verificationKeys[index])) {
      throw new DkgError('my share does not match my verification key', index);
    }
    return { key, share: { index, secret: total } };
  }
}

/** 36 bytes: U32 index ‖ s_i (as MemberShare.to_bytes). */
export function memberShareToBytes(share) {
  return concat(uintBE(share.index, 4), g.scalarToBytes(share.secret));
}

export function memberShareFromBytes(bytes) {
  if (bytes.length !== 36) throw new CryptoError('a member share is exactly 36 bytes');
  const index = ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
  return { index, secret: g.scalarFromBytes(bytes.slice(4)) };
}
