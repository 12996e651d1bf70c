import assert from 'node:assert/strict';
import { detectAndRead, detectFluxgymScript, detectFluxgymState, parseLaunchScript, readFluxgymScript, readFluxgymState, tokenize } from '../../../src/core/import';
import { assertWritable, contextOf, fixture } from './helpers';

const CAT = 'fluxgym/outputs/my-cat-lora/ui_state.json';
const DOG = 'fluxgym/outputs/dog/ui_state.json';
const OLD = 'fluxgym/outputs/old-style/ui_state.json';

describe('FluxGym ui_state.json (state-persistence fork, seed 001)', () => {
  it('is detected by name and by content', () => {
    assert.ok(detectFluxgymState('x/ui_state.json', 'not even json'));
    assert.ok(detectFluxgymState('state.json', JSON.stringify({ lora_name: 'a', concept_sentence: 'b' })));
    assert.ok(!detectFluxgymState('state.json', JSON.stringify({ name: 'a' })));
  });

  it('makes a kohya style from lora_name and concept_sentence, dated from the epoch-seconds timestamp', () => {
    const plan = readFluxgymState(CAT, fixture(CAT), contextOf(CAT));
    assertWritable(plan);
    assert.deepEqual(plan.problems, []);
    const [style] = plan.styles;
    assert.deepEqual(
      { id: style!.id, name: style!.name, triggerToken: style!.triggerToken, trainer: style!.trainer, createdAt: style!.createdAt },
      { id: 'my-cat-lora', name: 'my-cat-lora', triggerToken: 'catsy style', trainer: 'kohya', createdAt: '2025-01-25T14:30:22.123Z' },
    );
  });

  it('maps UI fields to sd-scripts names and lets the generated train.sh complete them', () => {
    const plan = readFluxgymState(CAT, fixture(CAT), contextOf(CAT));
    const v = plan.versions[0]!;
    assert.equal(v.parameters.learning_rate, 0.0008, '"8e-4" text becomes a number');
    assert.equal(v.parameters.max_data_loader_n_workers, 2, 'workers → max_data_loader_n_workers');
    assert.equal(v.parameters.resolution, '512', 'the kohya profile takes resolution as text');
    assert.equal(v.parameters.class_tokens, 'catsy style');
    assert.equal(v.parameters.network_module, 'networks.lora_flux', 'from train.sh');
    assert.equal(v.parameters.script, 'flux_train_network');
    assert.equal(v.parameters.save_state, true, 'a bare flag is true');
    // FluxGym's own fields are kept, not passed to the trainer.
    assert.equal(v.imported.vram, '20G');
    assert.equal(v.imported.base_model, 'flux-dev');
    assert.equal(v.imported.ui_theme, 'dark', 'an unknown field survives');
    assert.match(String(v.imported.sample_prompts), /windowsill/);
    assert.equal(v.parameters.vram, undefined);
  });

  it('finds checkpoints in *-state folders and the final model: "stopped" with a model is completed', () => {
    const plan = readFluxgymState(CAT, fixture(CAT), contextOf(CAT));
    const s = plan.sessions[0]!;
    assert.equal(s.status, 'completed');
    assert.equal(plan.versions[0]!.status, 'completed');
    assert.deepEqual(
      s.checkpoints.map((c) => [c.path, c.epoch]),
      [
        ['fluxgym/outputs/my-cat-lora/my-cat-lora-4-state', 4],
        ['fluxgym/outputs/my-cat-lora/my-cat-lora-8-state', 8],
      ],
    );
    assert.equal(s.outputs.model, 'fluxgym/outputs/my-cat-lora/my-cat-lora.safetensors');
    assert.deepEqual(s.imported.intermediateModels, ['fluxgym/outputs/my-cat-lora/my-cat-lora-000004.safetensors']);
    assert.equal(s.backend.type, 'local');
    assert.ok(s.backend.type === 'local' && s.backend.command.includes('sd-scripts/flux_train_network.py'));
    assert.equal(s.progress?.totalEpochs, 16);
  });

  it('keeps "running" (with a note), and "stopped" without a model is interrupted', () => {
    const dog = readFluxgymState(DOG, fixture(DOG), contextOf(DOG));
    assertWritable(dog);
    assert.equal(dog.sessions[0]!.status, 'running');
    assert.equal(dog.styles[0]!.id, 'puppy-style');
    assert.equal(dog.sessions[0]!.checkpoints.length, 2);
    assert.equal(dog.sessions[0]!.checkpoints.at(-1)!.step, 480, 'step folders are ordered by step');
    assert.equal(dog.sessions[0]!.attempts[0]!.resumedFrom, 'outputs/dog/puppy-style-000004-state');
    assert.ok(dog.notes.some((n) => /cannot see that process/.test(n.message)));

    const old = readFluxgymState(OLD, fixture(OLD), contextOf(OLD));
    assert.equal(old.sessions[0]!.status, 'interrupted');
    assert.equal(old.styles[0]!.id, 'old-style-lora', 'slugified lora_name');
  });

  it('maps "starting" to pending and an unknown word to unknown', () => {
    const starting = readFluxgymState('o/a/ui_state.json', JSON.stringify({ lora_name: 'a', timestamp: 1700000000, status: 'starting' }));
    assert.equal(starting.sessions[0]!.status, 'pending');
    const odd = readFluxgymState('o/a/ui_state.json', JSON.stringify({ lora_name: 'a', timestamp: 1700000000, status: 'sleeping' }));
    assert.equal(odd.sessions[0]!.status, 'unknown');
    assert.equal(odd.versions[0]!.imported.status, 'sleeping');
  });

  it('reports a truncated file as a problem with its line', () => {
    const path = 'fluxgym/outputs/broken-lora/ui_state.json';
    const plan = readFluxgymState(path, fixture(path));
    assert.equal(plan.versions.length, 0);
    assert.equal(plan.problems.length, 1);
    assert.match(plan.problems[0]!.message, /^not valid JSON/);
    assert.equal(plan.problems[0]!.line, 5);
  });

  it('uses the folder name when lora_name is missing, and says so', () => {
    const plan = readFluxgymState('outputs/My Folder/ui_state.json', JSON.stringify({ timestamp: 1700000000 }));
    assert.equal(plan.styles[0]!.id, 'My-Folder');
    assert.ok(plan.notes.some((n) => /lora_name/.test(n.message)));
  });
});

describe('FluxGym launch scripts (train.sh / train.bat)', () => {
  it('tokenizes sh and cmd quoting', () => {
    assert.deepEqual(tokenize(`a "b c" 'd e' f\\ g "h\\"i"`, false), ['a', 'b c', 'd e', 'f g', 'h"i']);
    assert.deepEqual(tokenize(`a "C:\\x y\\z" b^&c`, true), ['a', 'C:\\x y\\z', 'b&c']);
  });

  it('parses continued lines into numbers, flags, lists and key=value', () => {
    const cmd = parseLaunchScript('accelerate launch --num_processes 2 \\\n x/flux_train_network.py --a 1 \\\n --b --c 8e-4 --d "x=1" "y=2" --e="v" --f -1', false)!;
    assert.equal(cmd.script, 'x/flux_train_network.py');
    assert.deepEqual(cmd.launcher, ['accelerate', 'launch', '--num_processes', '2']);
    assert.deepEqual(cmd.args, { a: 1, b: true, c: 0.0008, d: ['x=1', 'y=2'], e: 'v', f: -1 });
  });

  it('reads an upstream train.sh with its dataset.toml: trigger, repeats, completed run', () => {
    const path = 'fluxgym-upstream/outputs/persian-miniature/train.sh';
    const plan = readFluxgymScript(path, fixture(path), contextOf(path));
    assertWritable(plan);
    const v = plan.versions[0]!;
    assert.equal(plan.styles[0]!.id, 'persian-miniature');
    assert.equal(plan.styles[0]!.triggerToken, 'in the style of p3rs1an');
    assert.deepEqual(v.parameters.optimizer_args, ['relative_step=False', 'scale_parameter=False', 'warmup_init=False']);
    assert.equal(v.parameters.split_mode, true);
    assert.equal(v.parameters.network_args, 'train_blocks=single');
    assert.equal(v.parameters.num_repeats, 10);
    assert.equal(v.parameters.max_grad_norm, 0);
    assert.deepEqual((v.imported.launcherArgs as Record<string, unknown>).mixed_precision, 'bf16', 'accelerate options are kept aside');
    assert.equal(plan.sessions[0]!.status, 'completed');
  });

  it('reads a Windows train.bat (CRLF, ^ continuations, backslash paths); no outputs yet → a draft', () => {
    const path = 'fluxgym-upstream/outputs/cat-toy/train.bat';
    const text = fixture(path);
    assert.ok(text.includes('\r\n'));
    const plan = readFluxgymScript(path, text, contextOf(path));
    assertWritable(plan);
    const v = plan.versions[0]!;
    assert.equal(v.parameters.pretrained_model_name_or_path, 'C:\\fluxgym\\models\\unet\\flux1-dev.sft');
    assert.equal(v.parameters.loss_type, 'l2');
    assert.equal(v.parameters.class_tokens, 'c4ttoy');
    assert.equal(v.status, 'draft');
    assert.equal(plan.sessions.length, 0);
  });

  it('reports a script without a training command', () => {
    const path = 'fluxgym-upstream/outputs/broken/train.sh';
    assert.ok(detectFluxgymScript(path, fixture(path)));
    const plan = detectAndRead(path, fixture(path));
    assert.equal(plan.versions.length, 0);
    assert.match(plan.problems[0]!.message, /no training command/);
  });
});
