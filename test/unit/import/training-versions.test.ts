import assert from 'node:assert/strict';
import { detectTrainingVersions, readTrainingVersions } from '../../../src/core/import';
import { assertWritable, fixture } from './helpers';

const FILE = 'training-versions/dynamic-simplicity/training_versions.json';

describe('training_versions.json (seed 002)', () => {
  it('is detected by name or shape, but never in Trainlab\'s own versions.json', () => {
    assert.ok(detectTrainingVersions('any/training_versions.json', '{'));
    assert.ok(detectTrainingVersions('v.json', JSON.stringify({ versions: [{ name: 'V1', loraUrl: null }] })));
    assert.ok(!detectTrainingVersions('versions.json', JSON.stringify({ schemaVersion: 1, versions: [{ name: 'V1', loraUrl: null }] })));
  });

  it('needs --style: without it the folder name is used, with a note (not a problem)', () => {
    const plan = readTrainingVersions(FILE, fixture(FILE));
    assertWritable(plan);
    assert.equal(plan.styles[0]!.id, 'dynamic-simplicity');
    assert.deepEqual(plan.problems, []);
    assert.ok(plan.notes.some((n) => /does not say which style/.test(n.message) && /--style/.test(n.message)));

    const chosen = readTrainingVersions(FILE, fixture(FILE), { styleId: 'sbai' });
    assert.ok(chosen.versions.every((v) => v.styleId === 'sbai'));
    assert.ok(!chosen.notes.some((n) => /does not say which style/.test(n.message)));
  });

  it('maps every status: training → running, draft makes no session', () => {
    const plan = readTrainingVersions(FILE, fixture(FILE), { styleId: 'sbai' });
    assert.deepEqual(
      plan.versions.map((v) => [v.name, v.status]),
      [
        ['V1', 'completed'],
        ['V2', 'running'],
        ['V3', 'failed'],
        ['V4', 'draft'],
        ['test_001', 'pending'],
      ],
    );
    assert.deepEqual(
      plan.sessions.map((s) => s.status),
      ['completed', 'running', 'failed', 'pending'],
    );
    assert.equal(plan.sessions[2]!.error?.message, 'CUDA out of memory at step 412');
  });

  it('maps loraUrl, selectionSetId, dates, and renames batch_size / gradient_dtype', () => {
    const plan = readTrainingVersions(FILE, fixture(FILE), { styleId: 'sbai' });
    const v1 = plan.versions[0]!;
    assert.equal(v1.modelUrl, 'https://s3.example.com/loras/style_16_vV1.safetensors');
    assert.equal(v1.datasetId, 'set-1');
    assert.equal(plan.versions[4]!.datasetId, 'curated');
    assert.equal(v1.imageCount, 100);
    assert.equal(v1.createdAt, '2025-10-12T07:27:21.532Z');
    assert.equal(v1.completedAt, '2025-10-12T07:57:25.000Z');
    assert.equal(v1.description, 'Test with low learning rate');
    assert.equal(v1.parameters.train_batch_size, 2);
    assert.equal(v1.parameters.mixed_precision, 'bf16');
    assert.equal(v1.parameters.batch_size, undefined, 'one name per setting');
    assert.deepEqual(v1.imported.renamedParameters, { batch_size: 'train_batch_size', gradient_dtype: 'mixed_precision' });
    assert.equal(plan.styles[0]!.triggerToken, 'style SBai_style_16');
    assert.equal(plan.styles[0]!.createdAt, '2025-10-11T18:40:00.000Z', 'the earliest version');
  });

  it('keeps unknown fields of an entry', () => {
    const v2 = readTrainingVersions(FILE, fixture(FILE)).versions[1]!;
    assert.equal(v2.imported.webhookUrl, 'https://hooks.example.com/runpod/7e1f4c2a');
    assert.equal(v2.imported.runpodStatus, 'IN_PROGRESS');
    assert.equal(v2.imported.id, '7e1f4c2a-0b9d-4d6e-8a35-6c7f2e1d0b43-u1');
  });

  it('gives RunPod jobs a pollable backend when an endpoint is known', () => {
    const without = readTrainingVersions(FILE, fixture(FILE));
    assert.equal(without.sessions[1]!.backend.type, 'local');
    assert.equal(without.sessions[1]!.imported.runpodJobId, '7e1f4c2a-0b9d-4d6e-8a35-6c7f2e1d0b43-u1');
    const withEndpoint = readTrainingVersions(FILE, fixture(FILE), { runpodEndpointId: 'ep-123' });
    assert.deepEqual(withEndpoint.sessions[1]!.backend, { type: 'runpod', endpointId: 'ep-123', jobId: '7e1f4c2a-0b9d-4d6e-8a35-6c7f2e1d0b43-u1' });
    assertWritable(withEndpoint);
  });

  it('keys versions by the entry id, so a re-read or a reorder makes no duplicate', () => {
    const a = readTrainingVersions(FILE, fixture(FILE));
    const doc = JSON.parse(fixture(FILE)) as { versions: unknown[] };
    doc.versions.reverse();
    const b = readTrainingVersions(FILE, JSON.stringify(doc));
    assert.deepEqual(new Set(a.versions.map((v) => v.sourceKey)), new Set(b.versions.map((v) => v.sourceKey)));
    assert.equal(new Set(a.versions.map((v) => v.sourceKey)).size, a.versions.length);
  });

  it('reports a wrong shape and skips bad entries with a problem each', () => {
    const broken = 'training-versions/broken/training_versions.json';
    const plan = readTrainingVersions(broken, fixture(broken));
    assert.equal(plan.versions.length, 0);
    assert.match(plan.problems[0]!.message, /list of versions/);

    const mixed = readTrainingVersions('x/training_versions.json', JSON.stringify({ versions: [42, { name: 'ok', status: 'completed' }] }));
    assertWritable(mixed);
    assert.equal(mixed.versions.length, 1);
    assert.match(mixed.problems[0]!.message, /versions\[0\] is not an object/);
  });
});
