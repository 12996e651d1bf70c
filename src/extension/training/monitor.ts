import * as vscode from 'vscode';
import type { Session } from '../../core/model';
import { reconcileSession, syncSessionLog, type LocalRuntime } from '../../core/sessions';
import type { StoreEvent, WorkspaceStore } from '../../core/store';
import { Disposable, toDisposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';

export interface MonitorTimings {
  /** How often the logs of active local sessions are applied to their progress. */
  syncMs: number;
  /** How often their processes are checked (reconcile). */
  reconcileMs: number;
}

export const DEFAULT_TIMINGS: MonitorTimings = { syncMs: 1500, reconcileMs: 5000 };

function activeLocal(store: WorkspaceStore): Session[] {
  return store.activeSessions().filter((s) => s.backend.type === 'local');
}

/**
 * Keeps local sessions true to their processes. One timer, running only while some local
 * session is pending or running: every `syncMs` it applies new console output (progress,
 * checkpoints, metrics), every `reconcileMs` it checks the process (a vanished one becomes
 * interrupted, an exit record completed or failed). Everything is reconciled once when the
 * index has loaded (that is what "reattaches" after a reload or a crash) and again whenever
 * the window regains focus (after a sleeping laptop); a changed runner.json is reconciled at
 * once, so an end shows without waiting for the timer.
 */
export class TrainingMonitor extends Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastReconcile = 0;
  /** Work in progress per session: one sync or reconcile at a time each. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Errors already logged, per session, so a failing sync does not flood the log. */
  private readonly reported = new Map<string, string>();
  private startup: Promise<void> = Promise.resolve();
  private _startingUp = false;

  constructor(
    private readonly workspace: TrainlabWorkspace,
    private readonly runtime: () => LocalRuntime,
    private readonly log: vscode.LogOutputChannel,
    private readonly timings: MonitorTimings = DEFAULT_TIMINGS,
    /** Brings a remote (RunPod) session up to date now: its backend is asked, not a process. */
    private readonly checkRemote?: (sessionId: string) => Promise<unknown>,
  ) {
    super();
    this._register(
      workspace.onDidReset(() => {
        if (workspace.phase === 'ready') this.startReconcile();
      }),
    );
    this._register(workspace.onDidChange((events) => this.onStoreEvents(events)));
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && this.workspace.store) void this.reconcileAll('the window regained focus');
      }),
    );
    this._register(toDisposable(() => this.stopTimer()));
    if (workspace.phase === 'ready') this.startReconcile();
  }

  /** True while the reconcile after a (re)load runs: what it finds was found "on reopen". */
  get startingUp(): boolean {
    return this._startingUp;
  }

  /** Resolves when the reconcile after the last load has finished. */
  ready(): Promise<void> {
    return this.startup;
  }

  private startReconcile(): void {
    this._startingUp = true;
    // A fresh task: listeners of the same reset (the notifier's baseline) run first.
    this.startup = Promise.resolve()
      .then(() => this.reconcileAll('the workspace was opened'))
      .finally(() => {
        this._startingUp = false;
        this.schedule();
      });
  }

  /** Starts the timer when there is something to watch (after a launch, say). */
  kick(): void {
    this.schedule();
  }

  /** Reconciles every active local session now. */
  async reconcileAll(why: string): Promise<void> {
    const store = this.workspace.store;
    if (!store) return;
    const list = activeLocal(store);
    if (list.length) this.log.info(`Checking ${list.length} local session(s): ${why}`);
    await Promise.all(list.map((s) => this.reconcile(store, s.id)));
    this.lastReconcile = Date.now();
    this.schedule();
  }

  /** Reconciles and syncs one local session, or polls a RunPod one, now; returns it as it then is. */
  async check(sessionId: string): Promise<Session | undefined> {
    const store = this.workspace.store;
    if (!store) return undefined;
    const s = store.getSession(sessionId)?.session;
    if (!s) return undefined;
    if (s.backend.type === 'local') {
      await this.reconcile(store, sessionId);
      await this.serial(sessionId, () => syncSessionLog(store, sessionId));
    } else await this.checkRemote?.(sessionId);
    this.schedule();
    return store.getSession(sessionId)?.session;
  }

  private onStoreEvents(events: readonly StoreEvent[]): void {
    const store = this.workspace.store;
    if (!store) return;
    for (const e of events) {
      // The runner wrote its record: started, or ended. Look now rather than at the next tick.
      if (e.type === 'runner') {
        const s = store.getSession(e.sessionId)?.session;
        if (!s || s.backend.type !== 'local') continue;
        if (s.status === 'running' || s.status === 'pending') void this.reconcile(store, s.id);
        // A cancelled run goes on printing until the signal lands: its last steps and saves still count.
        else if (store.getSession(e.sessionId)?.runner?.exit) void this.serial(s.id, () => syncSessionLog(store, s.id));
      }
    }
    this.schedule();
  }

  private reconcile(store: WorkspaceStore, sessionId: string): Promise<unknown> {
    return this.serial(sessionId, () => reconcileSession(store, sessionId, this.runtime()));
  }

  /** Runs `fn` after whatever runs for the session; errors are logged once per message. */
  private serial(sessionId: string, fn: () => Promise<unknown>): Promise<unknown> {
    const prev = this.inFlight.get(sessionId) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(fn)
      .then(
        (v) => {
          this.reported.delete(sessionId);
          return v;
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          if (this.reported.get(sessionId) !== message && !this.isDisposed) {
            this.reported.set(sessionId, message);
            this.log.warn(`Session ${sessionId}: ${message}`);
          }
          return undefined;
        },
      );
    this.inFlight.set(sessionId, next);
    void next.finally(() => {
      if (this.inFlight.get(sessionId) === next) this.inFlight.delete(sessionId);
    });
    return next;
  }

  private schedule(): void {
    if (this.timer || this.isDisposed) return;
    const store = this.workspace.store;
    if (!store || !activeLocal(store).length) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => {
        this.timer = undefined;
        this.schedule();
      });
    }, this.timings.syncMs);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    const store = this.workspace.store;
    if (!store || this.isDisposed) return;
    const reconcile = Date.now() - this.lastReconcile >= this.timings.reconcileMs;
    if (reconcile) this.lastReconcile = Date.now();
    await Promise.all(
      activeLocal(store).map((s) => (reconcile ? this.reconcile(store, s.id) : this.serial(s.id, () => syncSessionLog(store, s.id)))),
    );
  }
}
