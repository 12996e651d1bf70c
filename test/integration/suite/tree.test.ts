import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { TrainlabApi, TreeAccess } from '../../../src/extension/api';
import type { TreeElement } from '../../../src/extension/tree/elements';
import { getApi } from '../helpers';

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');

function find(tree: TreeAccess, parent: TreeElement | undefined, text: string): TreeElement {
  const found = tree.getChildren(parent).find((e) => label(tree.getTreeItem(e)) === text);
  assert.ok(found, `no row "${text}" under ${parent ? parent.key : 'the root'}: ${tree.getChildren(parent).map((e) => label(tree.getTreeItem(e))).join(', ')}`);
  return found;
}

function icon(item: vscode.TreeItem): [string, string | undefined] {
  assert.ok(item.iconPath instanceof vscode.ThemeIcon, 'a ThemeIcon');
  return [item.iconPath.id, item.iconPath.color?.id];
}

suite('Styles tree (fixture workspace)', () => {
  let api: TrainlabApi;
  let tree: TreeAccess;

  suiteSetup(async () => {
    api = await getApi();
    tree = api.styles();
  });

  test('the root lists the styles, newest first', () => {
    const styles = tree.getChildren().map((e) => tree.getTreeItem(e)).filter((i) => i.contextValue === 'trainlab.style');
    assert.deepStrictEqual(
      styles.map(label).filter((l) => ['Dynamic Simplicity', 'Demo Lines', 'Broken Style'].includes(l)),
      ['Dynamic Simplicity', 'Demo Lines', 'Broken Style'],
    );
    const ds = tree.getTreeItem(find(tree, undefined, 'Dynamic Simplicity'));
    assert.strictEqual(ds.id, 'style:dynamic-simplicity');
    assert.strictEqual(ds.description, 'kohya • SBai_style_16');
    assert.strictEqual(ds.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  test('a style holds Versions and Datasets; Datasets lists each dataset with its image count', () => {
    const style = find(tree, undefined, 'Dynamic Simplicity');
    assert.deepStrictEqual(tree.getChildren(style).map((e) => label(tree.getTreeItem(e))), ['Versions', 'Datasets']);
    const datasets = find(tree, style, 'Datasets');
    assert.deepStrictEqual(
      tree.getChildren(datasets).map((e) => [label(tree.getTreeItem(e)), tree.getTreeItem(e).description]),
      [['set-1', '3 images • 3 captions'], ['set-2', '2 images • 2 captions']],
    );
  });

  test('Versions lists V4…V1 with quick stats, status icons and context values', () => {
    const versions = find(tree, find(tree, undefined, 'Dynamic Simplicity'), 'Versions');
    const items = tree.getChildren(versions).map((e) => tree.getTreeItem(e));
    assert.deepStrictEqual(items.map(label), ['V4', 'V3', 'V2', 'V1']);
    const [v4, v3, v2, v1] = items as [vscode.TreeItem, vscode.TreeItem, vscode.TreeItem, vscode.TreeItem];
    assert.strictEqual(v1.description, '100 images • 1200 steps • Test with low LR');
    assert.strictEqual(v2.description, '50 images • 1200 steps • Test with high LR');
    assert.strictEqual(v3.description, '75 images • 1000 steps • Failed experiment');
    assert.deepStrictEqual(icon(v1), ['pass', 'testing.iconPassed']);
    assert.deepStrictEqual(icon(v2), ['sync~spin', 'charts.orange']);
    assert.deepStrictEqual(icon(v3), ['error', 'testing.iconFailed']);
    assert.deepStrictEqual(icon(v4), ['circle-outline', 'disabledForeground']);
    assert.deepStrictEqual(items.map((i) => i.contextValue), ['trainlab.version:draft', 'trainlab.version:failed', 'trainlab.version:running', 'trainlab.version:completed']);
    assert.strictEqual(v1.id, 'version:dynamic-simplicity/V1');
    assert.ok(v1.tooltip instanceof vscode.MarkdownString);
    assert.match(v1.tooltip.value, /Created: 2025-10-1\d/);
    assert.match(v1.tooltip.value, /learning\\_rate/);
    assert.strictEqual(v4.collapsibleState, vscode.TreeItemCollapsibleState.None);
  });

  test("a version's sessions show their progress", () => {
    const versions = find(tree, find(tree, undefined, 'Dynamic Simplicity'), 'Versions');
    const v2 = find(tree, versions, 'V2');
    const sessions = tree.getChildren(v2).map((e) => tree.getTreeItem(e));
    assert.strictEqual(sessions.length, 1);
    // A RunPod session: its job's state follows the progress (the fixture's was never polled here).
    assert.strictEqual(sessions[0]!.description, 'running • 340/1200 (28%) • loss 0.081 • RunPod not seen yet');
    assert.strictEqual(sessions[0]!.contextValue, 'trainlab.session:running:cancellable:runpod');
    assert.strictEqual(sessions[0]!.id, 'session:20251013-090215-7d4e2b');
    const v1 = find(tree, versions, 'V1');
    assert.deepStrictEqual(tree.getChildren(v1).map((e) => icon(tree.getTreeItem(e))[0]), ['pass', 'debug-pause']);
  });

  test('the corrupt versions.json shows as an error row under its style, with an Open File action', async () => {
    const broken = find(tree, undefined, 'Broken Style');
    const styleItem = tree.getTreeItem(broken);
    assert.strictEqual(styleItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const problem = tree.getChildren(broken).find((e) => e.kind === 'problem');
    assert.ok(problem, 'an error row under Broken Style');
    const item = tree.getTreeItem(problem);
    assert.strictEqual(label(item), 'versions.json:7');
    assert.strictEqual(item.description, 'not valid JSON: comma expected');
    assert.strictEqual(item.contextValue, 'trainlab.problem');
    assert.deepStrictEqual(icon(item), ['bracket-error', 'problemsErrorIcon.foreground']);
    assert.strictEqual(item.command?.command, 'trainlab.openFile');

    const uri = (await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []))) as vscode.Uri;
    assert.ok(uri.fsPath.endsWith('versions.json'));
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.strictEqual(editor.document.uri.fsPath, uri.fsPath);
    assert.strictEqual(editor.selection.active.line, 6, 'at line 7');
    assert.strictEqual(editor.selection.active.character, 6, 'at column 7');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('parents lead back to the root (reveal works)', () => {
    const style = find(tree, undefined, 'Dynamic Simplicity');
    const versions = find(tree, style, 'Versions');
    const v2 = find(tree, versions, 'V2');
    const session = tree.getChildren(v2)[0]!;
    assert.strictEqual(tree.getParent(session), v2);
    assert.strictEqual(tree.getParent(v2), versions);
    assert.strictEqual(tree.getParent(versions), style);
  });
});

suite('Active Sessions tree', () => {
  test('lists every pending or running session, labelled style / version, with progress', async () => {
    const api = await getApi();
    const tree = api.activeSessions();
    const items = tree.getChildren().map((e) => tree.getTreeItem(e));
    const byLabel = new Map(items.map((i) => [label(i), i]));
    assert.strictEqual(byLabel.get('Dynamic Simplicity / V2')?.description, 'running • 340/1200 (28%) • loss 0.081 • RunPod not seen yet');
    assert.strictEqual(byLabel.get('Demo Lines / V2')?.description, 'pending • RunPod not seen yet');
    assert.deepStrictEqual(icon(byLabel.get('Demo Lines / V2')!), ['clock', 'charts.blue']);
  });
});
