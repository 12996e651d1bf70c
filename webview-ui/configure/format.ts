/** Pure text and icon choices of the Configure tab (the seed's quick stats). */
import type { DatasetSummary, VersionSummary } from '../../src/shared/panel-protocol';

type Status = VersionSummary['status'];

/** Codicon per status (as the tree draws them); `spin` for the moving ones. */
export const STATUS_ICON: Readonly<Record<Status, { icon: string; spin?: boolean }>> = {
  draft: { icon: 'circle-outline' },
  pending: { icon: 'clock' },
  running: { icon: 'sync', spin: true },
  completed: { icon: 'pass' },
  failed: { icon: 'error' },
  cancelled: { icon: 'circle-slash' },
  interrupted: { icon: 'debug-pause' },
  unknown: { icon: 'question' },
};

export const STATUS_LABEL: Readonly<Record<Status, string>> = {
  draft: 'Draft',
  pending: 'Pending',
  running: 'Training',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  unknown: 'Unknown',
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function shortDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

/** `Oct 12, 2025 • 100 images • 2,000 steps` */
export function versionStats(v: Pick<VersionSummary, 'createdAt' | 'imageCount' | 'steps'>): string {
  const parts = [shortDate(v.createdAt)];
  if (v.imageCount !== null) parts.push(plural(v.imageCount, 'image'));
  if (v.steps !== null) parts.push(plural(v.steps, 'step'));
  return parts.filter(Boolean).join(' • ');
}

/** What the closed selector shows and a screen reader reads for an option. */
export function versionOptionText(v: VersionSummary): string {
  const desc = v.description ? ` • ${v.description}` : '';
  return `${v.name} — ${STATUS_LABEL[v.status]} • ${versionStats(v)}${desc}`;
}

/** `3 images • 3 captions • URL set`; `URL only` for a dataset with no folder (RunPod only). */
export function datasetMeta(d: DatasetSummary): string {
  const counts = d.imageCount !== null ? [plural(d.imageCount, 'image'), ...(d.captionCount !== null ? [plural(d.captionCount, 'caption')] : [])] : [];
  const url = d.url ? [counts.length ? 'URL set' : 'URL only'] : [];
  return [...counts, ...url].join(' • ') || 'no images';
}

/** What the closed selector shows and a screen reader reads for a dataset. */
export function datasetOptionText(d: DatasetSummary): string {
  return `${d.id} — ${datasetMeta(d)}`;
}

/** The codicon of a dataset option: a cloud for one that exists only at its URL. */
export function datasetIcon(d: DatasetSummary): string {
  return d.imageCount === null && d.url ? 'cloud' : 'file-media';
}
