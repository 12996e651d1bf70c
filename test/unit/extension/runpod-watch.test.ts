import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRunPodSession } from '../../../src/core/sessions';
import { paths, WorkspaceStore } from '../../../src/core/store';
import { UserErrorWithActions } from '../../../src/extension/commands/args';
import { Commands } from '../../../src/extension/ids';
import type { RunPodSettings } from '../../../src/extension/runpod/settings';
import { RunPodWatch } from '../../../src/extension/runpod/watch';
import { startStandIn, type StandIn } from '../../support/runpod-standin';

/**
 * The RunPod watch (what the extension's RunPod service runs) against the stand-in endpoint:
 * it follows the sessions the store says are live, polls them on its own to the end, picks up
 * after a "reload", stops without a key, reports poll errors once, caches endpoint health —
 * and the key is in none of the lines it logs.
 */

const KEY = 'rp_WATCHKEY_abcdef0123456789';

interface World {
  dir: string;
  store: WorkspaceStore;
  standIn: StandIn;
  key: { value: string | undefined };
  logged: string[];
  watch: RunPodWatch;
  settings: RunPodSettings;
  unsubscribe: () => void;
}

const worlds: World[] = [];

function newWatch(w: Pick<World, 'store' | 'key' | 'logged' | 'settings'>): { watch: RunPodWatch; unsubscribe: () => void } {
  const watch = new RunPodWatch({
    store: () => w.store,
    apiKey: async () => w.key.value,
    settings: () => w.settings,
    log: { info: (m) => w.logged.push(`info ${m}`), warn: (m) => w.logged.push(`warn ${m}`), debug: (m) => w.logged.push(`debug ${m}`) },
  });
  const sub = w.store.onDidChange((events) => watch.onStoreEvents(events));
  return { watch, unsubscribe: () => sub.dispose() };
}

async function world(key: string | undefined = KEY): Promise<World> {
  const standIn = await startStandIn({ apiKey: KEY, queueMs: 80, streamBatchMs: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-watch-'));
  const store = new WorkspaceStore(join(dir, 'trainlab'));
  await store.load();
  await store.createStyle({ id: 'ink', name: 'Ink', trainer: 'demo' });
  await store.updateStyle('ink', (s) => void (s.datasets = { set1: { url: 'https://datasets.example.com/ink.zip' } }));
  await store.addVersion('ink', { id: 'V1', parameters: { max_train_steps: 30, save_every_n_steps: 10, step_delay_ms: 15 }, datasetId: 'set1', extra: { backend: 'runpod' } });
  // A short interval so the scheduler's own polls end a job quickly.
  const settings: RunPodSettings = { baseUrl: standIn.baseUrl, defaultEndpointId: standIn.endpointId, executionTimeoutMinutes: 0, ttlHours: 0, pollIntervalSeconds: 0.2 };
  const partial = { store, key: { value: key }, logged: [] as string[], settings };
  const { watch, unsubscribe } = newWatch(partial);
  const w: World = { dir, standIn, ...partial, watch, unsubscribe };
  worlds.push(w);
  return w;
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

const status = (w: World, id: string) => w.store.getSession(id)?.session.status;

describe('RunPod watch (stand-in endpoint, real demo trainer)', function () {
  this.timeout(60_000);

  after(async () => {
    for (const w of worlds) {
      w.unsubscribe();
      w.watch.dispose();
      for (const line of w.logged) assert.ok(!line.includes(KEY), `the key was logged: ${line}`);
      await w.standIn.close();
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('without a key: follows nothing, says so once, and a RunPod call refuses with "Set RunPod API Key"', async () => {
    const w = await world(undefined);
    const withKey = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, await (async () => {
      w.key.value = KEY;
      const deps = await w.watch.requireDeps();
      w.key.value = undefined;
      return deps;
    })());
    await w.watch.reset('test');
    assert.equal(w.watch.following, false);
    assert.deepEqual(w.watch.watched(), []);
    assert.ok(w.logged.some((l) => /1 RunPod session pending or running, not followed: no RunPod API key/.test(l)), w.logged.join('\n'));
    assert.equal(await w.watch.pollNow(withKey.id), false);
    await assert.rejects(w.watch.requireDeps(), (e: unknown) => e instanceof UserErrorWithActions && e.actions[0]?.command === Commands.setRunPodApiKey && /No RunPod API key is set/.test(e.message));
    // The key arrives: the session is polled at once and followed to its end.
    w.key.value = KEY;
    await w.watch.reset('the RunPod API key changed');
    assert.equal(w.watch.following, true);
    await until('completed', () => status(w, withKey.id) === 'completed');
    assert.deepEqual(w.watch.watched(), []);
  });

  it('follows a started session on its own to completed, each streamed line once; a reload picks up a running one', async () => {
    const w = await world();
    await w.watch.reset('opened');
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, await w.watch.requireDeps());
    assert.ok(w.watch.watched().includes(s.id), 'followed from the store event');
    await until('completed', () => status(w, s.id) === 'completed');
    const log = readFileSync(paths.consoleLog(w.store.root, 'ink', s.id), 'utf8');
    const saves = log.split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepEqual(saves, ['saving state at step 10', 'saving state at step 20', 'saving state at step 30']);
    // The poll that wrote "completed" still copies the samples before it returns.
    await until('the end in the log', () => w.logged.some((l) => l === `info RunPod session ${s.id} is completed.`));
    await until('let go', () => !w.watch.watched().includes(s.id));

    // A second one, "reloaded" mid-job: a new store and a new watch over the same files.
    await w.store.addVersion('ink', { id: 'V2', parameters: { max_train_steps: 60, save_every_n_steps: 10, step_delay_ms: 30 }, datasetId: 'set1' });
    const s2 = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V2' }, await w.watch.requireDeps());
    await until('running', () => status(w, s2.id) === 'running');
    w.unsubscribe();
    w.watch.dispose();
    const store = new WorkspaceStore(w.store.root);
    await store.load();
    w.store = store;
    const again = newWatch(w);
    w.watch = again.watch;
    w.unsubscribe = again.unsubscribe;
    await w.watch.reset('the workspace was opened');
    await until('completed after the reload', () => status(w, s2.id) === 'completed');
    const states = readFileSync(paths.consoleLog(store.root, 'ink', s2.id), 'utf8').split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepEqual(states, [10, 20, 30, 40, 50, 60].map((n) => `saving state at step ${n}`));
  });

  it('a failing endpoint: the problem is kept and logged once (no key in it), polls back off, and it recovers', async () => {
    const w = await world();
    await w.watch.reset('opened');
    // Answers the client does not retry itself, so each is one failed poll of the scheduler.
    w.standIn.inject({ route: 'status', kind: 'status', code: 400, times: 3 });
    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, await w.watch.requireDeps());
    await until('a poll problem', () => !!w.watch.lastProblem(s.id), 30_000);
    const problem = w.watch.lastProblem(s.id)!;
    assert.match(problem.message, /400/);
    assert.ok(problem.retryInMs > 200, 'backing off');
    assert.equal(w.logged.filter((l) => l.startsWith(`warn RunPod session ${s.id}: the poll failed`)).length, 1, 'logged once');
    assert.ok(w.watch.watched().includes(s.id), 'still followed');
    // The faults run out: it recovers on its own.
    await until('completed', () => status(w, s.id) === 'completed', 30_000);
    assert.equal(w.watch.lastProblem(s.id), undefined);
  });

  it('endpoint health: fetched at most once per interval; cleared with the key, nothing followed after', async () => {
    const w = await world();
    w.settings = { ...w.settings, pollIntervalSeconds: 30 };
    w.watch.settingsChanged();
    await w.watch.reset('opened');
    const h = await w.watch.fetchHealth(w.standIn.endpointId);
    assert.equal(typeof h.health?.workers.idle, 'number');
    const asked = () => w.standIn.requests.filter((r) => r.route === 'health').length;
    const before = asked();
    w.watch.refreshHealth([w.standIn.endpointId, w.standIn.endpointId]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(asked(), before, 'not asked again within the interval');
    assert.ok(w.watch.healthOf(w.standIn.endpointId)?.health);

    const s = await startRunPodSession(w.store, { styleId: 'ink', versionId: 'V1' }, await w.watch.requireDeps());
    assert.ok(w.watch.watched().includes(s.id));
    w.key.value = undefined;
    await w.watch.reset('the RunPod API key changed');
    assert.deepEqual(w.watch.watched(), []);
    assert.equal(w.watch.following, false);
    assert.equal(w.watch.healthOf(w.standIn.endpointId), undefined);
  });
});
