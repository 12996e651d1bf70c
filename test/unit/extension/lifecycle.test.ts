import assert from 'node:assert/strict';
import { Disposable, MutableDisposable, toDisposable } from '../../../src/extension/lifecycle';

class Owner extends Disposable {
  add(fn: () => void) {
    return this._register(toDisposable(fn));
  }
}

describe('lifecycle', () => {
  it('disposes what an owner registered, newest first, once', () => {
    const order: number[] = [];
    const owner = new Owner();
    owner.add(() => order.push(1));
    owner.add(() => order.push(2));
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, [2, 1]);
  });

  it('disposes at once what is registered after disposal', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.add(() => (disposed = true));
    assert.equal(disposed, true);
  });

  it('a failing dispose does not keep the others alive', () => {
    const owner = new Owner();
    let second = false;
    owner.add(() => (second = true));
    owner.add(() => {
      throw new Error('boom');
    });
    owner.dispose();
    assert.equal(second, true);
  });

  it('MutableDisposable disposes the value it replaces', () => {
    const slot = new MutableDisposable();
    const log: string[] = [];
    slot.value = toDisposable(() => log.push('a'));
    slot.value = toDisposable(() => log.push('b'));
    assert.deepEqual(log, ['a']);
    slot.dispose();
    assert.deepEqual(log, ['a', 'b']);
  });
});
