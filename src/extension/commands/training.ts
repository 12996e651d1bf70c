import * as vscode from 'vscode';
import { canRelaunch, isActive, isFinal, type Session } from '../../core/model';
import {
  backendChoice,
  canRetryOnRunPod,
  cancelRunPodSession,
  cancelSession,
  describeCancel,
  extendSession,
  relaunchRunPodSession,
  relaunchSession,
  resumeRunPodSession,
  resumeSession,
  retryRunPodSession,
  runpodBackendOf,
  startLocalSession,
  startRunPodSession,
} from '../../core/sessions';
import type { WorkspaceStore } from '../../core/store';
import { findTrainer, type CheckpointInfo } from '../../core/trainers';
import { Commands } from '../ids';
import { stepText, type TrainingEntry } from '../training/format';
import { formatDate, sessionProgress, STATUS_ICONS, STATUS_LABELS } from '../tree/format';
import { describeRunPodCancel, runpodStatusLine } from '../runpod/format';
import { SET_KEY_ACTION } from '../runpod/watch';
import { showWithActions } from '../vscode/messages';
import { CancelArgs, ExtendArgs, fieldsOf, isInteractive, parseSteps, sessionRefOf, UserError, versionRefOf } from './args';
import { answered, getStyleOrThrow, getVersionOrThrow, requireStore, type CommandServices } from './services';
import { resolveVersion } from './versions';

/**
 * The training commands: start, check, cancel, resume, relaunch, extend, show logs, and the
 * list behind the status bar item. Each takes a tree row or `{ styleId, versionId }` /
 * `{ sessionId }` and returns what it did; the core refuses (SessionActionError) with the
 * reasons, which the command runner shows.
 */

/** Refuses, saying why, when the workspace is not trusted. */
function requireTrusted(svc: CommandServices, what: string): void {
  if (svc.trusted()) return;
  throw new UserError(
    `Trainlab does not ${what} in an untrusted workspace: training runs programs that this workspace's files name, and stops processes its files point at. Trust the workspace (Workspaces: Manage Workspace Trust) to train here.`,
  );
}

function entryOrThrow(svc: CommandServices, sessionId: string): TrainingEntry {
  const e = svc.training().entry(sessionId);
  if (!e) throw new UserError(`No session "${sessionId}".`);
  return e;
}

/**
 * The session a command acts on: `{ sessionId }` or a session row; a version (row or ids) means
 * its newest session; otherwise one is picked among those `allowed`.
 */
async function resolveSession(svc: CommandServices, store: WorkspaceStore, arg: unknown, title: string, allowed: (s: Session) => boolean, none: string): Promise<Session> {
  const ref = sessionRefOf(arg);
  if (ref) return entryOrThrow(svc, ref.sessionId).session;
  const v = versionRefOf(arg);
  if (v) {
    const version = getVersionOrThrow(store, v.styleId, v.versionId);
    const newest = store.newestSession(v.styleId, v.versionId);
    if (!newest) throw new UserError(`${version.name} of "${v.styleId}" has no sessions yet.`);
    return newest;
  }
  const candidates = store.listSessions({ limit: 200 }).filter(allowed);
  if (!candidates.length) throw new UserError(none);
  return answered(
    svc.prompts().pick(
      candidates.map((s) => {
        const e = svc.training().entry(s.id);
        return {
          label: e?.title ?? `${s.styleId} / ${s.versionId}`,
          description: sessionProgress(s),
          detail: `${formatDate(s.createdAt)} • ${s.id}`,
          value: s,
          iconId: STATUS_ICONS[s.status].id.replace('~spin', ''),
        };
      }),
      { title, placeHolder: 'Pick a session' },
    ),
  );
}

const isLocal = (s: Session) => s.backend.type === 'local';
const isRunPod = (s: Session) => s.backend.type === 'runpod';

/** Opens a session's terminal without taking the focus (after a launch). */
function showTerminal(svc: CommandServices, session: Session, fromStart: boolean): vscode.Terminal {
  return svc.training().terminals.show(session, { preserveFocus: true, fromStart });
}

/** trainlab.startTraining `{ styleId, versionId }`: validates, creates the session, launches it, opens its terminal. */
export async function startTraining(svc: CommandServices, arg: unknown): Promise<Session> {
  requireTrusted(svc, 'start training');
  const store = await requireStore(svc);
  const v = await resolveVersion(svc, store, arg, 'Start Training');
  const training = svc.training();
  if (backendChoice(getStyleOrThrow(store, v.styleId), v) === 'runpod') return startOnRunPod(svc, store, v);
  const session = await startLocalSession(store, { styleId: v.styleId, versionId: v.id }, training.runtime());
  svc.log.info(`Started ${v.styleId}/${v.id}: session ${session.id}`);
  showTerminal(svc, session, true);
  training.monitor.kick();
  return session;
}

/**
 * Start of a version that runs on RunPod (its own or its style's choice): checked, recorded,
 * then one `/run`; the session's terminal shows what the worker streams as it is polled.
 */
async function startOnRunPod(svc: CommandServices, store: WorkspaceStore, v: { styleId: string; id: string }): Promise<Session> {
  const runpod = svc.runpod();
  const deps = await runpod.requireDeps();
  const session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Submitting ${v.styleId}/${v.id} to RunPod…` }, () =>
    startRunPodSession(store, { styleId: v.styleId, versionId: v.id }, deps),
  );
  const b = runpodBackendOf(session);
  svc.log.info(`Started ${v.styleId}/${v.id} on RunPod endpoint ${b?.endpointId ?? '?'}: session ${session.id}, job ${b?.jobId ?? '?'}`);
  showTerminal(svc, session, true);
  return session;
}

/** trainlab.checkStatus `{ sessionId }`: reconciles and syncs the session now and says where it is. */
export async function checkStatus(svc: CommandServices, arg: unknown): Promise<Session> {
  const store = await requireStore(svc);
  const s = await resolveSession(svc, store, arg, 'Check Status', () => true, 'There are no sessions yet.');
  const checked = (await svc.training().monitor.check(s.id)) ?? s;
  const e = svc.training().entry(s.id);
  let remote = '';
  let noKey = false;
  if (isRunPod(checked)) {
    remote = ` — ${runpodStatusLine(checked)}`;
    const problem = svc.runpod().lastProblem(s.id);
    if (problem) remote += `; RunPod did not answer: ${problem.message}`;
    else if (!svc.runpod().following && !isFinal(checked.status)) {
      noKey = true;
      remote += ' (not asked: no RunPod API key is set)';
    }
  }
  const message = `${e?.title ?? s.id}: ${sessionProgress(checked)}${checked.error && isFinal(checked.status) ? ` — ${checked.error.message}` : ''}${remote}`;
  svc.log.info(`Check status: ${message}`);
  if (noKey) showWithActions('warning', message, [SET_KEY_ACTION]);
  else void vscode.window.showInformationMessage(message);
  return checked;
}

export const STOP_TRAINING = 'Stop Training';
export const KEEP_TRAINING = 'Keep Training';

/**
 * trainlab.cancel `{ sessionId, confirm?: true }`: a modal says what a cancel loses (the
 * newest checkpoint) unless `confirm` is given; then SIGTERM to the training, SIGKILL after
 * `trainlab.cancelGraceSeconds` — or, on RunPod, `/cancel` of its job.
 */
export async function cancel(svc: CommandServices, arg: unknown): Promise<Session> {
  const a = fieldsOf(Commands.cancel, CancelArgs, arg);
  requireTrusted(svc, 'stop training processes');
  const store = await requireStore(svc);
  const s = await resolveSession(svc, store, arg, 'Cancel Training', (x) => isActive(x.status), 'No training is running.');
  const e = entryOrThrow(svc, s.id);
  if (!isActive(s.status)) throw new UserError(`${e.title} is not running (it is ${s.status}).`);
  // Without a key nothing could be cancelled: say so before asking.
  const deps = isRunPod(s) ? await svc.runpod().requireDeps() : undefined;
  if (a.confirm !== true) {
    const loses = isRunPod(s) ? describeRunPodCancel(s) : await describeCancel(store, s.id);
    const where = stepText(s);
    await answered(
      svc.prompts().confirm('Cancel this training?', {
        detail: `${e.title}${where ? ` is at step ${where}` : ''}. ${loses}`,
        actions: [STOP_TRAINING],
        cancelLabel: KEEP_TRAINING,
      }),
    );
  }
  const runtime = svc.training().runtime();
  const cancelled = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Cancelling ${e.title}…` },
    () => (deps ? cancelRunPodSession(store, s.id, deps) : cancelSession(store, s.id, runtime)),
  );
  svc.log.info(`Cancelled ${s.styleId}/${s.versionId} session ${s.id}`);
  return cancelled;
}

/** trainlab.resume `{ sessionId }`: a new attempt from the newest checkpoint; says which. */
export async function resume(svc: CommandServices, arg: unknown): Promise<{ session: Session; checkpoint: CheckpointInfo }> {
  requireTrusted(svc, 'resume training');
  const store = await requireStore(svc);
  const s = await resolveSession(
    svc,
    store,
    arg,
    'Resume Training',
    (x) => ['interrupted', 'failed', 'cancelled'].includes(x.status),
    'No interrupted, failed or cancelled session to resume.',
  );
  const e = entryOrThrow(svc, s.id);
  const training = svc.training();
  if (isRunPod(s)) return resumeOnRunPod(svc, store, s, e);
  const result = await resumeSession(store, s.id, training.runtime());
  const name = result.checkpoint.path.split(/[\\/]/).pop();
  const message = `Resumed ${e.title} from step ${result.checkpoint.step ?? '?'} (${name}).`;
  svc.log.info(message);
  void vscode.window.showInformationMessage(message);
  showTerminal(svc, result.session, false);
  training.monitor.kick();
  return result;
}

/** Resume on RunPod: a new job from the newest checkpoint the worker reported, in the same session. */
async function resumeOnRunPod(svc: CommandServices, store: WorkspaceStore, s: Session, e: TrainingEntry): Promise<{ session: Session; checkpoint: CheckpointInfo }> {
  const deps = await svc.runpod().requireDeps();
  const from = runpodBackendOf(s)?.checkpoint;
  const session = await resumeRunPodSession(store, s.id, deps);
  const checkpoint: CheckpointInfo = { path: from?.ref ?? '', step: from?.step ?? null, epoch: null, kind: 'state', createdAt: null };
  const message = `Resumed ${e.title} on RunPod from step ${checkpoint.step ?? '?'} (the worker's checkpoint).`;
  svc.log.info(`${message} Session ${s.id}, job ${runpodBackendOf(session)?.jobId ?? '?'}`);
  void vscode.window.showInformationMessage(message);
  showTerminal(svc, session, false);
  return { session, checkpoint };
}

/**
 * trainlab.retryOnRunPod `{ sessionId }` or a version (its newest session): RunPod's own Retry
 * — the same job runs again — for a job RunPod reported FAILED or TIMED_OUT, within the time
 * RunPod keeps it. The session gets a new attempt; the core refuses, saying why, otherwise.
 */
export async function retryOnRunPod(svc: CommandServices, arg: unknown): Promise<Session> {
  requireTrusted(svc, 'start training');
  const store = await requireStore(svc);
  const s = await resolveSession(svc, store, arg, 'Retry on RunPod', canRetryOnRunPod, 'No RunPod job that failed or timed out to retry.');
  const e = entryOrThrow(svc, s.id);
  if (!isRunPod(s)) throw new UserError(`${e.title} did not run on RunPod: Relaunch starts it again.`);
  const deps = await svc.runpod().requireDeps();
  const session = await retryRunPodSession(store, s.id, deps);
  svc.log.info(`RunPod Retry of ${s.id} (job ${runpodBackendOf(session)?.jobId ?? '?'})`);
  if (isInteractive(arg)) void vscode.window.showInformationMessage(`${e.title}: RunPod runs the same job again.`);
  showTerminal(svc, session, false);
  return session;
}

/** trainlab.relaunch `{ sessionId }`: a new session of the same version with the session's parameters. */
export async function relaunch(svc: CommandServices, arg: unknown): Promise<Session> {
  requireTrusted(svc, 'start training');
  const store = await requireStore(svc);
  const s = await resolveSession(svc, store, arg, 'Relaunch Training', (x) => canRelaunch(x.status), 'No finished session to relaunch.');
  const training = svc.training();
  if (isRunPod(s)) {
    const session = await relaunchRunPodSession(store, s.id, await svc.runpod().requireDeps());
    svc.log.info(`Relaunched ${s.id} on RunPod as ${session.id}`);
    showTerminal(svc, session, true);
    return session;
  }
  const session = await relaunchSession(store, s.id, training.runtime());
  svc.log.info(`Relaunched ${s.id} as ${session.id}`);
  showTerminal(svc, session, true);
  training.monitor.kick();
  return session;
}

function maxSteps(s: Session): number | undefined {
  const v = s.parameters.max_train_steps;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  return s.progress?.totalSteps ?? undefined;
}

/**
 * trainlab.extend `{ sessionId, steps? }`: N more steps of a completed session: a new session of
 * the same version with `max_train_steps` raised by N, continuing from the finished session's
 * last state (not from step 0).
 */
export async function extend(svc: CommandServices, arg: unknown): Promise<Session> {
  const a = fieldsOf(Commands.extend, ExtendArgs, arg);
  requireTrusted(svc, 'start training');
  const store = await requireStore(svc);
  const canExtend = (x: Session) => {
    const trainer = findTrainer(x.trainer ?? store.getStyle(x.styleId)?.style.trainer ?? '', store.listTrainerProfiles());
    return !!trainer?.canExtend;
  };
  const s = await resolveSession(svc, store, arg, 'Extend Training', (x) => isLocal(x) && x.status === 'completed' && canExtend(x), 'No completed local session whose trainer can be extended.');
  const e = entryOrThrow(svc, s.id);
  if (s.status !== 'completed') throw new UserError(`Only a completed session can be extended; ${e.title} is ${s.status}.`);
  if (!isLocal(s)) throw new UserError(`${e.title} did not run locally.`);
  if (!canExtend(s)) throw new UserError(`The trainer "${s.trainer ?? '?'}" of ${e.title} cannot be extended.`);
  const old = maxSteps(s);
  if (!old) throw new UserError(`${e.title} has no max_train_steps to extend.`);
  const steps =
    a.steps ??
    parseSteps(
      await answered(
        svc.prompts().input({
          title: `Extend ${e.title}`,
          prompt: `How many more steps? It trained ${old}; the new session trains ${old} + N.`,
          value: String(Math.max(1, Math.round(old / 2))),
          validate: (t) => (parseSteps(t) ? undefined : 'A whole number of steps, at least 1.'),
        }),
      ),
    );
  if (!steps) throw new UserError('Extend needs a whole number of steps, at least 1.');
  const training = svc.training();
  const { session, checkpoint } = await extendSession(store, s.id, steps, training.runtime());
  svc.log.info(`Extended ${s.id} by ${steps} steps as ${session.id} (max_train_steps ${old + steps}, from ${checkpoint.path})`);
  if (isInteractive(arg)) void vscode.window.showInformationMessage(`Continuing ${e.title} from step ${checkpoint.step ?? '?'} to ${old + steps} (${old} + ${steps}).`);
  showTerminal(svc, session, true);
  training.monitor.kick();
  return session;
}

/** trainlab.showLogs `{ sessionId }`: opens (or reveals) the session's terminal. */
export async function showLogs(svc: CommandServices, arg: unknown): Promise<vscode.Terminal> {
  const store = await requireStore(svc);
  const s = await resolveSession(svc, store, arg, 'Show Logs', () => true, 'There are no sessions yet.');
  // console.log is local for RunPod sessions too (the polls append the worker's stream); fresh lines now.
  if (isRunPod(s)) svc.runpod().pollShown([s]);
  return svc.training().terminals.show(s, { preserveFocus: false });
}

const ACTIONS = {
  logs: 'Show Logs',
  cancel: 'Cancel Training…',
  check: 'Check Status',
} as const;

/** trainlab.showTrainings (the status bar item): the trainings of this window, then what to do with one. */
export async function showTrainings(svc: CommandServices, arg: unknown): Promise<unknown> {
  const store = await requireStore(svc);
  const ref = sessionRefOf(arg);
  const active = store.activeSessions();
  let session: Session;
  if (ref) session = entryOrThrow(svc, ref.sessionId).session;
  else {
    if (!active.length) {
      void vscode.window.showInformationMessage('No training is running.');
      return undefined;
    }
    session = await answered(
      svc.prompts().pick(
        active.map((s) => ({
          label: svc.training().entry(s.id)?.title ?? s.id,
          description: sessionProgress(s),
          detail: `${STATUS_LABELS[s.status]} since ${formatDate(s.attempts.at(-1)?.startedAt ?? s.createdAt)} • ${s.id}`,
          value: s,
          iconId: 'sync',
        })),
        { title: 'Trainlab: Running Trainings', placeHolder: 'Pick a training' },
      ),
    );
  }
  const title = svc.training().entry(session.id)?.title ?? session.id;
  const action = await answered(
    svc.prompts().pick(
      [
        { label: ACTIONS.logs, value: Commands.showLogs, iconId: 'terminal' },
        { label: ACTIONS.check, value: Commands.checkStatus, iconId: 'refresh' },
        ...(isActive(session.status) ? [{ label: ACTIONS.cancel, value: Commands.cancel, iconId: 'debug-stop' }] : []),
      ],
      { title, placeHolder: sessionProgress(session) },
    ),
  );
  return vscode.commands.executeCommand(action, { sessionId: session.id });
}
