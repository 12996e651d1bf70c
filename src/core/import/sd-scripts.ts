import type { LaunchCommand } from './shell-args';
import { parseArgs } from './shell-args';
import { parseToml } from './parse-text';
import { baseName, count, isObject, setKey, str, type JsonObject } from './values';

/**
 * Pieces shared by the readers of kohya sd-scripts runs (FluxGym, kohya_ss): what a launch
 * command and a `dataset.toml` say, in the kohya trainer's parameter names (which are
 * sd-scripts' own argument names, see src/core/trainers/kohya.ts).
 */

/** The kohya trainer's `script` parameter values. */
const SCRIPTS = new Set(['train_network', 'sdxl_train_network', 'flux_train_network']);

export interface ScriptParameters {
  parameters: JsonObject;
  /** The launcher (accelerate) arguments and anything else that is not a script argument. */
  imported: JsonObject;
}

/** A launch command's script arguments are already sd-scripts names: they go over unchanged. */
export function scriptParameters(cmd: LaunchCommand): ScriptParameters {
  const parameters: JsonObject = {};
  for (const [k, v] of Object.entries(cmd.args)) setKey(parameters, k, v);
  const script = baseName(cmd.script).replace(/\.py$/i, '');
  if (SCRIPTS.has(script)) parameters.script = script;

  const imported: JsonObject = { script: cmd.script };
  // `accelerate launch --num_processes 2 …`: its own options, not the trainer's.
  const launchAt = cmd.launcher.indexOf('launch');
  if (cmd.launcher.length) imported.launcher = cmd.launcher;
  if (launchAt >= 0) imported.launcherArgs = parseArgs(cmd.launcher.slice(launchAt + 1)).args;
  if (cmd.positional.length) imported.positional = cmd.positional;
  return { parameters, imported };
}

/**
 * Lossless reshaping of values into the types the kohya profile declares (trainers/kohya.ts):
 * `resolution` is text ("512", "1024,768"), and a one-element `text_encoder_lr` list (the GUI
 * writes one per text encoder) is that number. sd-scripts reads both forms the same way.
 */
export function fitKohyaTypes(parameters: JsonObject): JsonObject {
  const r = parameters.resolution;
  if (typeof r === 'number') parameters.resolution = String(r);
  else if (Array.isArray(r) && r.length > 0 && r.length <= 2 && r.every((n) => typeof n === 'number')) parameters.resolution = r.join(',');
  const te = parameters.text_encoder_lr;
  if (Array.isArray(te) && te.length === 1 && typeof te[0] === 'number') parameters.text_encoder_lr = te[0];
  return parameters;
}

export interface DatasetInfo {
  classTokens?: string;
  numRepeats?: number;
  resolution?: unknown;
  imageDir?: string;
  batchSize?: number;
}

/**
 * The first subset of a kohya `dataset.toml` (`[[datasets]]` / `[[datasets.subsets]]`), which is
 * where FluxGym puts the trigger (`class_tokens`) and repeats. Undefined when it is not one.
 */
export function datasetTomlInfo(text: string | undefined): DatasetInfo | undefined {
  if (text === undefined) return undefined;
  const parsed = parseToml('dataset.toml', text);
  if (!parsed.ok) return undefined;
  const datasets = parsed.value.datasets;
  const first = Array.isArray(datasets) && isObject(datasets[0]) ? datasets[0] : undefined;
  if (!first) return undefined;
  const subsets = first.subsets;
  const sub = Array.isArray(subsets) && isObject(subsets[0]) ? subsets[0] : {};
  return {
    classTokens: str(sub.class_tokens),
    numRepeats: count(sub.num_repeats),
    resolution: first.resolution,
    imageDir: str(sub.image_dir),
    batchSize: count(first.batch_size),
  };
}
