import { promises as fsp } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export const DEFAULT_ROOT_NAME = 'trainlab';

/**
 * Finds the `trainlab/` root for a workspace folder: the configured name (setting
 * `trainlab.root`, relative to the folder or absolute), else `trainlab/` in the folder, else —
 * for the CLI run from a subfolder — in the nearest parent that has one.
 */
export async function findRoot(workspace: string, configured?: string, searchParents = false): Promise<string | undefined> {
  const candidate = configured ? (isAbsolute(configured) ? configured : resolve(workspace, configured)) : join(workspace, DEFAULT_ROOT_NAME);
  if (await isDir(candidate)) return candidate;
  if (!searchParents || configured) return undefined;
  let dir = resolve(workspace);
  for (;;) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
    if (await isDir(join(dir, DEFAULT_ROOT_NAME, 'styles'))) return join(dir, DEFAULT_ROOT_NAME);
  }
}

/** Where the root goes for a workspace folder when it is created. */
export function defaultRoot(workspace: string, configured?: string): string {
  return configured ? (isAbsolute(configured) ? configured : resolve(workspace, configured)) : join(workspace, DEFAULT_ROOT_NAME);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}
