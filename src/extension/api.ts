import type * as vscode from 'vscode';
import type { LocalRuntime } from '../core/sessions';
import type { WorkspaceStore } from '../core/store';
import type { StatusBarView } from './training/format';
import type { ShownNotification } from './training/notifier';
import type { UiState } from './state';
import type { TreeElement } from './tree/elements';
import type { Prompts } from './vscode/prompts';
import type { PanelsAccess } from './panel/manager';

/** Read access to a tree, as VS Code sees it (for tests and other extensions). */
export interface TreeAccess {
  getChildren(element?: TreeElement): TreeElement[];
  getTreeItem(element: TreeElement): vscode.TreeItem;
  getParent(element: TreeElement): TreeElement | undefined;
  readonly onDidChangeTreeData: vscode.Event<TreeElement | TreeElement[] | undefined>;
}

/** What `activate()` returns. */
export interface TrainlabApi {
  /** The open store; undefined while loading and when the workspace has no Trainlab folder. */
  store(): WorkspaceStore | undefined;
  /** Resolves when the index has loaded and the watcher runs (or there is nothing to load). */
  ready(): Promise<void>;
  /** The Styles tree. */
  styles(): TreeAccess;
  /** The Active Sessions tree. */
  activeSessions(): TreeAccess;
  /** The UI-state facade over workspaceState. */
  uiState(): UiState;
  /** The open training panels and their messages (tests). */
  panels(): PanelsAccess;
  /**
   * Answers some prompts without dialogs (tests); `undefined` restores the real dialogs.
   * Unanswered kinds of prompt keep using the real ones.
   */
  setPrompts(prompts: Partial<Prompts> | undefined): void;
  /** Local training, for tests. */
  training(): TrainingAccess;
}

export type { PanelAccess, PanelsAccess } from './panel/manager';

export interface TrainingAccess {
  /** Resolves when the index has loaded and the reconcile after it has finished. */
  ready(): Promise<void>;
  /** What the status bar item shows. */
  statusBar(): StatusBarView;
  /** The open terminal of a session. */
  terminal(sessionId: string): vscode.Terminal | undefined;
  /** Everything the session's terminal has written (control sequences included). */
  terminalText(sessionId: string): string | undefined;
  /** End-of-training notifications shown so far, oldest first. */
  notifications(): ShownNotification[];
  /** Error messages commands showed, oldest first. */
  errors(): string[];
  /** Stops watching, reads the index again and reattaches, as a window reload would. */
  simulateReload(): Promise<void>;
  /** Pretends the workspace is (not) trusted; undefined restores the real answer. */
  setTrusted(value: boolean | undefined): void;
  /** Runtime values to use instead of the settings' (e.g. a short cancel grace). */
  setRuntimeOverrides(overrides: Partial<LocalRuntime> | undefined): void;
}
