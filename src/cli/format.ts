import type { Session, VersionStatus } from '../core/model';
import type { Palette } from './output';

/**
 * How values look in tables. Glyphs are single-width so columns stay aligned in every
 * terminal (emoji are not: their width depends on the terminal and font).
 */
const STATUS_LOOK: Record<VersionStatus, { icon: string; paint: keyof Omit<Palette, 'enabled'> }> = {
  draft: { icon: '·', paint: 'dim' },
  pending: { icon: '…', paint: 'yellow' },
  running: { icon: '▶', paint: 'cyan' },
  completed: { icon: '✓', paint: 'green' },
  failed: { icon: '✗', paint: 'red' },
  cancelled: { icon: '⊘', paint: 'yellow' },
  interrupted: { icon: '!', paint: 'magenta' },
  unknown: { icon: '?', paint: 'dim' },
};

export function formatStatus(status: VersionStatus, color: Palette): string {
  const look = STATUS_LOOK[status];
  return color[look.paint](`${look.icon} ${status}`);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local date and time to the minute: `2026-11-23 16:04`. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

export function formatCount(n: number | null | undefined): string {
  return typeof n === 'number' ? String(n) : '-';
}

/** Losses are small floats: four significant digits say enough. */
export function formatLoss(loss: number | null | undefined): string {
  if (typeof loss !== 'number' || !Number.isFinite(loss)) return '-';
  return Number(loss.toPrecision(4)).toString();
}

/** `450/1200 (38%)`, or just the step when the total is unknown. */
export function formatProgress(progress: { step: number; totalSteps: number | null } | null): string {
  if (!progress) return '-';
  const { step, totalSteps } = progress;
  if (!totalSteps) return String(step);
  return `${step}/${totalSteps} (${Math.floor((step / totalSteps) * 100)}%)`;
}

/** Seconds as `45s`, `3m<sep>12s` or `1h<sep>04m`; `none` when there is no (valid) time. */
function hoursMinutesSeconds(seconds: number | null | undefined, sep: string, none: string): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return none;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${sep}${pad2(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${sep}${pad2(Math.floor((s % 3600) / 60))}m`;
}

/** `1h 04m`, `3m 12s`, `45s`. */
export function formatDuration(seconds: number | null | undefined): string {
  return hoursMinutesSeconds(seconds, ' ', '-');
}

/** Time spent training (shared with the panel's History tab). */
export { trainingSeconds } from '../shared/history';

/** A parameter value as a table shows it: text as is, anything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function formatBackend(backend: Session['backend']): string {
  return backend.type === 'runpod' ? `runpod ${backend.endpointId}` : backend.type;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Local date and time to the second, for attempts that may last seconds: `2026-11-23 16:04:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDate(iso)}:${pad2(d.getSeconds())}`;
}

/** A compact remaining time for a progress line: `45s`, `8m12s`, `1h04m`. */
export function formatEta(seconds: number | null | undefined): string {
  return hoursMinutesSeconds(seconds, '', '?');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells drawn in eighths: `▕████▌     ▏`. */
export function progressBar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const part = EIGHTHS[eighths % 8]!;
  return `▕${'█'.repeat(full)}${part}${' '.repeat(Math.max(0, width - full - (part ? 1 : 0)))}▏`;
}

/** The last part of a path (a checkpoint folder's name), whatever the separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}
