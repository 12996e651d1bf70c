import type { Session, Style, Version } from '../core/model';
import type { WorkspaceStore } from '../core/store';
import { formatBackend, formatCount, formatDate, formatLoss, formatProgress, formatStatus, formatValue } from './format';
import type { Palette } from './output';
import { oneLine, renderTable } from './table';

/** The tables and detail listings the commands print (never used with `--json`). */

const head = (color: Palette) => ({ paintHead: color.bold });

/** The version's training length as its parameters say: steps, else epochs. */
function stepsOf(v: Version): string {
  const p = v.parameters;
  if (typeof p.max_train_steps === 'number') return String(p.max_train_steps);
  if (typeof p.max_train_epochs === 'number') return `${p.max_train_epochs} ep`;
  return '-';
}

export function stylesTable(store: WorkspaceStore, styles: readonly Style[], color: Palette): string {
  const rows = styles.map((s) => {
    const entry = store.getStyle(s.id);
    const newest = store.listVersions(s.id)[0];
    return [
      color.bold(s.id),
      oneLine(s.name, 30),
      s.triggerToken || '-',
      s.trainer,
      entry?.versionsProblem ? color.red('! broken') : String(entry?.versions.length ?? 0),
      newest ? `${newest.id} ${formatStatus(newest.status, color)}` : '-',
      formatDate(s.createdAt),
    ];
  });
  return renderTable(['ID', 'NAME', 'TRIGGER', 'TRAINER', 'VERSIONS', 'NEWEST', 'CREATED'], rows, head(color));
}

/** The seed's version selector, as a table: status, id, name, date and the quick stats. */
export function versionsTable(versions: readonly Version[], color: Palette): string {
  const rows = versions.map((v) => [
    formatStatus(v.status, color),
    color.bold(v.id),
    oneLine(v.name, 24),
    formatDate(v.createdAt),
    formatCount(v.imageCount),
    stepsOf(v),
    oneLine(v.description, 50) || '-',
  ]);
  return renderTable(['STATUS', 'ID', 'NAME', 'CREATED', 'IMAGES', 'STEPS', 'DESCRIPTION'], rows, head(color));
}

export function sessionsTable(sessions: readonly Session[], color: Palette): string {
  const rows = sessions.map((s) => [
    color.bold(s.id),
    s.styleId,
    s.versionId,
    formatStatus(s.status, color),
    formatProgress(s.progress),
    formatLoss(s.progress?.loss ?? s.metricsSummary.finalLoss),
    formatDate(s.createdAt),
    formatBackend(s.backend),
  ]);
  return renderTable(['ID', 'STYLE', 'VERSION', 'STATUS', 'PROGRESS', 'LOSS', 'CREATED', 'BACKEND'], rows, head(color));
}

function parameterRows(params: Record<string, unknown>): string[][] {
  return Object.entries(params).map(([k, v]) => [k, formatValue(v)]);
}

export function styleDetails(style: Style, color: Palette): string {
  const rows = [
    ['id', color.bold(style.id)],
    ['name', style.name],
    ['trigger', style.triggerToken || '-'],
    ['trainer', style.trainer],
    ['description', oneLine(style.description, 70) || '-'],
    ['created', formatDate(style.createdAt)],
  ];
  const defaults = parameterRows(style.defaults);
  return [
    renderTable(null, rows, { indent: 2 }),
    ...(defaults.length ? ['  defaults', renderTable(null, defaults, { indent: 4 })] : []),
  ].join('\n');
}

export function versionDetails(version: Version, color: Palette): string {
  const rows = [
    ['id', color.bold(version.id)],
    ['name', version.name],
    ['status', formatStatus(version.status, color)],
    ['created', formatDate(version.createdAt)],
    ['dataset', version.datasetId ? `${version.datasetId} (${formatCount(version.imageCount)} images)` : '-'],
    ['description', oneLine(version.description, 70) || '-'],
    ['notes', oneLine(version.notes, 70) || '-'],
    ['tags', version.tags.join(', ') || '-'],
  ];
  const params = parameterRows(version.parameters);
  return [renderTable(null, rows, { indent: 2 }), '  parameters', params.length ? renderTable(null, params, { indent: 4 }) : '    (none)'].join('\n');
}

/** After a listing: a word on stderr when some files could not be read, so nothing is silently missing. */
export function problemsNote(store: WorkspaceStore): string | undefined {
  const n = store.problems().length;
  return n ? `${n === 1 ? '1 file' : `${n} files`} of the workspace could not be used and ${n === 1 ? 'is' : 'are'} not shown; run "trainlab doctor"` : undefined;
}
