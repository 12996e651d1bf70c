import { join } from 'node:path';
import { stringify } from 'yaml';
import { createAiToolkitParser } from '../logs/parsers';
import { findAiToolkitCheckpoints } from './checkpoints';
import { launchOrError, num, outputNameOf, PYTHON_ENV, safeName, str, TrainerLaunchError } from './launch';
import type { LaunchContext, LaunchSpec, ParserContext, TrainerDefinition } from './types';

/**
 * ostris ai-toolkit (`python run.py <config.yaml>`). Parameters use the same flat names as
 * kohya's where they mean the same (as the ai-toolkit importer writes them); the profile builds
 * the job config from them and writes it into the session folder (`ai-toolkit.yaml`).
 * Parameters it does not know are not written into the config.
 *
 * The job name (`config.name`, the training bar's description and the checkpoint file stem) is
 * the output name made file-safe. Checkpoints go to `<outputDir>/<name>/<name>_{step:09d}.safetensors`.
 * Resume: the same command again; ai-toolkit continues from its newest checkpoint by itself.
 */
export const aiToolkitTrainer: TrainerDefinition = {
  name: 'ai-toolkit',
  label: 'ostris ai-toolkit (LoRA)',
  description: 'LoRA training with ostris/ai-toolkit (Flux, SDXL, SD 1.5) from a generated job config.',
  params: [
    { key: 'network_dim', label: 'Network dim (rank)', type: 'integer', default: 16, min: 1, max: 1024, description: 'network.linear' },
    { key: 'network_alpha', label: 'Network alpha', type: 'number', default: 16, min: 0, max: 1024, description: 'network.linear_alpha' },
    { key: 'learning_rate', label: 'Learning rate', type: 'number', default: 0.0001, min: 0, max: 1, description: 'train.lr' },
    { key: 'max_train_steps', label: 'Train steps', type: 'integer', default: 2000, min: 1, max: 10_000_000, description: 'train.steps' },
    { key: 'train_batch_size', label: 'Batch size', type: 'integer', default: 1, min: 1, max: 256, description: 'train.batch_size' },
    { key: 'save_every_n_steps', label: 'Save every N steps', type: 'integer', default: 250, min: 1, max: 10_000_000, description: 'save.save_every' },
    { key: 'resolution', label: 'Resolutions', type: 'string', default: '512,768,1024', description: 'Bucket sizes, comma separated (datasets[0].resolution).' },
    { key: 'class_tokens', label: 'Trigger word', type: 'string', description: 'trigger_word (default: the style\'s trigger token).' },
    { key: 'pretrained_model_name_or_path', label: 'Base model', type: 'string', description: 'model.name_or_path: a path or a Hugging Face id.' },
    { key: 'model_arch', label: 'Model family', type: 'enum', default: 'flux', values: ['flux', 'sdxl', 'sd15'], advanced: true },
    { key: 'quantize', label: 'Quantize model', type: 'boolean', default: true, advanced: true, description: 'model.quantize (8-bit base model, less VRAM).' },
    { key: 'network_type', label: 'Network type', type: 'enum', default: 'lora', values: ['lora', 'lokr'], advanced: true },
    { key: 'optimizer_type', label: 'Optimizer', type: 'string', default: 'adamw8bit', advanced: true, description: 'train.optimizer (adamw8bit, adamw, prodigy, adafactor, …).' },
    { key: 'gradient_accumulation_steps', label: 'Gradient accumulation', type: 'integer', default: 1, min: 1, max: 1024, advanced: true },
    { key: 'gradient_checkpointing', label: 'Gradient checkpointing', type: 'boolean', default: true, advanced: true },
    { key: 'mixed_precision', label: 'Training dtype', type: 'enum', default: 'bf16', values: ['bf16', 'fp16', 'fp32'], advanced: true },
    { key: 'max_step_saves_to_keep', label: 'Checkpoints kept', type: 'integer', default: 4, min: 1, max: 10_000, advanced: true },
    { key: 'caption_extension', label: 'Caption extension', type: 'string', default: '.txt', advanced: true },
    { key: 'caption_dropout_rate', label: 'Caption dropout', type: 'number', default: 0.05, min: 0, max: 1, advanced: true },
    { key: 'dataset_path', label: 'Dataset folder', type: 'string', advanced: true, description: 'Used when the version has no Trainlab dataset.' },
    { key: 'device', label: 'Device', type: 'string', default: 'cuda:0', advanced: true },
  ],
  buildLaunch: aiToolkitLaunch,
  buildResume(ctx) {
    return launchOrError(() => aiToolkitLaunch(ctx));
  },
  findCheckpoints: findAiToolkitCheckpoints,
  progress: {
    kind: 'ai-toolkit',
    barCountsFromResume: false,
    checkpointStepsFromResume: false,
    createParser: (ctx?: ParserContext) => createAiToolkitParser(ctx ? { jobName: aiToolkitJobName(ctx) } : {}),
  },
  validate: aiToolkitProblems,
  canExtend: false,
};

/** `config.name`: the output name, file-safe. */
export function aiToolkitJobName(ctx: ParserContext): string {
  return safeName(outputNameOf(ctx));
}

function datasetFolder(ctx: LaunchContext): string | undefined {
  return ctx.datasetDir ?? str(ctx.params.dataset_path);
}

function aiToolkitProblems(ctx: LaunchContext): string[] {
  const problems: string[] = [];
  if (!str(ctx.settings.aiToolkitDir)) problems.push('settings.aiToolkitDir: the ai-toolkit folder is not set');
  if (!str(ctx.params.pretrained_model_name_or_path)) problems.push('pretrained_model_name_or_path: the base model (a path or a Hugging Face id) is required');
  if (!datasetFolder(ctx)) problems.push('dataset: ai-toolkit needs a dataset (the version\'s dataset, or a dataset_path parameter)');
  const steps = ctx.params.max_train_steps;
  if (steps !== undefined && !(Number.isInteger(num(steps)) && num(steps)! >= 1)) problems.push('max_train_steps: must be a whole number of at least 1');
  return problems;
}

function resolutions(v: unknown): number[] | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return [v];
  if (Array.isArray(v)) {
    const ns = v.map(num).filter((n): n is number => n !== undefined);
    return ns.length ? ns : undefined;
  }
  if (typeof v === 'string') {
    const ns = v.split(/[,\s]+/).filter(Boolean).map(num).filter((n): n is number => n !== undefined);
    return ns.length ? ns : undefined;
  }
  return undefined;
}

/** Drops undefined values, so the YAML only has what is set. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The job config (as an object) for this launch. */
export function aiToolkitConfig(ctx: LaunchContext): Record<string, unknown> {
  const p = ctx.params;
  const name = aiToolkitJobName(ctx);
  const arch = str(p.model_arch) ?? 'flux';
  const trigger = str(p.class_tokens) ?? (ctx.triggerToken.trim() ? ctx.triggerToken : undefined);
  const captionExt = (str(p.caption_extension) ?? '.txt').replace(/^\./, '');
  const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
  const process = compact({
    type: 'sd_trainer',
    training_folder: ctx.outputDir,
    device: str(p.device) ?? 'cuda:0',
    trigger_word: trigger,
    network: compact({ type: str(p.network_type) ?? 'lora', linear: num(p.network_dim) ?? 16, linear_alpha: num(p.network_alpha) ?? num(p.network_dim) ?? 16 }),
    save: { dtype: 'float16', save_every: num(p.save_every_n_steps) ?? 250, max_step_saves_to_keep: num(p.max_step_saves_to_keep) ?? 4 },
    datasets: [
      compact({
        folder_path: datasetFolder(ctx),
        caption_ext: captionExt,
        caption_dropout_rate: num(p.caption_dropout_rate) ?? 0.05,
        shuffle_tokens: false,
        cache_latents_to_disk: true,
        resolution: resolutions(p.resolution) ?? [512, 768, 1024],
      }),
    ],
    train: {
      batch_size: num(p.train_batch_size) ?? 1,
      steps: num(p.max_train_steps) ?? 2000,
      gradient_accumulation_steps: num(p.gradient_accumulation_steps) ?? 1,
      train_unet: true,
      train_text_encoder: false,
      gradient_checkpointing: bool(p.gradient_checkpointing, true),
      noise_scheduler: arch === 'flux' ? 'flowmatch' : 'ddpm',
      optimizer: str(p.optimizer_type) ?? 'adamw8bit',
      lr: num(p.learning_rate) ?? 1e-4,
      dtype: str(p.mixed_precision) ?? 'bf16',
    },
    model: compact({
      name_or_path: str(p.pretrained_model_name_or_path),
      is_flux: arch === 'flux' ? true : undefined,
      is_xl: arch === 'sdxl' ? true : undefined,
      quantize: bool(p.quantize, arch === 'flux'),
    }),
  });
  return { job: 'extension', config: { name, process: [process] }, meta: { name: '[name]', version: '1.0', trainlabSession: ctx.sessionId } };
}

function aiToolkitLaunch(ctx: LaunchContext): LaunchSpec {
  const problems = aiToolkitProblems(ctx);
  if (problems.length) throw new TrainerLaunchError(problems.join('; '));
  const dir = ctx.settings.aiToolkitDir!;
  const configPath = join(ctx.sessionDir, 'ai-toolkit.yaml');
  const content = `# Written by Trainlab for session ${ctx.sessionId}.\n${stringify(aiToolkitConfig(ctx), { lineWidth: 0 })}`;
  // run.py puts its working folder on sys.path: it must run in the ai-toolkit folder.
  return { argv: [ctx.settings.python || 'python', join(dir, 'run.py'), configPath], cwd: dir, env: { ...PYTHON_ENV }, files: [{ path: configPath, content }] };
}
