import assert from 'node:assert/strict';
import { createParser, LogFollower, ProgressTracker, type ParsedEvent, type TrainerKind } from '../../../src/core/logs';
import { fixtureBytes, track } from './helpers';

const kohya = (attemptStartStep: number) => ({ trainer: 'kohya' as TrainerKind, attemptStartStep, barCountsFromResume: true });

describe('ProgressTracker', () => {
  it('keeps the session\'s cumulative step, total and ETA across three chained kohya resumes (fixtures)', () => {
    // Each attempt resumes from the newest state the previous one saved, as the tracker recorded it.
    const expected = [
      { log: 'kohya-resume-1.log', step: 12, eta: 42, lastState: 10 },
      { log: 'kohya-resume-2.log', step: 25, eta: 22, lastState: 20 },
      { log: 'kohya-resume-3.log', step: 32, eta: 12, lastState: 30 },
      { log: 'kohya-resume-4.log', step: 40, eta: 0, lastState: 40 },
    ];
    let start = 0;
    const allPoints: number[] = [];
    for (const e of expected) {
      const { tracker, points } = track(e.log, createParser('kohya'), kohya(start));
      const s = tracker.state;
      assert.equal(s.step, e.step, `${e.log} step`);
      assert.equal(s.totalSteps, 40, `${e.log} total`);
      assert.equal(s.etaSeconds, e.eta, `${e.log} ETA`);
      assert.equal(s.totalEpochs, 4);
      const states = tracker.checkpoints.filter((c) => c.kind === 'state');
      assert.equal(states.at(-1)!.step, e.lastState, `${e.log} newest state`);
      assert.ok(points.length > 0 && points.every((p) => p.step > start && p.step <= e.step), `${e.log} points in range`);
      allPoints.push(...points.map((p) => p.step));
      start = e.lastState;
    }
    assert.equal(allPoints.at(-1), 40);
  });

  it('reports the model files saved after a resume at their absolute step (kohya names them by the attempt\'s step)', () => {
    const { tracker } = track('kohya-resume-3.log', createParser('kohya'), kohya(20));
    const model = tracker.checkpoints.find((c) => c.kind === 'model')!;
    assert.match(model.path!, /neon-step00000010\.safetensors$/);
    assert.equal(model.step, 30);
  });

  it('demo: the bar restarts, save steps are absolute', () => {
    const t = new ProgressTracker({ trainer: 'demo', attemptStartStep: 300, barCountsFromResume: true });
    t.consume({ type: 'progress', n: 50, total: 700, etaSeconds: 70 });
    t.consume({ type: 'checkpoint', step: 350, kind: 'state' });
    assert.deepEqual([t.state.step, t.state.totalSteps, t.checkpoints[0]!.step], [350, 1000, 350]);
  });

  it('ai-toolkit and Hugging Face print absolute steps after a resume (fixtures)', () => {
    const a = track('ai-toolkit-resume.log', createParser('ai-toolkit', { jobName: 'my_lora' }), { trainer: 'ai-toolkit', attemptStartStep: 20, barCountsFromResume: false });
    assert.deepEqual([a.tracker.state.step, a.tracker.state.totalSteps, a.tracker.state.etaSeconds], [40, 40, 0]);
    assert.deepEqual(a.tracker.checkpoints.filter((c) => c.path).map((c) => c.step), [30, 40, 40]);
    const h = track('hf-trainer-quoted.log', createParser('hf-trainer'), { trainer: 'hf-trainer', attemptStartStep: 20, barCountsFromResume: false });
    assert.deepEqual([h.tracker.state.step, h.tracker.state.totalSteps, h.tracker.state.epoch, h.tracker.state.totalEpochs], [40, 40, 2, 2]);
    assert.equal(h.tracker.state.finished, true);
    assert.equal(h.tracker.state.trainLoss, 2.0821);
    assert.deepEqual(h.points.map((p) => [p.step, p.loss, p.epoch]), [[30, 1.9, 1.5], [40, 1.7, 2]]);
  });

  it('an ai-toolkit resume is at its metadata step before the first bar', () => {
    const t = new ProgressTracker({ trainer: 'ai-toolkit', attemptStartStep: 0, barCountsFromResume: false });
    t.consume({ type: 'resumeFrom', step: 250 });
    assert.equal(t.state.step, 250);
  });

  it('writes at most one metric point per second of log time, and always one at a checkpoint', () => {
    const t = new ProgressTracker({ ...kohya(0), startedAtMs: 1_000_000 });
    const points = [];
    for (let n = 1; n <= 20; n++) points.push(...t.consume({ type: 'progress', n, total: 100, etaSeconds: 10, elapsedSeconds: Math.floor(n / 10), loss: n / 100 }));
    assert.deepEqual(points.map((p) => [p.t, p.step]), [[1_000_000, 1], [1_001_000, 10], [1_002_000, 20]]);
    const ck = t.consume({ type: 'checkpoint', step: 20, kind: 'state' });
    assert.deepEqual(ck, [], 'a point at that step was just written');
    t.consume({ type: 'progress', n: 21, total: 100, etaSeconds: 10, elapsedSeconds: 2, loss: 0.5 });
    assert.deepEqual(t.consume({ type: 'checkpoint', step: 21, kind: 'state' }).map((p) => [p.step, p.loss]), [[21, 0.5]]);
    t.consume({ type: 'progress', n: 22, total: 100, etaSeconds: 10, elapsedSeconds: 2, loss: 0.4 });
    assert.deepEqual(t.flush().map((p) => [p.step, p.loss]), [[22, 0.4]], 'the held-back loss at the end');
    assert.deepEqual(t.flush(), []);
  });

  it('uses the caller\'s clock when given (command profiles print no elapsed time)', () => {
    const t = new ProgressTracker({ trainer: 'command', attemptStartStep: 0, barCountsFromResume: false });
    const got = [];
    for (const [n, now] of [[1, 5000], [2, 5500], [3, 6000], [4, 6100]] as const) got.push(...t.consume({ type: 'progress', n, total: 10, etaSeconds: null, loss: 1 / n }, now));
    assert.deepEqual(got.map((p) => [p.t, p.step]), [[5000, 1], [6000, 3]]);
  });

  it('prefers the log\'s own clock to the caller\'s: a backlog read at once keeps its spacing', () => {
    const t = new ProgressTracker({ ...kohya(0), startedAtMs: 10_000 });
    const got = [];
    for (let n = 1; n <= 6; n++) got.push(...t.consume({ type: 'progress', n, total: 10, etaSeconds: 1, elapsedSeconds: n * 2, loss: 1 / n }, 999_999));
    assert.deepEqual(got.map((p) => [p.t, p.step]), [[12_000, 1], [14_000, 2], [16_000, 3], [18_000, 4], [20_000, 5], [22_000, 6]]);
  });

  it('computes the ETA from the rate while tqdm prints ?', () => {
    const t = new ProgressTracker(kohya(100));
    t.consume({ type: 'progress', n: 50, total: 900, etaSeconds: null, rateItPerSec: 2 });
    assert.deepEqual([t.state.step, t.state.totalSteps, t.state.etaSeconds], [150, 1000, 425]);
  });

  it('shows a nan loss as no loss, flagged', () => {
    const { tracker } = track('kohya-full.log', createParser('kohya'), kohya(0));
    assert.equal(tracker.state.loss !== null && Number.isFinite(tracker.state.loss), true);
    const t = new ProgressTracker(kohya(0));
    t.consume({ type: 'progress', n: 1, total: 2, etaSeconds: 1, loss: Number.NaN });
    assert.deepEqual([t.state.loss, t.state.lossIsNaN], [null, true]);
  });

  it('keeps the error lines and picks the exception as the summary', () => {
    const { tracker } = track('kohya-resume-1.log', createParser('kohya'), kohya(0));
    assert.match(tracker.errorSummary!, /^torch\.OutOfMemoryError: CUDA out of memory/);
  });

  it('rounds fractional epochs up, keeps them raw in points, and counts versions', () => {
    const t = new ProgressTracker({ trainer: 'hf-trainer', attemptStartStep: 0, barCountsFromResume: false });
    const v0 = t.version;
    const events: ParsedEvent[] = [
      { type: 'progress', n: 10, total: 40, etaSeconds: 20, elapsedSeconds: 5 },
      { type: 'metrics', loss: 2, epoch: 0.25 },
    ];
    const pts = t.consumeAll(events);
    assert.equal(t.state.epoch, 1);
    assert.deepEqual(pts, [{ t: 5000, step: 10, epoch: 0.25, loss: 2, lr: null }]);
    assert.ok(t.version > v0);
  });
});

describe('LogFollower', () => {
  it('gives the same points whatever the chunking, and an offset to continue from', () => {
    const log = fixtureBytes('kohya-full.log');
    const make = () => new LogFollower({ parser: createParser('kohya'), tracker: new ProgressTracker(kohya(0)) });
    const whole = make();
    const expected = [...whole.push(log), ...whole.end()];
    for (const size of [1, 7, 64, 1000]) {
      const f = make();
      const got = [];
      for (let i = 0; i < log.length; i += size) got.push(...f.push(log.subarray(i, i + size)));
      got.push(...f.end());
      assert.deepEqual(got, expected, `chunks of ${size}`);
      assert.equal(f.offset, log.length);
    }
    assert.equal(whole.tracker.state.step, 40);
  });

  it('continues after a restart from the persisted offset without double-counting', () => {
    const log = fixtureBytes('kohya-full.log');
    const events: ParsedEvent[] = [];
    const first = new LogFollower({ parser: createParser('kohya'), tracker: new ProgressTracker(kohya(0)), onEvent: (e) => events.push(e) });
    first.push(log.subarray(0, 4000));
    const saved = first.offset;
    const second = new LogFollower({ parser: createParser('kohya'), tracker: new ProgressTracker(kohya(0)), startOffset: saved, onEvent: (e) => events.push(e) });
    second.push(log.subarray(saved));
    second.end();
    const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { n: number }).n);
    assert.deepEqual(progress, Array.from({ length: 41 }, (_, i) => i), 'every update exactly once');
    assert.equal(second.tracker.state.step, 40);
  });
});
