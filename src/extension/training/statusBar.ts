import * as vscode from 'vscode';
import { Commands, STATUS_BAR_ID } from '../ids';
import { Disposable } from '../lifecycle';
import { healthTooltipLine } from '../runpod/format';
import type { RunPodService } from '../runpod/service';
import type { TrainlabWorkspace } from '../workspace';
import { statusBarSessions, statusBarView, type StatusBarView, type TrainingEntry } from './format';

/**
 * The one status bar item, owned here and driven by store events: what trains for this window
 * — local processes, and RunPod jobs while they are polled — with its progress; hidden when
 * nothing does. While RunPod jobs are active its tooltip shows their endpoints' health
 * (asked at most once per poll interval). A click lists the trainings with their actions
 * (trainlab.showTrainings).
 */
export class TrainingStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private view: StatusBarView = statusBarView([]);

  constructor(
    private readonly workspace: TrainlabWorkspace,
    private readonly entryOf: (sessionId: string) => TrainingEntry | undefined,
    private readonly runpod?: RunPodService,
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
    // What is followed, and the endpoints' health, change without a store event.
    if (runpod) this._register(runpod.onDidChange(() => this.update()));
    this.update();
  }

  /** What the item shows now (tests). */
  get current(): StatusBarView {
    return this.view;
  }

  update(): void {
    const store = this.workspace.store;
    const runpod = this.runpod;
    const entries = store
      ? statusBarSessions(store.activeSessions(), runpod ? (s) => runpod.follows(s) : undefined)
          .map((s) => this.entryOf(s.id))
          .filter((e): e is TrainingEntry => !!e)
      : [];
    const endpoints = [...new Set(entries.flatMap((e) => (e.session.backend.type === 'runpod' ? [e.session.backend.endpointId] : [])))].sort();
    // Fetched in the background (at most once per poll interval); the tooltip shows it when it comes.
    if (runpod && endpoints.length) runpod.refreshHealth(endpoints);
    const health = runpod ? endpoints.map((id) => healthTooltipLine(id, runpod.healthOf(id))) : [];
    const view = statusBarView(entries, Date.now(), health);
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
