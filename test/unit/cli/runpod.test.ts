import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from '../../../src/core/model';
import { WorkspaceStore } from '../../../src/core/store';
import { startStandIn, type StandIn, type StandInOptions } from '../../support/runpod-standin';
import { BUILT, DIST, tempWorkspace, type RunOptions, type RunResult, type TempWorkspace } from './helpers';

/**
 * The RunPod commands of the CLI, end to end against the stand-in endpoint (its worker runs the
 * real demo trainer): the CLI runs in this process from source, except where a CLI process is
 * killed mid-job (dist/cli.js). Few steps and short delays keep each test to a few seconds.
 * At the end, the API key is looked for in every file of every workspace and in everything the
 * CLI printed: it must be nowhere.
 */

const KEY = 'rp_CLIKEY_5f1e2d3c4b5a69788796a5b4';
const WRONG_KEY = 'rp_WRONGKEY_0a1b2c3d4e5f60718293';
const DATASET_URL = 'https://datasets.example.com/ink.zip';
const CLI = join(DIST, 'cli.js');
const FINAL = ['completed', 'failed', 'cancelled', 'interrupted', 'unknown'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Everything any CLI run printed, and every workspace and stand-in, for the checks at the end. */
const printed: string[] = [];
const workspaces: TempWorkspace[] = [];
const standIns: StandIn[] = [];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

interface World {
  ws: TempWorkspace;
  standIn: StandIn;
  /** The CLI with the RunPod environment (plus `env`, where a value of undefined removes a variable). */
  run(...argv: string[]): Promise<RunResult>;
  runWith(options: RunOptions, ...argv: string[]): Promise<RunResult>;
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Requests of a route so far. */
  count(route: string): number;
  /** A fresh read of the workspace (the CLI wrote it from another store). */
  store(): Promise<WorkspaceStore>;
}

/**
 * A workspace with style `ink` (demo trainer, dataset `set1` at a URL, endpoint from
 * TRAINLAB_RUNPOD_ENDPOINT_ID) and version V1 with `parameters`, and a stand-in endpoint.
 */
async function world(parameters: Record<string, unknown> = {}, options: StandInOptions = {}): Promise<World> {
  const standIn = await startStandIn({ apiKey: KEY, queueMs: 100, streamBatchMs: 60, ...options });
  standIns.push(standIn);
  const ws = tempWorkspace();
  workspaces.push(ws);
  const env = (extra: NodeJS.ProcessEnv = {}) => {
    const all: NodeJS.ProcessEnv = {
      NO_COLOR: '1',
      TRAINLAB_FOLLOW_INTERVAL_MS: '100',
      TRAINLAB_RUNPOD_API_KEY: KEY,
      TRAINLAB_RUNPOD_BASE_URL: standIn.baseUrl,
      TRAINLAB_RUNPOD_ENDPOINT_ID: standIn.endpointId,
      ...extra,
    };
    for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
    return all;
  };
  const runWith = async (o: RunOptions, ...argv: string[]) => {
    const r = await ws.runWith({ ...o, env: env(o.env) }, ...argv);
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const w: World = {
    ws,
    standIn,
    env,
    runWith,
    run: (...argv) => runWith({}, ...argv),
    count: (route) => standIn.requests.filter((r) => r.route === route).length,
    async store() {
      const s = new WorkspaceStore(ws.root);
      await s.load();
      return s;
    },
  };
  assert.equal((await w.run('init')).code, 0);
  const store = await w.store();
  await store.createStyle({ id: 'ink', name: 'Ink', trainer: 'demo', triggerToken: 'inkw' });
  await store.updateStyle('ink', (s) => void (s.datasets = { set1: { url: DATASET_URL } }));
  await store.addVersion('ink', { id: 'V1', parameters: { max_train_steps: 30, save_every_n_steps: 10, sample_every_n_steps: 1000, step_delay_ms: 10, ...parameters }, datasetId: 'set1' });
  return w;
}

async function statusOf(w: World, id: string): Promise<Session> {
  const r = await w.run('status', id, '--json');
  assert.equal(r.code, 0, r.stderr);
  return r.json<Session>();
}

/** Polls through `trainlab status` until the session is final (or `until` holds). */
async function waitStatus(w: World, id: string, until: (s: Session) => boolean = (s) => FINAL.includes(s.status)): Promise<Session> {
  return waitFor(`session ${id}`, async () => {
    const s = await statusOf(w, id);
    return until(s) ? s : undefined;
  });
}

/** `start ink V1 --backend runpod --json`: the session. */
async function start(w: World, ...more: string[]): Promise<Session> {
  const r = await w.run('start', 'ink', 'V1', '--backend', 'runpod', '--json', ...more);
  assert.equal(r.code, 0, r.stderr);
  return r.json<Session>();
}

const jobOf = (s: Session) => (s.backend as { jobId?: string }).jobId!;
const stateLines = (text: string) => text.split('\n').filter((l) => /^saving state at step \d+$/.test(l));

describe('trainlab on RunPod (stand-in endpoint, real demo trainer)', function () {
  this.timeout(60_000);

  before(function () {
    if (!BUILT) {
      console.log('      dist/demo-trainer.js is not built (run "node esbuild.mjs"); skipping the RunPod CLI tests');
      this.skip();
    }
  });

  after(async () => {
    for (const s of standIns) await s.close();
    try {
      for (const ws of workspaces) {
        for (const f of filesUnder(ws.dir)) {
          const bytes = readFileSync(f);
          assert.ok(!bytes.includes(KEY) && !bytes.includes(WRONG_KEY), `an API key leaked into ${f}`);
        }
      }
      printed.forEach((text, i) => assert.ok(!text.includes(KEY) && !text.includes(WRONG_KEY), `an API key was printed (output ${i}): ${text.slice(0, 200)}`));
      assert.ok(printed.length > 50, 'the outputs were collected');
    } finally {
      for (const ws of workspaces) ws.cleanup();
    }
  });

  it('start → status → completed with the model URL; status shows job, RunPod status, queue delay, worker, last seen', async () => {
    const w = await world();
    const started = await w.run('start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(started.code, 0, started.stderr);
    const id = /^Started session (\S+) of ink\/V1 on RunPod \(endpoint standin-endpoint, trainer demo\)\./.exec(started.stdout)?.[1];
    assert.ok(id, started.stdout);
    const job = /\n {2}job: +(\S+) \(RunPod: IN_QUEUE\)\n/.exec(started.stdout)?.[1];
    assert.ok(job && w.standIn.jobs.has(job), started.stdout);
    assert.match(started.stdout, new RegExp(`follow: trainlab logs ${id} --follow`));

    // Without the key, a pending RunPod session is shown as on file, its row says why, exit 1.
    const noKey = await w.runWith({ env: { TRAINLAB_RUNPOD_API_KEY: undefined } }, 'status');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stdout, new RegExp(`${id} +ink +V1 +… pending`));
    assert.match(noKey.stdout, /! not refreshed from RunPod: TRAINLAB_RUNPOD_API_KEY is not set/);

    const done = await waitStatus(w, id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.match(done.outputs.model ?? '', /^http:\/\/127\.0\.0\.1:\d+\/files\/.+\/ink\.safetensors$/);
    assert.equal(w.count('run'), 1);

    const shown = await w.run('status', 'ink', 'V1');
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /status +✓ completed/);
    assert.match(shown.stdout, new RegExp(`job +${job}\\n`));
    assert.match(shown.stdout, /RunPod +COMPLETED, ran \d/);
    assert.match(shown.stdout, /queue delay +\d+\.\ds\n/);
    assert.match(shown.stdout, /worker +standin-worker-\d\n/);
    assert.match(shown.stdout, /last seen +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(\d+s ago\)/);
    assert.match(shown.stdout, /model +http:\/\/127\.0\.0\.1:\d+\/files\/\S+\/ink\.safetensors/);
    assert.match(shown.stdout, /1 +\S+ \S+ +\S+ \S+ +- +0 +completed\n/);
    const versions = await w.run('versions', 'ink', '--json');
    assert.equal(versions.json<{ modelUrl: string }[]>()[0]!.modelUrl, done.outputs.model);

    const logs = await w.run('logs', id, '--tail', '500');
    assert.equal(logs.code, 0, logs.stderr);
    assert.deepEqual(stateLines(logs.stdout), ['saving state at step 10', 'saving state at step 20', 'saving state at step 30'], 'each streamed line once');
    assert.match(logs.stdout, /\[trainlab\] .*submitting V1 \(attempt 1\) to RunPod endpoint standin-endpoint/);

    // Nothing pending any more; a final session asks RunPod nothing.
    const before = w.standIn.requests.length;
    const none = await w.run('status');
    assert.equal(none.code, 0);
    assert.match(none.stdout, /No session is pending or running/);
    assert.equal((await w.run('status', id)).code, 0);
    assert.equal(w.standIn.requests.length, before);
  });

  it('the backend comes from the version or the style, the endpoint from --endpoint, the style or TRAINLAB_RUNPOD_ENDPOINT_ID', async () => {
    const w = await world();
    const store = await w.store();
    await store.updateStyle('ink', (s) => void (s.backend = 'runpod'));
    const implicit = await w.run('start', 'ink/V1', '--json');
    assert.equal(implicit.code, 0, implicit.stderr);
    const s = implicit.json<Session>();
    assert.deepEqual([s.backend.type, (s.backend as { endpointId: string }).endpointId], ['runpod', 'standin-endpoint']);
    await waitStatus(w, s.id);

    const other = await w.run('start', 'ink', 'V1', '--endpoint', 'other-endpoint');
    assert.equal(other.code, 1);
    assert.match(other.stderr, /RunPod found no endpoint "other-endpoint"/);
    assert.match(other.stderr, /session \S+ is recorded as failed: trainlab status \S+/);
    assert.ok(w.standIn.requests.some((r) => r.route === 'run' && r.path === '/v2/other-endpoint/run'));

    const local = await w.run('start', 'ink', 'V1', '--backend', 'local', '--endpoint', 'x');
    assert.equal(local.code, 2);
    assert.match(local.stderr, /--endpoint is for sessions on RunPod/);
    assert.equal(w.count('run'), 2);
  });

  it('start --follow prints the streamed lines once and the progress until completed (exit 0)', async () => {
    const w = await world({ max_train_steps: 40 });
    const r = await w.run('start', 'ink', 'V1', '--backend', 'runpod', '--follow');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(Ctrl\+C stops following; the job goes on on RunPod\)/);
    assert.deepEqual(stateLines(r.stdout), ['saving state at step 10', 'saving state at step 20', 'saving state at step 30', 'saving state at step 40']);
    assert.match(r.stdout, /\nRunPod: IN_PROGRESS \(worker standin-worker-\d, queued \d+\.\ds\)\n/);
    assert.match(r.stdout, /\n\d\d:\d\d:\d\d {2}V1 +\d+% {2}\d+\/40/);
    assert.match(r.stdout, /model saved\.\n/);
    assert.match(r.stdout, /✓ completed: session \S+, 40\/40 steps, loss /);
    assert.match(r.stdout, /model: http:\/\/127\.0\.0\.1:\d+\/files\//);
    assert.equal(w.count('run'), 1);
  });

  it('logs --follow: Ctrl+C stops the following, not the job; cancel then cancels it on RunPod', async () => {
    const w = await world({ max_train_steps: 2000, step_delay_ms: 10 });
    const s = await start(w);
    let press: (() => void) | undefined;
    const pressed = waitFor('the job to run', () => (w.standIn.jobs.get(jobOf(s))?.lines.length ?? 0) > 20 && press).then(async (p) => {
      await sleep(300);
      p();
    });
    const r = await w.runWith({ onInterrupt: (h) => ((press = h), () => (press = undefined)) }, 'logs', s.id, '--follow');
    await pressed;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /steps: +\d+%/);
    assert.match(r.stderr, new RegExp(`stopped following; the RunPod job goes on \\(session ${s.id} is running\\)`));
    assert.equal(press, undefined, 'the Ctrl+C handler is removed');
    assert.equal(w.standIn.jobs.get(jobOf(s))!.status, 'IN_PROGRESS');

    const cancel = await w.run('cancel', s.id, '--yes');
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout, new RegExp(`Cancelling RunPod job ${jobOf(s)} of session ${s.id}`));
    assert.match(cancel.stdout, /⊘ cancelled: session \S+ at step \d+ \(RunPod: CANCELLED\)\./);
    assert.match(cancel.stderr, /A later resume would start from step \d+ \(the worker's checkpoint\)|The worker has reported no checkpoint/);
    assert.equal(w.standIn.jobs.get(jobOf(s))!.status, 'CANCELLED');
    assert.equal(w.count('cancel'), 1);
    const again = await w.run('cancel', s.id, '--yes');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /has already ended \(cancelled\); nothing to cancel/);
  });

  it('no false "failed": a 404 for a job whose end was never seen is unknown; TIMED_OUT is interrupted and runpod retry queues it again', async () => {
    const w = await world();
    const s = await start(w);
    await waitFor('the job to end on RunPod', () => w.standIn.jobs.get(jobOf(s))?.status === 'COMPLETED');
    w.standIn.finishRetention(jobOf(s));
    const gone = await statusOf(w, s.id);
    assert.equal(gone.status, 'unknown');
    assert.match(gone.error?.message ?? '', /no longer knows job .*not necessarily a failure/s);
    const text = await w.run('status', s.id);
    assert.match(text.stdout, /status +\? unknown/);

    const t = await world({ max_train_steps: 2000, step_delay_ms: 10 }, { executionTimeoutMs: 700 });
    const ts = await start(t);
    const timedOut = await waitStatus(t, ts.id);
    assert.equal(timedOut.status, 'interrupted');
    assert.match(timedOut.error?.message ?? '', /execution timeout/);
    const shown = await t.run('status', ts.id);
    assert.match(shown.stdout, new RegExp(`Run the same job again on RunPod: trainlab runpod retry ${ts.id}`));

    const retry = await t.run('runpod', 'retry', ts.id);
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, new RegExp(`^RunPod Retry: job ${jobOf(ts)} of session ${ts.id} runs again \\(IN_QUEUE\\), attempt 2\\.`));
    assert.deepEqual([t.count('retry'), t.count('run')], [1, 1], 'a retry is no new /run');
    const rerun = await waitStatus(t, ts.id, (x) => x.status === 'running' || FINAL.includes(x.status));
    assert.equal(rerun.attempts.length, 2);
    assert.equal((await t.run('cancel', ts.id, '--yes')).code, 0);

    const notAgain = await w.run('runpod', 'retry', s.id);
    assert.equal(notAgain.code, 1);
    assert.match(notAgain.stderr, /cannot be retried on RunPod: only a job RunPod reported FAILED or TIMED_OUT can/);
  });

  it('back after RunPod forgot the job: status reads the outcome from the worker’s report — completed, model URL, every line once', async () => {
    const w = await world({ max_train_steps: 40, step_delay_ms: 20 });
    const s = await start(w);
    // One look while it runs (before the laptop slept): the report's URL is kept with the session.
    await waitStatus(w, s.id, (x) => !!(x.backend as { reportUrl?: string }).reportUrl || FINAL.includes(x.status));
    await waitFor('the job to end on RunPod', () => w.standIn.jobs.get(jobOf(s))?.status === 'COMPLETED');
    w.standIn.finishRetention(jobOf(s));
    const back = await w.run('status', s.id);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /status +✓ completed/);
    assert.match(back.stdout, /RunPod +COMPLETED \(worker's report\)/);
    assert.match(back.stdout, /model +http:\/\/127\.0\.0\.1:\d+\/files\/\S+\/ink\.safetensors/);
    assert.doesNotMatch(back.stdout, /X-Amz-Signature/, 'the presigned report link is not shown');
    const logs = await w.run('logs', s.id, '--tail', '1000');
    assert.deepEqual(stateLines(logs.stdout), ['saving state at step 10', 'saving state at step 20', 'saving state at step 30', 'saving state at step 40']);
    const json = await statusOf(w, s.id);
    assert.ok(json.metricsSummary.finalLoss !== null, 'a loss curve and its final loss');
  });

  it('a lost answer to /run: unknown, says a job may exist, and no command sends /run again', async () => {
    const w = await world();
    w.standIn.inject({ route: 'run', kind: 'drop-answer' });
    const r = await w.run('start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /a job may have been created and may be running\. Check the endpoint's requests in the RunPod console/);
    const id = /session (\S+) is recorded as unknown/.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    assert.equal(w.standIn.jobs.size, 1, 'the job exists on RunPod');

    const one = await statusOf(w, id);
    assert.equal(one.status, 'unknown');
    const text = await w.run('status', id);
    assert.match(text.stdout, /job +none: the answer to \/run was lost, a job may exist/);
    assert.match(text.stdout, /Look for its job in the RunPod console \(endpoint standin-endpoint\) before starting it again/);
    assert.equal((await w.run('status')).code, 0);
    assert.equal((await w.run('status', 'ink')).code, 0);
    assert.equal((await w.run('logs', id)).code, 0);
    assert.equal((await w.run('cancel', id, '--yes')).code, 1);
    assert.equal(w.count('run'), 1, 'one /run only');
  });

  it('bounded retries: 429s are retried and the poll succeeds; 500s give up after 5 requests on their row only; /run is never retried', async () => {
    const w = await world({ max_train_steps: 2000, step_delay_ms: 10 });
    const older = await start(w);
    const newer = await start(w);

    w.standIn.inject({ route: 'status', kind: 'status', code: 429, retryAfter: 0, times: 2 });
    const before = w.count('status');
    const ok = await w.run('status', older.id, '--json');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(w.count('status') - before, 3, 'two 429s, then the answer');
    assert.match(ok.stderr, /RunPod \/status: HTTP 429; retry 1 of 4 in 0\.0s\n.*retry 2 of 4/s);

    // Newest first: the newer session is polled first and gets all five 500s.
    w.standIn.inject({ route: 'status', kind: 'status', code: 500, retryAfter: 0, times: 5 });
    const before2 = w.count('status');
    const list = await w.run('status');
    assert.equal(list.code, 1);
    assert.equal(w.count('status') - before2, 6, '1 + 4 retries for the first, 1 for the other');
    const rows = list.stdout.split('\n');
    const at = (id: string) => rows.findIndex((l) => l.startsWith(id));
    assert.ok(at(newer.id) >= 0 && at(older.id) >= 0, list.stdout);
    assert.match(rows[at(newer.id) + 2] ?? '', /! not refreshed from RunPod: RunPod had a server error on \/status .*\(HTTP 500\)\..* Gave up after 5 attempts\./);
    assert.match(rows[at(older.id) + 1] ?? '', /RunPod job \S+: IN_(QUEUE|PROGRESS), /);
    assert.doesNotMatch(rows[at(older.id) + 2] ?? '', /not refreshed/);
    assert.match(list.stderr, /1 of 2 sessions could not be refreshed \(see their rows\)/);
    const json = await w.run('status', 'ink', '--json');
    assert.equal(json.json<Session[]>().length, 2);

    w.standIn.inject({ route: 'run', kind: 'status', code: 429, retryAfter: 0 });
    const runs = w.count('run');
    const refused = await w.run('start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /RunPod refused the job: RunPod is rate-limiting \/run .*No job was started/);
    assert.equal(w.count('run') - runs, 1);
    for (const s of [older, newer]) assert.equal((await w.run('cancel', s.id, '--yes')).code, 0);
  });

  it('a key RunPod rejects: "RunPod rejected the API key", exit 1, and the key is printed nowhere', async () => {
    const w = await world();
    const wrong = { env: { TRAINLAB_RUNPOD_API_KEY: WRONG_KEY } };
    const r = await w.runWith(wrong, 'start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RunPod rejected the API key \(HTTP 401 from \/run for endpoint "standin-endpoint"\)/);
    assert.match(r.stderr, /recorded as failed/);

    const s = await start(w);
    const status = await w.runWith(wrong, 'status', s.id);
    assert.equal(status.code, 1);
    assert.match(status.stdout, /! not refreshed from RunPod: RunPod rejected the API key/);
    const health = await w.runWith(wrong, 'runpod', 'health');
    assert.equal(health.code, 1);
    assert.match(health.stderr, /^trainlab: RunPod rejected the API key \(HTTP 401 from \/health/);
    const follow = await w.runWith(wrong, 'logs', s.id, '--follow');
    assert.equal(follow.code, 1);
    assert.match(follow.stderr, /RunPod rejected the API key/);
    for (const x of [r, status, health, follow]) assert.ok(!`${x.stdout}${x.stderr}`.includes(WRONG_KEY));
    await waitStatus(w, s.id);
  });

  it('refused before any request: no key (naming the variable), a dataset without a URL, no endpoint, a bad base URL', async () => {
    const w = await world();
    const noKey = await w.runWith({ env: { TRAINLAB_RUNPOD_API_KEY: undefined } }, 'start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /^trainlab: TRAINLAB_RUNPOD_API_KEY is not set: RunPod needs an API key/);
    const healthNoKey = await w.runWith({ env: { TRAINLAB_RUNPOD_API_KEY: undefined } }, 'runpod', 'health');
    assert.equal(healthNoKey.code, 1);
    assert.match(healthNoKey.stderr, /TRAINLAB_RUNPOD_API_KEY is not set/);

    const store = await w.store();
    await store.updateStyle('ink', (s) => void (s.datasets = {}));
    const noUrl = await w.run('start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(noUrl.code, 1);
    assert.match(noUrl.stderr, /ink\/V1 cannot start on RunPod:\n {2}- datasetId: the dataset "set1" has no URL; RunPod workers cannot read local folders/);
    await store.updateStyle('ink', (s) => void (s.datasets = { set1: { url: DATASET_URL } }));

    const noEndpoint = await w.runWith({ env: { TRAINLAB_RUNPOD_ENDPOINT_ID: undefined } }, 'start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(noEndpoint.code, 1);
    assert.match(noEndpoint.stderr, /No RunPod endpoint for "ink": .*give --endpoint/);
    const badUrl = await w.runWith({ env: { TRAINLAB_RUNPOD_BASE_URL: 'ftp://runpod.example' } }, 'start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /TRAINLAB_RUNPOD_BASE_URL must be an https:\/\/ URL/);
    const badTimeout = await w.runWith({ env: { TRAINLAB_RUNPOD_EXECUTION_TIMEOUT_MINUTES: 'soon' } }, 'start', 'ink', 'V1', '--backend', 'runpod');
    assert.equal(badTimeout.code, 1);
    assert.match(badTimeout.stderr, /TRAINLAB_RUNPOD_EXECUTION_TIMEOUT_MINUTES must be a number/);

    assert.equal(w.standIn.requests.length, 0, 'RunPod was asked nothing');
    assert.equal((await w.store()).listSessions().length, 0, 'no session was written');
  });

  it('runpod health shows workers and jobs (--json: the object); the policy settings reach /run', async () => {
    const w = await world();
    const none = await w.runWith({ env: { TRAINLAB_RUNPOD_ENDPOINT_ID: undefined } }, 'runpod', 'health');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /which endpoint\? give --endpoint ID, or set TRAINLAB_RUNPOD_ENDPOINT_ID/);
    const s = await w.runWith({ env: { TRAINLAB_RUNPOD_EXECUTION_TIMEOUT_MINUTES: '90', TRAINLAB_RUNPOD_TTL_HOURS: '3' } }, 'start', 'ink', 'V1', '--backend', 'runpod', '--json');
    assert.equal(s.code, 0, s.stderr);
    const job = w.standIn.jobs.get(jobOf(s.json<Session>()))!;
    assert.deepEqual(job.requestedPolicy, { executionTimeout: 90 * 60_000, ttl: 3 * 3600_000 });

    const text = await w.runWith({ env: { TRAINLAB_RUNPOD_ENDPOINT_ID: undefined } }, 'runpod', 'health', '--endpoint', 'standin-endpoint');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^RunPod endpoint standin-endpoint\n {2}workers +\d+ running, \d+ idle \(initializing 0, ready \d+, throttled 0, unhealthy 0\)\n {2}jobs +\d+ in queue, \d+ in progress; \d+ completed, 0 failed, 0 retried\n$/);
    const json = await w.run('runpod', 'health', '--json');
    const h = json.json<{ endpointId: string; workers: { idle: number; running: number }; jobs: { inQueue: number } }>();
    assert.equal(h.endpointId, 'standin-endpoint');
    assert.equal(h.workers.idle + h.workers.running, 4);
    await waitStatus(w, s.json<Session>().id);
    const local = await w.run('runpod', 'retry', 'nope/V1');
    assert.equal(local.code, 1);
  });

  it('resume starts a new job from the worker\'s checkpoint; relaunch a new session on the same endpoint', async () => {
    const w = await world({ max_train_steps: 40, standin_fail_at_step: 25 });
    const s = await start(w);
    const failed = await waitStatus(w, s.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /CUDA out of memory/);
    const shown = await w.run('status', s.id);
    assert.match(shown.stdout, /checkpoint +step 20 \(standin:\/\/\S+\)/);
    assert.match(shown.stdout, new RegExp(`Resume from step 20: trainlab resume ${s.id}`));

    const resumed = await w.run('resume', s.id);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`^Resumed session ${s.id} on RunPod from step 20 \\(checkpoint standin://\\S+\\): attempt 2\\.`));
    assert.equal(w.count('run'), 2);
    const again = await statusOf(w, s.id);
    assert.equal(w.standIn.jobs.get(jobOf(again))!.trainlab.resume?.step, 20);
    await waitStatus(w, s.id);

    const relaunched = await w.run('relaunch', s.id, '--json');
    assert.equal(relaunched.code, 0, relaunched.stderr);
    const r = relaunched.json<Session>();
    assert.notEqual(r.id, s.id);
    assert.deepEqual(r.origin, { type: 'relaunch', parentSessionId: s.id });
    assert.equal((r.backend as { endpointId: string }).endpointId, 'standin-endpoint');
    assert.deepEqual(r.parameters, failed.parameters);
    assert.equal(w.count('run'), 3);
    await waitStatus(w, r.id);
  });

  it('nothing lost after a restart: a CLI process following the job is killed, another one picks it up — every line once, completed', async function () {
    if (!existsSync(CLI) || !readFileSync(CLI, 'utf8').includes('TRAINLAB_RUNPOD_API_KEY')) {
      throw new Error('dist/cli.js is missing or older than the RunPod commands: build it with "node esbuild.mjs"');
    }
    const w = await world({ max_train_steps: 120, step_delay_ms: 15 });
    const child = spawn(process.execPath, [CLI, 'start', 'ink', 'V1', '--backend', 'runpod', '--follow'], { cwd: w.ws.dir, env: w.env({ TRAINLAB_FOLLOW_INTERVAL_MS: '200' }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      // A line printed means its poll has written it down: killing the process right then is a crash between polls.
      await waitFor('the first streamed lines', () => /saving state at step 10\n/.test(out));
      child.kill('SIGKILL');
      await exited;
    } finally {
      printed.push(out, err);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const id = /^Started session (\S+)/.exec(out)![1]!;
    const job = w.standIn.jobs.get(jobOf(await (await w.store()).getSession(id)!.session))!;
    assert.equal(job.status, 'IN_PROGRESS', 'the job went on without the CLI');

    const follow = await w.run('logs', id, '--follow', '--tail', '0');
    assert.equal(follow.code, 0, follow.stderr);
    assert.match(follow.stderr, new RegExp(`session ${id} ended: completed`));
    const done = await statusOf(w, id);
    assert.equal(done.status, 'completed');
    assert.match(done.outputs.model ?? '', /^http:\/\//);
    const log = w.ws.read(`trainlab/styles/ink/sessions/${id}/console.log`);
    assert.deepEqual(stateLines(log), Array.from({ length: 12 }, (_, i) => `saving state at step ${(i + 1) * 10}`), 'every state line, once');
    const lines = log.split('\n').filter((l) => l && !l.startsWith('[trainlab]'));
    assert.deepEqual(lines, job.lines.filter((l) => l !== ''), 'console.log holds exactly what the worker streamed');
    assert.equal(w.count('run'), 1);
  });
});
