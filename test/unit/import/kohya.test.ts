import assert from 'node:assert/strict';
import { detectAndRead, detectKohyaJson, detectKohyaToml, readKohyaJson, readKohyaToml } from '../../../src/core/import';
import { assertWritable, contextOf, fixture } from './helpers';

const PRESET = 'kohya/presets/lora/SDXL - style prodigy v1.0.json';
const RUN_JSON = 'kohya/outputs/sbai-style/sbai-style_20250612-101530.json';
const RUN_TOML = 'kohya/outputs/sbai-style/config_lora-20250612-101531.toml';

describe('kohya_ss GUI configurations', () => {
  it('detects GUI JSON by place or by its fields, and TOML training configs (not dataset.toml)', () => {
    assert.ok(detectKohyaJson(PRESET, '{'));
    assert.ok(detectKohyaJson('x.json', JSON.stringify({ output_name: 'a', network_dim: 8, optimizer: 'AdamW', LoRA_type: 'Standard' })));
    assert.ok(!detectKohyaJson('x.json', JSON.stringify({ output_name: 'a', network_dim: 8, lora_name: 'fluxgym', concept_sentence: 'b' })));
    assert.ok(detectKohyaToml(RUN_TOML, ''));
    assert.ok(!detectKohyaToml('outputs/x/dataset.toml', fixture('fluxgym/outputs/my-cat-lora/dataset.toml')));
    assert.ok(detectKohyaToml('colab/training_config.toml', fixture('kohya/colab/training_config.toml')));
  });

  it('maps GUI names to sd-scripts names and keeps GUI-only fields aside', () => {
    const plan = readKohyaJson(PRESET, fixture(PRESET));
    assertWritable(plan);
    const p = plan.versions[0]!.parameters;
    assert.equal(p.max_train_epochs, 10, 'epoch → max_train_epochs (max_train_epochs was 0)');
    assert.equal(p.optimizer_type, 'Prodigy', 'optimizer → optimizer_type');
    assert.equal(p.resolution, '1024,1024', 'max_resolution → resolution');
    assert.equal(p.sdpa, true, 'xformers: "sdpa" → --sdpa');
    assert.equal(p.network_module, 'networks.lora', 'LoRA_type Standard');
    assert.equal(p.script, 'sdxl_train_network');
    assert.equal(p.no_half_vae, true);
    assert.equal(p.lr_warmup_steps, 300, '10 % of 3000 steps, as the GUI computes it');
    for (const guiOnly of ['LoRA_type', 'epoch', 'optimizer', 'xformers', 'lr_warmup', 'model_list', 'vae', 'reg_data_dir']) {
      assert.equal(p[guiOnly], undefined, `${guiOnly} is not an sd-scripts argument`);
    }
    const gui = plan.versions[0]!.imported.gui as Record<string, unknown>;
    assert.equal(gui.LoRA_type, 'Standard');
    assert.equal(p.save_every_n_steps, undefined, 'a GUI 0 means "off": not passed as --save_every_n_steps 0');
    assert.equal(gui.save_every_n_steps, 0);
    assert.equal(p.noise_offset, 0.0357, 'non-zero values pass');
    assert.equal(gui.vae, '', 'an empty field is kept aside, not passed');
    assert.equal(plan.versions[0]!.status, 'draft');
    assert.equal(plan.sessions.length, 0, 'a preset was never run');
    assert.equal(plan.versions[0]!.suggestedId, 'SDXL-style-prodigy-v1.0');
    assert.equal(plan.styles[0]!.id, 'sdxl-style');
  });

  it('a time-stamped GUI copy is a run: dated from its name, outcome from the output folder, secrets left out', () => {
    const plan = readKohyaJson(RUN_JSON, fixture(RUN_JSON), contextOf(RUN_JSON));
    assertWritable(plan);
    const v = plan.versions[0]!;
    assert.equal(v.name, 'sbai-style-20250612-101530');
    assert.equal(v.createdAt, new Date(2025, 5, 12, 10, 15, 30).toISOString());
    assert.equal(v.status, 'completed');
    assert.equal(plan.sessions[0]!.outputs.model, 'kohya/outputs/sbai-style/sbai-style.safetensors');
    assert.equal(plan.sessions[0]!.checkpoints[0]!.epoch, 4);
    assert.equal(v.parameters.max_train_epochs, 8);
    assert.equal(v.imported.gui && (v.imported.gui as Record<string, unknown>).gui_theme, undefined);
    assert.equal(v.parameters.gui_theme, 'dark', 'an unknown field is kept (as a parameter: kohya passes unknown names through)');
    const text = JSON.stringify(plan);
    assert.ok(!text.includes('hf_test_not_a_real_token') && !text.includes('test-wandb-key-not-real'));
    assert.ok(plan.notes.some((n) => /huggingface_token/.test(n.message) && /wandb_api_key/.test(n.message)));
  });

  it('reads the sd-scripts TOML of a run, and a run with nothing beside it is "unknown"', () => {
    const plan = readKohyaToml(RUN_TOML, fixture(RUN_TOML), contextOf(RUN_TOML));
    assertWritable(plan);
    const p = plan.versions[0]!.parameters;
    assert.equal(p.network_module, 'networks.lora');
    assert.equal(p.text_encoder_lr, 5e-5, 'a one-element list is its number (the kohya profile wants a number)');
    assert.equal(p.huggingface_token, undefined);
    assert.equal(plan.sessions[0]!.status, 'completed');

    const bare = readKohyaToml('elsewhere/config_lora-20250612-101531.toml', fixture(RUN_TOML), { siblings: [] });
    assert.equal(bare.sessions[0]!.status, 'unknown');
    assert.ok(bare.notes.some((n) => /how the run ended/.test(n.message)));
  });

  it('flattens a sectioned TOML the way sd-scripts does', () => {
    const path = 'kohya/colab/training_config.toml';
    const plan = detectAndRead(path, fixture(path));
    assertWritable(plan);
    assert.equal(plan.tool, 'kohya');
    const p = plan.versions[0]!.parameters;
    assert.equal(p.network_dim, 16);
    assert.equal(p.optimizer_type, 'AdamW8bit');
    assert.equal(p.max_train_epochs, 10);
    assert.equal(plan.styles[0]!.id, 'anime-girl');
  });

  it('reports broken TOML with its line and a preset that is not an object', () => {
    const toml = 'kohya/outputs/broken/config_lora-20250101-000000.toml';
    const a = readKohyaToml(toml, fixture(toml));
    assert.match(a.problems[0]!.message, /^not valid TOML/);
    assert.equal(a.problems[0]!.line, 2);
    const json = 'kohya/presets/lora/broken preset.json';
    const b = readKohyaJson(json, fixture(json));
    assert.match(b.problems[0]!.message, /object of settings/);
  });
});
