import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from './helpers';

interface ExportDoc {
  trainlab: string;
  schemaVersion: number;
  exportedAt: string;
  style: Record<string, unknown>;
  version: Record<string, unknown>;
}

interface ImportJson {
  tool: string;
  dryRun: boolean;
  styles: { id: string; created: boolean }[];
  versions: { styleId: string; id: string; created: boolean; renamedFrom?: string }[];
  version: Record<string, unknown> | null;
}

describe('trainlab export / import (version-export)', () => {
  let ws: TempWorkspace;
  let other: TempWorkspace;
  beforeEach(async () => {
    ws = tempWorkspace({ fixture: true });
    other = tempWorkspace();
    await other.run('init');
  });
  afterEach(() => {
    ws.cleanup();
    other.cleanup();
  });

  it('prints a self-contained document: the style and the version without runtime fields', async () => {
    const r = await ws.run('export', 'dyn/V1');
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json<ExportDoc>();
    assert.equal(doc.trainlab, 'version-export');
    assert.equal(doc.schemaVersion, 1);
    assert.ok(!Number.isNaN(Date.parse(doc.exportedAt)));
    assert.deepEqual(doc.style, { id: 'dyn', name: 'Dynamic Simplicity', triggerToken: 'dynsimp', trainer: 'kohya', defaults: { network_dim: 32, network_alpha: 16 }, description: 'Flat shapes, bold colour' });
    assert.equal(doc.version.id, 'V1');
    assert.equal(doc.version.datasetId, 'main');
    assert.equal(doc.version.selectionSetId, 7); // unknown fields travel along
    for (const runtime of ['status', 'sessionIds', 'modelUrl', 'completedAt']) assert.ok(!(runtime in doc.version), runtime);
    assert.deepEqual((await ws.run('export', 'V1', '--style', 'dyn')).json<ExportDoc>().version, doc.version);
  });

  it('writes -o FILE, refuses to overwrite it without --force', async () => {
    const r = await ws.run('export', 'dyn/V2', '-o', 'v2.json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Exported dyn/V2 to v2.json.\n');
    const first = ws.read('v2.json');
    assert.equal((JSON.parse(first) as ExportDoc).version.id, 'V2');

    const again = await ws.run('export', 'dyn/V1', '-o', 'v2.json');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'trainlab: v2.json already exists; add --force to replace it\n');
    assert.equal(ws.read('v2.json'), first);

    const forced = await ws.run('export', 'dyn/V1', '--output', 'v2.json', '--force', '--json');
    assert.equal(forced.code, 0);
    assert.deepEqual(forced.json(), { path: join(ws.dir, 'v2.json'), styleId: 'dyn', versionId: 'V1' });
    assert.equal((JSON.parse(ws.read('v2.json')) as ExportDoc).version.id, 'V1');
    assert.deepEqual(readdirSync(ws.dir).filter((n) => n.startsWith('v2.json')), ['v2.json'], 'no temporary file left');
  });

  it('fails for a missing version (exit 1) and a malformed name (exit 2)', async () => {
    assert.equal((await ws.run('export', 'dyn/V9')).code, 1);
    assert.equal((await ws.run('export', 'V1')).code, 2);
  });

  it('round-trips: import into another workspace creates the style and the version', async () => {
    await ws.run('export', 'dyn/V1', '-o', 'v1.json');
    const r = await other.run('import', join(ws.dir, 'v1.json'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Created style dyn\nAdded version dyn\/V1 \(from v1\.json\)\n1 version and 0 sessions imported\./);
    // the dataset is not in the other workspace: a warning, not a failure
    assert.match(r.stderr, /warning: dataset "main" is not in this workspace/);

    const style = (await other.run('styles', '--json')).json<Record<string, unknown>[]>()[0]!;
    const exported = JSON.parse(ws.read('v1.json')) as ExportDoc;
    for (const k of Object.keys(exported.style)) assert.deepEqual(style[k], exported.style[k], k);
    const v = (await other.run('versions', 'dyn', '--json')).json<Record<string, unknown>[]>()[0]!;
    for (const k of ['id', 'name', 'parameters', 'datasetId', 'imageCount', 'description', 'notes', 'tags', 'selectionSetId']) assert.deepEqual(v[k], exported.version[k], k);
    assert.equal(v.status, 'draft');
    assert.deepEqual(v.importedFrom, { format: 'version-export', styleId: 'dyn', versionId: 'V1', createdAt: '2026-11-01T09:00:00.000Z', exportedAt: exported.exportedAt, file: 'v1.json' });

    // and back out again: the same configuration
    const back = (await other.run('export', 'dyn/V1')).json<ExportDoc>();
    assert.deepEqual(back.style, exported.style);
    assert.deepEqual(back.version.parameters, exported.version.parameters);
  });

  it('imports nothing when an identical version is already there', async () => {
    await ws.run('export', 'dyn/V1', '-o', 'v1.json');
    const same = await ws.run('import', 'v1.json', '--json');
    assert.equal(same.code, 0, same.stderr);
    const doc = same.json<ImportJson>();
    assert.deepEqual(doc.styles, [{ id: 'dyn', created: false }]);
    assert.deepEqual(doc.versions, [{ styleId: 'dyn', id: 'V1', source: 'v1.json', created: false }]);
    assert.deepEqual((await ws.run('versions', 'dyn', '--json')).json<{ id: string }[]>().map((v) => v.id), ['V2', 'V1']);

    // importing the same export twice elsewhere adds it once
    await other.run('import', join(ws.dir, 'v1.json'));
    const twice = await other.run('import', join(ws.dir, 'v1.json'));
    assert.equal(twice.code, 0);
    assert.match(twice.stdout, /Already there: dyn\/V1/);
  });

  it('adds the version under a new id when its id is taken by a different version', async () => {
    await ws.run('export', 'dyn/V1', '-o', 'v1.json');
    const edited = JSON.parse(ws.read('v1.json')) as ExportDoc;
    (edited.version.parameters as Record<string, unknown>).network_dim = 8;
    ws.write('v1-edited.json', JSON.stringify(edited));
    const r = await ws.run('import', 'v1-edited.json', '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json<ImportJson>();
    assert.deepEqual(doc.versions, [{ styleId: 'dyn', id: 'V3', source: 'v1-edited.json', created: true, renamedFrom: 'V1' }]);
    assert.equal(doc.version!.name, 'V3');
    assert.equal((doc.version!.parameters as Record<string, unknown>).network_dim, 8);
    // again: now identical to V3, which came from the same export
    const again = await ws.run('import', 'v1-edited.json', '--json');
    assert.equal(again.json<ImportJson>().versions[0]!.created, false);
    assert.equal(again.json<ImportJson>().versions[0]!.id, 'V3');
  });

  it('imports into another style with --style, and writes nothing with --dry-run', async () => {
    await ws.run('export', 'dyn/V2', '-o', 'v2.json');
    const dry = await other.run('import', join(ws.dir, 'v2.json'), '--style', 'copy', '--dry-run');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Would create style copy\nWould add version copy\/V2/);
    assert.ok(!existsSync(join(other.root, 'styles', 'copy')));
    const real = await other.run('import', join(ws.dir, 'v2.json'), '--style', 'copy');
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual((await other.run('versions', 'copy', '--json')).json<{ id: string }[]>().map((v) => v.id), ['V2']);
  });

  it('refuses an export it cannot read (exit 1), naming the file and the field', async () => {
    ws.write('bad.json', JSON.stringify({ trainlab: 'version-export', schemaVersion: 1, style: { id: 'x', name: 'X', trainer: 'kohya' }, version: { id: 'V 1', name: 'V1' } }));
    const r = await ws.run('import', 'bad.json');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^trainlab: bad\.json is a Trainlab export that cannot be used: version\.id: not a valid id/);
    ws.write('newer.json', JSON.stringify({ trainlab: 'version-export', schemaVersion: 2 }));
    const newer = await ws.run('import', 'newer.json');
    assert.equal(newer.code, 1);
    assert.match(newer.stderr, /written by a newer Trainlab/);
  });

  it('fails (exit 1) for a path that does not exist', async () => {
    const r = await ws.run('import', 'nowhere.json');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'trainlab: nowhere.json: no such file or folder\n');
  });

  it('refuses to import into a style whose versions.json is broken, leaving it as it was', async () => {
    await ws.run('export', 'dyn/V1', '-o', 'v1.json');
    const broken = ws.read('trainlab/styles/dyn/versions.json').replace(/\]\s*\}\s*$/, '');
    ws.write('trainlab/styles/dyn/versions.json', broken);
    const r = await ws.run('import', 'v1.json');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /versions\.json:\d+:\d+ cannot be used/);
    assert.equal(ws.read('trainlab/styles/dyn/versions.json'), broken);
  });
});
