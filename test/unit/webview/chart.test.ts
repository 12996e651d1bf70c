import assert from 'node:assert/strict';
import fc from 'fast-check';
import { alignTables } from '../../../webview-ui/chart/align';
import { downsample, lttbIndices } from '../../../webview-ui/chart/downsample';
import { buildChartData, buildSeriesOptions, faint, LossChart, themeColors } from '../../../webview-ui/chart/lossChart';
import { MetricsSeries, parseMetrics } from '../../../webview-ui/chart/metrics';
import { smooth } from '../../../webview-ui/chart/smooth';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

describe('webview chart: smoothing, downsampling, metrics', () => {
  it('smooths like TensorBoard (EMA with debiasing)', () => {
    const out = smooth([1, 2, 3], 0.5);
    close(out[0]!, 1);
    close(out[1]!, (0.25 * 1 + 0.5 * 2) / 0.75);
    close(out[2]!, (0.125 * 1 + 0.25 * 2 + 0.5 * 3) / 0.875);
    assert.deepEqual(smooth([4, 5, 6], 0), [4, 5, 6]);
    for (const v of smooth(Array(50).fill(0.37), 0.9)) close(v, 0.37, 1e-12);
    const withGap = smooth([1, null, Number.NaN, 3], 0.5);
    assert.equal(withGap[1], null);
    assert.ok(Number.isNaN(withGap[2]));
    close(withGap[3]!, (0.25 * 1 + 0.5 * 3) / 0.75);
  });

  it('LTTB returns the requested size, ascending, with first, last, min and max', () => {
    const n = 10_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const ys = xs.map((i) => Math.sin(i / 50) + (i === 4321 ? 9 : 0) + (i === 777 ? -7 : 0));
    const idx = lttbIndices(xs, ys, 300);
    assert.equal(idx.length, 300);
    for (let i = 1; i < idx.length; i++) assert.ok(idx[i]! > idx[i - 1]!);
    for (const must of [0, n - 1, 4321, 777]) assert.ok(idx.includes(must), `keeps ${must}`);
    const d = downsample(xs, ys, 300);
    assert.equal(d.xs.length, 300);
    assert.equal(Math.max(...(d.ys as number[])), 9 + Math.sin(4321 / 50));
    assert.deepEqual(lttbIndices(xs.slice(0, 5), ys.slice(0, 5), 10), [0, 1, 2, 3, 4]);
    assert.deepEqual(lttbIndices(xs, ys, 2), [0, n - 1]);
    assert.deepEqual(lttbIndices([], [], 10), []);
  });

  it('LTTB keeps the size and extremes for any data (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 3, max: 100 }), (ys, max) => {
        const xs = ys.map((_, i) => i);
        const idx = lttbIndices(xs, ys, max);
        assert.equal(idx.length, Math.min(ys.length, max));
        assert.equal(idx[0], 0);
        assert.equal(idx[idx.length - 1], ys.length - 1);
        if (max >= 4) {
          const picked = idx.map((i) => ys[i]!);
          assert.equal(Math.max(...picked), Math.max(...ys));
          assert.equal(Math.min(...picked), Math.min(...ys));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parses metrics.jsonl, skipping garbage, NaN and cut lines', () => {
    const text = [
      '{"t":1,"step":1,"epoch":1,"loss":0.5,"lr":0.0001}',
      'not json',
      '',
      '{"step":2,"loss":NaN}',
      '{"step":"3","loss":0.4}',
      '[1,2]',
      'null',
      '{"step":4,"loss":null,"lr":null}',
      '{"step":5,"loss":"0.3","lr":0.0002}',
      '{"t":6,"step":6,"epoch":null,"loss":0.2,"lr":null}',
      '{"step":-1,"loss":0.1}',
      '{"step":7,"loss":0.1',
    ].join('\n');
    assert.deepEqual(parseMetrics(text), [
      { t: 1, step: 1, epoch: 1, loss: 0.5, lr: 0.0001 },
      { t: null, step: 5, epoch: null, loss: null, lr: 0.0002 },
      { t: 6, step: 6, epoch: null, loss: 0.2, lr: null },
    ]);
  });

  it('MetricsSeries appends text in chunks, merges a repeated step, rewinds on an earlier step', () => {
    const s = new MetricsSeries({ smoothing: 0.5 });
    const jsonl = [1, 2, 3, 4].map((i) => JSON.stringify({ t: i, step: i * 10, epoch: 1, loss: i, lr: 0.1 })).join('\n') + '\n';
    s.appendText(jsonl.slice(0, 37));
    s.appendText(jsonl.slice(37));
    assert.deepEqual(s.steps, [10, 20, 30, 40]);
    assert.deepEqual(s.smoothed, smooth([1, 2, 3, 4], 0.5));
    s.append({ t: null, step: 40, epoch: null, loss: 8, lr: null });
    assert.deepEqual(s.loss, [1, 2, 3, 8]);
    assert.deepEqual(s.lr, [0.1, 0.1, 0.1, 0.1]);
    assert.deepEqual(s.smoothed, smooth([1, 2, 3, 8], 0.5));
    const rewrites = s.rewriteCount;
    s.append({ t: null, step: 25, epoch: null, loss: 5, lr: null });
    assert.deepEqual(s.steps, [10, 20, 25]);
    assert.deepEqual(s.smoothed, smooth([1, 2, 5], 0.5));
    assert.ok(s.rewriteCount > rewrites);
    s.setSmoothing(0);
    assert.deepEqual(s.smoothed, [1, 2, 5]);
  });

  it('aligns tables of different steps with nulls', () => {
    const a = alignTables([
      { xs: [1, 3, 5], columns: [[10, 30, 50]] },
      { xs: [2, 3, 6], columns: [[20, 31, 60], [0, 1, 2]] },
    ]);
    assert.deepEqual(a.xs, [1, 2, 3, 5, 6]);
    assert.deepEqual(a.columns, [[10, null, 30, 50, null], [null, 20, 31, null, 60], [null, 0, 1, null, 2]]);
  });
});

describe('webview chart: LossChart', () => {
  const series = (n: number, offset = 0) => {
    const s = new MetricsSeries();
    for (let i = 0; i < n; i++) s.append({ t: null, step: i + offset, epoch: null, loss: 1 / (i + 1), lr: 1e-4 });
    return s;
  };

  it('builds downsampled, aligned data and one colour per series', () => {
    const inputs = [{ id: 'v1', label: 'v1', series: series(100_000) }, { id: 'v2', label: 'v2', series: series(50, 3) }];
    const data = buildChartData(inputs, { maxPoints: 800, showLr: false });
    assert.equal(data.length, 1 + 2 * 2);
    assert.ok(data[0]!.length <= 800 + 50);
    for (const col of data) assert.equal(col.length, data[0]!.length);
    const colors = themeColors((name) => (name === '--vscode-charts-blue' ? '#0000ff' : ''));
    const opts = buildSeriesOptions(inputs, colors, false);
    assert.equal(opts.length, 5);
    assert.equal(opts[1]!.stroke, '#0000ff4d');
    assert.equal(opts[2]!.stroke, '#0000ff');
    assert.equal(opts[3]!.stroke, '#d186164d');
    assert.equal(opts[4]!.stroke, '#d18616');
    assert.equal(faint('rgb(1,2,3)'), 'rgb(1,2,3)');
  });

  it('draws a zoomed range in detail', () => {
    const inputs = [{ id: 'v1', label: 'v1', series: series(100_000) }];
    const data = buildChartData(inputs, { maxPoints: 500, range: { min: 1000, max: 1400 }, showLr: true });
    const inRange = (data[0] as number[]).filter((x) => x >= 1000 && x <= 1400).length;
    assert.ok(inRange >= 400, `${inRange} points in the zoomed range`);
    assert.equal(data.length, 4);
  });

  it('appends live without re-creating the chart', () => {
    const made: { data: unknown[][]; setData: number; destroyed: boolean }[] = [];
    class FakePlot {
      rec = { data: [] as unknown[][], setData: 0, destroyed: false };
      constructor(_opts: unknown, data: unknown[][]) {
        this.rec.data = data;
        made.push(this.rec);
      }
      setData(data: unknown[][]) {
        this.rec.data = data;
        this.rec.setData++;
      }
      setSize() {}
      destroy() {
        this.rec.destroyed = true;
      }
    }
    const container = { classList: { add() {} }, clientWidth: 400, clientHeight: 200 };
    const chart = new LossChart(container as unknown as HTMLElement, { uPlot: FakePlot as never, readVar: () => '', schedule: (cb) => cb() });
    const s = series(10);
    chart.setInputs([{ id: 'v1', label: 'v1', series: s }]);
    assert.equal(made.length, 1);
    s.append({ t: null, step: 10, epoch: null, loss: 0.01, lr: 1e-4 });
    chart.update();
    assert.equal(made.length, 1);
    assert.equal(made[0]!.setData, 1);
    assert.equal(made[0]!.data[0]!.length, 11);
    chart.setInputs([{ id: 'v1', label: 'v1', series: s }, { id: 'v2', label: 'v2', series: series(5) }]);
    assert.equal(made.length, 2);
    assert.equal(made[0]!.destroyed, true);
    chart.dispose();
    assert.equal(made[1]!.destroyed, true);
  });
});
