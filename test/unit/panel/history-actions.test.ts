import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, curveOf, historyOf, sessionSeconds, updateNotes, updateTags } from '../../../src/extension/panel/history';
import { paths } from '../../../src/core/store';
import { MAX_CURVE_POINTS } from '../../../src/shared/panel-protocol';
import { copyFixture } from '../extension/helpers';

const STYLE = 'dynamic-simplicity';

describe('history tab: the extension’s side', () => {
  it('curveOf keeps every point up to the limit and downsamples beyond it (first and last kept)', () => {
    const small = curveOf('{"step":1,"loss":0.5,"lr":0.1}\ngarbage\n{"step":2,"loss":0.4}\n');
    assert.deepEqual(small, { total: 2, steps: [1, 2], loss: [0.5, 0.4], lr: [0.1, null] });
    const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ step: i, loss: Math.sin(i / 50) + 2, lr: 1e-4 })).join('\n');
    const big = curveOf(lines);
    assert.equal(big.total, 20_000);
    assert.ok(big.steps.length <= MAX_CURVE_POINTS && big.steps.length > MAX_CURVE_POINTS - 10, String(big.steps.length));
    assert.equal(big.steps[0], 0);
    assert.equal(big.steps[big.steps.length - 1], 19_999);
    assert.equal(big.loss.length, big.steps.length);
  });

  it('lists the sessions, saves notes and tags, and compares versions with their curves', async () => {
    const { store, cleanup } = await copyFixture();
    try {
      const h = historyOf(store, STYLE);
      assert.equal(h.sessions.length, 4);
      const failed = h.sessions.find((s) => s.status === 'failed');
      assert.ok(failed?.error, 'the failed session has its error');
      // An interrupted session's open attempt counts up to its last progress, not to now.
      const interrupted = store.listSessions({ styleId: STYLE }).find((s) => s.status === 'interrupted')!;
      const later = new Date(Date.parse(interrupted.createdAt) + 365 * 86400_000);
      const secs = sessionSeconds(interrupted, later)!;
      assert.ok(secs !== null && secs < 86400, String(secs));
      const running = store.listSessions({ styleId: STYLE }).find((s) => s.status === 'running')!;
      assert.ok(sessionSeconds(running, later)! > 300 * 86400, 'a running session counts up to now');

      await updateNotes(store, STYLE, { kind: 'version', id: 'V1' }, 'from the history tab');
      const file = JSON.parse(readFileSync(join(store.root, 'styles', STYLE, 'versions.json'), 'utf8')) as { versions: { id: string; notes: string }[] };
      assert.equal(file.versions.find((v) => v.id === 'V1')?.notes, 'from the history tab');
      await updateTags(store, STYLE, { kind: 'version', id: 'V1' }, [' a ', 'b', 'a']);
      assert.deepEqual(store.getVersion(STYLE, 'V1')?.tags, ['a', 'b']);
      const sid = h.sessions[0]!.id;
      await updateTags(store, STYLE, { kind: 'session', id: sid }, ['x']);
      await updateNotes(store, STYLE, { kind: 'session', id: sid }, 'session note');
      assert.deepEqual([store.getSession(sid)?.session.tags, store.getSession(sid)?.session.notes], [['x'], 'session note']);
      await assert.rejects(updateNotes(store, STYLE, { kind: 'version', id: 'V99' }, 'x'), /no version "V99"/);
      await assert.rejects(updateNotes(store, STYLE, { kind: 'session', id: 'not-here' }, 'x'), /no session/);

      const c = await compareVersions(store, STYLE, ['V1', 'V2']);
      assert.deepEqual(c.versions.map((v) => v.id), ['V1', 'V2']);
      const lr = c.parameters.find((p) => p.key === 'learning_rate');
      assert.ok(lr?.differs, 'learning_rate differs');
      assert.deepEqual(c.curves.map((x) => [x.versionId, x.total]), [['V2', 3]]);
      // A curve appears for V1 once its newest session has metrics.
      const v1 = store.newestSession(STYLE, 'V1')!;
      writeFileSync(paths.metrics(store.root, STYLE, v1.id), '{"step":10,"loss":0.2}\n{"step":20,"loss":0.15}\n');
      const c2 = await compareVersions(store, STYLE, ['V2', 'V1']);
      assert.deepEqual(c2.curves.map((x) => x.versionId).sort(), ['V1', 'V2']);
      await assert.rejects(compareVersions(store, STYLE, ['V1', 'V1']), /two different versions/);
      await assert.rejects(compareVersions(store, STYLE, ['V1', 'V99']), /no version "V99"/);
    } finally {
      cleanup();
    }
  });
});
