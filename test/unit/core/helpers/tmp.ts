import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkspaceStore } from '../../../../src/core/store';

/** A fresh workspace folder per test; removed afterwards. */
export function tempWorkspace(): { dir: string; root: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-test-'));
  return { dir, root: join(dir, 'trainlab'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function newStore(root: string, now?: () => Date): Promise<WorkspaceStore> {
  const store = new WorkspaceStore(root, now ? { now } : {});
  await store.init();
  await store.load();
  return store;
}

/** A clock that advances one second per call, so "newest first" is deterministic. */
export function steppingClock(start = Date.parse('2026-01-01T00:00:00Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}
