import type { ParsedEvent, TrainerKind } from './events';

/**
 * Keeps a session's own cumulative step count across resumes, from the events of one attempt.
 *
 * One tracker per attempt: the caller gives the session's step when the attempt started
 * (`attemptStartStep`, 0 for the first start). kohya and the demo trainer restart their bar at
 * 0 after a resume with total = remaining steps (`barCountsFromResume`), so the absolute step is
 * `attemptStartStep + n` and the absolute total `attemptStartStep + bar total`; ai-toolkit,
 * Hugging Face and command profiles print absolute counts.
 */

export interface ProgressTrackerOptions {
  trainer: TrainerKind;
  /** The session's cumulative step when this attempt started. */
  attemptStartStep: number;
  /** The run's total steps when already known (e.g. from the parameters). */
  totalSteps?: number | null;
  totalEpochs?: number | null;
  barCountsFromResume: boolean;
  /**
   * Whether checkpoint steps printed by the trainer count from the attempt's start too (kohya:
   * `saving state at step N` uses a step counter that restarts at 0 after `--resume`).
   * Default: true for kohya, false otherwise (the demo trainer prints absolute save steps).
   */
  checkpointStepsFromResume?: boolean;
  /**
   * Epoch milliseconds when the attempt started: metric points get `t = startedAtMs + the bar's
   * elapsed time` (the log's own clock). A clock given to `consume` is used only while the log
   * has shown no elapsed time (command profiles without bars). Default 0.
   */
  startedAtMs?: number;
  /** Minimum log time between two metric points (checkpoints excepted). Default 1000 ms. */
  metricIntervalMs?: number;
  /** Loss and epoch carried over from the previous attempt, shown until this one reports. */
  initial?: { loss?: number | null; lr?: number | null; epoch?: number | null };
}

export interface ProgressState {
  /** The session's cumulative step. */
  step: number;
  totalSteps: number | null;
  /** 1-based current epoch, a whole number (a fractional Hugging Face epoch is rounded up). */
  epoch: number | null;
  totalEpochs: number | null;
  /** null until reported, and when the trainer printed `nan` (see `lossIsNaN`). */
  loss: number | null;
  lossIsNaN: boolean;
  lr: number | null;
  etaSeconds: number | null;
  rateItPerSec: number | null;
  /** Hugging Face's end-of-training average loss. */
  trainLoss: number | null;
  finished: boolean;
}

/** One line of metrics.jsonl. `t` is epoch milliseconds of log time. */
export interface MetricPoint {
  t: number;
  step: number;
  /** As reported (Hugging Face: fractional). */
  epoch: number | null;
  loss: number | null;
  lr: number | null;
}

export interface TrackedCheckpoint {
  /** The session's cumulative step at the save (converted for kohya), or null when unknown. */
  step: number | null;
  epoch: number | null;
  path: string | null;
  kind: 'state' | 'model' | null;
}

const MAX_ERRORS = 50;

function finiteOrNull(x: number | undefined | null): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

export class ProgressTracker {
  private readonly start: number;
  private readonly fromResume: boolean;
  private readonly ckptFromResume: boolean;
  private readonly startedAtMs: number;
  private readonly interval: number;
  private readonly s: ProgressState;
  private rawEpoch: number | null;
  private logClock: number | null = null;
  private lastPoint: MetricPoint | null = null;
  private lastPointClock: number | null = null;
  /** A loss/lr update not yet written as a point (held back by the interval). */
  private pending = false;
  private _version = 0;
  readonly checkpoints: TrackedCheckpoint[] = [];
  readonly errors: string[] = [];

  constructor(options: ProgressTrackerOptions) {
    this.start = Math.max(0, Math.floor(options.attemptStartStep || 0));
    this.fromResume = options.barCountsFromResume;
    this.ckptFromResume = options.checkpointStepsFromResume ?? options.trainer === 'kohya';
    this.startedAtMs = options.startedAtMs ?? 0;
    this.interval = options.metricIntervalMs ?? 1000;
    this.rawEpoch = finiteOrNull(options.initial?.epoch);
    this.s = {
      step: this.start,
      totalSteps: finiteOrNull(options.totalSteps),
      epoch: this.rawEpoch === null ? null : Math.ceil(this.rawEpoch),
      totalEpochs: finiteOrNull(options.totalEpochs),
      loss: finiteOrNull(options.initial?.loss),
      lossIsNaN: false,
      lr: finiteOrNull(options.initial?.lr),
      etaSeconds: null,
      rateItPerSec: null,
      trainLoss: null,
      finished: false,
    };
  }

  /** The current progress (a copy). */
  get state(): ProgressState {
    return { ...this.s };
  }

  /** Increases whenever the state changes: a cheap "anything to write?" check. */
  get version(): number {
    return this._version;
  }

  /** The most telling failure line seen: the first exception line, else the first error line. */
  get errorSummary(): string | null {
    return this.errors.find((l) => !l.includes('Traceback (most recent call last)')) ?? this.errors[0] ?? null;
  }

  /**
   * Applies one event. `nowMs` is the caller's clock for this line (epoch ms), used when the log
   * has no clock of its own (no tqdm elapsed time seen yet): so a backlog read in one go still
   * gets its points spaced by log time. Returns the metric points to append (usually none).
   */
  consume(event: ParsedEvent, nowMs?: number): MetricPoint[] {
    const s = this.s;
    switch (event.type) {
      case 'progress': {
        if (event.elapsedSeconds !== undefined && Number.isFinite(event.elapsedSeconds)) this.logClock = this.startedAtMs + event.elapsedSeconds * 1000;
        const offset = this.fromResume ? this.start : 0;
        if (Number.isFinite(event.n)) s.step = Math.max(0, Math.floor(offset + event.n));
        if (event.total !== null && Number.isFinite(event.total)) s.totalSteps = Math.floor(offset + event.total);
        if (event.rateItPerSec !== undefined) s.rateItPerSec = finiteOrNull(event.rateItPerSec);
        if (event.etaSeconds !== null && Number.isFinite(event.etaSeconds)) s.etaSeconds = event.etaSeconds;
        else if (s.rateItPerSec && s.totalSteps !== null) s.etaSeconds = Math.max(0, (s.totalSteps - s.step) / s.rateItPerSec);
        else s.etaSeconds = null;
        if (s.totalSteps !== null && s.step >= s.totalSteps) s.etaSeconds = 0;
        this.changed();
        const fresh = this.applyLossLr(event.loss, event.lr);
        return fresh ? this.maybePoint(nowMs) : [];
      }
      case 'metrics': {
        if (event.epoch !== undefined) this.setEpoch(event.epoch);
        if (event.final) {
          s.finished = true;
          if (event.trainLoss !== undefined) s.trainLoss = finiteOrNull(event.trainLoss);
          this.changed();
          return [];
        }
        const fresh = this.applyLossLr(event.loss, event.lr);
        this.changed();
        return fresh ? this.maybePoint(nowMs) : [];
      }
      case 'epoch':
        if (event.epoch !== null) this.setEpoch(event.epoch);
        if (event.totalEpochs !== null) s.totalEpochs = event.totalEpochs;
        this.changed();
        return [];
      case 'totalSteps':
        s.totalSteps = event.total;
        this.changed();
        return [];
      case 'resumeFrom':
        s.step = event.step;
        this.changed();
        return [];
      case 'checkpoint': {
        let step: number | null = s.step;
        if (event.step !== undefined) step = this.ckptFromResume ? this.start + event.step : event.step;
        this.checkpoints.push({ step, epoch: event.epoch ?? null, path: event.path ?? null, kind: event.kind ?? null });
        this.changed();
        return this.point(nowMs, true);
      }
      case 'error':
        if (this.errors.length < MAX_ERRORS) this.errors.push(event.line);
        this.changed();
        return [];
    }
  }

  /** Applies several events; returns all points. */
  consumeAll(events: readonly ParsedEvent[], nowMs?: number): MetricPoint[] {
    if (events.length === 0) return [];
    if (events.length === 1) return this.consume(events[0]!, nowMs);
    const out: MetricPoint[] = [];
    for (const e of events) out.push(...this.consume(e, nowMs));
    return out;
  }

  /** At the end of the log: a last point when a loss is still held back by the interval. */
  flush(nowMs?: number): MetricPoint[] {
    return this.pending ? this.point(nowMs, false) : [];
  }

  private changed(): void {
    this._version++;
  }

  private setEpoch(raw: number): void {
    if (!Number.isFinite(raw) || raw < 0) return;
    this.rawEpoch = raw;
    this.s.epoch = Math.ceil(raw);
  }

  /** Returns true when the event carried a loss or lr. */
  private applyLossLr(loss: number | undefined, lr: number | undefined): boolean {
    let fresh = false;
    if (loss !== undefined) {
      this.s.lossIsNaN = Number.isNaN(loss);
      this.s.loss = finiteOrNull(loss);
      fresh = true;
    }
    if (lr !== undefined) {
      this.s.lr = finiteOrNull(lr);
      fresh = true;
    }
    if (fresh) this.pending = true;
    return fresh;
  }

  private clock(nowMs: number | undefined): number | null {
    if (this.logClock !== null) return this.logClock;
    return nowMs !== undefined && Number.isFinite(nowMs) ? nowMs : null;
  }

  private maybePoint(nowMs: number | undefined): MetricPoint[] {
    const c = this.clock(nowMs);
    if (c !== null && this.lastPointClock !== null && c - this.lastPointClock < this.interval) return [];
    if (c === null && this.lastPoint && this.lastPoint.step === this.s.step) return [];
    return this.point(nowMs, false);
  }

  private point(nowMs: number | undefined, checkpoint: boolean): MetricPoint[] {
    const s = this.s;
    if (checkpoint && this.lastPoint && this.lastPoint.step === s.step && !this.pending) return [];
    const c = this.clock(nowMs);
    const p: MetricPoint = { t: c ?? this.lastPointClock ?? this.startedAtMs, step: s.step, epoch: this.rawEpoch, loss: s.loss, lr: s.lr };
    this.lastPoint = p;
    if (c !== null) this.lastPointClock = c;
    this.pending = false;
    return [p];
  }
}
