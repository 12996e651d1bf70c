import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Style, Version } from '../../../src/core/model';
import type { TrainlabApi } from '../../../src/extension/api';
import { getApi, noPrompts } from '../helpers';

async function waitFor(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const STYLE = 'it-commands';
const root = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'trainlab');
const readJson = (...p: string[]) => JSON.parse(fs.readFileSync(path.join(root(), ...p), 'utf8')) as Record<string, unknown>;
const versionsOnDisk = () => (readJson('styles', STYLE, 'versions.json').versions as Version[]);

suite('commands', () => {
  let api: TrainlabApi;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-it-cmd-'));

  suiteSetup(async () => {
    api = await getApi();
    api.setPrompts(noPrompts);
  });

  suiteTeardown(async () => {
    api.setPrompts(undefined);
    fs.rmSync(path.join(root(), 'styles', STYLE), { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    await waitFor('the test style to leave the index', () => !api.store()?.getStyle(STYLE));
  });

  test('every command contributed in package.json is registered', async () => {
    const ext = vscode.extensions.getExtension('trainlab.trainlab')!;
    const pkg = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = pkg.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 16);
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, []);
  });

  test('newStyle with all fields creates style.json without asking', async () => {
    const style = (await vscode.commands.executeCommand('trainlab.newStyle', { id: STYLE, name: 'IT Commands', triggerToken: 'it_tok', trainer: 'kohya' })) as Style;
    assert.strictEqual(style.id, STYLE);
    const onDisk = readJson('styles', STYLE, 'style.json');
    assert.deepStrictEqual([onDisk.id, onDisk.name, onDisk.triggerToken, onDisk.trainer, onDisk.schemaVersion], [STYLE, 'IT Commands', 'it_tok', 'kohya', 1]);
    assert.ok(api.store()?.getStyle(STYLE), 'in the index at once');
  });

  test('a refused write shows an error and returns undefined (an existing style id)', async () => {
    const again = await vscode.commands.executeCommand('trainlab.newStyle', { id: STYLE, name: 'Again', trainer: 'kohya' });
    assert.strictEqual(again, undefined);
  });

  test("newVersion starts from the trainer's and the style's defaults and keeps the trigger token", async () => {
    const v = (await vscode.commands.executeCommand('trainlab.newVersion', { styleId: STYLE, description: 'from a test', parameters: { learning_rate: 0.0003 } })) as Version;
    assert.strictEqual(v.id, 'V1');
    const [disk] = versionsOnDisk();
    assert.ok(disk);
    assert.strictEqual(disk.description, 'from a test');
    assert.strictEqual(disk.status, 'draft');
    assert.strictEqual(disk.parameters.learning_rate, 0.0003);
    assert.strictEqual(disk.parameters.max_train_steps, 1200, 'kohya default');
    assert.strictEqual(disk.parameters.class_tokens, 'it_tok', 'trigger token kept');
  });

  test('newVersion refuses parameters the trainer rejects', async () => {
    const v = await vscode.commands.executeCommand('trainlab.newVersion', { styleId: STYLE, parameters: { network_dim: 0 } });
    assert.strictEqual(v, undefined);
    assert.strictEqual(versionsOnDisk().length, 1);
  });

  test('newVersion from a tree row asks only for what is missing', async () => {
    const styles = api.styles();
    const row = styles.getChildren().find((e) => e.kind === 'style' && e.styleId === STYLE);
    assert.ok(row, 'the new style is in the tree');
    const asked: string[] = [];
    api.setPrompts({ ...noPrompts, input: async (o) => (asked.push(o.title), 'typed in') });
    try {
      const v = (await vscode.commands.executeCommand('trainlab.newVersion', row)) as Version;
      assert.strictEqual(v.id, 'V2');
      assert.strictEqual(v.description, 'typed in');
      assert.deepStrictEqual(asked, ['New Version V2 of IT Commands'], 'only the description was asked (no datasets to pick)');
    } finally {
      api.setPrompts(noPrompts);
    }
  });

  test('newVersionFrom copies a version', async () => {
    const v = (await vscode.commands.executeCommand('trainlab.newVersionFrom', { styleId: STYLE, versionId: 'V1', description: 'copy of V1' })) as Version;
    assert.strictEqual(v.id, 'V3');
    const disk = versionsOnDisk().find((x) => x.id === 'V3')!;
    const v1 = versionsOnDisk().find((x) => x.id === 'V1')!;
    assert.deepStrictEqual(disk.parameters, v1.parameters);
    assert.strictEqual(disk.description, 'copy of V1');
    assert.strictEqual((disk as unknown as { basedOn: string }).basedOn, 'V1');
    assert.strictEqual(disk.status, 'draft');
  });

  test('newVersionFrom with a style asks which version to copy', async () => {
    api.setPrompts({ ...noPrompts, pick: async (items) => items.find((i) => i.label === 'V1')!.value, input: async (o) => o.value });
    try {
      const row = api.styles().getChildren().find((e) => e.kind === 'style' && e.styleId === STYLE)!;
      const v = (await vscode.commands.executeCommand('trainlab.newVersionFrom', row)) as Version;
      assert.strictEqual(v.id, 'V4');
      assert.strictEqual(v.description, 'from a test', "the source's description is offered");
    } finally {
      api.setPrompts(noPrompts);
    }
  });

  test('editDescription, editNotes and editTags write versions.json', async () => {
    await vscode.commands.executeCommand('trainlab.editDescription', { styleId: STYLE, versionId: 'V3', text: 'edited description' });
    await vscode.commands.executeCommand('trainlab.editNotes', { styleId: STYLE, versionId: 'V3', text: 'some notes' });
    await vscode.commands.executeCommand('trainlab.editTags', { styleId: STYLE, versionId: 'V3', tags: ['best', ' best ', 'lr'] });
    const disk = versionsOnDisk().find((x) => x.id === 'V3')!;
    assert.deepStrictEqual([disk.description, disk.notes, disk.tags], ['edited description', 'some notes', ['best', 'lr']]);
  });

  test('deleteVersion asks unless confirm is given; cancelling deletes nothing', async () => {
    let asked = '';
    api.setPrompts({ ...noPrompts, confirm: async (m) => ((asked = m), undefined) });
    try {
      const r = await vscode.commands.executeCommand('trainlab.deleteVersion', { styleId: STYLE, versionId: 'V4' });
      assert.strictEqual(r, undefined);
      assert.match(asked, /Delete version V4 of "IT Commands"\?/);
      assert.ok(versionsOnDisk().some((x) => x.id === 'V4'));
    } finally {
      api.setPrompts(noPrompts);
    }
    const removed = (await vscode.commands.executeCommand('trainlab.deleteVersion', { styleId: STYLE, versionId: 'V4', confirm: true })) as Version;
    assert.strictEqual(removed.id, 'V4');
    assert.ok(!versionsOnDisk().some((x) => x.id === 'V4'));
  });

  test('exportVersion writes the version-export JSON', async () => {
    const target = path.join(tmp, 'v1.json');
    const uri = (await vscode.commands.executeCommand('trainlab.exportVersion', { styleId: 'dynamic-simplicity', versionId: 'V1', path: target })) as vscode.Uri;
    assert.strictEqual(uri.fsPath, target);
    const doc = JSON.parse(fs.readFileSync(target, 'utf8')) as { trainlab: string; schemaVersion: number; style: Style; version: Version };
    assert.deepStrictEqual(Object.keys(doc), ['trainlab', 'schemaVersion', 'exportedAt', 'style', 'version']);
    assert.strictEqual(doc.trainlab, 'version-export');
    assert.strictEqual(doc.version.status, undefined, 'workspace history is not exported');
    assert.strictEqual(doc.schemaVersion, 1);
    assert.strictEqual(doc.style.id, 'dynamic-simplicity');
    assert.strictEqual(doc.version.id, 'V1');
    assert.strictEqual(doc.version.parameters.max_train_steps, 1200);
  });

  test('doctor returns the problems (the corrupt fixture file)', async () => {
    const problems = (await vscode.commands.executeCommand('trainlab.doctor', {})) as { displayPath: string; line?: number }[];
    assert.strictEqual(problems.length, 1);
    assert.match(problems[0]!.displayPath, /broken-style[\\/]versions\.json$/);
    assert.strictEqual(problems[0]!.line, 7);
  });

  test('openJson opens versions.json at the version', async () => {
    const uri = (await vscode.commands.executeCommand('trainlab.openJson', { styleId: 'dynamic-simplicity', versionId: 'V2' })) as vscode.Uri;
    assert.ok(uri.fsPath.endsWith(path.join('dynamic-simplicity', 'versions.json')));
    const editor = vscode.window.activeTextEditor!;
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /"id": "V2"/);
    const sessionUri = (await vscode.commands.executeCommand('trainlab.openJson', { sessionId: '20251013-090215-7d4e2b' })) as vscode.Uri;
    assert.ok(sessionUri.fsPath.endsWith(path.join('20251013-090215-7d4e2b', 'session.json')));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('resetStyleState clears the per-style UI state', async () => {
    await api.uiState().updateStyleState(STYLE, { selectedVersionId: 'V1' });
    assert.strictEqual(await vscode.commands.executeCommand('trainlab.resetStyleState', { styleId: STYLE }), true);
    assert.deepStrictEqual(api.uiState().getStyleState(STYLE), {});
  });

  test('import says clearly that it is not available yet', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('trainlab.import', { path: tmp }), undefined);
  });

  test('refresh reloads the index', async () => {
    const before = api.store();
    await vscode.commands.executeCommand('trainlab.refresh');
    await api.ready();
    const after = api.store();
    assert.ok(after && after !== before, 'a fresh store');
    assert.ok(after.getStyle(STYLE));
    assert.strictEqual(after.listVersions(STYLE).length, 3);
  });
});
