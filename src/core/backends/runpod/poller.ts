/**
 * The one scheduler of RunPod polls (DESIGN: every `trainlab.pollIntervalSeconds`, at once when
 * a view shows the session or the window regains focus). Per job: at most one request in flight,
 * at most one scheduled poll per interval (a poll on demand moves the next one an interval on,
 * and is skipped when the last one is very recent), exponential backoff after errors, and no
 * more polls once the session is final. Pure timing: what a poll does is the caller's.
 */

export interface PollerOptions {
  intervalMs: number;
  /** Polls one session; resolves `final: true` when nothing more will change. */
  poll(sessionId: string): Promise<{ final: boolean }>;
  /** Called with each failed poll (the poller backs off and tries again). */
  onError?(sessionId: string, error: unknown, retryInMs: number): void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** A poll on demand right after another one adds nothing (RunPod's answer has not moved). */
export const MIN_GAP_MS = 5_000;
/** Backoff after errors never waits longer than this. */
export const MAX_BACKOFF_MS = 10 * 60_000;

interface Entry {
  due: number;
  failures: number;
  inFlight: Promise<void> | null;
  lastStart: number;
}

export class RunPodPoller {
  private readonly entries = new Map<string, Entry>();
  private timer: unknown;
  private timerDue = Infinity;
  private disposed = false;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly options: PollerOptions) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  /** Sessions being watched. */
  get watched(): string[] {
    return [...this.entries.keys()];
  }

  /** Watches a session (first poll at once unless `delayMs`); watching twice changes nothing. */
  track(sessionId: string, delayMs = 0): void {
    if (this.disposed || this.entries.has(sessionId)) return;
    this.entries.set(sessionId, { due: this.now() + delayMs, failures: 0, inFlight: null, lastStart: -Infinity });
    this.schedule();
  }

  untrack(sessionId: string): void {
    this.entries.delete(sessionId);
    this.schedule();
  }

  /** Polls now (a view shows it, the window got focus, the CLI asked); resolves when done. */
  async pollNow(sessionId: string): Promise<void> {
    if (this.disposed) return;
    if (!this.entries.has(sessionId)) this.track(sessionId, Infinity);
    const e = this.entries.get(sessionId)!;
    if (e.inFlight) return e.inFlight;
    if (this.now() - e.lastStart < MIN_GAP_MS) return;
    return this.run(sessionId, e);
  }

  /** Polls every watched session now (focus regained). */
  async pollAll(): Promise<void> {
    await Promise.all(this.watched.map((id) => this.pollNow(id)));
  }

  setInterval(ms: number): void {
    (this.options as { intervalMs: number }).intervalMs = ms;
    this.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.entries.clear();
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
  }

  private run(sessionId: string, e: Entry): Promise<void> {
    e.lastStart = this.now();
    // The next scheduled poll is an interval after this one, whoever asked for it.
    e.due = Infinity;
    e.inFlight = (async () => {
      try {
        const r = await this.options.poll(sessionId);
        e.failures = 0;
        if (r.final) this.entries.delete(sessionId);
        else e.due = this.now() + this.options.intervalMs;
      } catch (err) {
        e.failures++;
        const wait = Math.min(MAX_BACKOFF_MS, this.options.intervalMs * 2 ** Math.min(e.failures, 10));
        e.due = this.now() + wait;
        this.options.onError?.(sessionId, err, wait);
      } finally {
        e.inFlight = null;
        this.schedule();
      }
    })();
    return e.inFlight;
  }

  private schedule(): void {
    if (this.disposed) return;
    let next = Infinity;
    for (const e of this.entries.values()) if (!e.inFlight && e.due < next) next = e.due;
    if (next === this.timerDue && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clearTimer(this.timer);
    this.timer = undefined;
    this.timerDue = next;
    if (next === Infinity) return;
    this.timer = this.setTimer(() => this.tick(), Math.max(0, next - this.now()));
  }

  private tick(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = this.now();
    for (const [id, e] of this.entries) if (!e.inFlight && e.due <= now) void this.run(id, e);
    this.schedule();
  }
}
