/**
 * Dates in other tools' files come as epoch seconds (FluxGym), ISO text with or without an
 * offset (LLMTool writes Python's naive `datetime.now().isoformat()`), or compact stamps in
 * file names (`20251005_234530`, `20250612-101530`). All become ISO 8601 UTC
 * (`toISOString()`), which the workspace schemas require.
 *
 * A time without an offset is taken as local time of the machine reading it: those tools wrote
 * local wall-clock time, and the import normally runs on the machine that trained.
 */

const MAX_MS = 253402300799999; // 9999-12-31T23:59:59.999Z: the schemas want a four-digit year

function fromMs(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

/** Epoch seconds (fractional allowed); values above 1e12 are taken as milliseconds. */
export function isoFromEpoch(value: number): string | undefined {
  return fromMs(Math.abs(value) >= 1e12 ? value : value * 1000);
}

function localParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): string | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(2000, 0, 1, h, mi, s, ms);
  date.setFullYear(y, mo - 1, d); // the constructor would read a year below 100 as 19xx
  // Date rolls 31 February over into March; a date that does not exist is not a date.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return undefined;
  return fromMs(date.getTime());
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const STAMP = /^(\d{4})(\d{2})(\d{2})[_-]?(\d{2})(\d{2})(\d{2})$/;

/** ISO-like text, a compact stamp, or a number in text; anything else is not guessed at. */
export function isoFromText(text: string): string | undefined {
  const t = text.trim();
  const iso = ISO.exec(t);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    if (!zone) return localParts(+y!, +mo!, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0), ms);
    const local = localParts(+y!, +mo!, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0), ms);
    if (!local) return undefined;
    // Rebuild as UTC and shift by the stated offset (no engine-specific Date.parse).
    const utc = Date.UTC(+y!, +mo! - 1, +d!, +(h ?? 0), +(mi ?? 0), +(s ?? 0), ms);
    if (zone.toUpperCase() === 'Z') return fromMs(utc);
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    return fromMs(utc - sign * offsetMin * 60_000);
  }
  const stamp = STAMP.exec(t);
  if (stamp) {
    const [, y, mo, d, h, mi, s] = stamp;
    return localParts(+y!, +mo!, +d!, +h!, +mi!, +s!);
  }
  if (/^\d+(\.\d+)?$/.test(t)) return isoFromEpoch(Number(t));
  return undefined;
}

/** Any date-ish value (number = epoch seconds, text as above); undefined when it is not one. */
export function toIso(value: unknown): string | undefined {
  if (typeof value === 'number') return isoFromEpoch(value);
  if (typeof value === 'string') return isoFromText(value);
  return undefined;
}

/** The `YYYYMMDD[-_]HHMMSS` stamp inside a file name, as ISO (local time), if there is one. */
export function isoFromName(name: string): string | undefined {
  const m = /(\d{8})[-_](\d{6})/.exec(name);
  return m ? isoFromText(`${m[1]}_${m[2]}`) : undefined;
}

/** `2025-10-12T07:27:21.532Z` → `20251012-072721` (UTC), for readable version names. */
export function compactUtc(iso: string): string {
  return iso.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}
