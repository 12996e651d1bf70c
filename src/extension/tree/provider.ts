import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { TrainlabWorkspace } from '../workspace';
import type { TreeElement } from './elements';
import type { IconSpec } from './format';
import type { ActiveSessionsModel, Collapsible, RowSpec, StylesTreeModel } from './model';

const COLLAPSIBLE: Record<Collapsible, vscode.TreeItemCollapsibleState> = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
};

export function themeIcon(icon: IconSpec): vscode.ThemeIcon {
  return new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
}

export function toTreeItem(spec: RowSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(spec.label, COLLAPSIBLE[spec.collapsible]);
  item.id = spec.id;
  if (spec.description !== undefined) item.description = spec.description;
  if (spec.tooltip) {
    const md = new vscode.MarkdownString(spec.tooltip, true);
    md.isTrusted = false;
    md.supportHtml = false;
    item.tooltip = md;
  }
  item.iconPath = themeIcon(spec.icon);
  if (spec.contextValue) item.contextValue = spec.contextValue;
  if (spec.command) item.command = spec.command;
  if (spec.accessibilityLabel) item.accessibilityInformation = { label: spec.accessibilityLabel };
  return item;
}

/**
 * A TreeDataProvider over one of the pure tree models. Rows are drawn from the store's index
 * (no I/O, no notifications here); a batch of store events refreshes only the rows it touches,
 * the whole tree only when the store was reopened or the top level changed.
 */
export class TreeProvider extends Disposable implements vscode.TreeDataProvider<TreeElement> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<TreeElement | TreeElement[] | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;

  constructor(
    readonly model: StylesTreeModel | ActiveSessionsModel,
    workspace: TrainlabWorkspace,
  ) {
    super();
    this._register(
      workspace.onDidReset(() => {
        model.reset();
        this._onDidChangeTreeData.fire(undefined);
      }),
    );
    this._register(
      workspace.onDidChange((events) => {
        const r = model.refreshFor(events);
        if (r.all) this._onDidChangeTreeData.fire(undefined);
        else if (r.elements.length) this._onDidChangeTreeData.fire(r.elements);
      }),
    );
  }

  getTreeItem(element: TreeElement): vscode.TreeItem {
    const spec = this.model.row(element);
    // The thing went away between getChildren and now; a refresh of its parent is on its way.
    return spec ? toTreeItem(spec) : Object.assign(new vscode.TreeItem('…'), { id: element.key });
  }

  getChildren(element?: TreeElement): TreeElement[] {
    return this.model.children(element);
  }

  getParent(element: TreeElement): TreeElement | undefined {
    return this.model.parent(element);
  }

  /** Redraws everything (after `trainlab.refresh`). */
  refreshAll(): void {
    this.model.reset();
    this._onDidChangeTreeData.fire(undefined);
  }
}
