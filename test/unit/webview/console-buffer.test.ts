import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConsoleBuffer } from '../../../webview-ui/console/buffer';
import { consoleCss } from '../../../webview-ui/console/css';

const texts = (b: ConsoleBuffer) => b.allLines().map((l) => l.text);
const ESC = '\x1b';

function feed(chunks: string[], maxLines?: number): ConsoleBuffer {
  const b = new ConsoleBuffer({ maxLines });
  for (const c of chunks) b.append(c);
  return b;
}

describe('webview console: ConsoleBuffer', () => {
  it('splits on \\n and keeps an open last line', () => {
    const b = feed(['a\nb', 'c\n\nd']);
    assert.deepEqual(texts(b), ['a', 'bc', '', 'd']);
  });

  it('collapses \\r progress updates to the latest state', () => {
    const b = feed([' 10%|█   |\r 20%|██  |\r', ' 30%|███ |\rdone\n', 'next\n']);
    assert.deepEqual(texts(b), ['done', 'next']);
  });

  it('treats \\r at the end of one chunk and \\n at the start of the next as CRLF', () => {
    const b = feed(['line one\r', '\nline two\r\n']);
    assert.deepEqual(texts(b), ['line one', 'line two']);
  });

  it('keeps the line shown until text after a \\r replaces it', () => {
    const b = feed(['50%\r']);
    assert.deepEqual(texts(b), ['50%']);
    b.append('60%');
    assert.deepEqual(texts(b), ['60%']);
  });

  it('erases the line with ESC[2K and after \\r with ESC[K', () => {
    assert.deepEqual(texts(feed([`abc${ESC}[2Kdef\n`])), ['def']);
    assert.deepEqual(texts(feed([`abc\r${ESC}[K`])), ['']);
    assert.deepEqual(texts(feed([`abc${ESC}[K\n`])), ['abc']);
  });

  it('keeps SGR state across lines and chunks', () => {
    const b = feed([`${ESC}[31mred\nstill red ${ESC}[1`, `mbold${ESC}[0m plain\n`]);
    const [l0, l1] = b.allLines();
    assert.deepEqual(l0!.spans, [{ text: 'red', fg: 1 }]);
    assert.deepEqual(l1!.spans, [{ text: 'still red ', fg: 1 }, { text: 'bold', fg: 1, bold: true }, { text: ' plain' }]);
  });

  it('parses 256-colour and truecolor, both ; and : forms, and resets', () => {
    const b = feed([`${ESC}[38;5;208ma${ESC}[48;2;10;20;30mb${ESC}[39;49mc${ESC}[38:2::255:0:0md${ESC}[38:5:9me${ESC}[mf`]);
    assert.deepEqual(b.line(0)!.spans, [
      { text: 'a', fg: 208 },
      { text: 'b', fg: 208, bg: '#0a141e' },
      { text: 'c' },
      { text: 'd', fg: '#ff0000' },
      { text: 'e', fg: 9 },
      { text: 'f' },
    ]);
  });

  it('handles bright colours, dim, italic, underline and their resets', () => {
    const b = feed([`${ESC}[92;2;3;4mx${ESC}[22;23;24my${ESC}[107mz`]);
    assert.deepEqual(b.line(0)!.spans, [
      { text: 'x', fg: 10, dim: true, italic: true, underline: true },
      { text: 'y', fg: 10 },
      { text: 'z', fg: 10, bg: 15 },
    ]);
  });

  it('merges text of the same style into one span', () => {
    const b = feed(['ab', 'cd', `${ESC}[0m`, 'ef']);
    assert.deepEqual(b.line(0)!.spans, [{ text: 'abcdef' }]);
  });

  it('drops other escape sequences and control characters, also when cut by chunks', () => {
    const b = feed([`a${ESC}]0;title\x07b${ESC}[1A${ESC}(Bc\x08d${ESC}]8;;http://x`, `${ESC}\\link${ESC}]8;;${ESC}\\\te\n`]);
    assert.deepEqual(texts(b), ['abcdlink\te']);
  });

  it('caps the kept lines, counting the dropped ones', () => {
    const b = new ConsoleBuffer({ maxLines: 3 });
    for (let i = 0; i < 10; i++) b.append(`line ${i}\n`);
    assert.equal(b.length, 3);
    assert.equal(b.dropped, 7);
    assert.deepEqual(texts(b), ['line 7', 'line 8', 'line 9']);
    assert.equal(b.lineAt(7)!.text, 'line 7');
    assert.equal(b.lineAt(6), undefined);
    b.maxLines = 1;
    assert.equal(b.dropped, 9);
    assert.deepEqual(texts(b), ['line 9']);
  });

  it('caps a long run with compaction (many more lines than maxLines)', () => {
    const b = new ConsoleBuffer({ maxLines: 100 });
    for (let i = 0; i < 20_000; i++) b.append(`l${i}\n`);
    assert.equal(b.dropped, 19_900);
    assert.equal(b.line(0)!.text, 'l19900');
    assert.equal(b.line(99)!.text, 'l19999');
  });

  it('defaults maxLines to 10,000 and ignores nonsense', () => {
    assert.equal(new ConsoleBuffer().maxLines, 10_000);
    assert.equal(new ConsoleBuffer({ maxLines: Number.NaN }).maxLines, 10_000);
    assert.equal(new ConsoleBuffer({ maxLines: 0 }).maxLines, 1);
  });

  it('reports changes: new lines, the rewritten last line, drops, reset', () => {
    const b = new ConsoleBuffer({ maxLines: 3 });
    b.append('a\nb\n10%');
    assert.deepEqual(b.takeChanges(), { reset: false, dropped: 0, from: 0, end: 3 });
    assert.deepEqual(b.takeChanges(), { reset: false, dropped: 0, from: 3, end: 3 });
    b.append('\r20%');
    assert.deepEqual(b.takeChanges(), { reset: false, dropped: 0, from: 2, end: 3 });
    b.append('\nc\n');
    assert.deepEqual(b.takeChanges(), { reset: false, dropped: 1, from: 3, end: 4 });
    b.clear();
    b.append('x');
    assert.deepEqual(b.takeChanges(), { reset: true, dropped: 0, from: 0, end: 1 });
  });

  it('gives plain text of ranges', () => {
    const b = feed([`${ESC}[31ma${ESC}[0m\nb\nc`]);
    assert.equal(b.text(), 'a\nb\nc');
    assert.equal(b.text(1, 2), 'b');
  });

  it('gives the same lines whether the log comes whole or in random chunks (property)', () => {
    const pieces = fc.constantFrom('a', 'xyz', ' 10%|██|', '\n', '\r', '\r\n', `${ESC}[31m`, `${ESC}[0m`, `${ESC}[38;5;200m`, `${ESC}[48;2;1;2;3m`, `${ESC}[K`, `${ESC}[2K`, `${ESC}]0;t\x07`, `${ESC}(B`, '\t', '\x08', '日本', '😀', ESC);
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 8 }), (parts, cutsRaw, maxLines) => {
        const log = parts.join('');
        const cuts = [...new Set(cutsRaw.map((c) => c % (log.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let prev = 0;
        for (const c of cuts) {
          chunks.push(log.slice(prev, c));
          prev = c;
        }
        chunks.push(log.slice(prev));
        const whole = feed([log], maxLines);
        const chunked = feed(chunks, maxLines);
        assert.deepEqual(chunked.allLines().map((l) => ({ text: l.text, spans: l.spans })), whole.allLines().map((l) => ({ text: l.text, spans: l.spans })));
        assert.equal(chunked.dropped, whole.dropped);
        for (const l of whole.allLines()) assert.equal(l.text, l.spans.map((s) => s.text).join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('console.css is the generated stylesheet', () => {
    const file = join(__dirname, '../../../webview-ui/console/console.css');
    if (process.env.UPDATE_CONSOLE_CSS === '1') writeFileSync(file, consoleCss());
    assert.equal(readFileSync(file, 'utf8'), consoleCss(), 'run the tests with UPDATE_CONSOLE_CSS=1 to regenerate console.css');
  });
});
