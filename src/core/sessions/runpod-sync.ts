/**
 * One poll of a RunPod session: `/status`, `/stream` while it runs, and what they say written
 * to the session at once — the streamed lines appended to console.log exactly once, progress
 * and metrics (read from those lines like a local log, and from the worker's progress updates),
 * the final output (model URL, samples, metrics, checkpoint) the moment it is seen. A 404 for a
 * job whose final state was never seen is `unknown` with the likely reason, never `failed`.
 */
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_TTL_MS, interpretStatus, explainNotFound, formatDuration, parseJobStatus, type Interpretation, type JobStatus } from '../backends/runpod/status';
import { MAX_REPORT_LINK_MS, readJobReport } from '../backends/runpod/report';
import { chunkItem } from '../backends/runpod/progress';
import { isRunPodError } from '../backends/runpod/errors';
import type { StreamItem } from '../backends/runpod/progress';
import type { MetricPoint } from '../logs/tracker';
import type { Session } from '../model/schemas';
import { isFinal, type SessionStatus } from '../model/status';
import { paths, type WorkspaceStore } from '../store';
import { runpodBackendOf, type RunPodDeps } from './runpod';
import { syncSessionLog } from './sync';

type RunPodBackend = Extract<Session['backend'], { type: 'runpod' }>;

export interface PollResult {
  status: SessionStatus;
  /** Nothing more will change: stop polling. */
  final: boolean;
  /** RunPod answered a status word Trainlab does not know (reported, not guessed). */
  warning?: string;
}

/** How long a `/run` may be on its way before a session without a job id is called unknown. */
const SUBMIT_GRACE_MS = 2 * 60_000;
/** Remote samples are copied into the session (RunPod's and the bucket's links do not last). */
const MAX_SAMPLES = 100;
const MAX_SAMPLE_BYTES = 32 * 1024 * 1024;
const SAMPLE_TIMEOUT_MS = 30_000;
/** Chunk numbers remembered as not yet appended (a bound: a gap that old will not be filled). */
const MAX_GAPS = 1000;

const endAttempt = (s: Session, at: string) => {
  const last = s.attempts[s.attempts.length - 1];
  if (last && !last.endedAt) last.endedAt = at;
};

/**
 * Appends new stream chunks to console.log under the session's lock: chunks already appended
 * (by seq) are skipped, and bytes past the last committed size (a crash between appending and
 * recording) are cut first, so a restart never duplicates a line. A checkpoint a chunk names
 * is recorded with it.
 */
export async function appendStream(store: WorkspaceStore, sessionId: string, items: readonly StreamItem[]): Promise<void> {
  if (!items.length) return;
  await store.updateSession(sessionId, async (s) => {
    const b = s.backend as RunPodBackend;
    const seen = b.streamSeq ?? 0;
    // Another reader (a CLI --follow beside this window) may have appended a later chunk first:
    // the numbers it skipped are still welcome, once.
    const gaps = new Set(b.streamGaps ?? []);
    const fresh = items.filter((i) => i.seq === null || i.seq > seen || gaps.has(i.seq));
    if (!fresh.length) return;
    const log = paths.consoleLog(store.root, s.styleId, s.id);
    const size = await fsp.stat(log).then((st) => st.size, () => 0);
    if (b.logBytes !== undefined && size > b.logBytes) await fsp.truncate(log, b.logBytes);
    const text = fresh.flatMap((i) => i.lines).map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
    await fsp.appendFile(log, text);
    b.logBytes = (await fsp.stat(log)).size;
    const top = Math.max(seen, ...fresh.map((i) => i.seq ?? 0));
    for (const i of fresh) if (i.seq !== null) gaps.delete(i.seq);
    for (let n = seen + 1; n < top; n++) if (!fresh.some((i) => i.seq === n)) gaps.add(n);
    b.streamSeq = top;
    // The newest checkpoint a chunk names (chunks may come out of order: the highest step wins).
    for (const i of fresh) if (i.checkpoint) keepNewestCheckpoint(b, i.checkpoint);
    for (const i of fresh) if (i.report) b.reportUrl = i.report;
    const left = [...gaps].sort((x, y) => x - y).slice(-MAX_GAPS);
    if (left.length) b.streamGaps = left;
    else delete b.streamGaps;
  });
}

/** A checkpoint replaces the recorded one unless that one is at a later step (reports may come out of order). */
function keepNewestCheckpoint(b: RunPodBackend, checkpoint: NonNullable<RunPodBackend['checkpoint']>): void {
  if ((b.checkpoint?.step ?? -1) <= (checkpoint.step ?? Number.MAX_SAFE_INTEGER)) b.checkpoint = checkpoint;
}

/** Reads the appended lines into progress and metrics, as for a local session; the metric points it found. */
async function readLog(store: WorkspaceStore, sessionId: string): Promise<number> {
  let points = 0;
  for (let i = 0; i < 50; i++) {
    const r = await syncSessionLog(store, sessionId);
    points += r.points;
    if (!r.more) break;
  }
  return points;
}

/** Copies the sample images of a finished job into output/samples (best effort). */
export async function fetchRemoteSamples(store: WorkspaceStore, session: Session, fetchImpl: typeof fetch = fetch): Promise<string[]> {
  const dir = join(paths.output(store.root, session.styleId, session.id), 'samples');
  const saved: string[] = [];
  for (const url of session.outputs.samples.filter((u) => /^https?:\/\//.test(u)).slice(0, MAX_SAMPLES)) {
    const name = basename(new URL(url).pathname).replace(/[^A-Za-z0-9._-]/g, '_');
    if (!/\.(png|jpe?g|webp)$/i.test(name)) continue;
    const target = join(dir, name);
    if (await fsp.stat(target).then(() => true, () => false)) continue;
    try {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(SAMPLE_TIMEOUT_MS) });
      if (!res.ok) continue;
      const body = Buffer.from(await res.arrayBuffer());
      if (body.length > MAX_SAMPLE_BYTES) continue;
      await fsp.mkdir(dir, { recursive: true });
      await fsp.writeFile(`${target}.part`, body);
      await fsp.rename(`${target}.part`, target);
      saved.push(target);
    } catch {
      // A sample that cannot be fetched stays a link in session.json.
    }
  }
  return saved;
}

/** A metric point from a progress update that moved the step on (null when it did not, or had no loss). */
function progressPoint(s: Session, r: Interpretation, at: string): MetricPoint | null {
  if (r.kind !== 'running' || !r.progress || r.progress.step === null || r.progress.loss === null) return null;
  if ((s.progress?.step ?? -1) >= r.progress.step) return null;
  return { t: Date.parse(at), step: r.progress.step, epoch: r.progress.epoch, loss: r.progress.loss, lr: r.progress.lr };
}

/** What RunPod said of the job itself (status word, times, worker), then what it means for the session. */
function applyStatus(s: Session, r: Interpretation, js: JobStatus, at: string): string | undefined {
  const b = s.backend as RunPodBackend;
  b.lastStatus = js.rawStatus;
  b.lastSeenAt = at;
  b.delayTime = js.delayTime;
  b.executionTime = js.executionTime;
  if (js.workerId) b.workerId = js.workerId;
  if (b.runUnconfirmed) b.runUnconfirmed = false;
  return applyInterpretation(s, r, at);
}

function applyInterpretation(s: Session, r: Interpretation, at: string): string | undefined {
  const b = s.backend as RunPodBackend;
  if (isFinal(s.status) && s.status !== 'unknown') return undefined;
  switch (r.kind) {
    case 'queued':
      return undefined;
    case 'running': {
      if (s.status === 'pending') s.status = 'running';
      const p = r.progress;
      if (p?.checkpoint) b.checkpoint = p.checkpoint;
      if (p?.report) b.reportUrl = p.report;
      if (p && p.step !== null && (s.progress?.step ?? -1) < p.step) {
        s.progress = {
          step: p.step,
          totalSteps: p.total ?? s.progress?.totalSteps ?? null,
          epoch: p.epoch ?? s.progress?.epoch ?? null,
          totalEpochs: s.progress?.totalEpochs ?? null,
          loss: p.loss ?? s.progress?.loss ?? null,
          etaSeconds: s.progress?.etaSeconds ?? null,
          updatedAt: at,
        };
      }
      return undefined;
    }
    case 'completed': {
      const out = r.output.value;
      s.status = 'completed';
      endAttempt(s, at);
      s.outputs = { ...s.outputs, model: out?.model ?? s.outputs.model, samples: out?.samples ?? s.outputs.samples };
      if (out?.checkpoint) b.checkpoint = out.checkpoint;
      const m = out?.metrics;
      if (m) {
        s.metricsSummary = {
          ...s.metricsSummary,
          finalLoss: m.finalLoss ?? s.metricsSummary.finalLoss,
          bestLoss: m.bestLoss ?? s.metricsSummary.bestLoss,
          bestStep: m.bestStep ?? s.metricsSummary.bestStep,
        };
      }
      const steps = m?.steps ?? s.progress?.totalSteps ?? s.progress?.step ?? null;
      if (steps !== null) s.progress = { step: steps, totalSteps: s.progress?.totalSteps ?? steps, epoch: s.progress?.epoch ?? null, totalEpochs: s.progress?.totalEpochs ?? null, loss: s.progress?.loss ?? m?.finalLoss ?? null, etaSeconds: 0, updatedAt: at };
      if (r.output.problems.length) return `the job's output did not fit the contract: ${r.output.problems.join('; ')}`;
      return undefined;
    }
    case 'failed':
      s.status = 'failed';
      s.error = { message: r.message, where: 'runpod' };
      if (r.output?.value?.checkpoint) b.checkpoint = r.output.value.checkpoint;
      endAttempt(s, at);
      return undefined;
    case 'cancelled':
      s.status = 'cancelled';
      endAttempt(s, at);
      return undefined;
    case 'timed-out':
      s.status = 'interrupted';
      s.error = { message: r.message, where: 'runpod' };
      endAttempt(s, at);
      return undefined;
    case 'unrecognized':
      return `RunPod answered the status "${r.raw}", which Trainlab does not know; the session keeps its state until RunPod says something it knows.`;
  }
}

/** Polls one RunPod session once and writes what RunPod said. */
export async function pollRunPodSession(store: WorkspaceStore, sessionId: string, deps: RunPodDeps): Promise<PollResult> {
  const session = store.getSession(sessionId)?.session;
  if (!session) return { status: 'unknown', final: true };
  const backend = runpodBackendOf(session);
  if (!backend || (isFinal(session.status) && session.status !== 'unknown') || (session.status === 'unknown' && !backend.jobId)) return { status: session.status, final: true };
  const now = (deps.now ?? (() => new Date()))();
  const at = now.toISOString();

  if (!backend.jobId) {
    // `/run` was sent and never answered (or is on its way in another process).
    const since = Date.parse(backend.submittedAt ?? session.createdAt);
    if (!backend.runUnconfirmed || now.getTime() - since < SUBMIT_GRACE_MS) return { status: session.status, final: false };
    const s = await store.updateSession(sessionId, (d) => {
      if (isFinal(d.status)) return;
      d.status = 'unknown';
      d.error = { message: `The answer to RunPod's /run never arrived (sent ${backend.submittedAt ?? d.createdAt}): a job may exist on endpoint ${backend.endpointId}. Look in the RunPod console before starting it again.`, where: 'runpod' };
    });
    return { status: s.status, final: true };
  }

  const client = deps.client(backend.endpointId);
  let js: JobStatus;
  try {
    js = await client.status(backend.jobId);
  } catch (e) {
    if (!(isRunPodError(e) && e.kind === 'not-found')) throw e;
    if (session.status === 'unknown' && (!backend.reportUrl || backend.reportReadAt)) return { status: 'unknown', final: true };
    // A wrong endpoint id answers 404 too: only a job of an endpoint that exists has expired.
    await client.health();
    return settleForgottenJob(store, sessionId, backend.jobId, now, deps);
  }

  // The lines first (a final status may come with the last chunks), then what they say.
  let logPoints = 0;
  if (js.status !== 'IN_QUEUE') {
    try {
      const stream = await client.stream(backend.jobId);
      await appendStream(store, sessionId, stream.chunks);
    } catch (e) {
      // The log is a courtesy of the worker: a stream that fails leaves the status to decide.
      if (!isRunPodError(e)) throw e;
    }
    logPoints = await readLog(store, sessionId);
  }
  let warning: string | undefined;
  const r = interpretStatus(js, { executionTimeoutMs: backend.policy?.executionTimeout ?? null });
  const updated = await store.updateSession(sessionId, async (s) => {
    const b = s.backend as RunPodBackend;
    if (logPoints > 0) b.metricsFrom = 'log';
    // Until the log shows progress, the progress updates draw the curve (never both: a step
    // going back reads as a restart).
    const point = b.metricsFrom === 'log' ? null : progressPoint(s, r, at);
    if (point) {
      await fsp.appendFile(paths.metrics(store.root, s.styleId, s.id), `${JSON.stringify(point)}\n`);
      b.metricsFrom = 'progress';
    }
    warning = applyStatus(s, r, js, at);
  });
  return pollResult(store, updated, warning, deps);
}

/** A poll's result; a completed session's remote samples are copied first. */
async function pollResult(store: WorkspaceStore, updated: Session, warning: string | undefined, deps: RunPodDeps): Promise<PollResult> {
  if (updated.status === 'completed' && updated.outputs.samples.some((u) => /^https?:\/\//.test(u))) {
    await fetchRemoteSamples(store, updated, deps.fetch).catch(() => undefined);
  }
  return { status: updated.status, final: isFinal(updated.status), ...(warning ? { warning } : {}) };
}

/**
 * RunPod answered 404 for a job whose end Trainlab never saw (its results outlived RunPod's
 * 30-minute retention, or its ttl ran out). The worker's durable report, when it named one,
 * still says how the run went: its chunks are appended (each once), and its final status,
 * output and error are written as if RunPod had said them. A report that still says
 * IN_PROGRESS is the last word of a run that was stopped: `interrupted` when the ttl had
 * passed (RunPod deletes a job even while it runs), else `unknown` with that last word. With
 * no report the outcome is `unknown` with the likely reason. A report that cannot be read
 * now (network, 5xx) throws, and the session keeps its state until the next poll — until its
 * link cannot be alive any more (the ttl plus 7 days after submission): then it is `unknown`.
 */
async function settleForgottenJob(store: WorkspaceStore, sessionId: string, jobId: string, now: Date, deps: RunPodDeps): Promise<PollResult> {
  const session = store.getSession(sessionId)!.session;
  const backend = runpodBackendOf(session)!;
  const at = now.toISOString();
  const notFound = { jobId, submittedAt: backend.submittedAt ?? session.createdAt, ttlMs: backend.policy?.ttl ?? null, lastSeenAt: backend.lastSeenAt ?? null, lastStatus: backend.lastStatus ?? null, now };
  // Past the longest a report link can live, a report that cannot be read is taken as absent
  // (else a session whose report host is gone for good would wait for it forever).
  const lastTry = Date.parse(notFound.submittedAt) + (backend.policy?.ttl ?? DEFAULT_TTL_MS) + MAX_REPORT_LINK_MS <= now.getTime();
  const read = backend.reportUrl ? await readJobReport(backend.reportUrl, jobId, { ...(deps.fetch ? { fetch: deps.fetch } : {}), lastTry }) : null;
  if (read?.kind !== 'found') {
    const message = `${explainNotFound(notFound)}${read ? ` The worker's report says nothing more: ${read.reason}.` : ''}`;
    const s = await store.updateSession(sessionId, (d) => {
      if (read) (d.backend as RunPodBackend).reportReadAt = at;
      if (isFinal(d.status)) return;
      d.status = 'unknown';
      d.error = { message, where: 'runpod' };
    });
    return { status: s.status, final: true };
  }
  const report = read.report;
  await appendStream(store, sessionId, report.chunks.map(chunkItem));
  const logPoints = await readLog(store, sessionId);
  const js = parseJobStatus({ id: jobId, status: report.status, output: report.status === 'IN_PROGRESS' ? report.progress : report.output, error: report.error ?? undefined })!;
  const r = interpretStatus(js, { executionTimeoutMs: backend.policy?.executionTimeout ?? null });
  let warning: string | undefined;
  const updated = await store.updateSession(sessionId, (s) => {
    const b = s.backend as RunPodBackend;
    b.reportReadAt = at;
    b.reportStatus = report.status;
    if (logPoints > 0) b.metricsFrom = 'log';
    if (report.progress?.checkpoint) keepNewestCheckpoint(b, report.progress.checkpoint);
    if (r.kind === 'running') {
      applyInterpretation(s, r, at);
      if (isFinal(s.status) && s.status !== 'unknown') return;
      const ttl = backend.policy?.ttl ?? DEFAULT_TTL_MS;
      const ttlPassed = Date.parse(notFound.submittedAt) + ttl <= now.getTime();
      const step = report.progress?.step ?? s.progress?.step ?? null;
      const last = `Its worker last reported at ${report.updatedAt}${step !== null ? `, at step ${step}${report.progress?.total ? ` of ${report.progress.total}` : ''}` : ''}, and never reported an end.`;
      const resume = b.checkpoint ? ` Resume continues from its checkpoint at step ${b.checkpoint.step ?? '?'}.` : ' It reported no checkpoint: Relaunch starts it again.';
      s.status = ttlPassed ? 'interrupted' : 'unknown';
      s.error = {
        message: ttlPassed
          ? `RunPod deleted job ${jobId} while it ran: its ttl of ${formatDuration(ttl)} from submission ran out. ${last}${resume}`
          : `${explainNotFound(notFound)} ${last}`,
        where: 'runpod',
      };
      endAttempt(s, at);
      return;
    }
    warning = applyInterpretation(s, r, at);
    if (s.status === 'failed' && s.error) s.error = { ...s.error, message: `${s.error.message} (RunPod no longer knows job ${jobId}; this was read from its worker's report of ${report.updatedAt}.)` };
  });
  return pollResult(store, updated, warning, deps);
}
