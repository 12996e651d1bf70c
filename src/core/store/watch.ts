import { watch, type FSWatcher } from 'chokidar';
import type { Disposable } from './events';
import { isIgnoredPath } from './layout';
import type { WorkspaceStore } from './store';

export interface WatchOptions {
  /** Quiet time before a batch is applied; a burst of writes becomes one batch. */
  debounceMs?: number;
  /** Upper bound on how long a busy stream of changes can delay a batch. */
  maxWaitMs?: number;
  /** chokidar polling, for file systems without native events (network shares). */
  usePolling?: boolean;
  onError?: (error: unknown) => void;
}

/**
 * Watches the root with chokidar and hands the store batches of changed paths, so each batch
 * reloads only the files it names (one changed session.json never triggers a rescan).
 */
export class StoreWatcher implements Disposable {
  private watcher: FSWatcher | undefined;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private firstPendingAt = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly store: WorkspaceStore, private readonly options: WatchOptions = {}) {}

  /** Resolves once the initial scan of chokidar is done and events flow. */
  start(): Promise<void> {
    const root = this.store.root;
    this.watcher = watch(root, {
      ignoreInitial: true,
      depth: 5,
      usePolling: this.options.usePolling ?? false,
      ignored: (path: string) => isIgnoredPath(root, path),
    });
    this.watcher.on('all', (_event, path) => this.enqueue(path));
    this.watcher.on('error', (e) => this.options.onError?.(e));
    return new Promise((resolve) => this.watcher!.once('ready', () => resolve()));
  }

  private enqueue(path: string): void {
    if (this.pending.size === 0) this.firstPendingAt = Date.now();
    this.pending.add(path);
    const debounce = this.options.debounceMs ?? 75;
    const maxWait = this.options.maxWaitMs ?? 1000;
    const wait = Math.max(0, Math.min(debounce, this.firstPendingAt + maxWait - Date.now()));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Applies the pending batch now (batches are applied one after another, never in parallel). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    if (!batch.length) return this.running;
    this.running = this.running
      .then(() => this.store.refreshPaths(batch))
      .then(
        () => undefined,
        (e) => this.options.onError?.(e),
      );
    return this.running;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    void this.watcher?.close();
    this.watcher = undefined;
  }
}
