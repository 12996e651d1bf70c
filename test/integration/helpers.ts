// Shared by the integration suites (bundled into each suite by esbuild).
import * as assert from 'node:assert';
import * as vscode from 'vscode';
import type { Session, Version } from '../../src/core/model';
import type { TrainlabApi } from '../../src/extension/api';
import type { Prompts } from '../../src/extension/vscode/prompts';

/** The activated extension's test API, once its index has loaded. */
export async function getApi(): Promise<TrainlabApi> {
  const ext = vscode.extensions.getExtension<TrainlabApi>('trainlab.trainlab');
  assert.ok(ext, 'extension trainlab.trainlab not found');
  const api = await ext.activate();
  await api.ready();
  return api;
}

/** Prompts that fail the test when asked: commands given all fields must not ask. */
export const noPrompts: Partial<Prompts> = {
  input: async (o) => assert.fail(`unexpected input prompt: ${o.title}`),
  pick: async (_i, o) => assert.fail(`unexpected pick: ${o.title}`),
  confirm: async (m) => assert.fail(`unexpected confirmation: ${m}`),
  saveFile: async () => assert.fail('unexpected save dialog'),
  openFile: async () => assert.fail('unexpected open dialog'),
};

/** Prompts that answer every confirmation with its first action, writing down what was asked (message and detail). */
export function confirmingPrompts(asked: string[]): Partial<Prompts> {
  return {
    ...noPrompts,
    confirm: async (message, o) => {
      asked.push(`${message} ${o.detail ?? ''}`);
      return o.actions[0];
    },
  };
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

const FINAL = ['completed', 'failed', 'cancelled', 'interrupted', 'unknown'];

/**
 * A suite's view of sessions through the API: `session(id)` (asserted to be in the index),
 * `status(id)`, and `untilStatus(id, want)`, which fails at once when the session ends in
 * another final state instead of waiting out the timeout.
 */
export function sessionsOf(api: () => TrainlabApi) {
  const status = (id: string) => api().store()?.getSession(id)?.session.status;
  const session = (id: string): Session => {
    const s = api().store()?.getSession(id)?.session;
    assert.ok(s, `session ${id} is in the index`);
    return s;
  };
  const untilStatus = (id: string, want: string, timeoutMs = 30000) =>
    waitFor(`session ${id} to be ${want} (it is ${status(id)})`, () => {
      const s = status(id);
      if (s && s !== want && FINAL.includes(s) && FINAL.includes(want)) throw new Error(`session ${id} ended ${s}, not ${want}: ${JSON.stringify(session(id).error)}`);
      return s === want;
    }, timeoutMs);
  return { status, session, untilStatus };
}

/** A version of a short demo training (40 steps, a checkpoint every 10) through trainlab.newVersion. */
export async function demoVersion(styleId: string, id: string, parameters: Record<string, unknown>, fields: { description: string; datasetId: string | null }): Promise<Version> {
  const v = (await vscode.commands.executeCommand('trainlab.newVersion', {
    styleId,
    id,
    ...fields,
    parameters: { max_train_steps: 40, save_every_n_steps: 10, step_delay_ms: 25, ...parameters },
  })) as Version | undefined;
  assert.ok(v, `version ${id} created`);
  return v;
}
