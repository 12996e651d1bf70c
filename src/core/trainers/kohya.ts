import type { TrainerDefinition } from './types';

/**
 * kohya sd-scripts LoRA training (`train_network.py`, `sdxl_train_network.py`,
 * `flux_train_network.py`). Names are sd-scripts' own argument names, so a version's
 * parameters map 1:1 onto `--name value`.
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
    { key: 'script', label: 'Training script', type: 'enum', default: 'train_network', values: ['train_network', 'sdxl_train_network', 'flux_train_network'], advanced: true },
  ],
};
