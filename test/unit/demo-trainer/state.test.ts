import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newCursor } from '../../../src/demo-trainer/data';
import type { TrainingState } from '../../../src/demo-trainer/state';
import { findLatestState, isCompleteState, loadState, removeStaleTemporaries, saveState, STATE_FILES, writeFolderAtomic } from '../../../src/demo-trainer/state';
import { args, readWeights, tempDir, TQDM, trainInProcess } from './helpers';

function sampleState(step: number): TrainingState {
  return {
    step,
    epoch: 3,
    config: { seed: 42, networkDim: 2, networkAlpha: 2, inFeatures: 3, outFeatures: 4 },
    down: new Float32Array([1, 2, 3, 4, 5, 6.5]),
    up: new Float32Array([0.1, -0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]),
    downBuffer: new Float32Array(6).fill(0.25),
    upBuffer: new Float32Array(8).fill(-1e-7),
    learningRate: 0.05,
    momentum: 0.9,
    rng: [1, 2, 3, 4294967295],
    cursor: { ...newCursor(), epoch: 3, position: 2, order: [3, 1, 0, 2] },
    datasetSize: 4,
    datasetFingerprint: 'synthetic:4:42',
  };
}

describe('demo trainer: state folders', () => {
  it('saves everything and loads it back exactly; train_state.json is kohya\'s', () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'demo-step00000010-state');
      saveState(path, sampleState(10));
      assert.deepEqual(readdirSync(path).sort(), [...STATE_FILES].sort());
      assert.deepEqual(JSON.parse(readFileSync(join(path, 'train_state.json'), 'utf8')), { current_epoch: 3, current_step: 10 });
      assert.deepEqual(loadState(path), sampleState(10));
      assert.deepEqual(readdirSync(t.dir), ['demo-step00000010-state'], 'no temporary folder left behind');
    } finally {
      t.cleanup();
    }
  });

  it('replaces an existing folder of the same name whole', () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'demo-state');
      saveState(path, sampleState(10));
      saveState(path, sampleState(20));
      assert.equal(loadState(path).step, 20);
      assert.deepEqual(readdirSync(t.dir), ['demo-state']);
    } finally {
      t.cleanup();
    }
  });

  it('a save that dies half way leaves no folder under the final name', () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'demo-step00000010-state');
      assert.throws(() => writeFolderAtomic(path, (tmp) => {
        writeFileSync(join(tmp, 'model.safetensors'), 'half');
        throw new Error('disk full');
      }), /disk full/);
      assert.equal(existsSync(path), false);
      // What a SIGKILL mid-save leaves: a temporary folder, never taken for a state.
      mkdirSync(join(t.dir, '.demo-step00000020-state.tmp-999'));
      writeFileSync(join(t.dir, '.demo-step00000020-state.tmp-999', 'train_state.json'), '{"current_epoch":1,"current_step":20}');
      saveState(join(t.dir, 'demo-step00000005-state'), sampleState(5));
      assert.equal(findLatestState(t.dir, 'demo'), join(t.dir, 'demo-step00000005-state'));
    } finally {
      t.cleanup();
    }
  });

  it('findLatestState picks the complete folder with the highest step, including <name>-state', () => {
    const t = tempDir();
    try {
      assert.equal(findLatestState(join(t.dir, 'missing'), 'demo'), undefined);
      saveState(join(t.dir, 'demo-step00000010-state'), sampleState(10));
      saveState(join(t.dir, 'demo-step00000020-state'), sampleState(20));
      saveState(join(t.dir, 'other-step00000090-state'), sampleState(90));
      mkdirSync(join(t.dir, 'demo-step00000030-state'));
      assert.equal(isCompleteState(join(t.dir, 'demo-step00000030-state')), false);
      assert.equal(findLatestState(t.dir, 'demo'), join(t.dir, 'demo-step00000020-state'));
      saveState(join(t.dir, 'demo-state'), sampleState(25));
      assert.equal(findLatestState(t.dir, 'demo'), join(t.dir, 'demo-state'));
    } finally {
      t.cleanup();
    }
  });

  it('tidies what a killed save left behind, restoring a state moved aside, and spares a live process\'s files', () => {
    const t = tempDir();
    try {
      const dead = 2 ** 22 + 12345; // above Linux's default pid_max: no such process
      saveState(join(t.dir, `.demo-state.old-${dead}`), sampleState(30));
      saveState(join(t.dir, 'demo-step00000010-state'), sampleState(10));
      saveState(join(t.dir, `.demo-step00000010-state.old-${dead}`), sampleState(9));
      mkdirSync(join(t.dir, `.demo-step00000020-state.tmp-${dead}`));
      writeFileSync(join(t.dir, `.demo.safetensors.tmp-${dead}`), 'half');
      mkdirSync(join(t.dir, `.demo-step00000040-state.tmp-${process.pid}`));
      removeStaleTemporaries(t.dir);
      assert.deepEqual(readdirSync(t.dir).sort(), [`.demo-step00000040-state.tmp-${process.pid}`, 'demo-state', 'demo-step00000010-state']);
      assert.equal(loadState(join(t.dir, 'demo-state')).step, 30);
      assert.equal(loadState(join(t.dir, 'demo-step00000010-state')).step, 10);
    } finally {
      t.cleanup();
    }
  });

  it('loadState says which file is wrong', () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 's');
      saveState(path, sampleState(10));
      writeFileSync(join(path, 'random_states.json'), '{"algorithm":"xoshiro128**","state":[1,2]}');
      assert.throws(() => loadState(path), /state folder .*s: random_states\.json: expected/);
      writeFileSync(join(path, 'train_state.json'), '{');
      assert.throws(() => loadState(path), /train_state\.json is not valid/);
    } finally {
      t.cleanup();
    }
  });
});

describe('demo trainer: stop and resume in-process', () => {
  it('a run stopped by SIGTERM and resumed from its newest state ends bit-identical to an uninterrupted run', async () => {
    const t = tempDir();
    try {
      const common = ['--max_train_steps', '60', '--save_every_n_steps', '25', '--network_dim', '3', '--train_batch_size', '5', '--seed', '11'];
      const a = await trainInProcess(args('--output_dir', join(t.dir, 'a'), ...common));
      assert.equal(a.code, 0);

      const b1 = await trainInProcess(args('--output_dir', join(t.dir, 'b'), ...common), { stopAfterSteps: 33 });
      assert.equal(b1.code, 143);
      assert.match(b1.stdout[b1.stdout.length - 1]!, /^received SIGTERM: stopped after step 33 of 60/);
      assert.ok(!existsSync(join(t.dir, 'b', 'demo.safetensors')));
      const latest = findLatestState(join(t.dir, 'b'), 'demo');
      assert.equal(latest, join(t.dir, 'b', 'demo-step00000025-state'));

      const b2 = await trainInProcess(args('--output_dir', join(t.dir, 'b'), ...common, '--resume', latest!));
      assert.equal(b2.code, 0);
      assert.equal(b2.stdout[0], `resume training from local state: ${latest}`);
      // 64 samples / 5 a batch = 13 steps an epoch: step 26 is in epoch 2, announced first.
      assert.ok(b2.stdout.includes('epoch 2/5'));
      assert.ok(!b2.stdout.includes('epoch 1/5'));
      const frames = b2.stderr.split('\r').map((f) => TQDM.exec(f)).filter((m) => m !== null);
      assert.deepEqual(frames[0]!.slice(1, 3), ['0', '35'], 'the bar counts from the resume point');
      assert.deepEqual(frames[frames.length - 1]!.slice(1, 3), ['35', '35']);

      const wa = readWeights(join(t.dir, 'a', 'demo.safetensors'));
      const wb = readWeights(join(t.dir, 'b', 'demo.safetensors'));
      assert.deepEqual(wb.down, wa.down);
      assert.deepEqual(wb.up, wa.up);
      assert.ok(readFileSync(join(t.dir, 'a', 'demo.safetensors')).equals(readFileSync(join(t.dir, 'b', 'demo.safetensors'))));
      assert.deepEqual(JSON.parse(readFileSync(join(t.dir, 'b', 'demo-state', 'train_state.json'), 'utf8')), { current_epoch: 5, current_step: 60 });
    } finally {
      t.cleanup();
    }
  });

  it('refuses to resume a state of another seed or dim', async () => {
    const t = tempDir();
    try {
      await trainInProcess(args('--output_dir', t.dir, '--max_train_steps', '5', '--save_every_n_steps', '5'));
      const state = join(t.dir, 'demo-state');
      await assert.rejects(trainInProcess(args('--output_dir', t.dir, '--resume', state, '--seed', '1')), /trained with --seed 42, not 1/);
      await assert.rejects(trainInProcess(args('--output_dir', t.dir, '--resume', state, '--network_dim', '8')), /network_dim 4, not 8/);
      await assert.rejects(trainInProcess(args('--output_dir', t.dir, '--resume', join(t.dir, 'nope'))), (e: Error & { exitCode?: number }) => /--resume .*nope is not a folder/.test(e.message) && e.exitCode === 2);
      mkdirSync(join(t.dir, 'empty-state'));
      await assert.rejects(trainInProcess(args('--output_dir', t.dir, '--resume', join(t.dir, 'empty-state'))), /empty-state: run_config\.json is missing/);
    } finally {
      t.cleanup();
    }
  });
});
