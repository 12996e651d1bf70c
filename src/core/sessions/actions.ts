import { isFinal, canResume, canRelaunch } from '../model/status';
import type { Session } from '../model/schemas';
import { paths, type WorkspaceStore } from '../store';
import type { CheckpointInfo } from '../trainers/types';
import { signalGroup } from '../backends/local/proc';
import { validateParameters } from '../trainers/params';
import { withSessionSteps } from './checkpoints';
import { launchContext, trainerOf } from './context';
import { SessionActionError } from './errors';
import { launchAttempt, startLocalSession } from './launch';
import { currentRunnerRecord, runnerLiveness } from './runner-record';
import type { LocalRuntime } from './runtime';
import { syncSessionLog } from './sync';

/** Cancel, resume, relaunch and extend of local sessions. */

function requireSession(store: WorkspaceStore, sessionId: string): Session {
  const s = store.getSession(sessionId)?.session;
  if (!s) throw new SessionActionError(`No session "${sessionId}".`);
  return s;
}

/** The checkpoint a resume would start from (the newest resumable one), if any. */
export async function newestCheckpoint(store: WorkspaceStore, session: Session): Promise<CheckpointInfo | undefined> {
  const style = store.getStyle(session.styleId)?.style;
  if (!style) return undefined;
  const trainer = trainerOf(store, style);
  const found = withSessionSteps(session, trainer, await trainer.findCheckpoints(paths.output(store.root, session.styleId, session.id)));
  return found.filter((c) => c.kind === 'state' || session.trainer === 'ai-toolkit' || session.trainer === 'hf-trainer').at(-1) ?? found.at(-1);
}

/** What a cancel would lose, said before it happens ("stop" must never silently throw away hours). */
export async function describeCancel(store: WorkspaceStore, sessionId: string): Promise<string> {
  requireSession(store, sessionId);
  // Up to date first, so the step and the checkpoint named agree with each other.
  await syncSessionLog(store, sessionId).catch(() => undefined);
  const session = requireSession(store, sessionId);
  const step = session.progress?.step ?? 0;
  const ckpt = await newestCheckpoint(store, session);
  if (!ckpt) return step > 0 ? `No checkpoint has been saved yet: a later run would start again from step 0 and the ${step} steps done so far are lost.` : 'No checkpoint has been saved yet.';
  const lost = ckpt.step !== null ? Math.max(0, step - ckpt.step) : null;
  return `A later resume would start from step ${ckpt.step ?? '?'} (${ckpt.path.split(/[\\/]/).pop()})${lost ? `; the ${lost} steps since then are lost` : ''}.`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Cancels a session: SIGTERM to the runner's process group (trainer included), SIGKILL after
 * the grace period. The session is marked `cancelled` first, so the exit record that follows
 * is not taken for a failure.
 */
export async function cancelSession(store: WorkspaceStore, sessionId: string, runtime: Pick<LocalRuntime, 'cancelGraceMs'>): Promise<Session> {
  const session = requireSession(store, sessionId);
  if (isFinal(session.status)) throw new SessionActionError(`Session ${sessionId} is already ${session.status}.`);
  if (session.backend.type !== 'local') throw new SessionActionError(`Session ${sessionId} does not run locally.`);
  const record = await currentRunnerRecord(store, session);
  if (record && (await runnerLiveness(record)) === 'elsewhere') throw new SessionActionError(`Session ${sessionId} runs on ${record.host}; cancel it there.`);
  await syncSessionLog(store, sessionId).catch(() => undefined);
  const cancelled = await store.updateSession(sessionId, (s) => {
    if (isFinal(s.status)) return;
    s.status = 'cancelled';
    const a = s.attempts.at(-1);
    if (a && !a.endedAt) a.endedAt = new Date().toISOString();
  });
  if (record && !record.exit) {
    signalGroup(record.runnerPid, 'SIGTERM');
    const deadline = Date.now() + runtime.cancelGraceMs;
    while (Date.now() < deadline && (await runnerLiveness(record)) === 'alive') await sleep(100);
    if ((await runnerLiveness(record)) === 'alive') signalGroup(record.runnerPid, 'SIGKILL');
    // What the trainer printed while it stopped (steps, a last save) still counts, and so does
    // how it ended, for the attempt's history.
    await syncSessionLog(store, sessionId).catch(() => undefined);
    const end = await currentRunnerRecord(store, cancelled).catch(() => undefined);
    if (end?.exit) {
      return store.updateSession(sessionId, (s) => {
        const a = s.attempts.at(-1);
        if (a && a.exitCode === null && a.signal === null) {
          a.exitCode = end.exit!.code;
          a.signal = end.exit!.signal;
        }
      });
    }
    return store.getSession(sessionId)?.session ?? cancelled;
  }
  return cancelled;
}

/**
 * Resumes from the newest checkpoint: a new attempt in the same session. Refused, with the
 * reason, when the status does not allow it, there is no checkpoint, or the dataset is gone.
 */
export async function resumeSession(store: WorkspaceStore, sessionId: string, runtime: LocalRuntime): Promise<{ session: Session; checkpoint: CheckpointInfo }> {
  const session = requireSession(store, sessionId);
  const style = store.getStyle(session.styleId)?.style;
  if (!style) throw new SessionActionError(`The style "${session.styleId}" of session ${sessionId} is missing or broken.`);
  const checkpoint = await newestCheckpoint(store, session);
  if (!canResume(session.status, checkpoint !== undefined)) {
    if (!checkpoint && (session.status === 'interrupted' || session.status === 'failed' || session.status === 'cancelled')) {
      throw new SessionActionError(`Session ${sessionId} has no checkpoint to resume from; relaunch it to start again from step 0.`);
    }
    throw new SessionActionError(`Session ${sessionId} is ${session.status}; only an interrupted, failed or cancelled session with a checkpoint can be resumed.`);
  }
  if (session.dataset?.id && !store.getDataset(session.styleId, session.dataset.id)) {
    throw new SessionActionError(`The dataset "${session.dataset.id}" of session ${sessionId} is gone (moved or deleted); a resume would train on different data.`);
  }
  const trainer = trainerOf(store, style);
  const ctx = launchContext(store, style, session, runtime);
  const spec = trainer.buildResume(ctx, checkpoint!);
  if ('error' in spec) throw new SessionActionError(`Session ${sessionId} cannot be resumed: ${spec.error}`);
  await syncSessionLog(store, sessionId).catch(() => undefined);
  const resumed = await launchAttempt(store, sessionId, spec, runtime, { resumedFrom: checkpoint!.path, startStep: checkpoint!.step ?? 0 });
  return { session: resumed, checkpoint: checkpoint! };
}

/** A new session of the same version with identical parameters (the session's own snapshot). */
export async function relaunchSession(store: WorkspaceStore, sessionId: string, runtime: LocalRuntime): Promise<Session> {
  const session = requireSession(store, sessionId);
  if (!canRelaunch(session.status)) throw new SessionActionError(`Session ${sessionId} is still ${session.status}; relaunch it once it has ended (or cancel it first).`);
  return startLocalSession(store, { styleId: session.styleId, versionId: session.versionId, parameters: session.parameters, origin: { type: 'relaunch', parentSessionId: session.id } }, runtime);
}

/**
 * Extends a completed session: a new session of the same version with `max_train_steps`
 * raised by `steps`, whose first attempt starts from the parent's newest state (not from zero).
 */
export async function extendSession(store: WorkspaceStore, sessionId: string, steps: number, runtime: LocalRuntime): Promise<{ session: Session; checkpoint: CheckpointInfo }> {
  const parent = requireSession(store, sessionId);
  if (!Number.isInteger(steps) || steps < 1) throw new SessionActionError(`Extend needs a whole number of steps of at least 1, not ${steps}.`);
  if (parent.status !== 'completed') throw new SessionActionError(`Session ${sessionId} is ${parent.status}; only a completed session can be extended (resume or relaunch the others).`);
  const style = store.getStyle(parent.styleId)?.style;
  if (!style) throw new SessionActionError(`The style "${parent.styleId}" of session ${sessionId} is missing or broken.`);
  const trainer = trainerOf(store, style);
  if (!trainer.canExtend) throw new SessionActionError(`The ${trainer.label} trainer cannot continue a finished run; relaunch with more steps instead.`);
  const checkpoint = withSessionSteps(parent, trainer, await trainer.findCheckpoints(paths.output(store.root, parent.styleId, parent.id))).filter((c) => c.kind === 'state').at(-1);
  if (!checkpoint) throw new SessionActionError(`Session ${sessionId} left no state to continue from (was it run with state saving?); relaunch with more steps instead.`);
  const before = typeof parent.parameters.max_train_steps === 'number' ? parent.parameters.max_train_steps : (parent.progress?.totalSteps ?? checkpoint.step ?? 0);
  const parameters = { ...parent.parameters, max_train_steps: before + steps };
  const problems = validateParameters(trainer.params, parameters).map((e) => `${e.key}: ${e.message}`);
  if (problems.length) throw new SessionActionError(`Session ${sessionId} cannot be extended by ${steps} steps:`, problems);
  const session = await store.createSession({
    styleId: parent.styleId,
    versionId: parent.versionId,
    backend: { type: 'local', command: [] },
    trainer: trainer.name,
    parameters,
    dataset: parent.dataset,
    status: 'pending',
    origin: { type: 'extend', parentSessionId: parent.id },
  });
  const spec = trainer.buildResume(launchContext(store, style, session, runtime), checkpoint);
  if ('error' in spec) {
    await store.updateSession(session.id, (s) => {
      s.status = 'failed';
      s.error = { message: spec.error, where: 'launch' };
    });
    throw new SessionActionError(`Session ${sessionId} cannot be extended: ${spec.error}`);
  }
  const started = await launchAttempt(store, session.id, spec, runtime, { resumedFrom: checkpoint.path, startStep: checkpoint.step ?? 0 });
  return { session: started, checkpoint };
}
