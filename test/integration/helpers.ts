// Shared by the integration suites (bundled into each suite by esbuild).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { TrainlabApi } from '../../src/extension/api';

/** The activated extension's test API, once its index has loaded. */
export async function getApi(): Promise<TrainlabApi> {
  const ext = vscode.extensions.getExtension<TrainlabApi>('trainlab.trainlab');
  assert.ok(ext, 'extension trainlab.trainlab not found');
  const api = await ext.activate();
  await api.ready();
  return api;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something truthy; fails naming `what` after the timeout. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Waits for a panel's page to say it is ready. Generous: in the harness's code-server a webview
 * created right after another one closed can take a reload or a new panel (the host's watchdog,
 * 8 s each) before it loads.
 */
export async function whenPanelReady(p: { whenReady(): Promise<void> }, timeoutMs = 60_000): Promise<void> {
  await Promise.race([p.whenReady(), sleep(timeoutMs).then(() => assert.fail(`the webview never said it was ready (${timeoutMs / 1000} s)`))]);
}
