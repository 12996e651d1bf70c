import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { PanelAccess, TrainlabApi } from '../../../src/extension/api';
import { samplesResultSchema, type ResponseMessage } from '../../../src/shared/panel-protocol';
import { getApi, sleep, waitFor, whenPanelReady } from '../helpers';

const STYLE = 'dynamic-simplicity';

suite('training panel: Samples tab and Reset State', function () {
  this.timeout(120_000);
  let api: TrainlabApi;
  let n = 0;
  let p: PanelAccess;

  const request = async (action: string, args: unknown): Promise<ResponseMessage> => {
    const r = await p.simulate({ type: 'request', id: `samples-${++n}`, action, args });
    assert.ok(r, `${action} was answered`);
    return r;
  };

  suiteSetup(async () => {
    api = await getApi();
    await vscode.commands.executeCommand('trainlab.openPanel', { styleId: STYLE });
    p = await waitFor('the panel', () => api.panels().get(STYLE));
    await whenPanelReady(p);
  });

  suiteTeardown(async () => {
    for (const id of api.panels().open()) api.panels().get(id)?.close();
    await api.uiState().resetStyleState(STYLE);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Let the workbench finish closing the webviews before the next suite opens one.
    await sleep(3000);
  });

  test('getSamples: each session’s samples by step and prompt, as webview URIs, with the prompt texts', async () => {
    const r = await request('getSamples', {});
    assert.ok(r.ok, JSON.stringify(r));
    const result = samplesResultSchema.parse(r.result);
    assert.deepStrictEqual(result.sessions.map((s) => s.versionId), ['V2', 'V1']);
    const [v2, v1] = result.sessions;
    assert.strictEqual(v1!.images.length, 8);
    assert.deepStrictEqual([...new Set(v2!.images.map((i) => i.step))], [200, 400, 600]);
    assert.deepStrictEqual(v1!.prompts, ['zk style, a castle at dusk', 'zk style, a lighthouse by the sea']);
    for (const img of [...v1!.images, ...v2!.images]) {
      // The webview resource scheme of this VS Code (vscode-resource / vscode-cdn): never a file: URI.
      assert.ok(img.uri && !img.uri.startsWith('file:'), img.uri ?? 'no uri');
      assert.ok(img.uri.includes(encodeURIComponent(img.file).replace(/%2F/g, '/')) || img.uri.includes(img.file), img.uri);
    }
  });

  test('openSample opens the image in an editor; a name that is not the session’s sample is refused', async () => {
    const r = await request('openSample', { sessionId: '20251012-072721-3fa9c1', file: 'dynamic-simplicity_000800_01_20251012080000.png' });
    assert.ok(r.ok, JSON.stringify(r));
    await waitFor('the image tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'dynamic-simplicity_000800_01_20251012080000.png'),
    );
    // The image opened beside the panel (its own webview): close it before the next test.
    await vscode.commands.executeCommand('workbench.action.closeEditorsInOtherGroups');
    const bad = await request('openSample', { sessionId: '20251012-072721-3fa9c1', file: '../session.json' });
    assert.strictEqual(bad.ok, false);
    const other = await request('openSample', { sessionId: 'not-a-session', file: 'x.png' });
    assert.strictEqual(other.ok, false);
  });

  test('close and reopen: console, history and samples choices come back', async () => {
    const state = {
      selectedVersionId: 'V2',
      activeTab: 'samples' as const,
      console: { sessionId: '20251013-090215-7d4e2b', follow: false, scrollTop: 120, smoothing: 0.8 },
      history: { sort: { key: 'finalLoss', dir: 'asc' as const }, filterText: 'V1', filterStatus: 'completed' },
      samples: { mode: 'prompt' as const, prompt: 1, versionIds: ['V1'] },
      savedAt: Date.now(),
    };
    // The page's own state goes out once after it loads: let that pass first.
    await waitFor('the page’s own state', () => p.received().some((m) => !!m && (m as { action?: string }).action === 'persistState'));
    await sleep(600);
    assert.ok((await request('persistState', { state })).ok);
    await sleep(300);
    assert.deepStrictEqual(api.uiState().getStyleState(STYLE)?.history, state.history, 'stored before the close');
    p.close();
    await waitFor('the panel to close', () => !api.panels().get(STYLE));
    await vscode.commands.executeCommand('trainlab.openPanel', { styleId: STYLE });
    p = await waitFor('the panel again', () => api.panels().get(STYLE));
    await whenPanelReady(p);
    const init = await waitFor('init', () => p.sent().find((m) => m.type === 'init'));
    assert.ok(init.type === 'init');
    assert.deepStrictEqual(init.state.console, state.console);
    assert.deepStrictEqual(init.state.history, state.history);
    assert.deepStrictEqual(init.state.samples, state.samples);
    assert.strictEqual(init.state.activeTab, 'samples');
    // The page shows the Samples tab and asks for its data at once.
    await waitFor('getSamples from the page', () => p.received().some((m) => !!m && (m as { action?: string }).action === 'getSamples'));
  });

  test('Reset State from the panel asks first; on Reset the remembered state is gone and the page starts over', async () => {
    const state = { selectedVersionId: 'V1', activeTab: 'history' as const, savedAt: Date.now() };
    assert.ok((await request('persistState', { state })).ok);
    api.setPrompts({ confirm: async () => undefined });
    try {
      const no = await request('resetState', {});
      assert.strictEqual(no.ok, false, 'cancelled: nothing reset');
      assert.strictEqual(api.uiState().getStyleState(STYLE)?.activeTab, 'history');
      api.setPrompts({ confirm: async (_m, o) => o.actions[0] });
      const inits = p.sent().filter((m) => m.type === 'init').length;
      const yes = await request('resetState', {});
      assert.ok(yes.ok, JSON.stringify(yes));
      const init = await waitFor('a fresh init', () => p.sent().filter((m) => m.type === 'init')[inits]);
      assert.ok(init.type === 'init');
      assert.strictEqual(init.state.activeTab, undefined);
      assert.strictEqual(init.state.selectedVersionId, undefined);
    } finally {
      api.setPrompts(undefined);
    }
  });
});
