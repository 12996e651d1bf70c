import * as vscode from 'vscode';
import type { LocalRuntime } from '../../core/sessions';
import { readConfig } from '../config';
import { Commands } from '../ids';
import { Disposable } from '../lifecycle';
import { RunPodService } from '../runpod/service';
import type { RunPodSecrets } from '../runpod/secrets';
import type { UiState } from '../state';
import type { TrainlabWorkspace } from '../workspace';
import type { TrainingEntry } from './format';
import { TrainingMonitor, type MonitorTimings } from './monitor';
import { TrainingNotifier } from './notifier';
import { localRuntime } from './runtime';
import { TrainingStatusBar } from './statusBar';
import { SessionTerminals } from './terminals';

export interface TrainingOptions {
  extensionPath: string;
  /** The RunPod API key's store (it outlives a reload of the controller). */
  secrets: RunPodSecrets;
  /** Whether the workspace is trusted (the restricted RunPod base URL counts only then). */
  trusted: () => boolean;
  /** Test hooks: runtime values to use instead of the settings' (e.g. a short start timeout). */
  runtimeOverrides?: () => Partial<LocalRuntime> | undefined;
  timings?: MonitorTimings;
}

/**
 * Everything about training in this window: the monitor of local sessions (one timer), the
 * RunPod service (one poll scheduler), the session terminals, the status bar item and the
 * end-of-training notifications. Disposing it stops the watching only; the trainings go on
 * (detached processes, RunPod jobs), and a new controller (a reloaded window) picks them up.
 */
export class TrainingController extends Disposable {
  readonly monitor: TrainingMonitor;
  readonly terminals: SessionTerminals;
  readonly statusBar: TrainingStatusBar;
  readonly notifier: TrainingNotifier;
  readonly runpod: RunPodService;

  constructor(
    private readonly workspace: TrainlabWorkspace,
    uiState: UiState,
    log: vscode.LogOutputChannel,
    private readonly options: TrainingOptions,
  ) {
    super();
    const entryOf = (id: string) => this.entry(id);
    // The notifier takes its baseline before the monitor's first reconcile writes anything.
    let monitor: TrainingMonitor | undefined;
    let runpod: RunPodService | undefined;
    this.notifier = this._register(new TrainingNotifier(workspace, entryOf, (s) => (s.backend.type === 'runpod' ? (runpod?.startingUp ?? true) : (monitor?.startingUp ?? true))));
    this.runpod = runpod = this._register(new RunPodService(workspace, options.secrets, log, options.trusted));
    // A check of a RunPod session (Check Status, the panel) is a poll now.
    this.monitor = monitor = this._register(new TrainingMonitor(workspace, () => this.runtime(), log, options.timings, (id) => this.runpod.pollNow(id)));
    this.terminals = this._register(
      new SessionTerminals(
        workspace,
        entryOf,
        (id) => void vscode.commands.executeCommand(Commands.cancel, { sessionId: id }),
        { get: () => uiState.getOpenTerminals(), set: (ids) => void uiState.setOpenTerminals(ids) },
        () => readConfig(workspace.folder).consoleMaxLines,
      ),
    );
    this.statusBar = this._register(new TrainingStatusBar(workspace, entryOf, this.runpod));
    // After each load's reconcile, the terminals that were open before a reload come back.
    this._register(
      workspace.onDidReset(() => {
        if (workspace.phase === 'ready') void this.monitor.ready().then(() => !this.isDisposed && this.terminals.restore());
      }),
    );
    if (workspace.phase === 'ready') void this.monitor.ready().then(() => !this.isDisposed && this.terminals.restore());
  }

  /** The programs and timeouts of a local launch, from the settings as they are now. */
  runtime(): LocalRuntime {
    return localRuntime(this.options.extensionPath, readConfig(this.workspace.folder), this.options.runtimeOverrides?.() ?? {});
  }

  /** A session with its style and version names. */
  entry(sessionId: string): TrainingEntry | undefined {
    const store = this.workspace.store;
    const s = store?.getSession(sessionId)?.session;
    if (!store || !s) return undefined;
    const style = store.getStyle(s.styleId)?.style.name ?? s.styleId;
    const versionName = store.getVersion(s.styleId, s.versionId)?.name ?? s.versionId;
    return { session: s, title: `${style} / ${versionName}`, versionName };
  }
}
