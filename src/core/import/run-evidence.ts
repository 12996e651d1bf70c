import type { Checkpoint, Progress, SessionStatus } from '../model';
import type { FolderEntry } from './types';
import { count, joinPath, type JsonObject } from './values';

/**
 * What an sd-scripts output folder says about a run (trainer-output.md): resumable state
 * folders `{name}-{epoch}-state`, `{name}-step{step}-state`, `{name}-state`, intermediate
 * models `{name}-{epoch}.safetensors` / `{name}-step{step}.safetensors`, and the final
 * `{name}.safetensors`. FluxGym writes the same (its example shows an unpadded `my-cat-lora-4-state`).
 */

export interface RunEvidence {
  /** Resumable state folders, oldest first. */
  checkpoints: Checkpoint[];
  /** The final model, if the run got that far. */
  finalModel: string | null;
  /** Epoch/step models saved along the way. */
  intermediateModels: string[];
  lastEpoch: number | null;
  lastStep: number | null;
  /** A `sample/` folder beside the outputs. */
  samplesDir: string | null;
}

const MODEL_EXT = /\.(safetensors|ckpt|pt)$/i;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Epoch and step from the part between `{name}-` and the suffix: `000004`, `4`, `step00000400`. */
function position(tag: string | undefined): { epoch: number | null; step: number | null } {
  if (!tag) return { epoch: null, step: null };
  const step = /^step(\d+)$/.exec(tag);
  if (step) return { epoch: null, step: Number(step[1]) };
  return /^\d+$/.test(tag) ? { epoch: Number(tag), step: null } : { epoch: null, step: null };
}

/**
 * Reads the folder listing of `dir` (the folder of the file being imported). `outputName`
 * narrows matches to that run; without it any `*-state` folder counts. Null when the caller
 * gave no listing: then nothing can be said.
 */
export function runEvidence(dir: string, outputName: string | undefined, siblings: readonly FolderEntry[] | undefined): RunEvidence | null {
  if (!siblings) return null;
  const name = outputName ? escape(outputName) : '(?:.+?)';
  const stateRe = new RegExp(`^${name}(?:-(step\\d+|\\d+))?-state$`);
  const modelRe = new RegExp(`^${name}(?:-(step\\d+|\\d+))?\\.(safetensors|ckpt|pt)$`, 'i');

  const states: { path: string; epoch: number | null; step: number | null; last: boolean }[] = [];
  const intermediate: string[] = [];
  let finalModel: string | null = null;
  let samplesDir: string | null = null;

  for (const e of siblings) {
    if (e.isDirectory) {
      const m = stateRe.exec(e.name);
      if (m) states.push({ path: joinPath(dir, e.name), ...position(m[1]), last: m[1] === undefined });
      else if (e.name === 'sample' || e.name === 'samples') samplesDir = joinPath(dir, e.name);
      continue;
    }
    if (!MODEL_EXT.test(e.name)) continue;
    const m = modelRe.exec(e.name);
    if (!m) continue;
    if (m[1] === undefined) finalModel ??= joinPath(dir, e.name);
    else intermediate.push(joinPath(dir, e.name));
  }

  // Oldest first; the bare `{name}-state` ("saving last state") is the newest of all.
  const rank = (s: (typeof states)[number]) => (s.last ? Number.MAX_SAFE_INTEGER : (s.step ?? s.epoch ?? 0));
  states.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  const epochs = states.map((s) => s.epoch).filter((n): n is number => n !== null);
  const steps = states.map((s) => s.step).filter((n): n is number => n !== null);

  return {
    checkpoints: states.map((s) => ({ path: s.path, step: s.step, createdAt: null, kind: 'state', epoch: s.epoch })),
    finalModel,
    intermediateModels: intermediate.sort(),
    lastEpoch: epochs.length ? Math.max(...epochs) : null,
    lastStep: steps.length ? Math.max(...steps) : null,
    samplesDir,
  };
}

/** Completed when the final model is there; interrupted when only checkpoints are; else nothing known. */
export function statusFromEvidence(e: RunEvidence | null): 'completed' | 'interrupted' | null {
  if (!e) return null;
  if (e.finalModel) return 'completed';
  if (e.checkpoints.length || e.intermediateModels.length) return 'interrupted';
  return null;
}

/**
 * How far a run got, from its folder and its sd-scripts arguments (`max_train_epochs`,
 * `max_train_steps`); null without a folder listing, or when neither says anything of epochs.
 */
export function progressFromEvidence(evidence: RunEvidence | null, parameters: JsonObject, status: SessionStatus, updatedAt: string): Progress | null {
  const epochs = count(parameters.max_train_epochs) ?? null;
  if (!evidence || (epochs === null && evidence.lastEpoch === null)) return null;
  return {
    step: evidence.lastStep ?? 0,
    totalSteps: count(parameters.max_train_steps) ?? null,
    epoch: status === 'completed' ? (epochs ?? evidence.lastEpoch) : evidence.lastEpoch,
    totalEpochs: epochs,
    loss: null,
    etaSeconds: null,
    updatedAt,
  };
}
