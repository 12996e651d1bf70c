import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, StoreEvent } from '../../../src/core/store';
import { datasetIdProblem, datasetRefOf, SetDatasetUrlArgs, urlFromInput, urlInputProblem } from '../../../src/extension/commands/dataset-url';
import { Commands } from '../../../src/extension/ids';
import { ElementCache, type TreeElement } from '../../../src/extension/tree/elements';
import { ContextValues, datasetDescription, datasetTooltip, ICONS, shortUrl } from '../../../src/extension/tree/format';
import { StylesTreeModel, type TreeSource } from '../../../src/extension/tree/model';
import { copyFixture, REPO } from './helpers';

const local = (over: Partial<Dataset> = {}): Dataset => ({ id: 'set-1', styleId: 's', path: '/w/trainlab/styles/s/datasets/set-1', imageCount: 3, captionCount: 2, url: null, remoteOnly: false, ...over }) as Dataset;
const remote = (url: string): Dataset => ({ id: 'cloud', styleId: 's', path: null, imageCount: null, captionCount: null, url, remoteOnly: true });

describe('dataset URLs in the extension', () => {
  describe('tree formatting', () => {
    it('a dataset row: counts, then the URL when set; "URL only" without a folder', () => {
      assert.equal(datasetDescription(local()), '3 images • 2 captions');
      assert.equal(datasetDescription(local({ url: 's3://b/ink.zip' })), '3 images • 2 captions • s3://b/ink.zip');
      assert.equal(datasetDescription(remote('s3://b/ink.zip')), 'URL only • s3://b/ink.zip');
    });

    it('shortens long URLs for the row and drops a query (a presigned signature)', () => {
      assert.equal(shortUrl('s3://bucket/a.zip'), 's3://bucket/a.zip');
      assert.equal(shortUrl('https://h.example.com/a.zip?X-Amz-Signature=abc'), 'https://h.example.com/a.zip?…');
      const long = `https://my-bucket.s3.eu-west-1.amazonaws.com/${'deep/'.repeat(12)}ink-wash.zip`;
      assert.equal(shortUrl(long), 'https://my-bucket.s3.eu-west-1.amazonaws.com/…/ink-wash.zip');
      assert.ok(shortUrl(`s3://${'b'.repeat(100)}`).length <= 60);
      assert.ok(shortUrl(`s3://${'b'.repeat(100)}`).endsWith('…'));
    });

    it('the tooltip shows the whole URL as code, or says a RunPod start needs one', () => {
      const url = 'https://h.example.com/a_b*c.zip?sig=1';
      const t = datasetTooltip(local({ url }));
      assert.match(t, /Folder: `datasets\/set-1\/` — 3 images • 2 captions/);
      assert.ok(t.includes(`URL: \`${url}\``), t);
      assert.match(t, /RunPod workers download the dataset from this URL/);
      assert.match(datasetTooltip(local()), /No URL: training on RunPod needs one \("Set Dataset URL…"\)/);
      const r = datasetTooltip(remote('s3://b/x`y.zip'));
      assert.match(r, /No folder here: only a RunPod worker can train on it/);
      assert.ok(r.includes('`s3://b/x%60y.zip`'), 'a backtick cannot end the code span');
    });
  });

  describe('tree rows over a workspace', () => {
    let copy: Awaited<ReturnType<typeof copyFixture>>;
    let model: StylesTreeModel;
    beforeEach(async () => {
      copy = await copyFixture();
      const source: TreeSource = { phase: 'ready', store: copy.store };
      model = new StylesTreeModel(() => source);
      model.reset();
    });
    afterEach(() => copy.cleanup());

    const datasetsOf = () => model.children(model.children()[0]).find((e) => e.kind === 'datasets')!;

    it('a URL shows on the dataset row; a remote-only dataset gets a cloud, its own context value, and counts in Datasets', async () => {
      await copy.store.setDatasetUrl('dynamic-simplicity', 'set-1', 's3://bucket/set-1.zip');
      await copy.store.setDatasetUrl('dynamic-simplicity', 'cloud', 'https://example.com/cloud.zip');
      const group = model.row(datasetsOf())!;
      assert.equal(group.description, '3');
      assert.equal(group.tooltip, '2 datasets in `datasets/`, 1 dataset only at a URL (for RunPod)');
      const rows = model.children(datasetsOf()).map((e) => model.row(e)!);
      assert.deepEqual(rows.map((r) => [r.label, r.description, r.icon.id, r.contextValue]), [
        ['cloud', 'URL only • https://example.com/cloud.zip', ICONS.remoteDataset.id, ContextValues.remoteDataset],
        ['set-1', '3 images • 3 captions • s3://bucket/set-1.zip', ICONS.dataset.id, ContextValues.dataset],
        ['set-2', '2 images • 2 captions', ICONS.dataset.id, ContextValues.dataset],
      ]);
      assert.match(rows[1]!.tooltip!, /URL: `s3:\/\/bucket\/set-1\.zip`/);
    });

    it('a URL change refreshes the Datasets node (or the style row above it)', async () => {
      const batches: StoreEvent[][] = [];
      copy.store.onDidChange((e) => batches.push(e));
      await copy.store.setDatasetUrl('dynamic-simplicity', 'set-2', 's3://b/x.zip');
      const r = model.refreshFor(batches.flat());
      assert.equal(r.all, false);
      const covered = (el: TreeElement | undefined): boolean => !!el && (!r.all && r.elements.includes(el) ? true : covered(model.parent(el)));
      assert.ok(covered(datasetsOf()));
      assert.deepEqual(model.refreshFor([{ type: 'dataset', styleId: 'dynamic-simplicity', datasetId: 'set-2' }]), { all: false, elements: [datasetsOf()] });
    });
  });

  describe('command arguments and the input box', () => {
    const cache = new ElementCache();

    it('names a dataset by its row or by { styleId, datasetId }', () => {
      assert.deepEqual(datasetRefOf(cache.get('dataset', { styleId: 'a', datasetId: 'd' })), { styleId: 'a', datasetId: 'd' });
      assert.equal(datasetRefOf(cache.get('datasets', { styleId: 'a' })), undefined);
      assert.equal(datasetRefOf(cache.get('style', { styleId: 'a' })), undefined);
      assert.deepEqual(datasetRefOf({ styleId: 'a', datasetId: 'd', url: null }), { styleId: 'a', datasetId: 'd' });
      assert.equal(datasetRefOf({ styleId: 'a' }), undefined);
      assert.equal(datasetRefOf({ styleId: 'a', datasetId: '' }), undefined);
      assert.deepEqual(SetDatasetUrlArgs.parse({ styleId: 'a', datasetId: 'd', url: null }), { styleId: 'a', datasetId: 'd', url: null });
      assert.equal(SetDatasetUrlArgs.safeParse({ url: 5 }).success, false);
    });

    it('checks the URL as it is typed; empty is fine (it clears)', () => {
      assert.equal(urlInputProblem(''), undefined);
      assert.equal(urlInputProblem('   '), undefined);
      assert.equal(urlInputProblem('s3://bucket/x.zip'), undefined);
      assert.equal(urlInputProblem('  https://example.com/x.zip  '), undefined);
      assert.equal(urlInputProblem('http://example.com/x.zip'), 'A dataset URL starts with https:// or s3:// (a worker downloads it).');
      assert.equal(urlInputProblem('/home/me/data'), 'A dataset URL starts with https:// or s3:// (a worker downloads it).');
      assert.equal(urlInputProblem('s3://bucket/a b.zip'), 'A URL has no spaces (encode them as %20).');
      assert.equal(urlFromInput('  s3://b/x  '), 's3://b/x');
      assert.equal(urlFromInput(''), null);
      assert.equal(urlFromInput(null), null);
    });

    it('checks the id of a new URL-only dataset', () => {
      assert.equal(datasetIdProblem('ink-v2'), undefined);
      assert.match(datasetIdProblem('')!, /needs an id/);
      assert.match(datasetIdProblem('../x')!, /^Not a valid id/);
    });
  });

  it('package.json offers Set Dataset URL… on dataset rows (folder or URL only) and the Datasets node; Reveal only where a folder is', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> } };
    assert.equal(pkg.contributes.commands.find((c) => c.command === Commands.setDatasetUrl)?.title, 'Set Dataset URL…');
    const regexOf = (command: string) =>
      pkg.contributes.menus['view/item/context']!
        .filter((i) => i.command === command)
        .flatMap((i) => [...(i.when ?? '').matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].map((m) => new RegExp(m[1]!)));
    const set = regexOf(Commands.setDatasetUrl);
    for (const cv of [ContextValues.dataset, ContextValues.remoteDataset, ContextValues.datasets]) assert.ok(set.some((r) => r.test(cv)), cv);
    assert.ok(!set.some((r) => r.test(ContextValues.style)));
    const reveal = regexOf(Commands.revealInExplorer);
    assert.ok(reveal.some((r) => r.test(ContextValues.dataset)));
    assert.ok(!reveal.some((r) => r.test(ContextValues.remoteDataset)), 'no folder to reveal');
  });
});
