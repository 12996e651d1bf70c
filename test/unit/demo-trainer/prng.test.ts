import assert from 'node:assert/strict';
import { Rng } from '../../../src/demo-trainer/prng';

describe('demo trainer: the seeded PRNG', () => {
  it('gives the same sequence for the same seed and stream, another for another', () => {
    const take = (r: Rng) => Array.from({ length: 20 }, () => r.nextUint32());
    assert.deepEqual(take(Rng.fromSeed(42)), take(Rng.fromSeed(42)));
    assert.notDeepEqual(take(Rng.fromSeed(42)), take(Rng.fromSeed(43)));
    assert.notDeepEqual(take(Rng.fromSeed(42, 1)), take(Rng.fromSeed(42, 2)));
  });

  it('continues identically from a saved state of unsigned words (also through JSON)', () => {
    const a = Rng.fromSeed(9);
    for (let i = 0; i < 100; i++) a.nextNormal();
    assert.ok(a.getState().every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff));
    const saved = JSON.parse(JSON.stringify(a.getState())) as number[];
    const b = Rng.fromState(saved);
    for (let i = 0; i < 50; i++) {
      assert.equal(a.nextNormal(), b.nextNormal());
      assert.equal(a.nextUint32(), b.nextUint32());
    }
  });

  it('rejects a malformed state', () => {
    assert.throws(() => Rng.fromState([1, 2, 3]), /four unsigned 32-bit/);
    assert.throws(() => Rng.fromState([1, 2, 3, -1]), /four unsigned 32-bit/);
    assert.throws(() => Rng.fromState([0, 0, 0, 0]), /all zeros/);
  });

  it('draws plausible uniform and normal values', () => {
    const r = Rng.fromSeed(1);
    const n = 20000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const f = r.nextFloat();
      assert.ok(f >= 0 && f < 1);
      const z = r.nextNormal();
      sum += z;
      sumSq += z * z;
    }
    assert.ok(Math.abs(sum / n) < 0.05);
    assert.ok(Math.abs(sumSq / n - 1) < 0.05);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    const shuffled = Rng.fromSeed(3).shuffle([...items]);
    assert.notDeepEqual(shuffled, items);
    assert.deepEqual([...shuffled].sort((a, b) => a - b), items);
  });
});
