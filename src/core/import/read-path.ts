import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MAX_JSON_BYTES } from '../model';
import { pathKind, scanImportFiles, type MatchStrength } from './collect';
import { detectAndRead, detectReader } from './detect';
import { failedPlan, mergePlans } from './plan';
import type { FolderEntry, ImportPlan, ReadOptions } from './types';

/**
 * `trainlab import PATH`: reads a file or every importable file under a folder into one plan.
 * Reads only; never writes. Gives each reader what it cannot get from the text alone: the
 * folder listing beside the file (checkpoints, final models), small companion files
 * (`train.sh`, `dataset.toml`) and the file's modification time.
 */

export type ImportPathOptions = Pick<ReadOptions, 'styleId' | 'runpodEndpointId'>;

/** Companions worth reading beside a file, and how large they may be. */
const COMPANIONS = ['train.sh', 'train.bat', 'dataset.toml'];
const MAX_COMPANION_BYTES = 1024 * 1024;

async function folderContext(dirAbs: string): Promise<{ siblings: FolderEntry[]; companions: Record<string, string> }> {
  const siblings: FolderEntry[] = [];
  const companions: Record<string, string> = {};
  try {
    for (const d of await readdir(dirAbs, { withFileTypes: true })) {
      let isDirectory = d.isDirectory();
      if (d.isSymbolicLink()) isDirectory = (await pathKind(join(dirAbs, d.name))) === 'directory';
      siblings.push({ name: d.name, isDirectory });
    }
  } catch {
    return { siblings, companions };
  }
  siblings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const name of COMPANIONS) {
    if (!siblings.some((s) => s.name === name && !s.isDirectory)) continue;
    try {
      const file = join(dirAbs, name);
      if ((await stat(file)).size <= MAX_COMPANION_BYTES) companions[name] = await readFile(file, 'utf8');
    } catch {
      // A companion that cannot be read only means less detail.
    }
  }
  return { siblings, companions };
}

async function readOne(abs: string, rel: string, strength: MatchStrength, options: ImportPathOptions, contexts: Map<string, ReturnType<typeof folderContext>>): Promise<ImportPlan | null> {
  let text: string;
  let modifiedAt: string;
  try {
    const s = await stat(abs);
    if (s.size > MAX_JSON_BYTES) return failedPlan('unknown', { path: rel, message: `larger than ${MAX_JSON_BYTES / 1024 / 1024} MB; skipped` });
    modifiedAt = s.mtime.toISOString();
    text = await readFile(abs, 'utf8');
  } catch (e) {
    return failedPlan('unknown', { path: rel, message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
  }
  // A weak candidate that no reader recognises is someone else's file: skip it without a word.
  if (strength === 'weak' && !detectReader(rel, text)) return null;
  const dir = dirname(abs);
  let context = contexts.get(dir);
  if (!context) contexts.set(dir, (context = folderContext(dir)));
  const { siblings, companions } = await context;
  return detectAndRead(rel, text, { ...options, siblings, companions, modifiedAt });
}

/**
 * Reads `target` (a file or a folder) into one merged plan. Never throws.
 * Source paths are relative to the folder imported; for a single file, to its grandparent, so
 * the file's own folder name (which some formats use as the style) stays in the path.
 */
export async function readImportPath(target: string, options: ImportPathOptions = {}): Promise<ImportPlan> {
  const kind = await pathKind(target);
  const contexts = new Map<string, ReturnType<typeof folderContext>>();
  if (kind === 'file') {
    const parent = dirname(target);
    const rel = `${basename(parent)}/${basename(target)}`.replace(/^\/+/, '');
    const plan = (await readOne(target, rel, 'strong', options, contexts)) ?? failedPlan('unknown', { path: rel, message: 'not a file Trainlab can import' });
    return { ...plan, root: resolve(parent, '..') };
  }
  if (kind !== 'directory') return failedPlan('unknown', { path: basename(target), message: kind === 'missing' ? 'no such file or folder' : 'neither a file nor a folder' });

  const scan = await scanImportFiles(target);
  const plans: ImportPlan[] = [];
  for (const f of scan.files) {
    const plan = await readOne(join(target, ...f.path.split('/')), f.path, f.strength, options, contexts);
    if (plan) plans.push(plan);
  }
  const merged = mergePlans(plans);
  merged.problems.unshift(...scan.problems);
  // "unknown" only names files no reader took; it is not a tool the plan came from.
  merged.tool = merged.tool.split(',').filter((t) => t && t !== 'unknown').join(',') || 'unknown';
  merged.root = resolve(target);
  return merged;
}
