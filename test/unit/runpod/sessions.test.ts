import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunPodClient } from '../../../src/core/backends/runpod';
import {
  appendStream,
  cancelRunPodSession,
  connectRunPod,
  pollRunPodSession,
  relaunchRunPodSession,
  remoteStatusWord,
  resumeRunPodSession,
  retryRunPodSession,
  startRunPodSession,
  type RunPodDeps,
} from '../../../src/core/sessions';
import type { Session } from '../../../src/core/model';
import { paths, WorkspaceStore } from '../../../src/core/store';
import { startStandIn, type StandIn, type StandInOptions } from '../../support/runpod-standin';

/**
 * RunPod sessions end to end against the stand-in endpoint (its worker runs the real demo
 * trainer): start, poll to the end, console lines exactly once, a restart mid-job, lost /run
 * answers, failures, timeouts, expiry, cancel, resume, RunPod Retry, relaunch; and the API key
 * in no file.
 */

const KEY = 'rp_TESTKEY_0123456789abcdef';
const DATASET_URL = 'https://datasets.example.com/ink.zip';

interface World {
  dir: string;
  store: WorkspaceStore;
  standIn: StandIn;
  deps: RunPodDeps;
}

const worlds: World[] = [];

async function world(options: StandInOptions = {}, parameters: Record<string, unknown> = {}): Promise<World> {
  const standIn = await startStandIn({ apiKey: KEY, queueMs: 100, streamBatchMs: 60, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-runpod-'));
  const store = new WorkspaceStore(join(dir, 'trainlab'));
  await store.load();
  await store.createStyle({ id: 'ink', name: 'Ink', trainer: 'demo', runpod: { endpointId: standIn.endpointId } });
  await store.updateStyle('ink', (s) => void (s.datasets = { set1: { url: DATASET_URL } }));
  await store.addVersion('ink', { id: 'V1', parameters: { max_train_steps: 40, save_every_n_steps: 10, sample_every_n_steps: 20, step_delay_ms: 15, ...parameters }, datasetId: 'set1' });
  const deps: RunPodDeps = { client: (endpointId) => new RunPodClient({ baseUrl: standIn.baseUrl, endpointId, apiKey: KEY, timeoutMs: 3000, sleep: () => new Promise((r) => setTimeout(r, 20)) }) };
  const w = { dir, store, standIn, deps };
  worlds.push(w);
  return w;
}

async function pollUntil(w: World, sessionId: string, done: (status: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await pollRunPodSession(w.store, sessionId, w.deps);
    if (done(r.status)) return r.status;
    if (Date.now() > end) throw new Error(`timed out; session is ${r.status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function waitForJob(w: World, jobId: string, status: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (w.standIn.jobs.get(jobId)?.status !== status) {
    if (Date.now() > end) throw new Error(`job ${jobId} is ${w.standIn.jobs.get(jobId)?.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A session polled while its job runs (Trainlab learns where the report is), then not (the laptop slept) until RunPod has dropped the ended job. */
async function forgottenAfterOneLook(w: World): Promise<Session> {
  const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
  await pollUntil(w, s.id, () => !!(w.store.getSession(s.id)!.session.backend as { reportUrl?: string }).reportUrl);
  const jobId = (s.backend as { jobId: string }).jobId;
  await waitForJob(w, jobId, 'COMPLETED');
  w.standIn.finishRetention(jobId);
  return s;
}

const logOf = (w: World, id: string) => readFileSync(paths.consoleLog(w.store.root, 'ink', id), 'utf8');
const runs = (w: World) => w.standIn.requests.filter((r) => r.route === 'run').length;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('RunPod sessions (stand-in endpoint, real demo trainer)', function () {
  this.timeout(60_000);

  after(async () => {
    for (const w of worlds) {
      // The key is in no workspace file: sessions, logs, metrics, samples.
      for (const f of filesUnder(w.dir)) assert.ok(!readFileSync(f).includes(KEY), `the API key leaked into ${f}`);
      await w.standIn.close();
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('start → queued → running → completed: log lines once, metrics, model URL on session and version, samples copied', async () => {
    const w = await world();
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    assert.equal(s.status, 'pending');
    assert.ok(s.backend.type === 'runpod' && s.backend.jobId, 'the job id is recorded');
    assert.equal(runs(w), 1);
    const job = w.standIn.jobs.get((s.backend as { jobId: string }).jobId)!;
    assert.equal(job.trainlab.dataset.url, DATASET_URL);
    assert.ok(job.requestedPolicy && (job.requestedPolicy as { executionTimeout: number }).executionTimeout >= 3600_000, 'an execution timeout fit for training, not RunPod’s 10 minutes');

    assert.equal(await pollUntil(w, s.id, (st) => st === 'completed'), 'completed');
    const done = w.store.getSession(s.id)!.session;
    assert.match(done.outputs.model ?? '', /^http:\/\/127\.0\.0\.1:\d+\/files\//);
    assert.equal(w.store.getVersion('ink', 'V1')!.modelUrl, done.outputs.model);
    assert.equal(done.progress?.step, 40);
    assert.ok(done.metricsSummary.finalLoss !== null);
    const log = logOf(w, s.id);
    const lines = log.split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepEqual(lines, ['saving state at step 10', 'saving state at step 20', 'saving state at step 30', 'saving state at step 40'], 'each streamed line exactly once');
    const metrics = readFileSync(paths.metrics(w.store.root, 'ink', s.id), 'utf8').trim().split('\n');
    assert.ok(metrics.length >= 3, `metrics points from the streamed log: ${metrics.length}`);
    const samples = readdirSync(join(paths.output(w.store.root, 'ink', s.id), 'samples'));
    assert.ok(samples.length >= 2, `samples copied into the session: ${samples.join(', ')}`);
    // Polling a final session asks RunPod nothing more.
    const before = w.standIn.requests.length;
    assert.equal((await pollRunPodSession(w.store, s.id, w.deps)).final, true);
    assert.equal(w.standIn.requests.length, before);
  });

  it('a restart mid-job (a new store over the same files, log appended past its record) duplicates no line', async () => {
    const w = await world({}, { max_train_steps: 60, step_delay_ms: 25 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    await pollUntil(w, s.id, () => statSync(paths.consoleLog(w.store.root, 'ink', s.id)).size > 600 || false);
    // A crash between appending and recording: bytes past logBytes that the record does not know.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(paths.consoleLog(w.store.root, 'ink', s.id), 'half-written chunk that was never recorded\n');
    const again = new WorkspaceStore(w.store.root);
    await again.load();
    const w2 = { ...w, store: again };
    await pollUntil(w2, s.id, (st) => st === 'completed');
    const log = logOf(w2, s.id);
    assert.ok(!log.includes('half-written chunk'), 'the unrecorded tail was cut before appending');
    const states = log.split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepEqual(states, [...new Set(states)], 'no line twice');
    assert.equal(states.length, 6);
  });

  it('a lost /run answer: the session is unknown, says a job may exist, and nothing is sent again', async () => {
    const w = await world();
    w.standIn.inject({ route: 'run', kind: 'drop-answer' });
    await assert.rejects(startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps), /may have been created|RunPod console/i);
    const s = w.store.listSessions({ styleId: 'ink' })[0]!;
    assert.equal(s.status, 'unknown');
    assert.ok(s.backend.type === 'runpod' && s.backend.runUnconfirmed);
    assert.equal(runs(w), 1, 'one /run only');
    assert.equal(w.standIn.jobs.size, 1, 'the job did start on RunPod');
    assert.equal((await pollRunPodSession(w.store, s.id, w.deps)).final, true);
    assert.equal(runs(w), 1);
  });

  it('a wrong key: failed with "RunPod rejected the API key", the key itself nowhere', async () => {
    const w = await world();
    const deps: RunPodDeps = { client: (e) => new RunPodClient({ baseUrl: w.standIn.baseUrl, endpointId: e, apiKey: 'wrong-key-zzz', timeoutMs: 3000 }) };
    await assert.rejects(startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, deps), (e: Error) => /RunPod rejected the API key/.test(e.message) && !e.message.includes('wrong-key-zzz'));
    const s = w.store.listSessions({ styleId: 'ink' })[0]!;
    assert.equal(s.status, 'failed');
    assert.ok(!JSON.stringify(s).includes('wrong-key-zzz'));
  });

  it('refuses before any call: a dataset without a URL, no endpoint, invalid parameters', async () => {
    const w = await world();
    await w.store.updateStyle('ink', (s) => void (s.datasets = {}));
    await assert.rejects(startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps), /has no URL; RunPod workers cannot read local folders/);
    await w.store.updateStyle('ink', (s) => void (s.datasets = { set1: { url: DATASET_URL } }));
    await assert.rejects(startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1', parameters: { max_train_steps: -3 } }, w.deps), /max_train_steps/);
    await w.store.updateStyle('ink', (s) => void delete s.runpod);
    await assert.rejects(startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps), /No RunPod endpoint/);
    assert.equal(w.standIn.requests.length, 0);
    assert.equal(w.store.listSessions({ styleId: 'ink' }).length, 0, 'nothing written');
  });

  it('a worker failure: failed with the error’s message; resume passes the worker’s checkpoint and completes', async () => {
    const w = await world({}, { standin_fail_at_step: 25 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    assert.equal(await pollUntil(w, s.id, (st) => st === 'failed'), 'failed');
    const failed = w.store.getSession(s.id)!.session;
    assert.match(failed.error?.message ?? '', /CUDA out of memory/);
    assert.ok(failed.backend.type === 'runpod' && failed.backend.checkpoint?.ref.startsWith('standin://'), 'the checkpoint the worker reported');
    const resumed = await resumeRunPodSession(w.store, s.id, w.deps);
    assert.equal(resumed.attempts.length, 2);
    const ckptStep = (failed.backend as { checkpoint: { step: number } }).checkpoint.step;
    assert.equal(resumed.attempts[1]!.startStep, ckptStep);
    const job = w.standIn.jobs.get((resumed.backend as { jobId: string }).jobId)!;
    assert.equal(job.trainlab.resume?.step, ckptStep);
    // The stand-in fails at step 25 again only if the run passes it: it resumes from 20, so it will; lift the knob.
    assert.ok(job.trainlab.resume?.checkpoint.startsWith('standin://'));
  });

  it('a job that failed between two polls: its stream still names the newest checkpoint, and Resume starts there', async () => {
    const w = await world({}, { standin_fail_at_step: 25, save_every_n_steps: 5 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    const jobId = (s.backend as { jobId: string }).jobId;
    // Nobody polls while it runs and fails (the laptop slept): no progress update was ever read.
    const end = Date.now() + 20_000;
    while (w.standIn.jobs.get(jobId)?.status !== 'FAILED') {
      if (Date.now() > end) throw new Error(`the job did not fail: ${w.standIn.jobs.get(jobId)?.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(w.store.getSession(s.id)!.session.backend.type === 'runpod' && w.store.getSession(s.id)!.session.backend.checkpoint, undefined);
    assert.equal((await pollRunPodSession(w.store, s.id, w.deps)).status, 'failed');
    const checkpoint = (w.store.getSession(s.id)!.session.backend as { checkpoint?: { ref: string; step: number } }).checkpoint;
    assert.ok(checkpoint && checkpoint.ref.startsWith('standin://'), `a checkpoint from the stream: ${JSON.stringify(checkpoint)}`);
    assert.ok(checkpoint.step >= 5 && checkpoint.step <= 25, `step ${checkpoint.step}`);
    const resumed = await resumeRunPodSession(w.store, s.id, w.deps);
    assert.equal(resumed.attempts[1]!.startStep, checkpoint.step);
    assert.equal(w.standIn.jobs.get((resumed.backend as { jobId: string }).jobId)!.trainlab.resume?.checkpoint, checkpoint.ref);
    await cancelRunPodSession(w.store, resumed.id, w.deps);
  });

  it('RunPod Retry of a failed job runs the same id again; its stream counts from 1 without losing lines', async () => {
    const w = await world({}, { standin_fail_at_step: 15 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    await pollUntil(w, s.id, (st) => st === 'failed');
    const before = logOf(w, s.id).length;
    const retried = await retryRunPodSession(w.store, s.id, w.deps);
    assert.equal(retried.status, 'pending');
    assert.equal(retried.attempts.length, 2);
    await pollUntil(w, s.id, (st) => st === 'failed');
    assert.ok(logOf(w, s.id).length > before + 100, 'the rerun’s lines were appended');
    assert.equal(runs(w), 1, 'a retry is not a new /run');
  });

  it('TIMED_OUT becomes interrupted with the timeout named; a ttl expiry becomes unknown with its reason — never failed', async () => {
    const w = await world({ executionTimeoutMs: 400 }, { max_train_steps: 400, step_delay_ms: 20 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    assert.equal(await pollUntil(w, s.id, (st) => st === 'interrupted'), 'interrupted');
    assert.match(w.store.getSession(s.id)!.session.error?.message ?? '', /execution timeout/);

    const w2 = await world({ ttlMs: 1500 }, { max_train_steps: 400, step_delay_ms: 20 });
    const s2 = await startRunPodSession(w2.store, { styleId: 'ink', versionId: 'V1' }, w2.deps);
    await pollUntil(w2, s2.id, (st) => st === 'running');
    await new Promise((r) => setTimeout(r, 1800));
    assert.equal(await pollUntil(w2, s2.id, (st) => st !== 'running'), 'unknown');
    const gone = w2.store.getSession(s2.id)!.session;
    // (Which reason it names depends on the ttl Trainlab sent; the stand-in cut it shorter. status.test.ts covers both.)
    assert.match(gone.error?.message ?? '', /no longer knows job .*not necessarily a failure/s);
    assert.match(gone.error?.message ?? '', /last seen/i);
  });

  it('RunPod forgot a job that ended while nobody polled: its worker’s report gives the true outcome, every line once', async () => {
    const w = await world({}, { max_train_steps: 40, step_delay_ms: 25 });
    const s = await forgottenAfterOneLook(w);
    const r = await pollRunPodSession(w.store, s.id, w.deps);
    assert.deepEqual([r.status, r.final], ['completed', true]);
    const done = w.store.getSession(s.id)!.session;
    const b = done.backend as { reportStatus?: string; reportReadAt?: string; lastStatus?: string };
    assert.equal(b.reportStatus, 'COMPLETED');
    assert.ok(b.reportReadAt);
    assert.equal(remoteStatusWord(done.backend as never), "COMPLETED (worker's report)");
    assert.match(done.outputs.model ?? '', /^http:\/\/127\.0\.0\.1:\d+\/files\/.*\.safetensors$/);
    assert.equal(w.store.getVersion('ink', 'V1')!.modelUrl, done.outputs.model);
    assert.equal(done.progress?.step, 40);
    assert.ok(done.metricsSummary.finalLoss !== null, 'the final loss');
    const states = logOf(w, s.id).split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepEqual(states, ['saving state at step 10', 'saving state at step 20', 'saving state at step 30', 'saving state at step 40'], 'every line once: streamed before, the rest from the report');
    const metrics = readFileSync(paths.metrics(w.store.root, 'ink', s.id), 'utf8').trim().split('\n');
    assert.ok(metrics.length >= 3, `a loss curve: ${metrics.length} points`);
    assert.ok(readdirSync(join(paths.output(w.store.root, 'ink', s.id), 'samples')).length >= 2, 'samples copied');
    // Final: nothing more is asked of RunPod or of the report.
    const before = w.standIn.requests.length;
    assert.equal((await pollRunPodSession(w.store, s.id, w.deps)).final, true);
    assert.equal(w.standIn.requests.length, before);
  });

  it('a report that cannot be read now leaves the session as it was until a later poll reads it; one that is not there: unknown, with why', async () => {
    const w = await world({}, { max_train_steps: 30, step_delay_ms: 15 });
    const s = await forgottenAfterOneLook(w);
    w.standIn.inject({ route: 'reports', kind: 'status', code: 503 });
    await assert.rejects(pollRunPodSession(w.store, s.id, w.deps), (e: Error) => {
      assert.match(e.message, /The worker's report of job .* could not be read \(HTTP 503\); Trainlab tries again later\./);
      assert.doesNotMatch(e.message, /X-Amz-Signature/, 'a presigned query is a credential: never in a message');
      return true;
    });
    assert.equal(w.store.getSession(s.id)!.session.status, 'running', 'nothing decided on a failed read');
    assert.equal((await pollRunPodSession(w.store, s.id, w.deps)).status, 'completed');

    const w2 = await world({}, { max_train_steps: 30, step_delay_ms: 15 });
    const s2 = await forgottenAfterOneLook(w2);
    w2.standIn.inject({ route: 'reports', kind: 'status', code: 404 });
    const r = await pollRunPodSession(w2.store, s2.id, w2.deps);
    assert.deepEqual([r.status, r.final], ['unknown', true]);
    const message = w2.store.getSession(s2.id)!.session.error?.message ?? '';
    assert.match(message, /no longer knows job .*not necessarily a failure.* The worker's report says nothing more: the worker's report at http:\/\/127\.0\.0\.1:\d+\/reports\/.* is not there \(HTTP 404\)/s);
    assert.doesNotMatch(message, /X-Amz-Signature/);
    const reads = () => w2.standIn.requests.filter((q) => q.route === 'reports').length;
    const before = reads();
    await pollRunPodSession(w2.store, s2.id, w2.deps);
    assert.equal(reads(), before, 'an unknown session whose report was asked is not asked again');
  });

  it('a report that cannot be read when its link cannot be alive any more (ttl + 7 days): unknown, not waited for forever', async () => {
    const w = await world({}, { max_train_steps: 30, step_delay_ms: 15 });
    const s = await forgottenAfterOneLook(w);
    w.standIn.inject({ route: 'reports', kind: 'status', code: 503, times: 2 });
    await assert.rejects(pollRunPodSession(w.store, s.id, w.deps), /could not be read \(HTTP 503\); Trainlab tries again later/);
    const ttl = (w.store.getSession(s.id)!.session.backend as { policy: { ttl: number } }).policy.ttl;
    const later = { ...w.deps, now: () => new Date(Date.now() + ttl + 7 * 24 * 3600_000) };
    const r = await pollRunPodSession(w.store, s.id, later);
    assert.deepEqual([r.status, r.final], ['unknown', true]);
    assert.match(w.store.getSession(s.id)!.session.error?.message ?? '', /The worker's report says nothing more: the worker's report at http:\/\/127\.0\.0\.1:\d+\/reports\/\S+ could not be read \(HTTP 503\) before its link expired\.$/);
  });

  it('a job RunPod deleted at its ttl while it ran: interrupted from its report’s last word, and Resume starts from its checkpoint', async () => {
    const w = await world({}, { max_train_steps: 400, save_every_n_steps: 10, step_delay_ms: 20 });
    // A short ttl sent by Trainlab itself (so it knows the ttl has passed); RunPod's minimum of 5 s applies.
    const deps: RunPodDeps = { ...w.deps, ttlHours: 3 / 3600, executionTimeoutMinutes: 3 / 60 };
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, deps);
    const jobId = (s.backend as { jobId: string }).jobId;
    await pollUntil(w, s.id, () => !!(w.store.getSession(s.id)!.session.backend as { reportUrl?: string }).reportUrl);
    const end = Date.now() + 20_000;
    while (!w.standIn.deleted.has(jobId)) {
      if (Date.now() > end) throw new Error('the job was not deleted at its ttl');
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await pollRunPodSession(w.store, s.id, deps);
    assert.equal(r.status, 'interrupted');
    const gone = w.store.getSession(s.id)!.session;
    assert.match(gone.error?.message ?? '', /^RunPod deleted job \S+ while it ran: its ttl of 5 seconds from submission ran out\. Its worker last reported at .*, at step \d+ of 400, and never reported an end\. Resume continues from its checkpoint at step \d+\./s);
    const checkpoint = (gone.backend as { checkpoint?: { ref: string; step: number } }).checkpoint!;
    assert.ok(checkpoint.ref.startsWith('standin://') && checkpoint.step >= 10, JSON.stringify(checkpoint));
    const resumed = await resumeRunPodSession(w.store, s.id, w.deps);
    assert.equal(resumed.attempts[1]!.startStep, checkpoint.step);
    assert.equal(w.standIn.jobs.get((resumed.backend as { jobId: string }).jobId)!.trainlab.resume?.checkpoint, checkpoint.ref);
    assert.equal((resumed.backend as { reportUrl?: string }).reportUrl, undefined, 'the new job names its own report');
    await cancelRunPodSession(w.store, resumed.id, w.deps);
  });

  it('cancel sends /cancel and the session is cancelled; relaunch starts a new session with the same parameters', async () => {
    const w = await world({}, { max_train_steps: 400, step_delay_ms: 20 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    await pollUntil(w, s.id, (st) => st === 'running');
    const c = await cancelRunPodSession(w.store, s.id, w.deps);
    assert.equal(c.status, 'cancelled');
    assert.equal(w.standIn.jobs.get((c.backend as { jobId: string }).jobId)!.status, 'CANCELLED');
    const r = await relaunchRunPodSession(w.store, s.id, w.deps);
    assert.notEqual(r.id, s.id);
    assert.deepEqual(r.parameters, c.parameters);
    assert.equal(r.origin.type, 'relaunch');
    await cancelRunPodSession(w.store, r.id, w.deps);
  });

  it('two readers of one job: a chunk appended out of order still comes once, and none is lost', async () => {
    const w = await world({}, { max_train_steps: 400, step_delay_ms: 20 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, w.deps);
    const before = logOf(w, s.id);
    // The other reader got chunk 3 first; this one then gets 1 and 2; a replay of 2 and 3 adds nothing.
    await appendStream(w.store, s.id, [{ seq: 3, lines: ['line three'] }]);
    await appendStream(w.store, s.id, [{ seq: 1, lines: ['line one'] }, { seq: 2, lines: ['line two'] }]);
    await appendStream(w.store, s.id, [{ seq: 2, lines: ['line two'] }, { seq: 3, lines: ['line three'] }, { seq: 4, lines: ['line four'] }]);
    const added = logOf(w, s.id).slice(before.length).split('\n').filter((l) => l.startsWith('line '));
    assert.deepEqual(added, ['line three', 'line one', 'line two', 'line four']);
    const b = w.store.getSession(s.id)!.session.backend as { streamSeq: number; streamGaps?: number[] };
    assert.equal(b.streamSeq, 4);
    assert.equal(b.streamGaps, undefined);
    await cancelRunPodSession(w.store, s.id, w.deps);
  });

  it('connectRunPod: one client per endpoint, the key nowhere in what it returns, unset settings left out', async () => {
    const w = await world();
    const retries: number[] = [];
    const deps = connectRunPod({ baseUrl: w.standIn.baseUrl, apiKey: KEY, defaultEndpointId: ' standin-endpoint ', executionTimeoutMinutes: 0, ttlHours: 3, onRetry: (i) => retries.push(i.attempt) });
    assert.equal(deps.client('a'), deps.client('a'));
    assert.notEqual(deps.client('a'), deps.client('b'));
    assert.equal(deps.defaultEndpointId, 'standin-endpoint');
    assert.equal('executionTimeoutMinutes' in deps, false);
    assert.equal(deps.ttlHours, 3);
    assert.ok(!JSON.stringify(deps).includes(KEY) && !JSON.stringify(deps.client('a')).includes(KEY));
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, deps);
    assert.equal(await pollUntil({ ...w, deps }, s.id, (st) => st === 'completed'), 'completed');
    assert.deepEqual(connectRunPod({ baseUrl: w.standIn.baseUrl, apiKey: KEY, defaultEndpointId: '  ' }).defaultEndpointId, undefined);
  });
});
