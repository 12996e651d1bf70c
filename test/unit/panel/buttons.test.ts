import assert from 'node:assert/strict';
import type { SessionSummary, VersionSummary } from '../../../src/shared/panel-protocol';
import { buttonStates, type ButtonContext } from '../../../webview-ui/configure/buttons';
import { runningNotice } from '../../../src/extension/panel/snapshot';

function version(status: VersionSummary['status'], session?: Partial<SessionSummary>): VersionSummary {
  return {
    id: 'V1', name: 'V1', createdAt: '2025-10-12T07:27:21.532Z', status, imageCount: 100, steps: 2000, description: '', notes: '', tags: [], datasetId: null, parameters: {}, completedAt: null,
    session: session || status !== 'draft' ? { id: 's1', status: status === 'draft' ? 'pending' : status, local: true, checkpoints: 0, step: null, totalSteps: null, progressText: status, error: null, ...session } : null,
  };
}
const REMOTE: NonNullable<SessionSummary['remote']> = { endpointId: 'e1', jobId: 'job-1', status: 'IN_PROGRESS', delayMs: 1200, workerId: 'w1', lastSeenAt: null, canRetry: false };
const ctx = (c: Partial<ButtonContext>): ButtonContext => ({ version: null, dirty: false, invalid: [], trusted: true, busy: null, gone: false, ...c });
const enabled = (c: Partial<ButtonContext>) => Object.fromEntries(Object.entries(buttonStates(ctx(c))).map(([k, v]) => [k, v.enabled]));

describe('panel buttons', () => {
  it('NEW: save and start only', () => {
    assert.deepEqual(enabled({ dirty: true }), { save: true, start: true, check: false, cancel: false, resume: false, retry: false, relaunch: false, extend: false });
    assert.match(buttonStates(ctx({})).check.reason, /Select a saved version/);
  });

  it('a draft version: start, no session actions, each saying why', () => {
    const s = buttonStates(ctx({ version: version('draft') }));
    assert.equal(s.start.enabled, true);
    assert.equal(s.check.enabled, false);
    assert.match(s.check.reason, /V1 has not been started yet/);
  });

  it('running: check and cancel; start says it is running', () => {
    const s = buttonStates(ctx({ version: version('running') }));
    assert.deepEqual(Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.enabled])), { save: true, start: false, check: true, cancel: true, resume: false, retry: false, relaunch: false, extend: false });
    assert.match(s.start.reason, /V1 is running/);
    assert.match(s.resume.reason, /Only an interrupted, failed or cancelled training can be resumed; V1 is running/);
    assert.match(s.relaunch.reason, /still running/);
    // Edited: a new version may start while V1 runs.
    assert.equal(buttonStates(ctx({ version: version('running'), dirty: true })).start.enabled, true);
  });

  it('resume needs a checkpoint; relaunch any final state', () => {
    assert.match(buttonStates(ctx({ version: version('interrupted') })).resume.reason, /no checkpoint/);
    assert.equal(buttonStates(ctx({ version: version('interrupted', { checkpoints: 2 }) })).resume.enabled, true);
    assert.equal(buttonStates(ctx({ version: version('completed') })).relaunch.enabled, true);
    assert.match(buttonStates(ctx({ version: version('completed') })).cancel.reason, /not training \(it is completed\)/);
  });

  it('extend: only a completed local session whose trainer can extend, saying why otherwise', () => {
    assert.equal(buttonStates(ctx({ version: version('completed', { canExtend: true }) })).extend.enabled, true);
    assert.match(buttonStates(ctx({ version: version('completed', { canExtend: true }) })).extend.reason, /asks how many/);
    const noTrainer = buttonStates(ctx({ version: version('completed', { canExtend: false }) })).extend;
    assert.equal(noTrainer.enabled, false);
    assert.match(noTrainer.reason, /trainer cannot continue a finished run/);
    assert.equal(buttonStates(ctx({ version: version('completed') })).extend.enabled, false, 'unknown trainer ability: off');
    for (const st of ['running', 'failed', 'cancelled', 'interrupted'] as const) {
      const b = buttonStates(ctx({ version: version(st, { canExtend: true, checkpoints: 2 }) })).extend;
      assert.equal(b.enabled, false, st);
      assert.match(b.reason, new RegExp(`Only a completed training can be extended; V1 is ${st}`));
    }
    assert.match(buttonStates(ctx({ version: version('draft') })).extend.reason, /not been started/);
    assert.match(buttonStates(ctx({})).extend.reason, /Select a saved version to extend it/);
    assert.match(buttonStates(ctx({ version: version('completed', { canExtend: true }), trusted: false })).extend.reason, /untrusted/);
    assert.match(buttonStates(ctx({ version: version('completed', { canExtend: true, local: false, remote: REMOTE }) })).extend.reason, /ran on RunPod: relaunch/);
  });

  it('an invalid field disables Start and Save, naming the field', () => {
    const s = buttonStates(ctx({ version: version('draft'), dirty: true, invalid: [{ label: 'Network dim (rank)', message: 'must be a whole number between 1 and 1024' }, { label: 'x', message: 'y' }] }));
    assert.equal(s.start.enabled, false);
    assert.equal(s.save.enabled, false);
    assert.equal(s.start.reason, 'Fix the form first: Network dim (rank) must be a whole number between 1 and 1024 (and 1 more).');
  });

  it('untrusted, remote, busy and gone', () => {
    const u = buttonStates(ctx({ version: version('running'), trusted: false }));
    assert.equal(u.start.enabled || u.cancel.enabled, false);
    assert.match(u.cancel.reason, /untrusted/);
    assert.equal(u.check.enabled, true, 'checking status runs nothing');
    assert.match(buttonStates(ctx({ version: version('running', { local: false, remote: REMOTE }) })).cancel.reason, /Cancel V1's RunPod job/);
    assert.ok(Object.values(buttonStates(ctx({ version: version('completed'), busy: 'check' }))).every((b) => !b.enabled));
    assert.ok(Object.values(buttonStates(ctx({ gone: true }))).every((b) => !b.enabled && /not in this workspace/.test(b.reason)));
  });

  it('RunPod: Start says where it runs; cancel, resume from the worker’s checkpoint, RunPod Retry only for FAILED/TIMED_OUT', () => {
    assert.match(buttonStates(ctx({ version: version('draft'), backend: 'runpod' })).start.reason, /Start training V1 on RunPod/);
    assert.match(buttonStates(ctx({ version: version('draft') })).start.reason, /locally/);
    const running = buttonStates(ctx({ version: version('running', { local: false, remote: REMOTE }) }));
    assert.equal(running.cancel.enabled, true);
    assert.match(running.check.reason, /Ask RunPod now/);
    const lost = buttonStates(ctx({ version: version('unknown', { local: false, remote: { ...REMOTE, jobId: null } }) }));
    assert.equal(lost.cancel.enabled, false);
    const failed = (canRetry: boolean, checkpoints = 1) => buttonStates(ctx({ version: version('failed', { local: false, checkpoints, remote: { ...REMOTE, status: canRetry ? 'FAILED' : 'COMPLETED', canRetry } }) }));
    assert.equal(failed(true).retry.enabled, true);
    assert.match(failed(true).retry.reason, /same job id/);
    assert.equal(failed(false).retry.enabled, false);
    assert.equal(failed(true).resume.enabled, true);
    assert.match(failed(true).resume.reason, /checkpoint its worker reported/);
    assert.match(failed(true, 0).resume.reason, /worker reported no checkpoint/);
    assert.match(buttonStates(ctx({ version: version('failed', { checkpoints: 1 }) })).retry.reason, /ran locally/);
  });

  it('every disabled button has a reason, every enabled one says what it does', () => {
    const statuses: VersionSummary['status'][] = ['draft', 'pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted', 'unknown'];
    for (const st of statuses) for (const dirty of [false, true]) for (const trusted of [false, true]) {
      for (const b of Object.values(buttonStates(ctx({ version: version(st), dirty, trusted })))) assert.ok(b.reason.length > 10);
    }
  });

  it('the notice at panel open says which versions run, and where', () => {
    assert.equal(runningNotice([version('completed'), version('draft')]), null);
    const local = { ...version('running'), name: 'V3' };
    const queued = { ...version('pending', { remote: { ...REMOTE, status: 'IN_QUEUE' } }), name: 'V2' };
    assert.equal(runningNotice([local]), 'V3 is training: refreshing its status now.');
    assert.equal(runningNotice([queued, local]), 'V2 is waiting to start on RunPod; V3 is training: refreshing their status now.');
    assert.equal(runningNotice([queued, local], false), 'V2 is waiting to start on RunPod; V3 is training.');
  });
});
