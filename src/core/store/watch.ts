import { watch, type FSWatcher } from 'chokidar';
import type { Disposable } from './events';
import { isIgnoredPath } from './layout';
import type { WorkspaceStore } from './store';

/** Longer than chokidar's 50 ms change throttle. */
const RECHECK_MS = 120;

export interface WatchOptions {
  /** Quiet time before a batch is applied; a burst of writes becomes one batch. */
  debounceMs?: number;
  /** Upper bound on how long a busy stream of changes can delay a batch. */
  maxWaitMs?: number;
  /** chokidar polling, for file systems without native events (network shares). */
  usePolling?: boolean;
  onError?: (error: unknown) => void;
  /**
   * Changes seen before this settles are applied after it: start the watcher, then load the
   * store with this promise, so nothing changed during the load is missed.
   */
  holdUntil?: Promise<unknown>;
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
  private recheck = new Set<string>();
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(private readonly store: WorkspaceStore, private readonly options: WatchOptions = {}) {
    if (options.holdUntil) this.running = options.holdUntil.then(() => undefined, () => undefined);
  }

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
    this.apply(batch);
    // chokidar drops a second `change` of one path within 50 ms of the first (it throttles
    // rather than debounces), so a quick second write could go unseen: look at the batch's
    // paths once more after that window. Unchanged files cost one read and emit nothing.
    for (const p of batch) this.recheck.add(p);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      const again = [...this.recheck];
      this.recheck.clear();
      this.apply(again);
    }, RECHECK_MS);
    return this.running;
  }

  private apply(batch: string[]): void {
    this.running = this.running
      .then(() => this.store.refreshPaths(batch))
      .then(
        () => undefined,
        (e) => this.options.onError?.(e),
      );
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    void this.watcher?.close();
    this.watcher = undefined;
  }
}
