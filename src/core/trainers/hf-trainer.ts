import { dirname, isAbsolute } from 'node:path';
import { createHfTrainerParser } from '../logs/parsers';
import { findHfCheckpoints } from './checkpoints';
import { ARG_KEY, launchOrError, paramArgProblems, paramArgs, PYTHON_ENV, resolveFrom, str, TrainerLaunchError } from './launch';
import type { LaunchContext, LaunchSpec, TrainerDefinition } from './types';

/**
 * A Hugging Face transformers Trainer script: `python <script> --output_dir <outputDir>
 * --key value …` (TrainingArguments names: the LLMTool importer writes them). `script` is the
 * script's path (relative to the workspace when the context has one); it runs in the workspace
 * folder (else in its own folder). `dataset_arg` names the option the dataset folder is passed as, if any
 * (e.g. `train_dir`). Booleans: `--key` when true, left out when false.
 * Resume: the same plus `--resume_from_checkpoint <checkpoint-N folder>`.
 */
export const hfTrainer: TrainerDefinition = {
  name: 'hf-trainer',
  label: 'Hugging Face Trainer script',
  description: 'Any script built on transformers.Trainer / TrainingArguments.',
  params: [
    { key: 'script', label: 'Training script', type: 'string', required: true, description: 'Path of the Python script (relative to the workspace).' },
    { key: 'model_name_or_path', label: 'Base model', type: 'string', description: 'A path or a Hugging Face id.' },
    { key: 'num_train_epochs', label: 'Epochs', type: 'number', default: 3, min: 0, max: 100_000 },
    { key: 'max_steps', label: 'Max steps', type: 'integer', min: -1, max: 100_000_000, advanced: true, description: 'Overrides the epochs when set.' },
    { key: 'learning_rate', label: 'Learning rate', type: 'number', default: 0.00005, min: 0, max: 10 },
    { key: 'per_device_train_batch_size', label: 'Batch size per device', type: 'integer', default: 8, min: 1, max: 65_536 },
    { key: 'gradient_accumulation_steps', label: 'Gradient accumulation', type: 'integer', min: 1, max: 1024, advanced: true },
    { key: 'save_steps', label: 'Save every N steps', type: 'integer', default: 500, min: 1, max: 100_000_000, advanced: true },
    { key: 'logging_steps', label: 'Log every N steps', type: 'integer', default: 10, min: 1, max: 100_000_000, advanced: true },
    { key: 'seed', label: 'Seed', type: 'integer', default: 42, min: 0, max: 4_294_967_295, advanced: true },
    { key: 'dataset_arg', label: 'Dataset option', type: 'string', advanced: true, description: 'The script option that takes the dataset folder (e.g. train_dir); none when empty.' },
  ],
  buildLaunch: (ctx) => hfLaunch(ctx, []),
  buildResume(ctx, checkpoint) {
    return launchOrError(() => hfLaunch(ctx, ['--resume_from_checkpoint', checkpoint.path]));
  },
  findCheckpoints: findHfCheckpoints,
  progress: { kind: 'hf-trainer', barCountsFromResume: false, checkpointStepsFromResume: false, createParser: () => createHfTrainerParser() },
  validate: hfProblems,
  canExtend: false,
};

const HF_RESERVED: ReadonlySet<string> = new Set(['script', 'dataset_arg', 'output_dir', 'resume_from_checkpoint']);

function hfProblems(ctx: LaunchContext): string[] {
  const problems: string[] = [];
  if (!str(ctx.params.script)) problems.push('script: the path of the training script is required');
  const datasetArg = ctx.params.dataset_arg;
  if (str(datasetArg) && !ARG_KEY.test(String(datasetArg))) problems.push(`dataset_arg: "${String(datasetArg)}" is not an option name`);
  problems.push(...paramArgProblems(ctx.params, HF_RESERVED));
  return problems;
}

function hfLaunch(ctx: LaunchContext, extra: string[]): LaunchSpec {
  const problems = hfProblems(ctx);
  if (problems.length) throw new TrainerLaunchError(problems.join('; '));
  const script = resolveFrom(ctx.workspaceDir, String(ctx.params.script));
  const argv = [ctx.settings.python || 'python', script, '--output_dir', ctx.outputDir];
  const datasetArg = str(ctx.params.dataset_arg);
  const skip = datasetArg ? new Set([...HF_RESERVED, datasetArg]) : HF_RESERVED;
  argv.push(...paramArgs(ctx.params, skip));
  if (datasetArg && ctx.datasetDir) argv.push(`--${datasetArg}`, ctx.datasetDir);
  return { argv: [...argv, ...extra], cwd: ctx.workspaceDir ?? (isAbsolute(script) ? dirname(script) : ctx.sessionDir), env: { ...PYTHON_ENV } };
}
