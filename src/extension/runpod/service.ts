import * as vscode from 'vscode';
import { isActive, type Session } from '../../core/model';
import type { RunPodDeps } from '../../core/sessions';
import { readRunPodSettings } from '../config';
import { Settings } from '../ids';
import { Disposable, toDisposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';
import type { RunPodSecrets } from './secrets';
import type { RunPodSettings } from './settings';
import { RunPodWatch, type HealthEntry, type PollProblem } from './watch';

/**
 * RunPod in this window: the watch (watch.ts) wired to what VS Code says — the store's
 * events and (re)loads, the window regaining focus, the settings, the key in SecretStorage
 * (set or cleared here or in another window). Commands, trees, the status bar and the panel
 * ask it to poll a session now, for the deps of a RunPod call, and for endpoint health.
 * Owned by the TrainingController, so a (simulated) reload starts it afresh.
 */
export class RunPodService extends Disposable {
  readonly watch: RunPodWatch;
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  /** What is followed, a poll problem or an endpoint's health changed. */
  readonly onDidChange = this._onDidChange.event;

  constructor(
    private readonly workspace: TrainlabWorkspace,
    readonly secrets: RunPodSecrets,
    log: vscode.LogOutputChannel,
    private readonly trusted: () => boolean,
  ) {
    super();
    this.watch = new RunPodWatch({
      store: () => workspace.store,
      apiKey: () => secrets.get(),
      settings: () => this.settings(),
      log,
      onDidChange: () => this._onDidChange.fire(),
    });
    this._register(toDisposable(() => this.watch.dispose()));
    this._register(
      workspace.onDidReset(() => {
        if (workspace.phase === 'ready') void this.watch.reset('the workspace was opened');
        else this.watch.stopAll();
      }),
    );
    this._register(workspace.onDidChange((events) => this.watch.onStoreEvents(events)));
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        // After a sleeping laptop, say: what happened meanwhile shows at once.
        if (state.focused) void this.watch.pollAll('the window regained focus');
      }),
    );
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('trainlab.runpod') || e.affectsConfiguration(Settings.pollIntervalSeconds)) this.watch.settingsChanged();
      }),
    );
    // The restricted base URL of the workspace counts from now on.
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.watch.settingsChanged()));
    this._register(secrets.onDidChange(() => void this.watch.reset('the RunPod API key changed')));
    if (workspace.phase === 'ready') void this.watch.reset('the window opened');
  }

  /** The RunPod settings in force (trust-aware). */
  settings(): RunPodSettings {
    return readRunPodSettings(this.trusted(), this.workspace.folder);
  }

  /** Whether RunPod sessions are followed (a key is set). */
  get following(): boolean {
    return this.watch.following;
  }

  get startingUp(): boolean {
    return this.watch.startingUp;
  }

  /** Whether this window keeps the session up to date (the status bar counts it). */
  follows(session: Session): boolean {
    return session.backend.type === 'local' || (session.backend.type === 'runpod' && this.watch.following);
  }

  /** Polls a RunPod session now (tree, panel, Check Status); false when nothing was asked (no key, not RunPod). */
  pollNow(sessionId: string): Promise<boolean> {
    return this.watch.pollNow(sessionId);
  }

  /** Polls the pending or running RunPod sessions among these now (a view shows them). */
  pollShown(sessions: readonly Session[]): void {
    for (const s of sessions) if (s.backend.type === 'runpod' && isActive(s.status)) void this.watch.pollNow(s.id);
  }

  /** The deps for a RunPod call; refuses with "Set RunPod API Key" when no key is set. */
  requireDeps(): Promise<RunPodDeps> {
    return this.watch.requireDeps();
  }

  lastProblem(sessionId: string): PollProblem | undefined {
    return this.watch.lastProblem(sessionId);
  }

  healthOf(endpointId: string): HealthEntry | undefined {
    return this.watch.healthOf(endpointId);
  }

  refreshHealth(endpointIds: Iterable<string>): void {
    this.watch.refreshHealth(endpointIds);
  }

  fetchHealth(endpointId: string): Promise<HealthEntry> {
    return this.watch.fetchHealth(endpointId);
  }

  watched(): string[] {
    return this.watch.watched();
  }

  ready(): Promise<void> {
    return this.watch.ready();
  }
}
