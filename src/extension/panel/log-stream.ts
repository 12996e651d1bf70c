/**
 * The Console tab's stream of one session: on start, the last `maxLines` lines of its
 * console.log (read from the end, never the whole file) and its metrics.jsonl; then, while
 * the session is active, what was appended (polled every `intervalMs` from the last offset).
 * It stops polling when the session is final (after one last read) and on dispose; no
 * timer outlives it. No `vscode` import: unit-tested in plain Node against real files.
 */
import { StringDecoder } from 'node:string_decoder';
import { readFrom, readLastLines } from '../../core/logs/read';

export type LogStreamKind = 'console' | 'metrics';

export interface LogChunk {
  stream: LogStreamKind;
  reset: boolean;
  text: string;
}

export interface LogStreamOptions {
  consolePath: string;
  metricsPath: string;
  maxLines: number;
  /** Is the session still running (or pending)? Asked before each poll. */
  isActive(): boolean;
  send(chunk: LogChunk): void;
  /** Reading failed in an unexpected way (not "the file is not there yet"). */
  onError?(message: string): void;
  intervalMs?: number;
  /** Bytes read per poll and file (the rest follows on the next ones). */
  chunkBytes?: number;
  /** Most bytes of metrics.jsonl read at the start (a longer file keeps only its end). */
  maxMetricsBytes?: number;
}

export const LOG_POLL_MS = 300;

const missing = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

interface Tail {
  path: string;
  offset: number;
  decoder: StringDecoder;
  /** Nothing was sent yet (the first text is a reset). */
  fresh: boolean;
}

export class LogStream {
  private readonly tails: Record<LogStreamKind, Tail>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private busy: Promise<void> | undefined;
  private started = false;

  constructor(private readonly o: LogStreamOptions) {
    const tail = (path: string): Tail => ({ path, offset: 0, decoder: new StringDecoder('utf8'), fresh: true });
    this.tails = { console: tail(o.consolePath), metrics: tail(o.metricsPath) };
  }

  get isPolling(): boolean {
    return this.timer !== undefined;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Sends the start of both files, then polls while the session is active. */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    await this.run(async () => {
      await this.initialConsole();
      await this.readMore('metrics', this.o.maxMetricsBytes ?? 32 * 1024 * 1024, true);
    });
    this.schedule();
  }

  /** The session's status changed: polls again if it became active; reads the rest once if it ended. */
  sessionChanged(): void {
    if (this.disposed || !this.started) return;
    if (this.o.isActive()) this.schedule();
    else if (!this.timer) void this.run(() => this.poll());
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for a read in progress (tests). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  private schedule(): void {
    if (this.disposed || this.timer || !this.o.isActive()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const active = this.o.isActive();
      void this.run(() => this.poll()).then(() => {
        if (active) this.schedule();
      });
    }, this.o.intervalMs ?? LOG_POLL_MS);
  }

  private async run(fn: () => Promise<void>): Promise<void> {
    while (this.busy) await this.busy;
    if (this.disposed) return;
    const p = fn()
      .catch((e: unknown) => this.o.onError?.(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        if (this.busy === p) this.busy = undefined;
      });
    this.busy = p;
    await p;
  }

  private async poll(): Promise<void> {
    const chunk = this.o.chunkBytes ?? 4 * 1024 * 1024;
    await this.readMore('console', chunk, false);
    await this.readMore('metrics', chunk, false);
  }

  private emit(stream: LogStreamKind, reset: boolean, text: string): void {
    const t = this.tails[stream];
    if (this.disposed || (!text && !reset && !t.fresh)) return;
    this.o.send({ stream, reset: reset || t.fresh, text });
    t.fresh = false;
  }

  private async initialConsole(): Promise<void> {
    const t = this.tails.console;
    let last;
    try {
      last = await readLastLines(t.path, this.o.maxLines);
    } catch (e) {
      if (!missing(e)) throw e;
      this.emit('console', true, '');
      return;
    }
    let text = last.lines.join('\n');
    if (last.size > 0) {
      // A final line without its "\n" is still being written (a progress bar): the rest follows.
      const end = await readFrom(t.path, last.size - 1, 1);
      if (end.data.length === 1 && end.data[0] === 0x0a && last.lines.length) text += '\n';
    }
    t.offset = last.size;
    this.emit('console', true, text);
  }

  /** Reads from the offset (up to `maxBytes`, or the file's end); sends what is new. */
  private async readMore(stream: LogStreamKind, maxBytes: number, first: boolean): Promise<void> {
    const t = this.tails[stream];
    let r;
    try {
      if (first) {
        // Only the end of a huge metrics file: skip to the first whole line of it.
        const size = (await readFrom(t.path, 0, 0)).size;
        if (size > maxBytes) {
          const cut = await readFrom(t.path, size - maxBytes, maxBytes);
          const nl = cut.data.indexOf(0x0a);
          t.offset = cut.nextOffset;
          this.emit(stream, true, t.decoder.write(nl >= 0 ? cut.data.subarray(nl + 1) : Buffer.alloc(0)));
          return;
        }
      }
      r = await readFrom(t.path, t.offset, maxBytes);
    } catch (e) {
      if (!missing(e)) throw e;
      if (t.fresh) this.emit(stream, true, '');
      return;
    }
    if (r.reset) t.decoder = new StringDecoder('utf8');
    t.offset = r.nextOffset;
    this.emit(stream, r.reset, t.decoder.write(r.data));
  }
}
