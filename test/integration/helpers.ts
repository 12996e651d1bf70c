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
