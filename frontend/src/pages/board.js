// The live bulletin board: polls the board's JSON every few seconds and appends new
// entries; finds a voter's tracker. No crypto here, so this page loads no WebAssembly.
import { $, fetchJson, fill, fmt, h, pageData } from './common.js';

const POLL_MS = 3000;
const data = pageData('board-data');
let last = -1;

function t(key, values) {
  return fmt(data.messages[key] || key, values);
}

function addEntries(entries) {
  const body = $('#board-entries');
  for (const e of entries) {
    if (e.seq <= last) continue;
    const row = h('tr', { 'data-seq': e.seq, 'data-tracker': e.tracker || null },
      h('td', { text: String(e.seq) }),
      h('td', { text: (data.kinds && data.kinds[e.kind]) || e.kind }),
      h('td', { class: 'tracker', text: e.tracker || '' }),
      h('td', {}, h('code', { class: 'hash', text: e.hash })));
    body.append(row);
    last = e.seq;
  }
}

async function refresh() {
  try {
    const state = await fetchJson(`${data.url}?since=${last}`);
    $('#board-status').textContent = state.status_label;
    $('#board-summoned').textContent = String(state.summoned);
    $('#board-issued').textContent = String(state.issued);
    $('#board-returned').textContent = String(state.returned);
    $('#board-length').textContent = String(state.length);
    $('#board-head').textContent = state.head;
    addEntries(state.entries);
    $('#board-updated').textContent = t('updated', { time: new Date().toLocaleTimeString() });
  } catch {
    /* retried at the next tick */
  }
}

function normalise(text) {
  return text.toUpperCase().replace(/[^A-Z2-7]/g, '');
}

function findTracker(event) {
  event.preventDefault();
  const wanted = normalise($('#tracker-input').value);
  const out = $('#tracker-result');
  for (const row of document.querySelectorAll('#board-entries tr')) row.classList.remove('found');
  const row = Array.from(document.querySelectorAll('#board-entries tr[data-tracker]'))
    .find((r) => wanted && normalise(r.dataset.tracker) === wanted);
  if (row) {
    row.classList.add('found');
    row.scrollIntoView({ block: 'center' });
    fill(out, t('found', { seq: row.dataset.seq }));
  } else {
    fill(out, t('not_found'));
  }
}

for (const row of document.querySelectorAll('#board-entries tr')) last = Math.max(last, Number(row.dataset.seq));
$('#tracker-form').addEventListener('submit', findTracker);
document.body.dataset.boardReady = '1';
setInterval(refresh, POLL_MS);
