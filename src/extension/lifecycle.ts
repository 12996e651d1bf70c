import type * as vscode from 'vscode';

/**
 * Ownership of disposables (after vscode-pull-request-github `src/common/lifecycle.ts`):
 * every command, listener, watcher, emitter and view is registered with the object that
 * created it, and disposing the owner disposes them, newest first.
 */
export interface IDisposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): IDisposable {
  return { dispose: fn };
}

export function disposeAll(disposables: IDisposable[]): void {
  while (disposables.length) {
    const d = disposables.pop();
    try {
      d?.dispose();
    } catch {
      // One failing dispose must not keep the others alive.
    }
  }
}

export abstract class Disposable implements vscode.Disposable {
  private disposed = false;
  private disposables: IDisposable[] = [];

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.disposables);
  }

  /** Registers a disposable with this owner; one registered after disposal is disposed at once. */
  protected _register<T extends IDisposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.disposables.push(value);
    return value;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }
}

/** A slot for one disposable that is replaced over time (the current store, its watcher). */
export class MutableDisposable<T extends IDisposable> implements IDisposable {
  private current: T | undefined;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.current === next) return;
    this.current?.dispose();
    this.current = next;
  }

  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.clear();
  }
}
