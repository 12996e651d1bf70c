/** A listener registry with no dependency on Node's or VS Code's emitters. */
export interface Disposable {
  dispose(): void;
}

export type ChangeKind = 'added' | 'changed' | 'removed';

/** Fine-grained changes, delivered in batches (one watcher debounce window, or one write). */
export type StoreEvent =
  | { type: 'style'; change: ChangeKind; styleId: string }
  | { type: 'versions'; styleId: string }
  | { type: 'session'; change: ChangeKind; styleId: string; sessionId: string }
  | { type: 'runner'; styleId: string; sessionId: string }
  | { type: 'dataset'; styleId: string; datasetId: string }
  | { type: 'trainer'; name: string }
  | { type: 'problems' };

export class Emitter<T> {
  private listeners = new Set<(value: T) => void>();

  on(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(value);
      } catch {
        // A failing listener must not stop the others or the store.
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
