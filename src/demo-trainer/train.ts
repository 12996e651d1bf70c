/**
 * The training loop and everything it prints and writes, with its side channels (output
 * streams, clock, sleep, stop requests) passed in, so tests run it in-process and main.ts
 * runs it as a program. What it prints copies kohya sd-scripts' train_network.py, line for
 * line where a log parser looks (docs: shared/reference/trainer-output.md).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoArgs } from './args';
import type { DataCursor, Dataset } from './data';
import { atEpochStart, imageDataset, newCursor, nextBatch, stepsPerEpoch, syntheticDataset } from './data';
import type { Adapter, Optimizer, Problem } from './lora';
import { initAdapter, lossAndGradients, makeProblem, newOptimizer, sgdStep, STREAM_TRAIN } from './lora';
import { renderSample } from './png';
import { Rng } from './prng';
import { ProgressBar } from './progress-bar';
import { encodeSafetensors } from './safetensors';
import type { TrainingState } from './state';
import { loadState, removeStaleTemporaries, saveState, writeFileAtomic } from './state';

export interface TrainerIO {
  /** One line to stdout (without its newline). */
  out(line: string): void;
  /** Raw text to stderr, where the progress bar goes. */
  err(text: string): void;
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after ms, or earlier once a stop is requested. */
  sleep(ms: number): Promise<void>;
  /** The signal name once one asked training to stop, else undefined. */
  stopRequested(): string | undefined;
}

/** A problem that is the user's to fix, not a bug: the message is enough. Exit status 1, or 2 for a wrong argument. */
export class TrainingError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

export const EXIT_CODE_FOR_SIGNAL: Record<string, number> = { SIGTERM: 143, SIGINT: 130 };

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const stepCheckpointName = (name: string, step: number) => `${name}-step${pad(step, 8)}.safetensors`;
export const stepStateName = (name: string, step: number) => `${name}-step${pad(step, 8)}-state`;
export const lastStateName = (name: string) => `${name}-state`;
export const finalCheckpointName = (name: string) => `${name}.safetensors`;
export const sampleName = (name: string, step: number) => `${name}_${pad(step, 6)}_00.png`;

interface Run {
  args: DemoArgs;
  problem: Problem;
  dataset: Dataset;
  adapter: Adapter;
  optimizer: Optimizer;
  rng: Rng;
  cursor: DataCursor;
  step: number;
}

function loadDataset(args: DemoArgs, problem: Problem): Dataset {
  if (args.trainDataDir === undefined) return syntheticDataset(problem, args.seed);
  try {
    return imageDataset(problem, args.seed, args.trainDataDir);
  } catch (e) {
    throw new TrainingError(`cannot read the dataset: ${(e as Error).message}`);
  }
}

function startRun(args: DemoArgs, io: TrainerIO): Run {
  const problem = makeProblem(args.seed);
  const dataset = loadDataset(args, problem);
  if (args.resume === undefined) {
    const rng = Rng.fromSeed(args.seed, STREAM_TRAIN);
    const adapter = initAdapter(args.networkDim, args.networkAlpha, problem.inFeatures, problem.outFeatures, rng);
    return { args, problem, dataset, adapter, optimizer: newOptimizer(adapter, args.learningRate, args.momentum), rng, cursor: newCursor(), step: 0 };
  }
  io.out(`resume training from local state: ${args.resume}`);
  let state: TrainingState;
  try {
    state = loadState(args.resume);
  } catch (e) {
    throw new TrainingError((e as Error).message);
  }
  const c = state.config;
  // The layer and the data come from the seed, the adapter's shape from the dim: with other
  // values the saved weights would belong to another problem.
  if (c.seed !== args.seed) throw new TrainingError(`the state was trained with --seed ${c.seed}, not ${args.seed}`);
  if (c.networkDim !== args.networkDim) throw new TrainingError(`the state has network_dim ${c.networkDim}, not ${args.networkDim}`);
  if (c.inFeatures !== problem.inFeatures || c.outFeatures !== problem.outFeatures) throw new TrainingError('the state belongs to a layer of another size');
  if (state.datasetSize !== dataset.size) throw new TrainingError(`the state was trained on ${state.datasetSize} samples, the dataset now has ${dataset.size}`);
  if (state.datasetFingerprint !== dataset.fingerprint) io.out('warning: the dataset changed since this state was saved; training continues on the new data');
  const adapter: Adapter = { rank: c.networkDim, alpha: args.networkAlpha, inFeatures: c.inFeatures, outFeatures: c.outFeatures, down: state.down, up: state.up };
  const optimizer: Optimizer = { learningRate: args.learningRate, momentum: args.momentum, downBuffer: state.downBuffer, upBuffer: state.upBuffer };
  return { args, problem, dataset, adapter, optimizer, rng: Rng.fromState(state.rng), cursor: state.cursor, step: state.step };
}

function metadata(run: Run, epoch: number): Record<string, string> {
  const { args } = run;
  // kohya's ss_* keys where they mean the same; no timestamps, so equal runs give equal files.
  return {
    ss_network_module: 'trainlab.demo_trainer',
    ss_network_dim: String(args.networkDim),
    ss_network_alpha: String(args.networkAlpha),
    ss_learning_rate: String(args.learningRate),
    ss_max_train_steps: String(args.maxTrainSteps),
    ss_steps: String(run.step),
    ss_epoch: String(epoch),
    ss_seed: String(args.seed),
    ss_batch_size_per_device: String(args.trainBatchSize),
    ss_num_train_images: String(run.dataset.size),
    ss_output_name: args.outputName,
    ss_dataset_fingerprint: run.dataset.fingerprint,
  };
}

function saveCheckpoint(run: Run, path: string, epoch: number): void {
  const { adapter } = run;
  writeFileAtomic(path, encodeSafetensors(
    {
      'lora_down.weight': { shape: [adapter.rank, adapter.inFeatures], data: adapter.down },
      'lora_up.weight': { shape: [adapter.outFeatures, adapter.rank], data: adapter.up },
    },
    metadata(run, epoch),
  ));
}

function snapshot(run: Run): TrainingState {
  return {
    step: run.step,
    epoch: run.cursor.epoch,
    config: { seed: run.args.seed, networkDim: run.adapter.rank, networkAlpha: run.adapter.alpha, inFeatures: run.adapter.inFeatures, outFeatures: run.adapter.outFeatures },
    down: run.adapter.down,
    up: run.adapter.up,
    downBuffer: run.optimizer.downBuffer,
    upBuffer: run.optimizer.upBuffer,
    learningRate: run.optimizer.learningRate,
    momentum: run.optimizer.momentum,
    rng: run.rng.getState(),
    cursor: run.cursor,
    datasetSize: run.dataset.size,
    datasetFingerprint: run.dataset.fingerprint,
  };
}

/** Trains as the arguments say; resolves to the exit status (0 done, 143/130 stopped by a signal). */
export async function train(args: DemoArgs, io: TrainerIO): Promise<number> {
  if (args.trainDataDir !== undefined && !isFolder(args.trainDataDir)) throw new TrainingError(`--train_data_dir ${args.trainDataDir} is not a folder`, 2);
  if (args.resume !== undefined && !isFolder(args.resume)) throw new TrainingError(`--resume ${args.resume} is not a folder (give a state folder such as ${stepStateName(args.outputName, 100)})`, 2);
  if (existsSync(args.outputDir) && !isFolder(args.outputDir)) throw new TrainingError(`--output_dir ${args.outputDir} is not a folder`, 2);
  const run = startRun(args, io);
  const { dataset, problem, adapter } = run;
  const out = args.outputDir;
  const name = args.outputName;
  mkdirSync(out, { recursive: true });
  removeStaleTemporaries(out);

  const perEpoch = stepsPerEpoch(dataset.size, args.trainBatchSize);
  const epochs = Math.ceil(args.maxTrainSteps / perEpoch);
  io.out(`trainlab demo trainer: ${problem.outFeatures}x${problem.inFeatures} layer, LoRA rank ${args.networkDim} (alpha ${args.networkAlpha}), seed ${args.seed}, ${dataset.description}`);
  io.out('running training / 学習開始');
  io.out(`  num train images * repeats / 学習画像の数×繰り返し回数: ${dataset.size}`);
  io.out('  num reg images / 正則化画像の数: 0');
  io.out(`  num batches per epoch / 1epochのバッチ数: ${perEpoch}`);
  io.out(`  num epochs / epoch数: ${epochs}`);
  io.out(`  batch size per device / バッチサイズ: ${args.trainBatchSize}`);
  io.out('  gradient accumulation steps / 勾配を合計するステップ数 = 1');
  io.out(`  total optimization steps / 学習ステップ数: ${args.maxTrainSteps}`);

  const startStep = run.step;
  // As kohya after --resume: the bar counts this attempt's steps; the absolute step is in train_state.json.
  const bar = new ProgressBar({ total: Math.max(0, args.maxTrainSteps - startStep), write: io.err, now: io.now });
  const say = (line: string) => bar.writeAbove(() => io.out(line));
  // kohya's avr_loss: the mean of the last epoch's worth of step losses.
  const recent: number[] = [];
  let recentSum = 0;
  let announcedEpoch = 0;

  while (run.step < args.maxTrainSteps) {
    // Checked before each step, so a signal during a step or the pause after it stops here.
    const signal = io.stopRequested();
    if (signal !== undefined) {
      bar.close();
      io.out(`received ${signal}: stopped after step ${run.step} of ${args.maxTrainSteps}; resume from the newest state folder`);
      return EXIT_CODE_FOR_SIGNAL[signal] ?? 1;
    }
    const opensEpoch = atEpochStart(run.cursor, dataset.size);
    const epoch = opensEpoch ? run.cursor.epoch + 1 : run.cursor.epoch;
    if (epoch !== announcedEpoch) {
      say(`epoch ${epoch}/${epochs}`);
      announcedEpoch = epoch;
    }
    const batch = nextBatch(run.cursor, dataset, args.trainBatchSize, run.rng, problem.inFeatures, problem.outFeatures);
    const result = lossAndGradients(problem, adapter, batch);
    sgdStep(adapter, run.optimizer, result);
    run.step += 1;

    recent.push(result.loss);
    recentSum += result.loss;
    if (recent.length > perEpoch) recentSum -= recent.shift()!;
    bar.update(run.step - startStep, { avr_loss: recentSum / recent.length });

    if (args.sampleEveryNSteps !== undefined && run.step % args.sampleEveryNSteps === 0) {
      say(`generating sample images at step / サンプル画像生成 ステップ: ${run.step}`);
      mkdirSync(join(out, 'sample'), { recursive: true });
      writeFileAtomic(join(out, 'sample', sampleName(name, run.step)), renderSample(problem, adapter));
    }
    if (run.step % args.saveEveryNSteps === 0) {
      const ckpt = join(out, stepCheckpointName(name, run.step));
      say(`saving checkpoint: ${ckpt}`);
      saveCheckpoint(run, ckpt, run.cursor.epoch);
      say(`saving state at step ${run.step}`);
      saveState(join(out, stepStateName(name, run.step)), snapshot(run));
    }

    if (run.step < args.maxTrainSteps) await io.sleep(args.stepDelayMs);
  }
  bar.close();

  io.out('saving last state.');
  saveState(join(out, lastStateName(name)), snapshot(run));
  const final = join(out, finalCheckpointName(name));
  io.out(`saving checkpoint: ${final}`);
  saveCheckpoint(run, final, run.cursor.epoch);
  io.out('model saved.');
  return 0;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
