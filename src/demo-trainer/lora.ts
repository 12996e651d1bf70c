/**
 * The math of the demo: one fixed linear layer W (out × in) and a LoRA adapter on it,
 *   y = (W + (alpha / r) · B · A) · x,   A = lora_down (r × in), B = lora_up (out × r),
 * trained by SGD (with momentum) on mean squared error towards a fixed "style" layer
 * W* = W + Δ, where Δ is a random low-rank matrix. Everything that persists (A, B, the
 * momentum buffers) is float32, the dtype of the saved files, so a state written to disk and
 * read back is bit-for-bit the state in memory and a resumed run continues exactly.
 *
 * Typed-array reads use `!`: the indexes are loop-bounded, and the compiler's
 * noUncheckedIndexedAccess cannot see that.
 */
import { Rng } from './prng';

/** The size of the layer and the rank of the hidden style change. */
export const IN_FEATURES = 32;
export const OUT_FEATURES = 32;
export const TARGET_RANK = 4;

/** PRNG streams of one seed: each purpose draws from its own, so changing one never shifts another. */
export const STREAM_LAYER = 1;
export const STREAM_DATA = 2;
export const STREAM_TRAIN = 3;

export interface Problem {
  inFeatures: number;
  outFeatures: number;
  /** W, row-major out × in. */
  base: Float32Array;
  /** W* = W + Δ, row-major out × in: what the adapter should learn to imitate. */
  target: Float32Array;
  /** Δ alone, for the sample images. */
  delta: Float32Array;
}

export interface Adapter {
  rank: number;
  alpha: number;
  inFeatures: number;
  outFeatures: number;
  /** A = lora_down.weight, row-major r × in. */
  down: Float32Array;
  /** B = lora_up.weight, row-major out × r. */
  up: Float32Array;
}

export interface Optimizer {
  learningRate: number;
  momentum: number;
  /** Momentum buffers, shaped like down and up (PyTorch SGD's momentum_buffer). */
  downBuffer: Float32Array;
  upBuffer: Float32Array;
}

/** The fixed layer and the style to learn, from the seed alone. */
export function makeProblem(seed: number, inFeatures = IN_FEATURES, outFeatures = OUT_FEATURES, targetRank = TARGET_RANK): Problem {
  const rng = Rng.fromSeed(seed, STREAM_LAYER);
  const base = new Float32Array(outFeatures * inFeatures);
  for (let i = 0; i < base.length; i++) base[i] = rng.nextNormal() / Math.sqrt(inFeatures);
  const u = Array.from({ length: outFeatures * targetRank }, () => rng.nextNormal());
  const v = Array.from({ length: targetRank * inFeatures }, () => rng.nextNormal());
  // Scaled so Δ·x has a variance near 0.25 for x ~ N(0, I): the first loss is about 0.25.
  const scale = 0.5 / Math.sqrt(targetRank * inFeatures);
  const delta = new Float32Array(outFeatures * inFeatures);
  const target = new Float32Array(outFeatures * inFeatures);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      let sum = 0;
      for (let k = 0; k < targetRank; k++) sum += u[o * targetRank + k]! * v[k * inFeatures + i]!;
      delta[o * inFeatures + i] = sum * scale;
      target[o * inFeatures + i] = base[o * inFeatures + i]! + delta[o * inFeatures + i]!;
    }
  }
  return { inFeatures, outFeatures, base, target, delta };
}

/**
 * A new adapter as LoRA starts one: A uniform in ±1/√in (PyTorch's kaiming_uniform bound for
 * a = √5), B all zeros, so the adapted layer starts as exactly W.
 */
export function initAdapter(rank: number, alpha: number, inFeatures: number, outFeatures: number, rng: Rng): Adapter {
  const bound = 1 / Math.sqrt(inFeatures);
  const down = new Float32Array(rank * inFeatures);
  for (let i = 0; i < down.length; i++) down[i] = (rng.nextFloat() * 2 - 1) * bound;
  return { rank, alpha, inFeatures, outFeatures, down, up: new Float32Array(outFeatures * rank) };
}

export function newOptimizer(adapter: Adapter, learningRate: number, momentum: number): Optimizer {
  return {
    learningRate,
    momentum,
    downBuffer: new Float32Array(adapter.down.length),
    upBuffer: new Float32Array(adapter.up.length),
  };
}

/** The adapter's change to the layer, (alpha / r) · B · A, row-major out × in. */
export function adapterDelta(adapter: Adapter): Float32Array {
  const { rank, inFeatures, outFeatures, down, up } = adapter;
  const scale = adapter.alpha / rank;
  const out = new Float32Array(outFeatures * inFeatures);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      let sum = 0;
      for (let k = 0; k < rank; k++) sum += up[o * rank + k]! * down[k * inFeatures + i]!;
      out[o * inFeatures + i] = sum * scale;
    }
  }
  return out;
}

export interface Batch {
  /** Inputs, row-major count × in. */
  xs: Float32Array;
  /** Targets W*·x, row-major count × out. */
  ys: Float32Array;
  count: number;
}

export interface StepResult {
  loss: number;
  gradDown: Float64Array;
  gradUp: Float64Array;
}

/** Forward pass, MSE over the batch and all outputs, and its gradients with respect to A and B. */
export function lossAndGradients(problem: Problem, adapter: Adapter, batch: Batch): StepResult {
  const { rank, inFeatures: nIn, outFeatures: nOut, down, up } = adapter;
  const scale = adapter.alpha / rank;
  const gradDown = new Float64Array(down.length);
  const gradUp = new Float64Array(up.length);
  const h = new Float64Array(rank);
  const g = new Float64Array(nOut);
  const dh = new Float64Array(rank);
  // d(mean of squares)/d(prediction) = 2·error / (batch · outputs)
  const norm = 2 / (batch.count * nOut);
  let sumSq = 0;
  for (let b = 0; b < batch.count; b++) {
    const x = b * nIn;
    for (let k = 0; k < rank; k++) {
      let s = 0;
      for (let i = 0; i < nIn; i++) s += down[k * nIn + i]! * batch.xs[x + i]!;
      h[k] = s;
    }
    for (let o = 0; o < nOut; o++) {
      let pred = 0;
      for (let i = 0; i < nIn; i++) pred += problem.base[o * nIn + i]! * batch.xs[x + i]!;
      let lora = 0;
      for (let k = 0; k < rank; k++) lora += up[o * rank + k]! * h[k]!;
      pred += scale * lora;
      const err = pred - batch.ys[b * nOut + o]!;
      sumSq += err * err;
      g[o] = err * norm;
    }
    // ∂L/∂B = scale · g · hᵀ ;  ∂L/∂h = scale · Bᵀ · g ;  ∂L/∂A = ∂L/∂h · xᵀ
    dh.fill(0);
    for (let o = 0; o < nOut; o++) {
      const go = g[o]! * scale;
      for (let k = 0; k < rank; k++) {
        gradUp[o * rank + k]! += go * h[k]!;
        dh[k]! += go * up[o * rank + k]!;
      }
    }
    for (let k = 0; k < rank; k++) {
      for (let i = 0; i < nIn; i++) gradDown[k * nIn + i]! += dh[k]! * batch.xs[x + i]!;
    }
  }
  return { loss: sumSq / (batch.count * nOut), gradDown, gradUp };
}

/** PyTorch's SGD update: buf = momentum·buf + grad; param -= lr·buf (plain SGD when momentum is 0). */
export function sgdStep(adapter: Adapter, optimizer: Optimizer, grads: StepResult): void {
  update(adapter.down, optimizer.downBuffer, grads.gradDown, optimizer);
  update(adapter.up, optimizer.upBuffer, grads.gradUp, optimizer);
}

function update(param: Float32Array, buffer: Float32Array, grad: Float64Array, optimizer: Optimizer): void {
  for (let i = 0; i < param.length; i++) {
    const step = optimizer.momentum > 0 ? optimizer.momentum * buffer[i]! + grad[i]! : grad[i]!;
    buffer[i] = step;
    param[i] = param[i]! - optimizer.learningRate * buffer[i]!;
  }
}

/** Mean squared difference between the adapted layer and the style layer: how far training still has to go. */
export function distanceToTarget(problem: Problem, adapter: Adapter): number {
  const delta = adapterDelta(adapter);
  let sum = 0;
  for (let i = 0; i < delta.length; i++) {
    const d = problem.base[i]! + delta[i]! - problem.target[i]!;
    sum += d * d;
  }
  return sum / delta.length;
}
