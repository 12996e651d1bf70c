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
  /** RunPod in this window, for tests. */
  runpod(): RunPodAccess;
  /** The folder of the extension's log files (the "Trainlab" output channel writes there). */
  logFolder(): string;
}

export interface RunPodAccess {
  /** Whether an API key is in SecretStorage (never the key itself). */
  hasKey(): Promise<boolean>;
  /** Whether RunPod sessions are followed (a key was there at the last look). */
  following(): boolean;
  /** Sessions the poll scheduler watches. */
  watched(): string[];
  /** Polls a RunPod session now (a poll moments ago is not repeated); false when nothing was asked. */
  pollNow(sessionId: string): Promise<boolean>;
  /** Resolves when the polls after the last (re)load or key change have finished. */
  ready(): Promise<void>;
  /** Why the last poll of a session failed, if it did. */
  lastProblem(sessionId: string): string | undefined;
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
  /**
   * Stops watching, reads the index again and reattaches, as a window reload would;
   * `closedMs`: stays "closed" that long first (RunPod jobs go on meanwhile).
   */
  simulateReload(options?: { closedMs?: number }): Promise<void>;
  /** Pretends the workspace is (not) trusted; undefined restores the real answer. */
  setTrusted(value: boolean | undefined): void;
  /** Runtime values to use instead of the settings' (e.g. a short cancel grace). */
  setRuntimeOverrides(overrides: Partial<LocalRuntime> | undefined): void;
}
