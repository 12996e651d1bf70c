/**
 * A small seeded PRNG (xoshiro128**), implemented here rather than taken from Math.random so a
 * run is reproducible from its seed and its whole state (four 32-bit words) can be written to
 * a state folder and restored: a resumed run then draws exactly the numbers the uninterrupted
 * run would have drawn.
 */
export type RngState = [number, number, number, number];

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: spreads one 32-bit seed over the four state words (xoshiro must not start at all zeros). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: RngState) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0) as RngState;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new Error('xoshiro128** state must not be all zeros');
  }

  /** A generator for one purpose (`stream`) of one seed, so the layer, the data and training draw independently. */
  static fromSeed(seed: number, stream = 0): Rng {
    const mix = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x27d4eb2d));
    return new Rng([mix(), mix(), mix(), mix()]);
  }

  /** A generator whose state comes from bytes (at least 16), e.g. a hash of an image file. */
  static fromBytes(bytes: Uint8Array): Rng {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const state: RngState = [view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)];
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    return new Rng(state);
  }

  static fromState(state: readonly number[]): Rng {
    if (state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error('a PRNG state is four unsigned 32-bit integers');
    }
    return new Rng([...state] as RngState);
  }

  /** As unsigned words: the arithmetic leaves some of them as signed int32 in between. */
  getState(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). The modulo bias is below 2^-20 for the sizes used here. */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }

  /**
   * Standard normal by Box-Muller. The second value is thrown away on purpose: a cached spare
   * would be hidden state that the four saved words do not capture.
   */
  nextNormal(): number {
    const u1 = 1 - this.nextFloat(); // (0, 1]: log(0) is avoided
    const u2 = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}
