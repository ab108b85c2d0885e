// Reading a record file (docs/record-format.md §1, §4 step 0): gzip or not, UTF-8, and
// JSON in the record's dialect. Anything that breaks §1 is "unreadable" (exit class 2).
// Written from the specification; it shares no code with the Python reader.

/** The record cannot be read as a record: exit class 2. */
export class Unreadable extends Error {
  constructor(message, where = 'record') {
    super(message);
    this.name = 'Unreadable';
    this.where = where;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes to text; a byte-order mark or invalid UTF-8 is unreadable. */
export function decodeUtf8(bytes) {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    throw new Unreadable('the file starts with a UTF-8 byte-order mark (§1: none is allowed)');
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new Unreadable('not valid UTF-8');
  }
}

/** Whether bytes start as gzip does (1f 8b). */
export function isGzip(bytes) {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const NON_ASCII = /[^\x00-\x7f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/;

function checkString(s) {
  if (NON_ASCII.test(s)) {
    if (LONE_SURROGATE.test(s)) throw new Unreadable('a string holds a lone surrogate (not UTF-8 text)');
    if (s.normalize('NFC') !== s) throw new Unreadable('a string is not in Unicode NFC (§1)');
  }
  return s;
}

/**
 * Parse JSON text in the record's dialect (RFC 8259; integers only: no fraction, no
 * exponent, no NaN or Infinity; no key twice in one object; every string in NFC).
 * Integers beyond 2^53 come back as BigInt. Objects have no prototype, so a key such as
 * "__proto__" is an ordinary key.
 */
export function parseStrictJson(text) {
  let i = 0;
  const n = text.length;
  const fail = (what) => {
    throw new Unreadable(`not valid JSON in the record's dialect: ${what} at character ${i}`);
  };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
      else return;
    }
  };
  const str = () => {
    // at the opening quote
    i += 1;
    let start = i;
    let out = '';
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i += 1;
        return checkString(out);
      }
      if (c < 0x20) fail('a control character inside a string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const h = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('a bad \\u escape');
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
            break;
          }
          default: fail('a bad escape');
        }
        start = i;
      } else {
        i += 1;
      }
    }
  };
  const num = () => {
    const start = i;
    if (text[i] === '-') i += 1;
    if (text[i] === '0') i += 1;
    else if (text[i] >= '1' && text[i] <= '9') {
      while (text[i] >= '0' && text[i] <= '9') i += 1;
    } else fail('a bad number');
    const c = text[i];
    if (c === '.' || c === 'e' || c === 'E') fail('a number with a fraction or exponent (§1: integers only)');
    const digits = text.slice(start, i);
    if (digits.length > 4300) fail('an integer of more than 4300 digits');
    const v = Number(digits);
    if (Number.isSafeInteger(v)) return v === 0 ? 0 : v;
    return BigInt(digits);
  };
  const value = (depth) => {
    if (depth > 512) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i += 1;
      const obj = Object.create(null);
      ws();
      if (text[i] === '}') { i += 1; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = str();
        if (Object.prototype.hasOwnProperty.call(obj, key)) {
          throw new Unreadable(`the key ${JSON.stringify(key)} appears twice in one object (§1)`);
        }
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i += 1;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === '}') { i += 1; return obj; }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i += 1;
      const arr = [];
      ws();
      if (text[i] === ']') { i += 1; return arr; }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === ']') { i += 1; return arr; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c >= '0' && c <= '9')) return num();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    fail('unexpected input');
    return undefined;
  };
  const result = value(0);
  ws();
  if (i !== n) fail('extra data after the document');
  return result;
}

/** Python-style type name test helpers used across the verifier. */
export const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isInt = (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
