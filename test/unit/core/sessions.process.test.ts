import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFileText } from '../../../src/core/model/parse';
import {
  cancelSession,
  describeCancel,
  extendSession,
  reconcileSession,
  relaunchSession,
  resumeSession,
  startLocalSession,
  syncSessionLog,
  type LocalRuntime,
} from '../../../src/core/sessions';
import { paths, type WorkspaceStore } from '../../../src/core/store';
import { newStore, tempWorkspace } from './helpers/tmp';

const DIST = resolve(__dirname, '..', '..', '..', 'dist');
const RUNNER = join(DIST, 'runner.js');
const DEMO = join(DIST, 'demo-trainer.js');
const built = existsSync(RUNNER) && existsSync(DEMO);

const runtime: LocalRuntime = {
  nodePath: process.execPath,
  runnerPath: RUNNER,
  electronAsNode: false,
  trainer: { nodePath: process.execPath, demoTrainerPath: DEMO },
  cancelGraceMs: 3000,
  startTimeoutMs: 10_000,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reconciles (as the extension's timer does) until the session is final. */
async function waitFinal(store: WorkspaceStore, id: string, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await store.refreshPaths([paths.session(store.root, store.getSession(id)!.session.styleId, id)]);
    const s = await reconcileSession(store, id, runtime);
    if (s && ['completed', 'failed', 'cancelled', 'interrupted', 'unknown'].includes(s.status)) return s;
    if (Date.now() > end) throw new Error(`session ${id} still ${s?.status} after ${timeoutMs} ms`);
    await sleep(150);
  }
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

function runnerRecord(store: WorkspaceStore, styleId: string, id: string) {
  const p = paths.runner(store.root, styleId, id);
  const r = parseFileText('runner', p, readFileSync(p, 'utf8'));
  assert.ok(r.ok);
  return r.value;
}

const finalModel = (store: WorkspaceStore, styleId: string, id: string) => readFileSync(join(paths.output(store.root, styleId, id), 'demo.safetensors'));

describe('local sessions with the demo trainer (processes)', function () {
  this.timeout(120_000);
  let ws: ReturnType<typeof tempWorkspace>;
  let store: WorkspaceStore;
  before(function () {
    if (!built) {
      console.log('      dist/runner.js or dist/demo-trainer.js is not built (run "npm run build"); skipping the process tests');
      this.skip();
    }
  });
  beforeEach(async () => {
    ws = tempWorkspace();
    store = await newStore(ws.root);
    await store.createStyle({ id: 'demo', name: 'Demo', trainer: 'demo' });
  });
  afterEach(() => ws.cleanup());

  async function version(params: Record<string, unknown>) {
    return store.addVersion('demo', { parameters: { max_train_steps: 60, save_every_n_steps: 20, learning_rate: 0.05, network_dim: 4, train_batch_size: 8, seed: 7, step_delay_ms: 0, ...params } });
  }

  it('runs to completion: progress, checkpoints, metrics, outputs, version status', async () => {
    const v = await version({});
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    assert.equal(s.status, 'running');
    assert.equal(s.attempts.length, 1);
    const done = await waitFinal(store, s.id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.progress?.step, 60);
    assert.equal(done.progress?.totalSteps, 60);
    assert.deepEqual(done.checkpoints.map((c) => c.step), [20, 40, 60]);
    assert.ok(done.outputs.model?.endsWith('demo.safetensors'));
    assert.ok(done.metricsSummary.bestLoss !== null && done.metricsSummary.finalLoss !== null);
    assert.equal(done.attempts[0]!.exitCode, 0);
    const metrics = readFileSync(paths.metrics(store.root, 'demo', s.id), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(metrics.length >= 1 && metrics.every((m) => typeof m.step === 'number'));
    assert.equal(store.getVersion('demo', v.id)!.status, 'completed');
    const record = runnerRecord(store, 'demo', s.id);
    assert.equal(record.exit?.code, 0);
    assert.ok(record.trainerStartTime && record.runnerStartTime);
  });

  it('parameter values reach the trainer literally (no shell)', async () => {
    const v = await version({ note: 'a b; $(touch pwned) "q" ünï' });
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    const done = await waitFinal(store, s.id);
    // The demo trainer refuses an unknown option: exit 2 and the literal value in its message.
    assert.equal(done.status, 'failed');
    assert.ok(s.backend.type === 'local' && s.backend.command.includes('a b; $(touch pwned) "q" ünï'));
    assert.ok(!existsSync(join(store.root, '..', 'pwned')));
    assert.match(done.error?.message ?? '', /exited with code 2/);
  });

  it('refuses to start with bad values or a missing dataset, creating nothing', async () => {
    const v = await store.addVersion('demo', { parameters: { max_train_steps: -5 } });
    await assert.rejects(startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime), /max_train_steps: must be a whole number between 1/);
    const w = await store.addVersion('demo', { parameters: {}, datasetId: 'nope' });
    await assert.rejects(startLocalSession(store, { styleId: 'demo', versionId: w.id }, runtime), /dataset folder "nope" does not exist/);
    assert.equal(store.listSessions().length, 0);
  });

  it('trainer killed → failed; resumed from the newest state → same final weights as an uninterrupted run, steps cumulative', async () => {
    const v = await version({ step_delay_ms: 25 });
    // The uninterrupted reference.
    const ref = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, { ...runtime });
    // The one we interrupt.
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    await waitFor(() => existsSync(join(paths.output(store.root, 'demo', s.id), 'demo-step00000020-state', 'train_state.json')));
    await sleep(150);
    const record = runnerRecord(store, 'demo', s.id);
    process.kill(record.trainerPid!, 'SIGKILL');
    const failed = await waitFinal(store, s.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /SIGKILL/);
    assert.match(await describeCancel(store, s.id).catch((e: Error) => e.message), /step 20|step 40/);

    const { session: resumed, checkpoint } = await resumeSession(store, s.id, runtime);
    assert.equal(resumed.attempts.length, 2);
    assert.equal(resumed.attempts[1]!.startStep, checkpoint.step);
    assert.ok(checkpoint.step === 20 || checkpoint.step === 40);
    const done = await waitFinal(store, s.id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.progress?.step, 60, 'cumulative step after the resume');
    assert.equal(done.progress?.totalSteps, 60);
    await waitFinal(store, ref.id);
    assert.deepEqual(finalModel(store, 'demo', s.id), finalModel(store, 'demo', ref.id), 'same final weights');
  });

  it('runner killed (trainer with it) → interrupted, never a zombie "running"', async () => {
    const v = await version({ max_train_steps: 100000, step_delay_ms: 20 });
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    await waitFor(() => existsSync(paths.runner(store.root, 'demo', s.id)));
    await sleep(200);
    const record = runnerRecord(store, 'demo', s.id);
    process.kill(-record.runnerPid, 'SIGKILL');
    const end = await waitFinal(store, s.id);
    assert.equal(end.status, 'interrupted');
    assert.match(end.error?.message ?? '', /without an exit record/);
  });

  it('a pid reused by another process is not taken for the trainer', async () => {
    const v = await version({ max_train_steps: 100000 });
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    await waitFor(() => existsSync(paths.runner(store.root, 'demo', s.id)));
    const record = runnerRecord(store, 'demo', s.id);
    process.kill(-record.runnerPid, 'SIGKILL');
    // Forge the record: point it at a live process (this test runner) with another start time.
    const { writeJsonAtomic } = await import('../../../src/core/store');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' });
    try {
      await writeJsonAtomic(paths.runner(store.root, 'demo', s.id), { ...record, trainerPid: other.pid, runnerPid: other.pid, trainerStartTime: 'linux:1', runnerStartTime: 'linux:1' });
      const end = await waitFinal(store, s.id);
      assert.equal(end.status, 'interrupted');
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('extend: a completed session continues from its last state for N more steps', async () => {
    const v = await version({ max_train_steps: 40 });
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    assert.equal((await waitFinal(store, s.id)).status, 'completed');
    const { session: ext, checkpoint } = await extendSession(store, s.id, 20, runtime);
    assert.equal(checkpoint.step, 40);
    assert.equal(ext.origin.type, 'extend');
    assert.equal(ext.origin.parentSessionId, s.id);
    assert.equal(ext.parameters.max_train_steps, 60);
    assert.equal(ext.attempts[0]!.startStep, 40);
    const done = await waitFinal(store, ext.id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.progress?.step, 60);
    // The same weights as a straight 60-step run.
    const w = await version({ max_train_steps: 60 });
    const straight = await startLocalSession(store, { styleId: 'demo', versionId: w.id }, runtime);
    await waitFinal(store, straight.id);
    assert.deepEqual(finalModel(store, 'demo', ext.id), finalModel(store, 'demo', straight.id));
    await assert.rejects(extendSession(store, straight.id, 0, runtime), /at least 1/);
  });

  it('cancel: SIGTERM to the group, session cancelled, then relaunch with identical parameters', async () => {
    const v = await version({ max_train_steps: 100000, save_every_n_steps: 100000, step_delay_ms: 10 });
    const s = await startLocalSession(store, { styleId: 'demo', versionId: v.id }, runtime);
    await waitFor(() => existsSync(paths.runner(store.root, 'demo', s.id)));
    await sleep(300);
    assert.match(await describeCancel(store, s.id), /No checkpoint has been saved yet/);
    const cancelled = await cancelSession(store, s.id, runtime);
    assert.equal(cancelled.status, 'cancelled');
    await waitFor(() => runnerRecord(store, 'demo', s.id).exit !== null, 10_000);
    assert.equal(runnerRecord(store, 'demo', s.id).exit?.signal === 'SIGTERM' || runnerRecord(store, 'demo', s.id).exit?.code === 143, true);
    assert.equal((await reconcileSession(store, s.id, runtime))?.status, 'cancelled', 'the exit record does not turn a cancel into a failure');
    await assert.rejects(resumeSession(store, s.id, runtime), /no checkpoint/);
    const again = await relaunchSession(store, s.id, runtime);
    assert.deepEqual(again.parameters, s.parameters);
    assert.equal(again.origin.parentSessionId, s.id);
    await cancelSession(store, again.id, runtime);
    assert.equal(readdirSync(paths.sessionsDir(store.root, 'demo')).length, 2);
    await syncSessionLog(store, again.id);
  });
});
