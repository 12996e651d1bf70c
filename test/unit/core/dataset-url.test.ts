import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths, StoreError, type StoreEvent, type WorkspaceStore } from '../../../src/core/store';
import { newStore, steppingClock, tempWorkspace } from './helpers/tmp';

const URL_A = 's3://bucket/datasets/ink.zip';
const URL_B = 'https://example.com/data/ink.zip?X-Amz-Signature=abc';

describe('dataset URLs in the store', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let store: WorkspaceStore;
  const styleFile = () => paths.style(ws.root, 'dyn');
  const onDisk = () => JSON.parse(readFileSync(styleFile(), 'utf8')) as Record<string, unknown> & { datasets?: Record<string, Record<string, unknown>> };

  beforeEach(async () => {
    ws = tempWorkspace();
    store = await newStore(ws.root, steppingClock());
    await store.createStyle({ id: 'dyn', name: 'Dynamic Simplicity', trainer: 'kohya' });
    const dir = paths.dataset(ws.root, 'dyn', 'main');
    mkdirSync(dir, { recursive: true });
    for (const n of ['a', 'b']) {
      writeFileSync(join(dir, `${n}.png`), '');
      writeFileSync(join(dir, `${n}.txt`), 'caption');
    }
    await store.load();
  });
  afterEach(() => ws.cleanup());

  it('a dataset folder has no URL until one is set; set writes style.json and the index at once', async () => {
    assert.deepEqual(store.listDatasets('dyn'), [{ id: 'main', styleId: 'dyn', path: paths.dataset(ws.root, 'dyn', 'main'), imageCount: 2, captionCount: 2, url: null, remoteOnly: false }]);
    const style = await store.setDatasetUrl('dyn', 'main', URL_A);
    assert.deepEqual(style.datasets, { main: { url: URL_A } });
    assert.deepEqual(onDisk().datasets, { main: { url: URL_A } });
    assert.equal(store.getDataset('dyn', 'main')?.url, URL_A);
    assert.equal(store.findDataset('dyn', 'main')?.url, URL_A);
    assert.equal(store.listDatasets('dyn')[0]!.url, URL_A);
    await store.setDatasetUrl('dyn', 'main', URL_B);
    assert.deepEqual(onDisk().datasets, { main: { url: URL_B } });
  });

  it('clearing removes the URL, then the emptied entry and the emptied datasets object', async () => {
    await store.setDatasetUrl('dyn', 'main', URL_A);
    await store.setDatasetUrl('dyn', 'main', null);
    assert.equal('datasets' in onDisk(), false);
    assert.equal(store.getDataset('dyn', 'main')?.url, null);
    assert.equal(store.getStyle('dyn')!.style.datasets, undefined);
    // Clearing what is not set changes nothing and is no error.
    await store.setDatasetUrl('dyn', 'main', null);
    assert.equal('datasets' in onDisk(), false);
  });

  it('a URL without a folder makes a remote-only dataset: listed, found, but not a local folder', async () => {
    await store.setDatasetUrl('dyn', 'cloud-set', URL_A);
    assert.deepEqual(store.listDatasets('dyn').map((d) => [d.id, d.remoteOnly, d.imageCount, d.url]), [
      ['cloud-set', true, null, URL_A],
      ['main', false, 2, null],
    ]);
    assert.deepEqual(store.findDataset('dyn', 'cloud-set'), { id: 'cloud-set', styleId: 'dyn', path: null, imageCount: null, captionCount: null, url: URL_A, remoteOnly: true });
    assert.equal(store.getDataset('dyn', 'cloud-set'), undefined, 'local training and resume still see no folder');
    // A version may use it; its image count is unknown.
    const v = await store.addVersion('dyn', { datasetId: 'cloud-set' });
    assert.equal(v.imageCount, null);
    // Cleared, it is gone.
    await store.setDatasetUrl('dyn', 'cloud-set', null);
    assert.equal(store.findDataset('dyn', 'cloud-set'), undefined);
    assert.deepEqual(store.listDatasets('dyn').map((d) => d.id), ['main']);
  });

  it('a folder that appears later turns a remote-only dataset into a local one with its URL', async () => {
    await store.setDatasetUrl('dyn', 'later', URL_A);
    const dir = paths.dataset(ws.root, 'dyn', 'later');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.jpg'), '');
    await store.refreshPaths([dir]);
    assert.deepEqual(store.findDataset('dyn', 'later'), { id: 'later', styleId: 'dyn', path: dir, imageCount: 1, captionCount: 0, url: URL_A, remoteOnly: false });
    rmSync(dir, { recursive: true });
    await store.refreshPaths([dir]);
    assert.equal(store.findDataset('dyn', 'later')?.remoteOnly, true);
  });

  it('refuses a URL that is not https:// or s3://, naming the field, and writes nothing', async () => {
    await store.setDatasetUrl('dyn', 'main', URL_A);
    const before = readFileSync(styleFile(), 'utf8');
    const mtime = statSync(styleFile()).mtimeMs;
    const cases: [string, RegExp][] = [
      ['http://example.com/x.zip', /a dataset URL starts with https:\/\/ or s3:\/\//],
      ['file:///home/me/data', /a dataset URL starts with https:\/\/ or s3:\/\//],
      ['/data/ink', /a dataset URL starts with https:\/\/ or s3:\/\//],
      ['', /a dataset URL starts with https:\/\/ or s3:\/\//],
      ['s3://bucket/with space.zip', /a URL has no spaces/],
      [' s3://bucket/x.zip', /a URL has no spaces/],
    ];
    for (const [bad, why] of cases) {
      await assert.rejects(
        store.setDatasetUrl('dyn', 'main', bad),
        (e: unknown) => e instanceof StoreError && e.message.includes('is not valid: datasets.main.url: ') && why.test(e.message) && /nothing was written\.$/.test(e.message),
        JSON.stringify(bad),
      );
    }
    assert.equal(readFileSync(styleFile(), 'utf8'), before);
    assert.equal(statSync(styleFile()).mtimeMs, mtime);
    assert.equal(store.getDataset('dyn', 'main')?.url, URL_A);
  });

  it('refuses a dataset id that breaks the id rules, and a style that does not exist', async () => {
    const before = readFileSync(styleFile(), 'utf8');
    for (const bad of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      await assert.rejects(store.setDatasetUrl('dyn', bad, URL_A), (e: unknown) => e instanceof StoreError && /is not a valid dataset id/.test(e.message), JSON.stringify(bad));
    }
    assert.equal(readFileSync(styleFile(), 'utf8'), before);
    await assert.rejects(store.setDatasetUrl('nope', 'main', URL_A), /No style "nope"/);
  });

  it('keeps fields of style.json it does not know, at the top and in the dataset entry', async () => {
    const file = onDisk();
    writeFileSync(styleFile(), JSON.stringify({ ...file, futureField: { a: 1 }, datasets: { main: { url: URL_A, sha256: 'abc' }, other: { note: 'kept' } } }, null, 2));
    await store.refreshPaths([styleFile()]);
    await store.setDatasetUrl('dyn', 'main', URL_B);
    let now = onDisk();
    assert.deepEqual(now.futureField, { a: 1 });
    assert.deepEqual(now.datasets, { main: { url: URL_B, sha256: 'abc' }, other: { note: 'kept' } });
    await store.setDatasetUrl('dyn', 'main', null);
    now = onDisk();
    assert.deepEqual(now.datasets, { main: { sha256: 'abc' }, other: { note: 'kept' } }, 'an entry with other fields stays');
    assert.equal(store.findDataset('dyn', 'other'), undefined, 'an entry without a URL and without a folder is no dataset');
  });

  it('reads style.json from disk under the lock: a change another process made is kept', async () => {
    // Another writer changed the description; this store's index has not seen it.
    writeFileSync(styleFile(), JSON.stringify({ ...onDisk(), description: 'from another window' }, null, 2));
    await store.setDatasetUrl('dyn', 'main', URL_A);
    assert.equal(onDisk().description, 'from another window');
    assert.deepEqual(onDisk().datasets, { main: { url: URL_A } });
  });

  it('refuses to rewrite a style.json that cannot be used', async () => {
    writeFileSync(styleFile(), '{ "schemaVersion": 1, "id": "dyn", ');
    await assert.rejects(store.setDatasetUrl('dyn', 'main', URL_A), /cannot be used .*nothing was written/);
    assert.equal(readFileSync(styleFile(), 'utf8'), '{ "schemaVersion": 1, "id": "dyn", ');
  });

  it('a URL change is also a dataset event (rows that show the URL refresh)', async () => {
    const batches: StoreEvent[][] = [];
    store.onDidChange((e) => batches.push(e));
    await store.setDatasetUrl('dyn', 'main', URL_A);
    await store.setDatasetUrl('dyn', 'remote', URL_B);
    await store.setDatasetUrl('dyn', 'main', null);
    const datasetEvents = batches.flat().filter((e) => e.type === 'dataset');
    assert.deepEqual(datasetEvents, [
      { type: 'dataset', styleId: 'dyn', datasetId: 'main' },
      { type: 'dataset', styleId: 'dyn', datasetId: 'remote' },
      { type: 'dataset', styleId: 'dyn', datasetId: 'main' },
    ]);
    assert.ok(batches.flat().some((e) => e.type === 'style' && e.change === 'changed'));
  });

  it('a hand-edited style.json with a bad dataset URL is a problem, never rewritten', async () => {
    writeFileSync(styleFile(), JSON.stringify({ ...onDisk(), datasets: { main: { url: 'ftp://x' } } }, null, 2));
    await store.refreshPaths([styleFile()]);
    const problem = store.problems().find((p) => p.path === styleFile());
    assert.match(problem?.message ?? '', /datasets\.main\.url.*https:\/\/ or s3:\/\//);
    await assert.rejects(store.setDatasetUrl('dyn', 'main', URL_A), /cannot be used/);
  });
});
