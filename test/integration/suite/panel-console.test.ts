import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { PanelAccess, TrainlabApi } from '../../../src/extension/api';
import type { ConsoleDataMessage, ConsoleSessionMessage } from '../../../src/shared/panel-protocol';
import { getApi, whenPanelReady } from '../helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

const STYLE = 'dynamic-simplicity';
const SESSION = '20251013-090215-7d4e2b';

suite('training panel: Console tab', function () {
  this.timeout(120_000);
  let api: TrainlabApi;

  suiteSetup(async () => {
    api = await getApi();
  });

  suiteTeardown(async () => {
    api.panels().get(STYLE)?.close();
    // Let the workbench finish closing the webview before the next suite opens one.
    await sleep(1000);
  });

  const open = async (): Promise<PanelAccess> => {
    const had = api.panels().get(STYLE);
    if (had?.isReady()) return had;
    await vscode.commands.executeCommand('trainlab.openPanel', { styleId: STYLE });
    const p = await waitFor('the panel', () => api.panels().get(STYLE));
    await whenPanelReady(p);
    return p;
  };
  const consoleMessages = (p: PanelAccess, seq: number) =>
    p.sent().filter((m): m is ConsoleSessionMessage | ConsoleDataMessage => (m.type === 'consoleSession' || m.type === 'consoleData') && m.seq === seq);

  test('a subscription to a version gets its newest session, the log lines and the metrics', async () => {
    const p = await open();
    await p.simulate({ type: 'consoleSubscribe', seq: 901, sessionId: null, versionId: 'V2' });
    const session = await waitFor('consoleSession', () => consoleMessages(p, 901).find((m): m is ConsoleSessionMessage => m.type === 'consoleSession'));
    assert.strictEqual(session.sessionId, SESSION);
    assert.ok(session.sessions.some((s) => s.id === SESSION && s.versionId === 'V2'), 'the picker lists the session');
    assert.strictEqual(session.maxLines, 10000);
    const log = await waitFor('console lines', () => consoleMessages(p, 901).find((m): m is ConsoleDataMessage => m.type === 'consoleData' && m.stream === 'console'));
    assert.strictEqual(log.reset, true);
    assert.match(log.text, /steps:\s+28%.*340\/1200/);
    const metrics = await waitFor('metrics', () => consoleMessages(p, 901).find((m): m is ConsoleDataMessage => m.type === 'consoleData' && m.stream === 'metrics'));
    assert.match(metrics.text, /"step":100/);
    await p.simulate({ type: 'consoleUnsubscribe' });
  });

  test('an unknown session gets no data; malformed subscriptions are dropped', async () => {
    const p = await open();
    await p.simulate({ type: 'consoleSubscribe', seq: 902, sessionId: '../../etc', versionId: null });
    await p.simulate({ type: 'consoleSubscribe', seq: 903, sessionId: 'no-such-session', versionId: null });
    const none = await waitFor('consoleSession', () => consoleMessages(p, 903).find((m): m is ConsoleSessionMessage => m.type === 'consoleSession'));
    assert.strictEqual(none.sessionId, null);
    await sleep(300);
    assert.strictEqual(consoleMessages(p, 902).length, 0, 'the malformed subscription was dropped');
    assert.strictEqual(consoleMessages(p, 903).filter((m) => m.type === 'consoleData').length, 0);
  });
});
