import type { Session } from '../core/model';
import { isFinal } from '../core/model';
import { canRetryOnRunPod, newestCheckpoint, runpodBackendOf, type LocalRuntime } from '../core/sessions';
import { paths, type WorkspaceStore } from '../core/store';
import { findTrainer, type CheckpointInfo } from '../core/trainers';
import type { CliContext } from './context';
import { EXIT_FAILED, EXIT_OK, failure } from './errors';
import { baseName, formatDuration, formatEta, formatLoss, formatStatus, progressBar, trainingSeconds } from './format';
import type { CliIo, OutStream } from './output';
import { refreshSession } from './reconcile';
import { lossSummary, shownPath } from './views';

/**
 * Following a session until it ends: every interval the session is reconciled (its log
 * applied, its process checked), and a progress display shows where it is. Ctrl+C ends the
 * following only; the training runs on in its own detached process.
 */

/** How often a followed session is reconciled; TRAINLAB_FOLLOW_INTERVAL_MS changes it (tests). */
export const FOLLOW_INTERVAL_MS = 1000;
/** Without a terminal, a progress line at most this often (plus one on every change of status). */
const PLAIN_LINE_EVERY_MS = 5000;

export function followInterval(ctx: CliContext, fallback = FOLLOW_INTERVAL_MS): number {
  const text = ctx.io.env.TRAINLAB_FOLLOW_INTERVAL_MS;
  return text && /^\d+$/.test(text) && Number(text) >= 10 ? Number(text) : fallback;
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const clock = (d: Date) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;

/**
 * The live progress display. On a terminal: one line rewritten in place
 * (`V2  ▕██████▏   45%  540/1200  loss 0.081  ETA 8m12s`) with events printed above it;
 * otherwise a plain line every few seconds, so a log file of it stays short.
 */
export class ProgressView {
  private drawn = '';
  private lastPlain = '';
  private lastPlainAt = 0;
  private lastStatus: string | undefined;
  private readonly tty: boolean;

  constructor(private readonly stream: OutStream) {
    this.tty = stream.isTTY === true;
  }

  private readonly checkpointsSeen = new Set<string>();

  /** Announces the checkpoints not announced before (`announce` false: only takes note of them). */
  checkpoints(list: readonly CheckpointInfo[], announce = true): void {
    for (const c of list) {
      const key = c.step === null ? c.path : String(c.step);
      if (this.checkpointsSeen.has(key)) continue;
      this.checkpointsSeen.add(key);
      if (announce) this.event(`  checkpoint saved at step ${c.step ?? '?'} (${baseName(c.path)})`);
    }
  }

  /** A line above the progress line (`checkpoint saved at step 100`). */
  event(text: string): void {
    if (this.tty && this.drawn) this.stream.write(`\r\u001b[K${text}\n${this.drawn}`);
    else this.stream.write(`${text}\n`);
  }

  update(session: Session, now = Date.now()): void {
    if (this.tty) {
      const line = this.fit(progressLine(session, this.barWidth()));
      if (line !== this.drawn) this.stream.write(`\r\u001b[K${line}`);
      this.drawn = line;
      return;
    }
    const line = progressLine(session, 0);
    const statusChanged = session.status !== this.lastStatus;
    if (statusChanged || (line !== this.lastPlain && now - this.lastPlainAt >= PLAIN_LINE_EVERY_MS)) {
      this.stream.write(`${clock(new Date(now))}  ${line}\n`);
      this.lastPlain = line;
      this.lastPlainAt = now;
    }
    this.lastStatus = session.status;
  }

  /** Leaves the progress line where it is, so what follows starts on a line of its own. */
  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = '';
  }

  private barWidth(): number {
    const cols = this.stream.columns || 80; // 0 when a pseudo-terminal has no size
    return cols >= 70 ? 20 : cols >= 50 ? 10 : 0;
  }

  private fit(line: string): string {
    const cols = this.stream.columns;
    if (!cols || line.length < cols) return line;
    return `${line.slice(0, Math.max(1, cols - 2))}…`;
  }
}

function totalStepsOf(session: Session): number | null {
  if (session.progress?.totalSteps) return session.progress.totalSteps;
  const max = session.parameters.max_train_steps;
  return typeof max === 'number' && max > 0 ? max : null;
}

/** `V2  ▕██████▏   45%  540/1200  loss 0.081  ETA 8m12s` (no bar when barWidth is 0). */
export function progressLine(session: Session, barWidth: number): string {
  const p = session.progress;
  const step = p?.step ?? 0;
  const total = totalStepsOf(session);
  const fraction = total ? step / total : 0;
  const parts = [session.versionId];
  if (barWidth > 0) parts.push(progressBar(fraction, barWidth));
  parts.push(total ? `${String(Math.floor(fraction * 100)).padStart(3)}%` : '   ?%');
  parts.push(total ? `${step}/${total}` : `step ${step}`);
  if (typeof p?.loss === 'number') parts.push(`loss ${formatLoss(p.loss)}`);
  if (session.status === 'running') parts.push(`ETA ${formatEta(p?.etaSeconds)}`);
  else if (session.status === 'pending') parts.push('starting…');
  else parts.push(session.status);
  return parts.join('  ');
}

const sleep = (ms: number, wake: { fn?: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake.fn = undefined;
      resolve();
    }
    wake.fn = done;
  });

export interface InterruptWatch {
  stopped(): boolean;
  sleep(ms: number): Promise<void>;
  dispose(): void;
}

/** Ctrl+C while following: `stopped()` turns true, and a pending `sleep` returns at once. Call `dispose` when following ends. */
export function watchInterrupt(io: Pick<CliIo, 'onInterrupt'>): InterruptWatch {
  const wake: { fn?: () => void } = {};
  let stopped = false;
  const unsubscribe = io.onInterrupt?.(() => {
    stopped = true;
    wake.fn?.();
  });
  return { stopped: () => stopped, sleep: (ms) => sleep(ms, wake), dispose: () => unsubscribe?.() };
}

export interface FollowOptions {
  /** No display at all (with --json: only the final document is printed). */
  quiet?: boolean;
  /** The display to draw on (the demo prints its own events on it); default a new one on stdout. */
  view?: ProgressView;
  intervalMs?: number;
  /** Runs after each reconcile with the fresh session (the demo's simulated crash). */
  onTick?: (session: Session, view: ProgressView) => Promise<void>;
}

export interface FollowOutcome {
  session: Session;
  /** Ctrl+C ended the following; the session goes on. */
  stopped: boolean;
}

/** Checkpoints of a session's output folder, found as a resume would find them. */
export async function sessionCheckpoints(store: WorkspaceStore, session: Session): Promise<CheckpointInfo[]> {
  const trainer = findTrainer(session.trainer ?? store.getStyle(session.styleId)?.style.trainer ?? '', store.listTrainerProfiles());
  if (!trainer) return [];
  return trainer.findCheckpoints(paths.output(store.root, session.styleId, session.id)).catch(() => []);
}

export async function followSession(ctx: CliContext, store: WorkspaceStore, sessionId: string, options: FollowOptions = {}): Promise<FollowOutcome> {
  const runtime: LocalRuntime = ctx.runtime;
  const view = options.view ?? new ProgressView(options.quiet ? { write: () => true } : ctx.io.stdout);
  const intervalMs = options.intervalMs ?? followInterval(ctx);
  const interrupt = watchInterrupt(ctx.io);
  let first = true;
  try {
    for (;;) {
      const entry = store.getSession(sessionId);
      if (entry) await store.refreshPaths([entry.path]);
      const before = store.getSession(sessionId)?.session;
      // Checkpoints first, then the log: the progress shown is never older than a checkpoint announced.
      const checkpoints = before ? await sessionCheckpoints(store, before) : [];
      const session = (await refreshSession(store, sessionId, runtime)) ?? store.getSession(sessionId)?.session;
      if (!session) throw failure(`session ${sessionId} is gone (its folder was deleted while it was followed)`);
      // Those there when following starts (a resumed session's) are not news.
      view.checkpoints(checkpoints, !first);
      first = false;
      view.update(session);
      if (options.onTick) await options.onTick(session, view);
      if (isFinal(session.status)) return { session, stopped: false };
      if (interrupt.stopped()) return { session, stopped: true };
      await interrupt.sleep(intervalMs);
      if (interrupt.stopped()) return { session: store.getSession(sessionId)?.session ?? session, stopped: true };
    }
  } finally {
    interrupt.dispose();
    view.end();
  }
}

/** 0 when the followed session completed, 1 otherwise (failed, interrupted, cancelled, or no longer followed). */
export function followExitCode(outcome: FollowOutcome): number {
  return !outcome.stopped && outcome.session.status === 'completed' ? EXIT_OK : EXIT_FAILED;
}

/** What one can do next with a session, as commands (`prefix` is `trainlab`, or `trainlab -w DIR`). */
export async function nextSteps(store: WorkspaceStore, session: Session, prefix = 'trainlab'): Promise<string[]> {
  const id = session.id;
  if (session.status === 'running' || session.status === 'pending') {
    return [`watch it: ${prefix} logs ${id} --follow`, `stop it:  ${prefix} cancel ${id}`];
  }
  const steps: string[] = [];
  const remote = runpodBackendOf(session);
  if (remote?.runUnconfirmed && session.status === 'unknown') steps.push(`look for its job in the RunPod console (endpoint ${remote.endpointId}) before starting it again`);
  if (session.status === 'interrupted' || session.status === 'failed' || session.status === 'cancelled') {
    // A RunPod session resumes from the checkpoint its worker reported, not from files here.
    const ckpt = remote ? remote.checkpoint : await newestCheckpoint(store, session).catch(() => undefined);
    if (ckpt) steps.push(`resume from step ${ckpt.step ?? '?'}: ${prefix} resume ${id}`);
  }
  if (canRetryOnRunPod(session)) steps.push(`run the same job again on RunPod: ${prefix} runpod retry ${id}`);
  if (isFinal(session.status)) steps.push(`start it again from step 0: ${prefix} relaunch ${id}`);
  steps.push(`its log: ${prefix} logs ${id}`);
  return steps;
}

/** After following: how it ended, in a sentence or two, and what to do next. */
export async function printFollowEnd(ctx: CliContext, store: WorkspaceStore, outcome: FollowOutcome, prefix = 'trainlab'): Promise<void> {
  const { session } = outcome;
  const out = ctx.out;
  if (outcome.stopped) {
    if (session.backend.type === 'runpod') out.note(`stopped following; the RunPod job goes on (session ${session.id} is ${session.status}): \`${prefix} logs ${session.id} --follow\` to watch again, \`${prefix} cancel ${session.id}\` to stop it`);
    else out.note(`stopped following; session ${session.id} is still ${session.status}; \`${prefix} logs ${session.id} --follow\` to watch again`);
    return;
  }
  const total = totalStepsOf(session);
  const steps = `${session.progress?.step ?? 0}${total ? `/${total}` : ''} steps`;
  const took = formatDuration(trainingSeconds(session.attempts, new Date()));
  if (session.status === 'completed') {
    out.line(`${formatStatus(session.status, out.color)}: session ${session.id}, ${steps}, loss ${lossSummary(session)}, in ${took}.`);
    if (session.outputs.model) out.line(`  model: ${shownPath(session.outputs.model, out)}`);
    return;
  }
  out.line(`${formatStatus(session.status, out.color)}: session ${session.id} at ${steps}${session.error ? `: ${session.error.message}` : '.'}`);
  for (const s of await nextSteps(store, session, prefix)) out.line(`  ${s}`);
}
