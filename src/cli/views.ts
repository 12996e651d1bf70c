import { hostname } from 'node:os';
import type { Attempt, Session, Style, Version } from '../core/model';
import { paths, type Dataset, type WorkspaceStore } from '../core/store';
import {
  baseName,
  formatBackend,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatLoss,
  formatProgress,
  formatStatus,
  formatValue,
  plural,
  trainingSeconds,
} from './format';
import type { Output, Palette } from './output';
import { runpodDetailRows } from './runpod-views';
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

/** `main (100 images)`, with the dataset's URL when it has one; `main (URL only: s3://…)` without a folder. */
function datasetText(version: Version, dataset: Dataset | undefined): string {
  if (!version.datasetId) return '-';
  if (dataset?.remoteOnly) return `${version.datasetId} (URL only: ${dataset.url})`;
  const images = `${formatCount(version.imageCount)} images`;
  return `${version.datasetId} (${dataset?.url ? `${images}, URL ${dataset.url}` : images})`;
}

/** A version's fields; `dataset` is its dataset as the store has it (for the URL). */
export function versionDetails(version: Version, color: Palette, dataset?: Dataset): string {
  const rows = [
    ['id', color.bold(version.id)],
    ['name', version.name],
    ['status', formatStatus(version.status, color)],
    ['created', formatDate(version.createdAt)],
    ['dataset', datasetText(version, dataset)],
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

/** How an attempt ended, in a word or two. */
function attemptEnd(session: Session, a: Attempt, last: boolean): string {
  if (!a.endedAt && last && (session.status === 'running' || session.status === 'pending')) return session.status;
  // A RunPod job has no exit code here: how its last attempt ended is the session's status.
  if (session.backend.type === 'runpod') return last ? session.status : 'ended';
  if (a.signal) return a.signal;
  if (a.exitCode !== null) return String(a.exitCode);
  if (last && session.status === 'cancelled') return 'cancelled';
  return 'no exit record';
}

/** The attempts of a session: the first start and each resume, with where it resumed from. */
export function attemptsTable(session: Session, color: Palette, indent = 0): string {
  const rows = session.attempts.map((a, i) => [
    String(i + 1),
    formatDateTime(a.startedAt),
    formatDateTime(a.endedAt),
    a.resumedFrom ? baseName(a.resumedFrom) : '-',
    String(a.startStep),
    attemptEnd(session, a, i === session.attempts.length - 1),
  ]);
  return renderTable(['#', 'STARTED', 'ENDED', 'RESUMED FROM', 'START STEP', 'EXIT'], rows, { ...head(color), indent });
}

/** `0.0812 (best 0.0791 at step 1100)`. */
export function lossSummary(session: Session): string {
  const { finalLoss, bestLoss, bestStep } = session.metricsSummary;
  const last = finalLoss ?? session.progress?.loss ?? null;
  const best = bestLoss !== null ? `best ${formatLoss(bestLoss)}${bestStep !== null ? ` at step ${bestStep}` : ''}` : '';
  if (last === null) return best || '-';
  return best ? `${formatLoss(last)} (${best})` : formatLoss(last);
}

const MAX_CHECKPOINTS_SHOWN = 8;

/** A local path as the user can use it; a URL (a RunPod worker's upload) as it is. */
export function shownPath(p: string, out: Output): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : out.path(p);
}

/** Everything `trainlab status` shows of one session. */
export function sessionDetails(store: WorkspaceStore, session: Session, out: Output, now = new Date()): string {
  const runner = store.getSession(session.id)?.runner;
  const elsewhere = runner && runner.host !== hostname() ? runner.host : undefined;
  const color = out.color;
  const p = session.progress;
  const progress = p ? `${formatProgress(p)}${p.epoch !== null ? `, epoch ${p.epoch}${p.totalEpochs ? `/${p.totalEpochs}` : ''}` : ''}` : '-';
  const active = session.status === 'running' || session.status === 'pending';
  const origin = session.origin.type === 'relaunch' && session.origin.parentSessionId ? `relaunch of ${session.origin.parentSessionId}` : session.origin.type;
  const rows: string[][] = [
    ['session', color.bold(session.id)],
    ['version', `${session.styleId}/${session.versionId}`],
    ['status', formatStatus(session.status, color)],
    ['progress', progress],
    ['loss', lossSummary(session)],
    ...(active ? [['ETA', formatDuration(p?.etaSeconds)]] : []),
    ['trained for', formatDuration(trainingSeconds(session.attempts, now))],
    ['backend', `${formatBackend(session.backend)}${elsewhere ? ` (on ${elsewhere})` : ''}`],
    ...runpodDetailRows(session, color, now),
    ['trainer', session.trainer ?? '-'],
    ['created', formatDateTime(session.createdAt)],
    ['origin', origin],
    ...(session.error ? [['error', color.red(`${session.error.message}${session.error.where ? ` (${session.error.where})` : ''}`)]] : []),
    ['log', out.path(paths.consoleLog(store.root, session.styleId, session.id))],
  ];
  const parts = [renderTable(null, rows, { indent: 2 })];
  if (session.attempts.length) parts.push('', `${color.bold('Attempts')}`, attemptsTable(session, color, 2));
  if (session.checkpoints.length) {
    const shown = session.checkpoints.slice(-MAX_CHECKPOINTS_SHOWN);
    const earlier = session.checkpoints.length - shown.length;
    parts.push('', `${color.bold('Checkpoints')}${earlier ? ` (the newest ${shown.length} of ${session.checkpoints.length})` : ''}`);
    parts.push(renderTable(['STEP', 'SAVED', 'PATH'], shown.map((c) => [formatCount(c.step), formatDateTime(c.createdAt), out.path(c.path)]), { ...head(color), indent: 2 }));
  }
  const samples = session.outputs.samples;
  if (session.outputs.model || samples.length) {
    const outRows = [
      ...(session.outputs.model ? [['model', shownPath(session.outputs.model, out)]] : []),
      ...(samples.length ? [['samples', `${plural(samples.length, 'image')} (newest: ${shownPath(samples[samples.length - 1]!, out)})`]] : []),
    ];
    parts.push('', color.bold('Outputs'), renderTable(null, outRows, { indent: 2 }));
  }
  return parts.join('\n');
}
