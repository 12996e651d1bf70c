import { hostname } from 'node:os';
import { parseFileText } from '../model/parse';
import type { RunnerRecord, Session } from '../model/schemas';
import { isSameProcessAlive } from '../backends/local/proc';
import { readWorkspaceFile } from '../store/fileio';
import { paths, type WorkspaceStore } from '../store';

/** Clock skew and write delay tolerated between an attempt's start and its runner's record. */
const SAME_ATTEMPT_SLACK_MS = 5_000;

/**
 * The runner record of the session's current attempt, read fresh from disk (the index may
 * lag). A record older than the attempt belongs to an earlier attempt and is ignored.
 */
export async function currentRunnerRecord(store: WorkspaceStore, session: Session): Promise<RunnerRecord | undefined> {
  const path = paths.runner(store.root, session.styleId, session.id);
  const read = await readWorkspaceFile(store.root, path, store.root);
  if (!read.ok) return undefined;
  const parsed = parseFileText('runner', path, read.text);
  if (!parsed.ok) return undefined;
  const attempt = session.attempts[session.attempts.length - 1];
  if (attempt && Date.parse(parsed.value.startedAt) < Date.parse(attempt.startedAt) - SAME_ATTEMPT_SLACK_MS) return undefined;
  return parsed.value;
}

export type Liveness = 'alive' | 'gone' | 'elsewhere';

/** Whether the trainer (or at least its runner) of this record still runs on this machine. */
export async function runnerLiveness(record: RunnerRecord): Promise<Liveness> {
  if (record.host !== hostname()) return 'elsewhere';
  if (await isSameProcessAlive(record.trainerPid, record.trainerStartTime)) return 'alive';
  if (!record.exit && (await isSameProcessAlive(record.runnerPid, record.runnerStartTime))) return 'alive';
  return 'gone';
}
