import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse as smolParse } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { aiToolkitTrainer, demoTrainer, hfTrainer, kohyaTrainer, paramArgs, TrainerLaunchError, type CheckpointInfo } from '../../../src/core/trainers';
import { argOf, context, isSpec, NASTY, SETTINGS } from './helpers';

const KOHYA_PARAMS = { pretrained_model_name_or_path: '/models/flux1-dev.safetensors', script: 'flux_train_network', network_dim: 16, learning_rate: 0.0001, num_repeats: 10, class_tokens: 'n30n person', cache_latents: true, gradient_checkpointing: false, max_train_epochs: null, resolution: '1024,768' };
/** TOML as plain objects (smol-toml makes null-prototype tables). */
const parseToml = (text: string): unknown => JSON.parse(JSON.stringify(smolParse(text)));
const STATE: CheckpointInfo = { path: '/ws/out/neon-step00000500-state', step: 500, epoch: 2, kind: 'state', createdAt: null };

describe('paramArgs', () => {
  it('turns parameters into --key value elements: flags, lists, numbers, leading dashes', () => {
    assert.deepEqual(paramArgs({ a: 1, b: true, c: false, d: null, e: '', f: [1, 'x y'], g: 1e-7, h: '-1', i: '--evil', j: { k: 1 }, l: [] }), [
      '--a', '1', '--b', '--f', '1', 'x y', '--g', '1e-7', '--h', '-1', '--i=--evil', '--j', '{"k":1}',
    ]);
  });

  it('refuses a key that is not an option name', () => {
    for (const key of ['a b', '-x', 'a=b', '', '--y']) assert.throws(() => paramArgs({ [key]: 1 }), TrainerLaunchError, key);
    assert.throws(() => paramArgs({ lr: Number.NaN }), /lr: must be a finite number/);
  });
});

describe('kohya launch', () => {
  it('builds accelerate launch … <script>.py with outputs, --save_state, a dataset config and every parameter', () => {
    const ctx = context({ params: KOHYA_PARAMS });
    const spec = kohyaTrainer.buildLaunch(ctx);
    assert.deepEqual(spec.argv.slice(0, 5), ['/opt/py env/bin/accelerate', 'launch', '--num_cpu_threads_per_process', '1', join('/opt/sd scripts', 'flux_train_network.py')]);
    assert.equal(argOf(spec.argv, 'output_dir'), ctx.outputDir);
    assert.equal(argOf(spec.argv, 'output_name'), '20261123-160422-3fa9c1');
    assert.ok(spec.argv.includes('--save_state'));
    assert.ok(spec.argv.includes('--cache_latents'));
    assert.ok(!spec.argv.includes('--gradient_checkpointing'), 'false flags are left out');
    assert.ok(!spec.argv.includes('--max_train_epochs'));
    assert.equal(argOf(spec.argv, 'network_dim'), '16');
    assert.equal(argOf(spec.argv, 'learning_rate'), '0.0001');
    for (const k of ['script', 'num_repeats', 'class_tokens', 'train_data_dir']) assert.equal(argOf(spec.argv, k), undefined, k);
    assert.equal(argOf(spec.argv, 'dataset_config'), join(ctx.sessionDir, 'dataset.toml'));
    assert.equal(argOf(spec.argv, 'network_module'), 'networks.lora_flux', 'the script\'s LoRA module by default');
    assert.equal(spec.cwd, '/opt/sd scripts');
    assert.deepEqual(spec.env, { PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });
    assert.equal(spec.files?.length, 1);
    assert.equal(spec.files![0]!.path, join(ctx.sessionDir, 'dataset.toml'));
    assert.deepEqual(parseToml(spec.files![0]!.content), { datasets: [{ subsets: [{ image_dir: ctx.datasetDir, num_repeats: 10, class_tokens: 'n30n person' }] }] });
  });

  it('runs the script with python when accelerate is not set, and takes the trigger token as class tokens by default', () => {
    const ctx = context({ params: { ...KOHYA_PARAMS, class_tokens: undefined, script: undefined }, settings: { ...SETTINGS, accelerate: undefined } });
    const spec = kohyaTrainer.buildLaunch(ctx);
    assert.deepEqual(spec.argv.slice(0, 2), ['/opt/py env/bin/python', join('/opt/sd scripts', 'train_network.py')]);
    assert.equal(argOf(spec.argv, 'network_module'), 'networks.lora');
    assert.equal(argOf(kohyaTrainer.buildLaunch(context({ params: { ...KOHYA_PARAMS, network_module: 'lycoris.kohya' } })).argv, 'network_module'), 'lycoris.kohya');
    assert.equal((parseToml(spec.files![0]!.content) as { datasets: { subsets: { class_tokens: string }[] }[] }).datasets[0]!.subsets[0]!.class_tokens, 'n30n');
  });

  it('passes train_data_dir through when the version has no Trainlab dataset', () => {
    const spec = kohyaTrainer.buildLaunch(context({ datasetDir: null, params: { ...KOHYA_PARAMS, train_data_dir: '/data/10_neon' } }));
    assert.equal(argOf(spec.argv, 'train_data_dir'), '/data/10_neon');
    assert.equal(spec.files, undefined);
  });

  it('hands every value to the trainer literally: in argv and in dataset.toml', () => {
    for (const value of NASTY) {
      const ctx = context({ params: { ...KOHYA_PARAMS, sample_prompts: value, class_tokens: value, output_name: 'neon' }, outputDir: `/ws/out ${value}`, datasetDir: `/data/${value}` });
      const spec = kohyaTrainer.buildLaunch(ctx);
      assert.equal(argOf(spec.argv, 'sample_prompts'), value, JSON.stringify(value));
      assert.equal(argOf(spec.argv, 'output_dir'), `/ws/out ${value}`);
      const toml = parseToml(spec.files![0]!.content) as { datasets: { subsets: { image_dir: string; class_tokens: string }[] }[] };
      assert.equal(toml.datasets[0]!.subsets[0]!.class_tokens, value);
      assert.equal(toml.datasets[0]!.subsets[0]!.image_dir, `/data/${value}`);
    }
  });

  it('resumes from a state folder with --resume=<folder>, and refuses a model file', () => {
    const r = kohyaTrainer.buildResume(context({ params: KOHYA_PARAMS }), STATE);
    assert.ok(isSpec(r));
    assert.equal(r.argv.at(-1), '--resume=/ws/out/neon-step00000500-state');
    const bad = kohyaTrainer.buildResume(context({ params: KOHYA_PARAMS }), { ...STATE, kind: 'model', path: '/ws/out/neon.safetensors' });
    assert.ok(!isSpec(bad) && /state folder/.test(bad.error));
  });

  it('says what is missing, naming the field; a launch then fails with the same message', () => {
    const ctx = context({ datasetDir: null, params: { script: '../evil', num_repeats: 0 }, settings: { ...SETTINGS, sdScriptsDir: undefined } });
    const problems = kohyaTrainer.validate!(ctx);
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['settings.sdScriptsDir', 'script', 'pretrained_model_name_or_path', 'dataset', 'num_repeats'],
    );
    assert.throws(() => kohyaTrainer.buildLaunch(ctx), (e: Error) => e instanceof TrainerLaunchError && e.message.includes('settings.sdScriptsDir'));
    const resume = kohyaTrainer.buildResume(ctx, STATE);
    assert.ok(!isSpec(resume) && resume.error.includes('pretrained_model_name_or_path'));
    assert.deepEqual(kohyaTrainer.validate!(context({ params: KOHYA_PARAMS })), []);
  });
});

describe('demo launch', () => {
  it('runs <node> <demo script> with outputs, each parameter and the dataset; resumes with --resume <folder>', () => {
    const ctx = context({ params: { max_train_steps: 1000, learning_rate: 0.05, seed: 42 }, outputName: 'neon' });
    const spec = demoTrainer.buildLaunch(ctx);
    assert.deepEqual(spec.argv, [
      '/usr/bin/node', '/ext/dist/demo-trainer.js', '--output_dir', ctx.outputDir, '--output_name', 'neon',
      '--max_train_steps', '1000', '--learning_rate', '0.05', '--seed', '42', '--train_data_dir', ctx.datasetDir!,
    ]);
    assert.equal(spec.cwd, ctx.sessionDir);
    const r = demoTrainer.buildResume(ctx, STATE);
    assert.ok(isSpec(r));
    assert.deepEqual(r.argv.slice(-2), ['--resume', STATE.path]);
    assert.equal(demoTrainer.canExtend, true);
    assert.equal(demoTrainer.progress.barCountsFromResume, true);
  });

  it('passes values literally', () => {
    for (const value of NASTY) {
      const spec = demoTrainer.buildLaunch(context({ params: { note: value }, datasetDir: value }));
      assert.equal(argOf(spec.argv, 'note'), value);
      assert.equal(argOf(spec.argv, 'train_data_dir'), value);
    }
  });
});

describe('ai-toolkit launch', () => {
  const params = { pretrained_model_name_or_path: 'black-forest-labs/FLUX.1-dev', network_dim: 32, network_alpha: 16, max_train_steps: 4000, learning_rate: 0.0001, train_batch_size: 1, save_every_n_steps: 250, optimizer_type: 'adamw8bit', resolution: '512, 768,1024', output_name: 'my lora/../x' };

  it('writes the job config into the session folder and runs python run.py <config> in the ai-toolkit folder', () => {
    const ctx = context({ params });
    const spec = aiToolkitTrainer.buildLaunch(ctx);
    const configPath = join(ctx.sessionDir, 'ai-toolkit.yaml');
    assert.deepEqual(spec.argv, ['/opt/py env/bin/python', join('/opt/ai toolkit', 'run.py'), configPath]);
    assert.equal(spec.cwd, '/opt/ai toolkit');
    assert.equal(spec.files![0]!.path, configPath);
    const doc = parseYaml(spec.files![0]!.content);
    assert.equal(doc.job, 'extension');
    assert.equal(doc.config.name, 'my_lora_.._x', 'a file-safe job name');
    const p = doc.config.process[0];
    assert.equal(p.training_folder, ctx.outputDir);
    assert.deepEqual(p.network, { type: 'lora', linear: 32, linear_alpha: 16 });
    assert.deepEqual(p.save, { dtype: 'float16', save_every: 250, max_step_saves_to_keep: 4 });
    assert.deepEqual(p.datasets[0], { folder_path: ctx.datasetDir, caption_ext: 'txt', caption_dropout_rate: 0.05, shuffle_tokens: false, cache_latents_to_disk: true, resolution: [512, 768, 1024] });
    assert.equal(p.train.steps, 4000);
    assert.equal(p.train.lr, 0.0001);
    assert.equal(p.train.batch_size, 1);
    assert.equal(p.train.optimizer, 'adamw8bit');
    assert.deepEqual(p.model, { name_or_path: 'black-forest-labs/FLUX.1-dev', is_flux: true, quantize: true });
    assert.equal(p.trigger_word, 'n30n');
  });

  it('keeps every value exact in the YAML', () => {
    for (const value of NASTY) {
      const spec = aiToolkitTrainer.buildLaunch(context({ params: { ...params, class_tokens: value, pretrained_model_name_or_path: value }, datasetDir: value }));
      const p = parseYaml(spec.files![0]!.content).config.process[0];
      assert.equal(p.trigger_word, value);
      assert.equal(p.model.name_or_path, value);
      assert.equal(p.datasets[0].folder_path, value);
    }
  });

  it('resumes by running the same again; its parser follows the job\'s bar', () => {
    const ctx = context({ params });
    const r = aiToolkitTrainer.buildResume(ctx, { path: '/x/my_lora_000000250.safetensors', step: 250, epoch: null, kind: 'model', createdAt: null });
    assert.deepEqual(r, aiToolkitTrainer.buildLaunch(ctx));
    const parse = aiToolkitTrainer.progress.createParser(ctx);
    assert.equal(parse('my_lora_.._x:   2%|2         | 87/4000 [21:40<12:09:00, 13.95s/it, lr: 1.0e-04 loss: 3.998e-01]').length, 1);
    assert.equal(parse('Loading checkpoint shards: 100%|##########| 2/2 [00:03<00:00,  1.52s/it]').length, 0);
  });

  it('validates settings, base model and dataset', () => {
    const problems = aiToolkitTrainer.validate!(context({ datasetDir: null, params: {}, settings: { ...SETTINGS, aiToolkitDir: '' } }));
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['settings.aiToolkitDir', 'pretrained_model_name_or_path', 'dataset']);
    assert.deepEqual(aiToolkitTrainer.validate!(context({ datasetDir: null, params: { ...params, dataset_path: '/data/x' } })), []);
  });
});

describe('hf-trainer launch', () => {
  it('runs python <script> --output_dir … --key value; resumes with --resume_from_checkpoint', () => {
    const ctx = context({ workspaceDir: '/ws', params: { script: 'scripts/train.py', model_name_or_path: 'bert-base-uncased', num_train_epochs: 3, fp16: true, dataset_arg: 'train_dir' } });
    const spec = hfTrainer.buildLaunch(ctx);
    assert.deepEqual(spec.argv, ['/opt/py env/bin/python', join('/ws', 'scripts/train.py'), '--output_dir', ctx.outputDir, '--model_name_or_path', 'bert-base-uncased', '--num_train_epochs', '3', '--fp16', '--train_dir', ctx.datasetDir!]);
    assert.equal(spec.cwd, '/ws');
    const r = hfTrainer.buildResume(ctx, { path: `${ctx.outputDir}/checkpoint-120`, step: 120, epoch: 0.5, kind: 'state', createdAt: null });
    assert.ok(isSpec(r));
    assert.deepEqual(r.argv.slice(-2), ['--resume_from_checkpoint', `${ctx.outputDir}/checkpoint-120`]);
  });

  it('passes values literally and needs a script', () => {
    for (const value of NASTY) assert.equal(argOf(hfTrainer.buildLaunch(context({ params: { script: '/s/t.py', text_column: value } })).argv, 'text_column'), value);
    assert.deepEqual(hfTrainer.validate!(context({ params: {} })), ['script: the path of the training script is required']);
    assert.deepEqual(hfTrainer.validate!(context({ params: { script: 't.py', dataset_arg: 'a b' } })), ['dataset_arg: "a b" is not an option name']);
  });
});
