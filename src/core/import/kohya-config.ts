import { isoFromName } from './dates';
import { flattenSections, normalizeKohya } from './kohya-names';
import { parseJson, parseToml, type Parsed } from './parse-text';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeRunSession, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import { progressFromEvidence, runEvidence, statusFromEvidence } from './run-evidence';
import { fitKohyaTypes } from './sd-scripts';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { baseName, dirName, isObject, parentName, posix, shortHash, stem, str, toParameters } from './values';

/**
 * kohya_ss GUI configurations (trainer `kohya`):
 * - flat JSON of GUI fields: presets (`presets/lora/*.json`) and the copy the GUI saves when a
 *   run starts (`<output_dir>/<output_name>_YYYYMMDD-HHMMSS.json`);
 * - the sd-scripts TOML it passes to the trainer (`<output_dir>/config_lora-YYYYMMDD-HHMMSS.toml`).
 * A preset is a draft version; a time-stamped file is a run, whose outcome the output folder tells.
 */

export const KOHYA_TOOL = 'kohya';

/** Fields that together say "kohya_ss GUI form". */
const GUI_HINTS = [
  'pretrained_model_name_or_path', 'train_data_dir', 'output_name', 'output_dir', 'network_dim', 'network_alpha',
  'LoRA_type', 'optimizer', 'lr_scheduler', 'max_resolution', 'train_batch_size', 'epoch', 'save_every_n_epochs',
  'mixed_precision', 'learning_rate', 'save_model_as', 'caption_extension',
];
/** sd-scripts arguments that say "training configuration" in a TOML. */
const TOML_HINTS = ['pretrained_model_name_or_path', 'network_module', 'output_name', 'output_dir', 'network_dim', 'learning_rate', 'optimizer_type', 'train_data_dir', 'max_train_steps', 'max_train_epochs'];

const RUN_JSON = /_\d{8}-\d{6}\.json$/i;
const RUN_TOML = /^config_lora-\d{8}-\d{6}\.toml$/i;
const inPresets = (path: string) => /(^|\/)presets\/lora\//i.test(posix(path));

/** Other formats' marks: a file with one of these is not a kohya GUI form. */
const OTHER_FORMATS = ['training_session', 'versions', 'lora_name', 'job', '__version', 'config_version', 'training_method'];

export function detectKohyaJson(path: string, text: string): boolean {
  if (!/\.json$/i.test(path)) return false;
  if (inPresets(path)) return true;
  const parsed = parseJson(path, text);
  if (!parsed.ok || !isObject(parsed.value)) return false;
  const o = parsed.value;
  if (OTHER_FORMATS.some((k) => k in o)) return false;
  return GUI_HINTS.filter((k) => k in o).length >= 3;
}

export function detectKohyaToml(path: string, text: string): boolean {
  if (!/\.toml$/i.test(path)) return false;
  if (RUN_TOML.test(baseName(path))) return true;
  const parsed = parseToml(path, text);
  if (!parsed.ok || 'datasets' in parsed.value) return false; // a dataset config, not a training one
  const flat = flattenSections(parsed.value);
  return TOML_HINTS.filter((k) => k in flat).length >= 2;
}

function readKohya(path: string, parsed: Parsed<unknown>, options: ReadOptions, format: 'JSON' | 'TOML'): ImportPlan {
  const source = sourcePath(path);
  if (!parsed.ok) return failedPlan(KOHYA_TOOL, { ...parsed.problem, path: source });
  if (!isObject(parsed.value)) return failedPlan(KOHYA_TOOL, { path: source, message: `a kohya_ss ${format} configuration must hold an object of settings` });
  const plan = emptyPlan(KOHYA_TOOL);
  const raw = redactWithNote(plan, source, parsed.value);

  const { parameters, gui } = normalizeKohya(raw, format === 'JSON');
  fitKohyaTypes(parameters);
  const outputName = str(parameters.output_name);
  const styleId = chooseStyleId(plan, source, options, outputName, { text: inPresets(source) ? stem(source) : parentName(source), why: 'the configuration has no output_name' });
  const fileStem = stem(source);
  const createdAt = isoFromName(fileStem) ?? fallbackDate(plan, source, options);
  const isRun = RUN_JSON.test(source) || RUN_TOML.test(baseName(source));
  // A run is named after what it trained and when (`sbai-style-20250612-101531`); a preset by its file.
  const stamp = /(\d{8}-\d{6})/.exec(fileStem)?.[1];
  const name = isRun && outputName && stamp ? `${outputName}-${stamp}` : fileStem;
  const sourceKey = `${KOHYA_TOOL}:${styleId}:${fileStem}:${shortHash(parameters)}`;

  plan.styles.push(makeStyle({ id: styleId, name: outputName ?? styleId, triggerToken: str(parameters.class_tokens) ?? '', trainer: 'kohya', createdAt }));

  // A run's outcome: the final model or state folders beside the file (the GUI saves into output_dir).
  const evidence = isRun ? runEvidence(dirName(source), outputName, options.siblings) : null;
  const status = isRun ? (statusFromEvidence(evidence) ?? 'unknown') : 'draft';
  if (isRun && status === 'unknown') plan.notes.push({ path: source, message: 'kohya_ss saved this configuration when a run started; nothing beside it shows how the run ended' });

  const version = makeVersion({
    styleId,
    sourceKey,
    name,
    createdAt,
    source,
    parameters: toParameters(parameters),
    status,
    modelUrl: evidence?.finalModel ?? null,
    description: str(parameters.training_comment) ?? '',
    notes: `Imported from kohya_ss (${inPresets(source) ? 'preset' : format === 'TOML' ? 'sd-scripts config' : 'GUI config'}): ${source}`,
    imported: Object.keys(gui).length ? { gui } : {},
  });
  plan.versions.push(version);
  if (status !== 'draft') {
    plan.sessions.push(
      makeRunSession(version, {
        status,
        trainer: 'kohya',
        parameters: toParameters(parameters),
        dataset: { id: null, path: str(parameters.train_data_dir) ?? null, imageCount: null },
        attempts: [{ startedAt: createdAt, endedAt: null, exitCode: null, signal: null, resumedFrom: str(parameters.resume) ?? null, startStep: 0 }],
        checkpoints: evidence?.checkpoints ?? [],
        outputs: { model: evidence?.finalModel ?? null, samples: [] },
        progress: progressFromEvidence(evidence, parameters, status, createdAt),
        imported: evidence?.intermediateModels.length ? { intermediateModels: evidence.intermediateModels } : {},
      }),
    );
  }
  return plan;
}

export function readKohyaJson(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  return readKohya(path, parseJson(path, text), options, 'JSON');
}

export function readKohyaToml(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  return readKohya(path, parseToml(path, text), options, 'TOML');
}

export const kohyaJsonReader: ImportReader = { tool: KOHYA_TOOL, detect: detectKohyaJson, read: readKohyaJson };
export const kohyaTomlReader: ImportReader = { tool: KOHYA_TOOL, detect: detectKohyaToml, read: readKohyaToml };
