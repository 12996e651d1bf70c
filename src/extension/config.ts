import * as vscode from 'vscode';
import { DEFAULT_ROOT_NAME } from '../core/store';
import { Settings } from './ids';

/** Typed reads of the `trainlab.*` settings. */
export interface TrainlabConfig {
  /** The root folder, relative to the first workspace folder or absolute. */
  root: string;
  pollIntervalSeconds: number;
  consoleMaxLines: number;
  runpodBaseUrl: string;
  runpodEndpointId: string;
}

export const DEFAULT_RUNPOD_BASE_URL = 'https://api.runpod.ai/v2';

export function readConfig(scope?: vscode.ConfigurationScope): TrainlabConfig {
  const c = vscode.workspace.getConfiguration(Settings.section, scope);
  const root = c.get<string>('root', DEFAULT_ROOT_NAME).trim();
  return {
    root: root || DEFAULT_ROOT_NAME,
    pollIntervalSeconds: Math.max(5, c.get<number>('pollIntervalSeconds', 30)),
    consoleMaxLines: Math.max(100, c.get<number>('console.maxLines', 10000)),
    runpodBaseUrl: c.get<string>('runpod.baseUrl', DEFAULT_RUNPOD_BASE_URL) || DEFAULT_RUNPOD_BASE_URL,
    runpodEndpointId: c.get<string>('runpod.endpointId', ''),
  };
}
