import { DEFAULT_MAX_RETRIES, DEFAULT_RUNPOD_BASE_URL, isRunPodError, type RetryInfo } from '../core/backends/runpod';
import type { Session } from '../core/model';
import { isFinal } from '../core/model';
import { connectRunPod, pollRunPodSession, type PollResult, type RunPodDeps } from '../core/sessions';
import type { WorkspaceStore } from '../core/store';
import { failure } from './errors';
import type { CliIo } from './output';

/**
 * What the CLI needs to talk to RunPod, from the environment (DESIGN.md: the key comes from
 * TRAINLAB_RUNPOD_API_KEY only and is never written to a file or a log):
 *
 * - TRAINLAB_RUNPOD_API_KEY: the API key; asked for only when a command has to call RunPod;
 * - TRAINLAB_RUNPOD_BASE_URL: the API's base URL (default RunPod's; the tests' stand-in);
 * - TRAINLAB_RUNPOD_ENDPOINT_ID: the endpoint when neither --endpoint nor the style names one;
 * - TRAINLAB_RUNPOD_EXECUTION_TIMEOUT_MINUTES, TRAINLAB_RUNPOD_TTL_HOURS: override the job
 *   policy Trainlab computes from the run (0 or unset: computed).
 */
export const RUNPOD_ENV = {
  apiKey: 'TRAINLAB_RUNPOD_API_KEY',
  baseUrl: 'TRAINLAB_RUNPOD_BASE_URL',
  endpointId: 'TRAINLAB_RUNPOD_ENDPOINT_ID',
  executionTimeoutMinutes: 'TRAINLAB_RUNPOD_EXECUTION_TIMEOUT_MINUTES',
  ttlHours: 'TRAINLAB_RUNPOD_TTL_HOURS',
} as const;


/** The settings without the key (which stays inside the deps' closure, never in a value a caller could print). */
export interface RunPodSettings {
  baseUrl: string;
  defaultEndpointId: string | undefined;
  executionTimeoutMinutes: number | undefined;
  ttlHours: number | undefined;
}

const read = (io: Pick<CliIo, 'env'>, name: string) => io.env[name]?.trim() || undefined;

/** A positive number (0 means "computed"), or a failure naming the variable. */
function amount(io: Pick<CliIo, 'env'>, name: string): number | undefined {
  const text = read(io, name);
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw failure(`${name} must be a number (0 or unset: computed from the run), not "${text}"`);
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** Everything but the key, checked: a base URL a client would refuse is refused before any session is written. */
export function runpodSettings(io: Pick<CliIo, 'env'>): RunPodSettings {
  const baseUrl = read(io, RUNPOD_ENV.baseUrl) ?? DEFAULT_RUNPOD_BASE_URL;
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw failure(`${RUNPOD_ENV.baseUrl} must be an https:// URL (http:// only for a local stand-in), not "${baseUrl}"`);
  }
  return {
    baseUrl,
    defaultEndpointId: read(io, RUNPOD_ENV.endpointId),
    executionTimeoutMinutes: amount(io, RUNPOD_ENV.executionTimeoutMinutes),
    ttlHours: amount(io, RUNPOD_ENV.ttlHours),
  };
}

export const MISSING_KEY = `${RUNPOD_ENV.apiKey} is not set: RunPod needs an API key (create one in the RunPod console under Settings → API Keys, then export ${RUNPOD_ENV.apiKey}=…)`;

export interface RunPodCliOptions {
  /** Told of each retry of an idempotent call (429, 5xx, network), so a slow backoff is not silent. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * The core's RunPodDeps from the environment. Call it only when a RunPod call is about to be
 * made: without a key it fails (exit 1) naming the variable, before any session is written —
 * the core records a session before it asks for a client, so a client that could not be built
 * there would leave a failed session behind for a mere missing setting.
 */
export function runpodDeps(io: Pick<CliIo, 'env'>, options: RunPodCliOptions = {}): RunPodDeps {
  const settings = runpodSettings(io);
  const apiKey = io.env[RUNPOD_ENV.apiKey]?.trim();
  if (!apiKey) throw failure(MISSING_KEY);
  return connectRunPod({ ...settings, apiKey, onRetry: options.onRetry });
}

/** The deps, or why there are none (for commands that still show what is on file without them). */
export function runpodDepsOrProblem(io: Pick<CliIo, 'env'>, options: RunPodCliOptions = {}): { deps: RunPodDeps; problem?: undefined } | { deps?: undefined; problem: string } {
  try {
    return { deps: runpodDeps(io, options) };
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) };
  }
}

/** Whether showing this session means asking RunPod first: a RunPod session not yet final. */
export function needsRunPodPoll(session: Session): boolean {
  return session.backend.type === 'runpod' && !isFinal(session.status);
}

/**
 * One poll of a RunPod session for a command that shows it. The session is re-read from its
 * file first: another window or CLI may have polled it since this store was loaded.
 * Errors come back as text (already redacted by the client), so one session's trouble never
 * hides the others.
 */
export async function pollForDisplay(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<{ session: Session | undefined; result?: PollResult; error?: string }> {
  const entry = store.getSession(sessionId);
  if (entry) await store.refreshPaths([entry.path]);
  try {
    const result = await pollRunPodSession(store, sessionId, deps);
    return { session: store.getSession(sessionId)?.session, result };
  } catch (e) {
    return { session: store.getSession(sessionId)?.session, error: runpodErrorText(e) };
  }
}

/** A RunPod error's message; anything else too, as one line. */
export function runpodErrorText(e: unknown): string {
  if (isRunPodError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/** A note for each retry of an idempotent call, on stderr (RunPod's reason, never a header). */
export function retryNote(io: Pick<CliIo, 'stderr'>): (info: RetryInfo) => void {
  return (info) => {
    io.stderr.write(`trainlab: RunPod ${info.route}: ${info.reason}; retry ${info.attempt} of ${DEFAULT_MAX_RETRIES} in ${(info.delayMs / 1000).toFixed(1)}s\n`);
  };
}
