import { promises as fsp } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalRuntime } from '../core/sessions';
import { findRoot, WorkspaceStore } from '../core/store';
import { failure } from './errors';
import { Output, type CliIo } from './output';
import { refreshAll } from './reconcile';
import { cliRuntime } from './runtime';

/** Options every command accepts (given before or after the command name). */
export interface GlobalOptions {
  workspace?: string;
  json?: boolean;
}

/** What a command's handler gets: where it runs, how it prints, and the workspace. */
export class CliContext {
  readonly out: Output;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
  ) {
    this.out = new Output(io);
  }

  private runtimeCache: LocalRuntime | undefined;

  /** Where the runner, the demo trainer and the Python programs are (see runtime.ts). */
  get runtime(): LocalRuntime {
    return (this.runtimeCache ??= cliRuntime(this.io));
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** The workspace folder: `--workspace`, relative to the current folder, or the current folder. */
  get workspace(): string {
    return resolve(this.io.cwd, this.globals.workspace ?? '.');
  }

  /** TRAINLAB_ROOT, when set: the root folder (absolute, or relative to the workspace). */
  get configuredRoot(): string | undefined {
    return this.io.env.TRAINLAB_ROOT || undefined;
  }

  async assertWorkspaceExists(): Promise<void> {
    const isDir = await fsp.stat(this.workspace).then((s) => s.isDirectory(), () => false);
    if (!isDir) throw failure(`the workspace folder ${this.out.path(this.workspace)} does not exist`);
  }

  /**
   * Finds the `trainlab/` root (here, or in a parent folder when run from inside a workspace)
   * and reads it. Reading never writes; files that cannot be used become `store.problems()`.
   *
   * With `reconcile`, every pending or running local session is first brought in line with its
   * process (finished, failed, or interrupted when the process is gone) and its log, so what a
   * command shows is never a "running" session whose process died long ago.
   */
  async openStore(options: { reconcile?: boolean } = {}): Promise<WorkspaceStore> {
    await this.assertWorkspaceExists();
    const root = await findRoot(this.workspace, this.configuredRoot, true);
    if (!root) {
      const where = this.configuredRoot
        ? `TRAINLAB_ROOT (${this.configuredRoot}) names no folder`
        : `no trainlab folder in ${this.out.path(this.workspace)} or any folder above it`;
      throw failure(`${where}; run "trainlab init" to create one`);
    }
    const store = new WorkspaceStore(root);
    await store.load();
    if (options.reconcile) await refreshAll(store, this.runtime);
    return store;
  }
}
