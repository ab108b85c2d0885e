// Personnel rounds (docs/record-format.md §3.13, §3.13.1): the procedure file's grammar
// (docs/rules.md, "Personnel votes"), the check that a round is the step it names, and the
// step result recomputed exactly from the column sums — status, who advances, and every
// reason with its citation key — in integers (BigInt) throughout.
import { parseToml } from './toml.js';
import { Citations, RuleInvalid, Table, formatPercent, frac } from './rules.js';

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

export const PERSONNEL_KINDS = ['choose_at_most', 'agree_disagree'];

const BODIES = {
  leadership: 'Tập thể lãnh đạo / leadership collective',
  extended_leadership: 'Hội nghị tập thể lãnh đạo mở rộng / extended leadership meeting',
  key_cadres: "Hội nghị cán bộ chủ chốt / key cadres' conference",
  party_committee: 'Cấp ủy, ban thường vụ / Party committee or its standing committee',
};
const BASES = {
  summoned: 'tổng số người được triệu tập / everyone summoned',
  present: 'số người có mặt / those present',
  returned: 'số phiếu thu về / ballots returned',
  valid: 'số phiếu hợp lệ / valid ballots',
};
const ACTIONS = {
  top_n: 'những người có số phiếu cao nhất vào bước sau / the highest go on',
  head_decides: 'người đứng đầu quyết định / the head decides',
  revote: 'bỏ phiếu lại / vote again',
  all_advance: 'tất cả những người này vào bước sau / all of them go on',
  report_up: 'báo cáo cấp có thẩm quyền / report to the competent authority',
  stop: 'dừng quy trình / the procedure stops',
  all_above_floor: 'tất cả những người đạt mức sàn vào bước sau / everyone at or above the floor goes on',
  not_in_text: 'văn bản đã đọc không quy định: cần người có thẩm quyền quyết định / not in the texts read: a competent person must decide',
};
const PENDING = new Set(['head_decides', 'report_up', 'not_in_text']);

/** Thrown when the counts cannot be decided (record-format §3.13.1: step 11 at decryption.sums). */
export class StepCountsError extends Error {}

// ------------------------------------------------------------------------ the grammar

function share(t, allowZero = false) {
  const fraction = t.fraction('fraction');
  if (fraction.num === 0n && !allowZero) throw t.error('fraction', 'a threshold of 0 passes everyone');
  return { fraction, inclusive: t.flag('inclusive') };
}

function fallback(t, cites, parent, name) {
  if (t === null) throw parent.error(name, 'missing required table');
  const action = t.enum('action', Object.keys(ACTIONS));
  const n = t.whole('n', action === 'top_n');
  if (action === 'top_n') {
    if (n < 1n) throw t.error('n', 'top_n needs n >= 1');
  } else if (n !== null) throw t.error('n', `only action 'top_n' takes n, not '${action}'`);
  let floor = null;
  const floorT = t.table('floor', action === 'all_above_floor');
  if (floorT !== null) {
    if (action !== 'all_above_floor') throw t.error('floor', `only action 'all_above_floor' takes a floor, not '${action}'`);
    floor = share(floorT);
    floorT.done();
  }
  const tiedOnly = t.flag('tied_only', false, false);
  if (tiedOnly && name !== 'at_threshold') throw t.error('tied_only', 'only at_threshold takes tied_only');
  if (action === 'all_above_floor' && name !== 'none_reaches') throw t.error('action', 'all_above_floor is an action only for none_reaches');
  const cite = cites.get(t, 'citation');
  t.done();
  return { action, cite, n: n ?? 0n, floor, tiedOnly };
}

// What may follow when a write-in the ordinary rule sends on is short of its threshold.
const WRITE_IN_BELOW = ['report_up', 'stop', 'head_decides', 'not_in_text', 'revote'];

// write_in = { citation, threshold = { fraction, inclusive, citation }, base, below = { action, citation } }
function writeInOf(t, cites) {
  const thrT = t.table('threshold');
  const threshold = { ...share(thrT), cite: cites.get(thrT, 'citation') };
  thrT.done();
  const base = t.enum('base', Object.keys(BASES));
  const below = fallback(t.table('below', false), cites, t, 'below');
  if (!WRITE_IN_BELOW.includes(below.action)) throw t.error('below.action', `'${below.action}' cannot follow a write-in short of its threshold`);
  const cite = cites.get(t, 'citation');
  t.done();
  return { cite, threshold, base, below };
}

function stepOf(t, cites) {
  const id = t.text('id');
  if (!ID.test(id)) throw t.error('id', 'must be lower-case letters, digits, "-", "." or "_"');
  const number = t.whole('number');
  const ballot = t.enum('ballot', PERSONNEL_KINDS);
  const k = t.whole('k', ballot === 'choose_at_most');
  if (ballot === 'agree_disagree' && k !== null) throw t.error('k', 'an agree_disagree ballot has no k');
  if (k !== null && k < 1n) throw t.error('k', 'k >= 1');
  const seats = t.whole('seats', false);
  if (seats !== null && seats < 1n) throw t.error('seats', 'seats >= 1');
  let threshold = null;
  const thrT = t.table('threshold', false);
  if (thrT !== null) {
    threshold = { ...share(thrT), cite: cites.get(thrT, 'citation') };
    thrT.done();
  }
  let quorum = null;
  const qT = t.table('quorum', false);
  if (qT !== null) {
    quorum = { ...share(qT), cite: cites.get(qT, 'citation') };
    qT.done();
  }
  const atT = t.table('at_threshold', false);
  const atThreshold = atT !== null ? fallback(atT, cites, t, 'at_threshold') : null;
  if (atThreshold !== null) {
    if (threshold === null) throw t.error('at_threshold', 'an advisory step has no at_threshold');
    if (threshold.inclusive) throw t.error('at_threshold', 'the threshold is inclusive');
    if (atThreshold.action === 'top_n') throw t.error('at_threshold.action', 'top_n is not an action for exactly the threshold');
  }
  const tie = fallback(t.table('tie', false), cites, t, 'tie');
  if (tie.action === 'top_n') throw t.error('tie.action', 'top_n does not settle a tie');
  const noneReaches = fallback(t.table('none_reaches', false), cites, t, 'none_reaches');
  const belowT = t.table('below_floor', false);
  let belowFloor = null;
  if (noneReaches.action === 'all_above_floor') {
    belowFloor = fallback(belowT, cites, t, 'below_floor');
    if (belowFloor.action === 'top_n') throw t.error('below_floor.action', 'top_n is not an action when nobody reaches the floor');
    if (threshold !== null) {
      const [a, b] = [threshold.fraction, noneReaches.floor.fraction];
      if (!(a.num * b.den > b.num * a.den)) throw t.error('none_reaches.floor', 'the floor must be below the threshold');
    }
  } else if (belowT !== null) throw t.error('below_floor', 'only a step whose none_reaches is all_above_floor has one');
  const source = t.text('candidates_from', false, 'eligible') || 'eligible';
  let writeIn = null;
  const wT = t.table('write_in', false);
  if (wT !== null) {
    if (source === 'eligible') throw t.error('write_in', 'only a step whose list is an earlier step\'s takes write-ins');
    if (ballot !== 'choose_at_most') throw t.error('write_in', 'only a choose_at_most ballot can name another person');
    if (threshold === null) throw t.error('write_in', 'an advisory step (no threshold) selects nobody to check');
    writeIn = writeInOf(wT, cites);
  }
  const step = {
    id,
    number,
    title_vi: t.text('title_vi'),
    title_en: t.text('title_en'),
    body: t.enum('body', Object.keys(BODIES)),
    ballot,
    k: k ?? 1n,
    seats: seats ?? 1n,
    candidatesFrom: source === 'eligible' ? null : source,
    base: t.enum('base', Object.keys(BASES)),
    threshold,
    select: t.enum('select', ['highest', 'all_reaching'], 'highest'),
    quorum,
    cite: cites.get(t, 'citation'),
    baseCite: cites.get(t, 'base_citation'),
    atThreshold,
    tie,
    noneReaches,
    belowFloor,
    next: t.text('next', false) || null,
    announce: t.flag('announce_at_meeting', false, true),
    writeIn,
  };
  t.text('note', false);
  if (ballot === 'choose_at_most' && step.k < step.seats) throw t.error('k', `k = ${step.k} names cannot fill ${step.seats} seats`);
  t.done();
  return step;
}

function checkLinks(steps, tables) {
  const index = new Map();
  steps.forEach((s, i) => { if (!index.has(s.id)) index.set(s.id, i); });
  steps.forEach((s, i) => {
    const t = tables[i];
    if (index.get(s.id) !== i) throw t.error('id', `duplicate step id '${s.id}'`);
    if (s.candidatesFrom !== null) {
      const j = index.get(s.candidatesFrom);
      if (j === undefined) throw t.error('candidates_from', `no step '${s.candidatesFrom}'`);
      if (j >= i) throw t.error('candidates_from', 'is not an earlier step');
    }
    if (s.next !== null) {
      const j = index.get(s.next);
      if (j === undefined) throw t.error('next', `no step '${s.next}'`);
      if (j <= i) throw t.error('next', 'is not a later step (no loops)');
    }
  });
  const reached = new Set([steps[0].id]);
  let current = steps[0];
  while (current !== null && current.next !== null) {
    reached.add(current.next);
    current = steps[index.get(current.next)];
  }
  steps.forEach((s, i) => { if (!reached.has(s.id)) throw tables[i].error('id', 'is not reached from the first step'); });
  if (steps[0].candidatesFrom !== null) throw tables[0].error('candidates_from', "the first step takes the 'eligible' list");
}

/** A procedure file's text (docs/rules.md, "The file format") → {id, steps}, or RuleInvalid. */
export function parseProcedure(text) {
  let data;
  try {
    data = parseToml(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (err) {
    throw new RuleInvalid('(toml)', err.message);
  }
  const top = new Table(data, '');
  if (top.whole('format') !== 1n) throw top.error('format', 'unsupported format');
  const id = top.text('id');
  if (!ID.test(id) || !id.startsWith('appointment-')) throw top.error('id', "must start with 'appointment-'");
  if (top.text('kind') !== 'procedure') throw top.error('kind', 'a personnel-vote file has kind = "procedure"');
  const purpose = top.text('purpose');
  if (!['appointment', 'reappointment'].includes(purpose)) throw top.error('purpose', 'appointment or reappointment');
  const cites = new Citations(top.table('citations', false));
  const src = top.table('source');
  src.text('document');
  src.text('issuer');
  const dates = { date: src.text('date') };
  src.text('url', false);
  dates.in_force_from = src.text('in_force_from', false);
  const supersededBy = src.text('superseded_by', false);
  dates.superseded_on = src.text('superseded_on', false);
  const verified = src.flag('verified');
  src.strings('uncertain');
  for (const [name, value] of Object.entries(dates)) {
    if (value && !DATE.test(value)) throw src.error(name, 'is not YYYY-MM-DD');
  }
  if (dates.superseded_on && !supersededBy) throw src.error('superseded_by', 'superseded_on needs superseded_by');
  if (verified) {
    const unchecked = [...cites.byKey.values()].filter((c) => !c.verified);
    if (unchecked.length || cites.byKey.size === 0) throw src.error('verified', 'marked verified but its citations are not');
  }
  src.done();
  const tables = top.tables('steps');
  if (!tables.length) throw top.error('steps', 'a procedure needs at least one step');
  const steps = tables.map((t) => stepOf(t, cites));
  checkLinks(steps, tables);
  for (const k of ['title_vi', 'title_en', 'applies_to_vi', 'applies_to_en']) top.text(k);
  top.done();
  return { id, kind: 'procedure', steps, step: (sid) => steps.find((s) => s.id === sid) ?? null };
}

// ------------------------------------------------------------- the round is the step

/**
 * The round is the step it names (§4 step 1 for personnel rounds): the location that
 * breaks it, or null.
 */
export function roundStepFailure(m, proc) {
  const p = m.personnel;
  const step = proc.step(p.step);
  if (step === null) return 'manifest.personnel';
  if (step.ballot !== m.kind) return 'manifest.kind';
  const names = BigInt(m.officials.length);
  const k = step.ballot === 'choose_at_most' ? (step.k < names ? step.k : names) : 1n;
  if (BigInt(p.k) !== k) return 'manifest.personnel.k';
  const first = step.candidatesFrom === null;
  if (first && p.previous !== null) return 'manifest.personnel.previous';
  if (!first && (p.previous === null || p.previous.step !== step.candidatesFrom)) return 'manifest.personnel.previous';
  if ((p.write_ins ?? 0) > 0 && step.writeIn === null) return 'manifest.personnel.write_ins';
  return null;
}

// --------------------------------------------------------------------- the decision

const fracText = (f) => (f.den === 1n ? `${f.num}` : `${f.num}/${f.den}`);
const admits = (b, count, base) => {
  const left = b.fraction.den * count;
  const right = b.fraction.num * base;
  return b.inclusive ? left >= right : left > right;
};
const exactly = (b, count, base) => b.fraction.den * count === b.fraction.num * base;
function formula(b) {
  const left = b.fraction.den === 1n ? 'v' : `${b.fraction.den}v`;
  const right = b.fraction.num === 1n ? 'N' : `${b.fraction.num}N`;
  return `${left} ${b.inclusive ? '>=' : '>'} ${right}`;
}
const pct = (f) => fracText(frac(f.num * 100n, f.den));

function cut(ranked, n) {
  if (n <= 0n || !ranked.length) return [[], []];
  if (BigInt(ranked.length) <= n) return [ranked.map(([x]) => x), []];
  const edge = ranked[Number(n) - 1][1];
  const above = ranked.filter(([, v]) => v > edge).map(([x]) => x);
  const at = ranked.filter(([, v]) => v === edge).map(([x]) => x);
  if (BigInt(above.length + at.length) <= n) return [[...above, ...at], []];
  return [above, at];
}

const reason = (code, vi, en, cite) => ({ code, text_vi: vi, text_en: en, cite: cite.key, verified: cite.verified });

/**
 * The record's `results` of a personnel round (§3.13, §3.13.1) from the column sums:
 * `present` = credentials issued, `returned` = counted ballots. StepCountsError when the
 * sums do not fit.
 */
export function stepResult(m, proc, sums, { present, returned }) {
  const step = proc.step(m.personnel.step);
  const names = m.officials.map((o) => o.id);
  const summoned = BigInt(m.summoned);
  const ret = BigInt(returned);
  const pres = BigInt(present);
  const valid = ret;
  if (sums.some((s) => s < 0n || s > ret)) throw new StepCountsError('a column sum exceeds the ballots counted');
  const tally = [];
  // a choose row with the blank column: its last sum is the blank ballots (§3.13)
  const blank = m.kind === 'choose_at_most' && m.personnel.blank_column === true ? sums[names.length] : null;
  if (m.kind === 'choose_at_most') {
    const total = sums.slice(0, names.length).reduce((a, x) => a + x, 0n);
    const marking = blank === null ? ret : ret - blank;
    if (blank !== null && total < marking) throw new StepCountsError('a ballot not blank names nobody');
    if (total > BigInt(m.personnel.k) * marking) throw new StepCountsError('more names than the ballots may carry');
    names.forEach((nm, j) => tally.push([nm, sums[j], null]));
  } else {
    names.forEach((nm, j) => {
      const a = sums[2 * j];
      const d = sums[2 * j + 1];
      if (a + d > ret) throw new StepCountsError(`${nm}: more marks than ballots`);
      tally.push([nm, a, d]);
    });
  }
  if (pres > summoned || ret > pres) throw new StepCountsError('the counts do not fit');
  if (m.kind === 'choose_at_most') {
    const k = step.k < BigInt(names.length) ? step.k : BigInt(names.length);
    if (tally.reduce((a, [, v]) => a + v, 0n) > k * valid) throw new StepCountsError('more names than the step allows');
  }
  const base = { summoned, present: pres, returned: ret, valid }[step.base];
  const reasons = [reason('step', `Bước ${step.number}: ${step.title_vi} (${BODIES[step.body]})`, `Step ${step.number}: ${step.title_en}`, step.cite)];
  const previous = step.candidatesFrom;
  if (previous !== null) {
    const prev = proc.step(previous);
    reasons.push(reason(
      'list_from_previous',
      `Danh sách gồm những người được chọn ở bước ${prev.number} (${prev.title_vi})`,
      `The list is who went on from step ${prev.number} (${prev.title_en})`,
      prev.cite,
    ));
  }
  // the last `write_ins` names are not on the earlier step's list (§3.13)
  const nWrite = Number(m.personnel.write_ins ?? 0);
  const extra = nWrite > 0 ? names.slice(names.length - nWrite) : [];
  if (previous !== null && step.writeIn !== null && extra.length) {
    const prev = proc.step(previous);
    reasons.push(reason(
      'write_ins',
      `Giới thiệu thêm người khác có đủ tiêu chuẩn, điều kiện (ngoài danh sách bước ${prev.number}): ${extra.join(', ')}`,
      `Also named, other eligible people (not on step ${prev.number}'s list): ${extra.join(', ')}`,
      step.writeIn.cite,
    ));
  }
  const votesOf = new Map(tally.map(([nm, v]) => [nm, v]));
  // a write-in the ordinary rule sends on must also reach the write-in threshold
  const writeInCheck = (going) => {
    if (!going.length) return [];
    const w = step.writeIn;
    const wBase = { summoned, present: pres, returned: ret, valid }[w.base];
    const f = w.threshold.fraction;
    const wText = `${w.threshold.inclusive ? 'tối thiểu' : 'trên'} ${f.num}/${f.den}`;
    const wFormula = formula(w.threshold);
    const ok = going.filter((nm) => admits(w.threshold, votesOf.get(nm), wBase));
    const short = going.filter((nm) => !ok.includes(nm));
    if (ok.length) {
      reasons.push(reason(
        'write_in_reached',
        `Người giới thiệu thêm đạt ${wText} ${BASES[w.base]} (${wFormula}, N = ${wBase}): ${ok.join(', ')}`,
        `Named from outside the list and reaching ${wFormula} with N = ${wBase}: ${ok.join(', ')}`,
        w.threshold.cite,
      ));
    }
    if (short.length) {
      reasons.push(reason(
        'write_in_below',
        `Người giới thiệu thêm không đạt ${wText} ${BASES[w.base]} (${wFormula}, N = ${wBase}): ${short.join(', ')} — ${ACTIONS[w.below.action]}`,
        `Named from outside the list, short of ${wFormula} with N = ${wBase}: ${short.join(', ')} — ${ACTIONS[w.below.action]}`,
        w.below.cite,
      ));
    }
    return short;
  };
  let results = [];
  const done = (status, { selected = [], advancing = [], concerned = [], nextStep = null, action = null } = {}) => {
    const sendsOn = nextStep !== null && nextStep !== step.id;
    if (extra.length && sendsOn && !(action !== null && PENDING.has(action))) {
      const short = writeInCheck(advancing.filter((nm) => extra.includes(nm)));
      if (short.length) {
        const below = step.writeIn.below.action;
        status = 'write_in_short';
        action = below;
        if (below === 'revote') {
          advancing = names;
          nextStep = step.id;
        } else {
          advancing = [];
          nextStep = null;
          concerned = PENDING.has(below) ? names : [];
        }
      }
    }
    const pending = action !== null && PENDING.has(action);
    return {
      procedure: proc.id,
      step: step.id,
      number: step.number,
      kind: m.kind,
      summoned,
      present: pres,
      returned: ret,
      invalid: 0n,
      valid,
      base,
      base_kind: step.base,
      candidates: results.map((r) => ({
        id: r.name,
        votes: r.votes,
        disagree: r.disagree,
        blank: r.disagree === null ? null : valid - r.votes - r.disagree,
        share: ((f) => `${f.num}/${f.den}`)(frac(r.votes, base)),
        percentage: formatPercent(r.votes, base),
        reached: r.reached,
        at_threshold: r.at,
      })),
      status,
      selected: [...selected],
      advancing: pending ? [] : [...advancing],
      concerned: [...concerned],
      next_step: pending ? null : nextStep,
      action,
      pending,
      previous_step: previous,
      announce_at_meeting: step.announce,
      reasons,
      ...(blank === null ? {} : { blank }),
    };
  };
  if (step.quorum !== null) {
    const q = step.quorum;
    const met = admits(q, pres, summoned);
    const op = q.inclusive ? '>=' : '>';
    reasons.push(reason(
      'quorum',
      `Số người có mặt ${pres}/${summoned} (${met ? 'đạt' : 'không đạt'} ${op} ${fracText(q.fraction)})`,
      `Present ${pres} of ${summoned} (${met ? 'met' : 'not met'}: ${op} ${fracText(q.fraction)})`,
      q.cite,
    ));
    if (!met) return done('quorum_not_met', { nextStep: step.id, action: 'revote' });
  }
  if (base === 0n) throw new StepCountsError('the base is zero: nothing can be decided');
  const thr = step.threshold;
  results = tally.map(([name, v, d]) => ({
    name,
    votes: v,
    disagree: d,
    reached: thr !== null && admits(thr, v, base),
    at: thr !== null && exactly(thr, v, base),
  }));
  reasons.push(reason('base', `Tỷ lệ tính trên ${BASES[step.base]}: N = ${base}`, `Shares are of ${BASES[step.base]}: N = ${base}`, step.baseCite));
  if (thr === null) {
    reasons.push(reason(
      'advisory',
      'Bước lấy ý kiến: kết quả được ghi nhận, không có ngưỡng',
      'Advisory step: the result is recorded, there is no threshold',
      step.cite,
    ));
    return done('recorded', { advancing: names, nextStep: step.next });
  }
  const shown = pct(thr.fraction);
  const thrVi = thr.inclusive ? `từ ${shown}% trở lên` : `trên ${shown}%`;
  reasons.push(reason('threshold', `Ngưỡng: ${thrVi} (${formula(thr)}, N = ${base})`, `Threshold: ${formula(thr)} with N = ${base}`, thr.cite));
  const ranked = results.map((r) => [r.name, r.votes])
    .sort((a, b) => (a[1] !== b[1] ? (a[1] > b[1] ? -1 : 1) : names.indexOf(a[0]) - names.indexOf(b[0])));
  const reached = new Set(results.filter((r) => r.reached).map((r) => r.name));
  const reaching = ranked.filter(([nm]) => reached.has(nm));
  let chosen;
  let tied;
  if (step.select === 'all_reaching') [chosen, tied] = [reaching.map(([nm]) => nm), []];
  else [chosen, tied] = cut(reaching, step.seats);
  const tieReason = (who) => reason(
    'tie',
    `Bằng phiếu ở vị trí cuối: ${who.join(', ')} — ${ACTIONS[step.tie.action]}`,
    `Tie at the cut: ${who.join(', ')} — ${ACTIONS[step.tie.action]}`,
    step.tie.cite,
  );
  const tieRoute = (clear, who) => (step.tie.action === 'revote' ? [who, step.id] : [[...clear, ...who], step.next]);
  if (tied.length) {
    reasons.push(tieReason(tied));
    const [advancing, nextStep] = tieRoute(chosen, tied);
    return done('tie', { selected: chosen, advancing, concerned: tied, nextStep, action: step.tie.action });
  }
  if (chosen.length && (step.select === 'all_reaching' || BigInt(chosen.length) === step.seats)) {
    reasons.push(reason('selected', `Đạt ngưỡng và được chọn: ${chosen.join(', ')}`, `Reached the threshold and selected: ${chosen.join(', ')}`, thr.cite));
    return done('passed', { selected: chosen, advancing: chosen, nextStep: step.next });
  }
  let at = results.filter((r) => r.at && !r.reached).map((r) => r.name);
  if (step.atThreshold !== null && step.atThreshold.tiedOnly && at.length < 2) at = [];
  if (step.atThreshold !== null && at.length) {
    const fb = step.atThreshold;
    reasons.push(reason(
      'at_threshold',
      `Đạt đúng ${shown}%: ${at.join(', ')} — ${ACTIONS[fb.action]}`,
      `Exactly at the threshold: ${at.join(', ')} — ${ACTIONS[fb.action]}`,
      fb.cite,
    ));
    return done('at_threshold', { selected: chosen, advancing: [...chosen, ...at], concerned: at, nextStep: step.next, action: fb.action });
  }
  let fb = step.noneReaches;
  reasons.push(reason(
    'none_reaches',
    `Không đủ người đạt ngưỡng (${chosen.length}/${step.seats}) — ${ACTIONS[fb.action]}`,
    `Too few reached the threshold (${chosen.length} of ${step.seats}) — ${ACTIONS[fb.action]}`,
    fb.cite,
  ));
  if (fb.action === 'top_n') {
    const [top, topTied] = cut(ranked.filter(([, v]) => v > 0n), fb.n);
    if (topTied.length) {
      reasons.push(tieReason(topTied));
      const [advancing, nextStep] = tieRoute(top, topTied);
      return done('tie', { selected: chosen, advancing, concerned: topTied, nextStep, action: step.tie.action });
    }
    return done('none_reached', { selected: chosen, advancing: top, nextStep: step.next, action: fb.action });
  }
  if (fb.action === 'all_above_floor') {
    const floor = fb.floor;
    const floorVi = floor.inclusive ? `từ ${pct(floor.fraction)}% trở lên` : `trên ${pct(floor.fraction)}%`;
    const floorEn = formula(floor);
    const above = ranked.filter(([, v]) => admits(floor, v, base)).map(([nm]) => nm);
    if (above.length) {
      reasons.push(reason(
        'floor',
        `Đạt mức sàn ${floorVi}: ${above.join(', ')}`,
        `At or above the floor (${floorEn}, N = ${base}): ${above.join(', ')}`,
        fb.cite,
      ));
      return done('none_reached', { selected: chosen, advancing: above, nextStep: step.next, action: fb.action });
    }
    fb = step.belowFloor;
    reasons.push(reason(
      'below_floor',
      `Không ai đạt mức sàn ${floorVi} — ${ACTIONS[fb.action]}`,
      `Nobody reached the floor (${floorEn}, N = ${base}) — ${ACTIONS[fb.action]}`,
      fb.cite,
    ));
  }
  if (fb.action === 'revote') return done('none_reached', { selected: chosen, advancing: names, nextStep: step.id, action: fb.action });
  if (fb.action === 'all_advance') return done('none_reached', { selected: chosen, advancing: names, nextStep: step.next, action: fb.action });
  return done('none_reached', { selected: chosen, concerned: PENDING.has(fb.action) ? names : [], action: fb.action });
}
