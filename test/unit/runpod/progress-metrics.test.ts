import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStatus, RunPodClient, StreamResult } from '../../../src/core/backends/runpod';
import { pollRunPodSession, type RunPodDeps } from '../../../src/core/sessions';
import { paths, WorkspaceStore } from '../../../src/core/store';

/**
 * The loss curve of a RunPod session whose worker streams no progress lines Trainlab can read
 * comes from the worker's progress updates; once the log shows progress, from the log only.
 */

interface Step {
  output: unknown;
  lines: string[];
}

function stubClient(steps: Step[]): { client: RunPodClient; next(): void } {
  let i = 0;
  let seq = 0;
  const status = async (id: string): Promise<JobStatus> => ({
    id, status: 'IN_PROGRESS', rawStatus: 'IN_PROGRESS', delayTime: 10, executionTime: 100, output: steps[i]!.output, error: null, workerId: 'w1',
  });
  const stream = async (): Promise<StreamResult> => {
    const lines = steps[i]!.lines;
    return { status: 'IN_PROGRESS', rawStatus: 'IN_PROGRESS', chunks: lines.length ? [{ seq: ++seq, lines }] : [] };
  };
  return { client: { status, stream } as unknown as RunPodClient, next: () => void i++ };
}

describe('RunPod metrics from progress updates', () => {
  let dir: string;
  let store: WorkspaceStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trainlab-rp-metrics-'));
    store = new WorkspaceStore(join(dir, 'trainlab'));
    await store.load();
    await store.createStyle({ id: 'ink', name: 'Ink', trainer: 'demo' });
    await store.addVersion('ink', { id: 'V1', parameters: { max_train_steps: 40 } });
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function runningSession(): Promise<string> {
    const id = '20261206-120000-aaaaaa';
    await store.createSession({
      id, styleId: 'ink', versionId: 'V1', status: 'running', parameters: { max_train_steps: 40 },
      backend: { type: 'runpod', endpointId: 'e1', jobId: 'job-1', submittedAt: new Date().toISOString() },
    });
    return id;
  }

  const points = (id: string) => {
    try {
      return readFileSync(paths.metrics(store.root, 'ink', id), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { step: number; loss: number; lr: number | null });
    } catch {
      return [];
    }
  };

  it('a worker whose log has no progress lines: each update that moves the step on is a point', async () => {
    const id = await runningSession();
    const stub = stubClient([
      { output: { step: 10, total: 40, loss: 0.5, lr: 1e-4 }, lines: ['loading model'] },
      { output: { step: 10, total: 40, loss: 0.5 }, lines: [] },
      { output: '20/40', lines: ['still going'] },
      { output: { step: 30, total: 40, loss: 0.3 }, lines: [] },
    ]);
    const deps: RunPodDeps = { client: () => stub.client };
    for (let k = 0; k < 4; k++) {
      await pollRunPodSession(store, id, deps);
      stub.next();
    }
    assert.deepEqual(points(id).map((p) => [p.step, p.loss, p.lr]), [[10, 0.5, 1e-4], [30, 0.3, null]]);
    const s = store.getSession(id)!.session;
    assert.equal(s.progress?.step, 30);
    assert.equal(s.backend.type === 'runpod' && s.backend.metricsFrom, 'progress');
  });

  it('once the log shows progress lines, the points come from the log only', async () => {
    const id = await runningSession();
    const bar = (n: number, loss: number) => `steps: ${Math.round((100 * n) / 40)}%|#####     | ${n}/40 [00:01<00:02, 10.00it/s, avr_loss=${loss}]`;
    const stub = stubClient([
      { output: { step: 5, total: 40, loss: 0.9 }, lines: ['starting'] },
      { output: { step: 12, total: 40, loss: 0.7 }, lines: [bar(10, 0.75), bar(12, 0.7)] },
      { output: { step: 30, total: 40, loss: 0.2 }, lines: [] },
    ]);
    const deps: RunPodDeps = { client: () => stub.client };
    for (let k = 0; k < 3; k++) {
      await pollRunPodSession(store, id, deps);
      stub.next();
    }
    const steps = points(id).map((p) => p.step);
    assert.equal(steps[0], 5, 'the first point came from the update, before the log had any');
    assert.ok(steps.length > 1 && steps.slice(1).every((n) => n >= 10 && n <= 12), `then the log's points only: ${steps.join(',')}`);
    const s = store.getSession(id)!.session;
    assert.equal(s.backend.type === 'runpod' && s.backend.metricsFrom, 'log');
  });
});
