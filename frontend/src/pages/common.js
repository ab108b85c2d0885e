// Small DOM and HTTP helpers shared by the pages. No inline scripts: each page reads its
// data from a <script type="application/json"> block rendered by Django (json_script).

/** The parsed JSON data block with this id. */
export function pageData(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing data block #${id}`);
  return JSON.parse(el.textContent);
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $all(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** The CSRF token from the page's hidden form field (the cookie is HttpOnly). */
export function csrfToken() {
  const input = document.querySelector('input[name=csrfmiddlewaretoken]');
  return input ? input.value : '';
}

/** Fetch JSON; a non-2xx answer throws an Error carrying the server's {error, detail}. */
export async function fetchJson(url, { method = 'GET', body = undefined } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRFToken'] = csrfToken();
  }
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = new Error((data && (data.detail || data.error)) || `HTTP ${response.status}`);
    err.status = response.status;
    err.code = data && data.error;
    throw err;
  }
  return data;
}

/** Show `el` (remove the hidden attribute) and hide the others given. */
export function show(el, ...others) {
  el.hidden = false;
  for (const o of others) o.hidden = true;
}

/** Write a status message into a live region (role=status or role=alert). */
export function say(el, text, kind = 'info') {
  el.textContent = text;
  el.dataset.kind = kind;
  el.hidden = !text;
}

/** Replace an element's children with text nodes / elements. */
export function fill(el, ...children) {
  el.replaceChildren(...children.map((c) => (typeof c === 'string' ? document.createTextNode(c) : c)));
}

/** document.createElement with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** Offer bytes (or text) as a file download. */
export function download(filename, data, type = 'application/octet-stream') {
  const blob = new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The bytes of a file chosen in an <input type=file>. */
export async function readFileInput(input) {
  const file = input.files && input.files[0];
  if (!file) return null;
  return new Uint8Array(await file.arrayBuffer());
}

/** Interpolate "%(name)s" placeholders (the Django gettext style) in a message. */
export function fmt(text, values = {}) {
  return text.replace(/%\((\w+)\)s/g, (_, k) => (k in values ? String(values[k]) : `%(${k})s`));
}
