/**
 * The training data: inputs x and targets y = W*·x. Synthetic by default (64 samples from the
 * seed); with --train_data_dir, each image file gives 8 samples drawn from a hash of its name
 * and bytes, so a different dataset really trains a different adapter (the pixels are not
 * decoded: the demo needs no image library). Also the data cursor: which samples come next.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Batch, Problem } from './lora';
import { STREAM_DATA } from './lora';
import { Rng } from './prng';

export const SYNTHETIC_SAMPLES = 64;
/** Samples per image file: the demo's "repeats". */
export const SAMPLES_PER_IMAGE = 8;
/** kohya's IMAGE_EXTENSIONS, lower-case. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.bmp', '.gif', '.avif', '.jxl'];

export interface Dataset {
  size: number;
  xs: Float32Array;
  ys: Float32Array;
  /** Number of image files, 0 for synthetic data. */
  imageCount: number;
  /** Identifies the data, so a resume can tell when the dataset changed under it. */
  fingerprint: string;
  description: string;
}

function withTargets(problem: Problem, xs: Float32Array, size: number): Float32Array {
  const { inFeatures: nIn, outFeatures: nOut, target } = problem;
  const ys = new Float32Array(size * nOut);
  for (let s = 0; s < size; s++) {
    for (let o = 0; o < nOut; o++) {
      let sum = 0;
      for (let i = 0; i < nIn; i++) sum += target[o * nIn + i]! * xs[s * nIn + i]!;
      ys[s * nOut + o] = sum;
    }
  }
  return ys;
}

export function syntheticDataset(problem: Problem, seed: number, size = SYNTHETIC_SAMPLES): Dataset {
  const rng = Rng.fromSeed(seed, STREAM_DATA);
  const xs = new Float32Array(size * problem.inFeatures);
  for (let i = 0; i < xs.length; i++) xs[i] = rng.nextNormal();
  return {
    size,
    xs,
    ys: withTargets(problem, xs, size),
    imageCount: 0,
    fingerprint: `synthetic:${size}:${seed >>> 0}`,
    description: `synthetic data (${size} samples)`,
  };
}

/** Image files under dir (sub-folders too, as kohya's `10_name/` folders), as sorted '/'-separated relative paths. */
export function listImages(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    const entries = readdirSync(rel ? join(dir, rel) : dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && IMAGE_EXTENSIONS.some((ext) => e.name.toLowerCase().endsWith(ext))) found.push(path);
    }
  };
  walk('');
  // Code-unit order, not locale order: the same folder must give the same data on every machine.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** SHA-256 of a relative path and the file's bytes, read in chunks so a large image is never held whole. */
function hashImage(dir: string, rel: string): Buffer {
  const hash = createHash('sha256').update(rel).update('\0');
  const fd = openSync(join(dir, ...rel.split('/')), 'r');
  try {
    const chunk = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest();
}

export function imageDataset(problem: Problem, seed: number, dir: string): Dataset {
  const images = listImages(dir);
  if (images.length === 0) throw new Error(`no image files (${IMAGE_EXTENSIONS.join(' ')}) in ${dir}`);
  const size = images.length * SAMPLES_PER_IMAGE;
  const xs = new Float32Array(size * problem.inFeatures);
  const all = createHash('sha256');
  images.forEach((rel, n) => {
    const digest = hashImage(dir, rel);
    all.update(digest);
    // The seed is mixed in so two seeds on one dataset still differ, as they would with real augmentation.
    const state = Buffer.from(digest.subarray(0, 16));
    state.writeUInt32LE((state.readUInt32LE(0) ^ (seed >>> 0)) >>> 0, 0);
    const rng = Rng.fromBytes(state);
    const from = n * SAMPLES_PER_IMAGE * problem.inFeatures;
    for (let i = 0; i < SAMPLES_PER_IMAGE * problem.inFeatures; i++) xs[from + i] = rng.nextNormal();
  });
  return {
    size,
    xs,
    ys: withTargets(problem, xs, size),
    imageCount: images.length,
    fingerprint: `images:${images.length}:${all.digest('hex').slice(0, 16)}:${seed >>> 0}`,
    description: `${images.length} images × ${SAMPLES_PER_IMAGE} samples from ${dir}`,
  };
}

/**
 * Where training is in the data: the epoch (1-based once started, 0 before), the shuffled
 * order of this epoch, and the position in it. Saved with the state so a resume takes the
 * very batches the interrupted run would have taken.
 */
export interface DataCursor {
  epoch: number;
  position: number;
  order: number[];
}

export function newCursor(): DataCursor {
  return { epoch: 0, position: 0, order: [] };
}

export function stepsPerEpoch(size: number, batchSize: number): number {
  return Math.ceil(size / batchSize);
}

/** True when the next batch opens a new epoch (the order is used up, or none was drawn yet). */
export function atEpochStart(cursor: DataCursor, size: number): boolean {
  return cursor.order.length !== size || cursor.position >= size;
}

/**
 * The next batch; the last batch of an epoch is smaller when the size is not a multiple of the
 * batch size, as with a PyTorch DataLoader without drop_last. A new epoch reshuffles with rng.
 */
export function nextBatch(cursor: DataCursor, dataset: Dataset, batchSize: number, rng: Rng, nIn: number, nOut: number): Batch {
  if (atEpochStart(cursor, dataset.size)) {
    cursor.order = rng.shuffle(Array.from({ length: dataset.size }, (_, i) => i));
    cursor.position = 0;
    cursor.epoch += 1;
  }
  const picked = cursor.order.slice(cursor.position, cursor.position + batchSize);
  cursor.position += picked.length;
  const xs = new Float32Array(picked.length * nIn);
  const ys = new Float32Array(picked.length * nOut);
  picked.forEach((s, b) => {
    xs.set(dataset.xs.subarray(s * nIn, (s + 1) * nIn), b * nIn);
    ys.set(dataset.ys.subarray(s * nOut, (s + 1) * nOut), b * nOut);
  });
  return { xs, ys, count: picked.length };
}
