// The voting booth (phòng bỏ phiếu): the voter's credential stays in this page; the ballot is
// encrypted, proved and signed here, and only the encrypted ballot is sent to the server.
import { ready } from '../lib/sodium.js';
import { fromHex, toHex } from '../lib/bytes.js';
import { loadRound } from '../lib/round.js';
import {
  auditReveal, ballotHash, ballotToJson, checkAudit, credentialFromSeed, encryptBallot,
  formatTracker, verifyBallot,
} from '../lib/ballot.js';
import { $, $all, fetchJson, fill, fmt, h, pageData, say, show } from './common.js';

const SEED_HEX = /^[0-9a-f]{64}$/;
const SEED_B64 = /^[A-Za-z0-9_-]{43}$/;
const SEED_KEY = 'tinnhiem.booth.seed';

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '=';
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * The slip's booth fragment `v1.<login code>.<seed, base64url>` (alone, after a `#`, or in
 * the whole scanned URL) as {code, seed}; null when the text holds none.
 */
export function parseFragment(text) {
  const m = /(?:^|#)v1\.([0-9A-Za-z]+)\.([A-Za-z0-9_-]{43})\s*$/.exec(String(text || '').trim());
  if (!m) return null;
  return { code: m[1], seed: fromBase64Url(m[2]) };
}

/**
 * The 32-byte signing seed from what the voter typed or the slip's QR code held: the booth
 * fragment or URL, 43 base64url characters, or 64 hex digits (spaces and dashes ignored).
 */
export function parseSeed(text) {
  const raw = String(text || '').trim();
  const fragment = parseFragment(raw);
  if (fragment) return fragment.seed;
  const compact = raw.replace(/\s/g, '');
  if (SEED_B64.test(compact)) return fromBase64Url(compact);
  const hex = compact.replace(/-/g, '').toLowerCase();
  if (SEED_HEX.test(hex)) return fromHex(hex, 32);
  return null;
}

// The seed crosses the login redirect in this tab's sessionStorage (never sent anywhere).
function stashSeed(seed) {
  try {
    sessionStorage.setItem(SEED_KEY, toHex(seed));
  } catch {
    /* storage disabled: the voter types the seed in the booth */
  }
}

// The plain slip login page (/login/slip/, static/web/js/app.js) keeps {code, seed} here.
const SLIP_KEY = 'tinnhiem.slip';

function takeSeed() {
  try {
    const hex = sessionStorage.getItem(SEED_KEY);
    if (hex && SEED_HEX.test(hex)) return fromHex(hex, 32);
    const slip = JSON.parse(sessionStorage.getItem(SLIP_KEY) || 'null');
    return slip && typeof slip.seed === 'string' ? parseSeed(slip.seed) : null;
  } catch {
    return null;
  }
}

function forgetSeed() {
  try {
    sessionStorage.removeItem(SEED_KEY);
    sessionStorage.removeItem(SLIP_KEY);
  } catch {
    /* nothing stored */
  }
}

const state = {
  round: null,
  data: null,
  credential: null,
  marks: {},
  sealed: null, // {ballot, secrets, tracker}
};

function t(key, values) {
  return fmt(state.data.messages[key] || key, values);
}

function sections() {
  return {
    credential: $('#step-credential'),
    mark: $('#step-mark'),
    review: $('#step-review'),
    sealed: $('#step-sealed'),
    audit: $('#step-audit'),
    done: $('#step-done'),
  };
}

const STEP_OF = { credential: 0, mark: 1, review: 2, sealed: 3, audit: 3, done: 3 };

function goTo(name) {
  const all = sections();
  const target = all[name];
  show(target, ...Object.values(all).filter((s) => s !== target));
  $all('.steps li').forEach((li, i) => {
    if (i === STEP_OF[name]) li.setAttribute('aria-current', 'step');
    else li.removeAttribute('aria-current');
  });
  const heading = target.querySelector('h2');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

// ---------------------------------------------------------------- step 1: the credential

function acceptCredential(text) {
  const status = $('#credential-status');
  const seed = parseSeed(text);
  if (!seed) {
    say(status, t('credential_format'), 'error');
    return false;
  }
  const credential = credentialFromSeed(seed);
  if (toHex(credential.publicKey) !== state.data.credential_public) {
    say(status, t('credential_wrong'), 'error');
    return false;
  }
  state.credential = credential;
  stashSeed(seed);
  say(status, '', 'info');
  $('#credential-input').value = '';
  goTo('mark');
  return true;
}

async function scanQr() {
  const status = $('#credential-status');
  if (!('BarcodeDetector' in window) || !navigator.mediaDevices) {
    say(status, t('scan_unsupported'), 'error');
    $('#credential-input').focus();
    return;
  }
  const video = $('#scan-video');
  let stream = null;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    say(status, t('scan_hold'), 'info');
    for (let i = 0; i < 600; i += 1) {
      const codes = await detector.detect(video);
      if (codes.length && acceptCredential(codes[0].rawValue)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    say(status, t('scan_failed', { error: err.message }), 'error');
  } finally {
    if (stream) stream.getTracks().forEach((tr) => tr.stop());
    video.hidden = true;
  }
}

// ------------------------------------------------------------------ step 2 and 3: marks

function readMarks() {
  const marks = {};
  const missing = [];
  for (const fs of $all('fieldset[data-official]')) {
    const id = fs.dataset.official;
    const chosen = fs.querySelector('input[type=radio]:checked, input[type=checkbox]:checked');
    if (chosen) marks[id] = chosen.value;
    else missing.push(fs);
  }
  return { marks, missing };
}

function review(event) {
  event.preventDefault();
  const { marks, missing } = readMarks();
  const status = $('#marks-status');
  if (missing.length && !state.data.allow_blank) {
    say(status, t('marks_missing', { count: missing.length }), 'error');
    const first = missing[0].querySelector('input[type=radio]');
    if (first) first.focus();
    return;
  }
  const k = state.data.choose_k;
  const ticked = Object.values(marks).filter((m) => m === 'chosen').length;
  if (k !== null && k !== undefined && ticked > k) {
    say(status, t('too_many', { k, count: ticked }), 'error');
    return;
  }
  say(status, '', 'info');
  state.marks = marks;
  const list = $('#review-list');
  fill(list, ...state.round.manifest.officials.map((o) => h('li', {},
    h('span', { class: 'review-name', text: `${o.order}. ${o.name}` }),
    ' — ',
    h('strong', { class: `mark mark-${marks[o.id] || 'blank'}`, text: state.data.mark_labels[marks[o.id] || 'blank'] }))));
  goTo('review');
}

// ---------------------------------------------------------------- step 4: encrypt, seal

async function seal() {
  const status = $('#review-status');
  say(status, t('encrypting'), 'info');
  $('#encrypt-button').disabled = true;
  await new Promise((r) => setTimeout(r, 20)); // let the message paint first
  try {
    const { manifest, fingerprint, publicKey } = state.round;
    const { ballot, secrets } = encryptBallot(manifest, fingerprint, publicKey, state.credential, state.marks);
    // Check our own work before it leaves the page (a faulty device would show here).
    verifyBallot(manifest, fingerprint, publicKey, ballot);
    state.sealed = { ballot, secrets, tracker: formatTracker(ballotHash(fingerprint, ballot)) };
    fill($('#sealed-tracker'), state.sealed.tracker);
    say(status, '', 'info');
    goTo('sealed');
  } catch (err) {
    say(status, t('encrypt_failed', { error: err.message }), 'error');
  } finally {
    $('#encrypt-button').disabled = false;
  }
}

/** Post the sealed ballot; on a lost connection or a busy server (503), send the same
 * ballot again after a pause (the server answers a repeat with the same receipt). */
async function sendBallot(status) {
  const body = { ballot: ballotToJson(state.sealed.ballot) };
  const pauses = [1000, 2000, 4000, 8000, 8000, 8000];
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchJson(state.data.cast_url, { method: 'POST', body });
    } catch (err) {
      const transient = err.status === undefined || err.status === 503 || err.status === 502 || err.status === 504;
      if (!transient || attempt >= pauses.length) throw err;
      say(status, t('resending', { attempt: attempt + 1 }), 'info');
      await new Promise((resolve) => setTimeout(resolve, pauses[attempt]));
    }
  }
}

async function cast() {
  const status = $('#sealed-status');
  const button = $('#cast-button');
  button.disabled = true;
  say(status, t('casting'), 'info');
  try {
    const answer = await sendBallot(status);
    if (answer.tracker !== state.sealed.tracker) throw new Error(t('tracker_mismatch'));
    state.sealed.secrets = null; // nothing of the vote's randomness outlives the cast
    forgetSeed();
    fill($('#done-tracker'), answer.tracker);
    fill($('#done-position'), String(answer.board_index));
    state.credential = null;
    goTo('done');
  } catch (err) {
    say(status, t('cast_failed', { error: err.message }), 'error');
    button.disabled = false;
  }
}

// ------------------------------------------------------------ the Benaloh audit (kiểm tra)

async function audit() {
  const { manifest, fingerprint, publicKey } = state.round;
  const { ballot, secrets, tracker } = state.sealed;
  const reveal = auditReveal(ballot, secrets, fingerprint);
  state.sealed = null; // an audited ballot is spoiled: it can never be cast
  const results = checkAudit(manifest, publicKey, ballot, reveal);
  const body = $('#audit-rows');
  const names = Object.fromEntries(manifest.officials.map((o) => [o.id, o.name]));
  const nonces = Object.fromEntries(reveal.rows.map((r) => [r.official, r.nonce]));
  fill(body, ...results.map((r) => h('tr', {},
    h('th', { scope: 'row', text: names[r.official] || r.official }),
    h('td', { text: state.data.mark_labels[r.mark] || '?' }),
    h('td', {}, h('code', { class: 'nonce', text: nonces[r.official] })),
    h('td', { class: r.ok ? 'ok' : 'bad', text: r.ok ? t('audit_row_ok') : t('audit_row_bad') }))));
  fill($('#audit-tracker'), tracker);
  let verdictOk = results.every((r) => r.ok);
  // The server re-checks the same reveal with the Python implementation; nothing is stored.
  let serverText = '';
  try {
    const answer = await fetchJson(state.data.audit_url, { method: 'POST', body: { ballot: ballotToJson(ballot), reveal } });
    verdictOk = verdictOk && answer.ok;
    serverText = answer.ok ? t('audit_server_ok') : t('audit_server_bad', { error: answer.detail || '' });
  } catch (err) {
    serverText = t('audit_server_unreachable', { error: err.message });
  }
  say($('#audit-verdict'), `${verdictOk ? t('audit_ok') : t('audit_bad')} ${serverText}`, verdictOk ? 'ok' : 'error');
  goTo('audit');
}

// ----------------------------------------------------------------------------- start-up

async function main() {
  state.data = pageData('booth-data');
  const status = $('#booth-status');
  try {
    await ready();
    state.round = loadRound(state.data);
  } catch (err) {
    say(status, t('load_failed', { error: err.message }), 'error');
    return;
  }
  say(status, '', 'info');
  $('#credential-form').addEventListener('submit', (e) => {
    e.preventDefault();
    acceptCredential($('#credential-input').value);
  });
  $('#scan-button').addEventListener('click', scanQr);
  $('#marks-form').addEventListener('submit', review);
  $('#review-back').addEventListener('click', () => goTo('mark'));
  $('#encrypt-button').addEventListener('click', seal);
  $('#cast-button').addEventListener('click', cast);
  $('#audit-button').addEventListener('click', audit);
  $('#audit-restart').addEventListener('click', () => goTo('review'));
  document.body.dataset.boothReady = '1';
  const stashed = takeSeed();
  if (stashed) {
    const credential = credentialFromSeed(stashed);
    if (toHex(credential.publicKey) === state.data.credential_public) {
      state.credential = credential;
      goTo('mark');
      return;
    }
    forgetSeed();
  }
  goTo('credential');
}

/** /phieu/: read the slip's fragment, keep the seed in this tab, log in with the code. */
function entryPage() {
  const form = $('#entry-form');
  const codeInput = form.querySelector('input[name=code]');
  const seedInput = $('#entry-seed');
  const fragment = parseFragment(window.location.hash);
  // The fragment holds a secret: drop it from the address bar and the history at once.
  if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  form.addEventListener('submit', () => {
    const seed = parseSeed(seedInput.value);
    if (seed) stashSeed(seed);
    seedInput.value = '';
  });
  if (fragment) {
    stashSeed(fragment.seed);
    codeInput.value = fragment.code;
    say($('#entry-status'), $('#entry-status').dataset.loggingIn || '…', 'info');
    form.requestSubmit();
  }
}

if (typeof document !== 'undefined') {
  if (document.getElementById('booth-data')) main();
  else if (document.getElementById('entry-form')) entryPage();
}
