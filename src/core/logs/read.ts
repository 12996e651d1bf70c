import { open } from 'node:fs/promises';

const CR = 0x0d;
const LF = 0x0a;

export interface ReadLastLinesOptions {
  /** Reads at most this many bytes from the end (default 64 MiB): a log that is one endless
   * `\r`-rewritten bar cannot make it read the whole file. */
  maxBytes?: number;
  /** Read size (default 1 MiB). */
  blockSize?: number;
  /** A visible line longer than this many bytes keeps only its end (default 1 MiB). */
  maxLineBytes?: number;
}

export interface LastLines {
  /** The lines as a terminal shows them: each `\r`-rewritten line collapsed to its last version. */
  lines: string[];
  /** Byte offset where the first returned line starts (where reading stopped, if cut by maxBytes). */
  startOffset: number;
  /** File size when read: the offset to tail from. */
  size: number;
  /** True when maxBytes stopped the read before n lines or the file start were reached. */
  truncated: boolean;
}

/**
 * The last `n` lines of a (possibly huge) log, read from the end in blocks, never the whole
 * file. A line is what lies between two `\n`; within it only the last non-empty `\r`-segment is
 * kept (tqdm's latest rewrite). A final line without `\n` counts (a terminal shows it).
 */
export async function readLastLines(path: string, n: number, options: ReadLastLinesOptions = {}): Promise<LastLines> {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const blockSize = Math.max(16, options.blockSize ?? 1024 * 1024);
  const maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const lines: string[] = []; // newest first
    if (n <= 0 || size === 0) return { lines: [], startOffset: size, size, truncated: false };
    const buf = Buffer.allocUnsafe(Math.min(blockSize, size));
    let pos = size; // bytes [pos, size) are processed
    let read = 0;
    let visible: string | null = null; // the current line's shown segment, once known
    let skipToLF = false; // the current line's shown segment is known: only its start matters
    let pieces: Buffer[] = []; // the current segment's bytes from later blocks (left to right)
    let piecesLen = 0;
    let piecesCut = false;
    let startOffset = size;
    let first = true;
    let done = false;

    const segmentText = (head: Buffer): string => {
      // When the middle was dropped (over maxLineBytes), keep the end only.
      if (piecesCut) return `…${Buffer.concat(pieces).toString('utf8')}`;
      return (pieces.length ? Buffer.concat([head, ...pieces]) : head).toString('utf8');
    };
    const resetPieces = () => {
      pieces = [];
      piecesLen = 0;
      piecesCut = false;
    };
    const endLine = (lineStart: number) => {
      lines.push(visible ?? '');
      visible = null;
      skipToLF = false;
      startOffset = lineStart;
      if (lines.length >= n) done = true;
    };

    while (!done && pos > 0 && read < maxBytes) {
      const len = Math.min(buf.length, pos, Math.max(1, maxBytes - read));
      const blockStart = pos - len;
      const { bytesRead } = await fh.read(buf, 0, len, blockStart);
      if (bytesRead < len) break; // the file shrank under us: stop with what we have
      read += len;
      let cur = len;
      if (first) {
        first = false;
        if (buf[cur - 1] === LF) cur--; // the last line's terminator does not start a new line
      }
      let prevCR = -2; // -2: not computed for this block
      let prevLF = -2;
      while (cur > 0 && !done) {
        if (prevLF === -2 || prevLF >= cur) prevLF = cur > 0 ? buf.lastIndexOf(LF, cur - 1) : -1;
        if (skipToLF) {
          if (prevLF < 0) {
            cur = 0;
            break;
          }
          cur = prevLF;
          endLine(blockStart + prevLF + 1);
          prevLF = -2;
          continue;
        }
        if (prevCR === -2 || prevCR >= cur) prevCR = buf.lastIndexOf(CR, cur - 1);
        const j = prevCR > prevLF ? prevCR : prevLF;
        if (j < 0) {
          // The segment goes on into the previous block.
          const room = maxLineBytes - piecesLen;
          if (room > 0) {
            const keep = Math.min(room, cur);
            pieces.unshift(Buffer.from(buf.subarray(cur - keep, cur)));
            piecesLen += keep;
          }
          if (cur > room) piecesCut = true;
          cur = 0;
          break;
        }
        if (visible === null && (cur > j + 1 || piecesLen > 0)) visible = segmentText(buf.subarray(j + 1, cur));
        resetPieces();
        if (buf[j] === LF) {
          endLine(blockStart + j + 1);
          prevLF = -2;
        } else {
          if (visible !== null) skipToLF = true;
          prevCR = -2;
        }
        cur = j;
      }
      pos = blockStart;
    }
    let truncated = false;
    if (!done) {
      if (pos === 0) {
        if (visible === null && piecesLen > 0) visible = segmentText(Buffer.alloc(0));
        endLine(0);
      } else {
        truncated = true;
        if (visible === null && piecesLen > 0) visible = segmentText(Buffer.alloc(0));
        if (visible !== null) endLine(pos);
        else startOffset = Math.min(startOffset, pos);
      }
    }
    return { lines: lines.reverse(), startOffset, size, truncated };
  } finally {
    await fh.close();
  }
}

export interface ReadFromResult {
  data: Buffer;
  /** Where `data` starts: the given offset, or 0 when the file became shorter (replaced). */
  offset: number;
  /** The offset to continue from. */
  nextOffset: number;
  size: number;
  /** The file is shorter than the given offset: it was truncated or replaced; reading restarted at 0. */
  reset: boolean;
  /** More bytes than `maxBytes` were available. */
  more: boolean;
}

/** Reads up to `maxBytes` of a log from `offset`, for tailing (feed `data` to a LineSplitter). */
export async function readFrom(path: string, offset: number, maxBytes = 8 * 1024 * 1024): Promise<ReadFromResult> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    let start = Math.max(0, Math.floor(offset));
    let reset = false;
    if (start > size) {
      start = 0;
      reset = true;
    }
    const want = Math.max(0, Math.min(maxBytes, size - start));
    const data = Buffer.allocUnsafe(want);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await fh.read(data, got, want - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const out = got === want ? data : data.subarray(0, got);
    return { data: out, offset: start, nextOffset: start + got, size, reset, more: start + got < size };
  } finally {
    await fh.close();
  }
}
