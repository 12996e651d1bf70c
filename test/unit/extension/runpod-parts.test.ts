import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { sessionSchema, type Session } from '../../../src/core/model';
import { Emitter } from '../../../src/core/store/events';
import {
  describeRunPodCancel,
  healthTooltipLine,
  queueDelayMs,
  runpodDescription,
  runpodStatusLine,
  runpodTooltipLines,
} from '../../../src/extension/runpod/format';
import { apiKeyProblem, RUNPOD_API_KEY_SECRET, RunPodSecrets, type SecretStorageLike } from '../../../src/extension/runpod/secrets';
import { connectRunPod } from '../../../src/core/sessions';
import { amountSetting, baseUrlProblem, restrictedValue, type RunPodSettings } from '../../../src/extension/runpod/settings';
import { statusBarSessions, statusBarView, unknownMessage, type TrainingEntry } from '../../../src/extension/training/format';

const KEY = 'rp_PARTSKEY_0123456789abcdef';
const NOW = Date.parse('2026-03-01T12:00:00.000Z');

/** An in-memory SecretStorage (vscode.SecretStorage's shape). */
class MemorySecrets implements SecretStorageLike {
  readonly map = new Map<string, string>();
  private readonly emitter = new Emitter<{ key: string }>();
  reads = 0;
  get(key: string) {
    this.reads++;
    return Promise.resolve(this.map.get(key));
  }
  store(key: string, value: string) {
    this.map.set(key, value);
    this.emitter.fire({ key });
    return Promise.resolve();
  }
  delete(key: string) {
    this.map.delete(key);
    this.emitter.fire({ key });
    return Promise.resolve();
  }
  onDidChange(listener: (e: { key: string }) => unknown) {
    return this.emitter.on(listener);
  }
}

/** A RunPod session; `over` may hold partial objects (the schema fills in the rest). */
function runpodSession(over: { backend?: Record<string, unknown>; [key: string]: unknown } = {}): Session {
  return sessionSchema.parse({
    schemaVersion: 1,
    id: '20260301-115900-abc123',
    styleId: 'ink',
    versionId: 'V1',
    createdAt: '2026-03-01T11:59:00.000Z',
    status: 'running',
    attempts: [{ startedAt: '2026-03-01T11:59:00.000Z' }],
    ...over,
    backend: { type: 'runpod', endpointId: 'e1', jobId: 'job-0123456789abcdef', submittedAt: '2026-03-01T11:59:00.000Z', ...(over.backend ?? {}) },
  });
}

describe('RunPod API key: SecretStorage only', () => {
  it('checks what is typed without repeating it', () => {
    assert.match(apiKeyProblem('')!, /Paste the API key/);
    assert.match(apiKeyProblem('abc def ghi')!, /no spaces/);
    assert.match(apiKeyProblem('tiny1')!, /too short/);
    assert.equal(apiKeyProblem(`  ${KEY}  `), undefined);
    for (const bad of ['abc def ghi', 'tiny1', 'tab\there1234']) assert.ok(!(apiKeyProblem(bad) ?? '').includes(bad));
  });

  it('get / set / clear, cached until it changes, and told of changes to its own key only', async () => {
    const storage = new MemorySecrets();
    const secrets = new RunPodSecrets(storage);
    let changes = 0;
    secrets.onDidChange(() => changes++);
    assert.equal(await secrets.get(), undefined);
    await secrets.set(`  ${KEY}\n`);
    assert.equal(storage.map.get(RUNPOD_API_KEY_SECRET), KEY, 'trimmed');
    assert.equal(await secrets.get(), KEY);
    const reads = storage.reads;
    await secrets.get();
    assert.equal(storage.reads, reads, 'cached');
    await storage.store('other.extension.secret', 'x');
    assert.equal(changes, 1, 'another key does not count');
    // Changed in another window: read again.
    await storage.store(RUNPOD_API_KEY_SECRET, `${KEY}-2`);
    assert.equal(await secrets.get(), `${KEY}-2`);
    await secrets.clear();
    assert.equal(await secrets.has(), false);
    assert.equal(changes, 3);
    await assert.rejects(secrets.set('has a space'), (e: Error) => !e.message.includes('has a space'));
    secrets.dispose();
  });
});

describe('RunPod settings and deps', () => {
  it('an untrusted workspace cannot set the restricted base URL; a trusted one can', () => {
    const inspected = { defaultValue: 'https://api.runpod.ai/v2', globalValue: undefined, workspaceValue: 'http://evil.example/v2' };
    assert.equal(restrictedValue(inspected, false, 'x'), 'https://api.runpod.ai/v2');
    assert.equal(restrictedValue(inspected, true, 'x'), 'http://evil.example/v2');
    assert.equal(restrictedValue({ ...inspected, globalValue: 'https://proxy.example/v2' }, false, 'x'), 'https://proxy.example/v2');
    assert.equal(restrictedValue({ ...inspected, workspaceFolderValue: 'http://folder.example/v2' }, true, 'x'), 'http://folder.example/v2');
    assert.equal(restrictedValue(undefined, true, 'fallback'), 'fallback');
  });

  it('amounts are 0 (computed) or positive; base URLs must be http(s)', () => {
    assert.deepEqual([amountSetting(0, 10), amountSetting(-1, 10), amountSetting('3', 10), amountSetting(4.5, 10), amountSetting(50, 10)], [0, 0, 0, 4.5, 10]);
    assert.equal(baseUrlProblem('https://api.runpod.ai/v2'), undefined);
    assert.match(baseUrlProblem('ftp://x')!, /must start with https/);
    assert.match(baseUrlProblem('not a url')!, /not a URL/);
  });

  it('deps: one client per endpoint, the settings passed on, the key in nothing printable', () => {
    const settings: RunPodSettings = { baseUrl: 'http://127.0.0.1:1/v2', defaultEndpointId: ' e0 ', executionTimeoutMinutes: 90, ttlHours: 0, pollIntervalSeconds: 30 };
    const deps = connectRunPod({ ...settings, apiKey: KEY });
    assert.equal(deps.client('e1'), deps.client('e1'));
    assert.notEqual(deps.client('e1'), deps.client('e2'));
    assert.equal(deps.defaultEndpointId, 'e0');
    assert.equal(deps.executionTimeoutMinutes, 90);
    assert.equal(deps.ttlHours, undefined);
    assert.ok(!JSON.stringify(deps).includes(KEY));
    assert.ok(!inspect(deps.client('e1'), { depth: 5, showHidden: true }).includes(KEY));
  });
});

describe('RunPod text for rows, status bar and messages', () => {
  it('a queued job: its word and how long it has waited; a running one: its worker', () => {
    const queued = runpodSession({ status: 'pending', backend: { lastStatus: 'IN_QUEUE', lastSeenAt: '2026-03-01T11:59:40.000Z' } });
    assert.equal(queueDelayMs(queued, NOW), 60_000);
    assert.equal(runpodDescription(queued, NOW), 'RunPod IN_QUEUE • queued 1 min');
    const running = runpodSession({ backend: { lastStatus: 'IN_PROGRESS', workerId: 'worker-abcdef123456', delayTime: 4200 } });
    assert.equal(runpodDescription(running, NOW), 'RunPod IN_PROGRESS • worker worker-a…');
    assert.equal(runpodDescription(runpodSession({ status: 'completed', backend: { lastStatus: 'COMPLETED' } }), NOW), 'RunPod COMPLETED');
    assert.equal(runpodDescription(runpodSession({ status: 'pending', backend: { jobId: undefined, runUnconfirmed: true } }), NOW), 'RunPod submitting');
    assert.equal(runpodDescription(runpodSession({}), NOW), 'RunPod not seen yet');
    const local = sessionSchema.parse({ ...runpodSession(), backend: { type: 'local', command: [] } });
    assert.equal(runpodDescription(local), undefined);
    assert.deepEqual(runpodTooltipLines(local), []);
  });

  it('the tooltip names the job, the word and when, the queue delay, the worker, the checkpoint to resume from', () => {
    const s = runpodSession({ backend: { lastStatus: 'IN_PROGRESS', lastSeenAt: '2026-03-01T11:59:58.000Z', workerId: 'w-1', delayTime: 4200, executionTime: 90_000, checkpoint: { ref: 's3://b/state', step: 300 } } });
    const text = runpodTooltipLines(s, NOW).join('\n');
    assert.match(text, /RunPod job: `job-0123456789abcdef`/);
    assert.match(text, /RunPod status: IN\\_PROGRESS \(last seen \d\d:\d\d:58\)/);
    assert.match(text, /Queue delay: 4s/);
    assert.match(text, /Run time on RunPod: 2 min/);
    assert.match(text, /Worker: `w-1`/);
    assert.match(text, /Resume from: step 300/);
    assert.match(runpodStatusLine(s, NOW)!, /^RunPod IN_PROGRESS, job job-0123456789abcdef, worker w-1, last seen \d\d:\d\d:58$/);
  });

  it('what a cancel loses, in the worker’s terms', () => {
    assert.match(describeRunPodCancel(runpodSession({ progress: { step: 120, totalSteps: 1000, updatedAt: '2026-03-01T11:59:00.000Z' } })), /^RunPod job job-0123456789abcdef is cancelled and its worker stops\. The worker has reported no checkpoint yet: a later run would start again from step 0 and the 120 steps done so far are lost\.$/);
    assert.match(describeRunPodCancel(runpodSession({ progress: { step: 120, totalSteps: 1000, updatedAt: '2026-03-01T11:59:00.000Z' }, backend: { checkpoint: { ref: 'r', step: 100 } } })), /resume would start from step 100 \(the worker's newest checkpoint\); the 20 steps since then are lost\.$/);
  });

  it('endpoint health lines; the status bar counts followed RunPod sessions and shows them with their word', () => {
    const health = { jobs: { completed: 3, failed: 0, inProgress: 1, inQueue: 2, retried: 0 }, workers: { idle: 1, running: 1, throttled: 2 } };
    assert.match(healthTooltipLine('e1', { at: NOW, health }, NOW), /^\$\(cloud\) RunPod endpoint `e1`: workers 1 idle, 1 running, 2 throttled; jobs 2 queued, 1 in progress \(\d\d:\d\d:00\)$/);
    assert.match(healthTooltipLine('e1', { at: NOW, error: 'HTTP 500' }, NOW), /^\$\(warning\) RunPod endpoint `e1`: no health \(HTTP 500\)$/);
    assert.match(healthTooltipLine('e1', undefined, NOW), /asking for its health/);

    const queued = runpodSession({ status: 'pending', backend: { lastStatus: 'IN_QUEUE' } });
    assert.deepEqual(statusBarSessions([queued]), [], 'by default local only');
    assert.deepEqual(statusBarSessions([queued], () => true), [queued]);
    const entry: TrainingEntry = { session: queued, title: 'Ink / V1', versionName: 'V1' };
    const v = statusBarView([entry], NOW, ['$(cloud) RunPod endpoint `e1`: …']);
    assert.equal(v.text, '$(sync~spin) V1 queued');
    assert.match(v.tooltip, /^\$\(cloud\) \*\*Ink \/ V1\*\* • Pending · RunPod IN_QUEUE {2}$/m);
    assert.match(v.tooltip, /RunPod endpoint `e1`: … {2}\n\nClick for Show Logs and Cancel\.$/);
  });

  it('a job RunPod no longer knows is said so', () => {
    const s = runpodSession({ status: 'unknown', progress: { step: 40, totalSteps: 100, updatedAt: '2026-03-01T11:59:00.000Z' }, error: { message: 'RunPod no longer knows job "j".', where: 'runpod' } });
    assert.equal(unknownMessage({ session: s, title: 'Ink / V1', versionName: 'V1' }), 'Training Ink / V1: RunPod no longer knows its job (last seen at step 40/100 (40%)): RunPod no longer knows job "j".');
  });
});
