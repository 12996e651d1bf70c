/**
 * Sessions on RunPod Serverless: start, resume, retry, cancel. A session is written before
 * `/run` is sent (pending, "submitting"), so a crash or a lost answer can never leave a paid
 * job without a record; `/run` is never sent twice for one attempt: when its answer is lost,
 * the session says a job may exist and becomes `unknown` instead of launching another.
 * Polling (status, stream, output) is in runpod-sync.ts.
 */
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { computePolicy, JOB_CONTRACT_VERSION, type JobInput, type RunRequest } from '../backends/runpod/contract';
import { RunPodClient, type RetryInfo } from '../backends/runpod/client';
import { isRunPodError } from '../backends/runpod/errors';
import { newSessionId } from '../model/ids';
import type { Attempt, Session, Style, Version } from '../model/schemas';
import { canRelaunch, isFinal } from '../model/status';
import { paths, type WorkspaceStore } from '../store';
import { validateParameters } from '../trainers/params';
import { styleAndVersion, trainerOf } from './context';
import { SessionActionError } from './errors';

/** What talking to RunPod needs: a client per endpoint and the policy settings. */
export interface RunPodDeps {
  /** A client for the endpoint (the API key and base URL come from the caller's settings). */
  client(endpointId: string): RunPodClient;
  /** The endpoint to use when neither the command nor the style names one. */
  defaultEndpointId?: string;
  /** Settings: 0 or undefined means computed from the run. */
  executionTimeoutMinutes?: number;
  ttlHours?: number;
  now?: () => Date;
  /** Fetches a worker's report and sample images (default: the global fetch). */
  fetch?: typeof fetch;
}

/** What the deps are made of: where RunPod is, the key, and the settings that shape a job. */
export interface RunPodConnection {
  baseUrl: string;
  apiKey: string;
  /** Empty or undefined: none. */
  defaultEndpointId?: string | undefined;
  /** 0 or undefined: computed from the run. */
  executionTimeoutMinutes?: number | undefined;
  ttlHours?: number | undefined;
  /** Told of each retry of an idempotent call (429, 5xx, network), so a slow backoff is not silent. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
}

/**
 * RunPodDeps for one key and base URL: one client per endpoint, made when first asked for. The
 * key stays in this closure and in the clients' private fields, never in a value a caller could
 * print (the extension and the CLI differ only in where they read the settings and the key).
 */
export function connectRunPod(c: RunPodConnection): RunPodDeps {
  const clients = new Map<string, RunPodClient>();
  const endpoint = c.defaultEndpointId?.trim();
  return {
    client(endpointId: string) {
      let client = clients.get(endpointId);
      if (!client) {
        client = new RunPodClient({ baseUrl: c.baseUrl, endpointId, apiKey: c.apiKey, ...(c.onRetry ? { onRetry: c.onRetry } : {}) });
        clients.set(endpointId, client);
      }
      return client;
    },
    ...(endpoint ? { defaultEndpointId: endpoint } : {}),
    ...(c.executionTimeoutMinutes && c.executionTimeoutMinutes > 0 ? { executionTimeoutMinutes: c.executionTimeoutMinutes } : {}),
    ...(c.ttlHours && c.ttlHours > 0 ? { ttlHours: c.ttlHours } : {}),
  };
}

export interface RunPodStartOptions {
  styleId: string;
  versionId: string;
  /** Replaces the version's parameters for this session only. */
  parameters?: Record<string, unknown>;
  origin?: Session['origin'];
  endpointId?: string;
}

type RunPodBackend = Extract<Session['backend'], { type: 'runpod' }>;

export function runpodBackendOf(s: Session): RunPodBackend | undefined {
  return s.backend.type === 'runpod' ? s.backend : undefined;
}

/**
 * A new run of a job (a new job, or RunPod's Retry of the same one): its stream chunks count
 * from 1 again, appended after `logBytes` of console.log, and it names its own report.
 */
function startRun(b: RunPodBackend, logBytes: number): void {
  b.streamSeq = 0;
  delete b.streamGaps;
  delete b.reportUrl;
  delete b.reportReadAt;
  delete b.reportStatus;
  b.logBytes = logBytes;
}

/**
 * The job's status word as shown to a person: RunPod's last answer, or, once RunPod had
 * forgotten the job and its worker's report told the rest, the report's word, marked as such.
 */
export function remoteStatusWord(b: RunPodBackend): string | undefined {
  if (b.reportReadAt && b.reportStatus) return `${b.reportStatus} (worker's report)`;
  return b.lastStatus;
}

/** The client, or a refusal that says what is missing (the key, a valid base URL) before anything is written. */
function clientOrRefuse(deps: RunPodDeps, endpointId: string): RunPodClient {
  try {
    return deps.client(endpointId);
  } catch (e) {
    throw new SessionActionError(`Cannot reach RunPod: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The endpoint a start uses: the command's, then the style's, then the setting's. */
export function endpointFor(style: Style, deps: RunPodDeps, explicit?: string): string {
  const id = explicit?.trim() || style.runpod?.endpointId?.trim() || deps.defaultEndpointId?.trim();
  if (!id) throw new SessionActionError(`No RunPod endpoint for "${style.id}": set trainlab.runpod.endpointId (TRAINLAB_RUNPOD_ENDPOINT_ID for the CLI), give --endpoint, or set runpod.endpointId in the style.`);
  return id;
}

/** Where a version's sessions run: the version's choice, the style's, else local. */
export function backendChoice(style: Style, version: Version): 'local' | 'runpod' {
  return version.backend ?? style.backend ?? 'local';
}

/** The dataset URL a worker downloads, or the reason there is none. */
function datasetFor(style: Style, version: Version, imageCount: number | null): { ok: true; value: JobInput['dataset'] } | { ok: false; problem: string } {
  if (!version.datasetId) return { ok: false, problem: `datasetId: ${version.name} has no dataset; a RunPod worker needs one with a URL (https:// or s3://)` };
  const url = style.datasets?.[version.datasetId]?.url;
  if (!url) return { ok: false, problem: `datasetId: the dataset "${version.datasetId}" has no URL; RunPod workers cannot read local folders — set one with "Set Dataset URL" (trainlab dataset url ${style.id} ${version.datasetId} URL)` };
  return { ok: true, value: { id: version.datasetId, url, imageCount } };
}

/** Seconds per step measured on the style's earlier RunPod sessions (for the timeout), if any. */
function measuredSecondsPerStep(store: WorkspaceStore, styleId: string): number | null {
  for (const s of store.listSessions({ styleId })) {
    if (s.backend.type !== 'runpod' || s.status !== 'completed' || !s.progress?.step) continue;
    const ms = (s.backend as RunPodBackend).executionTime;
    if (typeof ms === 'number' && ms > 0) return ms / 1000 / s.progress.step;
  }
  return null;
}

const stepsOf = (p: Record<string, unknown>): number | null => (typeof p.max_train_steps === 'number' && p.max_train_steps > 0 ? p.max_train_steps : null);

/** Appends Trainlab's own lines to the session's console.log (and keeps the exactly-once offset in step). */
async function say(store: WorkspaceStore, session: Session, lines: string[]): Promise<number> {
  const log = paths.consoleLog(store.root, session.styleId, session.id);
  await fsp.mkdir(dirname(log), { recursive: true });
  await fsp.appendFile(log, lines.map((l) => `[trainlab] ${l}\n`).join(''));
  return (await fsp.stat(log)).size;
}

interface Submit {
  store: WorkspaceStore;
  deps: RunPodDeps;
  /** Made before anything is written: a missing key or a bad base URL refuses the start cleanly. */
  client: RunPodClient;
  session: Session;
  style: Style;
  version: Version;
  input: JobInput;
  startStep: number;
  resumedFrom: string | null;
}

/**
 * Records the attempt, then sends `/run` once. Success: the job id, queued. A clear refusal
 * (401, 400, 429): failed, nothing started. A lost answer: `unknown`, and the person is told
 * to look in the RunPod console before starting again.
 */
async function submit(a: Submit): Promise<Session> {
  const { store, deps, session } = a;
  const backend = runpodBackendOf(session)!;
  const now = (deps.now ?? (() => new Date()))();
  const policy = computePolicy({
    steps: (stepsOf(a.input.parameters) ?? 2000) - a.startStep,
    secondsPerStep: measuredSecondsPerStep(store, a.style.id),
    ...(deps.executionTimeoutMinutes ? { executionTimeoutMinutes: deps.executionTimeoutMinutes } : {}),
    ...(deps.ttlHours ? { ttlHours: deps.ttlHours } : {}),
  });
  const request: RunRequest = { input: { trainlab: a.input }, policy };
  const attempt: Attempt = { startedAt: now.toISOString(), endedAt: null, exitCode: null, signal: null, resumedFrom: a.resumedFrom, startStep: a.startStep };
  const logBytes = await say(store, session, [
    `${now.toISOString()} submitting ${a.version.name} (attempt ${a.input.session.attempt}) to RunPod endpoint ${backend.endpointId}${a.resumedFrom ? `, resuming from step ${a.startStep}` : ''}`,
    `execution timeout ${Math.round(policy.executionTimeout / 60_000)} min, ttl ${Math.round(policy.ttl / 60_000)} min`,
  ]);
  await store.updateSession(session.id, (s) => {
    s.status = 'pending';
    s.attempts.push(attempt);
    s.error = null;
    const b = s.backend as RunPodBackend;
    delete b.jobId;
    b.policy = policy;
    b.submittedAt = now.toISOString();
    b.runUnconfirmed = true; // until RunPod answers: a crash from here on leaves the truth on disk
    b.run = 1;
    startRun(b, logBytes);
    if (s.progress) s.progress = { ...s.progress, step: a.startStep, etaSeconds: null, updatedAt: now.toISOString() };
  });
  try {
    const job = await a.client.run(request);
    const seenAt = new Date().toISOString();
    const bytes = await say(store, session, [`RunPod job ${job.id}: ${job.rawStatus}`]);
    return await store.updateSession(session.id, (s) => {
      const b = s.backend as RunPodBackend;
      b.jobId = job.id;
      b.runUnconfirmed = false;
      b.lastStatus = job.rawStatus;
      b.lastSeenAt = seenAt;
      b.logBytes = bytes;
      const last = s.attempts[s.attempts.length - 1];
      if (last) last.jobId = job.id;
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unconfirmed = isRunPodError(e) && e.kind === 'run-unconfirmed';
    await say(store, session, [unconfirmed ? `the answer to /run was lost: ${message}` : `RunPod refused the job: ${message}`]).catch(() => undefined);
    const endedAt = new Date().toISOString();
    await store.updateSession(session.id, (s) => {
      s.status = unconfirmed ? 'unknown' : 'failed';
      s.error = { message: unconfirmed ? message : `RunPod refused the job: ${message}`, where: 'runpod' };
      const b = s.backend as RunPodBackend;
      b.runUnconfirmed = unconfirmed;
      const last = s.attempts[s.attempts.length - 1];
      if (last && !unconfirmed) last.endedAt = endedAt;
    });
    throw new SessionActionError(unconfirmed ? message : `RunPod refused the job: ${message}`);
  }
}

function jobInput(style: Style, version: Version, session: Session, attempt: number, dataset: JobInput['dataset'], resume: JobInput['resume']): JobInput {
  return {
    schemaVersion: JOB_CONTRACT_VERSION,
    style: { id: style.id, name: style.name },
    version: { id: version.id, name: version.name },
    session: { id: session.id, attempt },
    trainer: session.trainer ?? style.trainer,
    parameters: session.parameters,
    triggerToken: style.triggerToken,
    dataset,
    resume,
  };
}

/**
 * Starts a session on RunPod. Everything is checked before anything is written or sent: the
 * parameters against the trainer, the dataset's URL, the endpoint.
 */
export async function startRunPodSession(store: WorkspaceStore, options: RunPodStartOptions, deps: RunPodDeps): Promise<Session> {
  const { style, version } = styleAndVersion(store, options.styleId, options.versionId);
  const trainer = trainerOf(store, style);
  const parameters = options.parameters ?? version.parameters;
  const imageCount = version.datasetId ? (store.getDataset(style.id, version.datasetId)?.imageCount ?? version.imageCount) : null;
  const dataset = datasetFor(style, version, imageCount);
  const problems = [...validateParameters(trainer.params, parameters).map((e) => `${e.key}: ${e.message}`), ...(dataset.ok ? [] : [dataset.problem])];
  if (problems.length) throw new SessionActionError(`${style.id}/${version.id} cannot start on RunPod:`, problems);
  const endpointId = endpointFor(style, deps, options.endpointId);
  const client = clientOrRefuse(deps, endpointId);

  const session = await store.createSession({
    id: newSessionId(),
    styleId: style.id,
    versionId: version.id,
    backend: { type: 'runpod', endpointId },
    trainer: trainer.name,
    parameters,
    dataset: { id: version.datasetId, path: null, imageCount },
    status: 'pending',
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const value = (dataset as { ok: true; value: JobInput['dataset'] }).value;
  return submit({ store, deps, client, session, style, version, input: jobInput(style, version, session, 1, value, null), startStep: 0, resumedFrom: null });
}

function requireRunPodSession(store: WorkspaceStore, sessionId: string): { session: Session; backend: RunPodBackend } {
  const session = store.getSession(sessionId)?.session;
  if (!session) throw new SessionActionError(`No session "${sessionId}".`);
  const backend = runpodBackendOf(session);
  if (!backend) throw new SessionActionError(`Session ${sessionId} does not run on RunPod.`);
  return { session, backend };
}

/** Cancel: `/cancel` for the job; the session is cancelled when RunPod says so. */
export async function cancelRunPodSession(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<Session> {
  const { session, backend } = requireRunPodSession(store, sessionId);
  if (isFinal(session.status)) throw new SessionActionError(`Session ${sessionId} is already ${session.status}.`);
  if (!backend.jobId) throw new SessionActionError(`Session ${sessionId} has no RunPod job id (the answer to /run was lost); cancel the job in the RunPod console.`);
  const answer = await deps.client(backend.endpointId).cancel(backend.jobId);
  await say(store, session, [`cancel requested: RunPod says ${answer.rawStatus}`]);
  const endedAt = new Date().toISOString();
  return store.updateSession(sessionId, (s) => {
    const b = s.backend as RunPodBackend;
    b.lastStatus = answer.rawStatus;
    b.lastSeenAt = endedAt;
    if (isFinal(s.status)) return;
    // RunPod answers CANCELLED at once; a job that had already ended keeps the state the next poll finds.
    if (answer.status === 'CANCELLED' || answer.status === null) {
      s.status = 'cancelled';
      const last = s.attempts[s.attempts.length - 1];
      if (last && !last.endedAt) last.endedAt = endedAt;
    }
  });
}

/** RunPod's own Retry: the same job id runs again (FAILED or TIMED_OUT, within its retention). */
export function canRetryOnRunPod(session: Session): boolean {
  const b = runpodBackendOf(session);
  return !!b?.jobId && (session.status === 'failed' || session.status === 'interrupted') && (b.lastStatus === 'FAILED' || b.lastStatus === 'TIMED_OUT');
}

export async function retryRunPodSession(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<Session> {
  const { session, backend } = requireRunPodSession(store, sessionId);
  if (!canRetryOnRunPod(session)) throw new SessionActionError(`Session ${sessionId} cannot be retried on RunPod: only a job RunPod reported FAILED or TIMED_OUT can (it is ${session.status}${backend.lastStatus ? `, RunPod said ${backend.lastStatus}` : ''}).`);
  const answer = await deps.client(backend.endpointId).retry(backend.jobId!);
  const now = new Date().toISOString();
  const bytes = await say(store, session, [`${now} RunPod Retry of job ${backend.jobId}: ${answer.rawStatus}`]);
  return store.updateSession(sessionId, (s) => {
    const b = s.backend as RunPodBackend;
    s.status = 'pending';
    s.error = null;
    s.attempts.push({ startedAt: now, endedAt: null, exitCode: null, signal: null, resumedFrom: null, startStep: 0, jobId: b.jobId! });
    // The rerun's stream chunks count from 1 again.
    b.run = (b.run ?? 1) + 1;
    startRun(b, bytes);
    b.lastStatus = answer.rawStatus;
    b.lastSeenAt = now;
    if (s.progress) s.progress = { ...s.progress, step: 0, etaSeconds: null, updatedAt: now };
  });
}

/** Resume on RunPod: a new job from the newest checkpoint the worker reported. */
export async function resumeRunPodSession(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<Session> {
  const { session, backend } = requireRunPodSession(store, sessionId);
  if (!(session.status === 'interrupted' || session.status === 'failed' || session.status === 'cancelled')) throw new SessionActionError(`Session ${sessionId} is ${session.status}; only an interrupted, failed or cancelled session resumes.`);
  const checkpoint = backend.checkpoint;
  if (!checkpoint) throw new SessionActionError(`Session ${sessionId} cannot resume: the worker reported no checkpoint. Relaunch it to start again from step 0.`);
  const style = store.getStyle(session.styleId)?.style;
  const version = store.getVersion(session.styleId, session.versionId);
  if (!style || !version) throw new SessionActionError(`The style or version of session ${sessionId} is gone.`);
  const dataset = datasetFor(style, version, session.dataset?.imageCount ?? null);
  if (!dataset.ok) throw new SessionActionError(`Session ${sessionId} cannot resume on RunPod:`, [dataset.problem]);
  const input = jobInput(style, version, session, session.attempts.length + 1, dataset.value, { checkpoint: checkpoint.ref, step: checkpoint.step });
  return submit({ store, deps, client: clientOrRefuse(deps, backend.endpointId), session, style, version, input, startStep: checkpoint.step ?? 0, resumedFrom: checkpoint.ref });
}

/** Relaunch on RunPod: a new session with the same parameters. */
export async function relaunchRunPodSession(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<Session> {
  const { session, backend } = requireRunPodSession(store, sessionId);
  if (!canRelaunch(session.status)) throw new SessionActionError(`Session ${sessionId} is ${session.status}; relaunch a finished session.`);
  return startRunPodSession(store, { styleId: session.styleId, versionId: session.versionId, parameters: structuredClone(session.parameters), origin: { type: 'relaunch', parentSessionId: session.id }, endpointId: backend.endpointId }, deps);
}
