// A TOML 1.0 reader for rule texts (docs/rules.md, "The file format"). A rule holds only
// strings, integers, booleans, arrays and tables; a float or a date-time is never a valid
// value of any rule key, so this reader refuses them outright (the rule is then invalid,
// as it would be one step later). Written from the TOML 1.0 specification.

export class TomlError extends Error {
  constructor(message, line) {
    super(`${message} (line ${line})`);
    this.name = 'TomlError';
  }
}

const BARE = /[A-Za-z0-9_-]/;

// Marks: which tables were defined explicitly ([a]), by an array of tables, by dotted
// keys, or inline (closed), so that redefinitions are refused as TOML 1.0 says.
const META = Symbol('toml');

function newTable(kind) {
  const t = Object.create(null);
  Object.defineProperty(t, META, { value: { kind, explicit: false }, enumerable: false });
  return t;
}

function isTable(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && v[META] !== undefined;
}

export function parseToml(text) {
  let i = 0;
  let line = 1;
  const n = text.length;
  const fail = (m) => { throw new TomlError(m, line); };
  const peek = (k = 0) => text[i + k];

  const skipWs = () => { while (peek() === ' ' || peek() === '\t') i += 1; };
  const skipComment = () => {
    if (peek() !== '#') return;
    i += 1;
    while (i < n && peek() !== '\n') {
      const c = text.charCodeAt(i);
      if (c === 0x0d && peek(1) === '\n') break;
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) fail('a control character in a comment');
      i += 1;
    }
  };
  const newline = () => {
    if (peek() === '\n') { i += 1; line += 1; return true; }
    if (peek() === '\r' && peek(1) === '\n') { i += 2; line += 1; return true; }
    return false;
  };
  const endOfLine = () => {
    skipWs();
    skipComment();
    if (i >= n) return;
    if (!newline()) fail('expected the end of the line');
  };
  // whitespace, comments and newlines inside arrays
  const skipWsNl = () => {
    for (;;) {
      skipWs();
      skipComment();
      if (!newline()) return;
    }
  };

  const checkChar = (c, multiline) => {
    const code = c.charCodeAt(0);
    if (code === 0x09) return;
    if (multiline && (code === 0x0a)) return;
    if (code < 0x20 || code === 0x7f) fail('a control character in a string');
  };

  const escape = () => {
    // at the backslash
    const e = peek(1);
    i += 2;
    switch (e) {
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const h = text.slice(i, i + len);
        if (h.length !== len || !/^[0-9A-Fa-f]+$/.test(h)) fail('a bad unicode escape');
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail('an escape that is not a Unicode scalar value');
        i += len;
        return String.fromCodePoint(cp);
      }
      default:
        fail('a bad escape');
    }
    return '';
  };

  const basicString = () => {
    i += 1;
    let out = '';
    for (;;) {
      if (i >= n) fail('an unterminated string');
      const c = peek();
      if (c === '"') { i += 1; return out; }
      if (c === '\\') { out += escape(); continue; }
      if (c === '\n' || c === '\r') fail('a newline in a one-line string');
      checkChar(c, false);
      out += c;
      i += 1;
    }
  };
  const literalString = () => {
    i += 1;
    let out = '';
    for (;;) {
      if (i >= n) fail('an unterminated string');
      const c = peek();
      if (c === "'") { i += 1; return out; }
      if (c === '\n' || c === '\r') fail('a newline in a one-line string');
      checkChar(c, false);
      out += c;
      i += 1;
    }
  };
  const multiBasic = () => {
    i += 3;
    if (peek() === '\n') { i += 1; line += 1; } else if (peek() === '\r' && peek(1) === '\n') { i += 2; line += 1; }
    let out = '';
    for (;;) {
      if (i >= n) fail('an unterminated string');
      if (text.startsWith('"""', i)) {
        // up to two more quotes belong to the string
        let q = 3;
        while (peek(q) === '"' && q < 5) q += 1;
        out += '"'.repeat(q - 3);
        i += q;
        return out;
      }
      const c = peek();
      if (c === '\\') {
        // line-ending backslash: trim whitespace and newlines that follow
        let j = i + 1;
        while (text[j] === ' ' || text[j] === '\t') j += 1;
        if (text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n')) {
          i = j;
          for (;;) {
            if (peek() === ' ' || peek() === '\t') i += 1;
            else if (!newline()) break;
          }
          continue;
        }
        out += escape();
        continue;
      }
      if (c === '\r') {
        if (peek(1) !== '\n') fail('a bare carriage return');
        out += '\n';
        i += 2;
        line += 1;
        continue;
      }
      if (c === '\n') line += 1;
      checkChar(c, true);
      out += c;
      i += 1;
    }
  };
  const multiLiteral = () => {
    i += 3;
    if (peek() === '\n') { i += 1; line += 1; } else if (peek() === '\r' && peek(1) === '\n') { i += 2; line += 1; }
    let out = '';
    for (;;) {
      if (i >= n) fail('an unterminated string');
      if (text.startsWith("'''", i)) {
        let q = 3;
        while (peek(q) === "'" && q < 5) q += 1;
        out += "'".repeat(q - 3);
        i += q;
        return out;
      }
      const c = peek();
      if (c === '\r') {
        if (peek(1) !== '\n') fail('a bare carriage return');
        out += '\n';
        i += 2;
        line += 1;
        continue;
      }
      if (c === '\n') line += 1;
      checkChar(c, true);
      out += c;
      i += 1;
    }
  };

  const key = () => {
    const parts = [];
    for (;;) {
      skipWs();
      const c = peek();
      if (c === '"') {
        if (text.startsWith('"""', i)) fail('a multi-line string as a key');
        parts.push(basicString());
      } else if (c === "'") {
        if (text.startsWith("'''", i)) fail('a multi-line string as a key');
        parts.push(literalString());
      } else {
        const start = i;
        while (i < n && BARE.test(peek())) i += 1;
        if (i === start) fail('expected a key');
        parts.push(text.slice(start, i));
      }
      skipWs();
      if (peek() === '.') { i += 1; continue; }
      return parts;
    }
  };

  const integer = () => {
    const start = i;
    while (i < n && /[0-9A-Za-z_+\-.:]/.test(peek())) i += 1;
    const tok = text.slice(start, i);
    // date-times may hold a space between date and time: refuse anything date-like
    if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(tok) || /^[0-9]{2}:[0-9]{2}/.test(tok)) fail('a date or time (no rule key takes one)');
    if (/^[+-]?(inf|nan)$/.test(tok)) fail('a float (no rule key takes one)');
    let m = /^([+-]?)(0|[1-9](?:_?[0-9])*)$/.exec(tok);
    if (m) return BigIntOrNumber(m[1] + m[2].replace(/_/g, ''));
    m = /^0x([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)$/.exec(tok);
    if (m) return BigIntOrNumber(BigInt(`0x${m[1].replace(/_/g, '')}`).toString());
    m = /^0o([0-7](?:_?[0-7])*)$/.exec(tok);
    if (m) return BigIntOrNumber(BigInt(`0o${m[1].replace(/_/g, '')}`).toString());
    m = /^0b([01](?:_?[01])*)$/.exec(tok);
    if (m) return BigIntOrNumber(BigInt(`0b${m[1].replace(/_/g, '')}`).toString());
    if (/^[+-]?[0-9_]+(\.[0-9_]+)?([eE][+-]?[0-9_]+)?$/.test(tok)) fail('a float (no rule key takes one)');
    fail(`not a value: ${tok}`);
    return 0;
  };

  const value = () => {
    const c = peek();
    if (c === '"') return text.startsWith('"""', i) ? multiBasic() : basicString();
    if (c === "'") return text.startsWith("'''", i) ? multiLiteral() : literalString();
    if (text.startsWith('true', i) && !BARE.test(text[i + 4] ?? '')) { i += 4; return true; }
    if (text.startsWith('false', i) && !BARE.test(text[i + 5] ?? '')) { i += 5; return false; }
    if (c === '[') {
      i += 1;
      const arr = [];
      for (;;) {
        skipWsNl();
        if (peek() === ']') { i += 1; return arr; }
        arr.push(value());
        skipWsNl();
        if (peek() === ',') { i += 1; continue; }
        if (peek() === ']') { i += 1; return arr; }
        fail("expected ',' or ']' in an array");
      }
    }
    if (c === '{') {
      i += 1;
      const t = newTable('inline');
      skipWs();
      if (peek() === '}') { i += 1; t[META].closed = true; return t; }
      for (;;) {
        const k = key();
        if (peek() !== '=') fail("expected '='");
        i += 1;
        skipWs();
        assign(t, k, value(), true);
        skipWs();
        if (peek() === ',') { i += 1; continue; }
        if (peek() === '}') { i += 1; break; }
        fail("expected ',' or '}' in an inline table");
      }
      closeInline(t);
      return t;
    }
    if (c === undefined) fail('a missing value');
    return integer();
  };

  function closeInline(t) {
    t[META].closed = true;
    for (const v of Object.values(t)) {
      if (isTable(v)) closeInline(v);
    }
  }

  // dotted-key assignment inside `table`
  function assign(table, parts, v, inInline) {
    let t = table;
    for (let k = 0; k < parts.length - 1; k += 1) {
      const p = parts[k];
      if (!Object.prototype.hasOwnProperty.call(t, p)) {
        const sub = newTable(inInline ? 'inline-dotted' : 'dotted');
        t[p] = sub;
        t = sub;
      } else {
        const cur = t[p];
        if (!isTable(cur) || cur[META].closed || cur[META].kind === 'header' || cur[META].explicit) {
          fail(`key ${p} cannot be extended with a dotted key`);
        }
        t = cur;
      }
    }
    const last = parts[parts.length - 1];
    if (Object.prototype.hasOwnProperty.call(t, last)) fail(`the key ${last} is defined twice`);
    t[last] = v;
  }

  const root = newTable('root');
  let current = root;

  const header = (isArray) => {
    i += isArray ? 2 : 1;
    const parts = key();
    if (isArray) {
      if (!text.startsWith(']]', i)) fail("expected ']]'");
      i += 2;
    } else {
      if (peek() !== ']') fail("expected ']'");
      i += 1;
    }
    let t = root;
    for (let k = 0; k < parts.length - 1; k += 1) {
      const p = parts[k];
      if (!Object.prototype.hasOwnProperty.call(t, p)) {
        const sub = newTable('implicit');
        t[p] = sub;
        t = sub;
      } else {
        let cur = t[p];
        if (Array.isArray(cur)) {
          if (!cur[META_AOT]) fail(`${p} is a static array`);
          cur = cur[cur.length - 1];
        }
        if (!isTable(cur) || cur[META].closed) fail(`${p} is not a table`);
        t = cur;
      }
    }
    const last = parts[parts.length - 1];
    if (isArray) {
      if (!Object.prototype.hasOwnProperty.call(t, last)) {
        const arr = [];
        Object.defineProperty(arr, META_AOT, { value: true });
        t[last] = arr;
      }
      const arr = t[last];
      if (!Array.isArray(arr) || !arr[META_AOT]) fail(`${last} is not an array of tables`);
      const sub = newTable('header');
      sub[META].explicit = true;
      arr.push(sub);
      current = sub;
    } else {
      if (Object.prototype.hasOwnProperty.call(t, last)) {
        const cur = t[last];
        if (!isTable(cur) || cur[META].explicit || cur[META].closed || cur[META].kind === 'dotted') {
          fail(`the table ${parts.join('.')} is defined twice`);
        }
        cur[META].explicit = true;
        current = cur;
      } else {
        const sub = newTable('header');
        sub[META].explicit = true;
        t[last] = sub;
        current = sub;
      }
    }
  };

  while (i < n) {
    skipWs();
    if (i >= n) break;
    const c = peek();
    if (c === '#') { skipComment(); endOfLine(); continue; }
    if (c === '\n' || c === '\r') { if (!newline()) fail('a bare carriage return'); continue; }
    if (c === '[') {
      header(peek(1) === '[');
      endOfLine();
      continue;
    }
    const k = key();
    if (peek() !== '=') fail("expected '='");
    i += 1;
    skipWs();
    assign(current, k, value(), false);
    endOfLine();
  }
  return toPlain(root);
}

const META_AOT = Symbol('aot');

function BigIntOrNumber(digits) {
  // TOML readers keep at least 64 bits; tomllib and this one keep any size.
  const v = BigInt(digits);
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

function toPlain(v) {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isTable(v)) {
    const out = Object.create(null);
    for (const k of Object.keys(v)) out[k] = toPlain(v[k]);
    return out;
  }
  return v;
}
