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
  /** Programs and checkouts the trainers need (machine-scoped; empty = not set). */
  python: string;
  accelerate: string;
  kohyaSdScriptsDir: string;
  aiToolkitDir: string;
  /** After SIGTERM, how long a cancel waits before SIGKILL. */
  cancelGraceSeconds: number;
}

export const DEFAULT_RUNPOD_BASE_URL = 'https://api.runpod.ai/v2';
export const DEFAULT_CANCEL_GRACE_SECONDS = 15;

export function readConfig(scope?: vscode.ConfigurationScope): TrainlabConfig {
  const c = vscode.workspace.getConfiguration(Settings.section, scope);
  const root = c.get<string>('root', DEFAULT_ROOT_NAME).trim();
  const text = (key: string) => (c.get<string>(key, '') ?? '').trim();
  const grace = c.get<number>('cancelGraceSeconds', DEFAULT_CANCEL_GRACE_SECONDS);
  return {
    root: root || DEFAULT_ROOT_NAME,
    pollIntervalSeconds: Math.max(5, c.get<number>('pollIntervalSeconds', 30)),
    consoleMaxLines: Math.max(100, c.get<number>('console.maxLines', 10000)),
    runpodBaseUrl: c.get<string>('runpod.baseUrl', DEFAULT_RUNPOD_BASE_URL) || DEFAULT_RUNPOD_BASE_URL,
    runpodEndpointId: c.get<string>('runpod.endpointId', ''),
    python: text('python'),
    accelerate: text('accelerate'),
    kohyaSdScriptsDir: text('kohya.sdScriptsDir'),
    aiToolkitDir: text('aiToolkit.dir'),
    cancelGraceSeconds: Number.isFinite(grace) ? Math.min(600, Math.max(1, grace)) : DEFAULT_CANCEL_GRACE_SECONDS,
  };
}
