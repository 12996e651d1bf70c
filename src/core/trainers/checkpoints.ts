import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointInfo } from './types';

/**
 * Finding resumable checkpoints in a trainer's output folder. Only complete ones count: a kohya
 * state folder without its train_state.json, or a Hugging Face checkpoint without
 * trainer_state.json, is a save that was cut short and is ignored. A missing folder has none.
 */

async function entries(dir: string): Promise<import('node:fs').Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function readJsonObject(path: string): Promise<Record<string, unknown> | null> {
  try {
    const v: unknown = JSON.parse(await readFile(path, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function mtimeIso(path: string): Promise<string | null> {
  try {
    return (await stat(path)).mtime.toISOString();
  } catch {
    return null;
  }
}

const wholeOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
const numberOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/** Oldest first: by step (unknown first), then by time. The newest, highest step, is last. */
export function sortCheckpoints(list: CheckpointInfo[]): CheckpointInfo[] {
  return list.sort((a, b) => (a.step ?? -1) - (b.step ?? -1) || (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.path.localeCompare(b.path));
}

/**
 * kohya sd-scripts and the demo trainer: `*-state` folders holding `train_state.json`
 * `{ "current_epoch": E, "current_step": S }`.
 *
 * Note (kohya): after a `--resume`, sd-scripts counts its step (in folder names and in
 * train_state.json) from that attempt's start again; such a state's `step` is relative to its
 * attempt. The session's own record of checkpoints (ProgressTracker, absolute) is the better
 * source when it knows the folder.
 */
export async function findStateFolders(outputDir: string): Promise<CheckpointInfo[]> {
  const out: CheckpointInfo[] = [];
  for (const e of await entries(outputDir)) {
    if (!e.isDirectory() || !e.name.endsWith('-state')) continue;
    const path = join(outputDir, e.name);
    const stateFile = join(path, 'train_state.json');
    const state = await readJsonObject(stateFile);
    if (!state) continue;
    const step = wholeOrNull(state.current_step);
    if (step === null) continue;
    out.push({ path, step, epoch: wholeOrNull(state.current_epoch), kind: 'state', createdAt: await mtimeIso(stateFile) });
  }
  return sortCheckpoints(out);
}

const AITK_FILE = /^(.+)_(\d{9})\.safetensors$/;

/**
 * ai-toolkit: `<name>_{step:09d}.safetensors` in the training folder's job folder
 * (`<training_folder>/<name>/`) or the folder itself. ai-toolkit resumes from the newest one by
 * itself when run again.
 */
export async function findAiToolkitCheckpoints(outputDir: string): Promise<CheckpointInfo[]> {
  const out: CheckpointInfo[] = [];
  const scan = async (dir: string, depth: number) => {
    for (const e of await entries(dir)) {
      if (e.isDirectory() && depth > 0 && e.name !== 'samples') await scan(join(dir, e.name), depth - 1);
      else if (e.isFile()) {
        const m = AITK_FILE.exec(e.name);
        if (!m) continue;
        const path = join(dir, e.name);
        out.push({ path, step: Number(m[2]), epoch: null, kind: 'model', createdAt: await mtimeIso(path) });
      }
    }
  };
  await scan(outputDir, 1);
  return sortCheckpoints(out);
}

const HF_DIR = /^checkpoint-(\d+)$/;

/** Hugging Face Trainer: `checkpoint-N/` with trainer_state.json (`global_step`, `epoch`). */
export async function findHfCheckpoints(outputDir: string): Promise<CheckpointInfo[]> {
  const out: CheckpointInfo[] = [];
  for (const e of await entries(outputDir)) {
    const m = HF_DIR.exec(e.name);
    if (!m || !e.isDirectory()) continue;
    const path = join(outputDir, e.name);
    const stateFile = join(path, 'trainer_state.json');
    const state = await readJsonObject(stateFile);
    if (!state) continue;
    out.push({ path, step: wholeOrNull(state.global_step) ?? Number(m[1]), epoch: numberOrNull(state.epoch), kind: 'state', createdAt: await mtimeIso(stateFile) });
  }
  return sortCheckpoints(out);
}

/**
 * Entries of the output folder whose name matches `pattern` (first capture group: the step),
 * for command profiles that declare `checkpoints.pattern`.
 */
export async function findByPattern(outputDir: string, pattern: RegExp): Promise<CheckpointInfo[]> {
  const out: CheckpointInfo[] = [];
  for (const e of await entries(outputDir)) {
    if (e.name.length > 1000) continue;
    const m = pattern.exec(e.name);
    if (!m) continue;
    const path = join(outputDir, e.name);
    const stepText = m[1];
    const step = stepText !== undefined && /^\d+$/.test(stepText) ? Number(stepText) : null;
    out.push({ path, step, epoch: null, kind: e.isDirectory() ? 'state' : 'model', createdAt: await mtimeIso(path) });
  }
  return sortCheckpoints(out);
}
