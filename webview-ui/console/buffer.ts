/**
 * The console's model: raw chunks of a trainer's output in, terminal-like lines of styled
 * spans out. Pure (no DOM, no Node API), incremental, and independent of how the output was
 * chunked: feeding a log in any pieces gives the same lines as feeding it whole.
 *
 * - `\n` ends a line. `\r` moves to the start of the line: text written after it replaces
 *   the line (tqdm bars collapse to their latest state; tqdm pads each redraw, so replacing
 *   looks the same as a terminal's overwrite), `\r\n` is an ordinary line end, also when the
 *   `\r` ends one chunk and the `\n` starts the next.
 * - SGR colour and attributes carry across lines and chunks; `ESC[K` / `ESC[2K` erase; other
 *   escape sequences (cursor moves, OSC titles and links, charset selection) are dropped, and
 *   one cut by a chunk boundary is held until the rest arrives. Other control characters but
 *   tab are dropped.
 * - At most `maxLines` lines are kept; older ones are dropped and counted in `dropped`.
 */
import { applySgr, PLAIN, type AnsiStyle, type Span } from './ansi';

export const DEFAULT_MAX_LINES = 10_000;

export interface ConsoleLine {
  readonly spans: readonly Span[];
  /** The plain text of the line (the spans' texts joined). */
  readonly text: string;
}

/**
 * What changed since the last `takeChanges()`: lines with absolute index below `dropped` are
 * gone; lines `[max(from, dropped), end)` are new or rewritten (at most one rewritten line,
 * the previously last one); `reset` means everything (after `clear()`).
 */
export interface ConsoleChanges {
  readonly reset: boolean;
  readonly dropped: number;
  readonly from: number;
  readonly end: number;
}

export interface ConsoleBufferOptions {
  /** Lines kept (setting `trainlab.console.maxLines`); default 10,000. */
  maxLines?: number;
}

interface MutableSpan extends AnsiStyle {
  text: string;
}

interface MutableLine {
  spans: MutableSpan[];
  text: string;
  /** The style of the last span (identity, for merging). */
  lastStyle: AnsiStyle | null;
}

// Control characters the parser acts on or drops; tab is kept as text.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;
const MAX_CSI = 64;
const MAX_OSC = 4096;
const SGR_PARAMS = /^[0-9;:]*$/;

export class ConsoleBuffer {
  private lines: MutableLine[] = [];
  private head = 0;
  private open = false;
  private cr = false;
  private style: AnsiStyle = PLAIN;
  private pending = '';
  private droppedCount = 0;
  private dirtyFrom = 0;
  private wasReset = false;
  private max: number;

  constructor(options: ConsoleBufferOptions = {}) {
    this.max = normalizeMax(options.maxLines);
  }

  get maxLines(): number {
    return this.max;
  }

  set maxLines(value: number) {
    this.max = normalizeMax(value);
    this.enforceCap();
  }

  /** Lines kept now. */
  get length(): number {
    return this.lines.length - this.head;
  }

  /** Lines dropped so far to stay within `maxLines` (also the absolute index of `line(0)`). */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Absolute index one past the last line. */
  get end(): number {
    return this.droppedCount + this.length;
  }

  /** The `i`-th kept line (0 = oldest kept). Valid until the next `append`. */
  line(i: number): ConsoleLine | undefined {
    return i >= 0 && i < this.length ? this.lines[this.head + i] : undefined;
  }

  /** The line of absolute index `abs` (counting dropped lines), if still kept. */
  lineAt(abs: number): ConsoleLine | undefined {
    return this.line(abs - this.droppedCount);
  }

  /** All kept lines, oldest first. */
  allLines(): ConsoleLine[] {
    return this.lines.slice(this.head);
  }

  /** Kept lines `[fromAbs, toAbs)` as plain text, joined with `\n`. */
  text(fromAbs = this.droppedCount, toAbs = this.end): string {
    const a = Math.max(fromAbs, this.droppedCount) - this.droppedCount + this.head;
    const b = Math.min(toAbs, this.end) - this.droppedCount + this.head;
    const out: string[] = [];
    for (let i = a; i < b; i++) out.push(this.lines[i]!.text);
    return out.join('\n');
  }

  /** Forgets everything (a new session is shown). */
  clear(): void {
    this.lines = [];
    this.head = 0;
    this.open = false;
    this.cr = false;
    this.style = PLAIN;
    this.pending = '';
    this.droppedCount = 0;
    this.dirtyFrom = 0;
    this.wasReset = true;
  }

  /** What changed since the previous call (see `ConsoleChanges`); resets the tracking. */
  takeChanges(): ConsoleChanges {
    const end = this.end;
    const changes = { reset: this.wasReset, dropped: this.droppedCount, from: Math.min(this.dirtyFrom, end), end };
    this.wasReset = false;
    this.dirtyFrom = end;
    // The open line may still be rewritten; it is marked again when it is.
    return changes;
  }

  /** Appends a chunk of raw output. */
  append(chunk: string): void {
    const data = this.pending ? this.pending + chunk : chunk;
    this.pending = '';
    const n = data.length;
    let i = 0;
    while (i < n) {
      CONTROL.lastIndex = i;
      const m = CONTROL.exec(data);
      const j = m ? m.index : n;
      if (j > i) this.write(data.slice(i, j));
      if (!m) break;
      const c = data.charCodeAt(j);
      if (c === 10) {
        this.newline();
        i = j + 1;
      } else if (c === 13) {
        this.cr = true;
        i = j + 1;
      } else if (c === 27) {
        const next = this.escape(data, j);
        if (next < 0) {
          this.pending = data.slice(j);
          break;
        }
        i = next;
      } else {
        i = j + 1;
      }
    }
    this.enforceCap();
  }

  /**
   * Handles the escape sequence at `data[j]` (an ESC); returns the index after it, or -1 when
   * the data ends inside it (the caller keeps the rest for the next chunk).
   */
  private escape(data: string, j: number): number {
    const n = data.length;
    if (j + 1 >= n) return -1;
    const c1 = data.charCodeAt(j + 1);
    if (c1 === 0x5b) {
      // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, final 0x40–0x7E.
      let k = j + 2;
      for (;;) {
        if (k >= n) return k - j > MAX_CSI ? k : -1;
        if (k - j > MAX_CSI) return k;
        const ch = data.charCodeAt(k);
        if (ch >= 0x20 && ch <= 0x3f) k++;
        else if (ch >= 0x40 && ch <= 0x7e) break;
        else return k; // malformed: drop what was read, go on from the offending character
      }
      this.csi(data.slice(j + 2, k), data.charCodeAt(k));
      return k + 1;
    }
    if (c1 === 0x5d) {
      // OSC … BEL or ESC \ (window titles, hyperlinks): dropped.
      const limit = Math.min(n, j + MAX_OSC);
      for (let k = j + 2; k < limit; k++) {
        const ch = data.charCodeAt(k);
        if (ch === 0x07) return k + 1;
        if (ch === 0x1b && k + 1 < n && data.charCodeAt(k + 1) === 0x5c) return k + 2;
      }
      return n < j + MAX_OSC || (n === j + MAX_OSC && data.charCodeAt(n - 1) === 0x1b) ? -1 : j + 2;
    }
    if (c1 >= 0x20 && c1 <= 0x2f) {
      // ESC intermediates… final (charset selection and the like).
      let k = j + 1;
      while (k < n && data.charCodeAt(k) >= 0x20 && data.charCodeAt(k) <= 0x2f) k++;
      if (k >= n) return -1;
      const ch = data.charCodeAt(k);
      return ch >= 0x30 && ch <= 0x7e ? k + 1 : k;
    }
    if (c1 >= 0x30 && c1 <= 0x7e) return j + 2; // two-character escapes (ESC 7, ESC M, …)
    return j + 1; // a lone ESC: dropped
  }

  private csi(params: string, final: number): void {
    if (final === 0x6d /* m */) {
      if (SGR_PARAMS.test(params)) this.style = applySgr(this.style, params);
    } else if (final === 0x4b /* K: erase in line */) {
      const mode = params === '' ? 0 : Number.parseInt(params, 10);
      // The cursor is at the end of the line, or at its start after a `\r`.
      if (mode === 2 || (this.cr && (mode === 0 || mode === 1))) this.clearOpenLine();
    }
  }

  private clearOpenLine(): void {
    if (!this.open) return;
    const line = this.lines[this.lines.length - 1]!;
    if (line.text === '' && line.spans.length === 0) return;
    line.spans = [];
    line.text = '';
    line.lastStyle = null;
    this.markLastDirty();
  }

  private markLastDirty(): void {
    const abs = this.droppedCount + this.length - 1;
    if (abs < this.dirtyFrom) this.dirtyFrom = abs;
  }

  private write(text: string): void {
    let line: MutableLine;
    if (this.open) {
      line = this.lines[this.lines.length - 1]!;
      if (this.cr) {
        line.spans = [];
        line.text = '';
        line.lastStyle = null;
      }
    } else {
      line = { spans: [], text: '', lastStyle: null };
      this.lines.push(line);
      this.open = true;
    }
    this.cr = false;
    const style = this.style;
    if (line.lastStyle === style) {
      line.spans[line.spans.length - 1]!.text += text;
    } else {
      line.spans.push(style === PLAIN ? { text } : { text, ...style });
      line.lastStyle = style;
    }
    line.text += text;
    this.markLastDirty();
  }

  private newline(): void {
    this.cr = false;
    if (this.open) {
      this.open = false;
      return;
    }
    this.lines.push({ spans: [], text: '', lastStyle: null });
    this.markLastDirty();
  }

  private enforceCap(): void {
    const excess = this.length - this.max;
    if (excess <= 0) return;
    this.head += excess;
    this.droppedCount += excess;
    // Compact now and then: amortised O(1) per line, no O(n) shift per dropped line.
    if (this.head >= 4096 && this.head * 2 >= this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }
}

function normalizeMax(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_MAX_LINES;
  return Math.max(1, Math.floor(value));
}
