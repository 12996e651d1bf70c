/**
 * Search over the console's lines (case-insensitive, literal) and the split of a line's spans
 * into rendered segments with match highlights. Pure.
 */
import { styleClasses, type Span } from './ansi';
import type { ConsoleBuffer, ConsoleChanges } from './buffer';

/** One match: absolute line index (counting dropped lines) and a [start, end) range of its text. */
export interface Match {
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** A piece of a rendered line: text and its CSS classes. */
export interface Segment {
  readonly text: string;
  readonly classes: readonly string[];
}

export const MATCH_CLASS = 'tl-console-match';
export const CURRENT_MATCH_CLASS = 'tl-console-match-current';

export function queryRegExp(query: string): RegExp | undefined {
  if (query === '') return undefined;
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
}

/** The [start, end) ranges of `query` in `text`, case-insensitive, not overlapping. */
export function findInText(text: string, query: string | RegExp | undefined): [number, number][] {
  const re = typeof query === 'string' ? queryRegExp(query) : query;
  if (!re) return [];
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** All matches of `query` in the kept lines `[fromAbs, toAbs)` of a buffer, in order. */
export function findMatches(buffer: ConsoleBuffer, query: string | RegExp | undefined, fromAbs = buffer.dropped, toAbs = buffer.end): Match[] {
  const re = typeof query === 'string' ? queryRegExp(query) : query;
  if (!re) return [];
  const out: Match[] = [];
  for (let abs = Math.max(fromAbs, buffer.dropped); abs < toAbs; abs++) {
    const text = buffer.lineAt(abs)!.text;
    if (text === '') continue;
    for (const [start, end] of findInText(text, re)) out.push({ line: abs, start, end });
  }
  return out;
}

function compare(a: Match, line: number, start: number): number {
  return a.line - line || a.start - start;
}

/** Index of the first match at or after (line, start). */
function lowerBound(matches: readonly Match[], line: number, start: number): number {
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(matches[mid]!, line, start) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The state of a search in a growing, capped buffer: the matches, which one is current, kept
 * up to date from the buffer's `ConsoleChanges` without searching the whole log again.
 */
export class ConsoleSearch {
  private re: RegExp | undefined;
  private list: Match[] = [];
  private cur = -1;
  private q = '';

  get query(): string {
    return this.q;
  }

  get matches(): readonly Match[] {
    return this.list;
  }

  /** Index of the current match in `matches`, or -1. */
  get currentIndex(): number {
    return this.cur;
  }

  get current(): Match | undefined {
    return this.list[this.cur];
  }

  /** Starts a new search; the current match is the last one (the newest output). */
  setQuery(buffer: ConsoleBuffer, query: string): void {
    this.q = query;
    this.re = queryRegExp(query);
    this.list = findMatches(buffer, this.re);
    this.cur = this.list.length - 1;
  }

  /** Moves to the next match (wrapping); returns it. */
  next(): Match | undefined {
    if (!this.list.length) return undefined;
    this.cur = (this.cur + 1) % this.list.length;
    return this.list[this.cur];
  }

  /** Moves to the previous match (wrapping); returns it. */
  previous(): Match | undefined {
    if (!this.list.length) return undefined;
    this.cur = (this.cur - 1 + this.list.length) % this.list.length;
    return this.list[this.cur];
  }

  /** The matches on one line (absolute index). */
  matchesOnLine(line: number): Match[] {
    const out: Match[] = [];
    for (let i = lowerBound(this.list, line, 0); i < this.list.length && this.list[i]!.line === line; i++) out.push(this.list[i]!);
    return out;
  }

  /**
   * Follows the buffer's changes: drops matches of dropped lines, searches the new and
   * rewritten lines again. The current match stays the same one while it exists.
   */
  update(buffer: ConsoleBuffer, changes: ConsoleChanges): void {
    if (!this.re) return;
    if (changes.reset) {
      this.setQuery(buffer, this.q);
      return;
    }
    const keep = this.list[this.cur];
    const from = Math.max(changes.from, changes.dropped);
    const a = lowerBound(this.list, changes.dropped, 0);
    const b = lowerBound(this.list, from, 0);
    const list = a === 0 && b === this.list.length ? this.list : this.list.slice(a, b);
    for (const m of findMatches(buffer, this.re, from, changes.end)) list.push(m);
    this.list = list;
    if (!list.length) this.cur = -1;
    else if (!keep) this.cur = list.length - 1;
    else this.cur = Math.min(lowerBound(list, keep.line, keep.start), list.length - 1);
  }
}

/**
 * Splits a line's spans into segments at match boundaries: each segment carries the span's
 * style classes, plus `tl-console-match` (and `tl-console-match-current`) inside a match.
 */
export function segmentLine(spans: readonly Span[], matches: readonly Match[] = [], current?: Match): Segment[] {
  const out: Segment[] = [];
  let offset = 0;
  let mi = 0;
  for (const span of spans) {
    const base = styleClasses(span);
    const spanEnd = offset + span.text.length;
    let pos = offset;
    while (pos < spanEnd) {
      while (mi < matches.length && matches[mi]!.end <= pos) mi++;
      const m = matches[mi];
      if (!m || m.start >= spanEnd) {
        out.push({ text: span.text.slice(pos - offset), classes: base });
        pos = spanEnd;
      } else if (m.start > pos) {
        out.push({ text: span.text.slice(pos - offset, m.start - offset), classes: base });
        pos = m.start;
      } else {
        const stop = Math.min(m.end, spanEnd);
        const isCurrent = current !== undefined && current.line === m.line && current.start === m.start;
        out.push({ text: span.text.slice(pos - offset, stop - offset), classes: [...base, MATCH_CLASS, ...(isCurrent ? [CURRENT_MATCH_CLASS] : [])] });
        pos = stop;
      }
    }
    offset = spanEnd;
  }
  return out;
}
