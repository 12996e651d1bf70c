/**
 * tqdm progress lines:
 * `{desc}: {pct}%|{bar}| {n}/{total} [{elapsed}<{remaining}, {rate}{, postfix}]`
 * and, without a known total, `{desc}: {n}{unit} [{elapsed}, {rate}{, postfix}]`.
 *
 * Never looks at the bar's characters (Unicode blocks, ASCII or none). Runs over very large
 * logs, so it starts with cheap checks and uses anchored regexes without nested quantifiers.
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
  const t = text.trim();
  const m = /^(?:(\d{1,9}):)?(\d{1,2}):(\d{2})$/.exec(t);
  if (!m) return null;
  return (m[1] ? Number(m[1]) * 3600 : 0) + Number(m[2]) * 60 + Number(m[3]);
}

const SI: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

function parseCount(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kMGTP]?)$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * SI[m[2]!]!;
}

function parseRate(text: string): TqdmRate | null {
  const m = /^(\d+(?:\.\d+)?)([kMGTP]?)(it\/s|s\/it)$/.exec(text.trim());
  if (!m) return null;
  return { value: Number(m[1]) * SI[m[2]!]!, unit: m[3] as TqdmRate['unit'] };
}

/** Parses a tqdm postfix: `a=1, b=x` or `lr: 1.0e-04 loss: 3.998e-01`. Never throws. */
export function parsePostfix(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      const key = part.slice(0, eq).trim();
      if (key) out[key] = part.slice(eq + 1).trim();
      continue;
    }
    // `key: value key: value` (values without spaces)
    const re = /([^\s:]+):\s+(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) out[m[1]!] = m[2]!;
  }
  return out;
}

// ` 120/1000 [01:02<07:40,  1.91it/s, avr_loss=0.1]` (after the bar's closing `|`)
const WITH_TOTAL = /^\s*(\d+(?:\.\d+)?[kMGTP]?)\/(\d+(?:\.\d+)?[kMGTP]?|\?) \[(\d+(?::\d{2}){1,2})<(\d+(?::\d{2}){1,2}|\?), *([^,\]]*)(?:, *(.*))?\]$/;
// `steps: 41it [00:50,  1.24s/it, avr_loss=nan]` (no total)
const NO_TOTAL = /^(?:(.*?): )?(\d+(?:\.\d+)?[kMGTP]?)[A-Za-z]{0,8} \[(\d+(?::\d{2}){1,2}), *([^,\]]*)(?:, *(.*))?\]$/;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g; // eslint-disable-line no-control-regex

/** One tqdm line → its fields, or null when the line is not a tqdm bar. Never throws. */
export function parseTqdm(input: string): TqdmProgress | null {
  if (typeof input !== 'string' || input.length < 10 || input.length > 100_000) return null;
  let line = input;
  if (line.includes('\x1b')) line = line.replace(ANSI, '');
  line = line.trim();
  if (line.charCodeAt(line.length - 1) !== 93 /* ] */) return null;
  const pctBar = line.indexOf('%|');
  if (pctBar >= 0) {
    // Percentage: digits (and a dot) right before `%|`.
    let i = pctBar;
    while (i > 0 && ((line.charCodeAt(i - 1) >= 48 && line.charCodeAt(i - 1) <= 57) || line.charCodeAt(i - 1) === 46)) i--;
    if (i === pctBar) return null;
    const percent = Number(line.slice(i, pctBar));
    let head = line.slice(0, i).trimEnd();
    if (head.endsWith(':')) head = head.slice(0, -1);
    else if (head !== '') return null;
    // The bar ends at the `|` before ` n/total [`; a bar that itself holds `|` is skipped over.
    let m: RegExpExecArray | null = null;
    for (let barEnd = line.indexOf('|', pctBar + 2), tries = 0; barEnd >= 0 && tries < 16; barEnd = line.indexOf('|', barEnd + 1), tries++) {
      const c = line.charCodeAt(barEnd + 1);
      if (c !== 32 && (c < 48 || c > 57)) continue;
      m = WITH_TOTAL.exec(line.slice(barEnd + 1));
      if (m) break;
    }
    if (!m) return null;
    const n = parseCount(m[1]!);
    const total = m[2] === '?' ? null : parseCount(m[2]!);
    const elapsed = parseDuration(m[3]!);
    if (n === null || elapsed === null || !Number.isFinite(percent)) return null;
    return {
      desc: head.trim(),
      percent,
      n,
      total,
      elapsedSeconds: elapsed,
      remainingSeconds: m[4] === '?' ? null : parseDuration(m[4]!),
      rate: parseRate(m[5]!),
      postfix: parsePostfix(m[6] ?? ''),
    };
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
