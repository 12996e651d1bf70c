import { join } from 'node:path';
import { createKohyaParser } from '../logs/parsers';
import { findStateFolders } from './checkpoints';
import { launchOrError, num, outputNameOf, paramArgProblems, paramArgs, PYTHON_ENV, str, TrainerLaunchError, tomlString } from './launch';
import type { LaunchContext, LaunchSpec, TrainerDefinition } from './types';

/**
 * kohya sd-scripts LoRA training (`train_network.py`, `sdxl_train_network.py`,
 * `flux_train_network.py`). Names are sd-scripts' own argument names, so a version's
 * parameters map 1:1 onto `--name value`.
 *
 * Launch: `accelerate launch --num_cpu_threads_per_process 1 <sdScriptsDir>/<script>.py` (or
 * `python <script>.py` without an accelerate setting), run in the sd-scripts folder, with
 * `--output_dir`, `--output_name`, `--save_state` (resume needs states), `--network_module` (the
 * script's LoRA module unless a parameter names one) and every parameter as `--key value`. The dataset is described in a generated `<sessionDir>/dataset.toml`
 * (`--dataset_config`): one subset with `image_dir` = the dataset folder, `num_repeats` and
 * `class_tokens` (default: the style's trigger token), so the dataset folder needs no kohya
 * `10_name` naming. Other dataset options (resolution, batch size, caption extension) stay
 * command-line arguments, which sd-scripts uses as the config's fallbacks. Without a Trainlab
 * dataset, `train_data_dir` or `dataset_config` parameters are passed through as given.
 * Resume: the same plus `--resume=<state folder>`.
 */
export const kohyaTrainer: TrainerDefinition = {
  name: 'kohya',
  label: 'kohya sd-scripts (LoRA)',
  description: 'LoRA training with kohya-ss/sd-scripts (SD 1.5, SDXL, Flux).',
  params: [
    { key: 'network_dim', label: 'Network dim (rank)', type: 'integer', default: 16, min: 1, max: 1024, description: 'LoRA rank: capacity of the adapter.' },
    { key: 'network_alpha', label: 'Network alpha', type: 'number', default: 16, min: 0, max: 1024, description: 'Scales the LoRA update; often equal to the dim or half of it.' },
    { key: 'learning_rate', label: 'Learning rate', type: 'number', default: 0.0001, min: 0, max: 1, description: 'Step size of the optimizer.' },
    { key: 'max_train_steps', label: 'Max train steps', type: 'integer', default: 1200, min: 1, max: 10_000_000, description: 'Total optimizer steps (overridden by max_train_epochs when that is set).' },
    { key: 'max_train_epochs', label: 'Max train epochs', type: 'integer', min: 1, max: 100_000, description: 'Train for this many epochs instead of a step count.' },
    { key: 'train_batch_size', label: 'Batch size', type: 'integer', default: 2, min: 1, max: 256 },
    { key: 'num_repeats', label: 'Repeats per image', type: 'integer', default: 10, min: 1, max: 10_000, description: 'How often each image is seen per epoch (dataset folder prefix).' },
    { key: 'resolution', label: 'Resolution', type: 'string', default: '1024', description: 'Width[,height] in pixels, e.g. 1024 or 1024,768.' },
    { key: 'class_tokens', label: 'Class tokens', type: 'string', description: 'Trigger word(s) prepended to every caption.' },
    { key: 'lr_scheduler', label: 'LR scheduler', type: 'enum', default: 'cosine_with_restarts', values: ['constant', 'constant_with_warmup', 'cosine', 'cosine_with_restarts', 'linear', 'polynomial', 'adafactor'], advanced: true },
    { key: 'lr_warmup_steps', label: 'LR warmup steps', type: 'integer', default: 0, min: 0, max: 10_000_000, advanced: true },
    { key: 'optimizer_type', label: 'Optimizer', type: 'enum', default: 'AdamW8bit', values: ['AdamW', 'AdamW8bit', 'PagedAdamW8bit', 'Lion', 'Lion8bit', 'SGDNesterov', 'DAdaptAdam', 'Prodigy', 'Adafactor'], advanced: true },
    { key: 'mixed_precision', label: 'Mixed precision', type: 'enum', default: 'bf16', values: ['no', 'fp16', 'bf16'], advanced: true },
    { key: 'save_every_n_steps', label: 'Save every N steps', type: 'integer', default: 500, min: 1, max: 10_000_000, advanced: true, description: 'Checkpoint (and resumable state) interval.' },
    { key: 'seed', label: 'Seed', type: 'integer', default: 42, min: 0, max: 4_294_967_295, advanced: true },
    { key: 'gradient_accumulation_steps', label: 'Gradient accumulation', type: 'integer', default: 1, min: 1, max: 1024, advanced: true },
    { key: 'unet_lr', label: 'UNet LR', type: 'number', min: 0, max: 1, advanced: true },
    { key: 'text_encoder_lr', label: 'Text encoder LR', type: 'number', min: 0, max: 1, advanced: true },
    { key: 'network_dropout', label: 'Network dropout', type: 'number', min: 0, max: 1, advanced: true },
    { key: 'noise_offset', label: 'Noise offset', type: 'number', min: 0, max: 1, advanced: true },
    { key: 'min_snr_gamma', label: 'Min SNR gamma', type: 'number', min: 0, max: 100, advanced: true },
    { key: 'caption_extension', label: 'Caption extension', type: 'string', default: '.txt', advanced: true },
    { key: 'cache_latents', label: 'Cache latents', type: 'boolean', default: true, advanced: true },
    { key: 'gradient_checkpointing', label: 'Gradient checkpointing', type: 'boolean', default: true, advanced: true },
    { key: 'pretrained_model_name_or_path', label: 'Base model', type: 'string', advanced: true, description: 'Path or Hugging Face id of the base model.' },
    { key: 'network_module', label: 'Network module', type: 'string', advanced: true, description: 'Default: networks.lora_flux for Flux, networks.lora_sd3 for SD3, else networks.lora.' },
    { key: 'script', label: 'Training script', type: 'enum', default: 'train_network', values: ['train_network', 'sdxl_train_network', 'flux_train_network'], advanced: true },
  ],
  buildLaunch: (ctx) => kohyaLaunch(ctx, []),
  buildResume(ctx, checkpoint) {
    if (checkpoint.kind !== 'state') return { error: `kohya resumes from a state folder (…-state, saved with --save_state), not from ${checkpoint.path}` };
    return launchOrError(() => kohyaLaunch(ctx, [`--resume=${checkpoint.path}`]));
  },
  findCheckpoints: findStateFolders,
  progress: { kind: 'kohya', barCountsFromResume: true, checkpointStepsFromResume: true, createParser: () => createKohyaParser() },
  validate: kohyaProblems,
  canExtend: true,
};

/** Parameters that are not sd-scripts arguments, or that Trainlab sets itself. */
const KOHYA_RESERVED: ReadonlySet<string> = new Set(['script', 'num_repeats', 'class_tokens', 'output_dir', 'output_name', 'save_state', 'resume']);

const SCRIPT_NAME = /^[A-Za-z0-9_]+$/;

function scriptOf(params: Record<string, unknown>): string {
  const raw = str(params.script) ?? 'train_network';
  return raw.trim().replace(/\.py$/, '');
}

function kohyaProblems(ctx: LaunchContext): string[] {
  const problems: string[] = [];
  if (!str(ctx.settings.sdScriptsDir)) problems.push('settings.sdScriptsDir: the kohya sd-scripts folder is not set');
  if (!SCRIPT_NAME.test(scriptOf(ctx.params))) problems.push(`script: "${String(ctx.params.script)}" is not a script name of sd-scripts (e.g. train_network, sdxl_train_network, flux_train_network)`);
  if (!str(ctx.params.pretrained_model_name_or_path)) problems.push('pretrained_model_name_or_path: the base model (a path or a Hugging Face id) is required');
  if (!ctx.datasetDir && !str(ctx.params.train_data_dir) && !str(ctx.params.dataset_config)) problems.push('dataset: kohya needs a dataset (the version\'s dataset, or a train_data_dir or dataset_config parameter)');
  const repeats = ctx.params.num_repeats;
  if (repeats !== undefined && repeats !== null && repeats !== '' && !(Number.isInteger(num(repeats)) && num(repeats)! >= 1)) problems.push('num_repeats: must be a whole number of at least 1');
  problems.push(...paramArgProblems(ctx.params, KOHYA_RESERVED));
  return problems;
}

/** The generated dataset config: one subset, the dataset folder as is. */
export function kohyaDatasetToml(ctx: LaunchContext): string {
  const repeats = num(ctx.params.num_repeats) ?? 1;
  const classTokens = str(ctx.params.class_tokens) ?? (ctx.triggerToken.trim() ? ctx.triggerToken : undefined);
  const lines = [
    `# Written by Trainlab for session ${ctx.sessionId}; sd-scripts reads it with --dataset_config.`,
    '[[datasets]]',
    '',
    '  [[datasets.subsets]]',
    `  image_dir = ${tomlString(ctx.datasetDir ?? '')}`,
    `  num_repeats = ${Math.max(1, Math.floor(repeats))}`,
  ];
  if (classTokens !== undefined) lines.push(`  class_tokens = ${tomlString(classTokens)}`);
  return `${lines.join('\n')}\n`;
}

/** sd-scripts needs a network module; the script's own LoRA module unless the parameters name one. */
function defaultNetworkModule(script: string): string {
  if (script.startsWith('flux')) return 'networks.lora_flux';
  if (script.startsWith('sd3')) return 'networks.lora_sd3';
  if (script.startsWith('lumina')) return 'networks.lora_lumina';
  return 'networks.lora';
}

function kohyaLaunch(ctx: LaunchContext, extra: string[]): LaunchSpec {
  const problems = kohyaProblems(ctx);
  if (problems.length) throw new TrainerLaunchError(problems.join('; '));
  const sdScriptsDir = ctx.settings.sdScriptsDir!;
  const scriptPath = join(sdScriptsDir, `${scriptOf(ctx.params)}.py`);
  const head = ctx.settings.accelerate
    ? [ctx.settings.accelerate, 'launch', '--num_cpu_threads_per_process', '1', scriptPath]
    : [ctx.settings.python || 'python', scriptPath];
  const args = ['--output_dir', ctx.outputDir, '--output_name', outputNameOf(ctx), '--save_state'];
  if (!str(ctx.params.network_module)) args.push('--network_module', defaultNetworkModule(scriptOf(ctx.params)));
  const files: { path: string; content: string }[] = [];
  let skip = KOHYA_RESERVED;
  if (ctx.datasetDir) {
    const config = join(ctx.sessionDir, 'dataset.toml');
    files.push({ path: config, content: kohyaDatasetToml(ctx) });
    args.push('--dataset_config', config);
    skip = new Set([...KOHYA_RESERVED, 'train_data_dir', 'dataset_config']);
  }
  return { argv: [...head, ...args, ...paramArgs(ctx.params, skip), ...extra], cwd: sdScriptsDir, env: { ...PYTHON_ENV }, ...(files.length ? { files } : {}) };
}
