import type { TrainerSettings } from '../trainers/types';

/** Where the programs are that a local launch needs, and how long a cancel waits. */
export interface LocalRuntime {
  /** Node to run the runner with: `process.execPath` (in VS Code, with ELECTRON_RUN_AS_NODE=1). */
  nodePath: string;
  /** The runner bundle (dist/runner.js). */
  runnerPath: string;
  /** Set ELECTRON_RUN_AS_NODE=1 for the runner (needed when nodePath is VS Code's Electron). */
  electronAsNode: boolean;
  /** Paths and programs the trainer profiles need (python, sd-scripts, the demo trainer…). */
  trainer: TrainerSettings;
  /** After SIGTERM, how long before SIGKILL. */
  cancelGraceMs: number;
  /** A launched runner that has not written runner.json after this long is taken as failed to start. */
  startTimeoutMs: number;
}

export const DEFAULT_CANCEL_GRACE_MS = 15_000;
export const DEFAULT_START_TIMEOUT_MS = 30_000;
