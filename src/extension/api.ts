import type * as vscode from 'vscode';
import type { WorkspaceStore } from '../core/store';
import type { UiState } from './state';
import type { TreeElement } from './tree/elements';
import type { Prompts } from './vscode/prompts';

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
  /**
   * Answers some prompts without dialogs (tests); `undefined` restores the real dialogs.
   * Unanswered kinds of prompt keep using the real ones.
   */
  setPrompts(prompts: Partial<Prompts> | undefined): void;
}
