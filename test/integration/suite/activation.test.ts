import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

suite('activation', () => {
  test('the extension trainlab.trainlab is present and activates', async () => {
    const ext = vscode.extensions.getExtension('trainlab.trainlab');
    assert.ok(ext, 'extension trainlab.trainlab not found');
    await ext.activate();
    assert.strictEqual(ext.isActive, true);
  });

  test('the fixture workspace folder is open', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'exactly one workspace folder');
    const folder = folders[0]!;
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'trainlab'));
    assert.strictEqual(stat.type & vscode.FileType.Directory, vscode.FileType.Directory, 'trainlab/ is a folder');
  });

  test('runs in a Node extension host', () => {
    assert.ok(process.versions.node, 'process.versions.node');
    assert.ok(fs.existsSync(__filename), 'node:fs sees this bundle');
  });
});
