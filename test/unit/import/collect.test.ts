import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { classify, collectImportFiles, readImportPath, scanImportFiles } from '../../../src/core/import';
import { assertWritable, FIXTURES } from './helpers';

function tree(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-import-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const UI_STATE = JSON.stringify({ lora_name: 'a', concept_sentence: 't', timestamp: 1700000000, status: 'stopped' });

describe('collecting importable files', () => {
  it('finds each format by name and place in the fixtures, and leaves the rest', async () => {
    const files = await collectImportFiles(FIXTURES);
    for (const expected of [
      'fluxgym/outputs/my-cat-lora/ui_state.json',
      'fluxgym-upstream/outputs/cat-toy/train.bat',
      'training-versions/dynamic-simplicity/training_versions.json',
      'llmtool/logs/training_sessions/training_metadata_20251005_234530.json',
      'llm_tool/logs/training_arena/20251012_141500/training_session_metadata/training_metadata.json',
      'kohya/presets/lora/SDXL - style prodigy v1.0.json',
      'kohya/outputs/sbai-style/config_lora-20250612-101531.toml',
      'ai-toolkit/config/my_first_flux_lora.yaml',
      'onetrainer/training_configs/watercolor-style.json',
      'onetrainer/training_presets/#flux LoRA.json',
    ]) {
      assert.ok(files.includes(expected), expected);
    }
    for (const left of [
      'fluxgym/outputs/my-cat-lora/train.sh', // read as the ui_state's companion
      'kohya/outputs/sbai-style/sbai-style_20250612-101530.json', // same run as its config_lora TOML
      'llm_tool/logs/training_arena/20251012_141500/training_session_metadata/training_metadata_backup.json',
      'onetrainer/training_concepts/concepts.json',
      'fluxgym/outputs/my-cat-lora/dataset.toml',
      'kohya/colab/training_config.toml',
    ]) {
      assert.ok(!files.includes(left), left);
    }
    assert.deepEqual(files, [...files].sort(), 'sorted');
    assert.ok(files.every((f) => !f.includes('\\') && !f.startsWith('/')), 'relative and /-separated');
  });

  it('classifies by name: strong, weak, or not at all', () => {
    const none = new Set<string>();
    assert.equal(classify('a/ui_state.json', none), 'strong');
    assert.equal(classify('config/train.yaml', none), 'weak');
    assert.equal(classify('x/run_20250101-101010.json', none), 'weak');
    assert.equal(classify('scripts/train.sh', none), null, 'a train.sh anywhere is not FluxGym’s');
    assert.equal(classify('outputs/x/train.sh', none), 'strong');
    assert.equal(classify('outputs/x/train.sh', new Set(['ui_state.json'])), null);
    assert.equal(classify('package.json', none), null);
  });

  it('skips node_modules, hidden folders, huge files and links that leave the root', async () => {
    const outside = tree({ 'outputs/escaped/ui_state.json': UI_STATE });
    const t = tree({
      'outputs/a/ui_state.json': UI_STATE,
      'node_modules/pkg/outputs/b/ui_state.json': UI_STATE,
      '.git/outputs/c/ui_state.json': UI_STATE,
      'outputs/huge/ui_state.json': '',
    });
    try {
      truncateSync(join(t.dir, 'outputs/huge/ui_state.json'), 17 * 1024 * 1024);
      symlinkSync(join(outside.dir, 'outputs'), join(t.dir, 'linked-out'), 'dir');
      symlinkSync(join(t.dir, 'outputs'), join(t.dir, 'outputs', 'a', 'loop'), 'dir');
      symlinkSync(join(t.dir, 'outputs', 'a', 'ui_state.json'), join(t.dir, 'inside-link.json'));
      const scan = await scanImportFiles(t.dir);
      assert.deepEqual(scan.files.map((f) => f.path), ['outputs/a/ui_state.json']);
      assert.deepEqual(scan.problems.map((p) => p.path), ['outputs/huge/ui_state.json']);
      assert.match(scan.problems[0]!.message, /larger than 16 MB/);
    } finally {
      t.cleanup();
      outside.cleanup();
    }
  });

  it('reports an unusable root instead of throwing', async () => {
    const scan = await scanImportFiles(join(tmpdir(), 'trainlab-no-such-folder-here'));
    assert.equal(scan.files.length, 0);
    assert.match(scan.problems[0]!.message, /cannot open the folder/);
  });
});

describe('readImportPath', () => {
  it('reads the whole fixture tree into one writable plan; broken files are problems, weak misses silent', async () => {
    const plan = await readImportPath(FIXTURES);
    assertWritable(plan);
    assert.deepEqual(plan.tool.split(',').sort(), ['ai-toolkit', 'fluxgym', 'fluxgym-script', 'kohya', 'llmtool', 'onetrainer', 'training-versions']);
    const problemFiles = plan.problems.map((p) => p.path).sort();
    assert.deepEqual(problemFiles, [
      'ai-toolkit/config/broken.yaml',
      'ai-toolkit/config/extract_lora.yaml',
      'fluxgym-upstream/outputs/broken/train.sh',
      'fluxgym/outputs/broken-lora/ui_state.json',
      'kohya/outputs/broken/config_lora-20250101-000000.toml',
      'kohya/presets/lora/broken preset.json',
      'llmtool/logs/training_sessions/training_metadata_20251006_090000.json',
      'onetrainer/training_configs/broken.json',
      'training-versions/broken/training_versions.json',
    ]);
    // The ui_state's train.sh was read as its companion: the command is in the session.
    const cat = plan.sessions.find((s) => s.styleId === 'my-cat-lora')!;
    assert.ok(cat.backend.type === 'local' && cat.backend.command[0] === 'accelerate');
    assert.equal(cat.status, 'completed');
    assert.equal(plan.root, FIXTURES);
    for (const c of cat.checkpoints) assert.ok(existsSync(join(plan.root!, c.path)), c.path);
    // Two LLMTool sessions on the same dataset share a style.
    assert.equal(plan.versions.filter((v) => v.styleId === 'annotated_data').length, 2);
  });

  it('gives the same plan on a second read (modulo nothing)', async () => {
    const a = await readImportPath(join(FIXTURES, 'training-versions'));
    const b = await readImportPath(join(FIXTURES, 'training-versions'));
    assert.deepEqual(b, a);
  });

  it('reads a single file with its folder name in the source path', async () => {
    const plan = await readImportPath(join(FIXTURES, 'fluxgym/outputs/my-cat-lora/ui_state.json'));
    assert.equal(plan.versions[0]!.source, 'my-cat-lora/ui_state.json');
    assert.equal(plan.sessions[0]!.outputs.model, 'my-cat-lora/my-cat-lora.safetensors');
    // Paths in the plan are relative to its root, which the applier resolves them against.
    assert.ok(existsSync(join(plan.root!, plan.sessions[0]!.outputs.model!)));
    assert.ok(existsSync(join(plan.root!, plan.sessions[0]!.checkpoints[0]!.path)));
    const seed = await readImportPath(join(FIXTURES, 'training-versions/dynamic-simplicity/training_versions.json'));
    assert.equal(seed.styles[0]!.id, 'dynamic-simplicity', 'the folder name is still there to fall back on');
  });

  it('reports a missing path', async () => {
    const plan = await readImportPath(join(tmpdir(), 'trainlab-no-such-file.json'));
    assert.match(plan.problems[0]!.message, /no such file or folder/);
  });

  it('pairs a kohya GUI copy with its TOML only when their stamps are seconds apart', async () => {
    const t = tree({
      'out/a_20250101-100000.json': '{"output_name": "a", "network_dim": 8, "optimizer": "AdamW", "LoRA_type": "Standard"}',
      'out/config_lora-20250101-100002.toml': 'output_name = "a"\nnetwork_dim = 8\nlearning_rate = 0.0001\n',
      'out/a_20250301-100000.json': '{"output_name": "a", "network_dim": 16, "optimizer": "AdamW", "LoRA_type": "Standard"}',
    });
    try {
      assert.deepEqual(await collectImportFiles(t.dir), ['out/a_20250301-100000.json', 'out/config_lora-20250101-100002.toml']);
    } finally {
      t.cleanup();
    }
  });
});
