// metrics.jsonl lines as the panel reads them: shared by the extension (which reads the files)
// and the webview (which draws them).

/** One metrics.jsonl point. Numbers are finite; anything else is null. */
export interface MetricSample {
  /** Epoch milliseconds of log time. */
  t: number | null;
  step: number;
  epoch: number | null;
  loss: number | null;
  lr: number | null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * One line, or undefined when it is not a JSON object with a finite, non-negative `step` and
 * at least one of a finite `loss` or `lr` (blank lines, garbage, cut lines, NaN).
 */
export function parseMetricLine(line: string): MetricSample | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const step = num(o.step);
  if (step === null || step < 0) return undefined;
  const loss = num(o.loss);
  const lr = num(o.lr);
  if (loss === null && lr === null) return undefined;
  return { t: num(o.t), step, epoch: num(o.epoch), loss, lr };
}

/** Every valid line of a metrics.jsonl text, in file order (bad lines skipped). */
export function parseMetrics(jsonlText: string): MetricSample[] {
  const out: MetricSample[] = [];
  for (const line of jsonlText.split('\n')) {
    const p = parseMetricLine(line);
    if (p) out.push(p);
  }
  return out;
}
