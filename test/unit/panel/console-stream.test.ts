import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStream, type LogChunk } from '../../../src/extension/panel/log-stream';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await wait(5);
  }
}

describe('Console tab: LogStream', () => {
  let dir: string;
  let chunks: LogChunk[];
  let active: boolean;
  const streams: LogStream[] = [];
  const make = (over: Partial<ConstructorParameters<typeof LogStream>[0]> = {}) => {
    const s = new LogStream({ consolePath: join(dir, 'console.log'), metricsPath: join(dir, 'metrics.jsonl'), maxLines: 3, isActive: () => active, send: (c) => chunks.push(c), intervalMs: 10, ...over });
    streams.push(s);
    return s;
  };
  const text = (stream: 'console' | 'metrics') => chunks.filter((c) => c.stream === stream).map((c) => c.text).join('');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tl-logstream-'));
    chunks = [];
    active = true;
  });
  afterEach(() => {
    streams.splice(0).forEach((s) => s.dispose());
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the last maxLines lines (\\r collapsed) and all metrics, then streams appends', async () => {
    writeFileSync(join(dir, 'console.log'), 'one\ntwo\nthree\nfour\nstep 1\rstep 2\n');
    writeFileSync(join(dir, 'metrics.jsonl'), '{"step":1,"loss":0.5}\n');
    const s = make();
    await s.start();
    assert.deepEqual(chunks[0], { stream: 'console', reset: true, text: 'three\nfour\nstep 2\n' });
    assert.deepEqual(chunks[1], { stream: 'metrics', reset: true, text: '{"step":1,"loss":0.5}\n' });
    assert.ok(s.isPolling);
    appendFileSync(join(dir, 'console.log'), 'five ✓\n');
    appendFileSync(join(dir, 'metrics.jsonl'), '{"step":2,"loss":0.4}\n');
    await until(() => text('console').endsWith('five ✓\n') && text('metrics').includes('"step":2'));
    assert.ok(chunks.slice(2).every((c) => !c.reset));
  });

  it('keeps an unfinished last line open (a progress bar continues it)', async () => {
    writeFileSync(join(dir, 'console.log'), 'a\n10%|█');
    const s = make();
    await s.start();
    assert.equal(chunks[0]!.text, 'a\n10%|█');
    appendFileSync(join(dir, 'console.log'), '\r20%|██\n');
    await until(() => text('console').endsWith('\r20%|██\n'));
  });

  it('does not split a UTF-8 character across polls', async () => {
    writeFileSync(join(dir, 'console.log'), '');
    const s = make({ chunkBytes: 1 });
    await s.start();
    appendFileSync(join(dir, 'console.log'), 'é✓\n');
    await until(() => text('console') === 'é✓\n');
  });

  it('waits for files that are not there yet', async () => {
    const s = make();
    await s.start();
    assert.deepEqual(chunks, [{ stream: 'console', reset: true, text: '' }, { stream: 'metrics', reset: true, text: '' }]);
    writeFileSync(join(dir, 'console.log'), 'hello\n');
    await until(() => text('console') === 'hello\n');
  });

  it('starts over when the file is replaced by a shorter one', async () => {
    writeFileSync(join(dir, 'console.log'), 'a long first log\n');
    const s = make();
    await s.start();
    writeFileSync(join(dir, 'console.log'), 'new\n');
    await until(() => chunks.some((c, i) => i > 0 && c.stream === 'console' && c.reset && c.text === 'new\n'));
  });

  it('polls only while the session is active; reads the rest once when it ends; dispose stops all', async () => {
    writeFileSync(join(dir, 'console.log'), 'x\n');
    active = false;
    const s = make();
    await s.start();
    assert.equal(s.isPolling, false);
    appendFileSync(join(dir, 'console.log'), 'late\n');
    s.sessionChanged(); // final: one last read
    await until(() => text('console').endsWith('late\n'));
    await s.idle();
    assert.equal(s.isPolling, false);
    active = true;
    s.sessionChanged();
    assert.equal(s.isPolling, true);
    s.dispose();
    assert.equal(s.isPolling, false);
    const n = chunks.length;
    appendFileSync(join(dir, 'console.log'), 'after dispose\n');
    await wait(50);
    assert.equal(chunks.length, n);
  });

  it('reads only the end of a huge metrics file, from a whole line', async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `{"step":${i},"loss":0.1}\n`).join('');
    writeFileSync(join(dir, 'metrics.jsonl'), lines);
    const s = make({ maxMetricsBytes: 200 });
    await s.start();
    const m = text('metrics');
    assert.ok(m.length <= 200 && m.length > 100);
    assert.ok(m.startsWith('{"step":') && m.endsWith('}\n'));
    assert.ok(m.includes('"step":99'));
  });
});
