import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseFileText, type FileKind } from '../../../src/core/model';
import { FIXTURE_ROOT, loadFixture } from './helpers';

/** The fixture workspace the integration tests and UI checks open: its shape is what they assert. */
describe('fixture workspace (test/fixtures/workspace/trainlab)', () => {
  it('loads with the expected styles, versions, sessions and datasets', async () => {
    const store = await loadFixture();
    assert.deepEqual(store.listStyles().map((s) => s.id), ['dynamic-simplicity', 'demo-lines', 'broken-style']);

    const ds = store.getStyle('dynamic-simplicity')!.style;
    assert.equal(ds.name, 'Dynamic Simplicity');
    assert.equal(ds.trainer, 'kohya');
    assert.equal(ds.triggerToken, 'SBai_style_16');
    assert.deepEqual(
      store.listVersions('dynamic-simplicity').map((v) => [v.id, v.status]),
      [['V4', 'draft'], ['V3', 'failed'], ['V2', 'running'], ['V1', 'completed']],
    );
    assert.deepEqual(store.listVersions('demo-lines').map((v) => [v.id, v.status]), [['V3', 'draft'], ['V2', 'pending'], ['V1', 'completed']]);
    assert.equal(store.getStyle('demo-lines')!.style.trainer, 'demo');

    assert.equal(store.listSessions().length, 6);
    assert.equal(store.listSessions({ styleId: 'dynamic-simplicity', versionId: 'V1' }).length, 2);
    assert.deepEqual(store.activeSessions().map((s) => [s.styleId, s.versionId, s.status]), [
      ['dynamic-simplicity', 'V2', 'running'],
      ['demo-lines', 'V2', 'pending'],
    ]);
    // Both live sessions are remote: the reconcile at activation (local sessions only) leaves them be.
    assert.deepEqual(store.activeSessions().map((s) => s.backend.type), ['runpod', 'runpod']);
    const running = store.activeSessions()[0]!;
    assert.deepEqual([running.progress?.step, running.progress?.totalSteps, running.progress?.loss], [340, 1200, 0.081]);

    assert.deepEqual(store.listDatasets('dynamic-simplicity').map((d) => [d.id, d.imageCount, d.captionCount]), [['set-1', 3, 3], ['set-2', 2, 2]]);
    // A finished session's runner record is read on demand, not at load: check the file itself.
    const runnerPath = join(FIXTURE_ROOT, 'styles', 'dynamic-simplicity', 'sessions', '20251012-072721-3fa9c1', 'runner.json');
    const runner = parseFileText('runner', runnerPath, readFileSync(runnerPath, 'utf8'));
    assert.ok(runner.ok && runner.value.exit?.code === 0);
  });

  it('has exactly one problem: the deliberately corrupt versions.json of broken-style', async () => {
    const store = await loadFixture();
    const problems = store.problems();
    assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
    const p = problems[0]!;
    assert.equal(p.displayPath, join('trainlab', 'styles', 'broken-style', 'versions.json'));
    assert.equal(p.styleId, 'broken-style');
    assert.equal(p.kind, 'versions');
    assert.deepEqual([p.line, p.column], [7, 7]);
    assert.match(p.message, /not valid JSON: comma expected/);
    // The style itself is fine and listed, with no versions.
    assert.ok(store.getStyle('broken-style'));
    assert.equal(store.listVersions('broken-style').length, 0);
    assert.ok(store.getStyle('broken-style')!.versionsProblem);
  });

  it('every other JSON file is valid against its schema as written (no migration needed)', () => {
    const kinds: Record<string, FileKind> = { 'style.json': 'style', 'versions.json': 'versions', 'session.json': 'session', 'runner.json': 'runner' };
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (kinds[name]) files.push(p);
      }
    };
    walk(FIXTURE_ROOT);
    assert.ok(files.length >= 12, `found ${files.length} files`);
    for (const f of files) {
      const rel = relative(FIXTURE_ROOT, f);
      const text = readFileSync(f, 'utf8');
      const r = parseFileText(kinds[f.split(/[\\/]/).pop()!]!, f, text);
      if (rel === join('styles', 'broken-style', 'versions.json')) assert.equal(r.ok, false);
      else {
        assert.ok(r.ok, `${rel}: ${r.ok ? '' : r.problem.message}`);
        assert.equal(r.migratedFrom, null, `${rel} should be written at the current schema version`);
      }
    }
  });
});
