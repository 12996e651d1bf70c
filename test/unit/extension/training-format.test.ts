import assert from 'node:assert/strict';
import { sessionSchema } from '../../../src/core/model';
import {
  attemptLine,
  completedMessage,
  failedMessage,
  interruptedMessage,
  lastErrorLines,
  shortSessionId,
  statusBarSessions,
  statusBarView,
  summaryLine,
  terminalHeader,
  terminalName,
  type TrainingEntry,
} from '../../../src/extension/training/format';
import { ContextValues, formatEta, remainingSeconds, sessionFlags, sessionProgress } from '../../../src/extension/tree/format';

const NOW = Date.parse('2026-01-10T12:00:00.000Z');
const at = (secondsAgo: number) => new Date(NOW - secondsAgo * 1000).toISOString();

const session = (over: object) =>
  sessionSchema.parse({
    schemaVersion: 1,
    id: '20260110-115500-a1b2c3',
    styleId: 'demo-lines',
    versionId: 'V2',
    createdAt: '2026-01-10T11:55:00.000Z',
    backend: { type: 'local', command: ['node'] },
    status: 'running',
    ...over,
  });

const entry = (over: object, title = 'Demo Lines / V2', versionName = 'V2'): TrainingEntry => ({ session: session(over), title, versionName });
const progress = (p: object) => ({ progress: { updatedAt: at(0), ...p } });

describe('training: progress text', () => {
  it('ETA: compact, only while running and fresh', () => {
    assert.equal(formatEta(45), '45s');
    assert.equal(formatEta(480), '8m');
    assert.equal(formatEta(3900), '1h 05m');
    const s = session(progress({ step: 540, totalSteps: 1200, loss: 0.081, etaSeconds: 490, updatedAt: at(10) }));
    assert.equal(remainingSeconds(s, NOW), 480);
    assert.equal(sessionProgress(s, NOW), 'running • 540/1200 (45%) • ETA 8m • loss 0.081');
    // Stale progress (a remote run nobody polled): no ETA.
    const stale = session(progress({ step: 340, totalSteps: 1200, loss: 0.081, etaSeconds: 900, updatedAt: '2025-10-13T09:11:05.000Z' }));
    assert.equal(sessionProgress(stale, NOW), 'running • 340/1200 (28%) • loss 0.081');
    assert.equal(remainingSeconds(session({ status: 'completed', ...progress({ etaSeconds: 10 }) }), NOW), undefined);
    assert.equal(remainingSeconds(session(progress({ etaSeconds: 5, updatedAt: at(30) })), NOW), undefined, 'past its ETA');
  });
});

describe('training: context values', () => {
  it('flags say what may be done to a local session', () => {
    const cv = (over: object, canExtend = true) => {
      const s = session(over);
      return ContextValues.session(s.status, sessionFlags(s, canExtend));
    };
    assert.equal(cv({}), 'trainlab.session:running:cancellable');
    assert.equal(cv({ status: 'pending' }), 'trainlab.session:pending:cancellable');
    assert.equal(cv({ status: 'failed', checkpoints: [{ path: 'x-state', step: 20 }] }), 'trainlab.session:failed:resumable:relaunchable');
    assert.equal(cv({ status: 'failed' }), 'trainlab.session:failed:relaunchable');
    assert.equal(cv({ status: 'interrupted', checkpoints: [{ path: 'x-state', step: 20 }] }), 'trainlab.session:interrupted:resumable:relaunchable');
    assert.equal(cv({ status: 'completed' }), 'trainlab.session:completed:relaunchable:extendable');
    assert.equal(cv({ status: 'completed' }, false), 'trainlab.session:completed:relaunchable');
    // RunPod sessions: cancel needs the job id, resume the worker's checkpoint, RunPod's Retry a FAILED or TIMED_OUT job; never extend.
    const rp = (b: object = {}) => ({ backend: { type: 'runpod', endpointId: 'e', jobId: 'j1', ...b } });
    assert.equal(cv({ ...rp({ jobId: undefined }) }), 'trainlab.session:running:runpod');
    assert.equal(cv({ ...rp() }), 'trainlab.session:running:cancellable:runpod');
    assert.equal(cv({ status: 'failed', ...rp({ lastStatus: 'FAILED' }) }), 'trainlab.session:failed:relaunchable:retryable:runpod');
    assert.equal(cv({ status: 'interrupted', ...rp({ lastStatus: 'TIMED_OUT', checkpoint: { ref: 'c', step: 20 } }) }), 'trainlab.session:interrupted:resumable:relaunchable:retryable:runpod');
    assert.equal(cv({ status: 'cancelled', ...rp({ lastStatus: 'CANCELLED' }) }), 'trainlab.session:cancelled:relaunchable:runpod');
    assert.equal(cv({ status: 'completed', ...rp({ lastStatus: 'COMPLETED' }) }), 'trainlab.session:completed:relaunchable:runpod');
    // The when-clause regexes of package.json read them.
    const flag = (f: string) => new RegExp(`^trainlab\\.session:.*:${f}(:|$)`);
    assert.ok(flag('resumable').test('trainlab.session:failed:resumable:relaunchable'));
    assert.ok(!flag('resumable').test('trainlab.session:failed:relaunchable'));
    assert.ok(flag('relaunchable').test('trainlab.session:failed:resumable:relaunchable'));
    assert.ok(!flag('cancellable').test('trainlab.session:running'));
    assert.ok(flag('retryable').test('trainlab.session:failed:relaunchable:retryable:runpod'));
    assert.ok(!flag('retryable').test('trainlab.session:failed:relaunchable:runpod'));
  });
});

describe('training: status bar', () => {
  it('is hidden with nothing running', () => {
    assert.equal(statusBarView([], NOW).visible, false);
  });

  it('one training: version, percent, ETA; tooltip with step/total and loss', () => {
    const v = statusBarView([entry(progress({ step: 540, totalSteps: 1200, loss: 0.081, etaSeconds: 480 }))], NOW);
    assert.equal(v.visible, true);
    assert.equal(v.text, '$(sync~spin) V2 45% · ETA 8m');
    assert.match(v.tooltip, /\*\*Demo Lines \/ V2\*\*/);
    assert.match(v.tooltip, /step 540\/1200 \(45%\)/);
    assert.match(v.tooltip, /loss 0\.081/);
    assert.match(v.accessibilityLabel, /^Training Demo Lines \/ V2: Running · step 540\/1200/);
    assert.equal(statusBarView([entry({ status: 'pending' })], NOW).text, '$(sync~spin) V2 starting…');
    assert.equal(statusBarView([entry(progress({ step: 12 }))], NOW).text, '$(sync~spin) V2 step 12');
  });

  it('several trainings: a count and each percent', () => {
    const a = entry(progress({ step: 540, totalSteps: 1200 }));
    const b = entry(progress({ step: 12, totalSteps: 100 }), 'Other / V1', 'V1');
    assert.equal(statusBarView([a, b], NOW).text, '$(sync~spin) 2 trainings · 45% · 12%');
    const c = entry({ status: 'pending' }, 'C / V9', 'V9');
    assert.equal(statusBarView([a, b, c, a], NOW).text, '$(sync~spin) 4 trainings · 45% · 12% · … · +1');
    assert.equal(statusBarView([a, b], NOW).tooltip.split('\n').filter((l) => l.startsWith('$(sync~spin)')).length, 2);
  });

  it('shows only local live sessions; escapes names in the tooltip', () => {
    const list = [session({}), session({ status: 'completed' }), session({ backend: { type: 'runpod', endpointId: 'e' } })];
    assert.equal(statusBarSessions(list).length, 1);
    const v = statusBarView([entry({}, '[x](command:evil) / V2')], NOW);
    assert.ok(!v.tooltip.includes('](command:'), v.tooltip);
  });
});

describe('training: terminal text', () => {
  it('names the terminal after style, version and the short session id', () => {
    assert.equal(shortSessionId('20250921-083000-0d3e02'), '0d3e02');
    assert.equal(shortSessionId('abc'), 'abc');
    assert.equal(terminalName(session({})), 'Trainlab: demo-lines/V2 a1b2c3');
  });

  it('a header that says closing does not stop the training', () => {
    const h = terminalHeader(entry({}), { shown: 2000, truncated: true });
    assert.match(h[0]!, /Demo Lines \/ V2 .* session 20260110-115500-a1b2c3 \(running\)/);
    assert.match(h.join('\n'), /last 2000 lines of console\.log \(the file is longer\)/);
    assert.match(h.join('\n'), /Closing this terminal does not stop the training; Ctrl\+C asks to cancel it/);
  });

  it('one summary line per way a session ends', () => {
    const done = summaryLine(session({ status: 'completed', ...progress({ step: 60, totalSteps: 60 }), metricsSummary: { finalLoss: 0.0123 }, outputs: { model: '/x/output/demo.safetensors' } }));
    assert.deepEqual(done, { text: '✔ Training completed: 60/60 steps • loss 0.012 • model demo.safetensors', tone: 'ok' });
    const failed = summaryLine(session({ status: 'failed', ...progress({ step: 20, totalSteps: 60 }), error: { message: 'the trainer exited with code 2' } }));
    assert.deepEqual(failed, { text: '✖ Training failed at step 20/60 (33%): the trainer exited with code 2', tone: 'error' });
    const interrupted = summaryLine(session({ status: 'interrupted', checkpoints: [{ path: 'a', step: 20 }], error: { message: 'the process went away' } }));
    assert.equal(interrupted.tone, 'warning');
    assert.match(interrupted.text, /^⏸ Training interrupted: the process went away \(Resume continues/);
    assert.equal(summaryLine(session({ status: 'cancelled', ...progress({ step: 7 }) })).text, '■ Training cancelled at step 7.');
  });

  it('a line for a resumed attempt', () => {
    const s = session({ attempts: [{ startedAt: at(60) }, { startedAt: at(1), resumedFrom: '/o/demo-step00000040-state', startStep: 40 }] });
    assert.equal(attemptLine(s), '── Attempt 2: resumed from step 40 (demo-step00000040-state) ──');
  });
});

describe('training: notifications', () => {
  it('completed, failed with the last error lines, interrupted with where a resume starts', () => {
    assert.equal(completedMessage(entry({ status: 'completed', ...progress({ step: 60 }), metricsSummary: { finalLoss: 0.0123 } })), 'Training Demo Lines / V2 completed (60 steps, final loss 0.012).');
    const long = ['l1', 'l2', 'Traceback', 'RuntimeError: CUDA out of memory'].join('\n');
    assert.equal(lastErrorLines(long), 'l2 | Traceback | RuntimeError: CUDA out of memory');
    assert.match(failedMessage(entry({ status: 'failed', error: { message: long } })), /^Training Demo Lines \/ V2 failed: l2 \| Traceback \| RuntimeError/);
    assert.match(interruptedMessage(entry({ status: 'interrupted', error: { message: 'x' } }), true, 40), /^Training Demo Lines \/ V2 was found interrupted: x\. Resume continues from step 40\.$/);
    assert.match(interruptedMessage(entry({ status: 'interrupted' }), false, undefined), /was interrupted: .* No checkpoint was saved; Relaunch starts it again\.$/);
  });
});
