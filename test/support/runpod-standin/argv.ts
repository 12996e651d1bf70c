import { join } from 'node:path';
import type { JobInput } from '../../../src/core/backends/runpod/contract';
import { demoTrainer } from '../../../src/core/trainers/demo';
import { launchOrError, outputNameOf, safeName } from '../../../src/core/trainers/launch';
import type { LaunchContext, LaunchSpec } from '../../../src/core/trainers/types';

/** Options of the demo trainer (src/demo-trainer/args.ts); other parameters are dropped with a note. */
const DEMO_OPTIONS: ReadonlySet<string> = new Set([
  'max_train_steps', 'save_every_n_steps', 'learning_rate', 'momentum', 'network_dim', 'network_alpha',
  'train_batch_size', 'seed', 'step_delay_ms', 'sample_every_n_steps', 'output_name',
]);

/** Job parameters that steer the stand-in itself, never passed to the trainer. */
export const KNOB_PREFIX = 'standin_';

export interface DemoLaunch {
  launch: LaunchSpec;
  outputDir: string;
  /** What the trainer names its files after (`<name>.safetensors`). */
  outputName: string;
  /** Lines the worker prints before the trainer's own (what it left out, and why). */
  notes: string[];
}

/**
 * The demo trainer's command line for a job, built by Trainlab's own demo profile (the same
 * argv a local run gets), in `runDir`. Parameters of other trainers (a kohya version's, say)
 * are dropped, so any contract input exercises the whole job flow; the dataset is not
 * downloaded, the demo trainer trains on synthetic data.
 */
export function demoLaunch(input: JobInput, runDir: string, settings: { nodePath: string; demoTrainerPath: string }, resumeFrom: { path: string; step: number } | null): DemoLaunch | { error: string } {
  const params: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(input.parameters)) {
    if (key.startsWith(KNOB_PREFIX)) continue;
    if (DEMO_OPTIONS.has(key)) params[key] = value;
    else dropped.push(key);
  }
  const notes = [`standin: trainer "${input.trainer}" runs as the demo trainer; dataset ${input.dataset.url} is not downloaded (synthetic data)`];
  if (dropped.length) notes.push(`standin: parameters the demo trainer does not know, left out: ${dropped.join(', ')}`);
  const outputDir = join(runDir, 'output');
  const ctx: LaunchContext = {
    sessionId: input.session.id,
    sessionDir: runDir,
    outputDir,
    params,
    datasetDir: null,
    triggerToken: input.triggerToken,
    settings,
    outputName: safeName(input.style.id),
  };
  const launch = resumeFrom
    ? demoTrainer.buildResume(ctx, { path: resumeFrom.path, step: resumeFrom.step, epoch: null, kind: 'state', createdAt: null })
    : launchOrError(() => demoTrainer.buildLaunch(ctx));
  if ('error' in launch) return { error: launch.error };
  return { launch, outputDir, outputName: outputNameOf(ctx), notes };
}
