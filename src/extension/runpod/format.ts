/**
 * Pure text about RunPod sessions and endpoints, for the tree rows, the status bar, Check
 * Status and the cancel confirmation. No `vscode` import. Never given the key.
 */
import type { Health } from '../../core/backends/runpod';
import type { Session } from '../../core/model';
import { remoteStatusWord, runpodBackendOf as backendOf } from '../../core/sessions/runpod';
import { escapeMarkdown, formatDuration, plural, SEP } from '../tree/format';

const pad = (n: number) => String(n).padStart(2, '0');

/** `13:02:11` (today) or `2026-11-23 13:02:11`, in the machine's time zone; '' when not a date. */
export function formatSeen(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** A long job or worker id shortened for a row: its first 8 characters. */
export function shortRemoteId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

/** The status word RunPod last said, or what stands in for it before it has said one. */
export function runpodWord(s: Session): string | undefined {
  const b = backendOf(s);
  if (!b) return undefined;
  const word = remoteStatusWord(b);
  if (word) return word;
  if (!b.jobId) return b.runUnconfirmed ? 'submitting' : 'no job';
  return 'not seen yet';
}

/** RunPod said IN_QUEUE, or the session waits for its first answer (the job may have no id yet). */
export function inRunPodQueue(s: Session): boolean {
  const b = backendOf(s);
  return !!b && (b.lastStatus === 'IN_QUEUE' || (!b.lastStatus && s.status === 'pending'));
}

/** How long the job has waited in RunPod's queue (ms): RunPod's delayTime, else since submission while it is queued. */
export function queueDelayMs(s: Session, now: number = Date.now()): number | undefined {
  const b = backendOf(s);
  if (!b) return undefined;
  if (typeof b.delayTime === 'number' && b.delayTime > 0) return b.delayTime;
  // Without a job id it is not queued yet: /run has not answered.
  if (!inRunPodQueue(s) || !b.jobId || !b.submittedAt) return undefined;
  const since = Date.parse(b.submittedAt);
  return Number.isFinite(since) ? Math.max(0, now - since) : undefined;
}

/**
 * What a RunPod session's row adds after its progress: `RunPod IN_QUEUE • queued 45s`,
 * `RunPod IN_PROGRESS • worker abc12345…`, `RunPod COMPLETED`; undefined for a local session.
 */
export function runpodDescription(s: Session, now: number = Date.now()): string | undefined {
  const word = runpodWord(s);
  if (word === undefined) return undefined;
  const parts = [`RunPod ${word}`];
  const b = backendOf(s)!;
  if (s.status === 'pending' || s.status === 'running') {
    const delay = queueDelayMs(s, now);
    if (inRunPodQueue(s)) {
      if (delay !== undefined) parts.push(`queued ${formatDuration(delay / 1000)}`);
    } else if (b.workerId) parts.push(`worker ${shortRemoteId(b.workerId)}`);
  }
  return parts.join(SEP);
}

/** Markdown lines for a RunPod session's tooltip: job, RunPod's word and when, queue delay, run time, worker, checkpoint. */
export function runpodTooltipLines(s: Session, now: number = Date.now()): string[] {
  const b = backendOf(s);
  if (!b) return [];
  const code = (t: string) => `\`${t.replace(/`/g, "'")}\``;
  const lines: string[] = [];
  lines.push(`RunPod job: ${b.jobId ? code(b.jobId) : b.runUnconfirmed ? 'not known (the answer to /run has not come)' : 'none'}  `);
  const seen = b.lastSeenAt ? ` (last seen ${formatSeen(b.lastSeenAt, now)})` : '';
  lines.push(`RunPod status: ${escapeMarkdown(runpodWord(s) ?? '')}${seen}  `);
  const delay = queueDelayMs(s, now);
  if (delay !== undefined) lines.push(`Queue delay: ${formatDuration(delay / 1000)}  `);
  if (typeof b.executionTime === 'number' && b.executionTime > 0) lines.push(`Run time on RunPod: ${formatDuration(b.executionTime / 1000)}  `);
  if (b.workerId) lines.push(`Worker: ${code(b.workerId)}  `);
  if ((b.run ?? 1) > 1) lines.push(`RunPod Retries: ${(b.run ?? 1) - 1}  `);
  if (b.checkpoint) lines.push(`Resume from: step ${b.checkpoint.step ?? '?'} (the worker's newest checkpoint)  `);
  return lines;
}

/** One line of Check Status for a RunPod session: `RunPod IN_PROGRESS, job abc…, worker w1, last seen 13:02:11`. */
export function runpodStatusLine(s: Session, now: number = Date.now()): string | undefined {
  const b = backendOf(s);
  if (!b) return undefined;
  const bits = [`RunPod ${runpodWord(s)}`];
  if (b.jobId) bits.push(`job ${b.jobId}`);
  const delay = queueDelayMs(s, now);
  if (delay !== undefined && (b.lastStatus === 'IN_QUEUE' || s.status === 'pending')) bits.push(`queued ${formatDuration(delay / 1000)}`);
  if (b.workerId) bits.push(`worker ${b.workerId}`);
  if (b.lastSeenAt) bits.push(`last seen ${formatSeen(b.lastSeenAt, now)}`);
  return bits.join(', ');
}

/** What cancelling a RunPod job loses, for the confirmation. */
export function describeRunPodCancel(s: Session): string {
  const b = backendOf(s);
  const job = b?.jobId ? `RunPod job ${b.jobId} is cancelled and its worker stops. ` : '';
  const step = s.progress?.step ?? 0;
  const c = b?.checkpoint;
  if (!c) return `${job}The worker has reported no checkpoint yet: a later run would start again from step 0${step > 0 ? ` and the ${step} steps done so far are lost` : ''}.`;
  const lost = c.step !== null ? Math.max(0, step - c.step) : 0;
  return `${job}A later resume would start from step ${c.step ?? '?'} (the worker's newest checkpoint)${lost ? `; the ${lost} steps since then are lost` : ''}.`;
}

/** `2 idle, 1 running workers; 0 queued, 1 in progress jobs` from `/health`. */
export function healthText(h: Health): string {
  const { idle, running, ...other } = h.workers;
  const workers = [`${idle} idle`, `${running} running`, ...Object.entries(other).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`)];
  return `workers ${workers.join(', ')}; jobs ${h.jobs.inQueue} queued, ${h.jobs.inProgress} in progress`;
}

/** The line an endpoint's health gets in the status bar's tooltip (Markdown). */
export function healthTooltipLine(endpointId: string, entry: { at: number; health?: Health; error?: string } | undefined, now: number = Date.now()): string {
  const name = `RunPod endpoint \`${endpointId.replace(/`/g, "'")}\``;
  if (!entry) return `$(cloud) ${name}: asking for its health…`;
  const when = formatSeen(new Date(entry.at).toISOString(), now);
  if (entry.health) return `$(cloud) ${name}: ${healthText(entry.health)} (${when})`;
  return `$(warning) ${name}: no health (${escapeMarkdown(entry.error ?? 'unknown error')})`;
}

/** The health command's message: `RunPod endpoint e1: workers …; jobs … (completed 12, failed 1, retried 0).` */
export function healthMessage(endpointId: string, h: Health): string {
  return `RunPod endpoint ${endpointId}: ${healthText(h)} (so far ${plural(h.jobs.completed, 'job')} completed, ${h.jobs.failed} failed, ${h.jobs.retried} retried).`;
}
