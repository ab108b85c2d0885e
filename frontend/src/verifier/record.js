// The browser's verifier of an election record, written from docs/record-format.md,
// docs/record.schema.json, docs/crypto.md and docs/rules.md alone: the checks of §4 in
// their order, stopping at the first failure and naming its step and field. It shares no
// code with the Python verifier; the two are held together by docs/vectors/ and by the
// agreement tests (tests/integration/test_two_verifiers.py).
import { ready } from '../lib/sodium.js';
import * as g from '../lib/group.js';
import { verifyDleq, verifyKnowledge } from '../lib/proofs.js';
import { lagrangeAtZero } from '../lib/threshold.js';
import { Context } from '../lib/transcript.js';
import { Unreadable, decodeUtf8, isGzip, isInt, isObj, parseStrictJson } from './json.js';
import { Invalid, checkOrders, firstSchemaFailure } from './schema.js';
import { CountsError, RuleInvalid, evaluate, parseRule } from './rules.js';
import {
  add, challenge, equal, hex, isIdentity, mul, mulBase, pointOk, scalarOk, scalarOfInt, sha256,
  sub, taggedHash, toHex, u32, u64,
} from './crypto.js';
import { chunkContext } from './ballots.js';
import { PERSONNEL_KINDS, StepCountsError, parseProcedure, roundStepFailure, stepResult } from './personnel.js';

const isPersonnel = (m) => PERSONNEL_KINDS.includes(m.kind);

export { Invalid, Unreadable };

/** Exit classes (record-format.md §4.1). */
export const EXIT = { valid: 0, invalid: 1, unreadable: 2, notFinished: 3 };

const enc = new TextEncoder();

// ---------------------------------------------------------------------- canonical JSON

function byCodePoint(a, b) {
  if (a === b) return 0;
  const ca = Array.from(a, (c) => c.codePointAt(0));
  const cb = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(ca.length, cb.length); i += 1) {
    if (ca[i] !== cb[i]) return ca[i] - cb[i];
  }
  return ca.length - cb.length;
}

/** Canonical JSON text (record-format §1): sorted keys, no whitespace, integers only. */
export function canonicalText(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalText).join(',')}]`;
  const keys = Object.keys(v).sort(byCodePoint);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalText(v[k])}`).join(',')}}`;
}

export const canonical = (v) => enc.encode(canonicalText(v));

function jsonEqual(a, b) {
  if (isInt(a) && isInt(b)) return BigInt(a) === BigInt(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

const fail = (check, where, message) => { throw new Invalid(check, where, message); };

// --------------------------------------------------------------------------- reading

/** Bytes of a record file (gzip or not) → the decoded JSON value, or Unreadable. */
export async function decodeRecordBytes(bytes, gunzip) {
  let data = bytes;
  if (isGzip(data)) {
    try {
      data = await gunzip(data);
    } catch (err) {
      throw new Unreadable(`broken gzip data: ${err.message}`);
    }
  }
  return parseStrictJson(decodeUtf8(data));
}

const JSON_SPACE = /^[ \t\r]*$/;

/**
 * The streaming form (record-format §1.1): the header line, then one ballot per line.
 * Checked in the order a streaming reader meets it: the header (read, format, version,
 * `$defs/header`, the orders, the manifest's rules), then each ballot line in order (read,
 * `$defs/ballot`, named `ballots[i]…`), then `ballot_count`. Lines of nothing but white
 * space are skipped. Resolves to the record in its one-document form.
 */
export async function readStreamBytes(bytes, gunzip, schema) {
  let data = bytes;
  if (isGzip(data)) {
    try {
      data = await gunzip(data);
    } catch (err) {
      throw new Unreadable(`broken gzip data: ${err.message}`);
    }
  }
  const lines = [];
  let start = 0;
  for (let i = 0; i <= data.length; i += 1) {
    if (i === data.length || data[i] === 0x0a) {
      if (i > start) lines.push(data.subarray(start, i));
      start = i + 1;
    }
  }
  const texts = (function* texts() {
    for (const line of lines) {
      const text = decodeUtf8(line);
      if (!JSON_SPACE.test(text)) yield text;
    }
  }());
  const first = texts.next();
  if (first.done) throw new Unreadable('an empty file');
  const header = parseStrictJson(first.value);
  if (!isObj(header)) throw new Unreadable('a record is a JSON object');
  if (header.format !== 'tinnhiem-record-stream') throw new Unreadable('not a Tín Nhiệm record stream (format)', 'format');
  if (header.version !== 2) throw new Unreadable('unsupported record version (this verifier reads version 2)', 'version');
  const bad = firstSchemaFailure(schema, header, { sub: schema.$defs.header });
  if (bad) fail('schema', bad.where, `does not follow the record schema (${bad.kind})`);
  checkOrders(header);
  const where = manifestFailure(header.manifest);
  if (where) fail('manifest', where, 'the manifest breaks its own rules (§3.1)');
  const ballots = [];
  for (const text of texts) {
    const ballot = parseStrictJson(text);
    const i = ballots.length;
    const badLine = firstSchemaFailure(schema, ballot, { sub: schema.$defs.ballot, prefix: ['ballots', i] });
    if (badLine) fail('schema', badLine.where, `does not follow the record schema (${badLine.kind})`);
    ballots.push(ballot);
  }
  if (BigInt(header.ballot_count) !== BigInt(ballots.length)) fail('schema', 'ballot_count', `${ballots.length} ballot lines follow the header`);
  const record = { ...header, format: 'tinnhiem-record', ballots };
  delete record.ballot_count;
  return record;
}

/** Is this file name the streaming form's (§1.1)? */
export const isStreamName = (name) => /\.jsonl(\.gz)?$/.test(name || '');

/** §4 step 0: format, version, the schema, the orders, the manifest's own rules. */
export function readRecord(data, schema) {
  if (!isObj(data)) throw new Unreadable('a record is a JSON object');
  if (data.format !== 'tinnhiem-record') throw new Unreadable('not a Tín Nhiệm election record (format)', 'format');
  if (data.version !== 2) throw new Unreadable('unsupported record version (this verifier reads version 2)', 'version');
  const first = firstSchemaFailure(schema, data);
  if (first) fail('schema', first.where, `does not follow the record schema (${first.kind})`);
  checkOrders(data);
  const where = manifestFailure(data.manifest);
  if (where) fail('manifest', where, 'the manifest breaks its own rules (§3.1)');
  return data;
}

/** The manifest's rules (record-format §3.1) beyond the schema, as the field that breaks. */
export function manifestFailure(m) {
  const ids = [];
  for (let i = 0; i < m.officials.length; i += 1) {
    const o = m.officials[i];
    if (ids.includes(o.id)) return `manifest.officials[${i}]`;
    if (!jsonEqual(o.order, i + 1)) return `manifest.officials[${i}]`;
    ids.push(o.id);
  }
  for (let i = 0; i < m.exempt.length; i += 1) {
    if (ids.includes(m.exempt[i].id)) return `manifest.exempt[${i}]`;
  }
  const members = m.committee.members;
  if (!members.every((x, i) => jsonEqual(x.index, i + 1))) return 'manifest.committee';
  const t = BigInt(m.committee.threshold);
  if (t < 1n || t > BigInt(members.length)) return 'manifest.threshold';
  const b = BigInt(m.weight_base);
  if (m.encoding !== 'per_level' && b > 2001n) return 'manifest.weight_base';
  if (b <= BigInt(m.summoned)) return 'manifest.weight_base';
  return personnelManifestFailure(m);
}

/** A personnel round's own manifest rules (record-format §3.13), after those of §3.1. */
function personnelManifestFailure(m) {
  const personnel = isPersonnel(m);
  const p = m.personnel;
  if (personnel !== (p !== undefined)) return 'manifest.personnel';
  if (!personnel) return null;
  if (m.encoding !== 'per_level') return 'manifest.encoding';
  if (m.exempt.length) return 'manifest.exempt';
  if (p.blank_column !== undefined && m.kind !== 'choose_at_most') return 'manifest.personnel.blank_column';
  if (BigInt(p.k) > BigInt(m.officials.length)) return 'manifest.personnel.k';
  if (p.write_ins !== undefined && (p.previous === null || BigInt(p.write_ins) >= BigInt(m.officials.length))) return 'manifest.personnel.write_ins';
  if ((p.list_source === 'previous') !== (p.previous !== null)) return 'manifest.personnel.previous';
  return null;
}

// ----------------------------------------------------------------------- the steps

function ruleStep(r) {
  const m = r.manifest;
  if (r.rule.id !== m.rule.id) fail('rule', 'rule.id', 'the record carries another rule than the manifest names');
  const digest = `sha256:${toHex(sha256(enc.encode(r.rule.text)))}`;
  if (digest !== r.rule.digest) fail('rule', 'rule.digest', 'is not the SHA-256 of rule.text');
  if (digest !== m.rule.version) fail('rule', 'manifest.rule.version', 'is not the digest of the rule carried');
  let rule;
  try {
    rule = isPersonnel(m) ? parseProcedure(r.rule.text) : parseRule(r.rule.text);
  } catch (err) {
    if (err instanceof RuleInvalid) fail('rule', 'rule.text', `not a valid rule: ${err.message}`);
    throw err;
  }
  if (rule.id !== m.rule.id) fail('rule', 'rule.text', `the rule text is rule ${rule.id}`);
  if (isPersonnel(m)) {
    const where = roundStepFailure(m, rule);
    if (where) fail('rule', where, `the round is not step ${m.personnel.step} of procedure ${rule.id} as §3.13 says`);
    return rule;
  }
  if (rule.kind !== m.kind) fail('rule', 'manifest.kind', `the rule governs a ${rule.kind}`);
  return rule;
}

function rosterHash(m) {
  return taggedHash('tinnhiem/roster/v1', canonical({ officials: m.officials, exempt: m.exempt }));
}

function payloadHash(kind, payload) {
  return taggedHash('tinnhiem/payload/v1', enc.encode(kind), canonical(payload));
}

function boardStep(r) {
  let previous = new Uint8Array(32);
  r.board.entries.forEach((e, i) => {
    const where = `board.entries[${i}]`;
    if (!jsonEqual(e.index, i)) fail('board', where, 'index out of order');
    if (e.previous !== toHex(previous)) fail('board', where, 'previous hash does not match the entry before');
    const h = taggedHash('tinnhiem/board/v1', u64(i), hex(e.previous), enc.encode(e.kind), hex(e.payload));
    if (toHex(h) !== e.hash) fail('board', where, 'entry hash does not match its contents');
    previous = h;
  });
  if (toHex(previous) !== r.board.head) fail('board', 'board.head', 'is not the hash of the last entry');
  const before = [];
  for (const rs of r.restarts) before.push(['manifest', rs.manifest, 'manifest'], ['restart', rs.restart, 'restart']);
  before.push(
    ['manifest', { manifest: r.manifest, rule: r.rule, roster: r.roster }, 'manifest'],
    ['committee', r.committee, 'committee'],
    ['open', { fingerprint: r.fingerprint, credentials: r.credentials }, 'credentials'],
  );
  const after = [
    ['close', r.close, 'close'],
    ['aggregates', r.aggregates, 'aggregates'],
    ['decryption', r.decryption, 'decryption'],
    ['results', r.results, 'results'],
  ];
  const expected = before.length + r.ballots.length + after.length;
  if (r.board.entries.length !== expected) fail('board', 'board.entries', `expected ${expected} entries`);
  const posts = [
    ...before.map(([k, p, s]) => [k, () => toHex(payloadHash(k, p)), s]),
    ...r.ballots.map((b, i) => ['ballot', () => b.hash, `ballots[${i}]`]),
    ...after.map(([k, p, s]) => [k, () => toHex(payloadHash(k, p)), s]),
  ];
  posts.forEach(([kind, digest, section], idx) => {
    const e = r.board.entries[idx];
    if (e.kind !== kind) fail('board', `board.entries[${idx}].kind`, `expected ${kind}`);
    if (e.payload !== digest()) fail('board', section, `does not match what board entry ${idx} recorded`);
  });
  r.ballots.forEach((b, i) => {
    if (!jsonEqual(b.board_index, before.length + i)) fail('board', `ballots[${i}].board_index`, `the ballot is board entry ${before.length + i}`);
  });
}

function restartsStep(r) {
  const checked = [];
  r.restarts.forEach((rs, i) => {
    const where = `restarts[${i}]`;
    if (!jsonEqual(rs.restart.attempt, i + 1)) fail('restarts', `${where}.restart.attempt`, `must be ${i + 1}`);
    const previous = rs.manifest.manifest;
    const bad = manifestFailure(previous);
    if (bad) fail('restarts', bad, 'the abandoned manifest breaks its own rules');
    if (!jsonEqual(rs.manifest.rule, r.rule)) fail('restarts', `${where}.manifest.rule`, "is not the record's rule");
    if (rs.manifest.roster !== toHex(rosterHash(previous))) fail('restarts', `${where}.manifest.roster`, 'is not its roster hash');
    const named = [...new Set(rs.restart.complaints.map((c) => BigInt(c.accused)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const accused = rs.restart.accused.map((a) => BigInt(a));
    if (accused.length !== named.length || accused.some((a, k) => a !== named[k])) {
      fail('restarts', `${where}.restart.accused`, 'is not the members the complaints name');
    }
    checked.push([previous, accused, i]);
  });
  checked.forEach(([previous, accused, i], j) => {
    const following = j + 1 < checked.length ? checked[j + 1][0] : r.manifest;
    if (!restartMayFollow(following, previous, accused)) fail('restarts', `restarts[${i}]`, 'the next ceremony may change only the committee, without the accused');
  });
}

function restartMayFollow(next, prev, accused) {
  const keys = new Set([...Object.keys(next), ...Object.keys(prev)]);
  for (const k of keys) {
    if (k !== 'committee' && !jsonEqual(next[k], prev[k])) return false;
  }
  if (!jsonEqual(next.committee.threshold, prev.committee.threshold)) return false;
  const known = prev.committee.members.map((x) => BigInt(x.index));
  if (!accused.length || accused.some((a) => !known.includes(a))) return false;
  const leaving = new Set(prev.committee.members.filter((x) => accused.includes(BigInt(x.index))).map((x) => x.name));
  const staying = prev.committee.members.filter((x) => !accused.includes(BigInt(x.index))).map((x) => x.name);
  const names = next.committee.members.map((x) => x.name);
  if (names.some((nm) => leaving.has(nm))) return false;
  const stayingSet = new Set(staying);
  const kept = names.filter((nm) => stayingSet.has(nm));
  return kept.length === staying.length && kept.every((nm, k) => nm === staying[k]);
}

function committeeStep(r) {
  const m = r.manifest;
  const t = Number(m.committee.threshold);
  const n = m.committee.members.length;
  const ctxBytes = taggedHash('tinnhiem/ceremony/v1', canonical(m));
  const ctx = new Context(ctxBytes);
  // every message decodes first (crypto §1, §4, §7)
  const reveals = r.committee.reveals.map((rv) => {
    const commitments = rv.commitments.map(hex);
    if (!commitments.every((c) => pointOk(c))) fail('committee', 'committee', 'a Feldman commitment does not decode');
    const proof = hex(rv.proof);
    if (!pointOk(proof.subarray(0, 32)) || !scalarOk(proof.subarray(32))) fail('committee', 'committee', 'a proof does not decode');
    return { commitments, proof };
  });
  const member = (j, why) => fail('committee', `committee (member ${j})`, `key ceremony does not verify: ${why}`);
  for (let j = 1; j <= n; j += 1) {
    const commit = r.committee.commits[j - 1];
    const rv = reveals[j - 1];
    const items = [u64(j), u64(t), u64(n), hex(commit.box_public), ...rv.commitments];
    const digest = ctx.digest('dkg-commit', ...items);
    if (toHex(digest) !== commit.digest) member(j, 'revealed commitments do not match the commit hash');
    try {
      verifyKnowledge(ctx, rv.commitments[0], {
        commitment: rv.proof.slice(0, 32), response: g.scalarFromBytes(rv.proof.slice(32)),
      }, { binding: new Uint8Array([...enc.encode('dkg-constant'), ...u32(j), ...u32(t), ...u32(n)]) });
    } catch {
      member(j, 'bad proof of knowledge of the constant term');
    }
  }
  const aggregate = reveals[0].commitments.map((c) => c);
  for (let j = 1; j < n; j += 1) {
    reveals[j].commitments.forEach((c, k) => { aggregate[k] = add(aggregate[k], c); });
  }
  if (isIdentity(aggregate[0])) member(n, 'the joint public key is the identity');
  const keys = {};
  for (let x = 1; x <= n; x += 1) {
    let acc = new Uint8Array(32);
    let power = 1n;
    for (let k = 0; k < aggregate.length; k += 1) {
      acc = add(acc, g.mul(power, aggregate[k]));
      power = g.mod(power * BigInt(x));
    }
    if (isIdentity(acc)) member(x, `verification key ${x} is the identity`);
    keys[String(x)] = acc;
  }
  const recorded = r.committee.key;
  const same = jsonEqual(recorded.t, t) && jsonEqual(recorded.n, n)
    && recorded.public_key === toHex(aggregate[0])
    && Object.keys(recorded.verification_keys).length === n
    && Object.keys(keys).every((k) => recorded.verification_keys[k] === toHex(keys[k]));
  if (!same) fail('committee', 'committee.key', 'does not match the key derived from the ceremony');
  return { publicKey: aggregate[0], verificationKeys: keys, t, n };
}

function credentialsStep(r) {
  const m = r.manifest;
  const sorted = [...r.credentials].sort();
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i - 1] === sorted[i]) fail('credentials', `credentials[${i}]`, 'the same credential is listed twice');
  }
  if (BigInt(sorted.length) > BigInt(m.summoned)) fail('credentials', 'credentials', 'more credentials than voters summoned');
  if (sorted.some((c, i) => c !== r.credentials[i])) fail('credentials', 'credentials', 'are not in sorted order');
  if (BigInt(sorted.length) >= BigInt(m.weight_base)) fail('credentials', 'credentials', 'more voters than the weight base allows');
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The tracker (§2): the ballot hash in base32, 13 groups of 4. */
export function tracker(hashHex) {
  const bytes = hex(hashHex);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out.match(/.{1,4}/g).join('-');
}

function columnsOf(m) {
  if (m.kind === 'choose_at_most') return m.officials.length + (m.personnel.blank_column === true ? 1 : 0);
  if (m.kind === 'agree_disagree') return 2 * m.officials.length;
  return m.officials.length * (m.encoding === 'per_level' ? (m.kind === 'poll' ? 3 : 2) : 1);
}

async function ballotsStep(r, key, runChunks, progress) {
  const m = r.manifest;
  const last = new Map();
  r.ballots.forEach((b, i) => last.set(b.credential, i));
  const counted = new Set(last.values());
  const ctx = chunkContext(m, r.fingerprint, toHex(key.publicKey));
  const items = r.ballots.map((ballot, index) => ({ index, ballot, counted: counted.has(index) }));
  const results = await runChunks(ctx, items, progress);
  const verdicts = new Array(r.ballots.length);
  let sums = null;
  let allSums = true;
  for (const res of results) {
    for (const v of res.verdicts) verdicts[v.index] = v;
    if (res.sums === null) allSums = false;
    else if (sums === null) sums = res.sums.map(([a, b]) => [hex(a), hex(b)]);
    else sums = sums.map(([a, b], c) => [add(a, hex(res.sums[c][0])), add(b, hex(res.sums[c][1]))]);
  }
  // in order: hash, tracker, the arrival policy, then the stateless checks
  const eligible = new Set(r.credentials);
  const seenHashes = new Set();
  const seenAlphas = new Set();
  const voted = new Set();
  r.ballots.forEach((b, i) => {
    const where = `ballots[${i}]`;
    const v = verdicts[i];
    if (v.hash !== b.hash) fail('ballot', `${where}.hash`, "does not match the ballot's contents");
    if (tracker(v.hash) !== b.tracker) fail('ballot', `${where}.tracker`, 'does not match the ballot hash');
    if (!eligible.has(b.credential)) fail('ballot', `${where}.credential`, 'was not issued for this poll');
    if (seenHashes.has(v.hash)) fail('ballot', where, 'is a copy of an earlier ballot');
    const alphas = b.rows.map((row) => row.ct.slice(0, 64));
    alphas.forEach((a, k) => {
      if (seenAlphas.has(a) || alphas.indexOf(a) !== k) fail('ballot', `${where}.rows[${k}].ct`, 'reuses the randomness (α) of another ciphertext');
    });
    if (m.revote === 'reject' && voted.has(b.credential)) fail('ballot', `${where}.credential`, 'voted twice, and the round refuses re-votes');
    if (v.fail !== null) fail('ballot', `${where}${v.fail}`, 'a signature or proof does not verify');
    seenHashes.add(v.hash);
    for (const a of alphas) seenAlphas.add(a);
    voted.add(b.credential);
  });
  if (!allSums || sums === null) {
    sums = [];
    for (let c = 0; c < columnsOf(m); c += 1) sums.push([new Uint8Array(32), new Uint8Array(32)]);
  }
  return { counted: counted.size, sums };
}

function aggregatesStep(r, counted, sums) {
  const m = r.manifest;
  const columns = columnsOf(m);
  if (r.aggregates.length !== columns) fail('aggregates', 'aggregates', `${columns} aggregates expected`);
  const cts = r.aggregates.map((a, j) => {
    const bytes = hex(a);
    const alpha = bytes.subarray(0, 32);
    const beta = bytes.subarray(32);
    if (!pointOk(alpha, true) || !pointOk(beta, true)) fail('aggregates', `aggregates[${j}]`, 'is not a ciphertext');
    return { alpha, beta };
  });
  cts.forEach((ct, j) => {
    const where = `aggregates[${j}]`;
    if (isIdentity(ct.alpha) && !isIdentity(ct.beta)) fail('aggregates', where, 'α is the identity but β is not');
    if (counted === 0 && !(isIdentity(ct.alpha) && isIdentity(ct.beta))) fail('aggregates', where, 'no ballot was counted: the aggregate must be the empty sum');
    if (counted > 0 && isIdentity(ct.alpha)) fail('aggregates', where, 'the empty sum, though ballots were counted');
  });
  cts.forEach((ct, j) => {
    if (!equal(ct.alpha, sums[j][0]) || !equal(ct.beta, sums[j][1])) {
      fail('aggregates', `aggregates[${j}]`, "is not the sum of the counted ballots' rows");
    }
  });
  return cts;
}

function decryptionStep(r, key, cts, returned) {
  const m = r.manifest;
  const d = r.decryption;
  const shares = d.shares.map((s, i) => {
    const factors = s.factors.map(hex);
    const proofs = s.proofs.map(hex);
    if (!factors.every((f) => pointOk(f))) fail('decryption', `decryption.shares[${i}]`, 'a factor does not decode');
    for (const p of proofs) {
      if (!pointOk(p.subarray(0, 32)) || !pointOk(p.subarray(32, 64)) || !scalarOk(p.subarray(64))) {
        fail('decryption', `decryption.shares[${i}]`, 'a proof does not decode');
      }
    }
    return { member: Number(s.member), factors, proofs };
  });
  if (returned === 0) {
    if (shares.length) fail('decryption', 'decryption.shares', 'no ballot was counted, yet decryption shares are recorded');
    if (d.sums.length !== columnsOf(m)) fail('decryption', 'decryption.sums', 'one sum per column is needed');
    d.sums.forEach((s, j) => { if (!jsonEqual(s, 0)) fail('decryption', `decryption.sums[${j}]`, 'the empty sum decrypts to 0'); });
    return d.sums.map(() => 0n);
  }
  if (shares.length < key.t) fail('decryption', 'decryption.shares', `at least t = ${key.t} members must decrypt`);
  const fp = hex(r.fingerprint);
  const ctx = new Context(fp);
  shares.forEach((s, pos) => {
    const where = `decryption.shares[${pos}]`;
    const vkey = key.verificationKeys[String(s.member)];
    if (vkey === undefined) fail('decryption', where, 'not a member of this committee');
    if (s.factors.length !== cts.length || s.proofs.length !== cts.length) fail('decryption', where, 'one factor and proof per aggregate');
    cts.forEach((ct, p) => {
      const proof = s.proofs[p];
      try {
        verifyDleq(ctx, ct.alpha, vkey, s.factors[p], {
          a: proof.slice(0, 32), b: proof.slice(32, 64), response: g.scalarFromBytes(proof.slice(64)),
        }, { binding: new Uint8Array([...enc.encode('decrypt'), ...u32(s.member), ...u64(p)]) });
      } catch {
        fail('decryption', where, `member ${s.member}'s factor ${p} is not proven`);
      }
    });
  });
  const chosen = shares.map((s) => s.member).sort((a, b) => a - b).slice(0, key.t);
  const lam = lagrangeAtZero(chosen);
  const byMember = new Map(shares.map((s) => [s.member, s]));
  const points = cts.map((ct, p) => {
    let acc = new Uint8Array(32);
    for (const mbr of chosen) acc = add(acc, g.mul(lam[mbr], byMember.get(mbr).factors[p]));
    return sub(ct.beta, acc);
  });
  if (d.sums.length !== points.length) fail('decryption', 'decryption.sums', 'one sum per column is needed');
  const b = BigInt(m.weight_base);
  let max;
  if (m.encoding === 'per_level') max = 1n;
  else max = m.kind === 'poll' ? b * b : b;
  const bound = max * BigInt(returned);
  return d.sums.map((s, j) => {
    const v = BigInt(s);
    if (v < 0n || v > bound) fail('decryption', `decryption.sums[${j}]`, 'is out of range');
    if (!equal(mulBase(scalarOfInt(v)), points[j])) fail('decryption', `decryption.sums[${j}]`, 'is not what the shares decrypt to');
    return v;
  });
}

/** Each official's counts from the column sums (record-format §3.1), or CountsError. */
export function unpackSums(m, sums, ballots) {
  const n = BigInt(ballots);
  const out = [];
  if (m.encoding === 'per_level') {
    const k = m.kind === 'poll' ? 3 : 2;
    for (let j = 0; j < m.officials.length; j += 1) {
      const levels = sums.slice(j * k, (j + 1) * k);
      const total = levels.reduce((a, x) => a + x, 0n);
      if (total > n) throw new CountsError('more marks than ballots');
      if (k === 3) out.push({ low: levels[0], confident: levels[1], high: levels[2], blank: n - total });
      else out.push({ low: levels[0], confident: 0n, high: levels[1], blank: n - total });
    }
    return out;
  }
  const b = BigInt(m.weight_base);
  for (const s of sums) {
    const low = s % b;
    const rest = s / b;
    const confident = m.kind === 'poll' ? rest % b : 0n;
    const high = m.kind === 'poll' ? rest / b : rest;
    const marked = high + confident + low;
    if (marked > n) throw new CountsError('more marks than ballots');
    out.push({ high, confident, low, blank: n - marked });
  }
  return out;
}

/** The results (§3.9) the rule gives for these sums, as the record writes them. */
export function expectedResults(r, rule, sums, returned) {
  const m = r.manifest;
  const issued = BigInt(r.credentials.length);
  const members = m.members === null ? BigInt(m.summoned) : BigInt(m.members);
  const ret = BigInt(returned);
  return unpackSums(m, sums, returned).map((p, j) => {
    const counts = m.kind === 'poll'
      ? { high: p.high, confident: p.confident, low: p.low }
      : { confidence: p.high, no_confidence: p.low };
    const o = evaluate(rule, {
      counts, blank: p.blank, issued, returned: ret, members, summoned: BigInt(m.summoned),
    });
    return {
      official: m.officials[j].id,
      issued,
      returned: ret,
      valid: ret - p.blank,
      blank: p.blank,
      counts,
      base: o.base,
      percentages: o.percentages,
      quorum: o.quorum,
      band: o.band,
      consequences: o.consequences,
      formal_vote: o.formal_vote,
    };
  });
}

function personnelResults(r, rule, sums, returned) {
  let want;
  try {
    want = stepResult(r.manifest, rule, sums, { present: r.credentials.length, returned });
  } catch (err) {
    if (err instanceof StepCountsError) fail('results', 'decryption.sums', `the sums do not fit: ${err.message}`);
    throw err;
  }
  const got = r.results;
  const names = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort(byCodePoint);
  for (const name of names) {
    const gv = got[name];
    const wv = want[name];
    if (jsonEqual(gv, wv)) continue;
    if (Array.isArray(gv) && Array.isArray(wv) && gv.length === wv.length) {
      for (let i = 0; i < gv.length; i += 1) {
        if (!jsonEqual(gv[i], wv[i])) fail('results', `results.${name}[${i}]`, 'differs from the recomputed step result');
      }
    }
    fail('results', `results.${name}`, `differs from the recomputed step result (recorded ${canonicalText(gv ?? null)}, recomputed ${canonicalText(wv ?? null)})`);
  }
  return want;
}

function resultsStep(r, rule, sums, returned) {
  if (isPersonnel(r.manifest)) return personnelResults(r, rule, sums, returned);
  let expected;
  try {
    expected = expectedResults(r, rule, sums, returned);
  } catch (err) {
    if (err instanceof CountsError) fail('results', 'decryption.sums', `the sums do not unpack: ${err.message}`);
    throw err;
  }
  if (r.results.length !== expected.length) fail('results', 'results', `${expected.length} rows expected`);
  expected.forEach((want, j) => {
    const got = r.results[j];
    const names = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort(byCodePoint);
    for (const name of names) {
      const gv = got[name];
      const wv = want[name];
      if (jsonEqual(gv, wv)) continue;
      if (isObj(gv) && isObj(wv)) {
        const subs = [...new Set([...Object.keys(gv), ...Object.keys(wv)])].sort(byCodePoint);
        for (const s of subs) {
          if (!jsonEqual(gv[s], wv[s])) fail('results', `results[${j}].${name}.${s}`, `recorded ${gv[s]}, recomputed ${wv[s]}`);
        }
      }
      fail('results', `results[${j}].${name}`, 'differs from the recomputed result');
    }
  });
  return expected;
}

function signaturesStep(r, key) {
  const present = r.decryption.present;
  const signed = r.signatures.map((s) => s.member);
  if (!jsonEqual(signed, present)) fail('signatures', 'signatures', 'a member of present did not sign the board head');
  const ctx = new Context(hex(r.fingerprint));
  const head = hex(r.board.head);
  r.signatures.forEach((s, i) => {
    const where = `signatures[${i}].signature`;
    const vkey = key.verificationKeys[String(s.member)];
    const sig = hex(s.signature);
    if (vkey === undefined || !pointOk(sig.subarray(0, 32)) || !scalarOk(sig.subarray(32))) {
      fail('signatures', where, "is not a member's signature of the board head");
    }
    try {
      verifyKnowledge(ctx, vkey, { commitment: sig.slice(0, 32), response: g.scalarFromBytes(sig.slice(32)) },
        { binding: taggedHash('tinnhiem/head/v1', u32(Number(s.member)), head) });
    } catch {
      fail('signatures', where, "is not the member's signature of the board head");
    }
  });
}

/**
 * Verify a decoded record (after readRecord). `runChunks(ctx, items, progress)` checks
 * the ballots (inline or in workers) and resolves to the chunks' results. `progress(step,
 * done, total)` is told of each step. Resolves to a report; throws Invalid.
 */
export async function verifyRecord(r, { runChunks, progress = () => {} }) {
  await ready();
  progress('rule', 0, 0);
  const rule = ruleStep(r);
  progress('roster', 0, 0);
  if (r.roster !== toHex(rosterHash(r.manifest))) fail('roster', 'roster', "is not the hash of the manifest's officials");
  progress('board', 0, 0);
  boardStep(r);
  progress('restarts', 0, 0);
  restartsStep(r);
  progress('committee', 0, 0);
  const key = committeeStep(r);
  progress('fingerprint', 0, 0);
  const fp = taggedHash('tinnhiem/fingerprint/v1', canonical(r.manifest), key.publicKey);
  if (toHex(fp) !== r.fingerprint) fail('fingerprint', 'fingerprint', 'is not H(manifest, committee public key)');
  progress('credentials', 0, 0);
  credentialsStep(r);
  progress('ballots', 0, r.ballots.length);
  const { counted, sums } = await ballotsStep(r, key, runChunks, progress);
  progress('close', 0, 0);
  if (!jsonEqual(r.close, { accepted: r.ballots.length, counted })) fail('close', 'close', 'does not count the ballots');
  progress('aggregates', 0, 0);
  const cts = aggregatesStep(r, counted, sums);
  progress('decryption', 0, 0);
  const decrypted = decryptionStep(r, key, cts, counted);
  progress('results', 0, 0);
  const results = resultsStep(r, rule, decrypted, counted);
  progress('signatures', 0, 0);
  signaturesStep(r, key);
  return { ballots: r.ballots.length, counted, officials: r.manifest.officials.length, results, rule };
}

/**
 * The whole verification of a file's bytes: {exit, check, where, message, report}.
 * `gunzip(bytes)` decompresses; `schema` is docs/record.schema.json.
 */
export async function verifyBytes(bytes, { schema, gunzip, runChunks, progress, name = '' }) {
  try {
    await ready();
    let r;
    if (isStreamName(name)) {
      r = await readStreamBytes(bytes, gunzip, schema);
    } else {
      r = readRecord(await decodeRecordBytes(bytes, gunzip), schema);
    }
    const report = await verifyRecord(r, { runChunks, progress });
    return { exit: EXIT.valid, check: null, where: null, message: 'valid', report, record: r };
  } catch (err) {
    if (err instanceof Unreadable) return { exit: EXIT.unreadable, check: 'read', where: err.where, message: err.message };
    if (err instanceof Invalid) return { exit: EXIT.invalid, check: err.check, where: err.where, message: err.message };
    return { exit: EXIT.notFinished, check: 'internal', where: null, message: `${err.name}: ${err.message}` };
  }
}

/** The tracker as typed (any case, with or without hyphens or spaces) → the canonical
 * form (§2), or null when it cannot be one. */
export function normalTracker(code) {
  const plain = String(code).toUpperCase().replace(/[\s-]/g, '');
  if (!/^[A-Z2-7]{52}$/.test(plain)) return null;
  return plain.match(/.{4}/g).join('-');
}

/**
 * `--tracker` (record-format §4): is this tracker on a verified record's board, and is that
 * ballot counted (the credential's last) or replaced by a later one?
 */
export function lookupTracker(record, code) {
  const t = normalTracker(code);
  if (t === null) return { found: false, tracker: null };
  const index = record.ballots.findIndex((b) => b.tracker === t);
  if (index < 0) return { found: false, tracker: t };
  const b = record.ballots[index];
  let last = index;
  record.ballots.forEach((x, i) => { if (x.credential === b.credential) last = i; });
  return {
    found: true, tracker: t, index, boardIndex: Number(b.board_index), counted: last === index, replacedBy: last === index ? null : last,
  };
}

export { challenge };
