import type { Progress } from '../model';
import { compactUtc, toIso } from './dates';
import { parseJson } from './parse-text';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeRunSession, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import { runEvidence } from './run-evidence';
import { datasetTomlInfo, fitKohyaTypes, scriptParameters } from './sd-scripts';
import { parseLaunchScript } from './shell-args';
import { mapStatus, sessionStatusOf } from './status-map';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { assignKeys, baseName, count, dirName, isObject, numberish, parentName, setKey, shortHash, str, toParameters, type JsonObject } from './values';

/**
 * FluxGym, state-persistence fork: `outputs/<lora>/ui_state.json` (seed 001), written when
 * training starts, beside `train.sh`, `dataset.toml`, `*-state/` checkpoints and the final
 * `<name>.safetensors`.
 */

export const FLUXGYM_TOOL = 'fluxgym';

/** UI fields that are sd-scripts arguments under another (or the same) name. */
const PARAMS: Record<string, string> = {
  num_repeats: 'num_repeats',
  max_train_epochs: 'max_train_epochs',
  learning_rate: 'learning_rate',
  network_dim: 'network_dim',
  seed: 'seed',
  workers: 'max_data_loader_n_workers',
  save_every_n_epochs: 'save_every_n_epochs',
  guidance_scale: 'guidance_scale',
  timestep_sampling: 'timestep_sampling',
  resolution: 'resolution',
  sample_every_n_steps: 'sample_every_n_steps',
};

export function detectFluxgymState(path: string, text: string): boolean {
  if (baseName(path).toLowerCase() === 'ui_state.json') return true;
  const parsed = parseJson(path, text);
  return parsed.ok && isObject(parsed.value) && typeof parsed.value.lora_name === 'string' && ('concept_sentence' in parsed.value || 'vram' in parsed.value || 'timestamp' in parsed.value);
}

/** The FluxGym launch script beside the state file, if the caller read it. */
function companionLaunch(options: ReadOptions | undefined) {
  const sh = options?.companions?.['train.sh'];
  if (sh !== undefined) return parseLaunchScript(sh, false);
  const bat = options?.companions?.['train.bat'];
  return bat !== undefined ? parseLaunchScript(bat, true) : null;
}

export function readFluxgymState(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  const parsed = parseJson(source, text);
  if (!parsed.ok) return failedPlan(FLUXGYM_TOOL, parsed.problem);
  if (!isObject(parsed.value)) return failedPlan(FLUXGYM_TOOL, { path: source, message: 'a FluxGym ui_state.json must hold a JSON object' });
  const plan = emptyPlan(FLUXGYM_TOOL);
  const raw = redactWithNote(plan, source, parsed.value);

  const loraName = str(raw.lora_name);
  const styleId = chooseStyleId(plan, source, options, loraName, { text: parentName(source), why: 'the file names no LoRA (lora_name)' });
  const createdAt = toIso(raw.timestamp) ?? fallbackDate(plan, source, options);
  const dataset = datasetTomlInfo(options.companions?.['dataset.toml']);
  const trigger = str(raw.concept_sentence) ?? dataset?.classTokens ?? '';

  // UI fields → sd-scripts names; everything else is FluxGym's own and is kept aside.
  const parameters: JsonObject = {};
  const imported: JsonObject = {};
  for (const [k, v] of Object.entries(raw)) {
    const to = Object.hasOwn(PARAMS, k) ? PARAMS[k] : undefined;
    if (to && v !== null && v !== '') setKey(parameters, to, numberish(v));
    else setKey(imported, k, v);
  }
  if (trigger) parameters.class_tokens = trigger;
  if (dataset?.numRepeats !== undefined && parameters.num_repeats === undefined) parameters.num_repeats = dataset.numRepeats;

  // What actually ran: the generated script's arguments complete (and win over) the UI values.
  const launch = companionLaunch(options);
  if (launch) {
    const script = scriptParameters(launch);
    assignKeys(parameters, script.parameters);
    imported.launch = script.imported;
  }

  fitKohyaTypes(parameters);

  // Status: the state file is written at start and rarely updated, so the folder is the better witness.
  // One LoRA per FluxGym output folder: without the script's --output_name any run files there count.
  const evidence = runEvidence(dirName(source), str(parameters.output_name), options.siblings);
  const said = mapStatus(raw.status);
  let status = sessionStatusOf(said.status);
  if (evidence?.finalModel) status = 'completed';
  if (!said.recognised && raw.status !== undefined && !evidence?.finalModel) {
    plan.notes.push({ path: source, message: `unknown FluxGym status ${JSON.stringify(raw.status)}; imported as "unknown"` });
  }
  if ((status === 'running' || status === 'pending') && !evidence?.finalModel) {
    plan.notes.push({ path: source, message: `FluxGym last said "${String(raw.status)}"; Trainlab cannot see that process, so check whether it still runs` });
  }

  const sourceKey = `${FLUXGYM_TOOL}:${styleId}:${raw.timestamp !== undefined ? String(raw.timestamp) : shortHash({ ...raw, status: null })}`;
  const totalEpochs = count(parameters.max_train_epochs) ?? null;
  const progress: Progress | null =
    totalEpochs !== null || evidence?.lastEpoch != null
      ? {
          step: evidence?.lastStep ?? 0,
          totalSteps: null,
          epoch: status === 'completed' ? totalEpochs : (evidence?.lastEpoch ?? null),
          totalEpochs,
          loss: null,
          etaSeconds: null,
          updatedAt: createdAt,
        }
      : null;

  plan.styles.push(makeStyle({ id: styleId, name: loraName ?? styleId, triggerToken: trigger, trainer: 'kohya', createdAt }));
  const version = makeVersion({
    styleId,
    sourceKey,
    name: `fluxgym-${compactUtc(createdAt)}`,
    createdAt,
    source,
    parameters: toParameters(parameters),
    status,
    modelUrl: evidence?.finalModel ?? null,
    notes: `Imported from FluxGym: ${source}`,
    imported,
  });
  plan.versions.push(version);
  plan.sessions.push(
    makeRunSession(version, {
      status,
      trainer: 'kohya',
      parameters: toParameters(parameters),
      backend: { type: 'local', command: launch?.argv ?? [] },
      dataset: { id: null, path: dataset?.imageDir ?? null, imageCount: null },
      attempts: [{ startedAt: createdAt, endedAt: null, exitCode: null, signal: null, resumedFrom: str(raw.resume_from_checkpoint) ?? null, startStep: 0 }],
      progress,
      checkpoints: evidence?.checkpoints ?? [],
      outputs: { model: evidence?.finalModel ?? null, samples: [] },
      imported: {
        fluxgymStatus: raw.status ?? null,
        ...(evidence?.intermediateModels.length ? { intermediateModels: evidence.intermediateModels } : {}),
        ...(evidence?.samplesDir ? { samplesDir: evidence.samplesDir } : {}),
      },
    }),
  );
  return plan;
}

export const fluxgymStateReader: ImportReader = { tool: FLUXGYM_TOOL, detect: detectFluxgymState, read: readFluxgymState };
