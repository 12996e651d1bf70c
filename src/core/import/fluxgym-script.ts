import { parseLaunchScript } from './shell-args';
import { chooseStyleId, emptyPlan, failedPlan, fallbackDate, makeRunSession, makeStyle, makeVersion, redactWithNote, sourcePath } from './plan';
import { progressFromEvidence, runEvidence, statusFromEvidence } from './run-evidence';
import { datasetTomlInfo, fitKohyaTypes, scriptParameters } from './sd-scripts';
import type { ImportPlan, ImportReader, ReadOptions } from './types';
import { baseName, dirName, parentName, shortHash, stem, str, toParameters } from './values';

/**
 * FluxGym upstream: `outputs/<name>/train.sh` (or `train.bat` on Windows), a generated
 * `accelerate launch … flux_train_network.py --arg value …` script. Also reads any launch script
 * of sd-scripts (`train_network.py`, `sdxl_train_network.py`) written the same way.
 */

export const FLUXGYM_SCRIPT_TOOL = 'fluxgym-script';

const isBat = (path: string) => /\.(bat|cmd)$/i.test(path);

export function detectFluxgymScript(path: string, text: string): boolean {
  const name = baseName(path).toLowerCase();
  if (name === 'train.sh' || name === 'train.bat') return true;
  return /\.(sh|bat|cmd)$/i.test(name) && /\b\w*train_network\.py\b/.test(text);
}

export function readFluxgymScript(path: string, text: string, options: ReadOptions = {}): ImportPlan {
  const source = sourcePath(path);
  if (text.trim() === '') return failedPlan(FLUXGYM_SCRIPT_TOOL, { path: source, message: 'the file is empty' });
  const launch = parseLaunchScript(text, isBat(source));
  if (!launch) {
    return failedPlan(FLUXGYM_SCRIPT_TOOL, { path: source, message: 'no training command found (expected a line running a *train*.py script, e.g. flux_train_network.py)' });
  }
  const plan = emptyPlan(FLUXGYM_SCRIPT_TOOL);
  const script = scriptParameters(launch);
  const parameters = redactWithNote(plan, source, script.parameters);

  const outputName = str(parameters.output_name);
  const styleId = chooseStyleId(plan, source, options, outputName, { text: parentName(source), why: 'the script has no --output_name' });
  const dataset = datasetTomlInfo(options.companions?.['dataset.toml']);
  if (dataset?.classTokens && parameters.class_tokens === undefined) parameters.class_tokens = dataset.classTokens;
  if (dataset?.numRepeats !== undefined && parameters.num_repeats === undefined) parameters.num_repeats = dataset.numRepeats;
  fitKohyaTypes(parameters);
  const createdAt = fallbackDate(plan, source, options);

  // A script holds no identity or date of its own: the same arguments are the same version.
  const sourceKey = `${FLUXGYM_SCRIPT_TOOL}:${styleId}:${stem(source)}:${shortHash(parameters)}`;
  plan.styles.push(makeStyle({ id: styleId, name: outputName ?? styleId, triggerToken: dataset?.classTokens ?? '', trainer: 'kohya', createdAt }));

  // The script is written when training starts; whether it ran to the end only the folder can tell.
  const evidence = runEvidence(dirName(source), outputName, options.siblings);
  const status = statusFromEvidence(evidence);
  const version = makeVersion({
    styleId,
    sourceKey,
    name: `${stem(source)}-${sourceKey.slice(-6)}`,
    createdAt,
    source,
    parameters: toParameters(parameters),
    status: status ?? 'draft',
    modelUrl: evidence?.finalModel ?? null,
    notes: `Imported from a FluxGym launch script: ${source}`,
    imported: script.imported,
  });
  plan.versions.push(version);
  if (status) {
    plan.sessions.push(
      makeRunSession(version, {
        status,
        trainer: 'kohya',
        parameters: toParameters(parameters),
        backend: { type: 'local', command: launch.argv },
        dataset: { id: null, path: dataset?.imageDir ?? null, imageCount: null },
        checkpoints: evidence?.checkpoints ?? [],
        outputs: { model: evidence?.finalModel ?? null, samples: [] },
        progress: progressFromEvidence(evidence, parameters, status, createdAt),
        imported: evidence?.intermediateModels.length ? { intermediateModels: evidence.intermediateModels } : {},
      }),
    );
  }
  return plan;
}

export const fluxgymScriptReader: ImportReader = { tool: FLUXGYM_SCRIPT_TOOL, detect: detectFluxgymScript, read: readFluxgymScript };
