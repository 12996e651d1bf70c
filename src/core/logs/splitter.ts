/**
 * Splits a byte stream into segments on both `\r` and `\n` (tqdm rewrites its bar in place
 * with `\r`), keeping the unfinished tail for the next chunk, and counts the bytes fully
 * consumed so a caller can persist `offset` and continue later (a new splitter with
 * `startOffset: offset`, reading the file from there) without re-reading or double-counting.
 *
 * Works on bytes: `\r` and `\n` never occur inside a multi-byte UTF-8 sequence, so a character
 * split across two chunks is simply part of the kept tail and decoded once it is complete.
 */

const CR = 0x0d;
const LF = 0x0a;

export type SegmentEnd = '\n' | '\r' | '';

export interface Segment {
  text: string;
  /** The byte that ended the segment; '' for a tail forced out by `end()` or `maxSegmentBytes`. */
  end: SegmentEnd;
  /** Byte offset just past the segment and its terminator. */
  endOffset: number;
}

export interface LineSplitterOptions {
  /** Byte offset of the first byte that will be pushed (a persisted `offset`). Default 0. */
  startOffset?: number;
  /** Yield empty segments too (e.g. the `\n` of `\r\n`, blank lines). Default false. */
  keepEmpty?: boolean;
  /**
   * A segment longer than this (bytes) is cut into pieces of at most this size, ending on a
   * UTF-8 character boundary, so garbage without line breaks cannot grow memory without bound.
   * The cut depends only on the content, never on how it was chunked. Default 1 MiB.
   */
  maxSegmentBytes?: number;
}

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * A cut length <= max such that the next piece starts on a UTF-8 character boundary (not on a
 * continuation byte 10xxxxxx); invalid sequences are cut at max.
 */
function utf8Cut(buf: Buffer, start: number, max: number): number {
  let c = max;
  while (c > max - 3 && c > 1 && (buf[start + c]! & 0xc0) === 0x80) c--;
  return (buf[start + c]! & 0xc0) === 0x80 ? max : c;
}

export class LineSplitter {
  private tail: Buffer = EMPTY;
  private consumed: number;
  private readonly keepEmpty: boolean;
  private readonly maxSegmentBytes: number;

  constructor(options: LineSplitterOptions = {}) {
    this.consumed = options.startOffset ?? 0;
    this.keepEmpty = options.keepEmpty ?? false;
    this.maxSegmentBytes = Math.max(4, options.maxSegmentBytes ?? 1024 * 1024);
  }

  /** Bytes of input fully consumed (through the last terminator), counted from the start offset's origin. */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes held back in the unfinished tail. */
  get pendingBytes(): number {
    return this.tail.length;
  }

  /** Feeds a chunk; returns the text of each completed segment, in order. */
  push(chunk: Uint8Array | string): string[] {
    const out: string[] = [];
    this.scan(chunk, (text) => out.push(text));
    return out;
  }

  /** Like `push`, with each segment's terminator and end offset. */
  pushSegments(chunk: Uint8Array | string): Segment[] {
    const out: Segment[] = [];
    this.scan(chunk, (text, end, endOffset) => out.push({ text, end, endOffset }));
    return out;
  }

  /** Calls `fn` for each completed segment (no intermediate array; for the hot path). */
  forEach(chunk: Uint8Array | string, fn: (text: string, end: SegmentEnd, endOffset: number) => void): void {
    this.scan(chunk, fn);
  }

  /**
   * Flushes the unfinished tail as a last segment (the stream has ended). After this the
   * offset covers all input.
   */
  end(): string[] {
    if (this.tail.length === 0) return [];
    const text = this.tail.toString('utf8');
    this.consumed += this.tail.length;
    this.tail = EMPTY;
    return text || this.keepEmpty ? [text] : [];
  }

  /** The unfinished tail as text (what a terminal would show on the current line); not consumed. */
  peekTail(): string {
    return this.tail.toString('utf8');
  }

  private scan(chunk: Uint8Array | string, fn: (text: string, end: SegmentEnd, endOffset: number) => void): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (input.length === 0) return;
    const buf = this.tail.length ? Buffer.concat([this.tail, input]) : input;
    const len = buf.length;
    let start = 0;
    let nextCR = buf.indexOf(CR, 0);
    let nextLF = buf.indexOf(LF, 0);
    const max = this.maxSegmentBytes;
    for (;;) {
      let sep: number;
      if (nextCR < 0) sep = nextLF;
      else if (nextLF < 0) sep = nextCR;
      else sep = nextCR < nextLF ? nextCR : nextLF;
      const limit = sep < 0 ? len : sep;
      // Over-long segment: cut into pieces, deterministically by content.
      while (limit - start > max) {
        const cut = utf8Cut(buf, start, max);
        this.consumed += cut;
        fn(buf.toString('utf8', start, start + cut), '', this.consumed);
        start += cut;
      }
      if (sep < 0) break;
      const isCR = buf[sep] === CR;
      this.consumed += sep + 1 - start;
      if (sep > start || this.keepEmpty) fn(sep > start ? buf.toString('utf8', start, sep) : '', isCR ? '\r' : '\n', this.consumed);
      start = sep + 1;
      if (isCR) nextCR = buf.indexOf(CR, start);
      else nextLF = buf.indexOf(LF, start);
    }
    // Keep the tail as its own copy so a caller may reuse its chunk buffer.
    this.tail = start >= len ? EMPTY : Buffer.from(buf.subarray(start));
  }
}
