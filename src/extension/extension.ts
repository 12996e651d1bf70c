import * as vscode from 'vscode';
import type { TrainlabApi } from './api';
import { registerCommands } from './commands';
import { ContextKeys as Keys, OUTPUT_CHANNEL_NAME, Views } from './ids';
import type { LocalRuntime } from '../core/sessions';
import { Disposable, MutableDisposable } from './lifecycle';
import { UiState } from './state';
import type { TreeElement } from './tree/elements';
import { plural } from './tree/format';
import { ActiveSessionsModel, StylesTreeModel } from './tree/model';
import { TreeProvider } from './tree/provider';
import { TrainingController } from './training/controller';
import { PanelManager } from './panel/manager';
import { RunPodSecrets } from './runpod/secrets';
import { watchTreeViews } from './runpod/views';
import { ResettableUiState } from './panel/uiState';
import type { PanelServices } from './panel/command';
import { ContextKeys } from './vscode/context';
import { overridePrompts, vscodePrompts, type Prompts } from './vscode/prompts';
import { TrainlabWorkspace } from './workspace';

/**
 * The extension: owns the output channel, the workspace (store + watcher), the two trees and
 * the commands. Constructing it does no file I/O; `workspace.start()` loads in the background.
 */
export class TrainlabExtension extends Disposable {
  readonly log: vscode.LogOutputChannel;
  readonly contextKeys = new ContextKeys();
  readonly workspace: TrainlabWorkspace;
  readonly uiState: UiState;
  readonly stylesModel: StylesTreeModel;
  readonly styles: TreeProvider;
  readonly activeSessions: TreeProvider;
  readonly panels: PanelManager;
  /** The RunPod API key (SecretStorage); outlives the training controller. */
  readonly secrets: RunPodSecrets;
  private prompts: Prompts = vscodePrompts;
  private readonly trainingSlot = this._register(new MutableDisposable<TrainingController>());
  private trustOverride: boolean | undefined;
  private runtimeOverrides: Partial<LocalRuntime> | undefined;
  private readonly shownErrors: string[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    super();
    this.log = this._register(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true }));
    const uiState = this._register(new ResettableUiState(context.workspaceState));
    this.uiState = uiState;
    this.workspace = this._register(new TrainlabWorkspace(this.log, this.contextKeys));

    this.stylesModel = new StylesTreeModel(() => this.workspace);
    this.styles = this._register(new TreeProvider(this.stylesModel, this.workspace));
    const activeModel = new ActiveSessionsModel(() => this.workspace);
    this.activeSessions = this._register(new TreeProvider(activeModel, this.workspace));

    const stylesView = this._register(vscode.window.createTreeView<TreeElement>(Views.styles, { treeDataProvider: this.styles, showCollapseAll: true }));
    const activeView = this._register(vscode.window.createTreeView<TreeElement>(Views.activeSessions, { treeDataProvider: this.activeSessions }));
    const updateBadge = () => {
      const n = activeModel.count();
      activeView.badge = n ? { value: n, tooltip: `${plural(n, 'session')} pending or running` } : undefined;
    };
    this._register(this.workspace.onDidReset(updateBadge));
    this._register(this.workspace.onDidChange(updateBadge));

    // Loading shows in the view's progress bar as well as in its "Loading…" row.
    this._register(
      this.workspace.onDidReset(() => {
        if (this.workspace.phase === 'loading') void vscode.window.withProgress({ location: { viewId: Views.styles } }, () => this.workspace.ready());
      }),
    );

    this.secrets = this._register(new RunPodSecrets(context.secrets));

    this.contextKeys.set(Keys.trusted, vscode.workspace.isTrusted);
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.contextKeys.set(Keys.trusted, true)));

    this.trainingSlot.value = this.newTraining();

    const services: PanelServices = {
      workspace: this.workspace,
      log: this.log,
      uiState: this.uiState,
      stylesView,
      stylesModel: this.stylesModel,
      prompts: () => this.prompts,
      training: () => this.training,
      runpod: () => this.training.runpod,
      trusted: () => this.trustOverride ?? vscode.workspace.isTrusted,
      shownErrors: this.shownErrors,
      panels: () => this.panels,
    };
    this.panels = this._register(new PanelManager(services, context.extensionUri));
    this._register(uiState.onDidResetStyle((styleId) => this.panels.resetState(styleId)));
    for (const d of registerCommands(services)) this._register(d);
    // A RunPod session a view shows is polled at once.
    for (const d of watchTreeViews(stylesView, activeView, () => this.workspace.store, () => this.training.runpod)) this._register(d);
  }

  start(): void {
    this.workspace.start();
  }

  private newTraining(): TrainingController {
    return new TrainingController(this.workspace, this.uiState, this.log, {
      extensionPath: this.context.extensionPath,
      secrets: this.secrets,
      trusted: () => this.trustOverride ?? vscode.workspace.isTrusted,
      runtimeOverrides: () => this.runtimeOverrides,
    });
  }

  /** Local training (monitor, terminals, status bar, notifications). */
  get training(): TrainingController {
    return this.trainingSlot.value!;
  }

  /**
   * What a window reload does to training, without reloading (the tests run inside the
   * extension host a reload would end): the watching stops, the index is read again from disk,
   * and a new controller reconciles and reattaches to what still runs and polls every RunPod
   * session that was not final. `closedMs`: the window stays "closed" that long first.
   */
  async simulateReload(options: { closedMs?: number } = {}): Promise<void> {
    this.trainingSlot.clear();
    if (options.closedMs) await new Promise((r) => setTimeout(r, options.closedMs));
    await this.workspace.reopen();
    this.trainingSlot.value = this.newTraining();
    await this.training.monitor.ready();
  }

  api(): TrainlabApi {
    return {
      store: () => this.workspace.store,
      ready: () => this.workspace.ready(),
      styles: () => this.styles,
      activeSessions: () => this.activeSessions,
      uiState: () => this.uiState,
      panels: () => this.panels.access(),
      setPrompts: (p) => {
        this.prompts = p ? overridePrompts(vscodePrompts, p) : vscodePrompts;
      },
      logFolder: () => this.context.logUri.fsPath,
      runpod: () => ({
        hasKey: () => this.secrets.has(),
        following: () => this.training.runpod.following,
        watched: () => this.training.runpod.watched(),
        pollNow: (sessionId) => this.training.runpod.pollNow(sessionId),
        ready: () => this.training.runpod.ready(),
        lastProblem: (sessionId) => this.training.runpod.lastProblem(sessionId)?.message,
      }),
      training: () => ({
        ready: () => this.workspace.ready().then(() => this.training.monitor.ready()),
        statusBar: () => this.training.statusBar.current,
        terminal: (sessionId) => this.training.terminals.get(sessionId),
        terminalText: (sessionId) => this.training.terminals.pty(sessionId)?.text,
        notifications: () => [...this.training.notifier.shown],
        errors: () => [...this.shownErrors],
        simulateReload: (o) => this.simulateReload(o),
        setTrusted: (value) => {
          this.trustOverride = value;
        },
        setRuntimeOverrides: (o) => {
          this.runtimeOverrides = o;
        },
      }),
    };
  }
}

export function activate(context: vscode.ExtensionContext): TrainlabApi {
  const extension = new TrainlabExtension(context);
  context.subscriptions.push(extension);
  extension.start();
  return extension.api();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

export type { TrainlabApi };
