import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newCursor, nextBatch, syntheticDataset } from '../../../src/demo-trainer/data';
import type { Adapter, Batch, Problem } from '../../../src/demo-trainer/lora';
import { adapterDelta, distanceToTarget, initAdapter, lossAndGradients, makeProblem, newOptimizer, sgdStep, STREAM_TRAIN } from '../../../src/demo-trainer/lora';
import { Rng } from '../../../src/demo-trainer/prng';
import { args, tempDir, trainInProcess } from './helpers';

function setup(rank = 4, seed = 42) {
  const problem = makeProblem(seed);
  const dataset = syntheticDataset(problem, seed);
  const rng = Rng.fromSeed(seed, STREAM_TRAIN);
  const adapter = initAdapter(rank, rank, problem.inFeatures, problem.outFeatures, rng);
  return { problem, dataset, rng, adapter };
}

function fullBatch(problem: Problem, seed: number): Batch {
  const d = syntheticDataset(problem, seed);
  return { xs: d.xs, ys: d.ys, count: d.size };
}

describe('demo trainer: the LoRA math', () => {
  it('starts as LoRA does: B is zero, so the adapted layer is exactly W', () => {
    const { adapter, problem } = setup();
    assert.ok(adapter.up.every((v) => v === 0));
    assert.ok(adapter.down.some((v) => v !== 0));
    assert.ok(adapterDelta(adapter).every((v) => v === 0));
    assert.ok(distanceToTarget(problem, adapter) > 0);
  });

  it('computes the gradients of the MSE correctly (checked against finite differences)', () => {
    const { problem, adapter, rng } = setup(3);
    for (let i = 0; i < adapter.up.length; i++) adapter.up[i] = rng.nextNormal() * 0.1;
    const batch = fullBatch(problem, 7);
    const { gradDown, gradUp } = lossAndGradients(problem, adapter, batch);
    const check = (params: Float32Array, grad: Float64Array, index: number) => {
      const saved = params[index]!;
      const eps = 1e-2;
      params[index] = saved + eps;
      const plus = lossAndGradients(problem, adapter, batch).loss;
      params[index] = saved - eps;
      const minus = lossAndGradients(problem, adapter, batch).loss;
      params[index] = saved;
      const numeric = (plus - minus) / (Math.fround(saved + eps) - Math.fround(saved - eps));
      assert.ok(Math.abs(numeric - grad[index]!) <= 1e-4 + 1e-2 * Math.abs(numeric), `index ${index}: numeric ${numeric}, analytic ${grad[index]}`);
    };
    for (const i of [0, 5, 17, 40, 95]) check(adapter.down, gradDown, i);
    for (const i of [0, 3, 31, 60, 95]) check(adapter.up, gradUp, i);
  });

  it('really learns: the loss and the distance to the style layer fall', () => {
    const { problem, dataset, rng, adapter } = setup();
    const optimizer = newOptimizer(adapter, 0.05, 0.9);
    const cursor = newCursor();
    const evalBatch = fullBatch(problem, 42);
    const before = lossAndGradients(problem, adapter, evalBatch).loss;
    const distBefore = distanceToTarget(problem, adapter);
    for (let step = 0; step < 300; step++) {
      sgdStep(adapter, optimizer, lossAndGradients(problem, adapter, nextBatch(cursor, dataset, 8, rng, 32, 32)));
    }
    const after = lossAndGradients(problem, adapter, evalBatch).loss;
    assert.ok(before > 0.1, `first loss ${before}`);
    assert.ok(after < before / 100, `loss ${before} → ${after}`);
    assert.ok(distanceToTarget(problem, adapter) < distBefore / 100);
  });

  it('learns with plain SGD (momentum 0) too, only slower', () => {
    const { problem, dataset, rng, adapter } = setup();
    const optimizer = newOptimizer(adapter, 0.2, 0);
    const cursor = newCursor();
    const evalBatch = fullBatch(problem, 42);
    const before = lossAndGradients(problem, adapter, evalBatch).loss;
    for (let step = 0; step < 300; step++) sgdStep(adapter, optimizer, lossAndGradients(problem, adapter, nextBatch(cursor, dataset, 8, rng, 32, 32)));
    assert.ok(optimizer.downBuffer.some((v) => v !== 0));
    assert.ok(lossAndGradients(problem, adapter, evalBatch).loss < before / 2);
  });

  it('a rank below the style change\'s rank cannot fit it completely', () => {
    const fit = (rank: number) => {
      const { problem, dataset, rng, adapter } = setup(rank);
      const optimizer = newOptimizer(adapter, 0.05, 0.9);
      const cursor = newCursor();
      for (let step = 0; step < 400; step++) sgdStep(adapter, optimizer, lossAndGradients(problem, adapter, nextBatch(cursor, dataset, 8, rng, 32, 32)));
      return distanceToTarget(problem, adapter as Adapter);
    };
    assert.ok(fit(1) > 10 * fit(4));
  });
});

describe('demo trainer: determinism and data', () => {
  it('the same seed gives bit-identical weights; another seed does not', async () => {
    const t = tempDir();
    try {
      const run = async (sub: string, seed: string) => {
        const r = await trainInProcess(args('--output_dir', join(t.dir, sub), '--max_train_steps', '40', '--save_every_n_steps', '40', '--seed', seed));
        assert.equal(r.code, 0);
        return readFileSync(join(t.dir, sub, 'demo.safetensors'));
      };
      const a = await run('a', '7');
      const b = await run('b', '7');
      const c = await run('c', '8');
      assert.ok(a.equals(b));
      assert.ok(!a.equals(c));
    } finally {
      t.cleanup();
    }
  });

  it('--train_data_dir derives the data from the image files: another dataset, another result', async () => {
    const t = tempDir();
    try {
      const data = join(t.dir, 'data', '10_ink');
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'a.png'), 'first image bytes');
      writeFileSync(join(data, 'b.jpg'), 'second image bytes');
      writeFileSync(join(data, 'a.txt'), 'a caption: not an image');
      const run = async (sub: string) => {
        const r = await trainInProcess(args('--output_dir', join(t.dir, sub), '--train_data_dir', join(t.dir, 'data'), '--max_train_steps', '20', '--save_every_n_steps', '20'));
        assert.equal(r.code, 0);
        return r;
      };
      const first = await run('o1');
      assert.ok(first.stdout.includes('  num train images * repeats / 学習画像の数×繰り返し回数: 16'), first.stdout.join('\n'));
      assert.ok(first.stdout.includes('  num epochs / epoch数: 10'));
      const again = await run('o2');
      assert.ok(readFileSync(join(t.dir, 'o1', 'demo.safetensors')).equals(readFileSync(join(t.dir, 'o2', 'demo.safetensors'))));
      renameSync(join(data, 'b.jpg'), join(data, 'c.jpg'));
      await run('o3');
      assert.ok(!readFileSync(join(t.dir, 'o1', 'demo.safetensors')).equals(readFileSync(join(t.dir, 'o3', 'demo.safetensors'))));
      assert.equal(again.code, 0);
    } finally {
      t.cleanup();
    }
  });

  it('fails with a clear message (exit status 1) on a folder without images', async () => {
    const t = tempDir();
    try {
      mkdirSync(join(t.dir, 'empty'));
      await assert.rejects(trainInProcess(args('--output_dir', join(t.dir, 'out'), '--train_data_dir', join(t.dir, 'empty'))), /no image files .* in /);
    } finally {
      t.cleanup();
    }
  });
});
