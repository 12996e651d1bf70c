import assert from 'node:assert/strict';
import { MAX_BACKOFF_MS, MIN_GAP_MS, RunPodPoller } from '../../../src/core/backends/runpod/poller';

/** A clock and timers the test moves by hand. */
function fakeTime() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const id = ++ids;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (h: unknown) => {
      const i = timers.findIndex((t) => t.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = end;
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('RunPod poller', () => {
  it('polls each session once per interval, at once when tracked, and stops at a final state', async () => {
    const t = fakeTime();
    const calls: [string, number][] = [];
    let finalA = false;
    const p = new RunPodPoller({ intervalMs: 30_000, poll: async (id) => (calls.push([id, t.now()]), { final: id === 'a' && finalA }), ...t });
    p.track('a');
    p.track('b');
    p.track('a');
    await t.advance(0);
    assert.deepEqual(calls, [['a', 0], ['b', 0]]);
    await t.advance(29_999);
    assert.equal(calls.length, 2, 'nothing before the interval');
    finalA = true;
    await t.advance(1);
    assert.deepEqual(calls.slice(2), [['a', 30_000], ['b', 30_000]]);
    await t.advance(30_000);
    assert.deepEqual(calls.slice(4), [['b', 60_000]], 'a final session is not polled again');
    assert.deepEqual(p.watched, ['b']);
    p.dispose();
  });

  it('a poll on demand moves the next one an interval on, and is skipped right after another', async () => {
    const t = fakeTime();
    const calls: number[] = [];
    const p = new RunPodPoller({ intervalMs: 30_000, poll: async () => (calls.push(t.now()), { final: false }), ...t });
    p.track('a');
    await t.advance(0);
    await t.advance(MIN_GAP_MS - 1);
    await p.pollNow('a');
    assert.deepEqual(calls, [0], 'too soon after the last poll');
    await t.advance(10_000);
    await p.pollNow('a');
    assert.deepEqual(calls, [0, MIN_GAP_MS - 1 + 10_000]);
    await t.advance(29_000);
    assert.equal(calls.length, 2, 'the scheduled poll moved on: one request per interval');
    await t.advance(1_000);
    assert.equal(calls.length, 3);
    p.dispose();
  });

  it('backs off after errors (doubling, capped) and recovers', async () => {
    const t = fakeTime();
    const calls: number[] = [];
    const waits: number[] = [];
    let fail = true;
    const p = new RunPodPoller({
      intervalMs: 30_000,
      poll: async () => {
        calls.push(t.now());
        if (fail) throw new Error('network down');
        return { final: false };
      },
      onError: (_id, _e, wait) => waits.push(wait),
      ...t,
    });
    p.track('a');
    await t.advance(0);
    await t.advance(60_000);
    await t.advance(120_000);
    assert.deepEqual(waits.slice(0, 3), [60_000, 120_000, 240_000]);
    await t.advance(3_600_000);
    assert.ok(waits.every((w) => w <= MAX_BACKOFF_MS));
    fail = false;
    const n = calls.length;
    await t.advance(MAX_BACKOFF_MS);
    await t.advance(30_000);
    assert.ok(calls.length >= n + 2, 'back to the interval once a poll succeeds');
    p.dispose();
  });

  it('one request in flight per session: a second pollNow waits for the first', async () => {
    let release!: () => void;
    let calls = 0;
    const p = new RunPodPoller({ intervalMs: 30_000, poll: () => (calls++, new Promise((r) => (release = () => r({ final: false })))) });
    const a = p.pollNow('x');
    const b = p.pollNow('x');
    release();
    await Promise.all([a, b]);
    assert.equal(calls, 1);
    p.dispose();
  });
});
