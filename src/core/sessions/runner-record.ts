import { hostname } from 'node:os';
import { parseFileText } from '../model/parse';
import type { RunnerRecord, Session } from '../model/schemas';
import { isSameProcessAlive } from '../backends/local/proc';
import { readWorkspaceFile } from '../store/fileio';
import { paths, type WorkspaceStore } from '../store';

/**
 * The runner record of the session's current attempt, read fresh from disk (the index may
 * lag). A record of an earlier attempt is ignored.
 */
export async function currentRunnerRecord(store: WorkspaceStore, session: Session): Promise<RunnerRecord | undefined> {
  const path = paths.runner(store.root, session.styleId, session.id);
  const read = await readWorkspaceFile(store.root, path, store.root);
  if (!read.ok) return undefined;
  const parsed = parseFileText('runner', path, read.text);
  if (!parsed.ok) return undefined;
  // Each runner is told which attempt it runs; an older record is not the current attempt's.
  if (parsed.value.attempt !== null && parsed.value.attempt !== session.attempts.length) return undefined;
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
