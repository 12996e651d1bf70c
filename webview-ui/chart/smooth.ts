/**
 * TensorBoard's scalar smoothing: an exponential moving average with debiasing, so the first
 * points are not pulled towards zero. Non-finite values (and null) pass through unchanged and
 * do not move the average. Pure.
 */

/** Smoothing weights are kept in [0, 0.999]: 1 would never move. */
export function clampWeight(weight: number): number {
  return Number.isFinite(weight) ? Math.min(0.999, Math.max(0, weight)) : 0;
}

/** The incremental smoother: feed values one by one. */
export class Smoother {
  readonly weight: number;
  private last = 0;
  private count = 0;

  constructor(weight: number) {
    this.weight = clampWeight(weight);
  }

  push(value: number): number;
  push(value: number | null): number | null;
  push(value: number | null): number | null {
    if (value === null || !Number.isFinite(value)) return value;
    const w = this.weight;
    this.last = this.last * w + (1 - w) * value;
    this.count++;
    return this.last / (1 - Math.pow(w, this.count));
  }

  /** The internal state, to go back one step (see MetricsSeries). */
  snapshot(): { last: number; count: number } {
    return { last: this.last, count: this.count };
  }

  restore(state: { last: number; count: number }): void {
    this.last = state.last;
    this.count = state.count;
  }
}

/** The smoothed copy of `values` (weight 0: unchanged; 0.6 is TensorBoard's default). */
export function smooth(values: readonly number[], weight: number): number[];
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[];
export function smooth(values: readonly (number | null)[], weight: number): (number | null)[] {
  const s = new Smoother(weight);
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = s.push(values[i]!);
  return out;
}
