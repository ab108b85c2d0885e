// Step 0 of the verification (record-format.md §4): the record's JSON Schema
// (docs/record.schema.json, draft 2020-12, the keywords it uses) and the orders the
// format states that a schema cannot. The failure named is the first in document order
// (§4.2): paths compare element by element, an array index before an object key, keys by
// code point, a path before any path it contains; at one path, the first keyword of the
// schema object in its written order; inside oneOf/anyOf, the deepest failure of the
// alternatives (the first alternative on a tie).
import { isInt, isObj } from './json.js';

export class Invalid extends Error {
  /** A check failed: exit class 1. `check` is the step, `where` the field. */
  constructor(check, where, message) {
    super(message);
    this.name = 'Invalid';
    this.check = check;
    this.where = where;
  }
}

const typeOk = {
  object: isObj,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: isInt,
  null: (v) => v === null,
  boolean: (v) => typeof v === 'boolean',
  number: (v) => typeof v === 'number' || typeof v === 'bigint',
};

function jsonEqual(a, b) {
  if (isInt(a) && isInt(b)) return BigInt(a) === BigInt(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

const regexCache = new Map();
function regex(p) {
  let r = regexCache.get(p);
  if (!r) {
    r = new RegExp(p, 'u');
    regexCache.set(p, r);
  }
  return r;
}

/**
 * Every failure of `instance` against `schema`, in the order the keywords are written.
 * A failure is {path: [...], alt: alternative index or null, extra: a key to append,
 * context: failures of oneOf/anyOf alternatives}.
 */
function errors(root, schema, instance, path, out) {
  if (schema === true) return;
  if (schema === false) {
    out.push({ path, kind: 'false' });
    return;
  }
  for (const key of Object.keys(schema)) {
    const v = schema[key];
    switch (key) {
      case '$ref': {
        const name = v.replace('#/$defs/', '');
        errors(root, root.$defs[name], instance, path, out);
        break;
      }
      case 'type': {
        const types = Array.isArray(v) ? v : [v];
        if (!types.some((t) => typeOk[t](instance))) out.push({ path, kind: 'type' });
        break;
      }
      case 'const':
        if (!jsonEqual(instance, v)) out.push({ path, kind: 'const' });
        break;
      case 'enum':
        if (!v.some((x) => jsonEqual(x, instance))) out.push({ path, kind: 'enum' });
        break;
      case 'pattern':
        if (typeof instance === 'string' && !regex(v).test(instance)) out.push({ path, kind: 'pattern' });
        break;
      case 'minLength':
        if (typeof instance === 'string' && Array.from(instance).length < v) out.push({ path, kind: 'minLength' });
        break;
      case 'minimum':
        if ((typeof instance === 'number' || typeof instance === 'bigint') && instance < v) {
          out.push({ path, kind: 'minimum' });
        }
        break;
      case 'minItems':
        if (Array.isArray(instance) && instance.length < v) out.push({ path, kind: 'minItems' });
        break;
      case 'uniqueItems':
        if (v && Array.isArray(instance)) {
          let dup = false;
          for (let a = 0; a < instance.length && !dup; a += 1) {
            for (let b = a + 1; b < instance.length; b += 1) {
              if (jsonEqual(instance[a], instance[b])) { dup = true; break; }
            }
          }
          if (dup) out.push({ path, kind: 'uniqueItems' });
        }
        break;
      case 'required':
        if (isObj(instance)) {
          for (const k of v) {
            if (!Object.prototype.hasOwnProperty.call(instance, k)) out.push({ path, kind: 'required' });
          }
        }
        break;
      case 'properties':
        if (isObj(instance)) {
          for (const k of Object.keys(v)) {
            if (Object.prototype.hasOwnProperty.call(instance, k)) errors(root, v[k], instance[k], [...path, k], out);
          }
        }
        break;
      case 'additionalProperties':
        if (isObj(instance)) {
          const known = schema.properties ? Object.keys(schema.properties) : [];
          const extra = Object.keys(instance).filter((k) => !known.includes(k));
          if (v === false) {
            if (extra.length) out.push({ path, kind: 'additionalProperties', extra: extra.sort(byCodePoint)[0] });
          } else {
            for (const k of extra) errors(root, v, instance[k], [...path, k], out);
          }
        }
        break;
      case 'propertyNames':
        if (isObj(instance)) {
          for (const k of Object.keys(instance)) {
            const sub = [];
            errors(root, v, k, path, sub);
            for (const e of sub) out.push({ ...e, extra: k });
          }
        }
        break;
      case 'items':
        if (Array.isArray(instance)) {
          instance.forEach((item, idx) => errors(root, v, item, [...path, idx], out));
        }
        break;
      case 'oneOf':
      case 'anyOf': {
        const context = [];
        let valid = 0;
        v.forEach((alt, a) => {
          const sub = [];
          errors(root, alt, instance, path, sub);
          if (sub.length === 0) valid += 1;
          for (const e of sub) context.push({ ...e, alt: a });
        });
        if (valid === 0) out.push({ path, kind: key, context });
        else if (key === 'oneOf' && valid > 1) out.push({ path, kind: key, context: [] });
        break;
      }
      default:
        break; // annotations: $schema, $id, title, description, $defs
    }
  }
}

function byCodePoint(a, b) {
  const ca = Array.from(a, (c) => c.codePointAt(0));
  const cb = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(ca.length, cb.length); i += 1) {
    if (ca[i] !== cb[i]) return ca[i] - cb[i];
  }
  return ca.length - cb.length;
}

function comparePaths(p, q) {
  for (let i = 0; i < Math.min(p.length, q.length); i += 1) {
    const a = p[i];
    const b = q[i];
    const ta = typeof a === 'number' ? 0 : 1;
    const tb = typeof b === 'number' ? 0 : 1;
    if (ta !== tb) return ta - tb;
    if (ta === 0) {
      if (a !== b) return a - b;
    } else {
      const c = byCodePoint(a, b);
      if (c !== 0) return c;
    }
  }
  return p.length - q.length;
}

function descend(e) {
  let cur = e;
  while (cur.context && cur.context.length) {
    let best = null;
    for (const c of cur.context) {
      if (best === null || c.path.length > best.path.length
          || (c.path.length === best.path.length && c.alt < best.alt)) best = c;
    }
    cur = best;
  }
  return cur;
}

/** `a.b[3].c` from ["a", "b", 3, "c"]; the empty path is "record". */
export function jsonPath(parts) {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${p}` : String(p);
  }
  return out || 'record';
}

/** The first failure of the record against the schema, or null. */
export function firstSchemaFailure(schema, record, { sub = schema, prefix = [] } = {}) {
  const out = [];
  errors(schema, sub, record, prefix, out);
  let best = null;
  for (const e of out) {
    const d = descend(e);
    if (best === null || comparePaths(d.path, best.path) < 0) best = d;
  }
  if (best === null) return null;
  const parts = best.extra !== undefined ? [...best.path, best.extra] : best.path;
  return { where: jsonPath(parts), kind: best.kind };
}

/** Step 0 after the schema: the orders of record-format.md §4 step 0 (check "schema"). */
export function checkOrders(data) {
  const fail = (where, message) => { throw new Invalid('schema', where, message); };
  const manifest = data.manifest;
  const n = manifest.committee.members.length;
  const t = manifest.committee.threshold;
  const committee = data.committee;
  for (const name of ['commits', 'reveals']) {
    const items = committee[name];
    items.forEach((item, i) => {
      if (item.member !== i + 1) fail(`committee.${name}[${i}].member`, `${name} are one per member, in member order`);
    });
    if (items.length !== n) {
      fail(items.length > n ? `committee.${name}[${n}]` : `committee.${name}`, `exactly one ${name} per member`);
    }
  }
  committee.reveals.forEach((reveal, i) => {
    const others = [];
    for (let m = 1; m <= n; m += 1) if (m !== i + 1) others.push(String(m));
    const keys = Object.keys(reveal.shares);
    const same = keys.length === others.length && others.every((k) => keys.includes(k));
    if (!same) {
      const extra = keys.filter((k) => !others.includes(k)).sort(byCodePoint);
      const where = `committee.reveals[${i}].shares`;
      fail(extra.length ? `${where}.${extra[0]}` : where, 'sealed shares go to exactly every other member');
    }
    if (reveal.commitments.length !== BigInt(t) && reveal.commitments.length !== t) {
      fail(`committee.reveals[${i}].commitments`, `exactly t = ${t} commitments are needed`);
    }
  });
  const keys = Object.keys(committee.key.verification_keys);
  const wanted = [];
  for (let m = 1; m <= n; m += 1) wanted.push(String(m));
  if (keys.length !== wanted.length || !wanted.every((k) => keys.includes(k))) {
    fail('committee.key.verification_keys', `one key for each member 1 … ${n}`);
  }
  const present = data.decryption.present;
  for (let i = 1; i < present.length; i += 1) {
    if (!(present[i - 1] < present[i])) fail('decryption.present', 'the members ascend');
  }
  for (const [name, items] of [['decryption.shares', data.decryption.shares], ['signatures', data.signatures]]) {
    items.forEach((item, i) => {
      if (i >= present.length) fail(`${name}[${i}]`, `member ${item.member} is not in present`);
      if (!jsonEqual(item.member, present[i])) fail(`${name}[${i}].member`, 'one per member of present, in its order');
    });
    if (items.length < present.length) fail(name, `member ${present[items.length]} of present is missing`);
  }
}
