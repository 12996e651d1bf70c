import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { defaultRoot, StoreWatcher, WorkspaceStore, type StoreEvent } from '../core/store';
import { readConfig } from './config';
import { ContextKeys as Keys, Settings } from './ids';
import { Disposable, MutableDisposable, toDisposable, type IDisposable } from './lifecycle';
import type { TreeSource, WorkspacePhase } from './tree/model';
import type { ContextKeys } from './vscode/context';

/**
 * Owns the store of the open workspace: finds the root, loads the index, runs the watcher,
 * reopens on a change of `trainlab.root` or of the workspace folders, and notices the root
 * being created or removed. Everything else reads the store through this object.
 */
export class TrainlabWorkspace extends Disposable implements TreeSource {
  private _phase: WorkspacePhase = 'loading';
  private _store: WorkspaceStore | undefined;
  private _root: string | undefined;
  private _error: string | undefined;
  /** The open store with its watcher and listeners; replaced as a whole on reopen. */
  private readonly opened = this._register(new MutableDisposable<IDisposable>());
  /** Watches the root path itself, to see it appear (`trainlab init` in a terminal) or go. */
  private readonly rootWatcher = this._register(new MutableDisposable<vscode.FileSystemWatcher>());
  private generation = 0;
  private readyPromise: Promise<void> = Promise.resolve();

  private readonly _onDidChange = this._register(new vscode.EventEmitter<StoreEvent[]>());
  /** Batches of store changes (after the index has been updated). */
  readonly onDidChange = this._onDidChange.event;

  private readonly _onDidReset = this._register(new vscode.EventEmitter<void>());
  /** The phase or the store itself changed: everything shown must be drawn again. */
  readonly onDidReset = this._onDidReset.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly contextKeys: ContextKeys,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.root)) {
          this.log.info(`${Settings.root} changed: reopening the workspace`);
          void this.reopen();
        }
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reopen()));
  }

  get phase(): WorkspacePhase {
    return this._phase;
  }

  /** The open store; undefined until the index has loaded (and when there is no root). */
  get store(): WorkspaceStore | undefined {
    return this._phase === 'ready' ? this._store : undefined;
  }

  get error(): string | undefined {
    return this._error;
  }

  /** The root path in use (it may not exist yet). */
  get root(): string | undefined {
    return this._root;
  }

  get folder(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
  }

  /** Resolves when the current (re)open has finished: index loaded and watcher running, or no root. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Starts loading in the background; returns at once (activate does no file I/O). */
  start(): void {
    void this.reopen();
  }

  reopen(): Promise<void> {
    const gen = ++this.generation;
    // Opened from a fresh task: whoever called (activate) has returned before any file is touched.
    this.readyPromise = Promise.resolve().then(() => this.open(gen)).catch((e: unknown) => {
      if (gen !== this.generation) return;
      this._error = e instanceof Error ? e.message : String(e);
      this.log.error(`Could not open the Trainlab workspace: ${this._error}`);
      this.setPhase('failed');
    });
    return this.readyPromise;
  }

  /** Creates the root folders and opens them. */
  async init(): Promise<string> {
    const root = this.resolveRoot();
    if (!root) throw new Error('Open a folder first: Trainlab keeps its files in a folder of the workspace.');
    const store = new WorkspaceStore(root, { logger: this.log });
    await store.init();
    store.dispose();
    this.log.info(`Created ${root}`);
    await this.reopen();
    return root;
  }

  private resolveRoot(): string | undefined {
    const folder = this.folder;
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return defaultRoot(folder.uri.fsPath, readConfig(folder).root);
  }

  private async open(gen: number): Promise<void> {
    if (gen !== this.generation || this.isDisposed) return;
    this.opened.clear();
    this._store = undefined;
    this._error = undefined;
    const folder = this.folder;
    const root = this.resolveRoot();
    this._root = root;
    if (!root) {
      this.rootWatcher.clear();
      if (folder) this.log.warn(`Trainlab needs a folder on disk; ${folder.uri.toString()} is not one.`);
      this.setPhase('noFolder');
      return;
    }
    this.setPhase('loading');
    this.watchRootPath(root);

    const started = Date.now();
    const store = new WorkspaceStore(root, { logger: this.log });
    const stale = () => gen !== this.generation || this.isDisposed;
    if (!(await store.exists())) {
      if (stale()) return;
      this.log.info(`No Trainlab folder at ${root} yet.`);
      this.setPhase('noRoot');
      return;
    }
    // Watch first, load second: a change made while the index loads is applied after it.
    let loaded!: () => void;
    const loadDone = new Promise<void>((resolve) => (loaded = resolve));
    const watcher = new StoreWatcher(store, { holdUntil: loadDone, onError: (e) => this.log.error(`File watcher: ${e instanceof Error ? e.message : String(e)}`) });
    await watcher.start();
    await store.load().finally(loaded);
    if (stale()) {
      watcher.dispose();
      return store.dispose();
    }
    const listener = store.onDidChange((events) => {
      this.updateContextKeys();
      this._onDidChange.fire(events);
    });
    this.opened.value = toDisposable(() => {
      listener.dispose();
      watcher.dispose();
      store.dispose();
    });
    this._store = store;
    const sessions = store.listSessions().length;
    this.log.info(
      `Opened ${root}: ${store.listStyles().length} styles, ${sessions} sessions, ${store.problems().length} problems (${Date.now() - started} ms)`,
    );
    this.setPhase('ready');
  }

  private watchRootPath(root: string): void {
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(root)), basename(root)));
    w.onDidCreate(() => {
      if (this._phase === 'noRoot') void this.reopen();
    });
    w.onDidDelete(() => {
      if (this._phase === 'ready') void this.reopen();
    });
    this.rootWatcher.value = w;
  }

  private setPhase(phase: WorkspacePhase): void {
    this._phase = phase;
    this.updateContextKeys();
    this._onDidReset.fire();
  }

  private updateContextKeys(): void {
    const store = this.store;
    this.contextKeys.set(Keys.hasRoot, this._phase === 'ready');
    this.contextKeys.set(Keys.loaded, this._phase !== 'loading');
    this.contextKeys.set(Keys.hasStyles, !!store && store.listStyles().length > 0);
    this.contextKeys.set(Keys.hasProblems, !!store && store.problems().length > 0);
  }
}
