import assert from 'node:assert/strict';
import { linesToTerminal, plainText, TerminalTextConverter } from '../../../src/extension/training/terminalText';

describe('terminal text conversion', () => {
  it('turns \\n into \\r\\n and lets \\r through (the terminal redraws bars itself)', () => {
    const c = new TerminalTextConverter();
    assert.equal(c.push('epoch 1/3\nsteps:  10%|█ | 1/10\rsteps:  20%|██ | 2/10'), 'epoch 1/3\r\nsteps:  10%|█ | 1/10\rsteps:  20%|██ | 2/10');
    assert.equal(c.push('\r\n'), '\r\n', 'an existing \\r\\n is not doubled');
    assert.equal(c.push('a\n\nb'), 'a\r\n\r\nb');
  });

  it('a \\r\\n split over two reads stays one line break', () => {
    const c = new TerminalTextConverter();
    assert.equal(c.push('done\r') + c.push('\nnext'), 'done\r\nnext');
    // A lone \r at a chunk's end followed by text is a redraw, kept as is.
    assert.equal(c.push('bar 1\r') + c.push('bar 2'), 'bar 1\rbar 2');
  });

  it('decodes UTF-8 split across reads', () => {
    const c = new TerminalTextConverter();
    const bytes = Buffer.from('█ ü\n', 'utf8');
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += c.push(bytes.subarray(i, i + 1));
    assert.equal(out, '█ ü\r\n');
    assert.equal(c.push(Buffer.from([0xe2, 0x96])) + c.end(), '\ufffd');
  });

  it('joins tail lines and strips control sequences from messages', () => {
    assert.equal(linesToTerminal(['a', 'b']), 'a\r\nb');
    assert.equal(plainText('\x1b[31mred\x1b[0m\x07 \x1b]8;;http://x\x07link\x1b]8;;\x07'), 'red  link');
  });
});
