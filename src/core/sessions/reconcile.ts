import { readLastLines } from '../logs/read';
import { isErrorLine } from '../logs/parsers';
import { isFinal } from '../model/status';
import type { Session } from '../model/schemas';
import { paths, type WorkspaceStore } from '../store';
import { currentRunnerRecord, runnerLiveness } from './runner-record';
import type { LocalRuntime } from './runtime';
import { syncSessionLog } from './sync';

/**
 * Brings a non-final local session in line with reality: a session whose runner is gone
 * becomes `completed` or `failed` from the exit record, or `interrupted` without one. Run on
 * activation, on every CLI command that shows sessions, and on a timer. No zombie "running".
 */
export async function reconcileSession(store: WorkspaceStore, sessionId: string, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<Session | undefined> {
  const entry = store.getSession(sessionId);
  if (!entry || isFinal(entry.session.status) || entry.session.backend.type !== 'local') return entry?.session;
  const session = entry.session;
  await syncSessionLog(store, sessionId).catch(() => undefined);
  const attempt = session.attempts[session.attempts.length - 1];
  const record = await currentRunnerRecord(store, session);
  const now = Date.now();

  if (!record) {
    const since = attempt ? Date.parse(attempt.startedAt) : Date.parse(session.createdAt);
    if (now - since < runtime.startTimeoutMs) return session; // the runner may still be starting
    return finish(store, sessionId, { status: 'interrupted', error: 'the training process never reported that it started', exitCode: null, signal: null });
  }
  if (record.exit) {
    // The trainer has ended, so its log is complete now: take in its last lines before the
    // session becomes final (a final session's log is not looked at again).
    await syncSessionLog(store, sessionId).catch(() => undefined);
    const ok = record.exit.code === 0 && !record.exit.signal;
    const how = record.exit.signal ? `was ended by ${record.exit.signal}` : `exited with code ${record.exit.code}`;
    const error = ok ? null : `the trainer ${how}${await lastErrorLines(store, session)}`;
    return finish(store, sessionId, { status: ok ? 'completed' : 'failed', error, exitCode: record.exit.code, signal: record.exit.signal, endedAt: record.exit.endedAt });
  }
  const liveness = await runnerLiveness(record);
  if (liveness === 'gone') {
    // The runner writes its exit record just before it exits: if it ended between our read
    // and the liveness check, the record now says how. Never call a finished run interrupted.
    const again = await currentRunnerRecord(store, session);
    if (again?.exit) return reconcileSession(store, sessionId, runtime);
  }
  if (liveness === 'alive') {
    if (session.status === 'pending') return store.updateSession(sessionId, (s) => { s.status = 'running'; });
    return store.getSession(sessionId)?.session;
  }
  if (liveness === 'elsewhere') return session; // another machine's run: only that machine can tell
  await syncSessionLog(store, sessionId).catch(() => undefined);
  return finish(store, sessionId, { status: 'interrupted', error: 'the training process stopped without an exit record (killed, or the machine restarted)', exitCode: null, signal: null });
}

async function lastErrorLines(store: WorkspaceStore, session: Session): Promise<string> {
  try {
    const { lines } = await readLastLines(paths.consoleLog(store.root, session.styleId, session.id), 200);
    const errors = lines.filter(isErrorLine).slice(-3);
    return errors.length ? `: ${errors.join(' | ')}` : '';
  } catch {
    return '';
  }
}

async function finish(
  store: WorkspaceStore,
  sessionId: string,
  end: { status: Session['status']; error: string | null; exitCode: number | null; signal: string | null; endedAt?: string },
): Promise<Session> {
  return store.updateSession(sessionId, async (s) => {
    if (isFinal(s.status)) return; // someone (a cancel, another window) got there first
    s.status = end.status;
    const a = s.attempts[s.attempts.length - 1];
    if (a) {
      a.endedAt = a.endedAt ?? end.endedAt ?? new Date().toISOString();
      a.exitCode = end.exitCode;
      a.signal = end.signal;
    }
    if (end.error) s.error = { message: end.error, where: end.status === 'interrupted' ? 'process' : 'trainer' };
    if (s.progress && end.status === 'completed') s.progress.etaSeconds = 0;
  });
}

/** Reconciles every non-final local session of the workspace. */
export async function reconcileAll(store: WorkspaceStore, runtime: Pick<LocalRuntime, 'startTimeoutMs'>): Promise<void> {
  for (const s of store.activeSessions()) {
    if (s.backend.type === 'local') await reconcileSession(store, s.id, runtime).catch(() => undefined);
  }
}
