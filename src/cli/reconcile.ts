import { isFinal, type Session } from '../core/model';
import { currentRunnerRecord, reconcileSession, runnerLiveness, syncSessionLog, type LocalRuntime } from '../core/sessions';
import type { WorkspaceStore } from '../core/store';

/**
 * Reconciling as the CLI does it: the core's reconcileSession, called only once the session's
 * processes are gone (or were never seen). While they run, only the log is applied.
 *
 * Why: reconcileSession reads runner.json and then checks whether the processes live. A runner
 * that writes its exit record and exits between those two steps makes a finished session look
 * killed, and it is marked `interrupted` for good (seen in `trainlab demo`, which reconciles four
 * times a second). Here the processes are seen gone first, and a runner writes its exit record
 * before it exits, so the core then reads a record that already has it. (A core fix would
 * re-read runner.json before calling a session interrupted; this wrapper can go then.)
 */
export async function refreshSession(store: WorkspaceStore, sessionId: string, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<Session | undefined> {
  const session = store.getSession(sessionId)?.session;
  if (session && session.status === 'running' && session.backend.type === 'local') {
    const record = await currentRunnerRecord(store, session);
    if (record && !record.exit && (await runnerLiveness(record)) === 'alive') {
      await syncSessionLog(store, sessionId).catch(() => undefined);
      return store.getSession(sessionId)?.session;
    }
  }
  return reconcileSession(store, sessionId, runtime);
}

/** refreshSession for every pending or running local session of the workspace. */
export async function refreshAll(store: WorkspaceStore, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<void> {
  for (const s of store.activeSessions()) {
    if (s.backend.type === 'local' && !isFinal(s.status)) await refreshSession(store, s.id, runtime).catch(() => undefined);
  }
}
