import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PanelAccess, TrainlabApi } from '../../../src/extension/api';
import type { InitMessage, ResponseMessage, UpdateMessage } from '../../../src/shared/panel-protocol';
import { getApi, noPrompts, sleep, waitFor, whenPanelReady } from '../helpers';


const STYLE = 'dynamic-simplicity';
const versionsFile = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'trainlab', 'styles', STYLE, 'versions.json');

suite('training panel', function () {
  this.timeout(120_000);
  let api: TrainlabApi;
  let n = 0;
  const created: string[] = [];

  const open = async (arg: unknown, styleId = STYLE): Promise<PanelAccess> => {
    await vscode.commands.executeCommand('trainlab.openPanel', arg);
    const p = await waitFor(`the panel of ${styleId}`, () => api.panels().get(styleId));
    await whenPanelReady(p);
    return p;
  };
  /** The page has applied its init and sent its state back (so a simulated request does not race it). */
  const settled = async (p: PanelAccess) => {
    await waitFor('the page’s own state', () => p.received().some((m) => !!m && (m as { action?: string }).action === 'persistState'));
    await sleep(400);
  };
  const initOf = (p: PanelAccess) => waitFor('init', () => p.sent().find((m): m is InitMessage => m.type === 'init'));
  const request = async (p: PanelAccess, action: string, args: unknown): Promise<ResponseMessage> => {
    const r = await p.simulate({ type: 'request', id: `test-${++n}`, action, args });
    assert.ok(r, `${action} was answered`);
    return r;
  };

  suiteSetup(async () => {
    api = await getApi();
    api.setPrompts(noPrompts);
    await api.uiState().resetStyleState(STYLE);
  });

  suiteTeardown(async () => {
    for (const id of api.panels().open()) api.panels().get(id)?.close();
    // Later suites expect the fixture's versions.
    for (const id of created) await api.store()?.deleteVersion(STYLE, id);
    api.setPrompts(undefined);
    await api.uiState().resetStyleState(STYLE);
  });

  test('opens one panel per style with { styleId }: the page says ready and gets the style, versions, datasets and specs', async () => {
    const p = await open({ styleId: STYLE });
    const init = await initOf(p);
    assert.strictEqual(init.style.name, 'Dynamic Simplicity');
    assert.strictEqual(init.style.triggerToken, 'SBai_style_16');
    const v1 = init.versions.find((v) => v.id === 'V1');
    assert.ok(v1, 'V1 is listed');
    assert.strictEqual(v1.status, 'completed');
    assert.ok(v1.imageCount !== null && v1.steps !== null, 'quick stats');
    assert.deepStrictEqual(init.datasets.map((d) => d.id).sort(), ['set-1', 'set-2']);
    assert.ok(init.datasets.every((d) => d.imageCount !== null && d.imageCount > 0 && d.url === null));
    assert.ok(init.params.some((s) => s.key === 'network_dim' && !s.advanced));
    assert.ok(init.params.some((s) => s.advanced));
    assert.strictEqual(init.newParameters.class_tokens, 'SBai_style_16', 'NEW keeps the trigger token');

    // Opened again: revealed, not duplicated; another style gets its own panel.
    await vscode.commands.executeCommand('trainlab.openPanel', { styleId: STYLE });
    assert.deepStrictEqual(api.panels().open(), [STYLE]);
    const other = await open({ styleId: 'demo-lines' }, 'demo-lines');
    assert.deepStrictEqual(api.panels().open().sort(), ['demo-lines', STYLE]);
    assert.strictEqual((await initOf(other)).style.id, 'demo-lines');
    other.close();
    await waitFor('the demo-lines panel to close', () => !api.panels().open().includes('demo-lines'));
    assert.ok(api.panels().get(STYLE), 'closing one panel leaves the other');
  });

  test('malformed and unknown messages are dropped: no answer, nothing done', async () => {
    const p = await open({ styleId: STYLE });
    const before = fs.readFileSync(versionsFile(), 'utf8');
    for (const raw of [
      { type: 'request', id: 'x1', action: 'runCommand', args: { command: 'workbench.action.closeWindow' } },
      { type: 'request', id: 'x2', action: 'saveVersion', args: { parameters: 'nope' } },
      { type: 'request', id: 'x3', action: 'openFile', args: { file: '/etc/passwd' } },
      'ready',
      null,
    ]) assert.strictEqual(await p.simulate(raw), undefined, JSON.stringify(raw));
    assert.strictEqual(fs.readFileSync(versionsFile(), 'utf8'), before);
  });

  test('switching version (a request from the page) is remembered in workspaceState', async () => {
    const p = await open({ styleId: STYLE });
    await settled(p);
    const r = await request(p, 'persistState', { state: { selectedVersionId: 'V3', activeTab: 'configure', savedAt: Date.now() } });
    assert.ok(r.ok);
    assert.strictEqual(api.uiState().getStyleState(STYLE).selectedVersionId, 'V3');
  });

  test('an invalid value: validate returns the field’s message, Start refuses and writes nothing', async () => {
    const p = await open({ styleId: STYLE });
    const v = await request(p, 'validate', { parameters: { network_dim: 'abc', learning_rate: 0.0001 } });
    assert.ok(v.ok);
    assert.deepStrictEqual((v as { result: unknown }).result, { errors: [{ key: 'network_dim', message: 'must be a whole number between 1 and 1024' }] });
    const before = fs.readFileSync(versionsFile(), 'utf8');
    const s = await request(p, 'startTraining', { draft: { parameters: { network_dim: 0 }, datasetId: null, description: '' } });
    assert.strictEqual(s.ok, false);
    assert.match((s as { error: string }).error, /network_dim must be a whole number between 1 and 1024/);
    assert.strictEqual(fs.readFileSync(versionsFile(), 'utf8'), before, 'no version was saved');
  });

  test('Save as New Version: the version is in versions.json and the page gets an update from the store', async () => {
    const p = await open({ styleId: STYLE });
    const init = await initOf(p);
    const v1 = init.versions.find((v) => v.id === 'V1')!;
    const r = await request(p, 'saveVersion', { parameters: { ...v1.parameters, learning_rate: 0.0002 }, datasetId: 'set-1', description: 'from the panel', basedOn: 'V1' });
    assert.ok(r.ok, JSON.stringify(r));
    const id = ((r as { result: { versionId: string } }).result).versionId;
    created.push(id);
    const file = JSON.parse(fs.readFileSync(versionsFile(), 'utf8')) as { versions: { id: string; description: string; parameters: Record<string, unknown>; datasetId: string; basedOn?: string }[] };
    const saved = file.versions.find((v) => v.id === id);
    assert.ok(saved, `${id} is in versions.json`);
    assert.strictEqual(saved.description, 'from the panel');
    assert.strictEqual(saved.parameters.learning_rate, 0.0002);
    assert.strictEqual(saved.datasetId, 'set-1');
    assert.strictEqual(saved.basedOn, 'V1');
    await waitFor(`an update listing ${id}`, () => p.sent().some((m): m is UpdateMessage => m.type === 'update' && !!m.versions?.some((v) => v.id === id)));
  });

  test('close and reopen: the same unsaved edits, selection, tab and Advanced state come back', async () => {
    const p = await open({ styleId: STYLE });
    await settled(p);
    const draft = { base: 'V1', values: { network_dim: 'abc', learning_rate: '0.0003' }, datasetId: 'set-2', description: 'not saved yet' };
    const state = { selectedVersionId: 'V1', activeTab: 'configure', advancedOpen: true, draft, savedAt: Date.now() };
    assert.ok((await request(p, 'persistState', { state })).ok);
    p.close();
    await waitFor('the panel to close', () => !api.panels().get(STYLE));

    const again = await open({ styleId: STYLE });
    const init = await initOf(again);
    assert.deepStrictEqual(init.state.draft, draft);
    assert.strictEqual(init.state.selectedVersionId, 'V1');
    assert.strictEqual(init.state.activeTab, 'configure');
    assert.strictEqual(init.state.advancedOpen, true);
    // The real page applied it and sent its state back: the same edits.
    const echoed = await waitFor('the page’s own state', () =>
      again.received().find((m) => !!m && (m as { action?: string }).action === 'persistState') as { args: { state: typeof state } } | undefined,
    );
    assert.deepStrictEqual(echoed.args.state.draft, draft);
    assert.strictEqual(echoed.args.state.selectedVersionId, 'V1');
    assert.strictEqual(echoed.args.state.advancedOpen, true);
  });

  test('opened from a version, the panel selects it; Reset Style UI State forgets the edits', async () => {
    const p = await open({ styleId: STYLE, versionId: 'V3' });
    await waitFor('V3 selected', () => p.sent().some((m) => (m.type === 'update' && m.select === 'V3') || (m.type === 'init' && m.state.selectedVersionId === 'V3')));
    await vscode.commands.executeCommand('trainlab.resetStyleState', { styleId: STYLE });
    // The open panel starts over from the defaults: the old selection and edits are not written back.
    await sleep(800);
    const after = api.uiState().getStyleState(STYLE);
    assert.strictEqual(after.draft ?? null, null, JSON.stringify(after));
    assert.notStrictEqual(after.selectedVersionId, 'V3');
  });
});
