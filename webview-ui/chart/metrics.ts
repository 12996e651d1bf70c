/**
 * metrics.jsonl (one `{ t, step, epoch, loss, lr }` object a line, written by the session
 * sync) parsed leniently, and an incremental series of points for the chart. Pure.
 */
import { Smoother } from './smooth';

import { parseMetrics, type MetricSample } from '../../src/shared/metrics';

export { parseMetricLine, parseMetrics, type MetricSample } from '../../src/shared/metrics';

export interface MetricsSeriesOptions {
  /** Smoothing weight (TensorBoard's slider), default 0.6. */
  smoothing?: number;
}

/**
 * The points of one session's metrics, as the column arrays the chart draws, appended to as
 * the file grows. Steps are kept strictly ascending: a point of the step of the last one is
 * merged into it (its non-null values win); a point of an earlier step (a resume that went
 * back to its checkpoint) replaces everything from that step on.
 */
export class MetricsSeries {
  readonly steps: number[] = [];
  readonly loss: (number | null)[] = [];
  readonly smoothed: (number | null)[] = [];
  readonly lr: (number | null)[] = [];
  private smoother: Smoother;
  private beforeLast: { last: number; count: number } = { last: 0, count: 0 };
  private partial = '';
  private rev = 0;
  private rewrites = 0;

  constructor(options: MetricsSeriesOptions = {}) {
    this.smoother = new Smoother(options.smoothing ?? 0.6);
  }

  get length(): number {
    return this.steps.length;
  }

  get smoothing(): number {
    return this.smoother.weight;
  }

  /** Increases on every change. */
  get revision(): number {
    return this.rev;
  }

  /** Increases when points were replaced rather than appended (resume, new smoothing). */
  get rewriteCount(): number {
    return this.rewrites;
  }

  /** Appends text as read from the end of metrics.jsonl; a cut last line waits for its rest. */
  appendText(chunk: string): number {
    const text = this.partial + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      this.partial = text;
      return 0;
    }
    this.partial = text.slice(cut + 1);
    return this.appendAll(parseMetrics(text.slice(0, cut)));
  }

  appendAll(samples: readonly MetricSample[]): number {
    for (const s of samples) this.append(s);
    return samples.length;
  }

  append(sample: MetricSample): void {
    const n = this.steps.length;
    const lastStep = n ? this.steps[n - 1]! : -Infinity;
    this.rev++;
    if (sample.step === lastStep) {
      const i = n - 1;
      if (sample.loss !== null) this.loss[i] = sample.loss;
      if (sample.lr !== null) this.lr[i] = sample.lr;
      this.smoother.restore(this.beforeLast);
      this.smoothed[i] = this.smoother.push(this.loss[i] ?? null);
      return;
    }
    if (sample.step < lastStep) {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.steps[mid]! < sample.step) lo = mid + 1;
        else hi = mid;
      }
      this.steps.length = lo;
      this.loss.length = lo;
      this.lr.length = lo;
      this.resmooth();
    }
    this.beforeLast = this.smoother.snapshot();
    this.steps.push(sample.step);
    this.loss.push(sample.loss);
    this.lr.push(sample.lr);
    this.smoothed.push(this.smoother.push(sample.loss));
  }

  /** Changes the smoothing weight (recomputes the smoothed column). */
  setSmoothing(weight: number): void {
    this.smoother = new Smoother(weight);
    this.resmooth();
    this.rev++;
  }

  /** Forgets all points. */
  clear(): void {
    this.steps.length = 0;
    this.loss.length = 0;
    this.lr.length = 0;
    this.partial = '';
    this.resmooth();
    this.rev++;
  }

  private resmooth(): void {
    this.rewrites++;
    const s = new Smoother(this.smoother.weight);
    this.smoothed.length = this.loss.length;
    this.beforeLast = s.snapshot();
    for (let i = 0; i < this.loss.length; i++) {
      if (i === this.loss.length - 1) this.beforeLast = s.snapshot();
      this.smoothed[i] = s.push(this.loss[i] ?? null);
    }
    this.smoother = s;
  }
}
