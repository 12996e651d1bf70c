import assert from 'node:assert/strict';
import fc from 'fast-check';
import { detectAndRead } from '../../../src/core/import';
import { assertWritable, contextOf, fixture } from './helpers';

/**
 * Whatever the text, detectAndRead returns a plan (never throws), and whatever the plan holds
 * can be written as workspace files (the model's schemas accept it).
 */

/** Paths that steer the text to each reader. */
const PATHS = [
  'outputs/x/ui_state.json',
  'styles/x/training_versions.json',
  'logs/training_sessions/training_metadata_20250101_000000.json',
  'a/training_session_metadata/training_metadata.json',
  'presets/lora/p.json',
  'out/x_20250101-000000.json',
  'out/config_lora-20250101-000000.toml',
  'config/job.yaml',
  'config/job.json',
  'training_configs/t.json',
  'outputs/x/train.sh',
  'outputs/x/train.bat',
  'random.json',
];

/** Fixtures whose structure the mutations start from. */
const JSON_FIXTURES = [
  'fluxgym/outputs/my-cat-lora/ui_state.json',
  'training-versions/dynamic-simplicity/training_versions.json',
  'llmtool/logs/training_sessions/training_metadata_20251005_234530.json',
  'llm_tool/logs/training_arena/20251012_141500/training_session_metadata/training_metadata.json',
  'kohya/presets/lora/SDXL - style prodigy v1.0.json',
  'ai-toolkit/config/sdxl_two_styles.json',
  'onetrainer/training_configs/watercolor-style.json',
];
const TEXT_FIXTURES = [
  ...JSON_FIXTURES,
  'fluxgym-upstream/outputs/persian-miniature/train.sh',
  'fluxgym-upstream/outputs/cat-toy/train.bat',
  'kohya/outputs/sbai-style/config_lora-20250612-101531.toml',
  'ai-toolkit/config/my_first_flux_lora.yaml',
];

function read(path: string, text: string): void {
  let plan;
  try {
    plan = detectAndRead(path, text, contextOf(TEXT_FIXTURES.find((f) => f.endsWith(path)) ?? 'fluxgym/outputs/my-cat-lora/ui_state.json'));
  } catch (e) {
    assert.fail(`threw on ${path}: ${String(e)}\n${text.slice(0, 300)}`);
  }
  assertWritable(plan);
}

/** Replaces the value at a random place of a parsed document with an arbitrary JSON value. */
function mutate(doc: unknown, choices: number[], value: unknown): unknown {
  if (choices.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const [c, ...rest] = choices;
  if (Array.isArray(doc)) {
    if (doc.length === 0) return value;
    const i = c! % doc.length;
    return doc.map((v, j) => (j === i ? mutate(v, rest, value) : v));
  }
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const k = keys[c! % keys.length]!;
  return { ...(doc as Record<string, unknown>), [k]: mutate((doc as Record<string, unknown>)[k], rest, value) };
}

describe('detectAndRead never throws (property)', () => {
  it('on arbitrary JSON text under any importable name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.json({ maxDepth: 4 }), (path, text) => read(path, text)),
      { numRuns: 400 },
    );
  });

  it('on fixtures with a value anywhere replaced by arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...JSON_FIXTURES),
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        fc.jsonValue({ maxDepth: 3 }),
        (file, choices, value) => read(file, JSON.stringify(mutate(JSON.parse(fixture(file)), choices, value))),
      ),
      { numRuns: 600 },
    );
  });

  it('on fixture text with random slices cut out or random text spliced in', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TEXT_FIXTURES),
        fc.nat(),
        fc.nat({ max: 200 }),
        fc.string({ maxLength: 20 }),
        (file, at, cut, insert) => {
          const text = fixture(file);
          const i = at % (text.length + 1);
          read(file, text.slice(0, i) + insert + text.slice(i + cut));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('on arbitrary text, including unicode, under any importable name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), fc.string({ unit: 'binary', maxLength: 300 }), (path, text) => read(path, text)),
      { numRuns: 300 },
    );
  });
});
