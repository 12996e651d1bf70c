import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { FileProblem } from '../model';
import { MAX_JSON_BYTES } from '../model';
import { isoFromName } from './dates';

/**
 * Finding importable files under a folder by name and place (formats.md "where"). Read-only.
 *
 * A *strong* match is a file only that tool writes there (`ui_state.json`,
 * `training_versions.json`, `config_lora-*.toml` …): if it cannot be read, that is worth a
 * problem. A *weak* match (`config/*.yaml`, `*_YYYYMMDD-HHMMSS.json`) is only a candidate: if no
 * reader recognises it, it is skipped quietly, since many projects have such files.
 */

export type MatchStrength = 'strong' | 'weak';

export interface FoundFile {
  /** Relative to the root, `/`-separated. */
  path: string;
  strength: MatchStrength;
}

export interface ScanResult {
  /** Sorted by path. */
  files: FoundFile[];
  problems: FileProblem[];
}

/** Folders never worth descending into: tools' internals, environments, caches, VCS data. */
const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'venv', 'site-packages', 'dist-packages']);
/** Deep enough for `…/logs/training_arena/<session>/training_session_metadata/…` under any project. */
const MAX_DEPTH = 12;
/** A folder of a million dataset images should not hang an import. */
const MAX_ENTRIES = 200_000;

interface Listing {
  name: string;
  isDirectory: boolean;
}

/** Whether `rel` (with the names beside it) looks importable, and how surely. */
export function classify(rel: string, siblingNames: ReadonlySet<string>): MatchStrength | null {
  const parts = rel.split('/');
  const name = parts[parts.length - 1]!.toLowerCase();
  const parent = (parts[parts.length - 2] ?? '').toLowerCase();
  const grandparent = (parts[parts.length - 3] ?? '').toLowerCase();
  const under = (folder: string) => parts.slice(0, -1).some((p) => p.toLowerCase() === folder);

  if (name === 'ui_state.json' || name === 'training_versions.json') return 'strong';
  if (/^training_metadata_\d{8}_\d{6}\.json$/.test(name) && parent === 'training_sessions') return 'strong';
  if (name === 'training_metadata.json' && parent === 'training_session_metadata') return 'strong';
  if (name === 'train.sh' || name === 'train.bat') {
    // Beside a ui_state.json, the state reader reads the script itself (as a companion).
    if (siblingNames.has('ui_state.json')) return null;
    return grandparent === 'outputs' || siblingNames.has('dataset.toml') ? 'strong' : null;
  }
  if (/^config_lora-\d{8}-\d{6}\.toml$/.test(name)) return 'strong';
  if (name.endsWith('.json') && parts.some((p, i) => p.toLowerCase() === 'presets' && parts[i + 1]?.toLowerCase() === 'lora')) return 'strong';
  if (name.endsWith('.json') && (under('training_configs') || under('training_presets'))) return 'strong';
  if (/_\d{8}-\d{6}\.json$/.test(name)) return pairedWithToml(name, siblingNames) ? null : 'weak';
  if (parent === 'config' && /\.(ya?ml|json)$/.test(name)) return 'weak';
  return null;
}

/**
 * kohya_ss saves two files per run: the GUI form `<name>_<stamp>.json` and the sd-scripts
 * `config_lora-<stamp>.toml`, a second or two apart. Reading both would make two versions of
 * one run; the TOML (what actually ran) is kept.
 */
function pairedWithToml(jsonName: string, siblingNames: ReadonlySet<string>): boolean {
  const at = isoFromName(jsonName);
  if (!at) return false;
  for (const n of siblingNames) {
    if (!/^config_lora-\d{8}-\d{6}\.toml$/.test(n)) continue;
    const other = isoFromName(n);
    if (other && Math.abs(Date.parse(other) - Date.parse(at)) <= 10_000) return true;
  }
  return false;
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(`..${sep}`) && !/^[a-zA-Z]:/.test(rel) && !rel.startsWith(sep));
}

/** Walks `root` (a folder) for importable files. Never throws: unreadable places become problems. */
export async function scanImportFiles(root: string): Promise<ScanResult> {
  const files: FoundFile[] = [];
  const problems: FileProblem[] = [];
  let rootReal: string;
  try {
    rootReal = await realpath(root);
    if (!(await stat(rootReal)).isDirectory()) return { files, problems: [{ path: '', message: 'not a folder' }] };
  } catch (e) {
    return { files, problems: [{ path: '', message: `cannot open the folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }] };
  }
  const visited = new Set<string>([rootReal]);
  let entries = 0;

  async function listing(dirAbs: string, rel: string): Promise<Listing[] | null> {
    try {
      const dirents = await readdir(dirAbs, { withFileTypes: true });
      const out: Listing[] = [];
      for (const d of dirents) {
        let isDirectory = d.isDirectory();
        if (d.isSymbolicLink()) {
          // Follow a link only where it stays inside the root (no escaping, no cycles later).
          try {
            const target = await realpath(join(dirAbs, d.name));
            if (!inside(rootReal, target)) continue;
            isDirectory = (await stat(target)).isDirectory();
          } catch {
            continue;
          }
        } else if (!d.isFile() && !isDirectory) continue;
        out.push({ name: d.name, isDirectory });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      problems.push({ path: rel, message: `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      return null;
    }
  }

  async function walk(dirAbs: string, rel: string, depth: number): Promise<void> {
    const list = await listing(dirAbs, rel);
    if (!list) return;
    const names = new Set(list.map((e) => e.name.toLowerCase()));
    for (const e of list) {
      if (++entries > MAX_ENTRIES) {
        if (entries === MAX_ENTRIES + 1) problems.push({ path: rel, message: `stopped looking after ${MAX_ENTRIES} entries; import a smaller folder` });
        return;
      }
      const abs = join(dirAbs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) {
        if (e.name.startsWith('.') || SKIP_DIRS.has(e.name) || depth >= MAX_DEPTH) continue;
        let real: string;
        try {
          real = await realpath(abs);
        } catch {
          continue;
        }
        if (visited.has(real)) continue;
        visited.add(real);
        await walk(abs, childRel, depth + 1);
        continue;
      }
      const strength = classify(childRel, names);
      if (!strength) continue;
      try {
        const size = (await stat(abs)).size;
        if (size > MAX_JSON_BYTES) {
          if (strength === 'strong') problems.push({ path: childRel, message: `larger than ${MAX_JSON_BYTES / 1024 / 1024} MB; skipped` });
          continue;
        }
      } catch (err) {
        problems.push({ path: childRel, message: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
      files.push({ path: childRel, strength });
    }
  }

  await walk(rootReal, '', 0);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}

/**
 * The importable files under `root`, relative to it, `/`-separated, sorted. Skips
 * node_modules, VCS and hidden folders, files over 16 MB and symlinks that leave the root.
 */
export async function collectImportFiles(root: string): Promise<string[]> {
  return (await scanImportFiles(root)).files.map((f) => f.path);
}

/** lstat without throwing, for callers that want to know what a path is. */
export async function pathKind(path: string): Promise<'file' | 'directory' | 'missing' | 'other'> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    try {
      await lstat(path);
      return 'other'; // a dangling link
    } catch {
      return 'missing';
    }
  }
}
