import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { detectAndRead, detectReader } from '../../../src/core/import';
import { assertWritable, contextOf, fixture, FIXTURES } from './helpers';

/** Every fixture file a reader should claim, with the tool expected to claim it. */
const EXPECTED: Record<string, string> = {
  'fluxgym/outputs/my-cat-lora/ui_state.json': 'fluxgym',
  'fluxgym/outputs/dog/ui_state.json': 'fluxgym',
  'fluxgym/outputs/old-style/ui_state.json': 'fluxgym',
  'fluxgym/outputs/broken-lora/ui_state.json': 'fluxgym',
  'fluxgym/outputs/my-cat-lora/train.sh': 'fluxgym-script',
  'fluxgym-upstream/outputs/persian-miniature/train.sh': 'fluxgym-script',
  'fluxgym-upstream/outputs/cat-toy/train.bat': 'fluxgym-script',
  'fluxgym-upstream/outputs/broken/train.sh': 'fluxgym-script',
  'training-versions/dynamic-simplicity/training_versions.json': 'training-versions',
  'training-versions/broken/training_versions.json': 'training-versions',
  'llmtool/logs/training_sessions/training_metadata_20251005_234530.json': 'llmtool',
  'llmtool/logs/training_sessions/training_metadata_20251006_090000.json': 'llmtool',
  'llm_tool/logs/training_arena/20251012_141500/training_session_metadata/training_metadata.json': 'llmtool',
  'kohya/presets/lora/SDXL - style prodigy v1.0.json': 'kohya',
  'kohya/presets/lora/broken preset.json': 'kohya',
  'kohya/outputs/sbai-style/sbai-style_20250612-101530.json': 'kohya',
  'kohya/outputs/sbai-style/config_lora-20250612-101531.toml': 'kohya',
  'kohya/outputs/broken/config_lora-20250101-000000.toml': 'kohya',
  'kohya/colab/training_config.toml': 'kohya',
  'ai-toolkit/config/my_first_flux_lora.yaml': 'ai-toolkit',
  'ai-toolkit/config/sdxl_two_styles.json': 'ai-toolkit',
  'ai-toolkit/config/extract_lora.yaml': 'ai-toolkit',
  'ai-toolkit/config/broken.yaml': 'ai-toolkit',
  'onetrainer/training_configs/watercolor-style.json': 'onetrainer',
  'onetrainer/training_configs/broken.json': 'onetrainer',
  'onetrainer/training_presets/#flux LoRA.json': 'onetrainer',
};

/** Fixture files that are not importable on their own. */
const NOT_IMPORTABLE = ['fluxgym/outputs/my-cat-lora/dataset.toml', 'fluxgym/outputs/my-cat-lora/sample_prompts.txt', 'ai-toolkit/config/logging.yaml'];

function allFixtures(dir = FIXTURES, rel = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name;
    return statSync(join(dir, name)).isDirectory() ? allFixtures(join(dir, name), r) : [r];
  });
}

describe('detectAndRead', () => {
  it('chooses the right reader for every fixture', () => {
    for (const [path, tool] of Object.entries(EXPECTED)) assert.equal(detectReader(path, fixture(path))?.tool, tool, path);
    for (const path of NOT_IMPORTABLE) assert.equal(detectReader(path, fixture(path)), undefined, path);
  });

  it('turns every fixture into a writable plan or a problem, never a throw', () => {
    for (const path of allFixtures()) {
      const plan = detectAndRead(path, fixture(path), contextOf(path));
      assertWritable(plan);
      assert.ok(plan.versions.length > 0 || plan.problems.length > 0, `${path}: something or a reason`);
    }
  });

  it('the broken fixture of each format family is a problem, not a version', () => {
    const broken = Object.keys(EXPECTED).filter((p) => /broken|extract/.test(p));
    assert.ok(broken.length >= 8);
    for (const path of broken) {
      const plan = detectAndRead(path, fixture(path), contextOf(path));
      assert.equal(plan.versions.length, 0, path);
      assert.equal(plan.problems.length, 1, path);
      assert.equal(plan.problems[0]!.path, path);
    }
  });

  it('gives the same keys (and the same plan) when a file is read twice', () => {
    for (const path of Object.keys(EXPECTED)) {
      const a = detectAndRead(path, fixture(path), contextOf(path));
      const b = detectAndRead(path, fixture(path), contextOf(path));
      assert.deepEqual(b, a, path);
      assert.equal(new Set(a.versions.map((v) => v.sourceKey)).size, a.versions.length, `${path}: keys are unique`);
    }
  });

  it('keys do not depend on where the import started, nor on the file time', () => {
    const inner = 'training-versions/dynamic-simplicity/training_versions.json';
    const a = detectAndRead(inner, fixture(inner), { styleId: 's' });
    const b = detectAndRead('dynamic-simplicity/training_versions.json', fixture(inner), { styleId: 's', modifiedAt: '2030-01-01T00:00:00Z' });
    assert.deepEqual(a.versions.map((v) => v.sourceKey), b.versions.map((v) => v.sourceKey));
    const yaml = 'ai-toolkit/config/my_first_flux_lora.yaml';
    const c = detectAndRead(yaml, fixture(yaml), { modifiedAt: '2025-01-01T00:00:00Z' });
    const d = detectAndRead(`elsewhere/${yaml}`, fixture(yaml), { modifiedAt: '2026-01-01T00:00:00Z' });
    assert.equal(c.versions[0]!.sourceKey, d.versions[0]!.sourceKey);
  });

  it('preserves unknown fields somewhere in the plan, for every format', () => {
    const cases: [string, (text: string) => string, string][] = [
      ['fluxgym/outputs/old-style/ui_state.json', (t) => t.replace('{', '{"zz_unknown": "kept-1",'), 'kept-1'],
      ['training-versions/dynamic-simplicity/training_versions.json', (t) => t.replace('"name": "V1"', '"zz_unknown": "kept-2", "name": "V1"'), 'kept-2'],
      ['llmtool/logs/training_sessions/training_metadata_20251005_234530.json', (t) => t.replace('{', '{"zz_unknown": "kept-3",'), 'kept-3'],
      ['kohya/presets/lora/SDXL - style prodigy v1.0.json', (t) => t.replace('{', '{"zz_unknown": "kept-4",'), 'kept-4'],
      ['kohya/outputs/sbai-style/config_lora-20250612-101531.toml', (t) => `zz_unknown = "kept-5"\n${t}`, 'kept-5'],
      ['ai-toolkit/config/sdxl_two_styles.json', (t) => t.replace('"training_folder": "output",', '"training_folder": "output", "zz_unknown": "kept-6",'), 'kept-6'],
      ['onetrainer/training_configs/watercolor-style.json', (t) => t.replace('{', '{"zz_unknown": "kept-7",'), 'kept-7'],
      ['fluxgym-upstream/outputs/cat-toy/train.bat', (t) => t.replace('--loss_type l2', '--loss_type l2 --zz_unknown kept-8'), 'kept-8'],
    ];
    for (const [path, edit, marker] of cases) {
      const plan = detectAndRead(path, edit(fixture(path)), contextOf(path));
      assert.deepEqual(plan.problems, [], path);
      assert.ok(JSON.stringify(plan.versions).includes(marker), `${path}: ${marker} kept`);
    }
  });

  it('reports empty, non-JSON, wrong-shape and unknown files as problems', () => {
    const cases: [string, string, RegExp][] = [
      ['ui_state.json', '', /empty/],
      ['ui_state.json', '   \n', /empty/],
      ['ui_state.json', 'lora_name: x', /not valid JSON/],
      ['ui_state.json', '[1, 2]', /JSON object/],
      ['ui_state.json', 'null', /JSON object/],
      ['training_versions.json', '{"versions": {"V1": {}}}', /list of versions/],
      ['x/config_lora-20250101-000000.toml', '= 1', /not valid TOML/],
      ['notes.json', '{"hello": "world"}', /not a file Trainlab can import/],
      ['notes.json', '{"hello": ', /not valid JSON/],
      ['readme.md', '# hi', /not a file Trainlab can import/],
    ];
    for (const [path, text, re] of cases) {
      const plan = detectAndRead(path, text);
      assert.equal(plan.versions.length, 0, `${path} ${JSON.stringify(text)}`);
      assert.match(plan.problems[0]?.message ?? '', re, `${path} ${JSON.stringify(text)}`);
    }
  });

  it('validates --style and slugifies an unusable one with a note', () => {
    const path = 'training-versions/dynamic-simplicity/training_versions.json';
    const plan = detectAndRead(path, fixture(path), { styleId: 'My Style!' });
    assert.equal(plan.styles[0]!.id, 'My-Style');
    assert.ok(plan.notes.some((n) => /not a valid style id/.test(n.message)));
  });
});
