import { createKohyaParser } from '../logs/parsers';
import { findStateFolders } from './checkpoints';
import { launchOrError, outputNameOf, paramArgProblems, paramArgs, str, TrainerLaunchError } from './launch';
import type { LaunchContext, LaunchSpec, TrainerDefinition } from './types';

/**
 * The built-in demo trainer: a tiny real LoRA trained in Node on synthetic data, so a person
 * can try every feature without a GPU or Python.
 *
 * Command line: `<nodePath> <demoTrainerPath> --output_dir DIR --output_name NAME
 * [--key value for each parameter] [--train_data_dir DIR]`, resume with `--resume <state folder>`.
 *
 * What the program must print (kohya-like, read by the kohya parser):
 * - a tqdm-style bar `steps:  25%|██▌       | 250/1000 [00:05<00:15, 50.00it/s, avr_loss=0.123]`
 *   rewritten with `\r`; after `--resume` it restarts at 0 with total = remaining steps;
 * - `epoch E/N` lines; `saving checkpoint: <file>`; `saving state at step S` with S the absolute
 *   step (unlike kohya, whose save steps restart after a resume);
 * - state folders `<output_dir>/<name>-step{S:08d}-state/` holding `train_state.json`
 *   `{ "current_epoch": E, "current_step": S }` (absolute), written last.
 */
export const demoTrainer: TrainerDefinition = {
  name: 'demo',
  label: 'Demo trainer (built in)',
  description: 'A tiny LoRA trained in Node on synthetic data: no GPU, no Python.',
  params: [
    { key: 'max_train_steps', label: 'Max train steps', type: 'integer', default: 1000, min: 1, max: 1_000_000 },
    { key: 'learning_rate', label: 'Learning rate', type: 'number', default: 0.05, min: 0, max: 10 },
    { key: 'network_dim', label: 'Network dim (rank)', type: 'integer', default: 4, min: 1, max: 64 },
    { key: 'train_batch_size', label: 'Batch size', type: 'integer', default: 8, min: 1, max: 1024 },
    { key: 'save_every_n_steps', label: 'Save every N steps', type: 'integer', default: 100, min: 1, max: 1_000_000 },
    { key: 'sample_every_n_steps', label: 'Sample every N steps', type: 'integer', default: 100, min: 1, max: 1_000_000, description: 'Writes a sample image (sample/<name>_<step>_00.png) every N steps: the Samples tab shows them.' },
    { key: 'seed', label: 'Seed', type: 'integer', default: 42, min: 0, max: 4_294_967_295, advanced: true },
    { key: 'step_delay_ms', label: 'Step delay (ms)', type: 'integer', default: 20, min: 0, max: 60_000, advanced: true, description: 'Slows each step down so a demo lasts as long as wanted.' },
  ],
  buildLaunch: (ctx) => demoLaunch(ctx, []),
  buildResume(ctx, checkpoint) {
    if (checkpoint.kind !== 'state') return { error: `the demo trainer resumes from a state folder (…-state), not from ${checkpoint.path}` };
    return launchOrError(() => demoLaunch(ctx, ['--resume', checkpoint.path]));
  },
  findCheckpoints: findStateFolders,
  progress: { kind: 'demo', barCountsFromResume: true, checkpointStepsFromResume: false, createParser: () => createKohyaParser() },
  validate: demoProblems,
  canExtend: true,
};

const DEMO_RESERVED: ReadonlySet<string> = new Set(['output_dir', 'output_name', 'train_data_dir', 'resume']);

function demoProblems(ctx: LaunchContext): string[] {
  const problems: string[] = [];
  if (!str(ctx.settings.nodePath)) problems.push('settings.nodePath: the Node executable for the demo trainer is not set');
  if (!str(ctx.settings.demoTrainerPath)) problems.push('settings.demoTrainerPath: the demo trainer script is not set');
  problems.push(...paramArgProblems(ctx.params, DEMO_RESERVED));
  return problems;
}

function demoLaunch(ctx: LaunchContext, extra: string[]): LaunchSpec {
  const problems = demoProblems(ctx);
  if (problems.length) throw new TrainerLaunchError(problems.join('; '));
  const argv = [ctx.settings.nodePath, ctx.settings.demoTrainerPath, '--output_dir', ctx.outputDir, '--output_name', outputNameOf(ctx), ...paramArgs(ctx.params, DEMO_RESERVED)];
  if (ctx.datasetDir) argv.push('--train_data_dir', ctx.datasetDir);
  return { argv: [...argv, ...extra], cwd: ctx.sessionDir };
}
