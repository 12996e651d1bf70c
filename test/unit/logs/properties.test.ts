import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, LineSplitter, parsePyDict, parseTqdm, ProgressTracker, pyNumber, readLastLines, type TrainerKind } from '../../../src/core/logs';

const REAL_LINES = [
  'steps:   1%|▋            | 41/3280 [00:50<1:06:54,  1.24s/it, avr_loss=nan]',
  'my_lora:   2%|2         | 87/4000 [21:40<12:09:00, 13.95s/it, lr: 1.0e-04 loss: 3.998e-01]',
  ' 12%|█▏ | 120/1000 [01:02<07:40,  1.91it/s]',
  "{'loss': '1.764', 'grad_norm': '2.609', 'learning_rate': '6.667e-05', 'epoch': '3'}",
  '  total optimization steps / 学習ステップ数: 1600',
  'Found step 250 in metadata, starting from there',
];

/** Real lines with random edits: the shapes most likely to confuse a parser. */
const mutated = fc
  .tuple(fc.constantFrom(...REAL_LINES), fc.nat(), fc.string({ unit: 'binary', maxLength: 6 }), fc.nat({ max: 4 }))
  .map(([line, at, text, del]) => {
    const i = at % (line.length + 1);
    return line.slice(0, i) + text + line.slice(i + del);
  });
const anyLine = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom('|', '%', '[', ']', ':', '<', ',', ' ', '/', '1', '?', 's', 'i', 't', '=', "'", '{', '}'), maxLength: 120 }), mutated);

/** Random cut points of a buffer into chunks. */
function chunk(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

const logBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.array(fc.oneof(fc.constantFrom('\r', '\n', '\r\n', 'é', '学', '🎉'), anyLine), { maxLength: 30 }).map((parts) => Buffer.from(parts.join(''))),
);

describe('log parsing properties', function () {
  this.timeout(120_000);

  it('parseTqdm, parsePyDict and every trainer parser never throw', () => {
    const kinds: TrainerKind[] = ['kohya', 'demo', 'ai-toolkit', 'hf-trainer', 'command'];
    fc.assert(
      fc.property(anyLine, (line) => {
        const bar = parseTqdm(line);
        if (bar) assert.ok(Number.isFinite(bar.n) && Number.isFinite(bar.elapsedSeconds));
        parsePyDict(line);
        for (const kind of kinds) {
          const tracker = new ProgressTracker({ trainer: kind, attemptStartStep: 5, barCountsFromResume: kind === 'kohya' });
          for (const e of createParser(kind, { jobName: 'my_lora', patterns: { step: 'step (\\d+)', loss: 'loss[=:] *(\\S+)' } })(line)) tracker.consume(e);
          assert.ok(Number.isInteger(tracker.state.step) && tracker.state.step >= 0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('numbers read by hand are exactly the doubles JavaScript reads (counts, rates, losses)', () => {
    const decimal = fc.tuple(fc.boolean(), fc.stringMatching(/^\d{1,8}$/), fc.option(fc.stringMatching(/^\d{1,7}$/), { nil: undefined })).map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(decimal, fc.nat({ max: 99_999 }), (text, n) => {
        assert.equal(Object.is(pyNumber(text), Number(text)), true, text);
        const unsigned = text.replace(/^-/, '');
        const bar = parseTqdm(`steps:  10%|█         | ${n}/${unsigned} [00:01<00:09, ${unsigned}s/it, avr_loss=${text}]`);
        assert.ok(bar, text);
        assert.equal(bar.n, n);
        assert.equal(bar.total, Number(unsigned));
        assert.equal(bar.rate?.value, Number(unsigned));
        assert.equal(bar.postfix.avr_loss, text);
      }),
      { numRuns: 2000 },
    );
  });

  it('the LineSplitter never throws, and random chunking gives the same segments and offsets as the whole', () => {
    fc.assert(
      fc.property(logBytes, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (log, cuts, keepEmpty) => {
        const whole = new LineSplitter({ keepEmpty });
        const expected = [...whole.pushSegments(log), ...whole.end().map((text) => ({ text, end: '', endOffset: log.length }))];
        const split = new LineSplitter({ keepEmpty });
        const got = [];
        for (const c of chunk(log, cuts)) got.push(...split.pushSegments(c));
        got.push(...split.end().map((text) => ({ text, end: '', endOffset: log.length })));
        assert.deepEqual(got, expected);
        assert.equal(split.offset, log.length);
        // every end offset is just past its terminator byte in the raw input (invalid UTF-8 too)
        for (const seg of expected) {
          if (seg.end === '') continue;
          assert.equal(log[seg.endOffset - 1], seg.end === '\r' ? 0x0d : 0x0a);
        }
        // and equal to a plain string split for valid text
        const text = log.toString('utf8');
        if (Buffer.from(text).equals(log)) assert.deepEqual(expected.map((s) => s.text), text.split(/\r|\n/).filter((s, i, a) => keepEmpty ? i < a.length - 1 || s !== '' : s !== ''));
      }),
      { numRuns: 1500 },
    );
  });

  it('a small maxSegmentBytes cuts lines the same way however they are chunked', () => {
    fc.assert(
      fc.property(logBytes, fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 4, max: 20 }), (log, cuts, max) => {
        const whole = new LineSplitter({ maxSegmentBytes: max });
        const expected = [...whole.push(log), ...whole.end()];
        const split = new LineSplitter({ maxSegmentBytes: max });
        const got: string[] = [];
        for (const c of chunk(log, cuts)) got.push(...split.push(c));
        got.push(...split.end());
        assert.deepEqual(got, expected);
      }),
      { numRuns: 500 },
    );
  });

  it('readLastLines equals reading the whole file, for any text, n and block size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlab-logs-prop-'));
    try {
      let i = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom('\r', '\n', '\r\n', 'é', '学', 'ab', ' '), fc.string({ maxLength: 8 })), { maxLength: 40 }),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 16, max: 64 }),
          async (parts, n, blockSize) => {
            const text = parts.join('');
            const path = join(dir, `p${i++}.log`);
            writeFileSync(path, text);
            const body = text.endsWith('\n') ? text.slice(0, -1) : text;
            const all = text === '' ? [] : body.split('\n').map((l) => l.split('\r').filter((s) => s !== '').at(-1) ?? '');
            const r = await readLastLines(path, n, { blockSize });
            assert.deepEqual(r.lines, all.slice(-n));
            assert.equal(r.truncated, false);
          },
        ),
        { numRuns: 400 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
