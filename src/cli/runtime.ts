import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRunPodError } from '../core/backends/runpod';
import { DEFAULT_CANCEL_GRACE_MS, DEFAULT_START_TIMEOUT_MS, SessionActionError, type LocalRuntime } from '../core/sessions';
import { failure } from './errors';
import type { CliIo } from './output';

/**
 * What a local session needs from this machine, as the CLI finds it: Node is this process's
 * own, the runner and the demo trainer are the bundles next to the CLI bundle (dist/), and the
 * Python-side programs come from the environment:
 *
 * - TRAINLAB_PYTHON, TRAINLAB_ACCELERATE: the python and accelerate executables;
 * - TRAINLAB_SD_SCRIPTS, TRAINLAB_AI_TOOLKIT: the kohya sd-scripts and ai-toolkit checkouts;
 * - TRAINLAB_CANCEL_GRACE_MS: how long a cancel waits after SIGTERM before SIGKILL (15000).
 */
export function cliRuntime(io: CliIo): LocalRuntime {
  const dist = distDir(io);
  const env = (name: string) => io.env[name]?.trim() || undefined;
  const python = env('TRAINLAB_PYTHON');
  const accelerate = env('TRAINLAB_ACCELERATE');
  const sdScriptsDir = env('TRAINLAB_SD_SCRIPTS');
  const aiToolkitDir = env('TRAINLAB_AI_TOOLKIT');
  return {
    nodePath: process.execPath,
    runnerPath: join(dist, 'runner.js'),
    electronAsNode: false,
    trainer: {
      nodePath: process.execPath,
      demoTrainerPath: join(dist, 'demo-trainer.js'),
      ...(python ? { python } : {}),
      ...(accelerate ? { accelerate } : {}),
      ...(sdScriptsDir ? { sdScriptsDir } : {}),
      ...(aiToolkitDir ? { aiToolkitDir } : {}),
    },
    cancelGraceMs: wholeMs(env('TRAINLAB_CANCEL_GRACE_MS'), DEFAULT_CANCEL_GRACE_MS),
    startTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  };
}

/** The folder holding runner.js and demo-trainer.js. */
export function distDir(io: CliIo): string {
  // In the bundle (dist/cli.js) __dirname is dist/ itself.
  return io.distDir ?? __dirname;
}

function wholeMs(text: string | undefined, fallback: number): number {
  if (text === undefined || !/^\d+$/.test(text)) return fallback;
  return Number(text);
}

/**
 * Refuses a launch that could not work because a bundle is missing (running from source
 * without `npm run build`), instead of a session that never reports that it started.
 */
export function requireBuilt(runtime: LocalRuntime, trainer: string): void {
  const missing = [runtime.runnerPath, ...(trainer === 'demo' ? [runtime.trainer.demoTrainerPath] : [])].filter((p) => !existsSync(p));
  if (missing.length) throw failure(`${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing: build Trainlab first ("npm run build")`);
}

/**
 * Runs a core session action; its refusal (what is wrong, naming the fields) and RunPod's
 * answers (already worded for a person, the key redacted) become exit 1.
 */
export async function sessionAction<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (e instanceof SessionActionError || isRunPodError(e)) throw failure(e.message);
    throw e;
  }
}
