import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { jobOutputSchema, jobReportSchema, progressUpdateSchema, streamChunkSchema } from '../../../src/core/backends/runpod/contract';
import type { StandIn, StandInOptions } from '../../support/runpod-standin';
import { startStandIn } from '../../support/runpod-standin';

/**
 * The stand-in RunPod endpoint itself, spoken to with plain fetch as a client would: job life,
 * /stream, RunPod's limits, faults. Trainer runs are a dozen steps of a few ms, so each job lasts
 * well under a second.
 */

const REPO = join(__dirname, '..', '..', '..');

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

type Obj = Record<string, unknown>;

const standIns: StandIn[] = [];

async function standIn(options: StandInOptions = {}): Promise<StandIn> {
  const s = await startStandIn({ queueMs: 100, streamBatchMs: 80, ...options });
  standIns.push(s);
  return s;
}

function runBody(parameters: Obj = {}, extra: { resume?: Obj | null; policy?: Obj | undefined } = {}): Obj {
  const trainlab = {
    schemaVersion: 1,
    style: { id: 'ink', name: 'Ink' },
    version: { id: 'v1', name: 'v1' },
    session: { id: 'ink-v1-1', attempt: 1 },
    trainer: 'demo',
    parameters: { max_train_steps: 12, save_every_n_steps: 4, step_delay_ms: 15, ...parameters },
    triggerToken: 'inkstyle',
    dataset: { id: null, url: 'https://example.com/ink.zip', imageCount: null },
    resume: extra.resume ?? null,
  };
  return { input: { trainlab }, ...('policy' in extra ? (extra.policy ? { policy: extra.policy } : {}) : { policy: { executionTimeout: 3600_000, ttl: 7200_000 } }) };
}

async function call(s: StandIn, method: 'GET' | 'POST', route: string, body?: unknown, init: { key?: string | null; timeoutMs?: number; raw?: string } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const key = init.key === undefined ? s.apiKey : init.key;
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  const res = await fetch(`${s.baseUrl}/${s.endpointId}/${route}`, {
    method,
    headers,
    ...(init.raw !== undefined ? { body: init.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the malformed-answer test looks at it
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

async function submit(s: StandIn, parameters: Obj = {}, extra: { resume?: Obj | null } = {}): Promise<string> {
  const r = await call(s, 'POST', 'run', runBody(parameters, extra));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((r.body as Obj).status, 'IN_QUEUE');
  return (r.body as Obj).id as string;
}

/** Polls /status until `until` holds; every answer goes to `seen`. */
async function poll(s: StandIn, id: string, until: (a: Obj) => boolean, seen: Obj[] = [], timeoutMs = 15_000): Promise<Obj> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(s, 'GET', `status/${id}`);
    assert.equal(r.status, 200, `status ${r.status}: ${JSON.stringify(r.body)}`);
    const a = r.body as Obj;
    seen.push(a);
    if (until(a)) return a;
    if (Date.now() > end) throw new Error(`timed out; last answer ${JSON.stringify(a)}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
}

const isFinal = (a: Obj) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'].includes(a.status as string);

/** Reads /stream (SDK shape) until the job is final and nothing is left. */
async function drainStream(s: StandIn, id: string): Promise<unknown[]> {
  const items: unknown[] = [];
  for (;;) {
    const r = await call(s, 'GET', `stream/${id}`);
    const b = r.body as { status: string; stream: { output: unknown }[] };
    items.push(...b.stream.map((e) => e.output));
    if (isFinal(b) && b.stream.length === 0) return items;
    await new Promise((resolve) => setTimeout(resolve, 60));
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RunPod stand-in', function () {
  this.timeout(20_000);
  let s: StandIn;

  before(async () => {
    s = await standIn();
  });

  after(async () => {
    await Promise.all(standIns.map((x) => x.close()));
  });

  it('runs a job: IN_QUEUE, IN_PROGRESS with contract progress, COMPLETED with a fetchable model', async () => {
    const id = await submit(s, { sample_every_n_steps: 6 });
    const seen: Obj[] = [];
    const final = await poll(s, id, isFinal, seen);
    const progress = seen.filter((a) => a.status === 'IN_PROGRESS' && a.output !== undefined).map((a) => progressUpdateSchema.parse(a.output));
    assert.ok(progress.length > 0, 'no progress seen');
    assert.ok(progress.every((p) => p.total === 12));
    assert.equal(final.status, 'COMPLETED', JSON.stringify(final));
    assert.ok((final.delayTime as number) >= 100, 'it waited in the queue');
    assert.equal(typeof final.executionTime, 'number');
    assert.match(final.workerId as string, /^standin-worker-/);
    const output = jobOutputSchema.parse(final.output);
    assert.equal(output.metrics?.steps, 12);
    assert.equal(output.checkpoint?.step, 12);
    assert.match(output.checkpoint!.ref, /^standin:\/\//);
    const model = await fetch(output.model!, { signal: AbortSignal.timeout(5000) });
    assert.equal(model.status, 200);
    assert.ok((await model.arrayBuffer()).byteLength > 100);
    assert.equal(output.samples?.length, 2);
    const png = Buffer.from(await (await fetch(output.samples![0]!, { signal: AbortSignal.timeout(5000) })).arrayBuffer());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
  });

  it('hands out each stream chunk once, numbered from 1 without gaps', async () => {
    const id = await submit(s, { max_train_steps: 16 });
    const items = await drainStream(s, id);
    const chunks = items.map((i) => streamChunkSchema.parse(i));
    assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
    assert.deepEqual(chunks.map((c) => c.seq), chunks.map((_, i) => i + 1));
    const lines = chunks.flatMap((c) => c.lines);
    assert.ok(lines.some((l) => l.includes('total optimization steps')));
    assert.ok(lines.some((l) => /^steps: 100%.* 16\/16 /.test(l)), 'the closed progress bar is a line');
    assert.ok(lines.includes('model saved.'));
    assert.ok(!lines.some((l) => l.includes('\r') || l.includes('\n')));
    const again = await call(s, 'GET', `stream/${id}`);
    assert.deepEqual(again.body, { status: 'COMPLETED', stream: [] });
  });

  it('fails a job as a handler exception: error is a JSON string, the log has the traceback', async () => {
    const id = await submit(s, { max_train_steps: 40, standin_fail_at_step: 6 });
    const final = await poll(s, id, isFinal);
    assert.equal(final.status, 'FAILED');
    assert.equal(typeof final.error, 'string');
    const error = JSON.parse(final.error as string) as Obj;
    assert.deepEqual(Object.keys(error).sort(), ['error_message', 'error_traceback', 'error_type', 'hostname', 'runpod_version', 'worker_id']);
    assert.equal(error.error_type, 'RuntimeError');
    assert.match(error.error_message as string, /CUDA out of memory/);
    assert.equal(final.output, undefined);
    assert.ok(s.jobs.get(id)!.lines.some((l) => l.startsWith('torch.OutOfMemoryError: CUDA out of memory')));

    const bad = await submit(s, { network_dim: 999 });
    const badFinal = await poll(s, bad, isFinal);
    assert.equal(badFinal.status, 'FAILED');
    assert.match((JSON.parse(badFinal.error as string) as Obj).error_message as string, /exited with status 2: .*--network_dim must be/);
  });

  it('cancels a running job (its trainer is killed) and a queued one', async () => {
    const id = await submit(s, { max_train_steps: 500, step_delay_ms: 20 });
    await poll(s, id, (a) => a.status === 'IN_PROGRESS');
    await eventually(() => s.jobs.get(id)!.pid !== null);
    const pid = s.jobs.get(id)!.pid!;
    const r = await call(s, 'POST', `cancel/${id}`);
    assert.deepEqual(r.body, { id, status: 'CANCELLED' });
    await eventually(() => processGone(pid));
    assert.equal(((await call(s, 'GET', `status/${id}`)).body as Obj).status, 'CANCELLED');

    const slow = await standIn({ queueMs: 60_000 });
    const queued = await submit(slow);
    assert.deepEqual((await call(slow, 'POST', `cancel/${queued}`)).body, { id: queued, status: 'CANCELLED' });
  });

  it('times a job out after its execution timeout', async () => {
    const t = await standIn({ executionTimeoutMs: 700 });
    const id = await submit(t, { max_train_steps: 500, step_delay_ms: 20 });
    const final = await poll(t, id, isFinal);
    assert.equal(final.status, 'TIMED_OUT');
    assert.ok((final.executionTime as number) >= 700);
    assert.deepEqual(t.jobs.get(id)!.policy, { executionTimeout: 700, ttl: 7200_000 });
    assert.deepEqual(t.jobs.get(id)!.requestedPolicy, { executionTimeout: 3600_000, ttl: 7200_000 });
  });

  it('retries a FAILED job under the same id: a new run, its stream numbered from 1 again', async () => {
    const id = await submit(s, { max_train_steps: 40, standin_fail_at_step: 4 });
    await poll(s, id, isFinal);
    await drainStream(s, id);
    const r = await call(s, 'POST', `retry/${id}`);
    assert.deepEqual(r.body, { id, status: 'IN_QUEUE' });
    const final = await poll(s, id, isFinal);
    assert.equal(final.status, 'FAILED');
    assert.equal(s.jobs.get(id)!.run, 2);
    const chunks = (await drainStream(s, id)).map((i) => streamChunkSchema.parse(i));
    assert.equal(chunks[0]!.seq, 1);

    const done = await submit(s);
    await poll(s, done, isFinal);
    const refused = await call(s, 'POST', `retry/${done}`);
    assert.equal(refused.status, 400);
    assert.match((refused.body as Obj).error as string, /only a FAILED or TIMED_OUT job/);
  });

  it('deletes a job when its ttl runs out, even while it runs: 404 from then on', async () => {
    const t = await standIn({ ttlMs: 900 });
    const id = await submit(t, { max_train_steps: 500, step_delay_ms: 20 });
    await poll(t, id, (a) => a.status === 'IN_PROGRESS');
    await eventually(() => t.jobs.get(id)?.pid != null);
    const pid = t.jobs.get(id)!.pid!;
    await eventually(() => !t.jobs.has(id), 5000);
    assert.equal((await call(t, 'GET', `status/${id}`)).status, 404);
    assert.equal(t.deleted.get(id), 'ttl');
    await eventually(() => processGone(pid));

    const other = await submit(s);
    s.expireJob(other);
    assert.equal((await call(s, 'GET', `status/${other}`)).status, 404);
  });

  it('drops final results after the retention time: 404', async () => {
    const t = await standIn({ retentionMs: 400 });
    const id = await submit(t);
    await poll(t, id, isFinal);
    await eventually(() => !t.jobs.has(id), 3000);
    const r = await call(t, 'GET', `status/${id}`);
    assert.equal(r.status, 404);
    assert.deepEqual(r.body, { error: 'request does not exist' });

    const other = await submit(s);
    assert.throws(() => s.finishRetention(other), /only a final job/);
    await poll(s, other, isFinal);
    s.finishRetention(other);
    assert.equal((await call(s, 'GET', `status/${other}`)).status, 404);
  });

  it('keeps a durable report per run: named in chunk 1 and the progress, final at the end, served after the job is gone', async () => {
    const t = await standIn({ retentionMs: 60_000 });
    const id = await submit(t, { max_train_steps: 12 });
    const seen: Obj[] = [];
    await poll(t, id, isFinal, seen);
    const url = t.jobs.get(id)!.reportUrl!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/reports\/[^/]+\/1\?X-Amz-Signature=/);
    const updates = seen.filter((a) => a.status === 'IN_PROGRESS' && a.output !== undefined).map((a) => progressUpdateSchema.parse(a.output));
    assert.ok(updates.length > 0 && updates.every((u) => u.report === url), 'every progress update names the report');
    const chunks = (await drainStream(t, id)).map((i) => streamChunkSchema.parse(i));
    assert.equal(chunks[0]!.report, url);
    assert.ok(chunks.slice(1).every((c) => c.report === undefined), 'only the first chunk names it');
    t.finishRetention(id);
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    const report = jobReportSchema.parse(await res.json());
    assert.equal(report.jobId, id);
    assert.equal(report.status, 'COMPLETED');
    assert.equal(report.output?.metrics?.steps, 12);
    assert.deepEqual(report.chunks.map((c) => c.seq), chunks.map((c) => c.seq), 'the report holds every chunk of the run');

    // A run RunPod stops never writes its end; a worker without reports names none.
    const cancelled = await submit(t, { max_train_steps: 500, step_delay_ms: 20 });
    await poll(t, cancelled, (a) => a.status === 'IN_PROGRESS' && a.output !== undefined);
    await call(t, 'POST', `cancel/${cancelled}`);
    const last = jobReportSchema.parse(await (await fetch(t.jobs.get(cancelled)!.reportUrl!)).json());
    assert.equal(last.status, 'IN_PROGRESS');
    assert.equal((await fetch(url.replace(/\/1\?/, '/2?'))).status, 404, 'no report of a run that never was');
    const none = await standIn({ reports: false });
    const plain = await submit(none, { max_train_steps: 6 });
    await poll(none, plain, isFinal);
    assert.equal(none.jobs.get(plain)!.reportUrl, undefined);
    assert.ok((await drainStream(none, plain)).every((i) => (i as Obj).report === undefined));
  });

  it('checks the key, the endpoint, the job id and the input', async () => {
    assert.equal((await call(s, 'GET', 'health', undefined, { key: null })).status, 401);
    assert.equal((await call(s, 'GET', 'health', undefined, { key: 'wrong' })).status, 401);
    const elsewhere = await fetch(`${s.baseUrl}/nope/health`, { headers: { Authorization: `Bearer ${s.apiKey}` }, signal: AbortSignal.timeout(5000) });
    assert.equal(elsewhere.status, 404);
    assert.equal((await call(s, 'GET', 'status/no-such-job')).status, 404);
    const body = runBody();
    ((body.input as Obj).trainlab as Obj).schemaVersion = 2;
    const wrong = await call(s, 'POST', 'run', body);
    assert.equal(wrong.status, 400);
    assert.match((wrong.body as Obj).error as string, /^input\.trainlab\.schemaVersion: /);
    const big = await call(s, 'POST', 'run', undefined, { raw: JSON.stringify({ ...runBody(), pad: 'x'.repeat(10 * 1024 * 1024) }) });
    assert.equal(big.status, 400);
    assert.match((big.body as Obj).error as string, /over 10 MB/);
    const noPolicy = await call(s, 'POST', 'run', runBody({}, { policy: undefined }));
    const job = s.jobs.get((noPolicy.body as Obj).id as string)!;
    assert.deepEqual(job.policy, { executionTimeout: 600_000, ttl: 86_400_000 });
    assert.equal(job.requestedPolicy, undefined);
  });

  it('injects 429 with Retry-After, 500 and a malformed answer, each once', async () => {
    s.inject({ route: 'status', kind: 'status', code: 429, retryAfter: 2 });
    s.inject({ route: 'health', kind: 'status', code: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' });
    const id = await submit(s);
    const limited = await call(s, 'GET', `status/${id}`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '2');
    assert.equal((await call(s, 'GET', 'health')).headers.get('retry-after'), 'Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal((await call(s, 'GET', `status/${id}`)).status, 200);

    s.inject({ route: 'stream', kind: 'status', code: 500, times: 2 });
    assert.equal((await call(s, 'GET', `stream/${id}`)).status, 500);
    assert.equal((await call(s, 'GET', `stream/${id}`)).status, 500);
    assert.equal((await call(s, 'GET', `stream/${id}`)).status, 200);

    s.inject({ route: 'status', kind: 'malformed' });
    const res = await fetch(`${s.baseUrl}/${s.endpointId}/status/${id}`, { headers: { Authorization: `Bearer ${s.apiKey}` }, signal: AbortSignal.timeout(5000) });
    assert.equal(res.status, 200);
    await assert.rejects(res.json());
    assert.deepEqual(s.pendingFaults(), []);
    assert.deepEqual(s.requests.filter((r) => r.fault).map((r) => [r.route, r.status, r.fault]), [
      ['status', 429, 'status'], ['health', 429, 'status'], ['stream', 500, 'status'], ['stream', 500, 'status'], ['status', 200, 'malformed'],
    ]);
  });

  it('answers later than the client waits (slow), and resets connections', async () => {
    s.inject({ route: 'health', kind: 'slow', delayMs: 600 });
    await assert.rejects(call(s, 'GET', 'health', undefined, { timeoutMs: 150 }));
    await eventually(() => s.requests.some((r) => r.fault === 'slow' && r.status === 200));

    const before = s.jobs.size;
    s.inject({ route: 'run', kind: 'reset' });
    await assert.rejects(call(s, 'POST', 'run', runBody()));
    assert.equal(s.jobs.size, before, 'a reset request does nothing');
  });

  it('loses the /run answer after starting the job (drop-answer)', async () => {
    const before = new Set(s.jobs.keys());
    s.inject({ route: 'run', kind: 'drop-answer' });
    await assert.rejects(call(s, 'POST', 'run', runBody()));
    const created = [...s.jobs.keys()].filter((k) => !before.has(k));
    assert.equal(created.length, 1);
    assert.equal((await poll(s, created[0]!, isFinal)).status, 'COMPLETED');
    assert.equal(s.requests.find((r) => r.fault === 'drop-answer')!.status, null);
  });

  it('resumes from a checkpoint ref it handed out, continuing at its step', async () => {
    const first = await submit(s, { max_train_steps: 8 });
    const done = jobOutputSchema.parse((await poll(s, first, isFinal)).output);
    const ref = done.checkpoint!.ref;
    const resumed = await submit(s, { max_train_steps: 14 }, { resume: { checkpoint: ref, step: 8 } });
    const seen: Obj[] = [];
    const final = await poll(s, resumed, isFinal, seen);
    assert.equal(final.status, 'COMPLETED', JSON.stringify(final));
    const steps = seen.filter((a) => a.status === 'IN_PROGRESS' && a.output).map((a) => progressUpdateSchema.parse(a.output).step);
    assert.ok(steps.length > 0 && steps.every((n) => n >= 8), `steps ${steps.join(',')}`);
    const output = jobOutputSchema.parse(final.output);
    assert.equal(output.metrics?.steps, 14);
    assert.equal(output.checkpoint?.step, 14);
    assert.ok(s.jobs.get(resumed)!.lines.some((l) => l.startsWith('resume training from local state')));

    const unknown = await submit(s, {}, { resume: { checkpoint: 's3://bucket/elsewhere-state', step: 4 } });
    const failed = await poll(s, unknown, isFinal);
    assert.equal(failed.status, 'FAILED');
    assert.match((JSON.parse(failed.error as string) as Obj).error_message as string, /unknown checkpoint reference/);
  });

  it('counts jobs in /health and purges the queue', async () => {
    const h = await standIn({ maxWorkers: 1, queueMs: 400 });
    const ok = await submit(h);
    const bad = await submit(h, { standin_fail_at_step: 2, max_train_steps: 30 });
    const health1 = (await call(h, 'GET', 'health')).body as { jobs: Obj; workers: Obj };
    assert.equal(health1.jobs.inQueue, 2);
    assert.equal(health1.workers.idle, 1);
    await poll(h, ok, (a) => a.status === 'IN_PROGRESS');
    const health2 = (await call(h, 'GET', 'health')).body as { jobs: Obj; workers: Obj };
    assert.deepEqual([health2.jobs.inProgress, health2.jobs.inQueue, health2.workers.running], [1, 1, 1]);
    await poll(h, bad, isFinal);
    await call(h, 'POST', `retry/${bad}`);
    await poll(h, bad, isFinal);
    const health3 = (await call(h, 'GET', 'health')).body as { jobs: Obj };
    assert.deepEqual(health3.jobs, { completed: 1, failed: 2, inProgress: 0, inQueue: 0, retried: 1 });

    const q = await standIn({ queueMs: 60_000 });
    const a = await submit(q);
    await submit(q);
    assert.deepEqual((await call(q, 'POST', 'purge-queue')).body, { removed: 2, status: 'completed' });
    assert.equal((await call(q, 'GET', `status/${a}`)).status, 404);
  });

  it('speaks other workers\' shapes: bare /stream, "4/10" progress, aggregated generator output', async () => {
    const o = await standIn({ streamShape: 'bare', progressStyle: 'fraction-string', finalOutput: 'aggregate' });
    const id = await submit(o);
    const seen: Obj[] = [];
    const final = await poll(o, id, isFinal, seen);
    const progress = seen.filter((a) => a.status === 'IN_PROGRESS' && a.output !== undefined).map((a) => a.output);
    assert.ok(progress.length > 0 && progress.every((p) => typeof p === 'string' && /^\d+\/12$/.test(p)), JSON.stringify(progress));
    const all = final.output as unknown[];
    assert.ok(Array.isArray(all));
    const last = all.at(-1) as { result: unknown };
    assert.equal(jobOutputSchema.parse(last.result).metrics?.steps, 12);
    const stream = (await call(o, 'GET', `stream/${id}`)).body as { output: unknown }[];
    assert.ok(Array.isArray(stream));
    assert.deepEqual(stream.at(-1)!.output, last);

    const p = await standIn({ progressStyle: 'percent' });
    const pid = await submit(p, { max_train_steps: 300, step_delay_ms: 10 });
    const answer = await poll(p, pid, (a) => a.status === 'IN_PROGRESS' && typeof a.output === 'string');
    assert.match(answer.output as string, /^\d{1,3}%$/);
    await call(p, 'POST', `cancel/${pid}`);
  });

  it('runs as its own process: one JSON line, then serves until SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'runpod-standin', 'main.ts'), '--api-key', 'k1', '--endpoint', 'ep1', '--queue-ms', '50'], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      const info = JSON.parse(first) as { baseUrl: string; endpointId: string; apiKey: string };
      assert.equal(info.endpointId, 'ep1');
      assert.equal(info.apiKey, 'k1');
      const r = await fetch(`${info.baseUrl}/ep1/health`, { headers: { Authorization: 'Bearer k1' }, signal: AbortSignal.timeout(5000) });
      assert.equal(r.status, 200);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));
    assert.equal(code, 0);
  });
});

describe('examples/runpod-worker', () => {
  // The worker cannot run here (no RunPod SDK, no GPU): its protocol is the stand-in's above.
  it('the Python worker’s job report fits the contract: named in chunk 1, IN_PROGRESS while it runs, the outcome at the end (skipped without python3)', function () {
    const probe = spawnSync('python3', ['--version']);
    if (probe.error || probe.status !== 0) this.skip();
    const script = `
import asyncio, json, sys
sys.path.insert(0, sys.argv[1])
import report as rp
rp.REPORT_SECONDS = 3600

class Uploads:
    def __init__(self, fail=False):
        self.objects, self.fail = {}, fail
    def report_location(self, token):
        key = "trainlab/ink/s1/job-1/report-" + token + ".json"
        return key, "https://bucket.example.com/" + key + "?X-Amz-Signature=abc"
    def put_json(self, key, body):
        if self.fail:
            raise OSError("AccessDenied")
        self.objects[key] = json.dumps(body)

async def main():
    up = Uploads()
    r = rp.JobReport(up, "job-1")
    first = r.add_chunk({"seq": 1, "lines": ["hello"]})
    await asyncio.sleep(0.05)
    started = json.loads(up.objects[r.key])
    r.progress = lambda: {"step": 10, "total": 40, "loss": 0.2, "checkpoint": {"ref": "s3://b/k/ck-10/", "step": 10}, "report": r.url}
    second = r.add_chunk({"seq": 2, "lines": ["world"]})
    r.touch(force=True)
    await asyncio.sleep(0.05)
    during = json.loads(up.objects[r.key])
    await r.finish("COMPLETED", output={"model": "https://x/m.safetensors", "samples": [], "metrics": {"finalLoss": 0.1, "steps": 40}, "checkpoint": {"ref": "s3://b/k/ck-40/", "step": 40}})
    final = json.loads(up.objects[r.key])
    bad = rp.JobReport(Uploads(fail=True), "job-2")
    await bad.finish("FAILED", error=json.dumps({"error_type": "RuntimeError", "error_message": "boom"}))
    print(json.dumps({"url": r.url, "first": first, "second": second, "started": started, "during": during, "final": final, "problem": bad.problem}))

asyncio.run(main())
`;
    const r = spawnSync('python3', ['-c', script, join(REPO, 'examples', 'runpod-worker')], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(streamChunkSchema.parse(out.first).report, out.url);
    assert.equal(streamChunkSchema.parse(out.second).report, undefined);
    const started = jobReportSchema.parse(out.started);
    assert.deepEqual([started.status, started.progress, started.chunks.length], ['IN_PROGRESS', null, 1]);
    const during = jobReportSchema.parse(out.during);
    assert.deepEqual([during.status, during.progress?.step, during.progress?.report, during.chunks.length], ['IN_PROGRESS', 10, out.url, 2]);
    const final = jobReportSchema.parse(out.final);
    assert.deepEqual([final.status, final.output?.model, final.output?.checkpoint?.step, final.chunks.map((c) => c.seq)], ['COMPLETED', 'https://x/m.safetensors', 40, [1, 2]]);
    assert.match(out.problem as string, /^trainlab worker: could not write the job report: AccessDenied$/, 'a report that cannot be written costs the report, not the run');
  });

  it('its Python files compile (skipped without python3)', function () {
    const probe = spawnSync('python3', ['--version']);
    if (probe.error || probe.status !== 0) this.skip();
    const dir = join(REPO, 'examples', 'runpod-worker');
    const files = readdirSync(dir).filter((f) => f.endsWith('.py'));
    assert.ok(files.includes('handler.py'));
    // The bytecode goes to a temporary folder, not a __pycache__ beside the example.
    const cache = mkdtempSync(join(tmpdir(), 'trainlab-pycache-'));
    try {
      const r = spawnSync('python3', ['-m', 'py_compile', ...files.map((f) => join(dir, f))], { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: cache } });
      assert.equal(r.status, 0, r.stderr);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
