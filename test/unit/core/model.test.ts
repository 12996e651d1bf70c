import assert from 'node:assert/strict';
import { isValidId, newSessionId, slugify } from '../../../src/core/model/ids';
import { migrate } from '../../../src/core/model/migrations';
import { parseFileText } from '../../../src/core/model/parse';
import { assertTransition, canRelaunch, canResume, canTransition, isActive, isFinal, SESSION_STATUSES, TransitionError } from '../../../src/core/model/status';

describe('ids', () => {
  it('accepts ordinary ids and refuses ones that could escape a folder', () => {
    for (const ok of ['V1', 'dynamic-simplicity', 'test_001', 'a.b', '0x']) assert.ok(isValidId(ok), ok);
    for (const bad of ['', '../x', '..', 'a/b', 'a\\b', '.hidden', '-x', 'a..b', 'x'.repeat(65), 'ü']) assert.ok(!isValidId(bad), bad);
  });
  it('slugifies names into valid ids', () => {
    assert.equal(slugify('Dynamic Simplicity'), 'Dynamic-Simplicity');
    assert.equal(slugify('../../etc/passwd'), 'etc-passwd');
    assert.ok(isValidId(slugify('Ünïcödé stylé!!')));
    assert.equal(slugify('***'), 'item');
  });
  it('makes sortable, valid, unique session ids', () => {
    const a = newSessionId(new Date('2026-11-23T16:04:22Z'));
    assert.match(a, /^20261123-160422-[0-9a-f]{6}$/);
    assert.ok(isValidId(a));
    assert.notEqual(a, newSessionId(new Date('2026-11-23T16:04:22Z')));
  });
});

describe('status machine', () => {
  it('knows final and active states', () => {
    assert.ok(isActive('running') && isActive('pending') && !isActive('completed'));
    assert.ok(isFinal('completed') && isFinal('interrupted') && !isFinal('draft') && !isFinal('running'));
  });
  it('allows the lifecycle and refuses impossible transitions', () => {
    assertTransition('pending', 'running');
    assertTransition('running', 'completed');
    assertTransition('interrupted', 'running');
    assert.throws(() => assertTransition('completed', 'running'), TransitionError);
    assert.throws(() => assertTransition('running', 'pending'), /cannot go from "running" to "pending"/);
    for (const s of SESSION_STATUSES) assert.ok(canTransition(s, s), `${s} → ${s} (a progress update)`);
  });
  it('resume needs a checkpoint and a resumable state; relaunch any final state', () => {
    assert.ok(canResume('interrupted', true) && canResume('failed', true) && canResume('cancelled', true));
    assert.ok(!canResume('interrupted', false) && !canResume('completed', true) && !canResume('running', true));
    assert.ok(canRelaunch('completed') && canRelaunch('unknown') && !canRelaunch('running'));
  });
});

describe('migrations', () => {
  it('upgrades a v0 versions file (no schemaVersion, training, timestamp, loraUrl)', () => {
    const r = migrate('versions', { versions: [{ id: 'V1', name: 'V1', timestamp: '2025-10-12T07:27:21.532Z', status: 'training', loraUrl: 'https://x/m.safetensors', extra: 1 }] });
    assert.ok(r.ok);
    const v = (r.value as { schemaVersion: number; versions: Record<string, unknown>[] });
    assert.equal(v.schemaVersion, 1);
    assert.deepEqual(v.versions[0], { id: 'V1', name: 'V1', createdAt: '2025-10-12T07:27:21.532Z', status: 'running', modelUrl: 'https://x/m.safetensors', extra: 1 });
  });
  it('refuses a file from a newer Trainlab and a bad schemaVersion', () => {
    const newer = migrate('style', { schemaVersion: 99 });
    assert.ok(!newer.ok && /newer Trainlab/.test(newer.message));
    assert.ok(!migrate('style', { schemaVersion: 'one' }).ok);
    assert.ok(!migrate('style', [1, 2]).ok);
  });
});

describe('parseFileText', () => {
  it('reports syntax errors with line and column', () => {
    const r = parseFileText('style', 'style.json', '{\n  "id": "a",\n  "name": }\n');
    assert.ok(!r.ok);
    assert.equal(r.problem.line, 3);
    assert.equal(r.problem.column, 11);
    assert.match(r.problem.message, /not valid JSON: value expected/);
  });
  it('reports schema errors at the offending property', () => {
    const text = '{\n  "schemaVersion": 1,\n  "id": "../evil",\n  "name": "x",\n  "trainer": "kohya",\n  "createdAt": "2026-01-01T00:00:00Z"\n}';
    const r = parseFileText('style', 'style.json', text);
    assert.ok(!r.ok);
    assert.equal(r.problem.line, 3);
    assert.match(r.problem.message, /^id: not a valid id/);
  });
  it('reports an empty file', () => {
    const r = parseFileText('session', 's.json', '  \n');
    assert.ok(!r.ok && r.problem.message === 'the file is empty');
  });
  it('keeps unknown fields', () => {
    const r = parseFileText('style', 'style.json', JSON.stringify({ schemaVersion: 1, id: 'a', name: 'A', trainer: 'kohya', createdAt: '2026-01-01T00:00:00Z', futureField: { x: 1 } }));
    assert.ok(r.ok);
    assert.deepEqual((r.value as Record<string, unknown>).futureField, { x: 1 });
  });
});

describe('checkpoint steps across resumes', () => {
  it('turns kohya attempt-relative state steps into the session step', async () => {
    const { withSessionSteps } = await import('../../../src/core/sessions/checkpoints');
    const { kohyaTrainer, demoTrainer } = await import('../../../src/core/trainers');
    const session = { attempts: [
      { startedAt: '2026-01-01T00:00:00.000Z', endedAt: null, exitCode: null, signal: null, resumedFrom: null, startStep: 0 },
      { startedAt: '2026-01-01T01:00:00.000Z', endedAt: null, exitCode: null, signal: null, resumedFrom: 'x', startStep: 500 },
    ] };
    const found = [
      { path: 'a-step00000500-state', step: 500, epoch: 1, kind: 'state' as const, createdAt: '2026-01-01T00:30:00.000Z' },
      { path: 'a-step00000300-state', step: 300, epoch: 2, kind: 'state' as const, createdAt: '2026-01-01T01:30:00.000Z' },
    ];
    assert.deepEqual(withSessionSteps(session, kohyaTrainer, found).map((c) => c.step), [500, 800]);
    assert.deepEqual(withSessionSteps(session, demoTrainer, found).map((c) => c.step), [500, 300], 'the demo trainer writes absolute steps');
  });
});
