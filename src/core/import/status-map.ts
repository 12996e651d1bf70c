import type { SessionStatus, VersionStatus } from '../model';

/**
 * Other tools' words for a run's state, mapped onto Trainlab's lifecycle (DESIGN.md "Status
 * lifecycle"). Readers with more context (FluxGym's "stopped", LLMTool's stale "pending")
 * refine the result themselves.
 */
const WORDS: Record<string, VersionStatus> = {
  draft: 'draft',
  new: 'draft',
  pending: 'pending',
  queued: 'pending',
  in_queue: 'pending',
  waiting: 'pending',
  created: 'pending',
  starting: 'pending',
  initializing: 'pending',
  running: 'running',
  training: 'running', // seed 002: "training" means running
  in_progress: 'running',
  started: 'running',
  resuming: 'running',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  finished: 'completed',
  success: 'completed',
  succeeded: 'completed',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  errored: 'failed',
  crashed: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  aborted: 'cancelled',
  killed: 'cancelled',
  interrupted: 'interrupted',
  stopped: 'interrupted',
  paused: 'interrupted',
  timed_out: 'interrupted', // a remote job that timed out (DESIGN.md)
  timeout: 'interrupted',
  unknown: 'unknown',
};

export interface MappedStatus {
  status: VersionStatus;
  /** False when the word was not one we know; the status is then `unknown` and the word is kept. */
  recognised: boolean;
}

/** Case- and separator-insensitive: "IN_PROGRESS", "in-progress" and "In Progress" are one word. */
export function mapStatus(raw: unknown): MappedStatus {
  if (typeof raw !== 'string' || raw.trim() === '') return { status: 'unknown', recognised: false };
  const word = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const status = Object.hasOwn(WORDS, word) ? WORDS[word] : undefined;
  return status ? { status, recognised: true } : { status: 'unknown', recognised: false };
}

/** For a session a `draft` makes no sense (a draft has no run): it becomes `pending`. */
export function sessionStatusOf(status: VersionStatus): SessionStatus {
  return status === 'draft' ? 'pending' : status;
}
