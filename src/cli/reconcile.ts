import { isFinal, type Session } from '../core/model';
import { reconcileSession, type LocalRuntime } from '../core/sessions';
import type { WorkspaceStore } from '../core/store';

/**
 * Brings a session up to date before the CLI shows it: the core's reconcileSession (which
 * applies new log output while the run lives, and settles it from the exit record or as
 * interrupted once its processes are gone).
 */
export async function refreshSession(store: WorkspaceStore, sessionId: string, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<Session | undefined> {
  return reconcileSession(store, sessionId, runtime);
}

/** refreshSession for every pending or running local session of the workspace. */
export async function refreshAll(store: WorkspaceStore, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<void> {
  for (const s of store.activeSessions()) {
    if (s.backend.type === 'local' && !isFinal(s.status)) await refreshSession(store, s.id, runtime).catch(() => undefined);
  }
}
