/**
 * State folders, as kohya's `--save_state` writes them (`<name>-step00000100-state/`, with a
 * `train_state.json` that says where training stood), holding everything needed to continue
 * exactly: weights, optimizer buffers, PRNG state and data cursor.
 *
 *   model.safetensors       lora_down.weight, lora_up.weight (F32)
 *   optimizer.safetensors   their SGD momentum buffers (F32); metadata: learning rate, momentum
 *   random_states.json      { "algorithm": "xoshiro128**", "state": [4 × uint32] }
 *   data_cursor.json        { "epoch", "position", "order": [...], "dataset_size", "dataset_fingerprint" } (one line)
 *   run_config.json         { "trainer", "format", "seed", "network_dim", "network_alpha", "in_features", "out_features" }
 *   train_state.json        { "current_epoch": E, "current_step": S }
 *
 * A folder is written whole under a temporary name and then renamed, so a folder with the
 * final name is always complete: a kill mid-save leaves only a `.…tmp-<pid>` folder behind.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DataCursor } from './data';
import type { RngState } from './prng';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

export const STATE_FILES = ['model.safetensors', 'optimizer.safetensors', 'random_states.json', 'data_cursor.json', 'run_config.json', 'train_state.json'] as const;
const FORMAT = 1;
const TRAINER = 'trainlab-demo';

export interface RunConfig {
  seed: number;
  networkDim: number;
  networkAlpha: number;
  inFeatures: number;
  outFeatures: number;
}

export interface TrainingState {
  step: number;
  /** kohya's current_epoch: the epoch in progress (1-based), 0 before the first. */
  epoch: number;
  config: RunConfig;
  down: Float32Array;
  up: Float32Array;
  downBuffer: Float32Array;
  upBuffer: Float32Array;
  learningRate: number;
  momentum: number;
  rng: RngState;
  cursor: DataCursor;
  datasetSize: number;
  datasetFingerprint: string;
}

/** Writes, then flushes to disk, so a rename that follows never publishes a file the OS has not stored. */
function writeDurable(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a folder makes a rename in it durable; not possible on every platform, and then skipped. */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a folder for fsync; its renames are durable enough for a demo.
  }
}

function tempName(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${what}-${process.pid}`);
}

/** A file appears whole or not at all (temporary file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempName(path, 'tmp');
  try {
    writeDurable(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncFolder(dirname(path));
}

/**
 * Fills a temporary folder with `fill`, then renames it to `path`. A folder already at `path`
 * (the last state of an earlier run in the same output folder) is moved aside first and
 * removed after: rename cannot replace a non-empty folder.
 */
export function writeFolderAtomic(path: string, fill: (tmpDir: string) => void): void {
  const tmp = tempName(path, 'tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    fill(tmp);
    syncFolder(tmp);
    if (existsSync(path)) {
      const old = tempName(path, 'old');
      rmSync(old, { recursive: true, force: true });
      renameSync(path, old);
      renameSync(tmp, path);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, path);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  syncFolder(dirname(path));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Tidies what a killed save left in outputDir: a temporary folder or file is removed; a
 * folder moved aside for replacement goes back to its name if the replacement never arrived
 * (a kill between the two renames of writeFolderAtomic), else it is removed. Entries of a
 * process that still runs are left alone.
 */
export function removeStaleTemporaries(outputDir: string): void {
  for (const entry of readdirSync(outputDir)) {
    const m = /^\.(.+)\.(tmp|old)-(\d+)$/.exec(entry);
    if (!m || processAlive(Number(m[3]))) continue;
    const path = join(outputDir, entry);
    const original = join(outputDir, m[1]!);
    if (m[2] === 'old' && !existsSync(original)) renameSync(path, original);
    else rmSync(path, { recursive: true, force: true });
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function saveState(path: string, state: TrainingState): void {
  const c = state.config;
  writeFolderAtomic(path, (dir) => {
    writeDurable(join(dir, 'model.safetensors'), encodeSafetensors(
      {
        'lora_down.weight': { shape: [c.networkDim, c.inFeatures], data: state.down },
        'lora_up.weight': { shape: [c.outFeatures, c.networkDim], data: state.up },
      },
      { ss_network_dim: String(c.networkDim), ss_network_alpha: String(c.networkAlpha) },
    ));
    writeDurable(join(dir, 'optimizer.safetensors'), encodeSafetensors(
      {
        'lora_down.weight.momentum_buffer': { shape: [c.networkDim, c.inFeatures], data: state.downBuffer },
        'lora_up.weight.momentum_buffer': { shape: [c.outFeatures, c.networkDim], data: state.upBuffer },
      },
      { optimizer: 'SGD', learning_rate: String(state.learningRate), momentum: String(state.momentum) },
    ));
    writeDurable(join(dir, 'random_states.json'), json({ algorithm: 'xoshiro128**', state: state.rng }));
    // One line: the order lists every sample, one a line would be most of the folder.
    writeDurable(join(dir, 'data_cursor.json'), `${JSON.stringify({
      epoch: state.cursor.epoch,
      position: state.cursor.position,
      order: state.cursor.order,
      dataset_size: state.datasetSize,
      dataset_fingerprint: state.datasetFingerprint,
    })}\n`);
    writeDurable(join(dir, 'run_config.json'), json({
      trainer: TRAINER,
      format: FORMAT,
      seed: c.seed,
      network_dim: c.networkDim,
      network_alpha: c.networkAlpha,
      in_features: c.inFeatures,
      out_features: c.outFeatures,
    }));
    writeDurable(join(dir, 'train_state.json'), json({ current_epoch: state.epoch, current_step: state.step }));
  });
}

function readJson(dir: string, file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(join(dir, file), 'utf8');
  } catch {
    throw new Error(`${file} is missing`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file} is not valid: ${(e as Error).message}`);
  }
}

function int(obj: Record<string, unknown>, key: string, file: string, min = 0): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${file}: "${key}" must be an integer ≥ ${min}`);
  return v;
}

function num(obj: Record<string, unknown>, key: string, file: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${file}: "${key}" must be a number`);
  return v;
}

function tensor(dir: string, file: string, name: string, shape: number[]): Float32Array {
  let parsed;
  try {
    parsed = decodeSafetensors(readFileSync(join(dir, file)));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const t = parsed.tensors[name];
  if (!t) throw new Error(`${file} has no tensor "${name}"`);
  if (t.shape.join(',') !== shape.join(',')) throw new Error(`${file}: "${name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
  return t.data;
}

/** Reads and checks a state folder; throws with the folder and what is wrong. */
export function loadState(path: string): TrainingState {
  try {
    const run = readJson(path, 'run_config.json');
    if (run.trainer !== TRAINER || run.format !== FORMAT) throw new Error(`run_config.json: not a state of this demo trainer (trainer ${String(run.trainer)}, format ${String(run.format)})`);
    const config: RunConfig = {
      seed: int(run, 'seed', 'run_config.json'),
      networkDim: int(run, 'network_dim', 'run_config.json', 1),
      networkAlpha: num(run, 'network_alpha', 'run_config.json'),
      inFeatures: int(run, 'in_features', 'run_config.json', 1),
      outFeatures: int(run, 'out_features', 'run_config.json', 1),
    };
    const train = readJson(path, 'train_state.json');
    const rngFile = readJson(path, 'random_states.json');
    const rng = rngFile.state;
    if (rngFile.algorithm !== 'xoshiro128**' || !Array.isArray(rng) || rng.length !== 4 || !rng.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error('random_states.json: expected { "algorithm": "xoshiro128**", "state": [four uint32] }');
    }
    const cur = readJson(path, 'data_cursor.json');
    const datasetSize = int(cur, 'dataset_size', 'data_cursor.json', 1);
    const order = cur.order;
    if (!Array.isArray(order) || (order.length !== 0 && order.length !== datasetSize) || !order.every((v) => Number.isInteger(v) && v >= 0 && v < datasetSize)) {
      throw new Error('data_cursor.json: "order" must list the dataset\'s sample indexes');
    }
    const opt = decodeSafetensors(readFileSync(join(path, 'optimizer.safetensors'))).metadata;
    const { networkDim: r, inFeatures: nIn, outFeatures: nOut } = config;
    return {
      step: int(train, 'current_step', 'train_state.json'),
      epoch: int(train, 'current_epoch', 'train_state.json'),
      config,
      down: tensor(path, 'model.safetensors', 'lora_down.weight', [r, nIn]),
      up: tensor(path, 'model.safetensors', 'lora_up.weight', [nOut, r]),
      downBuffer: tensor(path, 'optimizer.safetensors', 'lora_down.weight.momentum_buffer', [r, nIn]),
      upBuffer: tensor(path, 'optimizer.safetensors', 'lora_up.weight.momentum_buffer', [nOut, r]),
      learningRate: Number(opt.learning_rate),
      momentum: Number(opt.momentum),
      rng: rng as RngState,
      cursor: { epoch: int(cur, 'epoch', 'data_cursor.json'), position: int(cur, 'position', 'data_cursor.json'), order: order as number[] },
      datasetSize,
      datasetFingerprint: String(cur.dataset_fingerprint ?? ''),
    };
  } catch (e) {
    throw new Error(`state folder ${path}: ${(e as Error).message}`);
  }
}

/** A state folder with every file in place (a final-named folder always is one; this also rejects hand-made ones). */
export function isCompleteState(path: string): boolean {
  try {
    return statSync(path).isDirectory() && STATE_FILES.every((f) => statSync(join(path, f)).isFile());
  } catch {
    return false;
  }
}

/** The complete state folder of `name` in outputDir with the highest current_step, or undefined. */
export function findLatestState(outputDir: string, name: string): string | undefined {
  let best: { path: string; step: number } | undefined;
  let entries: string[];
  try {
    entries = readdirSync(outputDir);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (entry !== `${name}-state` && !(entry.startsWith(`${name}-`) && entry.endsWith('-state'))) continue;
    const path = join(outputDir, entry);
    if (!isCompleteState(path)) continue;
    try {
      const step = (JSON.parse(readFileSync(join(path, 'train_state.json'), 'utf8')) as { current_step?: unknown }).current_step;
      if (typeof step === 'number' && (!best || step > best.step)) best = { path, step };
    } catch {
      // an unreadable train_state.json: not a resume point
    }
  }
  return best?.path;
}
