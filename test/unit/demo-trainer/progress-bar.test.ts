import assert from 'node:assert/strict';
import { formatBar, formatInterval, formatNum, ProgressBar } from '../../../src/demo-trainer/progress-bar';
import { TQDM } from './helpers';

describe('demo trainer: the tqdm-style progress bar', () => {
  it('formats times as tqdm does: MM:SS, then H:MM:SS with unbounded hours', () => {
    assert.equal(formatInterval(0), '00:00');
    assert.equal(formatInterval(5.9), '00:05');
    assert.equal(formatInterval(754), '12:34');
    assert.equal(formatInterval(4014), '1:06:54');
    assert.equal(formatInterval(30 * 3600 + 61), '30:01:01');
  });

  it('formats postfix numbers as tqdm.format_num', () => {
    assert.equal(formatNum(0.08123456), '0.0812');
    assert.equal(formatNum(0.5), '0.5');
    assert.equal(formatNum(8.7412e-8), '8.74e-8');
    assert.equal(formatNum(1234.5678), '1.23e+3');
    assert.equal(formatNum(12.345), '12.3');
    assert.equal(formatNum(NaN), 'nan');
    assert.equal(formatNum(0), '0');
  });

  it('prints the first line with unknown rate and remaining time', () => {
    assert.equal(formatBar({ desc: 'steps', n: 0, total: 1000, elapsedSeconds: 0 }), 'steps:   0%|          | 0/1000 [00:00<?, ?it/s]');
  });

  it('prints kohya\'s line, parsed by the kohya regex, in it/s and s/it', () => {
    const fast = formatBar({ desc: 'steps', n: 120, total: 1000, elapsedSeconds: 5.2, postfix: { avr_loss: 0.0812 } });
    assert.equal(fast, 'steps:  12%|█▏        | 120/1000 [00:05<00:38, 23.08it/s, avr_loss=0.0812]');
    const m = TQDM.exec(fast);
    assert.ok(m);
    assert.deepEqual(m.slice(1), ['120', '1000', '00:05', '00:38', '23.08', 'it/s']);
    const slow = formatBar({ desc: 'steps', n: 41, total: 3280, elapsedSeconds: 50.8, postfix: { avr_loss: NaN } });
    assert.equal(slow, 'steps:   1%|▏         | 41/3280 [00:50<1:06:53,  1.24s/it, avr_loss=nan]');
    assert.deepEqual(TQDM.exec(slow)?.slice(1), ['41', '3280', '00:50', '1:06:53', '1.24', 's/it']);
    assert.equal(formatBar({ desc: 'steps', n: 1000, total: 1000, elapsedSeconds: 10 }), 'steps: 100%|██████████| 1000/1000 [00:10<00:00, 100.00it/s]');
  });

  it('redraws in place with \\r, at most every 100 ms but always at the end, and ends with a newline', () => {
    let clock = 0;
    let text = '';
    const bar = new ProgressBar({ total: 50, write: (t) => (text += t), now: () => clock });
    for (let n = 1; n <= 50; n++) {
      clock += 10;
      bar.update(n, { avr_loss: 1 / n });
    }
    bar.close();
    assert.ok(text.startsWith('\rsteps:   0%|'));
    assert.ok(text.endsWith('\n'));
    const frames = text.split('\r').filter((f) => f.trim() !== '');
    assert.ok(frames.length >= 5 && frames.length <= 8, `${frames.length} redraws`);
    assert.ok(frames.every((f) => !f.includes('\n') || f.endsWith('\n')));
    assert.match(frames[frames.length - 1]!, /^steps: 100%\|██████████\| 50\/50 \[00:00<00:00, 100\.00it\/s, avr_loss=0\.02\]\n$/);
    assert.match(frames[frames.length - 2]!, /50\/50/, 'the final state is drawn when reached, not only on close');
  });

  it('writeAbove blanks the bar, prints the line, and draws the bar again', () => {
    let clock = 0;
    const events: string[] = [];
    const bar = new ProgressBar({ total: 10, write: (t) => events.push(`err:${t}`), now: () => (clock += 1) });
    bar.writeAbove(() => events.push('out:epoch 1/1'));
    assert.equal(events.length, 4);
    assert.match(events[1]!, /^err:\r +\r$/);
    assert.equal(events[2], 'out:epoch 1/1');
    assert.match(events[3]!, /^err:\rsteps: {3}0%/);
  });
});
