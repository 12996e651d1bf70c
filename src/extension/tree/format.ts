/**
 * Pure text and icon choices for the tree rows: descriptions (the seed's quick stats),
 * progress, tooltips (Markdown source), status icons and context values. No `vscode` import:
 * unit-tested in plain Node, turned into TreeItems by the providers.
 */
import { canRelaunch, canResume, isActive, type Session, type Style, type Version, type VersionStatus } from '../../core/model';
import { canRetryOnRunPod, runpodBackendOf } from '../../core/sessions/runpod';
import type { Dataset, StoreProblem } from '../../core/store';

/** A codicon and the theme colour it is drawn in. */
export interface IconSpec {
  id: string;
  color?: string;
}

export const STATUS_ICONS: Readonly<Record<VersionStatus, IconSpec>> = {
  draft: { id: 'circle-outline', color: 'disabledForeground' },
  pending: { id: 'clock', color: 'charts.blue' },
  running: { id: 'sync~spin', color: 'charts.orange' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash' },
  interrupted: { id: 'debug-pause', color: 'charts.yellow' },
  unknown: { id: 'question' },
};

export const ICONS = {
  style: { id: 'symbol-color' },
  versions: { id: 'versions' },
  datasets: { id: 'database' },
  dataset: { id: 'file-media' },
  remoteDataset: { id: 'cloud' },
  problem: { id: 'bracket-error', color: 'problemsErrorIcon.foreground' },
  loading: { id: 'loading~spin' },
  message: { id: 'info' },
} as const satisfies Record<string, IconSpec>;

export const STATUS_LABELS: Readonly<Record<VersionStatus, string>> = {
  draft: 'Draft',
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  unknown: 'Unknown',
};

export const SEP = ' • ';

// ------------------------------------------------------------------ context values

/** Structured context values, matched with regular expressions in package.json `when` clauses. */
export const ContextValues = {
  style: 'trainlab.style',
  versions: 'trainlab.versions',
  version: (status: VersionStatus) => `trainlab.version:${status}`,
  /** `trainlab.session:<status>` then the flags of what may be done to it (`trainlab.session:failed:resumable:relaunchable`). */
  session: (status: VersionStatus, flags: readonly SessionFlag[] = []) => [`trainlab.session:${status}`, ...flags].join(':'),
  datasets: 'trainlab.datasets',
  dataset: 'trainlab.dataset',
  /** A dataset that exists only at its URL: no folder to reveal. */
  remoteDataset: 'trainlab.dataset:remote',
  problem: 'trainlab.problem',
} as const;

/** What may be done to a session, as context-value flags (in this order). */
export type SessionFlag = 'cancellable' | 'resumable' | 'relaunchable' | 'extendable' | 'retryable' | 'runpod';

/**
 * The flags of a session, from what the index knows (no I/O). `resumable` trusts the
 * checkpoints the log sync recorded (on RunPod: the one the worker reported); the command
 * itself checks and says why when it refuses. Extend is local only; RunPod's own Retry
 * (`retryable`) is for a job RunPod reported FAILED or TIMED_OUT.
 */
export function sessionFlags(session: Session, trainerCanExtend: boolean): SessionFlag[] {
  if (session.backend.type === 'runpod') return runpodFlags(session);
  const flags: SessionFlag[] = [];
  if (isActive(session.status)) flags.push('cancellable');
  if (canResume(session.status, session.checkpoints.length > 0)) flags.push('resumable');
  if (canRelaunch(session.status)) flags.push('relaunchable');
  if (session.status === 'completed' && trainerCanExtend) flags.push('extendable');
  return flags;
}

function runpodFlags(session: Session): SessionFlag[] {
  const b = runpodBackendOf(session);
  const flags: SessionFlag[] = [];
  // Without a job id there is nothing to cancel (the answer to /run never came).
  if (isActive(session.status) && b?.jobId) flags.push('cancellable');
  if (canResume(session.status, !!b?.checkpoint)) flags.push('resumable');
  if (canRelaunch(session.status)) flags.push('relaunchable');
  if (canRetryOnRunPod(session)) flags.push('retryable');
  flags.push('runpod');
  return flags;
}

// ------------------------------------------------------------------ numbers and dates

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function formatLoss(loss: number): string {
  const abs = Math.abs(loss);
  if (abs === 0) return '0';
  if (abs >= 100) return loss.toFixed(0);
  if (abs >= 0.01) return loss.toFixed(3);
  return loss.toPrecision(2);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-10-12 07:27` in the machine's time zone; the ISO text unchanged when it is not a date. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${pad(m % 60)} min`;
}

/** A short time left, as a status line shows it: `45s`, `8m`, `1h 05m`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

/** Progress older than this is not a basis for an ETA (a remote run nobody polled, a stale file). */
export const ETA_STALE_MS = 10 * 60_000;

/**
 * Seconds left of a running session: the trainer's ETA less the time since it was read;
 * undefined when not running, unknown, or stale.
 */
export function remainingSeconds(session: Session, now: number = Date.now()): number | undefined {
  const p = session.progress;
  if (session.status !== 'running' || !p || p.etaSeconds === null) return undefined;
  const age = now - Date.parse(p.updatedAt);
  if (!Number.isFinite(age) || age > ETA_STALE_MS || age < -ETA_STALE_MS) return undefined;
  const left = p.etaSeconds - Math.max(0, age) / 1000;
  return left > 0 ? left : undefined;
}

/** Whole percent done, when the total is known. */
export function percentDone(session: Session): number | undefined {
  const p = session.progress;
  if (!p?.totalSteps) return undefined;
  return Math.floor((100 * Math.min(p.step, p.totalSteps)) / p.totalSteps);
}

// ------------------------------------------------------------------ parameters

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Steps or epochs of a parameter set, as a person reads them: `1200 steps`, `10 epochs`. */
export function trainingLength(params: Record<string, unknown>): string | undefined {
  const steps = num(params.max_train_steps) ?? num(params.steps) ?? num(params.max_steps);
  const epochs = num(params.max_train_epochs) ?? num(params.epochs) ?? num(params.num_train_epochs);
  if (epochs !== undefined && (steps === undefined || params.max_train_epochs !== undefined)) return plural(epochs, 'epoch');
  if (steps !== undefined) return plural(steps, 'step');
  return undefined;
}

/** The parameters shown first in a summary, in this order; the rest follow by name. */
const SUMMARY_KEYS = [
  'learning_rate', 'max_train_steps', 'max_train_epochs', 'network_dim', 'network_alpha', 'train_batch_size', 'batch_size',
  'num_repeats', 'resolution', 'optimizer_type', 'lr_scheduler', 'mixed_precision', 'save_every_n_steps', 'class_tokens',
];

export function formatParamValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** `[key, value]` pairs for a summary: the well-known keys first, at most `limit` pairs. */
export function parameterSummary(params: Record<string, unknown>, limit = 12): { shown: [string, string][]; more: number } {
  const keys = Object.keys(params);
  const ordered = [...SUMMARY_KEYS.filter((k) => k in params), ...keys.filter((k) => !SUMMARY_KEYS.includes(k)).sort()];
  const shown = ordered.slice(0, limit).map((k): [string, string] => [k, formatParamValue(params[k])]);
  return { shown, more: Math.max(0, ordered.length - limit) };
}

// ------------------------------------------------------------------ Markdown

/** Escapes text for Markdown so a description cannot inject links, HTML or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~$]/g, '\\$&').replace(/\r?\n/g, '  \n');
}

function mdLink(url: string): string {
  if (/^https?:\/\/[^\s<>()]+$/i.test(url)) return `[${escapeMarkdown(url)}](${url})`;
  return `\`${url.replace(/`/g, "'")}\``;
}

function paramTable(params: Record<string, unknown>): string[] {
  const { shown, more } = parameterSummary(params);
  if (!shown.length) return [];
  const rows = ['| Parameter | Value |', '| --- | --- |', ...shown.map(([k, v]) => `| ${escapeMarkdown(k)} | ${escapeMarkdown(v)} |`)];
  if (more) rows.push('', `…and ${plural(more, 'more parameter')}`);
  return rows;
}

// ------------------------------------------------------------------ rows

export function styleDescription(style: Style): string {
  return [style.trainer, style.triggerToken].filter(Boolean).join(SEP);
}

export function styleTooltip(style: Style, problemCount: number): string {
  const lines = [`**${escapeMarkdown(style.name)}** \`${style.id}\``, ''];
  lines.push(`Trainer: ${escapeMarkdown(style.trainer)}  `);
  if (style.triggerToken) lines.push(`Trigger token: \`${style.triggerToken.replace(/`/g, "'")}\`  `);
  lines.push(`Created: ${formatDate(style.createdAt)}`);
  if (problemCount) lines.push('', `$(warning) ${plural(problemCount, 'file')} of this style cannot be used`);
  if (style.description) lines.push('', escapeMarkdown(style.description));
  return lines.join('\n');
}

/** The seed's quick stats: `100 images • 1200 steps • Test with low LR`. */
export function versionDescription(version: Version, datasetImageCount?: number): string {
  const parts: string[] = [];
  const images = version.imageCount ?? datasetImageCount;
  if (images !== undefined && images !== null) parts.push(plural(images, 'image'));
  const length = trainingLength(version.parameters);
  if (length) parts.push(length);
  if (version.description) parts.push(firstLine(version.description));
  return parts.join(SEP);
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0]!.trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

export function versionTooltip(version: Version, style: Style | undefined, datasetImageCount?: number): string {
  const lines = [`**${escapeMarkdown(version.name)}** — ${STATUS_LABELS[version.status]}`, ''];
  if (version.description) lines.push(escapeMarkdown(version.description), '');
  lines.push(`Created: ${formatDate(version.createdAt)}  `);
  if (version.completedAt) lines.push(`Completed: ${formatDate(version.completedAt)}  `);
  const images = version.imageCount ?? datasetImageCount;
  if (version.datasetId || images !== undefined) {
    const ds = [version.datasetId ? `dataset \`${version.datasetId}\`` : undefined, images !== undefined && images !== null ? plural(images, 'image') : undefined].filter(Boolean);
    lines.push(`Data: ${ds.join(SEP)}  `);
  }
  lines.push(`Sessions: ${version.sessionIds.length}`);
  if (version.modelUrl) lines.push('', `Model: ${mdLink(version.modelUrl)}`);
  if (version.tags.length) lines.push('', `Tags: ${version.tags.map((t) => `\`${t.replace(/`/g, "'")}\``).join(' ')}`);
  const table = paramTable(version.parameters);
  if (table.length) lines.push('', ...table);
  if (version.notes) lines.push('', '**Notes**', '', escapeMarkdown(version.notes));
  if (style && !version.parameters.class_tokens && style.triggerToken) lines.push('', `Trigger token: \`${style.triggerToken.replace(/`/g, "'")}\``);
  return lines.join('\n');
}

/** A session's progress: `running • 540/1200 (45%) • ETA 8m • loss 0.081` (the ETA only while fresh). */
export function sessionProgress(session: Session, now: number = Date.now()): string {
  const parts: string[] = [session.status];
  const p = session.progress;
  if (p) {
    if (p.totalSteps) parts.push(`${p.step}/${p.totalSteps} (${percentDone(session)}%)`);
    else if (p.step) parts.push(`step ${p.step}`);
    const eta = remainingSeconds(session, now);
    if (eta !== undefined) parts.push(`ETA ${formatEta(eta)}`);
    if (p.loss !== null) parts.push(`loss ${formatLoss(p.loss)}`);
  } else if (session.metricsSummary.finalLoss !== null) {
    parts.push(`loss ${formatLoss(session.metricsSummary.finalLoss)}`);
  }
  return parts.join(SEP);
}

export function sessionLabel(session: Session): string {
  return formatDate(session.createdAt) || session.id;
}

export function backendLabel(session: Session): string {
  return session.backend.type === 'runpod' ? `RunPod (endpoint ${session.backend.endpointId})` : 'local';
}

/** `backendLines`: Markdown lines after the backend's (a RunPod job's own state, from runpod/format.ts). */
export function sessionTooltip(session: Session, title?: string, backendLines: readonly string[] = []): string {
  const lines = [`**${escapeMarkdown(title ?? `Session ${session.id}`)}** — ${STATUS_LABELS[session.status]}`, ''];
  lines.push(`Session: \`${session.id}\`  `);
  lines.push(`Version: \`${session.styleId}\` / \`${session.versionId}\`  `);
  lines.push(`Backend: ${escapeMarkdown(backendLabel(session))}  `);
  lines.push(...backendLines);
  lines.push(`Created: ${formatDate(session.createdAt)}  `);
  const last = session.attempts[session.attempts.length - 1];
  if (last?.endedAt) lines.push(`Ended: ${formatDate(last.endedAt)}  `);
  if (session.attempts.length > 1) lines.push(`Attempts: ${session.attempts.length}  `);
  const p = session.progress;
  if (p) {
    const bits = [p.totalSteps ? `step ${p.step} of ${p.totalSteps}` : `step ${p.step}`];
    if (p.epoch !== null) bits.push(p.totalEpochs ? `epoch ${p.epoch} of ${p.totalEpochs}` : `epoch ${p.epoch}`);
    if (p.loss !== null) bits.push(`loss ${formatLoss(p.loss)}`);
    const eta = remainingSeconds(session);
    if (eta !== undefined) bits.push(`about ${formatDuration(eta)} left`);
    lines.push(`Progress: ${bits.join(SEP)}  `);
    lines.push(`Updated: ${formatDate(p.updatedAt)}`);
  }
  if (session.metricsSummary.bestLoss !== null) lines.push('', `Best loss: ${formatLoss(session.metricsSummary.bestLoss)}${session.metricsSummary.bestStep !== null ? ` (step ${session.metricsSummary.bestStep})` : ''}`);
  if (session.outputs.model) lines.push('', `Model: ${mdLink(session.outputs.model)}`);
  if (session.error) lines.push('', `$(error) ${escapeMarkdown(session.error.message)}`);
  const table = paramTable(session.parameters);
  if (table.length) lines.push('', ...table);
  return lines.join('\n');
}

/** `3 images • 3 captions`, then the URL when one is set; `URL only • s3://…` without a folder. */
export function datasetDescription(ds: Dataset): string {
  if (ds.remoteOnly) return ['URL only', shortUrl(ds.url)].join(SEP);
  return [plural(ds.imageCount, 'image'), plural(ds.captionCount, 'caption'), ...(ds.url ? [shortUrl(ds.url)] : [])].join(SEP);
}

/**
 * A URL short enough for a row: without its query (a presigned URL's signature is noise there)
 * and with the middle of a long path left out. The tooltip shows it whole.
 */
export function shortUrl(url: string, max = 60): string {
  const cut = url.search(/[?#]/);
  const base = cut < 0 ? url : url.slice(0, cut);
  const tail = cut < 0 ? '' : '?…';
  if (base.length + tail.length <= max) return base + tail;
  const m = /^([a-z0-9]+:\/\/[^/]+)(\/.*)?$/i.exec(base);
  const last = m?.[2]?.split('/').filter(Boolean).pop();
  return m && last ? `${m[1]}/…/${last}${tail}` : `${base.slice(0, max - 1)}…`;
}

export function datasetTooltip(ds: Dataset): string {
  const lines = [`**Dataset** \`${ds.id}\``, ''];
  if (ds.remoteOnly) lines.push('No folder here: only a RunPod worker can train on it.  ');
  else lines.push(`Folder: \`datasets/${ds.id}/\` — ${plural(ds.imageCount, 'image')}${SEP}${plural(ds.captionCount, 'caption')}  `);
  if (ds.url) lines.push(`URL: \`${ds.url.replace(/`/g, '%60')}\`  `, 'RunPod workers download the dataset from this URL.');
  else lines.push('No URL: training on RunPod needs one ("Set Dataset URL…").');
  return lines.join('\n');
}

/** Where a problem is, as a row label: relative to its style folder when it has one. */
export function problemLabel(problem: StoreProblem, underStyle: boolean): string {
  const rel = problem.displayPath.split(/[\\/]/);
  // displayPath is `trainlab/styles/<id>/...` (or the configured root's name instead of trainlab).
  const shown = underStyle && rel.length > 3 && rel[1] === 'styles' ? rel.slice(3).join('/') : rel.join('/');
  return problem.line ? `${shown}:${problem.line}` : shown;
}

export function problemTooltip(problem: StoreProblem): string {
  const where = `${problem.displayPath}${problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : ''}`;
  return [`$(error) **${escapeMarkdown(where)}**`, '', escapeMarkdown(capitalize(problem.message)), '', 'Trainlab leaves this file untouched until it is fixed.'].join('\n');
}

export function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
