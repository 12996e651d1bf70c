import type { Session } from '../model/schemas';
import type { CheckpointInfo, TrainerDefinition } from '../trainers/types';

/**
 * Checkpoints with the session's own (cumulative) step. kohya restarts its step counter at 0
 * after `--resume`, so a state folder's `current_step` counts from the start of the attempt
 * that wrote it; that attempt is the last one started before the folder was written.
 */
export function withSessionSteps(session: Pick<Session, 'attempts'>, trainer: TrainerDefinition, found: readonly CheckpointInfo[]): CheckpointInfo[] {
  if (!trainer.progress.checkpointStepsFromResume) return [...found];
  const attempts = session.attempts.map((a) => ({ start: Date.parse(a.startedAt), startStep: a.startStep }));
  return found
    .map((c) => {
      if (c.step === null || !c.createdAt) return c;
      const written = Date.parse(c.createdAt);
      const attempt = [...attempts].reverse().find((a) => a.start <= written + 1000);
      return { ...c, step: (attempt?.startStep ?? 0) + c.step };
    })
    .sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
}
