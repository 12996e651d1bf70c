import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { newSessionId } from '../model/ids';
import type { Attempt, Session } from '../model/schemas';
import type { WorkspaceStore } from '../store';
import { validateParameters } from '../trainers/params';
import type { LaunchSpec, TrainerDefinition } from '../trainers/types';
import { launchContext, styleAndVersion, trainerOf } from './context';
import { SessionActionError } from './errors';
import type { LocalRuntime } from './runtime';

/**
 * Starting a local session: everything is checked first (parameters, dataset, the trainer's
 * own requirements), so a refused start creates nothing and launches nothing. Then the
 * session is written (`pending`), the runner is spawned detached, and the session becomes
 * `running` with its first attempt.
 */

function checkDataset(store: WorkspaceStore, styleId: string, datasetId: string | null): string[] {
  if (!datasetId) return [];
  const ds = store.getDataset(styleId, datasetId);
  if (!ds) return [`datasetId: the dataset folder "${datasetId}" does not exist (trainlab/styles/${styleId}/datasets/${datasetId})`];
  if (ds.imageCount === 0) return [`datasetId: the dataset "${datasetId}" holds no images`];
  return [];
}

/** Writes the profile's files and spawns the runner, detached, in its own process group. */
/** The programs a launch needs must be there: otherwise a session would wait for a runner that never starts. */
async function checkRuntime(runtime: LocalRuntime): Promise<void> {
  for (const [what, path] of [['the runner', runtime.runnerPath], ['Node', runtime.nodePath]] as const) {
    const ok = await fsp.stat(path).then((s) => s.isFile(), () => false);
    if (!ok) throw new SessionActionError(`Cannot launch: ${what} is missing (${path}); build or reinstall Trainlab.`);
  }
}

export async function spawnRunner(sessionDir: string, attempt: number, spec: LaunchSpec, runtime: LocalRuntime): Promise<number | undefined> {
  for (const f of spec.files ?? []) {
    await fsp.mkdir(dirname(f.path), { recursive: true });
    await fsp.writeFile(f.path, f.content);
  }
  await fsp.mkdir(sessionDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...(spec.env ?? {}) };
  if (runtime.electronAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  const child = spawn(runtime.nodePath, [runtime.runnerPath, '--session', sessionDir, '--attempt', String(attempt), '--cwd', spec.cwd, '--', ...spec.argv], {
    detached: true,
    stdio: 'ignore',
    cwd: sessionDir,
    env,
    windowsHide: true,
  });
  const failed = new Promise<Error>((resolve) => child.once('error', resolve));
  const spawned = new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  const first = await Promise.race([failed, spawned.then(() => undefined)]);
  if (first instanceof Error) throw new SessionActionError(`The runner could not be started (${runtime.nodePath}): ${first.message}`);
  child.unref();
  return child.pid;
}

export interface StartOptions {
  styleId: string;
  versionId: string;
  /** Replaces parameters for this session only (e.g. Extend). */
  parameters?: Record<string, unknown>;
  origin?: Session['origin'];
}

export async function startLocalSession(store: WorkspaceStore, options: StartOptions, runtime: LocalRuntime): Promise<Session> {
  const { style, version } = styleAndVersion(store, options.styleId, options.versionId);
  const trainer = trainerOf(store, style);
  const parameters = options.parameters ?? version.parameters;
  const draft = {
    id: newSessionId(),
    parameters,
    dataset: version.datasetId ? { id: version.datasetId, path: null, imageCount: store.getDataset(style.id, version.datasetId)?.imageCount ?? version.imageCount } : null,
  };
  const ctx = launchContext(store, style, draft as Pick<Session, "id" | "parameters" | "dataset">, runtime);
  const problems = [
    ...validateParameters(trainer.params, parameters).map((e) => `${e.key}: ${e.message}`),
    ...checkDataset(store, style.id, version.datasetId),
    ...(trainer.validate?.(ctx) ?? []),
  ];
  if (trainer.name === 'demo' && !(await fsp.stat(runtime.trainer.demoTrainerPath).then((s) => s.isFile(), () => false))) {
    problems.push(`settings.demoTrainerPath: the demo trainer is missing (${runtime.trainer.demoTrainerPath}); build or reinstall Trainlab`);
  }
  if (problems.length) throw new SessionActionError(`${style.id}/${version.id} cannot start:`, problems);
  await checkRuntime(runtime);
  const spec = buildOrRefuse(trainer, () => trainer.buildLaunch(ctx));

  const session = await store.createSession({
    id: draft.id,
    styleId: style.id,
    versionId: version.id,
    backend: { type: 'local', command: spec.argv, cwd: spec.cwd },
    trainer: trainer.name,
    parameters,
    dataset: draft.dataset,
    status: 'pending',
    ...(options.origin ? { origin: options.origin } : {}),
  });
  return launchAttempt(store, session.id, spec, runtime, { resumedFrom: null, startStep: 0 });
}

function buildOrRefuse(trainer: TrainerDefinition, build: () => LaunchSpec): LaunchSpec {
  try {
    return build();
  } catch (e) {
    throw new SessionActionError(`The ${trainer.label} command line could not be built: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Records a new attempt and spawns its runner; a failed spawn marks the session failed. */
export async function launchAttempt(
  store: WorkspaceStore,
  sessionId: string,
  spec: LaunchSpec,
  runtime: LocalRuntime,
  attempt: Pick<Attempt, 'resumedFrom' | 'startStep'>,
): Promise<Session> {
  const entry = store.getSession(sessionId)!;
  const startedAt = new Date().toISOString();
  const pending = await store.updateSession(sessionId, (s) => {
    s.status = 'pending';
    s.attempts.push({ startedAt, endedAt: null, exitCode: null, signal: null, resumedFrom: attempt.resumedFrom, startStep: attempt.startStep });
    s.backend = { ...s.backend, type: 'local', command: spec.argv, cwd: spec.cwd } as Session['backend'];
    s.error = null;
    // The new attempt starts at its checkpoint: progress shows that, not the lost steps after it.
    if (s.progress) s.progress = { ...s.progress, step: attempt.startStep, etaSeconds: null, updatedAt: startedAt };
  });
  try {
    await spawnRunner(entry.dir, pending.attempts.length, spec, runtime);
  } catch (e) {
    await store.updateSession(sessionId, (s) => {
      s.status = 'failed';
      s.error = { message: e instanceof Error ? e.message : String(e), where: 'launch' };
      const a = s.attempts[s.attempts.length - 1];
      if (a) a.endedAt = new Date().toISOString();
    });
    throw e;
  }
  return store.updateSession(sessionId, (s) => {
    if (s.status === 'pending') s.status = 'running';
  });
}

