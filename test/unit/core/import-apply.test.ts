import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyImport, readImportPath } from '../../../src/core/import';
import { paths } from '../../../src/core/store';
import { newStore, tempWorkspace } from './helpers/tmp';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'import');

describe('applyImport', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => (ws = tempWorkspace()));
  afterEach(() => ws.cleanup());

  it('imports every fixture format once; a second import creates nothing', async function () {
    this.timeout(20000);
    const store = await newStore(ws.root);
    const plan = await readImportPath(FIXTURES, {});
    const first = await applyImport(store, plan);
    const createdVersions = first.versions.filter((v) => v.created).length;
    const createdSessions = first.sessions.filter((s) => s.created).length;
    assert.ok(createdVersions >= 8, `versions created: ${createdVersions}`);
    assert.ok(createdSessions >= 4, `sessions created: ${createdSessions}`);
    assert.ok(first.problems.length >= 1, 'the broken fixtures are reported');
    assert.deepEqual(store.problems(), [], 'everything written is valid');
    const snapshot = store.listSessions().length;

    const second = await applyImport(store, await readImportPath(FIXTURES, {}));
    assert.equal(second.versions.filter((v) => v.created).length, 0);
    assert.equal(second.sessions.filter((s) => s.created).length, 0);
    assert.equal(second.styles.filter((s) => s.created).length, 0);
    assert.equal(store.listSessions().length, snapshot);
  });

  it('keeps unmapped fields and marks the source; dry run writes nothing', async () => {
    const store = await newStore(ws.root);
    const plan = await readImportPath(join(FIXTURES, 'training-versions'), { styleId: 'dyn' });
    const dry = await applyImport(store, plan, { dryRun: true });
    assert.ok(dry.versions.length > 0);
    assert.equal(store.listStyles().length, 0);
    await applyImport(store, plan);
    const file = JSON.parse(readFileSync(paths.versions(ws.root, 'dyn'), 'utf8'));
    const v = file.versions[0];
    assert.equal(v.importedFrom.tool.length > 0, true);
    assert.match(v.importedFrom.source, /training_versions\.json$/);
    const running = store.listSessions({ styleId: 'dyn', status: ['running'] });
    assert.ok(running.length >= 1, 'status "training" became a running session');
  });

  it('reports, and writes nothing into, a style whose versions.json is broken', async () => {
    const store = await newStore(ws.root);
    await store.createStyle({ id: 'dyn', name: 'D', trainer: 'kohya' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(paths.versions(ws.root, 'dyn'), '{ broken');
    await store.load();
    const plan = await readImportPath(join(FIXTURES, 'training-versions'), { styleId: 'dyn' });
    const r = await applyImport(store, plan);
    assert.ok(r.problems.some((p) => /fix it first/.test(p.message)));
    assert.equal(readFileSync(paths.versions(ws.root, 'dyn'), 'utf8'), '{ broken');
  });
});
