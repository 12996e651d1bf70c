import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseProgress, parseStreamItems, progressUpdateSchema, type ParsedProgress } from '../../../src/core/backends/runpod';

const NONE: ParsedProgress = { step: null, total: null, fraction: null, loss: null, lr: null, epoch: null, checkpoint: null, report: null };
const p = (partial: Partial<ParsedProgress>): ParsedProgress => ({ ...NONE, ...partial });

describe('parseProgress', () => {
  it('reads the contract progress update', () => {
    assert.deepEqual(parseProgress({ step: 40, total: 100, loss: 0.12, lr: 1e-4, epoch: 2, checkpoint: { ref: 's3://b/ck-40', step: 40 } }), {
      step: 40, total: 100, fraction: 0.4, loss: 0.12, lr: 1e-4, epoch: 2, checkpoint: { ref: 's3://b/ck-40', step: 40 }, report: null,
    });
    assert.deepEqual(parseProgress({ step: 3 }), p({ step: 3 }));
    assert.deepEqual(parseProgress({ step: 3, total: null, loss: null }), p({ step: 3 }));
  });

  it('reads "step/total" strings, bare or wrapped in { progress }', () => {
    assert.deepEqual(parseProgress('4/10'), p({ step: 4, total: 10, fraction: 0.4 }));
    assert.deepEqual(parseProgress('4 / 10 steps'), p({ step: 4, total: 10, fraction: 0.4 }));
    assert.deepEqual(parseProgress('step 4/10'), p({ step: 4, total: 10, fraction: 0.4 }));
    assert.deepEqual(parseProgress({ progress: '4/10' }), p({ step: 4, total: 10, fraction: 0.4 }));
    assert.deepEqual(parseProgress({ progress: '4/10', loss: 0.5 }), p({ step: 4, total: 10, fraction: 0.4, loss: 0.5 }));
    assert.deepEqual(parseProgress('12/10'), p({ step: 12, total: 10, fraction: 1 }));
    assert.equal(parseProgress('4/0'), null);
  });

  it('reads percentages and bare numbers', () => {
    assert.deepEqual(parseProgress('40%'), p({ fraction: 0.4 }));
    assert.deepEqual(parseProgress('40.5 %'), p({ fraction: 0.405 }));
    assert.deepEqual(parseProgress(0.25), p({ fraction: 0.25 }));
    assert.deepEqual(parseProgress(1), p({ fraction: 1 }));
    assert.deepEqual(parseProgress(40), p({ fraction: 0.4 }));
    assert.deepEqual(parseProgress('0.5'), p({ fraction: 0.5 }));
    assert.deepEqual(parseProgress({ percent: 40 }), p({ fraction: 0.4 }));
    assert.deepEqual(parseProgress({ percentage: '12.5' }), p({ fraction: 0.125 }));
    assert.deepEqual(parseProgress({ progress: 0.5 }), p({ fraction: 0.5 }));
    assert.equal(parseProgress(150), null);
    assert.equal(parseProgress('101%'), null);
    assert.equal(parseProgress(-1), null);
  });

  it('reads other workers\' names, numeric strings and a JSON string', () => {
    assert.deepEqual(parseProgress({ global_step: '7', max_steps: 70, learning_rate: '0.0001', loss: '1.5' }), p({ step: 7, total: 70, fraction: 0.1, lr: 0.0001, loss: 1.5 }));
    assert.deepEqual(parseProgress('{"step": 5, "total": 20}'), p({ step: 5, total: 20, fraction: 0.25 }));
    assert.deepEqual(parseProgress({ checkpoint: 's3://b/ck' }), p({ checkpoint: { ref: 's3://b/ck', step: null } }));
  });

  it('answers null for garbage', () => {
    for (const v of [null, undefined, true, [], [1, 2], {}, { foo: 1 }, '', 'loading model…', 'abc/def', '{broken', { step: -1 }, { step: 1.5 }, { loss: 'nan' }, Number.NaN, Infinity]) {
      assert.equal(parseProgress(v), null, `for ${JSON.stringify(v)}`);
    }
  });

  it('never throws on arbitrary JSON, and any fraction is within [0, 1]', () => {
    const progressish = fc.oneof(
      fc.jsonValue(),
      fc.record({ progress: fc.jsonValue(), step: fc.jsonValue(), total: fc.jsonValue(), percent: fc.jsonValue() }, { requiredKeys: [] }),
      fc.tuple(fc.integer({ min: -5, max: 1e6 }), fc.integer({ min: -5, max: 1e6 })).map(([a, b]) => `${a}/${b}`),
      fc.double({ noNaN: false }).map((n) => `${n}%`),
      fc.double(),
    );
    fc.assert(
      fc.property(progressish, (v) => {
        const r = parseProgress(v);
        if (r?.fraction != null) assert.ok(r.fraction >= 0 && r.fraction <= 1, `fraction ${r.fraction} for ${JSON.stringify(v)}`);
        if (r?.step != null) assert.ok(Number.isSafeInteger(r.step) && r.step >= 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads every valid contract update to the same values', () => {
    const update = fc.record(
      {
        step: fc.nat(),
        total: fc.option(fc.integer({ min: 1, max: 1e7 })),
        loss: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
        lr: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
        epoch: fc.option(fc.nat()),
        checkpoint: fc.option(fc.record({ ref: fc.string({ minLength: 1 }).filter((s) => s.trim().length > 0), step: fc.option(fc.nat()) })),
      },
      { requiredKeys: ['step'] },
    );
    fc.assert(
      fc.property(update, (u) => {
        assert.ok(progressUpdateSchema.safeParse(u).success);
        const r = parseProgress(u);
        assert.ok(r);
        assert.equal(r.step, u.step);
        assert.equal(r.total, u.total ?? null);
        assert.equal(r.loss, u.loss ?? null);
        assert.equal(r.lr, u.lr ?? null);
        assert.equal(r.epoch, u.epoch ?? null);
        assert.deepEqual(r.checkpoint, u.checkpoint ? { ...u.checkpoint } : null);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseStreamItems', () => {
  it('reads our numbered chunks, bare or wrapped in { output }', () => {
    assert.deepEqual(parseStreamItems([{ seq: 1, lines: ['a', 'b'] }, { output: { seq: 2, lines: ['c'] } }]), [
      { seq: 1, lines: ['a', 'b'] },
      { seq: 2, lines: ['c'] },
    ]);
  });

  it('keeps the checkpoint a chunk names, even a chunk with no lines; drops a malformed one with its chunk read as text', () => {
    assert.deepEqual(parseStreamItems([{ seq: 3, lines: ['saved'], checkpoint: { ref: 's3://b/ck-20', step: 20 } }, { seq: 4, lines: [], checkpoint: { ref: 's3://b/ck-30', step: 30 } }, { seq: 5, lines: [], checkpoint: null }]), [
      { seq: 3, lines: ['saved'], checkpoint: { ref: 's3://b/ck-20', step: 20 } },
      { seq: 4, lines: [], checkpoint: { ref: 's3://b/ck-30', step: 30 } },
    ]);
    assert.deepEqual(parseStreamItems([{ seq: 6, lines: ['x'], checkpoint: { ref: '', step: 1 } }]), [{ seq: null, lines: ['x'] }]);
  });

  it('keeps the report URL a chunk or a progress update names; a URL that is not http(s) is no report', () => {
    const report = 'https://bucket.example.com/trainlab/ink/s1/job-1/report-ab12.json?X-Amz-Signature=f00';
    assert.deepEqual(parseStreamItems([{ seq: 1, lines: ['hello'], report }]), [{ seq: 1, lines: ['hello'], report }]);
    assert.deepEqual(parseStreamItems([{ seq: 1, lines: ['hello'], report: 's3://bucket/report.json' }]), [{ seq: null, lines: ['hello'] }]);
    assert.deepEqual(parseProgress({ step: 2, total: 10, report }), p({ step: 2, total: 10, fraction: 0.2, report }));
    assert.deepEqual(parseProgress({ step: 2, report: 'file:///etc/passwd' }), p({ step: 2 }));
  });

  it('reads plain text, split on newlines, without a number', () => {
    assert.deepEqual(parseStreamItems(['one\r\ntwo\n', { output: 'three' }, { output: ['four', 'five\nsix'] }]), [
      { seq: null, lines: ['one', 'two'] },
      { seq: null, lines: ['three'] },
      { seq: null, lines: ['four', 'five', 'six'] },
    ]);
  });

  it('keeps lines of a chunk with a bad number, and skips what is not text', () => {
    assert.deepEqual(parseStreamItems([{ seq: 0, lines: ['x'] }, { output: { step: 4, total: 10 } }, 42, null, '', { output: { result: { model: 'm' } } }, [1]]), [{ seq: null, lines: ['x'] }]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue()), (items) => {
        for (const item of parseStreamItems(items)) {
          assert.ok(item.seq === null || (Number.isInteger(item.seq) && item.seq > 0));
          assert.ok(item.lines.every((l) => typeof l === 'string'));
        }
      }),
      { numRuns: 500 },
    );
  });
});
