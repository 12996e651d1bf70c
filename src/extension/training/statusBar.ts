import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ID } from '../ids';
import { Disposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';
import { statusBarSessions, statusBarView, type StatusBarView, type TrainingEntry } from './format';

/**
 * The one status bar item, owned here and driven by store events: what trains on this
 * machine, with its progress; hidden when nothing does. A click lists the trainings with
 * their actions (trainlab.showTrainings).
 */
export class TrainingStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: StatusBarView = statusBarView([]);

  constructor(
    private readonly workspace: TrainlabWorkspace,
    private readonly entryOf: (sessionId: string) => TrainingEntry | undefined,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Trainlab Training';
    this.item.command = Commands.showTrainings;
    this._register(workspace.onDidReset(() => this.update()));
    this._register(
      workspace.onDidChange((events) => {
        if (events.some((e) => e.type === 'session' || e.type === 'style' || e.type === 'versions')) this.update();
      }),
    );
    this.update();
  }

  /** What the item shows now (tests). */
  get current(): StatusBarView {
    return this.view;
  }

  update(): void {
    const store = this.workspace.store;
    const entries = store
      ? statusBarSessions(store.activeSessions())
          .map((s) => this.entryOf(s.id))
          .filter((e): e is TrainingEntry => !!e)
      : [];
    const view = statusBarView(entries);
    this.view = view;
    if (!view.visible) {
      this.item.hide();
      return;
    }
    this.item.text = view.text;
    const md = new vscode.MarkdownString(view.tooltip, true);
    md.isTrusted = false;
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: view.accessibilityLabel, role: 'button' };
    this.item.show();
  }
}
