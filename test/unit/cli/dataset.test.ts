import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from './helpers';

const STYLE = 'trainlab/styles/dyn/style.json';
const URL_A = 's3://bucket/datasets/dyn-main.zip';
const URL_B = 'https://example.com/dyn/main.zip';

interface DatasetJson {
  id: string;
  styleId: string;
  url: string | null;
  path: string | null;
  imageCount: number | null;
  captionCount: number | null;
}

describe('trainlab dataset url', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());
  const style = () => JSON.parse(ws.read(STYLE)) as Record<string, unknown> & { datasets?: Record<string, { url?: string }> };

  it('shows nothing on stdout and says so on stderr when no URL is set (exit 0)', async () => {
    const r = await ws.run('dataset', 'url', 'dyn', 'main');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'trainlab: dataset dyn/main has no URL; set one for RunPod: trainlab dataset url dyn main URL\n');
    const j = await ws.run('dataset', 'url', 'dyn', 'main', '--json');
    assert.equal(j.code, 0);
    assert.deepEqual(j.json<DatasetJson>(), { id: 'main', styleId: 'dyn', url: null, path: join(ws.root, 'styles', 'dyn', 'datasets', 'main'), imageCount: 3, captionCount: 3 });
  });

  it('sets a URL, keeping the rest of style.json, then shows it', async () => {
    const before = style();
    const r = await ws.run('dataset', 'url', 'dyn', 'main', URL_A);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Set the URL of dataset dyn/main: ${URL_A}\n`);
    assert.equal(r.stderr, '');
    assert.deepEqual(style(), { ...before, datasets: { main: { url: URL_A } } });
    const shown = await ws.run('dataset', 'url', 'dyn', 'main');
    assert.equal(shown.stdout, `${URL_A}\n`);
    const replaced = await ws.run('dataset', 'url', 'dyn', 'main', URL_B, '--json');
    assert.equal(replaced.code, 0);
    assert.equal(replaced.json<DatasetJson>().url, URL_B);
    assert.deepEqual(style().datasets, { main: { url: URL_B } });
  });

  it('sets a URL on a dataset with no folder (a remote-only dataset) and says so', async () => {
    const r = await ws.run('dataset', 'url', 'dyn', 'cloud-only', URL_A);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^trainlab: no folder trainlab\/styles\/dyn\/datasets\/cloud-only: cloud-only exists only at its URL, for training on RunPod\n$/);
    const j = await ws.run('dataset', 'url', 'dyn', 'cloud-only', '--json');
    assert.deepEqual(j.json<DatasetJson>(), { id: 'cloud-only', styleId: 'dyn', url: URL_A, path: null, imageCount: null, captionCount: null });
    // A version can use it, and shows where it comes from.
    const v = await ws.run('version', 'add', 'dyn', '--dataset', 'cloud-only');
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, new RegExp(`dataset +cloud-only \\(URL only: ${URL_A.replace(/[.]/g, '\\.')}\\)`));
  });

  it('version add shows the URL of a dataset folder that has one', async () => {
    await ws.run('dataset', 'url', 'dyn', 'main', URL_A);
    const v = await ws.run('version', 'add', 'dyn', '--dataset', 'main');
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /dataset +main \(3 images, URL s3:\/\/bucket\/datasets\/dyn-main\.zip\)/);
  });

  it('--clear removes the URL; clearing again changes nothing; a cleared remote-only dataset is gone', async () => {
    await ws.run('dataset', 'url', 'dyn', 'main', URL_A);
    const r = await ws.run('dataset', 'url', 'dyn', 'main', '--clear');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Cleared the URL of dataset dyn/main.\n');
    assert.equal('datasets' in style(), false);
    const again = await ws.run('dataset', 'url', 'dyn', 'main', '--clear');
    assert.equal(again.code, 0);
    assert.equal(again.stdout, 'Dataset dyn/main has no URL; nothing changed.\n');

    await ws.run('dataset', 'url', 'dyn', 'cloud-only', URL_B);
    const gone = await ws.run('dataset', 'url', 'dyn', 'cloud-only', '--clear', '--json');
    assert.equal(gone.code, 0, gone.stderr);
    assert.deepEqual(gone.json<DatasetJson>(), { id: 'cloud-only', styleId: 'dyn', url: null, path: null, imageCount: null, captionCount: null });
    const after = await ws.run('dataset', 'url', 'dyn', 'cloud-only');
    assert.equal(after.code, 1);
  });

  it('refuses a URL that is not https:// or s3:// as wrong usage (exit 2) and writes nothing', async () => {
    const before = ws.read(STYLE);
    for (const bad of ['http://example.com/x.zip', '/data/main', 'file:///data/main']) {
      const r = await ws.run('dataset', 'url', 'dyn', 'main', bad);
      assert.equal(r.code, 2, bad);
      assert.match(r.stderr, /^trainlab: the URL ".*" is not valid: a dataset URL starts with https:\/\/ or s3:\/\/ \(a worker downloads it\)\nRun "trainlab dataset url --help" for usage\.\n$/, bad);
    }
    const space = await ws.run('dataset', 'url', 'dyn', 'main', 's3://bucket/a b.zip');
    assert.equal(space.code, 2);
    assert.match(space.stderr, /^trainlab: the URL "s3:\/\/bucket\/a b\.zip" is not valid: a URL has no spaces \(encode them as %20\)\n/);
    assert.equal(ws.read(STYLE), before);
  });

  it('takes a pasted URL without the spaces around it', async () => {
    const padded = await ws.run('dataset', 'url', 'dyn', 'extra', `  ${URL_A}\n`);
    assert.equal(padded.code, 0, padded.stderr);
    assert.deepEqual(style().datasets, { extra: { url: URL_A } });
  });

  it('refuses a URL together with --clear, and ids that break the rules (exit 2)', async () => {
    const both = await ws.run('dataset', 'url', 'dyn', 'main', URL_A, '--clear');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give a URL or --clear, not both/);
    const badId = await ws.run('dataset', 'url', 'dyn', '../escape', URL_A);
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /the dataset id "\.\.\/escape" is not a valid id/);
    const missing = await ws.run('dataset', 'url', 'dyn');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'dataset'/);
  });

  it('fails (exit 1) for a style or dataset that is not there, saying what is', async () => {
    const style = await ws.run('dataset', 'url', 'nope', 'main', URL_A);
    assert.equal(style.code, 1);
    assert.match(style.stderr, /^trainlab: no style "nope" \(styles: /);
    const ds = await ws.run('dataset', 'url', 'dyn', 'nope');
    assert.equal(ds.code, 1);
    assert.match(ds.stderr, /^trainlab: style "dyn" has no dataset "nope" \(datasets: extra, main\); put images in trainlab\/styles\/dyn\/datasets\/nope, or give it a URL: trainlab dataset url dyn nope URL\n$/);
    const clear = await ws.run('dataset', 'url', 'dyn', 'nope', '--clear');
    assert.equal(clear.code, 1);
  });

  it('refuses to touch a broken style.json (exit 1), naming the file', async () => {
    ws.write(STYLE, '{ "schemaVersion": 1,');
    const r = await ws.run('dataset', 'url', 'dyn', 'main', URL_A);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /style "dyn" cannot be used: trainlab\/styles\/dyn\/style\.json/);
    assert.equal(ws.read(STYLE), '{ "schemaVersion": 1,');
  });

  it('is listed in the help', async () => {
    const r = await ws.run('dataset', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /url \[options\] <style> <dataset> \[url\]/);
  });
});
