/**
 * Pure logic shared by the CLI's `compare` and the panel's History tab: parameters side by
 * side with the differing keys marked, and the time a session spent training. No `vscode`
 * and no Node import (bundled into the webview too).
 */

export interface ParameterRow {
  key: string;
  /** One value per version, in order; null where the version does not have the key. */
  values: unknown[];
  /** Whether each version has the key (a missing key differs from an explicit null). */
  present: boolean[];
  differs: boolean;
}

/** Rows are the union of the keys, in the order first met; a key one version lacks differs. */
export function parameterRows(params: readonly Record<string, unknown>[]): ParameterRow[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const p of params) {
    for (const k of Object.keys(p)) {
      if (seen.has(k)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  return keys.map((key) => {
    const present = params.map((p) => Object.hasOwn(p, key));
    const texts = params.map((p, i) => (present[i] ? JSON.stringify(p[key]) : undefined));
    return { key, values: params.map((p, i) => (present[i] ? p[key] : null)), present, differs: texts.some((t) => t !== texts[0]) };
  });
}

export interface AttemptTimes {
  startedAt: string;
  endedAt: string | null;
}

/** Time spent training: the sum of the attempts, a running one counted up to `now`; null without attempts. */
export function trainingSeconds(attempts: readonly AttemptTimes[], now: Date): number | null {
  if (!attempts.length) return null;
  let ms = 0;
  for (const a of attempts) {
    const start = Date.parse(a.startedAt);
    const end = a.endedAt ? Date.parse(a.endedAt) : now.getTime();
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) ms += end - start;
  }
  return ms / 1000;
}
