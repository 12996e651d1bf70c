import assert from 'node:assert/strict';
import { applySgr, nearestPaletteIndex, PLAIN, styleClasses } from '../../../webview-ui/console/ansi';
import { ConsoleBuffer } from '../../../webview-ui/console/buffer';
import { ConsoleSearch, findInText, findMatches, segmentLine } from '../../../webview-ui/console/search';

const ESC = '\x1b';

describe('webview console: styles and search', () => {
  it('maps styles to classes; truecolor to the nearest fixed palette colour', () => {
    assert.deepEqual(styleClasses({ fg: 1, bg: 236, bold: true, underline: true }), ['ansi-fg-1', 'ansi-bg-236', 'ansi-bold', 'ansi-underline']);
    assert.equal(nearestPaletteIndex('#ff0000'), 196);
    assert.equal(nearestPaletteIndex('#000000'), 16);
    assert.equal(nearestPaletteIndex('#808080'), 244);
    assert.deepEqual(styleClasses({ fg: '#ff0000' }), ['ansi-fg-196']);
    assert.deepEqual(styleClasses({ inverse: true }), ['ansi-fg-inverse', 'ansi-bg-inverse']);
    assert.deepEqual(styleClasses({ inverse: true, fg: 2 }), ['ansi-fg-inverse', 'ansi-bg-2']);
  });

  it('returns the same style object when an SGR changes nothing', () => {
    const red = applySgr(PLAIN, '31');
    assert.equal(applySgr(red, '31'), red);
    assert.equal(applySgr(PLAIN, '0'), PLAIN);
    assert.equal(applySgr(PLAIN, '38;5'), PLAIN, 'incomplete extended colour ignored');
  });

  it('finds matches case-insensitively and literally', () => {
    assert.deepEqual(findInText('Loss LOSS loss', 'loss'), [[0, 4], [5, 9], [10, 14]]);
    assert.deepEqual(findInText('a.b axb', 'a.b'), [[0, 3]]);
    assert.deepEqual(findInText('anything', ''), []);
  });

  it('searches over styled spans (a match may cross span boundaries)', () => {
    const b = new ConsoleBuffer();
    b.append(`epoch 1 ${ESC}[32mlo${ESC}[1mss${ESC}[0m=0.1\nno\nLoss=0.2\n`);
    const matches = findMatches(b, 'loss');
    assert.deepEqual(matches, [{ line: 0, start: 8, end: 12 }, { line: 2, start: 0, end: 4 }]);
    const segs = segmentLine(b.line(0)!.spans, [matches[0]!], matches[0]);
    assert.deepEqual(segs.map((s) => [s.text, s.classes.join(' ')]), [
      ['epoch 1 ', ''],
      ['lo', 'ansi-fg-2 tl-console-match tl-console-match-current'],
      ['ss', 'ansi-fg-2 ansi-bold tl-console-match tl-console-match-current'],
      ['=0.1', ''],
    ]);
  });

  it('ConsoleSearch moves next/previous with wrap-around and follows appends and drops', () => {
    const b = new ConsoleBuffer({ maxLines: 4 });
    b.append('err 1\nok\nerr 2\n');
    b.takeChanges();
    const s = new ConsoleSearch();
    s.setQuery(b, 'ERR');
    assert.equal(s.matches.length, 2);
    assert.equal(s.currentIndex, 1, 'starts at the newest');
    assert.equal(s.next()!.line, 0);
    assert.equal(s.previous()!.line, 2);
    s.previous();
    assert.equal(s.current!.line, 0);
    b.append('err 3\nerr 4 err\n');
    s.update(b, b.takeChanges());
    // Line 0 dropped (cap 4): err 1 is gone, the current moves to the next one.
    assert.deepEqual(s.matches.map((m) => m.line), [2, 3, 4, 4]);
    assert.equal(s.current!.line, 2);
    b.append('partial err');
    s.update(b, b.takeChanges());
    b.append('\rrewritten');
    s.update(b, b.takeChanges());
    assert.deepEqual(s.matches.map((m) => m.line), [2, 3, 4, 4]);
    assert.deepEqual(s.matchesOnLine(4).map((m) => m.start), [0, 6]);
  });
});
