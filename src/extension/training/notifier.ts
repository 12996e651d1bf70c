import * as vscode from 'vscode';
import { canRelaunch, isActive, type Session, type SessionStatus } from '../../core/model';
import { canRetryOnRunPod, newestCheckpoint } from '../../core/sessions';
import { Commands } from '../ids';
import { Disposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';
import { completedMessage, failedMessage, interruptedMessage, unknownMessage, type TrainingEntry } from './format';

export const SHOW_LOGS = 'Show Logs';
export const RESUME = 'Resume';
export const RELAUNCH = 'Relaunch';
export const RETRY_ON_RUNPOD = 'Retry on RunPod';

/** One notification, as shown (tests read the last ones through the API). */
export interface ShownNotification {
  sessionId: string;
  kind: 'completed' | 'failed' | 'interrupted' | 'unknown';
  message: string;
  actions: string[];
}

/**
 * Tells the person when a training ends: completed, failed (with the last error lines), or
 * interrupted — and for RunPod, a job RunPod no longer knows (unknown). Only for a change this
 * window saw happen: the statuses at load are the baseline, so old final sessions stay quiet;
 * what the reconcile or the RunPod polls after a load find (a run that died, or a job that
 * ended, while the window was closed) is reported as found on reopening.
 */
export class TrainingNotifier extends Disposable {
  private known = new Map<string, SessionStatus>();
  readonly shown: ShownNotification[] = [];

  constructor(
    private readonly workspace: TrainlabWorkspace,
    private readonly entryOf: (sessionId: string) => TrainingEntry | undefined,
    /** Whether the session's backend is still being looked at after a (re)load. */
    private readonly startingUp: (session: Session) => boolean,
  ) {
    super();
    this._register(workspace.onDidReset(() => this.baseline()));
    this._register(
      workspace.onDidChange((events) => {
        for (const e of events) if (e.type === 'session') this.observe(e.sessionId, e.change === 'removed');
      }),
    );
    this.baseline();
  }

  private baseline(): void {
    this.known = new Map((this.workspace.store?.listSessions() ?? []).map((s) => [s.id, s.status]));
  }

  private observe(sessionId: string, removed: boolean): void {
    if (removed) {
      this.known.delete(sessionId);
      return;
    }
    const e = this.entryOf(sessionId);
    if (!e) return;
    const before = this.known.get(sessionId);
    const now = e.session.status;
    this.known.set(sessionId, now);
    if (before === undefined || before === now || !isActive(before)) return;
    if (now === 'completed') void this.notify(e, 'completed', completedMessage(e), [SHOW_LOGS]);
    else if (now === 'failed') void this.failed(e);
    else if (now === 'interrupted') void this.interrupted(e, this.startingUp(e.session));
    else if (now === 'unknown' && e.session.backend.type === 'runpod') void this.notify(e, 'unknown', unknownMessage(e), [SHOW_LOGS, RELAUNCH]);
  }

  /** The step a resume would start from; undefined when there is nothing to resume from. */
  private async checkpointStep(e: TrainingEntry): Promise<number | null | undefined> {
    const store = this.workspace.store;
    // On RunPod: the newest checkpoint the worker reported.
    if (e.session.backend.type === 'runpod') return e.session.backend.checkpoint ? e.session.backend.checkpoint.step : undefined;
    if (!store) return undefined;
    const c = await newestCheckpoint(store, e.session).catch(() => undefined);
    return c ? c.step : undefined;
  }

  private async failed(e: TrainingEntry): Promise<void> {
    const step = await this.checkpointStep(e);
    const actions = [SHOW_LOGS, ...(step !== undefined ? [RESUME] : []), ...(canRetryOnRunPod(e.session) ? [RETRY_ON_RUNPOD] : []), ...(canRelaunch(e.session.status) ? [RELAUNCH] : [])];
    await this.notify(e, 'failed', failedMessage(e), actions);
  }

  private async interrupted(e: TrainingEntry, foundOnReopen: boolean): Promise<void> {
    const step = await this.checkpointStep(e);
    const actions = [...(step !== undefined ? [RESUME] : [RELAUNCH]), ...(canRetryOnRunPod(e.session) ? [RETRY_ON_RUNPOD] : []), SHOW_LOGS];
    await this.notify(e, 'interrupted', interruptedMessage(e, foundOnReopen, step), actions);
  }

  private async notify(e: TrainingEntry, kind: ShownNotification['kind'], message: string, actions: string[]): Promise<void> {
    if (this.isDisposed) return;
    this.shown.push({ sessionId: e.session.id, kind, message, actions });
    if (this.shown.length > 50) this.shown.shift();
    const show = kind === 'completed' ? vscode.window.showInformationMessage : kind === 'failed' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const picked = await show(message, ...actions);
    const arg = { sessionId: e.session.id };
    if (picked === SHOW_LOGS) await vscode.commands.executeCommand(Commands.showLogs, arg);
    else if (picked === RESUME) await vscode.commands.executeCommand(Commands.resume, arg);
    else if (picked === RELAUNCH) await vscode.commands.executeCommand(Commands.relaunch, arg);
    else if (picked === RETRY_ON_RUNPOD) await vscode.commands.executeCommand(Commands.retryOnRunPod, arg);
  }
}
