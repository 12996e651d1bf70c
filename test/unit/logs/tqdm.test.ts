import assert from 'node:assert/strict';
import { itPerSec, parseDuration, parsePostfix, parseTqdm } from '../../../src/core/logs';

describe('parseTqdm', () => {
  it('reads the kohya sample', () => {
    assert.deepEqual(parseTqdm('steps:   1%|▋            | 41/3280 [00:50<1:06:54,  1.24s/it, avr_loss=nan]'), {
      desc: 'steps',
      percent: 1,
      n: 41,
      total: 3280,
      elapsedSeconds: 50,
      remainingSeconds: 4014,
      rate: { value: 1.24, unit: 's/it' },
      postfix: { avr_loss: 'nan' },
    });
  });

  it('reads the ai-toolkit sample (ASCII bar, space separated postfix)', () => {
    const p = parseTqdm('my_lora:   2%|2         | 87/4000 [21:40<12:09:00, 13.95s/it, lr: 1.0e-04 loss: 3.998e-01]');
    assert.equal(p?.desc, 'my_lora');
    assert.equal(p?.n, 87);
    assert.equal(p?.total, 4000);
    assert.equal(p?.elapsedSeconds, 21 * 60 + 40);
    assert.equal(p?.remainingSeconds, 12 * 3600 + 9 * 60);
    assert.deepEqual(p?.postfix, { lr: '1.0e-04', loss: '3.998e-01' });
  });

  it('reads the Hugging Face sample (no description)', () => {
    const p = parseTqdm(' 12%|█▏ | 120/1000 [01:02<07:40,  1.91it/s]');
    assert.equal(p?.desc, '');
    assert.equal(p?.n, 120);
    assert.equal(p?.total, 1000);
    assert.deepEqual(p?.rate, { value: 1.91, unit: 'it/s' });
    assert.equal(itPerSec(p!.rate), 1.91);
    assert.deepEqual(p?.postfix, {});
  });

  it('does not depend on the bar: unicode, ASCII, none, or bar characters that look like syntax', () => {
    for (const bar of ['██▌       ', '##5       ', '', '          ', '%|%|[]', '/|/']) {
      const p = parseTqdm(`steps:  25%|${bar}| 25/100 [00:25<01:15,  1.00it/s]`);
      assert.equal(p?.n, 25, `bar ${JSON.stringify(bar)}`);
      assert.equal(p?.total, 100);
    }
  });

  it('reads hours over 24, ? remaining, ?it/s, and a ? total', () => {
    const p = parseTqdm('steps:  50%|█████     | 5000/10000 [30:00:05<30:00:05,  21.60s/it]');
    assert.equal(p?.elapsedSeconds, 30 * 3600 + 5);
    const q = parseTqdm('steps:   0%|          | 0/1600 [00:00<?, ?it/s]');
    assert.equal(q?.remainingSeconds, null);
    assert.equal(q?.rate, null);
    const r = parseTqdm('steps:   0%|          | 3/? [00:03<?, ?it/s]');
    assert.equal(r?.n, 3);
    assert.equal(r?.total, null);
  });

  it('reads a bar without total (`41it [...]`)', () => {
    const p = parseTqdm('steps: 41it [00:50,  1.24s/it, avr_loss=0.1]');
    assert.equal(p?.n, 41);
    assert.equal(p?.total, null);
    assert.equal(p?.percent, null);
    assert.deepEqual(p?.postfix, { avr_loss: '0.1' });
  });

  it('reads kohya\'s --scale_weight_norms postfix', () => {
    const p = parseTqdm('steps:  10%|█         | 4/40 [00:06<00:54,  1.50s/it, Average key norm=0.0127, Keys Scaled=1, avr_loss=0.116]');
    assert.deepEqual(p?.postfix, { 'Average key norm': '0.0127', 'Keys Scaled': '1', avr_loss: '0.116' });
  });

  it('ignores terminal escape codes around the bar', () => {
    assert.equal(parseTqdm('\x1b[A\x1b[2Ksteps:  10%|█         | 4/40 [00:06<00:54,  1.50s/it]')?.n, 4);
  });

  it('returns null for everything that is not a bar', () => {
    for (const line of [
      '',
      'epoch 2/80',
      '  total optimization steps / 学習ステップ数: 1600',
      "{'loss': 0.4281, 'grad_norm': 38.64}",
      'steps:   1%|▋            | 41/3280',
      'steps:   1%|▋            | 41/3280 [00:50<1:06:54',
      'steps:   1%|▋            | 41/3280 [0a:50<1:06:54,  1.24s/it]',
      'steps: x%|▋ | 41/3280 [00:50<1:06:54,  1.24s/it]',
      'a'.repeat(100_001),
      '|||| [] ]',
    ]) {
      assert.equal(parseTqdm(line), null, line.slice(0, 60));
    }
  });

  it('is fast on long garbage lines (no catastrophic backtracking)', () => {
    const lines = [': '.repeat(50_000) + '1 [00:01, 1.00it/s', '%|' + '|'.repeat(50_000) + ' 1/2 [' + '['.repeat(40_000), '1'.repeat(99_000) + ' [00:00, x]x'];
    const t0 = performance.now();
    for (const l of lines) parseTqdm(l);
    assert.ok(performance.now() - t0 < 200, `took ${performance.now() - t0} ms`);
  });
});

describe('parseDuration and parsePostfix', () => {
  it('parse [H:]MM:SS and nothing else', () => {
    assert.equal(parseDuration('01:02'), 62);
    assert.equal(parseDuration('1:06:54'), 4014);
    assert.equal(parseDuration('100:00:00'), 360000);
    assert.equal(parseDuration('?'), null);
    assert.equal(parseDuration('1:2'), null);
  });

  it('reads k=v and k: v postfixes', () => {
    assert.deepEqual(parsePostfix('avr_loss=0.1, lr=1e-4'), { avr_loss: '0.1', lr: '1e-4' });
    assert.deepEqual(parsePostfix('lr: 1.0e-04 loss: 3.998e-01'), { lr: '1.0e-04', loss: '3.998e-01' });
    assert.deepEqual(parsePostfix(''), {});
  });
});
