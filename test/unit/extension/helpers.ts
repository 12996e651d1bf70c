import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkspaceStore } from '../../../src/core/store';

export const REPO = resolve(__dirname, '..', '..', '..');
export const FIXTURE_ROOT = join(REPO, 'test', 'fixtures', 'workspace', 'trainlab');

/** The fixture store, loaded read-only from the repository. */
export async function loadFixture(): Promise<WorkspaceStore> {
  const store = new WorkspaceStore(FIXTURE_ROOT);
  await store.load();
  return store;
}

/** A writable copy of the fixture workspace; `cleanup` removes it. */
export async function copyFixture(): Promise<{ store: WorkspaceStore; root: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-ext-unit-'));
  const root = join(dir, 'trainlab');
  cpSync(FIXTURE_ROOT, root, { recursive: true });
  const store = new WorkspaceStore(root);
  await store.load();
  return { store, root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An in-memory Memento (vscode.Memento's shape). */
export class MemoryMemento {
  private readonly map = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.map.keys()];
  }
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.map.delete(key);
    else this.map.set(key, value);
    return Promise.resolve();
  }
}
