import assert from 'node:assert/strict';
import { detectAiToolkit, detectOneTrainer, readAiToolkit, readOneTrainer } from '../../../src/core/import';
import { assertWritable, fixture } from './helpers';

const YAML = 'ai-toolkit/config/my_first_flux_lora.yaml';
const TWO = 'ai-toolkit/config/sdxl_two_styles.json';

describe('ai-toolkit job files', () => {
  it('detects `job` + `config` in YAML or JSON, not other YAML', () => {
    assert.ok(detectAiToolkit(YAML, fixture(YAML)));
    assert.ok(detectAiToolkit(TWO, fixture(TWO)));
    assert.ok(!detectAiToolkit('ai-toolkit/config/logging.yaml', fixture('ai-toolkit/config/logging.yaml')));
  });

  it('lifts the common settings into flat parameters and keeps the nested process whole', () => {
    const plan = readAiToolkit(YAML, fixture(YAML), { modifiedAt: '2025-03-01T08:00:00.000Z' });
    assertWritable(plan);
    assert.equal(plan.styles[0]!.id, 'my_first_flux_lora_v1');
    assert.equal(plan.styles[0]!.trainer, 'ai-toolkit');
    assert.equal(plan.styles[0]!.triggerToken, 'p3r5on');
    const v = plan.versions[0]!;
    assert.equal(v.createdAt, '2025-03-01T08:00:00.000Z', 'no date inside: the file time');
    assert.deepEqual(
      [v.parameters.network_dim, v.parameters.network_alpha, v.parameters.max_train_steps, v.parameters.learning_rate, v.parameters.train_batch_size, v.parameters.save_every_n_steps],
      [16, 16, 2000, 1e-4, 1, 250],
    );
    assert.equal(v.parameters.dataset_path, '/home/trainer/datasets/p3r5on');
    assert.deepEqual(v.parameters.resolution, [512, 768, 1024]);
    const kept = v.imported.aiToolkit as { process: { train: { ema_config: unknown } }; meta: unknown };
    assert.deepEqual(kept.process.train.ema_config, { use_ema: true, ema_decay: 0.99 });
    assert.deepEqual(kept.meta, { name: '[name]', version: '1.0' });
  });

  it('makes one version per training process, with distinct ids and keys', () => {
    const plan = readAiToolkit(TWO, fixture(TWO));
    assertWritable(plan);
    assert.deepEqual(plan.versions.map((v) => v.name), ['sdxl_two_styles-1', 'sdxl_two_styles-2']);
    assert.equal(new Set(plan.versions.map((v) => v.sourceKey)).size, 2);
    assert.equal(plan.versions[1]!.parameters.optimizer_type, 'prodigy');
    assert.ok(!JSON.stringify(plan).includes('hf_test_not_a_real_token'));
  });

  it('refuses non-training jobs and broken YAML with a reason', () => {
    const extract = readAiToolkit('ai-toolkit/config/extract_lora.yaml', fixture('ai-toolkit/config/extract_lora.yaml'));
    assert.match(extract.problems[0]!.message, /"extract", not a training job/);
    const broken = readAiToolkit('ai-toolkit/config/broken.yaml', fixture('ai-toolkit/config/broken.yaml'));
    assert.match(broken.problems[0]!.message, /^not valid YAML/);
    assert.equal(broken.problems[0]!.line, 8);
    const noProcess = readAiToolkit('c/x.json', JSON.stringify({ job: 'extension', config: { name: 'x', process: [{ type: 'locon' }] } }));
    assert.match(noProcess.problems[0]!.message, /no training process/);
  });
});

describe('OneTrainer configurations', () => {
  const CONFIG = 'onetrainer/training_configs/watercolor-style.json';
  const PRESET = 'onetrainer/training_presets/#flux LoRA.json';

  it('detects by place or by __version / config_version with training_method', () => {
    assert.ok(detectOneTrainer(PRESET, '{}'));
    assert.ok(detectOneTrainer('x.json', JSON.stringify({ config_version: 5, training_method: 'LORA' })));
    assert.ok(detectOneTrainer('x.json', JSON.stringify({ __version: 6, model_type: 'FLUX_DEV_1' })));
    assert.ok(!detectOneTrainer('x.json', JSON.stringify({ training_method: 'LORA' })));
  });

  it('maps lora_rank, lora_alpha, epochs, batch size, optimizer and dtype; keeps the whole config', () => {
    const plan = readOneTrainer(CONFIG, fixture(CONFIG));
    assertWritable(plan);
    assert.equal(plan.styles[0]!.trainer, 'onetrainer');
    const v = plan.versions[0]!;
    assert.deepEqual(
      [v.parameters.network_dim, v.parameters.network_alpha, v.parameters.max_train_epochs, v.parameters.train_batch_size],
      [32, 16, 40, 4],
    );
    assert.equal(v.parameters.optimizer_type, 'ADAMW_8BIT');
    assert.equal(v.parameters.mixed_precision, 'bf16');
    assert.equal(v.parameters.lr_scheduler, 'cosine');
    assert.equal(v.parameters.dataset_path, '/home/trainer/datasets/watercolor');
    const kept = v.imported.oneTrainer as Record<string, unknown>;
    assert.equal(kept.workspace_dir, 'workspace/watercolor-style', 'unmapped fields are kept');
    assert.deepEqual(kept.secrets, { __version: 0, huggingface_token: '<redacted>' });
  });

  it('reads a preset without a version field, named after its file', () => {
    const plan = readOneTrainer(PRESET, fixture(PRESET));
    assertWritable(plan);
    assert.equal(plan.styles[0]!.id, 'flux-LoRA');
    assert.equal(plan.versions[0]!.parameters.model_type, 'FLUX_DEV_1');
  });

  it('reports a list (a concepts file) and a config without OneTrainer fields', () => {
    const list = readOneTrainer('onetrainer/training_configs/broken.json', fixture('onetrainer/training_configs/broken.json'));
    assert.match(list.problems[0]!.message, /concepts file/);
    const other = readOneTrainer('training_configs/x.json', '{"name": "x"}');
    assert.match(other.problems[0]!.message, /not a OneTrainer configuration/);
  });
});
