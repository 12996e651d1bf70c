/**
 * The History tab's view logic, pure (tested in Node): the rows of the table (one per session,
 * one per version that has none), sorting by a column (missing values last either way),
 * filtering by text and status, the selection for Compare, and the cell texts.
 */
import type { HistorySession, VersionSummary } from '../../src/shared/panel-protocol';

export interface HistoryRow {
  /** Stable row key: the session id, or `version:<id>` for a version without sessions. */
  key: string;
  versionId: string;
  versionName: string;
  sessionId: string | null;
  status: string;
  /** When the session (or, without one, the version) was created. */
  startedAt: string;
  endedAt: string | null;
  step: number | null;
  totalSteps: number | null;
  finalLoss: number | null;
  bestLoss: number | null;
  durationSeconds: number | null;
  backend: string | null;
  /** The version's tags, then the session's own. */
  tags: string[];
  /** Version and session notes (searched by the filter). */
  notes: string;
}

export const SORT_KEYS = ['version', 'status', 'started', 'ended', 'steps', 'finalLoss', 'bestLoss', 'duration', 'backend', 'tags'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortState {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export const DEFAULT_SORT: SortState = { key: 'started', dir: 'desc' };

export interface FilterState {
  text: string;
  /** A status, or 'all'. */
  status: string;
}

/** The rows of the table: every session of the style, and every version that has none yet. */
export function buildRows(versions: readonly VersionSummary[], sessions: readonly HistorySession[]): HistoryRow[] {
  const byId = new Map(versions.map((v) => [v.id, v]));
  const rows: HistoryRow[] = sessions.map((s) => {
    const v = byId.get(s.versionId);
    return {
      key: s.id,
      versionId: s.versionId,
      versionName: v?.name ?? s.versionId,
      sessionId: s.id,
      status: s.status,
      startedAt: s.attempts[0]?.startedAt ?? s.createdAt,
      endedAt: s.endedAt,
      step: s.step,
      totalSteps: s.totalSteps,
      finalLoss: s.finalLoss,
      bestLoss: s.bestLoss,
      durationSeconds: s.durationSeconds,
      backend: s.backend,
      tags: [...new Set([...(v?.tags ?? []), ...s.tags])],
      notes: [v?.notes ?? '', s.notes].filter(Boolean).join('\n'),
    };
  });
  const withSessions = new Set(sessions.map((s) => s.versionId));
  for (const v of versions) {
    if (withSessions.has(v.id)) continue;
    rows.push({
      key: `version:${v.id}`,
      versionId: v.id,
      versionName: v.name,
      sessionId: null,
      status: v.status,
      startedAt: v.createdAt,
      endedAt: null,
      step: null,
      totalSteps: v.steps,
      finalLoss: null,
      bestLoss: null,
      durationSeconds: null,
      backend: null,
      tags: [...v.tags],
      notes: v.notes,
    });
  }
  return rows;
}

function sortValue(r: HistoryRow, key: SortKey): string | number | null {
  switch (key) {
    case 'version':
      return r.versionName;
    case 'status':
      return r.status;
    case 'started': {
      const t = Date.parse(r.startedAt);
      return Number.isFinite(t) ? t : null;
    }
    case 'ended': {
      const t = r.endedAt ? Date.parse(r.endedAt) : NaN;
      return Number.isFinite(t) ? t : null;
    }
    case 'steps':
      return r.step ?? null;
    case 'finalLoss':
      return r.finalLoss;
    case 'bestLoss':
      return r.bestLoss;
    case 'duration':
      return r.durationSeconds;
    case 'backend':
      return r.backend;
    case 'tags':
      return r.tags.length ? r.tags.join(', ') : null;
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorted by a column; rows without a value go last in either direction; ties keep their order. */
export function sortRows(rows: readonly HistoryRow[], sort: SortState): HistoryRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i, v: sortValue(r, sort.key) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v));
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.r);
}

/** A click on a header: the same column flips its direction; another starts ascending (dates and numbers descending). */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  const descFirst: SortKey[] = ['started', 'ended', 'steps', 'duration'];
  return { key, dir: descFirst.includes(key) ? 'desc' : 'asc' };
}

/** Rows of the status (or all) whose version, session, status, backend, tags or notes contain every word of the text. */
export function filterRows(rows: readonly HistoryRow[], filter: FilterState): HistoryRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (filter.status !== 'all' && r.status !== filter.status) return false;
    if (!words.length) return true;
    const hay = [r.versionName, r.versionId, r.sessionId ?? '', r.status, r.backend ?? '', ...r.tags, r.notes].join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The versions ticked for Compare, oldest first (`versions` is newest first, as the index lists them). */
export function compareSelection(versions: readonly { id: string }[], ticked: ReadonlySet<string>): string[] {
  return versions
    .filter((v) => ticked.has(v.id))
    .map((v) => v.id)
    .reverse();
}

// ------------------------------------------------------------------ cell texts

export const DASH = '—';

/** `42s`, `5m 03s`, `2h 07m`, `3d 04h`; a dash for none. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DASH;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

export function formatLoss(loss: number | null | undefined): string {
  if (loss === null || loss === undefined || !Number.isFinite(loss)) return DASH;
  return Math.abs(loss) >= 0.001 || loss === 0 ? loss.toFixed(4) : loss.toExponential(2);
}

/** `2025-10-13 09:02` in local time; the text as it is when it is not a date. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function formatSteps(step: number | null, total: number | null): string {
  if (step === null) return total === null ? DASH : `0/${total}`;
  return total === null ? String(step) : `${step}/${total}`;
}

/** A parameter value in a cell: text as it is, anything else as JSON; a dash when the version lacks it. */
export function formatParam(value: unknown, present = true): string {
  if (!present) return DASH;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Tags as typed ("a, b,  c"): trimmed, no empties, no duplicates. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
}
