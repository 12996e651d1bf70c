import type { LineParser, ParsedEvent } from './events';
import { LineSplitter } from './splitter';
import type { MetricPoint, ProgressTracker } from './tracker';

export interface LogFollowerOptions {
  parser: LineParser;
  tracker: ProgressTracker;
  /** Where the bytes to be pushed start in the log (a persisted `offset`). */
  startOffset?: number;
  /** Called for each event, after the tracker has seen it. */
  onEvent?: (event: ParsedEvent) => void;
}

/**
 * Splitter, parser and tracker in one: push raw chunks of console.log, get metric points back.
 * `offset` is the byte offset up to which the log has been fully applied; persist it and pass it
 * as `startOffset` (reading the file from there) to continue without double-counting.
 */
export class LogFollower {
  private readonly splitter: LineSplitter;
  private readonly parser: LineParser;
  readonly tracker: ProgressTracker;
  private readonly onEvent: ((event: ParsedEvent) => void) | undefined;

  constructor(options: LogFollowerOptions) {
    this.splitter = new LineSplitter({ startOffset: options.startOffset ?? 0 });
    this.parser = options.parser;
    this.tracker = options.tracker;
    this.onEvent = options.onEvent;
  }

  get offset(): number {
    return this.splitter.offset;
  }

  /** Applies a chunk; `nowMs` (epoch ms) is the caller's clock for it, if the log has none. */
  push(chunk: Uint8Array | string, nowMs?: number): MetricPoint[] {
    const points: MetricPoint[] = [];
    this.splitter.forEach(chunk, (line) => this.apply(line, points, nowMs));
    return points;
  }

  /** The log has ended (the trainer exited): applies the unfinished last line and flushes. */
  end(nowMs?: number): MetricPoint[] {
    const points: MetricPoint[] = [];
    for (const line of this.splitter.end()) this.apply(line, points, nowMs);
    points.push(...this.tracker.flush(nowMs));
    return points;
  }

  private apply(line: string, points: MetricPoint[], nowMs: number | undefined): void {
    const events = this.parser(line);
    if (events.length === 0) return;
    for (const e of events) {
      const p = this.tracker.consume(e, nowMs);
      if (p.length) points.push(...p);
      this.onEvent?.(e);
    }
  }
}
