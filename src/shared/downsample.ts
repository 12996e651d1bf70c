/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013) for drawing: keeps the
 * first and last points, and, unlike plain LTTB, always the global minimum and maximum (the
 * best loss and a divergence spike must not vanish): the series is cut at those points and
 * each piece gets its share of the points. Points whose y is not finite (null, NaN) are never
 * chosen, except as first or last point. Pure.
 */

type Ys = ArrayLike<number | null>;

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** LTTB of [a, b] (inclusive) into `count` ≥ 2 indices including a and b, pushed to `out`. */
function lttbRange(xs: ArrayLike<number>, ys: Ys, a: number, b: number, count: number, out: number[]): void {
  const m = b - a - 1; // interior points
  if (count - 2 >= m) {
    for (let i = a; i <= b; i++) out.push(i);
    return;
  }
  out.push(a);
  const buckets = count - 2;
  const every = m / buckets;
  let prev = a;
  for (let k = 0; k < buckets; k++) {
    const start = a + 1 + Math.floor(k * every);
    const end = a + 1 + Math.floor((k + 1) * every);
    // The average of the next bucket (the last bucket's "next" is point b).
    const nStart = end;
    const nEnd = k + 1 < buckets ? a + 1 + Math.floor((k + 2) * every) : b + 1;
    let ax = 0;
    let ay = 0;
    let an = 0;
    for (let j = k + 1 < buckets ? nStart : b; j < nEnd; j++) {
      const y = ys[j];
      if (finite(y)) {
        ax += xs[j]!;
        ay += y;
        an++;
      }
    }
    if (an) {
      ax /= an;
      ay /= an;
    } else {
      ax = xs[b]!;
      ay = finite(ys[b]) ? (ys[b] as number) : 0;
    }
    const px = xs[prev]!;
    const pyRaw = ys[prev];
    const py = finite(pyRaw) ? pyRaw : ay;
    let best = -1;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const y = ys[j];
      if (!finite(y)) continue;
      const area = Math.abs((px - ax) * (y - py) - (px - xs[j]!) * (ay - py));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (best < 0) best = start; // a bucket of gaps: keep its first point
    out.push(best);
    prev = best;
  }
  out.push(b);
}

/**
 * The indices of at most `maxPoints` points of `[from, to)` to draw (all of them when there
 * are no more than that), ascending, including `from`, `to - 1`, and the indices of the
 * smallest and largest finite y.
 */
export function lttbIndices(xs: ArrayLike<number>, ys: Ys, maxPoints: number, from = 0, to = Math.min(xs.length, ys.length)): number[] {
  from = Math.max(0, from);
  to = Math.min(to, xs.length, ys.length);
  const n = to - from;
  const max = Math.floor(maxPoints);
  if (n <= 0) return [];
  if (n <= max) return Array.from({ length: n }, (_, i) => from + i);
  if (max <= 0) return [];
  if (max === 1) return [from];
  if (max === 2) return [from, to - 1];
  let iMin = -1;
  let iMax = -1;
  for (let i = from; i < to; i++) {
    const y = ys[i];
    if (!finite(y)) continue;
    if (iMin < 0 || y < (ys[iMin] as number)) iMin = i;
    if (iMax < 0 || y > (ys[iMax] as number)) iMax = i;
  }
  const anchors = [...new Set([from, to - 1, iMin, iMax].filter((i) => i >= 0))].sort((p, q) => p - q);
  if (anchors.length > max) anchors.splice(1, anchors.length - max); // only when max is 3: keep one extreme
  // Share the interior budget among the pieces by their interior length (largest remainder).
  const budget = max - anchors.length;
  const sizes = anchors.slice(1).map((b, s) => b - anchors[s]! - 1);
  const total = sizes.reduce((p, q) => p + q, 0);
  const alloc = sizes.map((m) => Math.min(m, Math.floor((budget * m) / total)));
  let left = budget - alloc.reduce((p, q) => p + q, 0);
  const order = sizes.map((m, s) => [s, (budget * m) / total - alloc[s]!] as const).sort((p, q) => q[1] - p[1]);
  while (left > 0) {
    let moved = false;
    for (const [s] of order) {
      if (left > 0 && alloc[s]! < sizes[s]!) {
        alloc[s]!++;
        left--;
        moved = true;
      }
    }
    if (!moved) break;
  }
  const out: number[] = [];
  for (let s = 0; s < sizes.length; s++) {
    const piece: number[] = [];
    lttbRange(xs, ys, anchors[s]!, anchors[s + 1]!, alloc[s]! + 2, piece);
    for (let k = s === 0 ? 0 : 1; k < piece.length; k++) out.push(piece[k]!);
  }
  return out;
}

/** `lttbIndices` applied: the points to draw. */
export function downsample(xs: ArrayLike<number>, ys: Ys, maxPoints: number): { xs: number[]; ys: (number | null)[] } {
  const idx = lttbIndices(xs, ys, maxPoints);
  return { xs: idx.map((i) => xs[i]!), ys: idx.map((i) => ys[i] ?? null) };
}
