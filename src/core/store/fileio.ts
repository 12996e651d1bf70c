import { constants, lstatSync, promises as fsp, readFileSync, realpathSync, type Stats } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { MAX_JSON_BYTES } from '../model/parse';

/**
 * Low-level file access for the store: bounded, symlink-safe reads; atomic writes; locks.
 */

export type ReadOutcome =
  | { ok: true; text: string }
  | { ok: false; missing: true }
  | { ok: false; missing: false; message: string };

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/**
 * Reads a JSON file of the workspace. Refuses files over the size limit without reading them,
 * and symlinks that lead out of the root (a workspace must not make us read, or later write,
 * files elsewhere). O_NOFOLLOW keeps the common case at one open() and no extra lstat.
 */
export async function readWorkspaceFile(root: string, path: string, realRoot: string): Promise<ReadOutcome> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, missing: true };
    if (code === 'ELOOP' || code === 'EMLINK') return readSymlinked(root, path, realRoot);
    if (code === 'EISDIR') return { ok: false, missing: false, message: 'expected a file but found a folder' };
    return { ok: false, missing: false, message: `cannot be read (${code ?? String(e)})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { ok: false, missing: false, message: 'is not a regular file' };
    if (stat.size > MAX_JSON_BYTES) {
      return { ok: false, missing: false, message: `is ${(stat.size / 1048576).toFixed(1)} MB, over the ${MAX_JSON_BYTES / 1048576} MB limit for a Trainlab file` };
    }
    return { ok: true, text: await handle.readFile({ encoding: 'utf8' }) };
  } catch (e) {
    return { ok: false, missing: false, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The same as readWorkspaceFile, synchronously. A full load reads thousands of small files;
 * synchronous reads are several times faster there (no thread-pool round trip per call), and
 * the store yields to the event loop between slices so nothing waits long.
 */
export function readWorkspaceFileSync(root: string, path: string, realRoot: string): ReadOutcome {
  // lstat answers "missing" without an exception (exceptions dominate when many files are
  // absent), tells a symlink apart, and gives the size before anything is read.
  let st: Stats | undefined;
  try {
    st = lstatSync(path, { throwIfNoEntry: false });
  } catch (e) {
    return { ok: false, missing: false, message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` };
  }
  if (!st) return { ok: false, missing: true };
  if (st.isSymbolicLink()) {
    let target: string;
    try {
      target = realpathSync(path);
    } catch {
      return { ok: false, missing: false, message: 'is a broken symbolic link' };
    }
    if (!isInside(realRoot, target)) return { ok: false, missing: false, message: 'is a symbolic link that points outside the trainlab folder; it is not read' };
    return readWorkspaceFileSync(root, target, realRoot);
  }
  if (st.isDirectory()) return { ok: false, missing: false, message: 'expected a file but found a folder' };
  if (!st.isFile()) return { ok: false, missing: false, message: 'is not a regular file' };
  if (st.size > MAX_JSON_BYTES) {
    return { ok: false, missing: false, message: `is ${(st.size / 1048576).toFixed(1)} MB, over the ${MAX_JSON_BYTES / 1048576} MB limit for a Trainlab file` };
  }
  try {
    // O_NOFOLLOW: a file swapped for a symlink since the lstat is refused, not followed.
    // (Node takes numeric flags here; its typings only say string.)
    const flag = (constants.O_RDONLY | constants.O_NOFOLLOW) as unknown as string;
    return { ok: true, text: readFileSync(path, { encoding: 'utf8', flag }) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true };
    return { ok: false, missing: false, message: `cannot be read (${code ?? String(e)})` };
  }
}

async function readSymlinked(root: string, path: string, realRoot: string): Promise<ReadOutcome> {
  let target: string;
  try {
    target = await fsp.realpath(path);
  } catch {
    return { ok: false, missing: false, message: 'is a broken symbolic link' };
  }
  if (!isInside(realRoot, target)) return { ok: false, missing: false, message: 'is a symbolic link that points outside the trainlab folder; it is not read' };
  return readWorkspaceFile(root, target, realRoot);
}

/** A directory entry that is a symlink is followed only when it stays inside the root. */
export async function symlinkStaysInside(path: string, realRoot: string): Promise<boolean> {
  try {
    return isInside(realRoot, await fsp.realpath(path));
  } catch {
    return false;
  }
}

export function resolveInside(realRoot: string, path: string): boolean {
  return isInside(realRoot, resolve(path));
}

/** Temporary file, fsync, rename: a reader sees the old or the new content, never half. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<string> {
  const text = JSON.stringify(value, null, 2) + '\n';
  await fsp.mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, text, { encoding: 'utf8', fsync: true });
  return text;
}

const LOCK_OPTIONS = {
  realpath: false,
  // A crashed holder's lock is taken over after `stale` ms; the holder refreshes it meanwhile.
  stale: 10_000,
  update: 2_000,
  retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
} as const;

/**
 * Runs fn while holding the lock of `path` (a `<path>.lock` folder, which works across
 * processes and machines sharing a folder). Used for every read-modify-write of a shared file.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, staleMs: number = LOCK_OPTIONS.stale): Promise<T> {
  await fsp.mkdir(dirname(path), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, { ...LOCK_OPTIONS, stale: Math.max(2000, staleMs), update: Math.max(1000, Math.floor(staleMs / 2)) });
  } catch (e) {
    throw new Error(`could not lock ${path}: ${(e as Error).message}`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
