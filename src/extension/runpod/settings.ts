/**
 * The RunPod settings as the extension reads them (the key is not one: secrets.ts holds it;
 * the core's connectRunPod makes the deps from both). No `vscode` import.
 */

/** The RunPod settings in force (never the key). */
export interface RunPodSettings {
  baseUrl: string;
  /** `trainlab.runpod.endpointId`; empty when not set. */
  defaultEndpointId: string;
  /** 0: computed from the run. */
  executionTimeoutMinutes: number;
  /** 0: computed from the run. */
  ttlHours: number;
  pollIntervalSeconds: number;
}

/** What `WorkspaceConfiguration.inspect` tells of one setting (the parts used here). */
export interface Inspected<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The value of a restricted setting (package.json `restrictedConfigurations`): in an untrusted
 * workspace only the user's own value counts, so a workspace cannot send the API key to a
 * server of its choosing by setting `trainlab.runpod.baseUrl`.
 */
export function restrictedValue<T>(inspected: Inspected<T> | undefined, trusted: boolean, fallback: T): T {
  if (!inspected) return fallback;
  const user = inspected.globalValue ?? inspected.defaultValue ?? fallback;
  if (!trusted) return user;
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? user;
}

/** A number setting that is 0 (computed) or positive; anything else counts as 0. */
export function amountSetting(value: unknown, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, max) : 0;
}

/** Why the base URL cannot be used, or undefined. Checked before a session is written (the core asks for a client only after). */
export function baseUrlProblem(baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `trainlab.runpod.baseUrl is not a URL: "${baseUrl}".`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `trainlab.runpod.baseUrl must start with https:// (http:// only for a local stand-in), not "${baseUrl}".`;
  return undefined;
}

/** Settings that make the same deps (the key is compared by the caller). */
export function sameSettings(a: RunPodSettings, b: RunPodSettings): boolean {
  return a.baseUrl === b.baseUrl && a.defaultEndpointId === b.defaultEndpointId && a.executionTimeoutMinutes === b.executionTimeoutMinutes && a.ttlHours === b.ttlHours;
}

export const MISSING_KEY = 'No RunPod API key is set: run "Trainlab: Set RunPod API Key" (create a key in the RunPod console under Settings → API Keys).';
