import { parseJson } from './parse-text';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { isObject, posix, setIfPresent, shortHash, stem, str, toParameters, type JsonObject } from './values';

/**
 * OneTrainer configurations: `training_configs/*.json` (saved from the UI) and
 * `training_presets/**\/*.json`, flat JSON with `__version` (formats.md calls it
 * `config_version`; both are accepted), `training_method`, `model_type`, `lora_rank`, … and
 * nested objects (`optimizer`, `unet`, `text_encoder`, …). Trainer `onetrainer` (a custom
 * name: Trainlab has no OneTrainer profile). Common settings are lifted into kohya-style names
 * so versions compare across trainers; the whole configuration is kept in `imported.oneTrainer`.
 */

export const ONETRAINER_TOOL = 'onetrainer';

const inOneTrainerFolder = (path: string) => /(^|\/)(training_configs|training_presets)\//i.test(posix(path));

export function detectOneTrainer(path: string, text: string): boolean {
  if (!/\.json$/i.test(path)) return false;
  if (inOneTrainerFolder(path)) return true;
  const parsed = parseJson(path, text);
  if (!parsed.ok || !isObject(parsed.value)) return false;
  const o = parsed.value;
  const versioned = '__version' in o || 'config_version' in o;
  return (versioned && ('training_method' in o || 'model_type' in o)) || ('training_method' in o && 'model_type' in o);
}

/** OneTrainer's dtype enum → sd-scripts' mixed_precision words. */
const PRECISION: Record<string, string> = { FLOAT_16: 'fp16', BFLOAT_16: 'bf16', FLOAT_32: 'no' };

function flatParameters(c: JsonObject): JsonObject {
  const out: JsonObject = {};
  const put = setIfPresent(out);
  put('training_method', c.training_method);
  put('model_type', c.model_type);
  put('pretrained_model_name_or_path', c.base_model_name);
  put('learning_rate', c.learning_rate);
  put('max_train_epochs', c.epochs);
  put('train_batch_size', c.batch_size);
  put('gradient_accumulation_steps', c.gradient_accumulation_steps);
  put('network_dim', c.lora_rank);
  put('network_alpha', c.lora_alpha);
  put('resolution', c.resolution);
  // CONSTANT, LINEAR, COSINE, COSINE_WITH_RESTARTS are sd-scripts' scheduler names in upper case.
  put('lr_scheduler', typeof c.learning_rate_scheduler === 'string' ? c.learning_rate_scheduler.toLowerCase() : c.learning_rate_scheduler);
  put('lr_warmup_steps', c.learning_rate_warmup_steps);
  put('optimizer_type', isObject(c.optimizer) ? c.optimizer.optimizer : c.optimizer);
  const dtype = str(c.train_dtype);
  put('mixed_precision', dtype && Object.hasOwn(PRECISION, dtype) ? PRECISION[dtype] : dtype);
  put('output_model_destination', c.output_model_destination);
  if (Array.isArray(c.concepts) && isObject(c.concepts[0])) put('dataset_path', c.concepts[0].path);
  return out;
}

export function readOneTrainer(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  const parsed = parseJson(source, text);
  if (!parsed.ok) return failedPlan(ONETRAINER_TOOL, parsed.problem);
  if (!isObject(parsed.value)) {
    const hint = Array.isArray(parsed.value) ? ' (a list is a concepts file: import the configuration that uses it)' : '';
    return failedPlan(ONETRAINER_TOOL, { path: source, message: `a OneTrainer configuration must hold an object of settings${hint}` });
  }
  if (!('training_method' in parsed.value) && !('model_type' in parsed.value) && !('base_model_name' in parsed.value)) {
    return failedPlan(ONETRAINER_TOOL, { path: source, message: 'not a OneTrainer configuration: it has no training_method, model_type or base_model_name' });
  }
  const plan = emptyPlan(ONETRAINER_TOOL);
  const config = redactWithNote(plan, source, parsed.value);

  const name = stem(source);
  // The file name is the configuration's name in OneTrainer's UI (presets start with "#").
  const styleId = chooseStyleId(plan, source, options, name, { text: name, why: '' });
  const createdAt = fallbackDate(plan, source, options);
  const parameters = flatParameters(config);
  const sourceKey = `${ONETRAINER_TOOL}:${styleId}:${name}:${shortHash(config)}`;

  plan.styles.push(makeStyle({ id: styleId, name, trainer: 'onetrainer', createdAt }));
  plan.versions.push(
    makeVersion({
      styleId,
      sourceKey,
      name,
      createdAt,
      source,
      parameters: toParameters(parameters),
      description: [str(config.training_method), str(config.model_type)].filter(Boolean).join(' · '),
      notes: `Imported from OneTrainer: ${source}`,
      imported: { oneTrainer: config },
    }),
  );
  return plan;
}

export const oneTrainerReader: ImportReader = { tool: ONETRAINER_TOOL, detect: detectOneTrainer, read: readOneTrainer };
