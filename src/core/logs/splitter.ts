/**
 * Splits a byte stream into segments on both `\r` and `\n` (tqdm rewrites its bar in place
 * with `\r`), keeping the unfinished tail for the next chunk, and counts the bytes fully
 * consumed so a caller can persist `offset` and continue later (a new splitter with
 * `startOffset: offset`, reading the file from there) without re-reading or double-counting.
 *
 * Terminators are found in the bytes: `\r` and `\n` never occur inside a multi-byte UTF-8
 * sequence, so a character split across two chunks is simply part of the kept tail and decoded
 * once it is complete. Offsets are byte offsets, also around invalid UTF-8.
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
    this.scan(chunk, false, (text) => out.push(text));
    return out;
  }

  /** Like `push`, with each segment's terminator and end offset. */
  pushSegments(chunk: Uint8Array | string): Segment[] {
    const out: Segment[] = [];
    this.scan(chunk, true, (text, end, endOffset) => out.push({ text, end, endOffset }));
    return out;
  }

  /** Calls `fn` for each completed segment (no intermediate array; for the hot path). */
  forEach(chunk: Uint8Array | string, fn: (text: string, end: SegmentEnd) => void): void {
    this.scan(chunk, false, fn);
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

  /**
   * The complete part of the input (through its last terminator) is decoded in one go and split
   * as a string (fast); only the bytes after the last terminator are kept. When the text holds
   * U+FFFD (invalid UTF-8, or a real U+FFFD) characters no longer map to bytes one way, so that
   * span is split on its bytes instead. `\r` and `\n` end any invalid sequence, so either way
   * each segment decodes the same however the input was chunked.
   */
  private scan(chunk: Uint8Array | string, offsets: boolean, fn: Emit): void {
    const input = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (input.length === 0) return;
    let buf = this.tail.length ? Buffer.concat([this.tail, input]) : input;
    const lastCR = buf.lastIndexOf(CR);
    const lastLF = buf.lastIndexOf(LF);
    const last = lastCR > lastLF ? lastCR : lastLF;
    if (last >= 0) {
      const text = buf.toString('utf8', 0, last + 1);
      if (text.includes('\uFFFD')) this.scanBytes(buf, last, fn);
      else this.scanText(text, text.length === last + 1, offsets, fn);
      this.consumed += last + 1;
      buf = buf.subarray(last + 1);
    }
    // The unfinished tail: cut while it is over the limit (by content, so chunking cannot matter).
    const max = this.maxSegmentBytes;
    while (buf.length > max) {
      const cut = utf8Cut(buf, 0, max);
      this.consumed += cut;
      fn(buf.toString('utf8', 0, cut), '', this.consumed);
      buf = buf.subarray(cut);
    }
    // Keep the tail as its own copy so a caller may reuse its chunk buffer.
    this.tail = buf.length === 0 ? EMPTY : Buffer.from(buf);
  }

  /** Splits decoded valid UTF-8 text ending with a terminator; offsets from `consumed`. */
  private scanText(text: string, ascii: boolean, offsets: boolean, fn: Emit): void {
    const max = this.maxSegmentBytes;
    let byteOffset = this.consumed;
    let start = 0;
    let nextCR = text.indexOf('\r');
    let nextLF = text.indexOf('\n');
    while (start < text.length) {
      let sep: number;
      if (nextCR < 0) sep = nextLF;
      else if (nextLF < 0) sep = nextCR;
      else sep = nextCR < nextLF ? nextCR : nextLF;
      const isCR = text.charCodeAt(sep) === 13;
      const seg = text.slice(start, sep);
      if (seg.length * 3 > max && (ascii ? seg.length : Buffer.byteLength(seg)) > max) {
        // Over the size limit: cut its bytes (valid UTF-8 round-trips exactly) as a tail would be.
        byteOffset = this.emitLong(Buffer.from(seg, 'utf8'), isCR, byteOffset, fn);
      } else {
        if (offsets) byteOffset += (ascii ? seg.length : Buffer.byteLength(seg)) + 1;
        if (seg.length > 0 || this.keepEmpty) fn(seg, isCR ? '\r' : '\n', offsets ? byteOffset : -1);
      }
      start = sep + 1;
      if (isCR) nextCR = text.indexOf('\r', start);
      else nextLF = text.indexOf('\n', start);
    }
  }

  /** Splits buf[0..last] (last is a terminator) on its bytes, decoding each segment alone. */
  private scanBytes(buf: Buffer, last: number, fn: Emit): void {
    const max = this.maxSegmentBytes;
    let byteOffset = this.consumed;
    let start = 0;
    let nextCR = buf.indexOf(CR, 0);
    let nextLF = buf.indexOf(LF, 0);
    while (start <= last) {
      let sep: number;
      if (nextCR < 0) sep = nextLF;
      else if (nextLF < 0) sep = nextCR;
      else sep = nextCR < nextLF ? nextCR : nextLF;
      const isCR = buf[sep] === CR;
      if (sep - start > max) byteOffset = this.emitLong(buf.subarray(start, sep), isCR, byteOffset, fn);
      else {
        byteOffset += sep + 1 - start;
        if (sep > start || this.keepEmpty) fn(buf.toString('utf8', start, sep), isCR ? '\r' : '\n', byteOffset);
      }
      start = sep + 1;
      if (isCR) nextCR = buf.indexOf(CR, start);
      else nextLF = buf.indexOf(LF, start);
    }
  }

  /** An over-long segment's bytes (without terminator) as pieces of at most max bytes. */
  private emitLong(bytes: Buffer, isCR: boolean, byteOffset: number, fn: Emit): number {
    const max = this.maxSegmentBytes;
    let rest = bytes;
    while (rest.length > max) {
      const cut = utf8Cut(rest, 0, max);
      byteOffset += cut;
      fn(rest.toString('utf8', 0, cut), '', byteOffset);
      rest = rest.subarray(cut);
    }
    byteOffset += rest.length + 1;
    if (rest.length > 0 || this.keepEmpty) fn(rest.toString('utf8'), isCR ? '\r' : '\n', byteOffset);
    return byteOffset;
  }
}

type Emit = (text: string, end: SegmentEnd, endOffset: number) => void;
