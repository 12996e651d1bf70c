/**
 * A flat Python dict literal as printed by `print(dict)`:
 * `{'loss': 0.4281, 'learning_rate': 7.14e-06, 'epoch': 0.03}` or with quoted values
 * `{'loss': '1.764', 'epoch': '3'}`. Parsed by a small scanner, never by eval. Nested values
 * (lists, dicts, tuples) make the whole dict unreadable (null): the metric dicts are flat.
 */

export type PyScalar = number | string | boolean | null;

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

/** A quoted Python string starting at s[i]; returns [value, next index] or null. */
function readString(s: string, i: number): [string, number] | null {
  const q = s[i];
  if (q !== "'" && q !== '"') return null;
  let out = '';
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === q) return [out, j + 1];
    if (c === '\\' && j + 1 < s.length) {
      const e = s[j + 1]!;
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      j += 2;
      continue;
    }
    out += c;
    j++;
  }
  return null;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf|infinity)$/i;

/** Only digits, sign, dot and exponent: what Number() may read without surprises (no hex, no spaces). */
function plainDecimal(t: string): boolean {
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45 || c === 101 || c === 69)) return false;
  }
  return true;
}

/** Python's spelling of a float (`nan`, `inf`, `-inf`, `1e-05`) → number, else null. */
/** `[-]digits[.digits]` → its double, NaN when it is not that shape (fast path for log values). */
function simpleDecimal(t: string): number {
  const len = t.length;
  let i = 0;
  let neg = false;
  if (t.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < len; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  // m / 10^f (both exact) is correctly rounded: the same double Number() reads.
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

export function pyNumber(text: string): number | null {
  const fast = simpleDecimal(text);
  if (!Number.isNaN(fast)) return fast;
  const t = text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32 ? text.trim() : text;
  if (t === '') return null;
  if (plainDecimal(t)) {
    // Digits, sign, dot and exponent only: Number() reads exactly the Python spellings.
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  if (!NUMBER.test(t)) return null;
  const lower = t.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(t);
}

function readScalar(s: string, i: number): [PyScalar, number] | null {
  const str = readString(s, i);
  if (str) return str;
  let j = i;
  while (j < s.length && s[j] !== ',' && s[j] !== '}') j++;
  const raw = s.slice(i, j).trim();
  if (raw === 'True') return [true, j];
  if (raw === 'False') return [false, j];
  if (raw === 'None') return [null, j];
  const n = pyNumber(raw);
  // tensor(0.5) and friends: keep the number inside
  if (n === null) {
    const m = /^[A-Za-z_.]*\(([^(),]*)\)$/.exec(raw);
    const inner = m ? pyNumber(m[1]!) : null;
    return inner === null ? null : [inner, j];
  }
  return [n, j];
}

/** Parses `{...}` at the start of `text` (after optional spaces); null when it is not a flat dict. */
export function parsePyDict(text: string): Record<string, PyScalar> | null {
  let i = skipWs(text, 0);
  if (text[i] !== '{') return null;
  i = skipWs(text, i + 1);
  const out: Record<string, PyScalar> = {};
  if (text[i] === '}') return out;
  for (;;) {
    const key = readString(text, i);
    if (!key) return null;
    i = skipWs(text, key[1]);
    if (text[i] !== ':') return null;
    i = skipWs(text, i + 1);
    const value = readScalar(text, i);
    if (!value) return null;
    if (key[0] !== '__proto__') out[key[0]] = value[0];
    i = skipWs(text, value[1]);
    if (text[i] === '}') return out;
    if (text[i] !== ',') return null;
    i = skipWs(text, i + 1);
  }
}

/** A dict value as a number: numbers, and strings holding numbers (`'1.764'`). */
export function dictNumber(v: PyScalar | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return pyNumber(v) ?? undefined;
  return undefined;
}
