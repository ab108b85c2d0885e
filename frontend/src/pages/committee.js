// The committee's page: the key ceremony, the partial decryption and the signature of the
// final board head, in the member's browser. Secrets (the polynomial, the box key, the key
// share) live only in this page and in files protected by the member's passphrase (the
// same format as the CLI's files).
import { ready } from '../lib/sodium.js';
import { equalBytes, fromHex, fromUtf8, toHex } from '../lib/bytes.js';
import { canonicalJson, taggedHash } from '../lib/canonical.js';
import { Context } from '../lib/transcript.js';
import { ctFromBytes } from '../lib/elgamal.js';
import {
  DkgError, DkgMember, commitFromDict, commitToDict, memberShareFromBytes, memberShareToBytes,
  revealFromDict, revealToDict,
} from '../lib/dkg.js';
import { partialDecrypt } from '../lib/threshold.js';
import { formatHead, signHead, verificationKeyOf, verifyHeadSignature } from '../lib/head.js';
import { protectSecret, unprotectSecret } from '../lib/protect.js';
import { $, $all, download, fetchJson, fill, fmt, h, pageData, readFileInput, say } from './common.js';

const POLL_MS = 3000;
const MIN_PASSPHRASE = 10;

const st = {
  data: null,
  server: null,
  ctx: null,
  member: null, // DkgMember once created or resumed
  passphrase: null, // kept in memory only, to re-protect the state after the reveal
  share: null, // the key share once opened for the decryption, to sign the head without reopening
  busy: false,
};

function t(key, values) {
  return fmt(st.data.messages[key] || key, values);
}

function status(text, kind = 'info') {
  say($('#committee-status'), text, kind);
}

function byIndex(obj, decode) {
  const out = {};
  for (const [k, v] of Object.entries(obj || {})) out[Number(k)] = decode(v);
  return out;
}

function count(obj) {
  return Object.keys(obj || {}).length;
}

function slug() {
  return String(st.server.round_id).replace(/[^A-Za-z0-9_-]+/g, '-');
}

// ----------------------------------------------------------------------------- display

function render() {
  const s = st.server;
  const me = st.data.index;
  for (const row of $all('#status-table tr[data-member]')) {
    const m = Number(row.dataset.member);
    for (const cell of row.querySelectorAll('td[data-step]')) {
      const step = cell.dataset.step;
      if (step === 'signatures' && !(s.tallied && s.present.includes(m))) {
        cell.textContent = s.tallied ? t('not_needed') : '—'; // only those who decrypted sign
        cell.className = '';
        continue;
      }
      const done = Array.isArray(s[step]) ? s[step].includes(m) : String(m) in s[step];
      cell.textContent = done ? `✓ ${t('yes')}` : t('no');
      cell.className = done ? 'ok' : '';
    }
  }
  const missing = s.present.filter((m) => !s.signatures.includes(m));
  const line = $('#signatures-line');
  line.hidden = !s.tallied;
  if (s.tallied) {
    line.textContent = missing.length === 0 ? t('record_complete') : t('record_missing', { members: missing.join(', ') });
    line.dataset.kind = missing.length === 0 ? 'ok' : 'warn';
  }
  const complaints = $('#complaints');
  fill(complaints, ...s.complaints.map((c) => h('li', { text: `${c.member}: ${t('complaint', { accused: c.accused, reason: c.reason })}` })));
  complaints.hidden = s.complaints.length === 0;
  if (s.public_key) {
    $('#key-line').hidden = false;
    $('#public-key').textContent = s.public_key;
  }
  $('#results-line').hidden = !s.tallied;
  if (me === null) return;

  const ceremony = s.status === 'ceremony' && !s.public_key;
  $('#ceremony-panel').hidden = !ceremony;
  if (ceremony) {
    const committed = String(me) in s.commits;
    const revealed = String(me) in s.reveals;
    const confirmed = String(me) in s.confirms;
    $('#dkg-create').hidden = committed || st.member !== null;
    $('#dkg-resume').hidden = !committed || st.member !== null || confirmed;
    const reveal = $('#dkg-reveal');
    reveal.hidden = !committed || revealed;
    reveal.disabled = st.busy || st.member === null || count(s.commits) < s.n;
    const finish = $('#dkg-finish');
    finish.hidden = !revealed || confirmed;
    finish.disabled = st.busy || st.member === null || count(s.reveals) < s.n;
  }
  const decrypting = s.status === 'closed' && !s.tallied && !s.shares.includes(me) && Boolean(s.public_key);
  $('#decrypt-panel').hidden = !decrypting;
  $('#decrypt-button').disabled = st.busy;
  const signing = s.tallied && s.present.includes(me) && !s.signatures.includes(me) && Boolean(s.head);
  $('#sign-panel').hidden = !signing;
  if (signing) {
    $('#sign-head').textContent = formatHead(s.head);
    $('#sign-share-fields').hidden = st.share !== null; // just decrypted here: already open
  }
  $('#sign-button').disabled = st.busy;
}

async function refresh() {
  try {
    st.server = await fetchJson(st.data.state_url);
    render();
  } catch {
    /* a missed poll is retried */
  }
}

async function busy(fn) {
  st.busy = true;
  render();
  status(t('working'));
  await new Promise((r) => setTimeout(r, 20));
  try {
    await fn();
  } catch (err) {
    status(t('failed', { error: err.message }), 'error');
  } finally {
    st.busy = false;
    await refresh();
  }
}

async function post(kind, payload) {
  const answer = await fetchJson(st.data.state_url, { method: 'POST', body: { kind, payload } });
  st.server = answer.state;
}

function saveState() {
  const blob = protectSecret(canonicalJson(st.member.stateToDict()), st.passphrase);
  download(`tinnhiem-${slug()}-member-${st.data.index}-state.tnsec`, blob);
}

// ----------------------------------------------------------------------------- ceremony

function readNewPassphrase() {
  const p1 = $('#pass1').value;
  const p2 = $('#pass2').value;
  if (Array.from(p1).length < MIN_PASSPHRASE) throw new Error(t('passphrase_short'));
  if (p1 !== p2) throw new Error(t('passphrase_mismatch'));
  return p1;
}

async function create(event) {
  event.preventDefault();
  await busy(async () => {
    const passphrase = readNewPassphrase();
    const s = st.server;
    st.member = DkgMember.create(st.ctx, st.data.index, s.t, s.n);
    st.passphrase = passphrase;
    await post('commit', commitToDict(st.member.commit()));
    saveState();
    $('#pass1').value = '';
    $('#pass2').value = '';
    status(t('commit_done'), 'ok');
  });
}

async function resume(event) {
  event.preventDefault();
  await busy(async () => {
    const blob = await readFileInput($('#state-file'));
    const passphrase = $('#state-pass').value;
    if (!blob || !passphrase) throw new Error(t('need_state'));
    const state = JSON.parse(fromUtf8(unprotectSecret(blob, passphrase)));
    st.member = DkgMember.fromStateDict(st.ctx, state);
    if (st.member.state.index !== st.data.index) throw new Error(`member ${st.member.state.index} ≠ ${st.data.index}`);
    st.passphrase = passphrase;
    $('#state-pass').value = '';
    status('', 'info');
  });
}

async function reveal() {
  await busy(async () => {
    const commits = byIndex(st.server.commits, commitFromDict);
    const message = st.member.reveal(commits);
    await post('reveal', revealToDict(message));
    saveState(); // the state now holds the commits seen: the finish step checks against them
    status(t('reveal_done'), 'ok');
  });
}

async function finish() {
  await busy(async () => {
    const reveals = byIndex(st.server.reveals, revealFromDict);
    let result;
    try {
      result = st.member.finish(reveals);
    } catch (err) {
      if (err instanceof DkgError && err.member !== st.data.index) {
        await post('complaint', { accused: err.member, reason: err.message });
        status(t('complaint_sent', { member: err.member, error: err.message }), 'error');
        return;
      }
      throw err;
    }
    const { key, share } = result;
    const blob = protectSecret(memberShareToBytes(share), st.passphrase);
    download(`tinnhiem-${slug()}-member-${share.index}-share.tnsec`, blob);
    await post('confirm', {
      member: share.index,
      verification_key: toHex(key.verificationKeys[share.index]),
      public_key: toHex(key.publicKey),
    });
    status(t('finish_done'), 'ok');
  });
}

// ---------------------------------------------------------------------------- decrypt

async function decrypt(event) {
  event.preventDefault();
  await busy(async () => {
    const blob = await readFileInput($('#share-file'));
    const passphrase = $('#share-pass').value;
    if (!blob || !passphrase) throw new Error(t('need_share'));
    const share = openShare(blob, passphrase);
    $('#share-pass').value = '';
    const prepared = await fetchJson(st.data.aggregates_url, { method: 'POST', body: {} });
    const ctx = new Context(fromHex(prepared.fingerprint, 32));
    const cts = prepared.aggregates.map((hex, i) => ctFromBytes(fromHex(hex, 64), `aggregates[${i}]`, { allowIdentity: true }));
    const dshare = partialDecrypt(ctx, share, cts);
    const answer = await fetchJson(st.data.decryption_url, { method: 'POST', body: { share: dshare } });
    st.server = answer.state;
    st.share = share; // when the round is tallied, the head is signed with the same share
    status(t('decrypt_done'), 'ok');
  });
}

/** The member's key share from its protected file; it must be this seat's. */
function openShare(blob, passphrase) {
  const share = memberShareFromBytes(unprotectSecret(blob, passphrase));
  if (share.index !== st.data.index) throw new Error(`member ${share.index} ≠ ${st.data.index}`);
  return share;
}

// -------------------------------------------------------------------------- sign the head

async function signBoardHead(event) {
  event.preventDefault();
  await busy(async () => {
    let share = st.share;
    if (share === null) {
      const blob = await readFileInput($('#sign-file'));
      const passphrase = $('#sign-pass').value;
      if (!blob || !passphrase) throw new Error(t('need_share'));
      share = openShare(blob, passphrase);
      $('#sign-pass').value = '';
    }
    const s = st.server;
    const me = st.data.index;
    // The share must be the one the ceremony published a verification key for: a share of
    // another round would make a signature the server refuses.
    const vk = fromHex(s.confirms[String(me)].verification_key, 32);
    if (!equalBytes(verificationKeyOf(share), vk)) throw new Error(t('wrong_share'));
    const fingerprint = fromHex(s.fingerprint, 32);
    const head = fromHex(s.head, 32);
    const signature = signHead(fingerprint, share, head);
    verifyHeadSignature(fingerprint, vk, me, head, signature);
    const answer = await fetchJson(st.data.head_signature_url, { method: 'POST', body: { signature } });
    st.server = answer.state;
    st.share = null; // nothing left to do with it on this page
    status(t(answer.complete ? 'sign_complete' : 'sign_done'), 'ok');
  });
}

// ----------------------------------------------------------------------------- start-up

async function main() {
  st.data = pageData('committee-data');
  st.server = pageData('committee-state');
  await ready();
  // The ceremony's Fiat-Shamir context is H(manifest): recomputed here, not trusted.
  const fp = taggedHash('tinnhiem/ceremony/v1', canonicalJson(st.data.manifest));
  if (!equalBytes(fp, fromHex(st.server.ceremony_fingerprint, 32))) {
    status(t('failed', { error: 'ceremony fingerprint ≠ H(manifest)' }), 'error');
    return;
  }
  st.ctx = new Context(fp);
  if (st.data.index !== null) {
    $('#dkg-create').addEventListener('submit', create);
    $('#dkg-resume').addEventListener('submit', resume);
    $('#dkg-reveal').addEventListener('click', reveal);
    $('#dkg-finish').addEventListener('click', finish);
    $('#decrypt-form').addEventListener('submit', decrypt);
    $('#sign-form').addEventListener('submit', signBoardHead);
  }
  render();
  document.body.dataset.committeeReady = '1';
  setInterval(() => { if (!st.busy) refresh(); }, POLL_MS);
}

if (typeof document !== 'undefined' && document.getElementById('committee-data')) main();

