// The browser verifier page (/verify/, and the same file saved for offline use): open or
// drop an election record (JSON or gzip), check everything `tinnhiem verify` checks, in
// Web Workers, and show the verdict, the first failure and the results table.
// Vietnamese first, English beside; numbers with a decimal comma.
import schema from '../../../docs/record.schema.json';
import { verifyBytes } from '../verifier/record.js';
import { verifyChunk } from '../verifier/ballots.js';

/* global __VERIFY_WORKER__ */
const $ = (id) => document.getElementById(id);

const STEPS = {
  read: 'Đọc tệp / reading',
  rule: 'Quy định / rule',
  roster: 'Danh sách / roster',
  board: 'Bảng tin / board hash chain',
  restarts: 'Lễ tạo khóa lại / restarts',
  committee: 'Lễ tạo khóa / key ceremony',
  fingerprint: 'Dấu vân tay / fingerprint',
  credentials: 'Thẻ cử tri / credentials',
  ballots: 'Lá phiếu và chứng minh / ballots and proofs',
  close: 'Đóng hòm phiếu / close',
  aggregates: 'Cộng dồn / aggregates',
  decryption: 'Giải mã / decryption',
  results: 'Kết quả và hệ quả / counts and consequences',
  signatures: 'Chữ ký đầu chuỗi / head signatures',
  schema: 'Cấu trúc / structure (schema)',
  manifest: 'Định nghĩa vòng / manifest',
};

const LEVELS = {
  poll: [['high', 'Tín nhiệm cao / High'], ['confident', 'Tín nhiệm / Confidence'], ['low', 'Tín nhiệm thấp / Low']],
  formal_vote: [['confidence', 'Tín nhiệm / Confidence'], ['no_confidence', 'Không tín nhiệm / No confidence']],
};

const QUORUM = { met: 'đủ / met', not_met: 'không đủ / not met', not_required: 'không yêu cầu / not required' };
const FORMAL = {
  none: '—', possible: 'có thể / possible', if_not_resigned: 'nếu không từ chức / if not resigned', required: 'có / required',
};

function setProgress(step, done, total) {
  $('step').textContent = STEPS[step] ?? step;
  const bar = $('bar');
  if (step === 'ballots' && total) {
    bar.max = total;
    bar.value = done;
    $('count').textContent = `${done} / ${total}`;
  } else if (step !== 'ballots') {
    $('count').textContent = '';
  }
}

function workerUrl() {
  if (typeof __VERIFY_WORKER__ === 'string') {
    return URL.createObjectURL(new Blob([__VERIFY_WORKER__], { type: 'text/javascript' }));
  }
  return null;
}

let pool = null;

function workers() {
  if (pool !== null) return pool;
  const url = workerUrl();
  const n = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 8));
  pool = url === null ? [] : Array.from({ length: n }, () => new Worker(url));
  return pool;
}

/** Check the ballots in chunks spread over the workers; results in chunk order. */
async function runChunks(ctx, items, progress) {
  const size = Math.max(4, Math.min(32, Math.ceil(items.length / 64)));
  const chunks = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  const ws = workers();
  if (ws.length === 0) return chunks.map((c) => verifyChunk(ctx, c));
  const results = new Array(chunks.length);
  let next = 0;
  let done = 0;
  await Promise.all(ws.map((w) => new Promise((resolve, reject) => {
    const take = () => {
      if (next >= chunks.length) { resolve(); return; }
      const id = next;
      next += 1;
      w.onmessage = (event) => {
        if (event.data.error) { reject(new Error(event.data.error)); return; }
        results[id] = event.data.result;
        done += chunks[id].length;
        progress('ballots', done, items.length);
        take();
      };
      w.postMessage({ id, ctx, items: chunks[id] });
    };
    take();
  })));
  return results;
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const comma = (s) => String(s).replace('.', ',');

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}

function showResults(record, report) {
  const table = $('results');
  table.replaceChildren();
  const m = record.manifest;
  const levels = LEVELS[m.kind];
  const head = document.createElement('tr');
  const titles = ['STT / No.', 'Họ và tên / Name', 'Chức vụ / Post'];
  for (const [, label] of levels) titles.push(label, '%');
  titles.push('Trống / Blank', 'Cơ sở N / Base', 'Mức / Band', 'Hệ quả / Consequences', 'Bỏ phiếu tín nhiệm / Formal vote');
  for (const t of titles) {
    const th = document.createElement('th');
    th.textContent = t;
    th.scope = 'col';
    head.appendChild(th);
  }
  const thead = document.createElement('thead');
  thead.appendChild(head);
  const tbody = document.createElement('tbody');
  report.results.forEach((r, i) => {
    const tr = document.createElement('tr');
    const o = m.officials[i];
    cell(tr, String(i + 1), 'num');
    cell(tr, o.name);
    cell(tr, o.post);
    for (const [code] of levels) {
      cell(tr, String(r.counts[code]), 'num');
      cell(tr, comma(r.percentages[code]), 'num');
    }
    cell(tr, String(r.blank), 'num');
    cell(tr, String(r.base), 'num');
    const band = report.rule.bands.find((b) => b.id === r.band);
    cell(tr, band ? `${band.title_vi} / ${band.title_en}` : '—');
    const texts = r.consequences.map((code) => {
      if (code === 'resignation_closed') return `${report.rule.resignationText.vi} / ${report.rule.resignationText.en} [${code}]`;
      const c = band?.consequences.find((x) => x.code === code);
      return c ? `${c.vi} / ${c.en} [${code}]` : code;
    });
    cell(tr, texts.length ? texts.join('; ') : '—');
    cell(tr, FORMAL[r.formal_vote] ?? r.formal_vote);
    tbody.appendChild(tr);
  });
  table.append(thead, tbody);
  const q = report.results[0]?.quorum;
  $('summary').textContent = `${m.title} — ${m.body}. Quy định / rule ${m.rule.id}; `
    + `${report.ballots} lá phiếu / ballots, ${report.counted} được tính / counted; `
    + `điều kiện hội nghị / quorum: ${QUORUM[q] ?? '—'}.`;
}

async function verifyFile(file) {
  const verdict = $('verdict');
  verdict.hidden = true;
  $('results').replaceChildren();
  $('summary').textContent = '';
  $('progress').hidden = false;
  const started = performance.now();
  setProgress('read', 0, 0);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const v = await verifyBytes(bytes, { schema, gunzip, runChunks, progress: setProgress });
  const seconds = (performance.now() - started) / 1000;
  $('progress').hidden = true;
  verdict.dataset.exit = String(v.exit);
  verdict.dataset.check = v.check ?? '';
  verdict.dataset.where = v.where ?? '';
  verdict.dataset.seconds = seconds.toFixed(2);
  verdict.className = v.exit === 0 ? 'ok' : 'bad';
  const title = $('verdict-title');
  const detail = $('verdict-detail');
  const time = `${comma(seconds.toFixed(1))} giây / s`;
  if (v.exit === 0) {
    title.textContent = 'HỢP LỆ / VALID';
    detail.textContent = `${file.name}: mọi kiểm tra đều đạt / every check passed (${time}). `
      + `Đầu chuỗi bảng tin / board head: ${v.record.board.head}`;
    showResults(v.record, v.report);
  } else if (v.exit === 1) {
    title.textContent = 'KHÔNG HỢP LỆ / INVALID';
    detail.textContent = `Bước / check: ${STEPS[v.check] ?? v.check}; tại / at: ${v.where}. ${v.message} (${time})`;
  } else if (v.exit === 2) {
    title.textContent = 'KHÔNG ĐỌC ĐƯỢC / UNREADABLE';
    detail.textContent = `${v.where}: ${v.message}`;
  } else {
    title.textContent = 'KHÔNG KIỂM CHỨNG XONG / COULD NOT FINISH';
    detail.textContent = v.message;
  }
  $('exit').textContent = `Mã thoát như tinnhiem verify / exit class as tinnhiem verify: ${v.exit}`;
  verdict.hidden = false;
}

function init() {
  const input = $('file');
  input.addEventListener('change', () => { if (input.files[0]) verifyFile(input.files[0]); });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer.files[0];
    if (file) verifyFile(file);
  });
  document.body.dataset.ready = '1';
}

init();
