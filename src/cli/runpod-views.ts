import type { Session } from '../core/model';
import { remoteStatusWord, runpodBackendOf } from '../core/sessions';
import { formatDateTime, formatDuration } from './format';
import type { Palette } from './output';

/** How a RunPod session looks in `trainlab status`: its job, RunPod's word for it, queue, worker, when last seen. */

/** Milliseconds as RunPod measures them: `0.4s` under ten seconds, else `3m 12s`. */
export function formatMs(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '-';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms / 1000);
}

/** `2026-11-23 20:01:02 (12s ago)`. */
export function formatSeen(iso: string | undefined, now: Date): string {
  if (!iso) return 'never';
  const ago = (now.getTime() - Date.parse(iso)) / 1000;
  return `${formatDateTime(iso)}${Number.isFinite(ago) ? ` (${formatDuration(Math.max(0, ago))} ago)` : ''}`;
}

/** The job id, or why there is none. */
function jobText(session: Session): string {
  const b = runpodBackendOf(session);
  if (!b) return '-';
  if (b.jobId) return b.jobId;
  if (b.runUnconfirmed && session.status === 'unknown') return 'none: the answer to /run was lost, a job may exist (look in the RunPod console)';
  if (b.runUnconfirmed) return `none yet: /run sent${b.submittedAt ? ` at ${formatDateTime(b.submittedAt)}` : ''}, no answer so far`;
  return 'none';
}

/** Rows for the detail listing of one session (nothing for a local one). */
export function runpodDetailRows(session: Session, color: Palette, now: Date): string[][] {
  const b = runpodBackendOf(session);
  if (!b) return [];
  const ran = typeof b.executionTime === 'number' ? `, ran ${formatMs(b.executionTime)}` : '';
  const attempt = session.attempts.length > 1 ? ` (attempt ${session.attempts.length}${b.run && b.run > 1 ? `, RunPod run ${b.run}` : ''})` : '';
  const word = remoteStatusWord(b);
  return [
    ['job', `${jobText(session)}${b.jobId ? attempt : ''}`],
    ['RunPod', word ? `${color.bold(word)}${ran}` : '-'],
    ['queue delay', formatMs(b.delayTime)],
    ['worker', b.workerId ?? '-'],
    ['last seen', formatSeen(b.lastSeenAt, now)],
    // The newest checkpoint the worker reported: what a resume starts from.
    ...(b.checkpoint ? [['checkpoint', `step ${b.checkpoint.step ?? '?'} (${b.checkpoint.ref})`]] : []),
  ];
}

/** One line under a session's row in a list: `RunPod job J: IN_PROGRESS, queued 0.1s, worker w1, last seen …`. */
export function runpodListLine(session: Session, now: Date): string | undefined {
  const b = runpodBackendOf(session);
  if (!b) return undefined;
  const parts = [remoteStatusWord(b) ?? 'no answer yet'];
  if (typeof b.delayTime === 'number') parts.push(`queued ${formatMs(b.delayTime)}`);
  if (b.workerId) parts.push(`worker ${b.workerId}`);
  parts.push(`last seen ${formatSeen(b.lastSeenAt, now)}`);
  return `RunPod job ${jobText(session)}: ${parts.join(', ')}`;
}
