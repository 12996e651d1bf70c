import type { TrainerDefinition } from './types';

/**
 * The built-in demo trainer: a tiny real LoRA trained in Node on synthetic data, so a person
 * can try every feature without a GPU or Python.
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
    { key: 'seed', label: 'Seed', type: 'integer', default: 42, min: 0, max: 4_294_967_295, advanced: true },
    { key: 'step_delay_ms', label: 'Step delay (ms)', type: 'integer', default: 20, min: 0, max: 60_000, advanced: true, description: 'Slows each step down so a demo lasts as long as wanted.' },
  ],
};
