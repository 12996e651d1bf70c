import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { syncSessionLog } from '../../../src/core/sessions';
import { paths } from '../../../src/core/store';
import { newStore, tempWorkspace } from './helpers/tmp';

describe('syncSessionLog', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => (ws = tempWorkspace()));
  afterEach(() => ws.cleanup());

  it('applies only new output, keeps the step across chunks without a bar, and counts from the resume point', async () => {
    const store = await newStore(ws.root);
    await store.createStyle({ id: 'd', name: 'D', trainer: 'demo' });
    await store.addVersion('d', { parameters: { max_train_steps: 100 } });
    const s = await store.createSession({ styleId: 'd', versionId: 'V1', backend: { type: 'local', command: [] }, status: 'running' });
    await store.updateSession(s.id, (x) => {
      x.attempts.push({ startedAt: new Date().toISOString(), endedAt: null, exitCode: null, signal: null, resumedFrom: null, startStep: 0 });
    });
    const log = paths.consoleLog(store.root, 'd', s.id);
    mkdirSync(paths.sessionDir(store.root, 'd', s.id), { recursive: true });
    appendFileSync(log, 'epoch 1/4\nsteps:  10%|█         | 10/100 [00:01<00:09, 10.00it/s, avr_loss=0.5]\rsteps:  30%|███       | 30/100 [00:03<00:07, 10.00it/s, avr_loss=0.3]');
    await syncSessionLog(store, s.id);
    assert.equal(store.getSession(s.id)!.session.progress?.step, 10, 'a line still being written waits for its end');
    appendFileSync(log, '\n');
    await syncSessionLog(store, s.id);
    assert.equal(store.getSession(s.id)!.session.progress?.step, 30);
    appendFileSync(log, 'epoch 2/4\nsaving checkpoint: out/x.safetensors\n');
    await syncSessionLog(store, s.id);
    const p = store.getSession(s.id)!.session.progress!;
    assert.equal(p.step, 30, 'a chunk with only epoch and save lines keeps the step');
    assert.equal(p.epoch, 2);
    assert.equal(p.loss, 0.3);
    await syncSessionLog(store, s.id);
    assert.equal(store.getSession(s.id)!.session.progress?.step, 30, 'nothing new, nothing changes');

    // A resume from step 40: the demo trainer's bar restarts at 0 with the remaining total.
    await store.updateSession(s.id, (x) => {
      x.status = 'interrupted';
    });
    await store.updateSession(s.id, (x) => {
      x.status = 'running';
      x.attempts.push({ startedAt: new Date().toISOString(), endedAt: null, exitCode: null, signal: null, resumedFrom: 'out/x-step00000040-state', startStep: 40 });
    });
    appendFileSync(log, 'steps:  50%|█████     | 30/60 [00:03<00:03, 10.00it/s, avr_loss=0.1]\n');
    await syncSessionLog(store, s.id);
    assert.equal(store.getSession(s.id)!.session.progress?.step, 70);
    assert.equal(store.getSession(s.id)!.session.progress?.totalSteps, 100);
    const metrics = readFileSync(paths.metrics(store.root, 'd', s.id), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(metrics.length >= 2 && metrics.at(-1).step === 70);
  });
});
