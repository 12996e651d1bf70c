/**
 * Pure text for the training surfaces: the status bar item, terminal names, the terminal's
 * header and end-of-session summary, and notification messages. No `vscode` import.
 */
import { isActive, type Session } from '../../core/model';
import { runpodBackendOf } from '../../core/sessions/runpod';
import { inRunPodQueue, runpodWord } from '../runpod/format';
import { escapeMarkdown, formatEta, formatLoss, percentDone, plural, remainingSeconds, SEP, STATUS_LABELS } from '../tree/format';

/** A session with the names a person knows it by. */
export interface TrainingEntry {
  session: Session;
  /** `Demo Lines / V2` (style name / version name; ids when those are unknown). */
  title: string;
  /** `V2`. */
  versionName: string;
}

/** The part of a session id after its last `-` (the random suffix): `20250921-083000-0d3e02` → `0d3e02`. */
export function shortSessionId(id: string): string {
  const i = id.lastIndexOf('-');
  return i >= 0 && i < id.length - 1 ? id.slice(i + 1) : id.slice(-6);
}

/** `Trainlab: demo-lines/V2 0d3e02`. */
export function terminalName(session: Pick<Session, 'id' | 'styleId' | 'versionId'>): string {
  return `Trainlab: ${session.styleId}/${session.versionId} ${shortSessionId(session.id)}`;
}

/** `540/1200 (45%)`, `step 120`, or '' when nothing is known yet. */
export function stepText(session: Session): string {
  const p = session.progress;
  if (!p) return '';
  if (p.totalSteps) return `${p.step}/${p.totalSteps} (${percentDone(session)}%)`;
  return p.step ? `step ${p.step}` : '';
}

// ------------------------------------------------------------------ status bar

export interface StatusBarView {
  visible: boolean;
  /** With codicons (`$(sync~spin) V2 45% · ETA 8m`). */
  text: string;
  /** Markdown source (theme icons allowed). */
  tooltip: string;
  /** What a screen reader says. */
  accessibilityLabel: string;
}

const DOT = ' · ';
const MAX_PERCENTS = 3;

/**
 * The status bar shows the live sessions this window keeps up to date: local ones, and RunPod's
 * while they are polled (`followed`; by default local ones only).
 */
export function statusBarSessions(sessions: readonly Session[], followed: (s: Session) => boolean = (s) => s.backend.type === 'local'): Session[] {
  return sessions.filter((s) => isActive(s.status) && followed(s));
}

/** A RunPod job still in RunPod's queue (no worker has it yet). */
const queuedOnRunPod = (s: Session) => s.status === 'pending' && !!runpodBackendOf(s)?.jobId && inRunPodQueue(s);

function shortState(e: TrainingEntry, now: number): string {
  const s = e.session;
  if (s.status === 'pending') return queuedOnRunPod(s) ? 'queued' : 'starting…';
  const pct = percentDone(s);
  const eta = remainingSeconds(s, now);
  const parts = [pct !== undefined ? `${pct}%` : s.progress?.step ? `step ${s.progress.step}` : 'starting…'];
  if (eta !== undefined) parts.push(`ETA ${formatEta(eta)}`);
  return parts.join(DOT);
}

function longState(e: TrainingEntry, now: number): string {
  const s = e.session;
  const parts = [STATUS_LABELS[s.status]];
  const steps = stepText(s);
  if (steps) parts.push(steps.startsWith('step') ? steps : `step ${steps}`);
  if (s.progress?.loss !== null && s.progress?.loss !== undefined) parts.push(`loss ${formatLoss(s.progress.loss)}`);
  const eta = remainingSeconds(s, now);
  if (eta !== undefined) parts.push(`ETA ${formatEta(eta)}`);
  if (s.backend.type === 'runpod') parts.push(`RunPod ${runpodWord(s)}`);
  return parts.join(DOT);
}

/**
 * The one status bar item: `$(sync~spin) V2 45% · ETA 8m` for one training,
 * `$(sync~spin) 2 trainings · 45% · 12%` for several, hidden when none.
 */
export function statusBarView(entries: readonly TrainingEntry[], now: number = Date.now(), extraTooltip: readonly string[] = []): StatusBarView {
  if (!entries.length) return { visible: false, text: '', tooltip: '', accessibilityLabel: '' };
  let text: string;
  let label: string;
  if (entries.length === 1) {
    const e = entries[0]!;
    text = `$(sync~spin) ${e.versionName} ${shortState(e, now)}`;
    label = `Training ${e.title}: ${longState(e, now)}`;
  } else {
    const pcts = entries.map((e) => percentDone(e.session)).map((p) => (p === undefined ? '…' : `${p}%`));
    const shown = pcts.slice(0, MAX_PERCENTS);
    if (pcts.length > MAX_PERCENTS) shown.push(`+${pcts.length - MAX_PERCENTS}`);
    text = `$(sync~spin) ${plural(entries.length, 'training')}${DOT}${shown.join(DOT)}`;
    label = `${plural(entries.length, 'training')}: ${entries.map((e) => `${e.title} ${longState(e, now)}`).join('; ')}`;
  }
  const lines = [`**Trainlab: ${plural(entries.length, 'training')}**`, ''];
  for (const e of entries) {
    const icon = e.session.backend.type === 'runpod' ? '$(cloud)' : '$(sync~spin)';
    lines.push(`${icon} **${escapeMarkdown(e.title)}**${SEP}${longState(e, now)}  `);
  }
  // The RunPod endpoints' health (Markdown lines made by the caller).
  if (extraTooltip.length) lines.push('', ...extraTooltip.map((l) => `${l}  `));
  lines.push('', 'Click for Show Logs and Cancel.');
  return { visible: true, text, tooltip: lines.join('\n'), accessibilityLabel: label };
}

// ------------------------------------------------------------------ terminal

/** The dim first lines of a session's terminal. */
export function terminalHeader(e: TrainingEntry, tail: { shown: number; truncated: boolean } | undefined): string[] {
  const lines = [`Trainlab ${SEP.trim()} ${e.title} ${SEP.trim()} session ${e.session.id} (${STATUS_LABELS[e.session.status].toLowerCase()})`];
  if (tail) lines.push(tail.shown ? `The last ${plural(tail.shown, 'line')} of console.log${tail.truncated ? ' (the file is longer)' : ''}:` : 'console.log is empty so far.');
  lines.push('Closing this terminal does not stop the training; Ctrl+C asks to cancel it.');
  return lines;
}

export type SummaryTone = 'ok' | 'error' | 'warning' | 'info';

/** The one line printed when a session ends (and kept on screen): what happened, in a few words. */
export function summaryLine(session: Session): { text: string; tone: SummaryTone } {
  const steps = stepText(session);
  const loss = session.metricsSummary.finalLoss ?? session.progress?.loss ?? null;
  const model = session.outputs.model ? session.outputs.model.split(/[\\/]/).pop() : undefined;
  const error = session.error?.message;
  switch (session.status) {
    case 'completed': {
      const bits = [steps && `${steps.replace(/ \(\d+%\)$/, '')} steps`, loss !== null && `loss ${formatLoss(loss)}`, model && `model ${model}`].filter(Boolean);
      return { text: `✔ Training completed${bits.length ? `: ${bits.join(SEP)}` : '.'}`, tone: 'ok' };
    }
    case 'failed':
      return { text: `✖ Training failed${steps ? ` at ${steps.startsWith('step') ? steps : `step ${steps}`}` : ''}: ${error ?? 'no reason recorded'}`, tone: 'error' };
    case 'interrupted':
      return {
        text: `⏸ Training interrupted${steps ? ` at ${steps.startsWith('step') ? steps : `step ${steps}`}` : ''}: ${error ?? 'the process went away'}${session.checkpoints.length ? ' (Resume continues from the newest checkpoint)' : ''}`,
        tone: 'warning',
      };
    case 'cancelled':
      return { text: `■ Training cancelled${steps ? ` at ${steps.startsWith('step') ? steps : `step ${steps}`}` : ''}.`, tone: 'info' };
    case 'unknown':
      return { text: `? The training's end is unknown${error ? `: ${error}` : '.'}`, tone: 'warning' };
    default:
      return { text: `Training ${session.status}.`, tone: 'info' };
  }
}

/** The line printed when a new attempt of the session starts in a terminal that showed the last one. */
export function attemptLine(session: Session): string {
  const n = session.attempts.length;
  const a = session.attempts[n - 1];
  const from = a?.resumedFrom ? `resumed from step ${a.startStep} (${a.resumedFrom.split(/[\\/]/).pop()})` : 'started';
  return `── Attempt ${n}: ${from} ──`;
}

// ------------------------------------------------------------------ notifications

/** The last `n` lines of an error message, joined for a one-line notification. */
export function lastErrorLines(message: string, n = 3): string {
  const lines = message.split(/\r?\n| \| /).map((l) => l.trim()).filter(Boolean);
  const text = lines.slice(-n).join(' | ');
  return text.length > 400 ? `…${text.slice(-399)}` : text;
}

export function completedMessage(e: TrainingEntry): string {
  const loss = e.session.metricsSummary.finalLoss ?? e.session.progress?.loss ?? null;
  const steps = e.session.progress?.step;
  const bits = [steps ? plural(steps, 'step') : '', loss !== null ? `final loss ${formatLoss(loss)}` : ''].filter(Boolean);
  return `Training ${e.title} completed${bits.length ? ` (${bits.join(', ')})` : ''}.`;
}

export function failedMessage(e: TrainingEntry): string {
  return `Training ${e.title} failed: ${lastErrorLines(e.session.error?.message ?? 'no reason recorded')}`;
}

export function interruptedMessage(e: TrainingEntry, foundOnReopen: boolean, checkpointStep: number | null | undefined): string {
  const where = stepText(e.session);
  const head = foundOnReopen ? `Training ${e.title} was found interrupted` : `Training ${e.title} was interrupted`;
  const resume = checkpointStep !== undefined ? ` Resume continues from step ${checkpointStep ?? '?'}.` : ' No checkpoint was saved; Relaunch starts it again.';
  return `${head}${where ? ` at ${where.startsWith('step') ? where : `step ${where}`}` : ''}: ${lastErrorLines(e.session.error?.message ?? 'the process went away', 1)}.${resume}`;
}

/** A RunPod job whose end was never seen and that RunPod no longer knows (expired, purged). */
export function unknownMessage(e: TrainingEntry): string {
  const where = stepText(e.session);
  return `Training ${e.title}: RunPod no longer knows its job${where ? ` (last seen at ${where.startsWith('step') ? where : `step ${where}`})` : ''}: ${lastErrorLines(e.session.error?.message ?? 'no final state was seen', 2)}`;
}
