import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aiToolkitTrainer, demoTrainer, hfTrainer, kohyaTrainer } from '../../../src/core/trainers';

describe('findCheckpoints', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trainlab-ckpt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const state = (name: string, content: unknown, when?: number) => {
    mkdirSync(join(dir, name), { recursive: true });
    if (content !== undefined) {
      const f = join(dir, name, 'train_state.json');
      writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
      if (when) utimesSync(f, when, when);
    }
  };

  it('kohya and demo: complete *-state folders only, step and epoch from train_state.json, highest step last', async () => {
    state('neon-step00000500-state', { current_epoch: 2, current_step: 500 }, 1_700_000_100);
    state('neon-step00001000-state', { current_epoch: 4, current_step: 1000 }, 1_700_000_200);
    state('neon-000001-state', { current_epoch: 1, current_step: 250 }, 1_700_000_050);
    state('neon-step00001500-state', undefined); // half-written: no train_state.json yet
    state('neon-step00001600-state', '{"current_ep'); // cut short
    state('neon-state', { current_epoch: 'x' }); // no step
    mkdirSync(join(dir, 'sample'));
    writeFileSync(join(dir, 'neon-step00000500.safetensors'), 'x');
    writeFileSync(join(dir, 'x-state'), 'a file, not a folder');
    for (const trainer of [kohyaTrainer, demoTrainer]) {
      const found = await trainer.findCheckpoints(dir);
      assert.deepEqual(
        found.map((c) => [c.path, c.step, c.epoch, c.kind]),
        [
          [join(dir, 'neon-000001-state'), 250, 1, 'state'],
          [join(dir, 'neon-step00000500-state'), 500, 2, 'state'],
          [join(dir, 'neon-step00001000-state'), 1000, 4, 'state'],
        ],
      );
      assert.equal(found[2]!.createdAt, new Date(1_700_000_200 * 1000).toISOString());
    }
  });

  it('ai-toolkit: <name>_{step:09d}.safetensors in the job folder', async () => {
    mkdirSync(join(dir, 'my_lora', 'samples'), { recursive: true });
    writeFileSync(join(dir, 'my_lora', 'my_lora_000000500.safetensors'), 'x');
    writeFileSync(join(dir, 'my_lora', 'my_lora_000000250.safetensors'), 'x');
    writeFileSync(join(dir, 'my_lora', 'my_lora.safetensors'), 'final');
    writeFileSync(join(dir, 'my_lora', 'optimizer.pt'), 'x');
    writeFileSync(join(dir, 'my_lora', 'samples', 'x_000000250.safetensors'), 'x');
    const found = await aiToolkitTrainer.findCheckpoints(dir);
    assert.deepEqual(found.map((c) => [c.path, c.step, c.kind]), [
      [join(dir, 'my_lora', 'my_lora_000000250.safetensors'), 250, 'model'],
      [join(dir, 'my_lora', 'my_lora_000000500.safetensors'), 500, 'model'],
    ]);
  });

  it('Hugging Face: checkpoint-N folders with trainer_state.json (global_step, epoch)', async () => {
    for (const [n, s] of [[120, { global_step: 120, epoch: 0.96, max_steps: 375 }], [1000, { global_step: 1000, epoch: 8 }], [90, null]] as const) {
      mkdirSync(join(dir, `checkpoint-${n}`));
      if (s) writeFileSync(join(dir, `checkpoint-${n}`, 'trainer_state.json'), JSON.stringify(s));
    }
    mkdirSync(join(dir, 'checkpoint-latest'));
    const found = await hfTrainer.findCheckpoints(dir);
    assert.deepEqual(found.map((c) => [c.path, c.step, c.epoch, c.kind]), [
      [join(dir, 'checkpoint-120'), 120, 0.96, 'state'],
      [join(dir, 'checkpoint-1000'), 1000, 8, 'state'],
    ]);
  });

  it('a missing output folder has no checkpoints', async () => {
    for (const t of [kohyaTrainer, demoTrainer, aiToolkitTrainer, hfTrainer]) assert.deepEqual(await t.findCheckpoints(join(dir, 'nope')), []);
  });
});
