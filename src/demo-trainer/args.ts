/**
 * The demo trainer's command line, in kohya sd-scripts' style (`--name value` or
 * `--name=value`, underscores), so Trainlab builds it the way it builds a kohya command.
 * Parsing is pure: it returns the values or the first problem, and main.ts turns a problem
 * into a message and exit status 2.
 */
export interface DemoArgs {
  outputDir: string;
  outputName: string;
  maxTrainSteps: number;
  saveEveryNSteps: number;
  learningRate: number;
  momentum: number;
  networkDim: number;
  networkAlpha: number;
  trainBatchSize: number;
  seed: number;
  stepDelayMs: number;
  trainDataDir?: string;
  resume?: string;
  sampleEveryNSteps?: number;
}

export const USAGE = `usage: node demo-trainer.js --output_dir DIR [options]

Trainlab's demo trainer: trains a small LoRA (a rank-r adapter on a 32×32 layer) on synthetic
data, printing and saving what kohya sd-scripts prints and saves.

  --output_dir DIR            where checkpoints, state folders and samples go (required)
  --output_name NAME          file name stem (default demo)
  --max_train_steps N         total optimization steps (default 1000)
  --save_every_n_steps N      checkpoint and state every N steps (default 100)
  --learning_rate F           SGD learning rate (default 0.05)
  --momentum F                SGD momentum, 0 for plain SGD (default 0.9)
  --network_dim N             LoRA rank, 1-64 (default 4)
  --network_alpha F           LoRA alpha (default: network_dim)
  --train_batch_size N        samples per step (default 8)
  --seed N                    seed of the layer, the data and training (default 42)
  --step_delay_ms N           pause after each step, to make a demo last (default 20)
  --train_data_dir DIR        derive the data from the image files in DIR (8 samples each)
  --resume DIR                continue from a state folder (<name>-step00000100-state)
  --sample_every_n_steps N    write sample/<name>_<step>_00.png every N steps
  --save_state                accepted for kohya compatibility; state is always saved
  --help                      this text`;

type Kind = 'int' | 'float' | 'string';

interface Spec {
  key: keyof DemoArgs;
  kind: Kind;
  min?: number;
  max?: number;
  /** The lower bound itself is not allowed (a learning rate of exactly 0 is fine, a dim of 0 is not). */
  exclusiveMin?: boolean;
}

const SPECS: Record<string, Spec> = {
  output_dir: { key: 'outputDir', kind: 'string' },
  output_name: { key: 'outputName', kind: 'string' },
  max_train_steps: { key: 'maxTrainSteps', kind: 'int', min: 1, max: 100_000_000 },
  save_every_n_steps: { key: 'saveEveryNSteps', kind: 'int', min: 1 },
  learning_rate: { key: 'learningRate', kind: 'float', min: 0, max: 100 },
  momentum: { key: 'momentum', kind: 'float', min: 0, max: 0.999 },
  network_dim: { key: 'networkDim', kind: 'int', min: 1, max: 64 },
  network_alpha: { key: 'networkAlpha', kind: 'float', min: 0, max: 1_000_000, exclusiveMin: true },
  train_batch_size: { key: 'trainBatchSize', kind: 'int', min: 1, max: 4096 },
  seed: { key: 'seed', kind: 'int', min: 0, max: 4_294_967_295 },
  step_delay_ms: { key: 'stepDelayMs', kind: 'int', min: 0, max: 3_600_000 },
  train_data_dir: { key: 'trainDataDir', kind: 'string' },
  resume: { key: 'resume', kind: 'string' },
  sample_every_n_steps: { key: 'sampleEveryNSteps', kind: 'int', min: 1 },
};

/** kohya flags that take no value and change nothing here. */
const IGNORED_FLAGS = new Set(['save_state']);

export type ParseResult = { ok: true; args: DemoArgs } | { ok: true; help: true } | { ok: false; error: string };

function convert(name: string, raw: string, spec: Spec): number | string | { error: string } {
  if (spec.kind === 'string') {
    if (raw === '') return { error: `--${name} needs a value` };
    if (spec.key === 'outputName' && !/^[^/\\:*?"<>|\0]+$/.test(raw)) return { error: `--${name} must be a file name without path separators, got "${raw}"` };
    return raw;
  }
  const pattern = spec.kind === 'int' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  const value = Number(raw);
  if (!pattern.test(raw.trim()) || !Number.isFinite(value)) return { error: `--${name} must be ${spec.kind === 'int' ? 'an integer' : 'a number'}, got "${raw}"` };
  const low = spec.min ?? -Infinity;
  if (value < low || (spec.exclusiveMin && value === low) || value > (spec.max ?? Infinity)) {
    const range = spec.max === undefined ? `${spec.exclusiveMin ? '>' : '≥'} ${low}` : `${spec.exclusiveMin ? 'above' : 'from'} ${low} to ${spec.max}`;
    return { error: `--${name} must be ${range}, got ${raw}` };
  }
  return value;
}

export function parseArgs(argv: readonly string[]): ParseResult {
  const values: Partial<Record<keyof DemoArgs, number | string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--help' || token === '-h') return { ok: true, help: true };
    if (!token.startsWith('--') || token === '--') return { ok: false, error: `unexpected argument "${token}" (options look like --name value)` };
    const eq = token.indexOf('=');
    const name = (eq >= 0 ? token.slice(2, eq) : token.slice(2)).replace(/-/g, '_');
    if (IGNORED_FLAGS.has(name)) {
      if (eq >= 0) return { ok: false, error: `--${name} takes no value` };
      continue;
    }
    const spec = SPECS[name];
    if (!spec) return { ok: false, error: `unknown option --${name}` };
    let raw: string;
    if (eq >= 0) {
      raw = token.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) return { ok: false, error: `--${name} needs a value` };
      raw = next;
      i++;
    }
    const value = convert(name, raw, spec);
    if (typeof value === 'object') return { ok: false, error: value.error };
    values[spec.key] = value; // a repeated option: the last one wins, as with argparse
  }
  if (values.outputDir === undefined) return { ok: false, error: 'the --output_dir option is required' };
  const networkDim = (values.networkDim as number | undefined) ?? 4;
  const args: DemoArgs = {
    outputDir: values.outputDir as string,
    outputName: (values.outputName as string | undefined) ?? 'demo',
    maxTrainSteps: (values.maxTrainSteps as number | undefined) ?? 1000,
    saveEveryNSteps: (values.saveEveryNSteps as number | undefined) ?? 100,
    learningRate: (values.learningRate as number | undefined) ?? 0.05,
    momentum: (values.momentum as number | undefined) ?? 0.9,
    networkDim,
    networkAlpha: (values.networkAlpha as number | undefined) ?? networkDim,
    trainBatchSize: (values.trainBatchSize as number | undefined) ?? 8,
    seed: (values.seed as number | undefined) ?? 42,
    stepDelayMs: (values.stepDelayMs as number | undefined) ?? 20,
  };
  if (values.trainDataDir !== undefined) args.trainDataDir = values.trainDataDir as string;
  if (values.resume !== undefined) args.resume = values.resume as string;
  if (values.sampleEveryNSteps !== undefined) args.sampleEveryNSteps = values.sampleEveryNSteps as number;
  return { ok: true, args };
}
