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
