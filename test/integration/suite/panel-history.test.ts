import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelAccess, TrainlabApi } from '../../../src/extension/api';
import { compareResultSchema, historyResultSchema, type ResponseMessage, type UpdateMessage } from '../../../src/shared/panel-protocol';
import { getApi, waitFor, whenPanelReady } from '../helpers';


const STYLE = 'dynamic-simplicity';
const versionsFile = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'trainlab', 'styles', STYLE, 'versions.json');
const notesOf = (id: string): string | undefined => (JSON.parse(fs.readFileSync(versionsFile(), 'utf8')) as { versions: { id: string; notes?: string }[] }).versions.find((v) => v.id === id)?.notes;

suite('training panel: History tab', function () {
  this.timeout(120_000);
  let api: TrainlabApi;
  let n = 0;
  let p: PanelAccess;
  let originalNotes: string | undefined;
  let originalTags: string[] = [];

  const request = async (action: string, args: unknown): Promise<ResponseMessage> => {
    const r = await p.simulate({ type: 'request', id: `history-${++n}`, action, args });
    assert.ok(r, `${action} was answered`);
    return r;
  };

  suiteSetup(async () => {
    api = await getApi();
    await vscode.commands.executeCommand('trainlab.openPanel', { styleId: STYLE });
    p = await waitFor('the panel', () => api.panels().get(STYLE));
    await whenPanelReady(p);
    originalNotes = notesOf('V1');
    originalTags = [...(api.store()?.getVersion(STYLE, 'V1')?.tags ?? [])];
  });

  suiteTeardown(async () => {
    // Later suites expect the fixture's notes and tags.
    await api.store()?.updateVersion(STYLE, 'V1', (v) => {
      if (originalNotes !== undefined) v.notes = originalNotes;
      v.tags = originalTags;
    });
    for (const id of api.panels().open()) api.panels().get(id)?.close();
    await api.uiState().resetStyleState(STYLE);
  });

  test('getHistory: every session of the style, with attempts and errors', async () => {
    const r = await request('getHistory', {});
    assert.ok(r.ok, JSON.stringify(r));
    const h = historyResultSchema.parse(r.result);
    assert.deepStrictEqual(h.sessions.map((s) => s.versionId).sort(), ['V1', 'V1', 'V2', 'V3']);
    assert.ok(h.sessions.find((s) => s.versionId === 'V3')?.error, 'the failed session carries its error');
  });

  test('updateNotes: versions.json changes and the page gets an update from the store', async () => {
    const before = p.sent().length;
    const text = `noted from the history tab ${Date.now()}`;
    const r = await request('updateNotes', { target: { kind: 'version', id: 'V1' }, notes: text });
    assert.ok(r.ok, JSON.stringify(r));
    assert.strictEqual(notesOf('V1'), text);
    await waitFor('an update with the new notes', () =>
      p.sent().slice(before).some((m): m is UpdateMessage => m.type === 'update' && !!m.versions?.some((v) => v.id === 'V1' && v.notes === text)),
    );
    const t = await request('updateTags', { target: { kind: 'version', id: 'V1' }, tags: ['baseline', ' kept '] });
    assert.ok(t.ok, JSON.stringify(t));
    assert.deepStrictEqual(api.store()?.getVersion(STYLE, 'V1')?.tags, ['baseline', 'kept']);
  });

  test('updateNotes refuses a version of another style or a malformed target (nothing written)', async () => {
    const before = fs.readFileSync(versionsFile(), 'utf8');
    const r = await request('updateNotes', { target: { kind: 'version', id: 'V99' }, notes: 'x' });
    assert.strictEqual(r.ok, false);
    assert.strictEqual(await p.simulate({ type: 'request', id: 'bad', action: 'updateNotes', args: { target: { kind: 'style', id: 'V1' }, notes: 'x' } }), undefined);
    assert.strictEqual(fs.readFileSync(versionsFile(), 'utf8'), before);
  });

  test('compare V1 and V2: learning_rate differs; V2’s loss curve comes along', async () => {
    const r = await request('compare', { versionIds: ['V1', 'V2'] });
    assert.ok(r.ok, JSON.stringify(r));
    const c = compareResultSchema.parse(r.result);
    assert.deepStrictEqual(c.versions.map((v) => v.id), ['V1', 'V2']);
    const differing = c.parameters.filter((x) => x.differs).map((x) => x.key);
    assert.ok(differing.includes('learning_rate'), `differences: ${differing.join(', ')}`);
    const lr = c.parameters.find((x) => x.key === 'learning_rate')!;
    assert.deepStrictEqual(lr.values, [0.0001, 0.0004]);
    const v2 = c.curves.find((x) => x.versionId === 'V2');
    assert.ok(v2 && v2.steps.length === 3 && v2.total === 3, JSON.stringify(c.curves));
  });
});
