// Rule versions (docs/rules.md): the grammar of a rule file, checked whole, and the
// evaluator that turns one official's counts into the base N, the percentages, the
// quorum, the band and its consequences — exact integer arithmetic throughout (BigInt).
import { parseToml } from './toml.js';

export class RuleInvalid extends Error {
  constructor(key, message) {
    super(`${key}: ${message}`);
    this.name = 'RuleInvalid';
    this.key = key;
  }
}

// "Empty" for a text key means nothing but white space, as rules.md defines it.
const SPACE_ONLY = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;
const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const KEY = ID;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const FRACTION = /^[0-9]+(?:\/[0-9]+|\.[0-9]+)?$/;

const isTable = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isInt = (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';

function gcd(a, b) {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
}

/** An exact fraction {num, den} (BigInt, den > 0, reduced). */
export function frac(num, den = 1n) {
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

function parseFraction(text) {
  if (text.includes('/')) {
    const [a, b] = text.split('/');
    return { num: BigInt(a), den: BigInt(b) };
  }
  if (text.includes('.')) {
    const [a, b] = text.split('.');
    return { num: BigInt(a + b), den: 10n ** BigInt(b.length) };
  }
  return { num: BigInt(text), den: 1n };
}

export class Table {
  constructor(data, path) {
    this.data = data;
    this.path = path;
    this.used = new Set();
  }

  key(name) { return this.path ? `${this.path}.${name}` : name; }

  error(name, message) { return new RuleInvalid(this.key(name), message); }

  has(name) { return Object.prototype.hasOwnProperty.call(this.data, name); }

  raw(name, required = true) {
    this.used.add(name);
    if (!this.has(name)) {
      if (required) throw this.error(name, 'missing required key');
      return undefined;
    }
    return this.data[name];
  }

  text(name, required = true, dflt = '') {
    const v = this.raw(name, required);
    if (v === undefined) return dflt;
    if (typeof v !== 'string') throw this.error(name, 'expected a string');
    if (required && SPACE_ONLY.test(v)) throw this.error(name, 'must not be empty');
    return v;
  }

  flag(name, required = true, dflt = false) {
    const v = this.raw(name, required);
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw this.error(name, 'expected true or false');
    return v;
  }

  whole(name, required = true) {
    const v = this.raw(name, required);
    if (v === undefined) return null;
    if (!isInt(v) || v < 0) throw this.error(name, 'expected a whole number >= 0');
    return BigInt(v);
  }

  fraction(name) {
    const v = this.raw(name);
    if (typeof v !== 'string') throw this.error(name, 'a fraction is a string such as "2/3"');
    if (!FRACTION.test(v)) throw this.error(name, `"${v}" is not a fraction such as "2/3" or "0.2"`);
    const f = parseFraction(v);
    if (f.den === 0n) throw this.error(name, 'divides by zero');
    const r = frac(f.num, f.den);
    if (r.num > r.den) throw this.error(name, 'is outside 0..1');
    return r;
  }

  enum(name, choices, dflt = null) {
    const v = this.text(name, dflt === null, dflt ?? '');
    if (!choices.includes(v)) throw this.error(name, `'${v}' is not one of: ${choices.join(', ')}`);
    return v;
  }

  table(name, required = true) {
    const v = this.raw(name, required);
    if (v === undefined) return null;
    if (!isTable(v)) throw this.error(name, 'expected a table');
    return new Table(v, this.key(name));
  }

  tables(name, required = true) {
    const v = this.raw(name, required);
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isTable)) throw this.error(name, 'expected an array of tables');
    return v.map((t, i) => new Table(t, `${this.key(name)}[${i + 1}]`));
  }

  strings(name) {
    const v = this.raw(name, false);
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw this.error(name, 'expected an array of strings');
    return v;
  }

  done() {
    for (const name of Object.keys(this.data)) {
      if (!this.used.has(name)) throw this.error(name, 'unknown key');
    }
  }
}

const SOURCE_KINDS = ['official_text', 'verbatim_quote', 'paraphrase', 'not_found', 'unchecked'];
const FOLLOW_UPS = ['none', 'possible', 'if_not_resigned', 'required'];
const EXEMPTION_KINDS = ['retirement_notice', 'took_office_in_poll_year', 'serious_illness', 'in_post_under'];

export class Citations {
  constructor(table) {
    this.byKey = new Map();
    if (table === null) return;
    for (const key of Object.keys(table.data)) {
      const sub = table.table(key);
      if (!KEY.test(key)) throw table.error(key, 'a citation key is lower-case letters, digits, "-", "."');
      this.byKey.set(key, { ...citation(sub), key });
    }
    table.done();
  }

  get(t, name, required = true) {
    const text = t.text(name, required);
    if (!text) return null;
    if (this.byKey.has(text)) return this.byKey.get(text);
    if (KEY.test(text)) throw t.error(name, `no [citations.${text}] table in this file`);
    return { verified: false, free: true, key: '' };
  }
}

function citation(t) {
  const kind = t.enum('source_kind', SOURCE_KINDS);
  t.text('document');
  const date = t.text('date', false);
  for (const k of ['article', 'clause']) t.text(k, false);
  const quote = t.text('quote', false);
  const url = t.text('url', false);
  t.text('source', false);
  const verified = t.flag('verified');
  t.text('note', false);
  if (date && !DATE.test(date)) throw t.error('date', 'is not YYYY-MM-DD');
  if (verified) {
    if (!['official_text', 'verbatim_quote'].includes(kind)) throw t.error('verified', 'only official_text or verbatim_quote can be verified');
    if (SPACE_ONLY.test(quote)) throw t.error('quote', 'a verified citation needs the quote');
    if (SPACE_ONLY.test(url)) throw t.error('url', 'a verified citation needs where it was read');
  }
  t.done();
  return { verified };
}

function bound(t) {
  if (t === null) return null;
  const b = { fraction: t.fraction('fraction'), inclusive: t.flag('inclusive') };
  t.done();
  return b;
}

// fractions compare exactly
const lt = (a, b) => a.num * b.den < b.num * a.den;
const eq = (a, b) => a.num * b.den === b.num * a.den;
const ZERO = { num: 0n, den: 1n };
const ONE = { num: 1n, den: 1n };

function interval(band) {
  const lo = band.lower ? [band.lower.fraction, band.lower.inclusive] : [ZERO, true];
  const hi = band.upper ? [band.upper.fraction, band.upper.inclusive] : [ONE, true];
  return [lo[0], lo[1], hi[0], hi[1]];
}

function empty(lo, loInc, hi, hiInc) {
  return lt(hi, lo) || (eq(lo, hi) && !(loInc && hiInc));
}

function overlap(a, b) {
  const [alo, aloInc, ahi, ahiInc] = interval(a);
  const [blo, bloInc, bhi, bhiInc] = interval(b);
  const lo = lt(alo, blo) ? blo : alo;
  const loInc = (aloInc || !eq(alo, lo)) && (bloInc || !eq(blo, lo));
  const hi = lt(ahi, bhi) ? ahi : bhi;
  const hiInc = (ahiInc || !eq(ahi, hi)) && (bhiInc || !eq(bhi, hi));
  return !empty(lo, loInc, hi, hiInc);
}

function consequence(t, cites) {
  cites.get(t, 'citation');
  const c = {
    code: t.text('code'),
    vi: t.text('vi'),
    en: t.text('en'),
    mandatory: t.flag('mandatory', false),
    resignation: t.flag('resignation', false),
  };
  t.done();
  return c;
}

function bandOf(t, levels, defaultMeasure, cites) {
  const measure = t.text('measure', false, defaultMeasure);
  if (!levels.includes(measure)) throw t.error('measure', 'is not a level of this rule');
  const band = {
    id: t.text('id'),
    title_vi: t.text('title_vi'),
    title_en: t.text('title_en'),
    measure,
    lower: bound(t.table('lower', false)),
    upper: bound(t.table('upper', false)),
    consequences: t.tables('consequences').map((c) => consequence(c, cites)),
    formal_vote: t.enum('formal_vote', FOLLOW_UPS, 'none'),
  };
  cites.get(t, 'citation', false);
  if (band.lower === null && band.upper === null) throw t.error('lower', 'a band needs a lower or an upper bound');
  if (empty(...interval(band))) throw t.error('upper', 'the band is empty');
  if (!band.consequences.length) throw t.error('consequences', 'a band needs at least one consequence');
  t.done();
  return band;
}

/**
 * Parse and check a rule text (a record's `rule.text` or a rule file): one leading
 * U+FEFF is dropped, the rest must be TOML and a rule of format 1. Throws RuleInvalid.
 */
export function parseRule(text) {
  let data;
  try {
    data = parseToml(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (err) {
    throw new RuleInvalid('(toml)', err.message);
  }
  const top = new Table(data, '');
  const format = top.whole('format');
  if (format !== 1n) throw top.error('format', 'unsupported format');
  const id = top.text('id');
  if (!ID.test(id)) throw top.error('id', 'must be lower-case letters, digits, "-", "." or "_"');
  const kind = top.enum('kind', ['poll', 'formal_vote']);
  const allowed = kind === 'poll' ? ['high', 'confident', 'low'] : ['confidence', 'no_confidence'];
  const labels = top.tables('levels').map((lt2) => {
    const l = { code: lt2.text('code'), vi: lt2.text('vi'), en: lt2.text('en') };
    lt2.done();
    return l;
  });
  const codes = labels.map((l) => l.code);
  if ([...codes].sort().join('\n') !== [...allowed].sort().join('\n')) {
    throw top.error('levels', `a ${kind} rule has exactly the levels ${allowed.join(', ')}`);
  }
  const defaultMeasure = kind === 'poll' ? 'low' : 'no_confidence';
  const cites = new Citations(top.table('citations', false));
  const bands = top.tables('bands').map((b) => bandOf(b, codes, defaultMeasure, cites));
  for (let a = 0; a < bands.length; a += 1) {
    for (let b = a + 1; b < bands.length; b += 1) {
      if (bands[a].id === bands[b].id) throw new RuleInvalid(`bands[${b + 1}].id`, 'duplicate band id');
      if (bands[a].measure !== bands[b].measure) throw new RuleInvalid(`bands[${b + 1}].measure`, 'all bands measure the same level');
      if (overlap(bands[a], bands[b])) throw new RuleInvalid(`bands[${b + 1}]`, 'overlaps an earlier band');
    }
  }
  const src = top.table('source');
  src.text('document');
  src.text('issuer');
  src.text('date');
  src.text('url', false);
  const verified = src.flag('verified');
  src.strings('uncertain');
  src.done();
  if (verified) {
    const unchecked = [...cites.byKey.values()].filter((c) => !c.verified);
    if (unchecked.length || cites.byKey.size === 0) throw src.error('verified', 'the rule is marked verified but its citations are not');
  }
  const quorumT = top.table('quorum');
  const resT = top.table('resignation');
  const closed = resT.flag('closed_by_mandatory');
  cites.get(resT, 'citation', closed);
  const resignationText = { vi: resT.text('vi', closed), en: resT.text('en', closed) };
  resT.done();
  for (const tt of top.tables('formal_triggers', false)) {
    cites.get(tt, 'citation');
    tt.text('vi');
    tt.text('en');
    tt.text('body', false);
    tt.done();
  }
  for (const rt of top.tables('request_thresholds', false)) {
    cites.get(rt, 'citation');
    rt.text('body');
    rt.fraction('fraction');
    rt.flag('inclusive');
    rt.done();
  }
  for (const lt2 of top.tables('time_limits', false)) {
    cites.get(lt2, 'citation');
    lt2.text('code');
    lt2.text('vi');
    lt2.text('en');
    lt2.done();
  }
  let quorum = null;
  if (!quorumT.flag('required')) {
    cites.get(quorumT, 'citation', false);
    quorumT.done();
  } else {
    cites.get(quorumT, 'citation');
    quorum = { fraction: quorumT.fraction('fraction'), inclusive: quorumT.flag('inclusive') };
    quorumT.done();
  }
  const formalRule = top.text('formal_rule', false) || null;
  if (formalRule !== null && !ID.test(formalRule)) throw top.error('formal_rule', 'is not a rule id');
  top.text('title_vi');
  top.text('title_en');
  const denominator = top.enum('denominator', ['returned', 'members']);
  for (const et of top.tables('exemptions', false)) {
    const ek = et.enum('kind', EXEMPTION_KINDS);
    const needs = ek === 'serious_illness' || ek === 'in_post_under';
    const months = et.whole('months', needs);
    if (!needs && months !== null) throw et.error('months', 'this kind takes no months');
    cites.get(et, 'citation');
    et.text('code');
    et.text('vi');
    et.text('en');
    et.done();
  }
  const blankRow = top.enum('blank_row', ['invalid', 'no_mark']);
  const invalidRowsInBase = top.flag('invalid_rows_in_base');
  top.text('applies_to_vi');
  top.text('applies_to_en');
  cites.get(top, 'denominator_citation', false);
  top.done();
  return {
    id, kind, levels: codes, labels, denominator, quorum, bands, blankRow, invalidRowsInBase,
    resignationClosed: closed, resignationText, formalRule,
  };
}

// ------------------------------------------------------------------------ the evaluator

/** count/base as a percentage with two decimals, rounded half up ("81.03"). */
export function formatPercent(count, base) {
  if (base === 0n) return '0.00';
  // scaled = count·10000/base; rounded = floor((2·num + den) / (2·den))
  const num = count * 10000n;
  const rounded = (2n * num + base) / (2n * base);
  const whole = rounded / 100n;
  const fr = rounded % 100n;
  return `${whole}.${fr.toString().padStart(2, '0')}`;
}

function quorumMet(q, present, summoned) {
  const left = q.fraction.den * present;
  const right = q.fraction.num * summoned;
  return q.inclusive ? left >= right : left > right;
}

function admitsFromBelow(b, count, base) {
  const left = b.fraction.den * count;
  const right = b.fraction.num * base;
  return b.inclusive ? left >= right : left > right;
}

function admitsFromAbove(b, count, base) {
  const left = b.fraction.den * count;
  const right = b.fraction.num * base;
  return b.inclusive ? left <= right : left < right;
}

function contains(band, count, base) {
  if (band.lower && !admitsFromBelow(band.lower, count, base)) return false;
  return band.upper === null || admitsFromAbove(band.upper, count, base);
}

/** Thrown when the counts do not fit the rule's base (record-format §4 step 11). */
export class CountsError extends Error {}

/**
 * One official's result (record-format §3.9): `counts` maps level → BigInt,
 * blank rows, issued, returned, members (the manifest's, or summoned), summoned.
 */
export function evaluate(rule, { counts, blank, issued, returned, members, summoned }) {
  let quorumStatus = 'not_required';
  if (rule.quorum !== null) {
    quorumStatus = quorumMet(rule.quorum, issued, summoned) ? 'met' : 'not_met';
  }
  const levels = Object.keys(counts);
  if (returned === 0n) {
    const base = rule.denominator === 'members' ? members : 0n;
    return {
      base, band: null, consequences: [], formal_vote: 'none', quorum: quorumStatus,
      percentages: Object.fromEntries(levels.map((l) => [l, '0.00'])),
    };
  }
  const invalid = rule.blankRow === 'invalid' ? blank : 0n;
  const marked = levels.reduce((s, l) => s + counts[l], 0n) + invalid;
  if (returned > issued) throw new CountsError('returned exceeds issued');
  if (issued > members) throw new CountsError('issued exceeds members');
  if (returned > members) throw new CountsError('returned exceeds members');
  if (issued > summoned) throw new CountsError('present exceeds summoned');
  if (marked > returned) throw new CountsError('marks exceed returned');
  let base;
  if (rule.denominator === 'returned') {
    base = returned;
    if (!rule.invalidRowsInBase) base = returned - invalid;
  } else {
    base = members;
    if (marked > members) throw new CountsError('marks exceed members');
    if (base === 0n) throw new CountsError('the base is zero');
  }
  const percentages = Object.fromEntries(levels.map((l) => [l, formatPercent(counts[l], base)]));
  let band = null;
  let consequences = [];
  if (quorumStatus !== 'not_met' && base > 0n) {
    band = rule.bands.find((b) => contains(b, counts[b.measure], base)) ?? null;
  }
  if (band !== null) {
    consequences = band.consequences;
    if (rule.resignationClosed && consequences.some((c) => c.mandatory)) {
      consequences = [...consequences.filter((c) => !c.resignation), { code: 'resignation_closed' }];
    }
  }
  return {
    base,
    band: band ? band.id : null,
    consequences: consequences.map((c) => c.code),
    formal_vote: band ? band.formal_vote : 'none',
    quorum: quorumStatus,
    percentages,
  };
}
