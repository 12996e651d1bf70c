/**
 * tqdm progress lines:
 * `{desc}: {pct}%|{bar}| {n}/{total} [{elapsed}<{remaining}, {rate}{, postfix}]`
 * and, without a known total, `{desc}: {n}{unit} [{elapsed}, {rate}{, postfix}]`.
 *
 * Never looks at the bar's characters (Unicode blocks, ASCII or none). Runs over very large
 * logs: cheap checks first (the line ends with `]`, holds `%|`), then one left-to-right scan of
 * the part after the bar by character codes, allocating only the description and the postfix.
 * The rare form without a total uses one anchored regex. No backtracking blow-ups either way.
 */

export interface TqdmRate {
  value: number;
  unit: 'it/s' | 's/it';
}

export interface TqdmProgress {
  /** The description before `: `; '' when the bar has none (Hugging Face Trainer). */
  desc: string;
  /** Percentage as printed, or null when the bar has no total. */
  percent: number | null;
  n: number;
  /** null when the total is unknown (`?` or a bar without total). */
  total: number | null;
  elapsedSeconds: number;
  /** null while tqdm prints `?`. */
  remainingSeconds: number | null;
  /** null for `?it/s` or a unit other than it/s and s/it. */
  rate: TqdmRate | null;
  /** `k=v` pairs, or `k: v` pairs (ai-toolkit's `lr: 1.0e-04 loss: 3.998e-01`). */
  postfix: Record<string, string>;
}

/** `[H:]MM:SS` (hours may exceed 24) → seconds; null for `?` or anything else. */
export function parseDuration(text: string): number | null {
  let a = 0;
  let b = text.length;
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  return durationAt(text, a, b);
}

/** `[H:]MM:SS` in text[a..b) → seconds, or null. Hand-rolled: it runs for every bar update. */
function durationAt(text: string, a: number, b: number): number | null {
  let total = 0;
  let field = 0;
  let digits = 0;
  let fields = 0;
  for (let i = a; i <= b; i++) {
    const c = i < b ? text.charCodeAt(i) : 58;
    if (c >= 48 && c <= 57) {
      field = field * 10 + (c - 48);
      if (++digits > 9) return null;
    } else if (c === 58) {
      // `:` (or the end): a field is complete; all but the first have two digits
      if (digits === 0) return null;
      fields++;
      if (fields > 1 && (digits !== 2 || field > 59)) return null;
      total = total * 60 + field;
      field = 0;
      digits = 0;
    } else return null;
  }
  return fields === 2 || fields === 3 ? total : null;
}

const SI: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/**
 * A count in text[a..b): digits, an optional decimal part, an optional SI suffix (k, M, …);
 * NaN when it is not one. Whole numbers (what training bars print) are read without slicing.
 */
function countAt(text: string, a: number, b: number): number {
  if (b <= a) return Number.NaN;
  let scale = 1;
  const last = text.charCodeAt(b - 1);
  if (last < 48 || last > 57) {
    scale = SI[text[b - 1]!] ?? 0;
    if (!scale || --b <= a) return Number.NaN;
  }
  let n = 0;
  let dot = false;
  let digits = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
    } else if (c === 46 && !dot) dot = true;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  if (!dot) return n * scale;
  // m / 10^f with m < 2^53 and 10^f exact is correctly rounded: the same double Number() reads.
  let f = 0;
  for (let i = b - 1; text.charCodeAt(i) !== 46; i--) f++;
  return (n / POW10[f]!) * scale;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

function parseCount(text: string): number | null {
  const n = countAt(text, 0, text.length);
  return Number.isNaN(n) ? null : n;
}

/** `1.24s/it`, `1.91it/s` in text[a..b) (spaces around allowed); null for `?it/s` and other units. */
function rateAt(text: string, a: number, b: number): TqdmRate | null {
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  if (b - a < 5) return null;
  let unit: TqdmRate['unit'];
  if (text.startsWith('it/s', b - 4)) unit = 'it/s';
  else if (text.startsWith('s/it', b - 4)) unit = 's/it';
  else return null;
  const value = countAt(text, a, b - 4);
  return Number.isNaN(value) ? null : { value, unit };
}

function parseRate(text: string): TqdmRate | null {
  return rateAt(text, 0, text.length);
}

/** Trims spaces only when there are any (the common case has none). */
function trimmed(text: string, start: number, end: number): string {
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}

export function parsePostfix(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const len = text.length;
  let start = 0;
  while (start < len) {
    // one part: up to the next comma; `key=value`, else `key: value key: value`
    let comma = start;
    let eq = -1;
    for (; comma < len; comma++) {
      const c = text.charCodeAt(comma);
      if (c === 44) break;
      if (c === 61 && eq < 0) eq = comma;
    }
    if (eq > start) {
      const key = trimmed(text, start, eq);
      if (key && key !== '__proto__') out[key] = trimmed(text, eq + 1, comma);
    } else {
      const re = /([^\s:]+):\s+(\S+)/g;
      const part = text.slice(start, comma);
      let m: RegExpExecArray | null;
      while ((m = re.exec(part)) !== null) if (m[1] !== '__proto__') out[m[1]!] = m[2]!;
    }
    start = comma + 1;
  }
  return out;
}

// `steps: 41it [00:50,  1.24s/it, avr_loss=nan]` (no total; rare, so a regex is fine)
const NO_TOTAL = /^(?:(.*?): )?(\d+(?:\.\d+)?[kMGTP]?)[A-Za-z]{0,8} \[([\d:]+), *([^,\]]*)(?:, *(.*))?\]$/;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g; // eslint-disable-line no-control-regex

/** Scratch result of scanRight (one module-level object: no allocation per line). */
const R = { n: 0, total: null as number | null, elapsed: 0, remaining: null as number | null, rateStart: 0, rateEnd: 0, postfixStart: -1 };

/**
 * The part after the bar, from index `i` to the line's final `]`:
 * ` {n}/{total} [{elapsed}<{remaining}, {rate}{, postfix}]`. Fills R; false when it does not fit.
 * Every piece is checked character by character; nothing is skipped over.
 */
function scanRight(line: string, i: number): boolean {
  // One pass of charCodeAt (no indexOf calls: on short strings their call cost dominates).
  const end = line.length - 1; // the closing `]`
  while (line.charCodeAt(i) === 32) i++;
  let k = i;
  while (k < end && isCountChar(line.charCodeAt(k))) k++;
  if (line.charCodeAt(k) !== 47 /* / */) return false;
  const n = countAt(line, i, k);
  if (Number.isNaN(n)) return false;
  let total: number | null = null;
  let t = ++k;
  if (line.charCodeAt(k) === 63 /* ? */) k++;
  else {
    while (k < end && isCountChar(line.charCodeAt(k))) k++;
    total = countAt(line, t, k);
    if (Number.isNaN(total)) return false;
  }
  if (line.charCodeAt(k) !== 32 || line.charCodeAt(k + 1) !== 91 /* [ */) return false;
  t = k += 2;
  while (k < end && isDurationChar(line.charCodeAt(k))) k++;
  if (line.charCodeAt(k) !== 60 /* < */) return false;
  const elapsed = durationAt(line, t, k);
  if (elapsed === null) return false;
  let remaining: number | null = null;
  t = ++k;
  if (line.charCodeAt(k) === 63) k++;
  else {
    while (k < end && isDurationChar(line.charCodeAt(k))) k++;
    remaining = durationAt(line, t, k);
    if (remaining === null) return false;
  }
  if (line.charCodeAt(k) !== 44 /* , */ || k >= end) return false;
  const rateStart = ++k;
  for (; k < end; k++) {
    const c = line.charCodeAt(k);
    if (c === 44) break;
    if (c === 93) return false; // a `]` inside the rate: not a bar
  }
  R.n = n;
  R.total = total;
  R.elapsed = elapsed;
  R.remaining = remaining;
  R.rateStart = rateStart;
  R.rateEnd = k;
  R.postfixStart = k < end ? k + 1 : -1;
  return true;
}

/** Digits, `.` and the SI suffixes k M G T P. */
function isCountChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 107 || c === 77 || c === 71 || c === 84 || c === 80;
}

function isDurationChar(c: number): boolean {
  return c >= 48 && c <= 58;
}

/** One tqdm line → its fields, or null when the line is not a tqdm bar. Never throws. */
export function parseTqdm(input: string): TqdmProgress | null {
  if (typeof input !== 'string' || input.length < 10 || input.length > 100_000) return null;
  const bar = parseBar(input);
  // Terminal escape codes (tqdm's cursor moves, colours) are looked for only when needed.
  return bar === null && input.includes('\x1b') ? parseBar(input.replace(ANSI, '')) : bar;
}

function parseBar(input: string): TqdmProgress | null {
  let line = input;
  const first = line.charCodeAt(0);
  const lastCode = line.charCodeAt(line.length - 1);
  if (lastCode !== 93 /* ] */) {
    if (lastCode !== 32 && lastCode !== 9 && lastCode !== 13 && lastCode !== 10) return null;
    line = line.trimEnd();
    if (line.charCodeAt(line.length - 1) !== 93) return null;
  }
  if (first === 32 || first === 9) line = line.trimStart();
  const pctBar = line.indexOf('%|');
  if (pctBar >= 0) {
    // Percentage: digits (and a dot) right before `%|`.
    let i = pctBar;
    while (i > 0 && ((line.charCodeAt(i - 1) >= 48 && line.charCodeAt(i - 1) <= 57) || line.charCodeAt(i - 1) === 46)) i--;
    const percent = countAt(line, i, pctBar);
    if (Number.isNaN(percent)) return null;
    // The description ends with `: ` before the percentage; none at all is fine too.
    let j = i;
    while (j > 0 && line.charCodeAt(j - 1) === 32) j--;
    let desc = '';
    if (j > 0) {
      if (line.charCodeAt(j - 1) !== 58 /* : */) return null;
      desc = trimmed(line, 0, j - 1);
    }
    // The bar ends at the `|` before ` n/total [`; a bar that itself holds `|` is skipped over.
    for (let barEnd = line.indexOf('|', pctBar + 2), tries = 0; barEnd >= 0 && tries < 16; barEnd = line.indexOf('|', barEnd + 1), tries++) {
      const c = line.charCodeAt(barEnd + 1);
      if (c !== 32 && (c < 48 || c > 57)) continue;
      if (scanRight(line, barEnd + 1)) {
        return {
          desc,
          percent,
          n: R.n,
          total: R.total,
          elapsedSeconds: R.elapsed,
          remainingSeconds: R.remaining,
          rate: rateAt(line, R.rateStart, R.rateEnd),
          postfix: R.postfixStart < 0 ? {} : parsePostfix(trimmed(line, R.postfixStart, line.length - 1)),
        };
      }
    }
    return null;
  }
  if (!line.includes(' [')) return null;
  const m = NO_TOTAL.exec(line);
  if (!m) return null;
  const n = parseCount(m[2]!);
  const elapsed = parseDuration(m[3]!);
  if (n === null || elapsed === null) return null;
  return {
    desc: (m[1] ?? '').trim(),
    percent: null,
    n,
    total: null,
    elapsedSeconds: elapsed,
    remainingSeconds: null,
    rate: parseRate(m[4]!),
    postfix: parsePostfix(m[5] ?? ''),
  };
}

/** A rate in iterations per second, whichever unit tqdm printed. */
export function itPerSec(rate: TqdmRate | null): number | null {
  if (!rate || !(rate.value > 0)) return null;
  return rate.unit === 'it/s' ? rate.value : 1 / rate.value;
}
