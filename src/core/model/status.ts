import { z } from 'zod';

/** Statuses a session can have (DESIGN.md "Status lifecycle"). */
export const SESSION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'unknown'] as const;
/** A version is `draft` until its first session; after that it mirrors its newest session. */
export const VERSION_STATUSES = ['draft', ...SESSION_STATUSES] as const;

export const sessionStatusSchema = z.enum(SESSION_STATUSES);
export const versionStatusSchema = z.enum(VERSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatusSchema>;
export type VersionStatus = z.infer<typeof versionStatusSchema>;

export const FINAL_STATUSES: ReadonlySet<SessionStatus> = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'unknown']);

export function isFinal(status: VersionStatus): boolean {
  return FINAL_STATUSES.has(status as SessionStatus);
}

/** Non-final sessions are the ones someone must keep watching (the "Active Sessions" view). */
export function isActive(status: VersionStatus): boolean {
  return status === 'pending' || status === 'running';
}

/**
 * The one place that says which transitions exist. `running → running` is allowed so that a
 * progress update is not mistaken for a transition; a final state is left only by a resume
 * (a new attempt: `→ pending`/`running`) and only from the states that allow a resume.
 */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  pending: ['pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'unknown'],
  running: ['running', 'completed', 'failed', 'cancelled', 'interrupted', 'unknown'],
  completed: ['completed'],
  failed: ['failed', 'pending', 'running'],
  cancelled: ['cancelled', 'pending', 'running'],
  interrupted: ['interrupted', 'pending', 'running', 'completed', 'failed'],
  // A remote job the service forgot can still be found again (e.g. a late webhook/status).
  unknown: ['unknown', 'completed', 'failed', 'cancelled', 'interrupted'],
};

export class TransitionError extends Error {
  constructor(readonly from: SessionStatus, readonly to: SessionStatus) {
    super(`A session cannot go from "${from}" to "${to}".`);
    this.name = 'TransitionError';
  }
}

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: SessionStatus, to: SessionStatus): void {
  if (!canTransition(from, to)) throw new TransitionError(from, to);
}

/** Resume continues a session from its newest checkpoint. */
export function canResume(status: SessionStatus, hasCheckpoint: boolean): boolean {
  return hasCheckpoint && (status === 'interrupted' || status === 'failed' || status === 'cancelled');
}

/** Relaunch starts a new session with identical parameters, from any final state. */
export function canRelaunch(status: SessionStatus): boolean {
  return FINAL_STATUSES.has(status);
}
