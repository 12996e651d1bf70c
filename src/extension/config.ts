import * as vscode from 'vscode';
import { DEFAULT_ROOT_NAME } from '../core/store';
import { Settings } from './ids';
import { DEFAULT_RUNPOD_BASE_URL } from '../core/backends/runpod';
import { amountSetting, restrictedValue, type RunPodSettings } from './runpod/settings';

/** Typed reads of the `trainlab.*` settings. */
export interface TrainlabConfig {
  /** The root folder, relative to the first workspace folder or absolute. */
  root: string;
  consoleMaxLines: number;
  /** The RunPod base URL is not here: it is restricted, read with readRunPodSettings (trust-aware). */
  runpodEndpointId: string;
  /** Programs and checkouts the trainers need (machine-scoped; empty = not set). */
  python: string;
  accelerate: string;
  kohyaSdScriptsDir: string;
  aiToolkitDir: string;
  /** After SIGTERM, how long a cancel waits before SIGKILL. */
  cancelGraceSeconds: number;
}

export const DEFAULT_CANCEL_GRACE_SECONDS = 15;

export function readConfig(scope?: vscode.ConfigurationScope): TrainlabConfig {
  const c = vscode.workspace.getConfiguration(Settings.section, scope);
  const root = c.get<string>('root', DEFAULT_ROOT_NAME).trim();
  const text = (key: string) => (c.get<string>(key, '') ?? '').trim();
  const grace = c.get<number>('cancelGraceSeconds', DEFAULT_CANCEL_GRACE_SECONDS);
  return {
    root: root || DEFAULT_ROOT_NAME,
    consoleMaxLines: Math.max(100, c.get<number>('console.maxLines', 10000)),
    runpodEndpointId: c.get<string>('runpod.endpointId', ''),
    python: text('python'),
    accelerate: text('accelerate'),
    kohyaSdScriptsDir: text('kohya.sdScriptsDir'),
    aiToolkitDir: text('aiToolkit.dir'),
    cancelGraceSeconds: Number.isFinite(grace) ? Math.min(600, Math.max(1, grace)) : DEFAULT_CANCEL_GRACE_SECONDS,
  };
}

/**
 * The RunPod settings in force. `trainlab.runpod.baseUrl` is restricted: an untrusted workspace
 * (`trusted` false, the extension's own answer, which tests may override) cannot set it.
 */
export function readRunPodSettings(trusted: boolean, scope?: vscode.ConfigurationScope): RunPodSettings {
  const c = vscode.workspace.getConfiguration(Settings.section, scope);
  const baseUrl = restrictedValue(c.inspect<string>('runpod.baseUrl'), trusted, DEFAULT_RUNPOD_BASE_URL);
  return {
    baseUrl: (typeof baseUrl === 'string' && baseUrl.trim()) || DEFAULT_RUNPOD_BASE_URL,
    defaultEndpointId: (c.get<string>('runpod.endpointId', '') ?? '').trim(),
    executionTimeoutMinutes: amountSetting(c.get<number>('runpod.executionTimeoutMinutes', 0), 7 * 24 * 60),
    ttlHours: amountSetting(c.get<number>('runpod.ttlHours', 0), 7 * 24),
    pollIntervalSeconds: pollSeconds(c.get<number>('pollIntervalSeconds', 30)),
  };
}

function pollSeconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(3600, Math.max(5, value)) : 30;
}
