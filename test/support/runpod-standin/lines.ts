import { LineSplitter } from '../../../src/core/logs/splitter';

export type OutputStream = 'stdout' | 'stderr';

/**
 * Turns a trainer's stdout and stderr into log lines for stream chunks, as a worker would. A line
 * is complete at `\n`. A tqdm bar rewrites itself with `\r` and only ends its line when it
 * closes, so between `\n`s only its newest state matters: each `take()` adds that state once as
 * the chunk's last line (when it changed), so a reader sees the bar move without every redraw.
 * Every segment (`\n` or `\r`) also goes to `onSegment`, for the progress parser.
 */
export class OutputLines {
  private readonly splitters: Record<OutputStream, LineSplitter> = { stdout: new LineSplitter({ keepEmpty: true }), stderr: new LineSplitter({ keepEmpty: true }) };
  /** The newest `\r`-ended segment per stream since its last `\n`, not yet taken. */
  private readonly rewritten: Record<OutputStream, string | null> = { stdout: null, stderr: null };
  /** The bar state last put in a chunk, so an unchanged bar is not repeated. */
  private readonly lastTakenBar: Record<OutputStream, string | null> = { stdout: null, stderr: null };
  private lines: string[] = [];

  constructor(private readonly onSegment: (text: string) => void) {}

  push(stream: OutputStream, data: Buffer): void {
    this.splitters[stream].forEach(data, (text, end) => this.segment(stream, text, end === '\r'));
  }

  /** The lines since the last call: whole lines, then each stream's newest bar state if it changed. */
  take(): string[] {
    const out = this.lines;
    this.lines = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const tail = this.splitters[stream].peekTail();
      const bar = tail.trim() ? tail : this.rewritten[stream];
      this.rewritten[stream] = null;
      if (bar !== null && bar !== this.lastTakenBar[stream]) {
        out.push(bar.trimEnd());
        this.lastTakenBar[stream] = bar;
      }
    }
    return out;
  }

  /** The streams have ended: unfinished tails become lines; returns what is left to take. */
  end(): string[] {
    for (const stream of ['stdout', 'stderr'] as const) {
      for (const text of this.splitters[stream].end()) this.segment(stream, text, false);
    }
    return this.take();
  }

  private segment(stream: OutputStream, text: string, isRewrite: boolean): void {
    if (text.trim()) this.onSegment(text);
    if (isRewrite) {
      // A blank `\r` segment is tqdm wiping its bar before a line is printed above it.
      if (text.trim()) this.rewritten[stream] = text;
      return;
    }
    // An empty `\n` segment after a `\r` one is a `\r\n` line end (or a bar closed with `\n`).
    const line = text === '' ? this.rewritten[stream] : text;
    this.rewritten[stream] = null;
    if (line === null || !line.trim()) return;
    this.lines.push(line.trimEnd());
    this.lastTakenBar[stream] = null;
  }
}
