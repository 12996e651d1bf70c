import assert from 'node:assert/strict';
import { styleSnapshot } from '../../../src/extension/panel/snapshot';
import { datasetSummarySchema, parseMessage, type DatasetSummary } from '../../../src/shared/panel-protocol';
import { datasetIcon, datasetMeta, datasetOptionText } from '../../../webview-ui/configure/format';
import { copyFixture } from '../extension/helpers';

const summary = (over: Partial<DatasetSummary> = {}): DatasetSummary => ({ id: 'set-1', imageCount: 3, captionCount: 3, url: null, ...over });

describe('panel: datasets with URLs', () => {
  it('the summary schema: url is required (null for none); counts may be null (a URL-only dataset)', () => {
    assert.deepEqual(datasetSummarySchema.parse(summary()), summary());
    assert.deepEqual(datasetSummarySchema.parse(summary({ url: 's3://b/x.zip' })), summary({ url: 's3://b/x.zip' }));
    assert.ok(datasetSummarySchema.safeParse({ id: 'cloud', imageCount: null, captionCount: null, url: 's3://b/x.zip' }).success);
    const bad: unknown[] = [
      { id: 'set-1', imageCount: 3, captionCount: 3 },
      { ...summary(), url: '' },
      { ...summary(), url: 5 },
      { ...summary(), imageCount: -1 },
      { ...summary(), id: '../x' },
      { ...summary(), extra: true },
    ];
    for (const b of bad) assert.equal(datasetSummarySchema.safeParse(b).success, false, JSON.stringify(b));
  });

  it('an update carrying datasets with URLs passes the message contract; one without `url` is dropped', () => {
    const ok = { type: 'update', datasets: [summary({ url: 'https://example.com/x.zip' }), { id: 'cloud', imageCount: null, captionCount: null, url: 's3://b/c.zip' }] };
    assert.deepEqual(parseMessage('toWebview', ok), ok);
    assert.equal(parseMessage('toWebview', { type: 'update', datasets: [{ id: 'set-1', imageCount: 3, captionCount: 3 }] }), undefined);
  });

  it('the snapshot sends each dataset with its URL, URL-only ones included', async () => {
    const copy = await copyFixture();
    try {
      await copy.store.setDatasetUrl('dynamic-simplicity', 'set-1', 's3://bucket/set-1.zip');
      await copy.store.setDatasetUrl('dynamic-simplicity', 'cloud', 'https://example.com/cloud.zip');
      const snap = styleSnapshot(copy.store, 'dynamic-simplicity')!;
      assert.deepEqual(snap.datasets, [
        { id: 'cloud', imageCount: null, captionCount: null, url: 'https://example.com/cloud.zip' },
        { id: 'set-1', imageCount: 3, captionCount: 3, url: 's3://bucket/set-1.zip' },
        { id: 'set-2', imageCount: 2, captionCount: 2, url: null },
      ]);
      for (const d of snap.datasets) assert.ok(datasetSummarySchema.safeParse(d).success, d.id);
    } finally {
      copy.cleanup();
    }
  });

  it('the Configure picker: counts, "URL set" beside them, a cloud for URL-only datasets', () => {
    assert.equal(datasetMeta(summary()), '3 images • 3 captions');
    assert.equal(datasetMeta(summary({ imageCount: 1, captionCount: 0, url: 's3://b/x' })), '1 image • 0 captions • URL set');
    assert.equal(datasetMeta({ id: 'c', imageCount: null, captionCount: null, url: 's3://b/x' }), 'URL only');
    assert.equal(datasetOptionText(summary({ url: 's3://b/x' })), 'set-1 — 3 images • 3 captions • URL set');
    assert.equal(datasetIcon(summary()), 'file-media');
    assert.equal(datasetIcon(summary({ url: 's3://b/x' })), 'file-media');
    assert.equal(datasetIcon({ id: 'c', imageCount: null, captionCount: null, url: 's3://b/x' }), 'cloud');
  });
});
