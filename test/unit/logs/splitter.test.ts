import assert from 'node:assert/strict';
import { LineSplitter } from '../../../src/core/logs';
import { fixtureBytes } from './helpers';

describe('LineSplitter', () => {
  it('splits on \\r and \\n, keeps the unfinished tail, and counts consumed bytes', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('a\rb\nc'), ['a', 'b']);
    assert.equal(s.offset, 4);
    assert.equal(s.pendingBytes, 1);
    assert.equal(s.peekTail(), 'c');
    assert.deepEqual(s.push('d\r\n'), ['cd']);
    assert.equal(s.offset, 8);
    assert.deepEqual(s.end(), []);
  });

  it('skips empty segments unless asked (tqdm writes \\r before each update; CRLF)', () => {
    assert.deepEqual(new LineSplitter().push('\rA\rB\r\n\nC\n'), ['A', 'B', 'C']);
    assert.deepEqual(new LineSplitter({ keepEmpty: true }).push('\rA\r\n\nC\n'), ['', 'A', '', '', 'C']);
  });

  it('reports each segment with its terminator and end offset', () => {
    const s = new LineSplitter({ startOffset: 100 });
    assert.deepEqual(s.pushSegments('ab\rcd\n'), [
      { text: 'ab', end: '\r', endOffset: 103 },
      { text: 'cd', end: '\n', endOffset: 106 },
    ]);
  });

  it('flushes the tail at the end, after which the offset covers all input', () => {
    const s = new LineSplitter();
    s.push('x\nunfinished');
    assert.equal(s.offset, 2);
    assert.deepEqual(s.end(), ['unfinished']);
    assert.equal(s.offset, 12);
  });

  it('decodes a UTF-8 character split across chunks (fixture) and counts bytes, not characters', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push(fixtureBytes('utf8-split.chunk1.bin')), []);
    const lines = s.push(fixtureBytes('utf8-split.chunk2.bin'));
    assert.deepEqual(lines, ['  total optimization steps / 学習ステップ数: 1600']);
    assert.equal(s.offset, Buffer.byteLength('  total optimization steps / 学習ステップ数: 1600\n'));
  });

  it('decodes every character whatever byte it is split at', () => {
    const text = 'é学🎉\rsteps: ▋ 1/2\n末尾';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const s = new LineSplitter();
      const got = [...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut)), ...s.end()];
      assert.deepEqual(got, ['é学🎉', 'steps: ▋ 1/2', '末尾'], `cut at ${cut}`);
    }
  });

  it('continues from a persisted offset without re-reading or double-counting', () => {
    const log = Buffer.from('one\rtwo\nthree\rfour');
    const first = new LineSplitter();
    const seen = first.push(log.subarray(0, 11)); // "one\rtwo\nthr"
    const saved = first.offset;
    assert.equal(saved, 8);
    // later: a new splitter reads the file from the saved offset
    const second = new LineSplitter({ startOffset: saved });
    seen.push(...second.push(log.subarray(saved)), ...second.end());
    assert.deepEqual(seen, ['one', 'two', 'three', 'four']);
    assert.equal(second.offset, log.length);
  });

  it('cuts an endless line into bounded pieces on character boundaries', () => {
    const s = new LineSplitter({ maxSegmentBytes: 10 });
    const got = [...s.push('学'.repeat(10)), ...s.end()];
    assert.ok(got.every((g) => Buffer.byteLength(g) <= 10 && !g.includes('\uFFFD')), JSON.stringify(got));
    assert.equal(got.join(''), '学'.repeat(10));
    assert.equal(s.offset, 30);
  });

  it('does not keep a reference to the caller\'s chunk buffer', () => {
    const s = new LineSplitter();
    const chunk = Buffer.from('abc');
    s.push(chunk);
    chunk.fill(0x78);
    assert.deepEqual(s.push('\n'), ['abc']);
  });
});
