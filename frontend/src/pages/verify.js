// The browser verifier page (/verify/, and the same file saved for offline use): open or
// drop an election record (JSON or gzip), check everything `tinnhiem verify` checks, in
// Web Workers, and show the verdict, the first failure and the results table.
// Vietnamese first, English beside; numbers with a decimal comma.
import schema from '../../../docs/record.schema.json';
import { lookupTracker, verifyBytes } from '../verifier/record.js';
import { verifyChunk } from '../verifier/ballots.js';
import { checkLink } from '../verifier/link.js';

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
  previous: 'Nối bước / the link to the previous step',
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

const STATUS = {
  passed: 'đạt / passed',
  recorded: 'ghi nhận (lấy ý kiến) / recorded (advisory)',
  at_threshold: 'đạt đúng ngưỡng / exactly at the threshold',
  tie: 'bằng phiếu / tie',
  none_reached: 'không ai đạt ngưỡng / nobody reached the threshold',
  write_in_short: 'người giới thiệu thêm không đạt đủ số phiếu / a write-in is short of its threshold',
  quorum_not_met: 'không đủ người có mặt / quorum not met',
};
const NOT_CONFIRMED = 'chưa đối chiếu được văn bản / not confirmed against the text';

// A table's head: one row of column titles.
function headerRow(titles) {
  const head = document.createElement('tr');
  for (const t of titles) {
    const th = document.createElement('th');
    th.textContent = t;
    th.scope = 'col';
    head.appendChild(th);
  }
  const thead = document.createElement('thead');
  thead.appendChild(head);
  return thead;
}

/** A personnel step's table (record-format §3.13): each candidate, then the decision. */
function showStep(record, report) {
  const table = $('results');
  table.replaceChildren();
  const m = record.manifest;
  const r = report.results;
  const agree = m.kind === 'agree_disagree';
  const titles = ['STT / No.', 'Họ và tên / Name', 'Chức vụ / Post',
    agree ? 'Đồng ý / Agree' : 'Số phiếu / Votes', 'Tỷ lệ / Share', '%'];
  if (agree) titles.push('Không đồng ý / Disagree', 'Trống / Blank');
  titles.push('Đạt ngưỡng / Reached', 'Vào bước sau / Goes on');
  const thead = headerRow(titles);
  const tbody = document.createElement('tbody');
  r.candidates.forEach((c, i) => {
    const tr = document.createElement('tr');
    const o = m.officials[i];
    cell(tr, String(i + 1), 'num');
    cell(tr, o.name);
    cell(tr, o.post);
    cell(tr, String(c.votes), 'num');
    cell(tr, `${c.share} của / of N = ${r.base}`, 'num');
    cell(tr, comma(c.percentage), 'num');
    if (agree) {
      cell(tr, String(c.disagree), 'num');
      cell(tr, String(c.blank), 'num');
    }
    cell(tr, c.at_threshold && !c.reached ? 'đúng ngưỡng / exactly' : (c.reached ? 'có / yes' : 'không / no'));
    cell(tr, r.advancing.includes(c.id) ? 'có / yes' : '—');
    tbody.appendChild(tr);
  });
  table.append(thead, tbody);
  const reasons = r.reasons.map((x) => `• ${x.text_vi} / ${x.text_en} [${x.cite || '—'}${x.verified ? '' : `; ${NOT_CONFIRMED}`}]`);
  $('summary').textContent = `${m.title} — ${m.body}. Quy trình / procedure ${r.procedure}, bước / step ${r.number} (${r.step}); `
    + `${report.ballots} lá phiếu / ballots, ${report.counted} được tính / counted`
    + `${r.blank === undefined ? '' : `, ${r.blank} phiếu trống (không chọn ai) / blank`}. `
    + `Kết quả / outcome: ${STATUS[r.status] ?? r.status}`
    + `${r.pending ? ' — chờ người có thẩm quyền quyết định / waiting for a person to decide' : ''}; `
    + `vào bước sau / going on: ${r.advancing.length ? r.advancing.join(', ') : '—'}`
    + `${r.next_step ? ` (→ ${r.next_step})` : ''}.\n${reasons.join('\n')}`;
}

function showResults(record, report) {
  if (!Array.isArray(report.results)) { showStep(record, report); return; }
  const table = $('results');
  table.replaceChildren();
  const m = record.manifest;
  const levels = LEVELS[m.kind];
  const titles = ['STT / No.', 'Họ và tên / Name', 'Chức vụ / Post'];
  for (const [, label] of levels) titles.push(label, '%');
  titles.push('Trống / Blank', 'Cơ sở N / Base', 'Mức / Band', 'Hệ quả / Consequences', 'Bỏ phiếu tín nhiệm / Formal vote');
  const thead = headerRow(titles);
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
  let v = await verifyBytes(bytes, { schema, gunzip, runChunks, progress: setProgress, name: file.name });
  lastValid = v.exit === 0 ? v.record : null;
  const prevFile = $('previous').files[0];
  const linkOut = $('link');
  linkOut.textContent = '';
  linkOut.dataset.link = '';
  if (v.exit === 0 && prevFile) {
    // As `tinnhiem verify RECORD --previous PREV`: the previous record is verified on its
    // own, then the link; the first failure is the verdict.
    const prevBytes = new Uint8Array(await prevFile.arrayBuffer());
    const pv = await verifyBytes(prevBytes, { schema, gunzip, runChunks, progress: setProgress, name: prevFile.name });
    if (pv.exit !== 0) {
      v = { ...pv, message: `${prevFile.name}: ${pv.message}` };
    } else {
      const link = checkLink(v.record, pv.record);
      if (!link.ok) {
        v = { exit: 1, check: link.check, where: link.where, message: link.message };
      } else {
        linkOut.dataset.link = link.settlementChecked ? 'checked' : 'settlement-not-checked';
        linkOut.textContent = link.settlementChecked
          ? `Nối đúng bước trước / follows the previous step: ${pv.record.manifest.round_id} (${pv.record.manifest.personnel.step}), ${pv.record.board.head}`
          : 'Nối đúng bước trước, trừ danh sách theo quyết định của người có thẩm quyền (chưa kiểm tra tệp quyết định) / follows the previous step; the settlement that made the list was not checked';
      }
    }
    if (v.exit !== 0) lastValid = null;
  }
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
    if ($('tracker').value.trim()) showTracker();
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

let lastValid = null;

/** --tracker on the page: is my ballot on the board, and is it the one counted? */
function showTracker() {
  const out = $('tracker-result');
  const code = $('tracker').value;
  if (!code.trim()) { out.textContent = ''; return; }
  if (lastValid === null) {
    out.textContent = 'Hãy mở một hồ sơ hợp lệ trước / open a valid record first.';
    out.dataset.found = '';
    return;
  }
  const t = lookupTracker(lastValid, code);
  out.dataset.found = t.found ? (t.counted ? 'counted' : 'replaced') : 'absent';
  if (!t.found) {
    out.textContent = `Không tìm thấy mã phiếu này trên bảng tin / this tracker is not on the board (${t.tracker || code.trim()}).`;
  } else if (t.counted) {
    out.textContent = `Có trên bảng tin (lá phiếu số ${t.index + 1}, mục ${t.boardIndex}) và ĐƯỢC TÍNH / on the board (ballot ${t.index + 1}, entry ${t.boardIndex}) and COUNTED.`;
  } else {
    out.textContent = `Có trên bảng tin (lá phiếu số ${t.index + 1}) nhưng đã được thay bằng lá phiếu sau (số ${t.replacedBy + 1}) nên không được tính / on the board but replaced by a later ballot (${t.replacedBy + 1}): not counted.`;
  }
}

function init() {
  $('tracker-check').addEventListener('click', showTracker);
  $('tracker').addEventListener('keydown', (e) => { if (e.key === 'Enter') showTracker(); });
  const input = $('file');
  input.addEventListener('change', () => { if (input.files[0]) verifyFile(input.files[0]); });
  const previous = $('previous');
  previous.addEventListener('change', () => { if (input.files[0]) verifyFile(input.files[0]); });
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
