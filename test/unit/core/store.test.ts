import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { paths, StoreError, StoreWatcher, type StoreEvent, type WorkspaceStore } from '../../../src/core/store';
import { newStore, steppingClock, tempWorkspace } from './helpers/tmp';

const session = (styleId: string, id: string, versionId: string, status = 'running', extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1, id, styleId, versionId, createdAt: '2026-01-02T00:00:00Z', backend: { type: 'local', command: ['python', 'train.py'] }, status, ...extra,
});

describe('WorkspaceStore', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let store: WorkspaceStore;
  beforeEach(async () => {
    ws = tempWorkspace();
    store = await newStore(ws.root, steppingClock());
  });
  afterEach(() => ws.cleanup());

  async function seed() {
    await store.createStyle({ id: 'dyn', name: 'Dynamic Simplicity', trainer: 'kohya', triggerToken: 'SBai_style_16' });
    const v1 = await store.addVersion('dyn', { parameters: { learning_rate: 0.0001, max_train_steps: 1200 }, description: 'Test with low LR' });
    const v2 = await store.addVersion('dyn', { parameters: { learning_rate: 0.0004 } });
    return { v1, v2 };
  }

  it('creates styles and numbered versions, newest first', async () => {
    const { v1, v2 } = await seed();
    assert.equal(v1.id, 'V1');
    assert.equal(v2.id, 'V2');
    assert.deepEqual(store.listVersions('dyn').map((v) => v.id), ['V2', 'V1']);
    assert.equal(store.listStyles()[0]!.triggerToken, 'SBai_style_16');
    const onDisk = JSON.parse(readFileSync(paths.versions(ws.root, 'dyn'), 'utf8'));
    assert.equal(onDisk.schemaVersion, 1);
    assert.equal(onDisk.versions.length, 2);
  });

  it('refuses duplicate and invalid ids with a StoreError', async () => {
    await seed();
    await assert.rejects(store.createStyle({ id: 'dyn', name: 'x', trainer: 'kohya' }), /already exists/);
    await assert.rejects(store.createStyle({ id: '../escape', name: 'x', trainer: 'kohya' }), StoreError);
    await assert.rejects(store.addVersion('dyn', { id: 'V1' }), /already has a version "V1"/);
    await assert.rejects(store.addVersion('nope', {}), /No style "nope"/);
  });

  it('tracks sessions, the active index and the version status', async () => {
    const { v1 } = await seed();
    const s = await store.createSession({ styleId: 'dyn', versionId: v1.id, backend: { type: 'local', command: [] } });
    assert.equal(store.getVersion('dyn', 'V1')!.status, 'pending');
    assert.deepEqual(store.getVersion('dyn', 'V1')!.sessionIds, [s.id]);
    assert.equal(store.activeSessions().length, 1);
    await store.updateSession(s.id, (x) => { x.status = 'running'; });
    await store.updateSession(s.id, (x) => { x.status = 'completed'; x.outputs.model = 'out/model.safetensors'; });
    assert.equal(store.activeSessions().length, 0);
    const v = store.getVersion('dyn', 'V1')!;
    assert.equal(v.status, 'completed');
    assert.equal(v.modelUrl, 'out/model.safetensors');
    assert.ok(v.completedAt);
    await assert.rejects(store.updateSession(s.id, (x) => { x.status = 'running'; }), /cannot go from "completed" to "running"/);
  });

  it('lists sessions newest first with filters', async () => {
    const { v1, v2 } = await seed();
    const a = await store.createSession({ styleId: 'dyn', versionId: v1.id, backend: { type: 'local', command: [] } });
    const b = await store.createSession({ styleId: 'dyn', versionId: v2.id, backend: { type: 'local', command: [] }, status: 'running' });
    assert.deepEqual(store.listSessions().map((s) => s.id), [b.id, a.id]);
    assert.deepEqual(store.listSessions({ versionId: 'V1' }).map((s) => s.id), [a.id]);
    assert.deepEqual(store.listSessions({ status: ['running'] }).map((s) => s.id), [b.id]);
    assert.equal(store.listSessions({ limit: 1 }).length, 1);
  });

  it('keeps unknown fields when rewriting a file', async () => {
    await seed();
    const p = paths.versions(ws.root, 'dyn');
    const file = JSON.parse(readFileSync(p, 'utf8'));
    file.writtenByNewerTrainlab = { keep: true };
    file.versions[0].handAdded = 'hello';
    writeFileSync(p, JSON.stringify(file));
    await store.load();
    await store.updateVersion('dyn', 'V1', (v) => { v.notes = 'edited'; });
    const after = JSON.parse(readFileSync(p, 'utf8'));
    assert.deepEqual(after.writtenByNewerTrainlab, { keep: true });
    assert.equal(after.versions[0].handAdded, 'hello');
    assert.equal(after.versions[0].notes, 'edited');
  });

  it('reads a v0 file (no schemaVersion) and upgrades it on the next write', async () => {
    mkdirSync(paths.styleDir(ws.root, 'old'), { recursive: true });
    writeFileSync(paths.style(ws.root, 'old'), JSON.stringify({ schemaVersion: 1, id: 'old', name: 'Old', trainer: 'kohya', createdAt: '2025-10-12T07:27:21.532Z' }));
    const v0 = { versions: [{ id: 'V1', name: 'V1', timestamp: '2025-10-12T07:27:21.532Z', status: 'training', loraUrl: null, parameters: { batch_size: 2 }, selectionSetId: 2 }] };
    writeFileSync(paths.versions(ws.root, 'old'), JSON.stringify(v0));
    await store.load();
    assert.deepEqual(store.problems(), []);
    assert.equal(store.getVersion('old', 'V1')!.status, 'running');
    assert.deepEqual(JSON.parse(readFileSync(paths.versions(ws.root, 'old'), 'utf8')), v0, 'reading never writes');
    await store.updateVersion('old', 'V1', (v) => { v.description = 'upgraded'; });
    const after = JSON.parse(readFileSync(paths.versions(ws.root, 'old'), 'utf8'));
    assert.equal(after.schemaVersion, 1);
    assert.equal(after.versions[0].createdAt, '2025-10-12T07:27:21.532Z');
    assert.equal(after.versions[0].status, 'running');
    assert.equal(after.versions[0].selectionSetId, 2, 'unknown v0 fields survive the upgrade');
    assert.equal(after.versions[0].timestamp, undefined);
  });

  describe('bad input', () => {
    it('reports a broken versions.json, keeps the rest, and never overwrites it', async () => {
      await seed();
      await store.createStyle({ id: 'other', name: 'Other', trainer: 'demo' });
      const p = paths.versions(ws.root, 'dyn');
      const broken = '{ "schemaVersion": 1,\n  "versions": [ { "id": "V1", } ]\n}';
      writeFileSync(p, broken);
      await store.load();
      const [problem] = store.problems();
      assert.equal(problem!.displayPath, join('trainlab', 'styles', 'dyn', 'versions.json'));
      assert.equal(problem!.line, 2);
      assert.ok(problem!.message.length > 0 && !problem!.message.includes('\n'));
      assert.equal(store.getStyle('dyn')!.versionsProblem?.path, p);
      assert.equal(store.listStyles().length, 2, 'the style itself and other styles still work');
      await assert.rejects(store.addVersion('dyn', {}), /fix it first, nothing was written/);
      await assert.rejects(store.updateVersion('dyn', 'V1', () => {}), StoreError);
      assert.equal(readFileSync(p, 'utf8'), broken);
      await store.addVersion('other', {});
    });

    it('reports empty, non-object, huge and wrong-shaped files', async () => {
      await seed();
      const sdir = paths.sessionsDir(ws.root, 'dyn');
      const put = (id: string, text: string | Buffer) => { mkdirSync(join(sdir, id), { recursive: true }); writeFileSync(join(sdir, id, 'session.json'), text); };
      put('empty', '');
      put('array', '[1,2]');
      put('huge', Buffer.alloc(17 * 1024 * 1024, 32));
      put('wrong', JSON.stringify(session('dyn', 'wrong', 'V1', 'exploded')));
      put('escape', JSON.stringify(session('dyn', '../../etc', 'V1')));
      put('elsewhere', JSON.stringify(session('other-style', 'elsewhere', 'V1')));
      put('good', JSON.stringify(session('dyn', 'good', 'V1')));
      await store.load();
      const byId = new Map(store.problems().map((p) => [p.sessionId, p.message]));
      assert.match(byId.get('empty')!, /empty/);
      assert.match(byId.get('array')!, /JSON object/);
      assert.match(byId.get('huge')!, /over the 16 MB limit/);
      assert.match(byId.get('wrong')!, /^status: /);
      assert.match(byId.get('escape')!, /^id: not a valid id/);
      assert.match(byId.get('elsewhere')!, /does not match the style folder/);
      assert.equal(store.getSession('good')?.session.status, 'running');
      assert.equal(store.problems().length, 6);
    });

    it('does not follow symlinks out of the root, and reports folders with bad names', async () => {
      await seed();
      const outside = join(ws.dir, 'outside.json');
      writeFileSync(outside, JSON.stringify(session('dyn', 'link', 'V1')));
      mkdirSync(join(paths.sessionsDir(ws.root, 'dyn'), 'link'), { recursive: true });
      symlinkSync(outside, paths.session(ws.root, 'dyn', 'link'));
      symlinkSync(ws.dir, join(paths.stylesDir(ws.root), 'linked-style'));
      mkdirSync(join(paths.stylesDir(ws.root), 'bad name!'));
      await store.load();
      const messages = store.problems().map((p) => p.message).join('\n');
      assert.match(messages, /session\.json is a symbolic link that points outside the trainlab folder/);
      assert.match(messages, /style folder is a symbolic link that points outside/);
      assert.match(messages, /folder name "bad name!" is not a valid id/);
      assert.equal(store.getSession('link'), undefined);
    });

    it('refuses a file from a newer schema and leaves it alone', async () => {
      await seed();
      const p = paths.style(ws.root, 'dyn');
      const text = JSON.stringify({ schemaVersion: 7, id: 'dyn', name: 'Future', trainer: 'kohya', createdAt: '2026-01-01T00:00:00Z' });
      writeFileSync(p, text);
      await store.load();
      assert.match(store.problems()[0]!.message, /newer Trainlab/);
      await assert.rejects(store.updateStyle('dyn', (s) => { s.name = 'x'; }), StoreError);
      assert.equal(readFileSync(p, 'utf8'), text);
    });
  });

  describe('incremental updates', () => {
    it('applies one changed session file without touching the rest', async () => {
      const { v1 } = await seed();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await store.createSession({ styleId: 'dyn', versionId: v1.id, backend: { type: 'local', command: [] } })).id);
      const before = ids.map((id) => store.getSession(id)!.session);
      const target = ids[2]!;
      const p = paths.session(ws.root, 'dyn', target);
      const file = JSON.parse(readFileSync(p, 'utf8'));
      file.status = 'running';
      file.progress = { step: 10, totalSteps: 100, updatedAt: '2026-01-03T00:00:00Z' };
      writeFileSync(p, JSON.stringify(file));
      const events = await store.refreshPaths([p]);
      assert.deepEqual(events, [{ type: 'session', change: 'changed', styleId: 'dyn', sessionId: target }]);
      ids.forEach((id, i) => { if (id !== target) assert.equal(store.getSession(id)!.session, before[i], 'untouched objects are kept, not re-read'); });
      assert.equal(store.getSession(target)!.session.progress?.step, 10);
      assert.deepEqual(await store.refreshPaths([p]), [], 'the same content again is no change');
    });

    it('the watcher delivers changes made by another writer as batched events', async function () {
      this.timeout(10000);
      const { v1 } = await seed();
      const watcher = new StoreWatcher(store, { debounceMs: 30 });
      await watcher.start();
      try {
        const got: StoreEvent[] = [];
        const arrived = new Promise<void>((resolve) => store.onDidChange((e) => { got.push(...e); if (got.some((x) => x.type === 'session')) resolve(); }));
        const dir = join(paths.sessionsDir(ws.root, 'dyn'), 'from-cli');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'session.json'), JSON.stringify(session('dyn', 'from-cli', v1.id)));
        writeFileSync(join(dir, 'console.log'), 'ignored by the index\n');
        await arrived;
        assert.ok(got.some((e) => e.type === 'session' && e.sessionId === 'from-cli' && e.change === 'added'));
        assert.equal(store.activeSessions()[0]!.id, 'from-cli');
        // Breaking the style shows up as a problem, fixing it restores the style.
        const sp = paths.style(ws.root, 'dyn');
        const good = readFileSync(sp, 'utf8');
        const broke = new Promise<void>((resolve) => store.onDidChange((e) => { if (e.some((x) => x.type === 'problems')) resolve(); }));
        writeFileSync(sp, '{ nope');
        await broke;
        assert.equal(store.getStyle('dyn'), undefined);
        const fixed = new Promise<void>((resolve) => store.onDidChange((e) => { if (e.some((x) => x.type === 'style' && x.change === 'added')) resolve(); }));
        writeFileSync(sp, good);
        await fixed;
        assert.equal(store.problems().length, 0);
        assert.deepEqual(store.listVersions('dyn').map((v) => v.id), ['V2', 'V1'], 'its versions come back with it');
      } finally {
        watcher.dispose();
      }
    });
  });

  it('deletes a version, keeping its session folders unless asked', async () => {
    const { v1, v2 } = await seed();
    const s1 = await store.createSession({ styleId: 'dyn', versionId: v1.id, backend: { type: 'local', command: [] }, status: 'completed' });
    const s2 = await store.createSession({ styleId: 'dyn', versionId: v2.id, backend: { type: 'local', command: [] }, status: 'failed' });
    await store.deleteVersion('dyn', 'V1');
    assert.ok(existsSync(paths.sessionDir(ws.root, 'dyn', s1.id)));
    await store.deleteVersion('dyn', 'V2', { deleteSessions: true });
    assert.ok(!existsSync(paths.sessionDir(ws.root, 'dyn', s2.id)));
    assert.equal(store.getSession(s2.id), undefined);
    assert.equal(store.listVersions('dyn').length, 0);
  });
});
