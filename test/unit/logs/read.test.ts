import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, readFrom, readLastLines } from '../../../src/core/logs';
import { fixtureBytes, LOG_FIXTURES } from './helpers';

/** What a terminal shows: lines split on \n, each collapsed to its last non-empty \r-segment. */
function terminalLines(text: string): string[] {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body === '' && text === '') return [];
  return body.split('\n').map((line) => {
    const segs = line.split('\r').filter((s) => s !== '');
    return segs.at(-1) ?? '';
  });
}

describe('readLastLines', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trainlab-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('returns the last n lines as a terminal shows them (\\r rewrites collapsed)', async () => {
    const p = file('a.log', 'first\nsteps: 1/3\rsteps: 2/3\rsteps: 3/3\nepoch 2/4\n\nlast');
    assert.deepEqual(await readLastLines(p, 3), { lines: ['epoch 2/4', '', 'last'], startOffset: 39, size: 54, truncated: false });
    assert.deepEqual((await readLastLines(p, 4)).lines, ['steps: 3/3', 'epoch 2/4', '', 'last']);
    assert.deepEqual(await readLastLines(p, 100), { lines: ['first', 'steps: 3/3', 'epoch 2/4', '', 'last'], startOffset: 0, size: 54, truncated: false });
  });

  it('matches a whole-file reading on every fixture, for any n and block size', async () => {
    for (const name of ['kohya-full.log', 'ai-toolkit.log', 'hf-trainer.log', 'hf-trainer-quoted.log', 'garbage.log']) {
      const text = fixtureBytes(name).toString('utf8');
      const all = terminalLines(text);
      for (const n of [1, 2, 10, 1000]) {
        for (const blockSize of [16, 100, 4096]) {
          const r = await readLastLines(join(LOG_FIXTURES, name), n, { blockSize });
          assert.deepEqual(r.lines, all.slice(-n), `${name} n=${n} block=${blockSize}`);
        }
      }
    }
  });

  it('handles CRLF, a trailing \\r, an empty file, and multi-byte characters across blocks', async () => {
    assert.deepEqual((await readLastLines(file('crlf.log', 'a\r\nb\r\n'), 5)).lines, ['a', 'b']);
    assert.deepEqual((await readLastLines(file('cr.log', 'x\ry\r'), 5)).lines, ['y']);
    assert.deepEqual(await readLastLines(file('empty.log', ''), 5), { lines: [], startOffset: 0, size: 0, truncated: false });
    assert.deepEqual((await readLastLines(file('blank.log', '\n'), 5)).lines, ['']);
    const jp = '学習ステップ数: 1600\n'.repeat(20);
    assert.deepEqual((await readLastLines(file('jp.log', jp), 3, { blockSize: 16 })).lines, ['学習ステップ数: 1600', '学習ステップ数: 1600', '学習ステップ数: 1600']);
  });

  it('never reads more than maxBytes, and still shows the bar line it has found', async () => {
    const bar = (n: number) => `\rsteps: ${n}/100000 [00:01<00:10,  1.00it/s]`;
    let text = 'header\n';
    for (let n = 0; n < 20000; n++) text += bar(n);
    const p = file('bar.log', text);
    const r = await readLastLines(p, 10, { maxBytes: 64 * 1024, blockSize: 8192 });
    assert.deepEqual(r.lines, ['steps: 19999/100000 [00:01<00:10,  1.00it/s]']);
    assert.equal(r.truncated, true);
    const all = await readLastLines(p, 10);
    assert.deepEqual(all.lines, ['header', 'steps: 19999/100000 [00:01<00:10,  1.00it/s]']);
  });

  it('keeps only the end of an over-long line', async () => {
    const p = file('long.log', `a\n${'x'.repeat(5000)}y\n`);
    const r = await readLastLines(p, 1, { maxLineBytes: 100, blockSize: 64 });
    assert.equal(r.lines.length, 1);
    assert.ok(r.lines[0]!.startsWith('…') && r.lines[0]!.endsWith('xy') && r.lines[0]!.length <= 102, r.lines[0]);
  });
});

describe('readFrom', () => {
  it('tails a growing log from an offset; a replaced (shorter) file restarts at 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlab-logs-'));
    try {
      const p = join(dir, 'console.log');
      writeFileSync(p, 'one\rtwo\nthr');
      const splitter = new LineSplitter();
      const r1 = await readFrom(p, 0);
      assert.deepEqual(splitter.push(r1.data), ['one', 'two']);
      appendFileSync(p, 'ee\n');
      const r2 = await readFrom(p, splitter.offset + splitter.pendingBytes);
      assert.equal(r2.offset, 11);
      assert.deepEqual(splitter.push(r2.data), ['three']);
      assert.equal(r2.nextOffset, 14);
      const r3 = await readFrom(p, 2, 3);
      assert.deepEqual([r3.data.toString(), r3.more, r3.nextOffset], ['e\rt', true, 5]);
      truncateSync(p, 4);
      const r4 = await readFrom(p, 15);
      assert.deepEqual([r4.reset, r4.offset, r4.data.toString()], [true, 0, 'one\r']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
