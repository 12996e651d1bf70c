import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TrainlabApi, TreeAccess } from '../../../src/extension/api';
import type { TreeElement } from '../../../src/extension/tree/elements';
import { getApi } from '../helpers';

async function waitFor(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');
const rootDir = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'trainlab');
const DS = () => path.join(rootDir(), 'styles', 'dynamic-simplicity');

function child(tree: TreeAccess, parent: TreeElement | undefined, text: string): TreeElement | undefined {
  return tree.getChildren(parent).find((e) => label(tree.getTreeItem(e)) === text);
}

/** Writes like Trainlab's writers do (temporary file, then rename), so no half-written file is seen. */
function writeAtomic(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

/** Whether `el` or one of its ancestors was redrawn. */
function redrawn(tree: TreeAccess, fired: (TreeElement | undefined)[], el: TreeElement): boolean {
  for (let e: TreeElement | undefined = el; e; e = tree.getParent(e)) if (fired.includes(e)) return true;
  return false;
}

/** Records what the tree asks VS Code to redraw. */
function recordRefreshes(tree: TreeAccess): { fired: (TreeElement | undefined)[]; dispose(): void } {
  const fired: (TreeElement | undefined)[] = [];
  const sub = tree.onDidChangeTreeData((e) => fired.push(...(Array.isArray(e) ? e : [e])));
  return { fired, dispose: () => sub.dispose() };
}

suite('file changes on disk reach the tree', () => {
  let api: TrainlabApi;
  let tree: TreeAccess;
  suiteSetup(async () => {
    api = await getApi();
    tree = api.styles();
  });

  test('a new session.json appears under its version and in Active Sessions; only that version is redrawn', async () => {
    const versions = child(tree, child(tree, undefined, 'Dynamic Simplicity'), 'Versions')!;
    const v4 = child(tree, versions, 'V4')!;
    assert.strictEqual(tree.getChildren(v4).length, 0);
    const rec = recordRefreshes(tree);
    const id = '20251016-120000-beef01';
    const session = {
      schemaVersion: 1, id, styleId: 'dynamic-simplicity', versionId: 'V4', createdAt: '2025-10-16T12:00:00.000Z',
      // Remote: a local "running" session without a runner would be reconciled to interrupted.
      backend: { type: 'runpod', endpointId: 'e1', jobId: 'j1' }, status: 'running',
      progress: { step: 10, totalSteps: 2000, loss: 0.2, updatedAt: '2025-10-16T12:01:00.000Z' },
    };
    try {
      fs.mkdirSync(path.join(DS(), 'sessions', id), { recursive: true });
      writeAtomic(path.join(DS(), 'sessions', id, 'session.json'), JSON.stringify(session, null, 2));
      await waitFor('the session in the tree', () => tree.getChildren(v4).length === 1);
      assert.strictEqual(tree.getTreeItem(tree.getChildren(v4)[0]!).description, 'running • 10/2000 (0%) • loss 0.200 • RunPod not seen yet');
      assert.ok(redrawn(tree, rec.fired, v4), 'the version row was redrawn');
      assert.ok(!rec.fired.includes(undefined), 'not the whole tree');
      const active = api.activeSessions();
      await waitFor('the session in Active Sessions', () => active.getChildren().some((e) => label(active.getTreeItem(e)) === 'Dynamic Simplicity / V4'));

      // A progress update redraws just that session's row.
      rec.fired.length = 0;
      const row = tree.getChildren(v4)[0]!;
      writeAtomic(path.join(DS(), 'sessions', id, 'session.json'), JSON.stringify({ ...session, progress: { ...session.progress, step: 500, loss: 0.15 } }, null, 2));
      await waitFor('the new progress', () => tree.getTreeItem(row).description === 'running • 500/2000 (25%) • loss 0.150 • RunPod not seen yet');
      await waitFor('a refresh event', () => rec.fired.length > 0);
      assert.deepStrictEqual(rec.fired, [row]);
    } finally {
      rec.dispose();
      fs.rmSync(path.join(DS(), 'sessions', id), { recursive: true, force: true });
      await waitFor('the session to go', () => tree.getChildren(v4).length === 0);
    }
  });

  test('breaking style.json turns the style into an error row; fixing it brings the style back', async () => {
    const file = path.join(rootDir(), 'styles', 'demo-lines', 'style.json');
    const good = fs.readFileSync(file, 'utf8');
    try {
      writeAtomic(file, good.replace('"trainer": "demo"', '"trainer": 42'));
      await waitFor('an error row for style.json', () =>
        tree.getChildren().some((e) => e.kind === 'problem' && e.path === file),
      );
      assert.ok(!child(tree, undefined, 'Demo Lines'), 'the style is not listed while its file is broken');
      const problem = tree.getChildren().find((e) => e.kind === 'problem' && e.path === file)!;
      const item = tree.getTreeItem(problem);
      assert.match(String(item.description), /^trainer: /);
      assert.match(label(item), /demo-lines\/style\.json:\d+$/);
    } finally {
      writeAtomic(file, good);
    }
    await waitFor('the style to come back', () => !!child(tree, undefined, 'Demo Lines'));
    assert.ok(!tree.getChildren().some((e) => e.kind === 'problem' && e.path === file));
  });

  test('changing trainlab.root reopens the store', async () => {
    const config = vscode.workspace.getConfiguration('trainlab');
    const before = api.store();
    assert.ok(before);
    try {
      await config.update('root', 'no-such-folder', vscode.ConfigurationTarget.Workspace);
      await waitFor('the store to close', () => api.store() === undefined && api.styles().getChildren().length === 0);
      await api.ready();
      assert.strictEqual(api.store(), undefined, 'no root there');
    } finally {
      await config.update('root', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the store to reopen', () => !!api.store());
    await api.ready();
    assert.notStrictEqual(api.store(), before);
    assert.ok(child(tree, undefined, 'Dynamic Simplicity'));
  });
});
