/**
 * The loss chart: a thin wrapper around uPlot. Per series (one per version or session): the
 * raw loss (faint), the smoothed loss, and the learning rate on a second axis, against the
 * step. Live appends update the data of the same chart (never re-created for new points);
 * every series is downsampled (LTTB, extremes kept) to about the plot's pixel width before
 * drawing, so 100,000 points stay smooth; a zoomed range is downsampled again in detail.
 * Colours come from the theme's `--vscode-charts-*` variables; no inline styles of ours
 * (uPlot positions its own elements through the CSSOM, which the CSP allows).
 *
 * The pure parts (`buildChartData`, `buildSeriesOptions`) are tested in Node; the uPlot
 * constructor is injected, so the wrapper runs against a fake in tests.
 */
import uPlot from 'uplot';
import { alignTables, type Table } from './align';
import { lttbIndices } from './downsample';
import type { MetricsSeries } from './metrics';

export interface ChartInput {
  /** Stable id (version or session id). */
  id: string;
  label: string;
  series: MetricsSeries;
}

export interface ChartColors {
  /** One per overlaid series, cycled. */
  series: string[];
  foreground: string;
  grid: string;
  font: string;
}

/** The theme's chart colours, in the order overlaid series take them. */
export const CHART_COLOR_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const FALLBACK_COLORS = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

/** Reads the colours from CSS variables (`read(name)` is `getPropertyValue` of the computed style). */
export function themeColors(read: (name: string) => string): ChartColors {
  const get = (name: string, fallback: string) => read(name).trim() || fallback;
  const size = get('--vscode-font-size', '12px');
  const family = get('--vscode-font-family', 'sans-serif');
  return {
    series: CHART_COLOR_VARS.map((v, i) => get(v, FALLBACK_COLORS[i]!)),
    foreground: get('--vscode-foreground', '#cccccc'),
    grid: get('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    font: `${size} ${family}`,
  };
}

export interface ChartDataOptions {
  /** Points per series to draw (about the plot width in pixels). */
  maxPoints: number;
  /** A zoomed step range, drawn in detail (the rest coarsely); points just outside it are kept so lines reach the edges. */
  range?: { min: number; max: number };
  showLr: boolean;
}

/** Columns per input: raw loss, smoothed loss, and learning rate when shown. */
export function columnsPerInput(showLr: boolean): number {
  return showLr ? 3 : 2;
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The aligned, downsampled data for uPlot: `[steps, raw₁, smooth₁, lr₁?, raw₂, …]`. */
export function buildChartData(inputs: readonly ChartInput[], options: ChartDataOptions): (number | null)[][] {
  const tables: Table[] = inputs.map(({ series: s }) => {
    const max = Math.max(3, options.maxPoints);
    let idx = lttbIndices(s.steps, s.loss, max);
    if (options.range && idx.length < s.length) {
      // The whole range coarsely (so zooming out has data) plus the zoomed range in detail.
      const from = Math.max(0, lowerBound(s.steps, options.range.min) - 1);
      const to = Math.min(s.length, lowerBound(s.steps, options.range.max) + 2);
      idx = [...new Set([...idx, ...lttbIndices(s.steps, s.loss, max, from, to)])].sort((a, b) => a - b);
    }
    const pick = (col: readonly (number | null)[]) => idx.map((i) => col[i] ?? null);
    const columns = [pick(s.loss), pick(s.smoothed)];
    if (options.showLr) columns.push(pick(s.lr));
    return { xs: idx.map((i) => s.steps[i]!), columns };
  });
  if (!tables.length) return [[]];
  const aligned = alignTables(tables);
  return [aligned.xs, ...aligned.columns];
}

/** With an alpha channel, for the faint raw line (only `#rgb`/`#rrggbb` can be made faint; others are drawn as they are). */
export function faint(color: string, alpha = 0.3): string {
  const c = color.trim();
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (!m) return c;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((ch) => ch + ch).join('') : m[1]!;
  return `#${hex}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}

/** uPlot's series options, in the order of `buildChartData`'s columns. */
export function buildSeriesOptions(inputs: readonly ChartInput[], colors: ChartColors, showLr: boolean, showRaw = true): uPlot.Series[] {
  const out: uPlot.Series[] = [{ label: 'step' }];
  const several = inputs.length > 1;
  inputs.forEach((input, i) => {
    const color = colors.series[i % colors.series.length]!;
    const name = (what: string) => (several ? `${input.label} ${what}` : what);
    out.push({ label: name('loss'), scale: 'loss', stroke: faint(color), width: 1, show: showRaw, spanGaps: true, points: { show: false } });
    out.push({ label: name('loss (smoothed)'), scale: 'loss', stroke: color, width: 2, spanGaps: true, points: { show: false } });
    if (showLr) out.push({ label: name('learning rate'), scale: 'lr', stroke: color, width: 1, dash: [4, 4], spanGaps: true, points: { show: false } });
  });
  return out;
}

export interface LossChartOptions {
  /** The uPlot constructor (injected in tests). */
  uPlot?: typeof uPlot;
  /** Reads a CSS variable; default: the container's computed style. */
  readVar?: (name: string) => string;
  /** Runs a redraw later; default `requestAnimationFrame`. */
  schedule?: (callback: () => void) => void;
  /** Show the learning rate; default: only when one series is shown. */
  showLr?: boolean;
  showRaw?: boolean;
  height?: number;
}

export const CHART_CLASS = 'tl-chart';

/**
 * The chart of one or more metrics series. `setInputs` when the set of series changes (the
 * chart is rebuilt); `update()` after points were appended (same chart, new data).
 */
export class LossChart {
  private plot: uPlot | undefined;
  private inputs: ChartInput[] = [];
  private zoom: { min: number; max: number } | undefined;
  private scheduled = false;
  private disposed = false;
  private width: number;
  private height: number;
  private readonly resizeObserver: ResizeObserver | undefined;
  private settingData = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly options: LossChartOptions = {},
  ) {
    container.classList.add(CHART_CLASS);
    this.width = Math.max(100, container.clientWidth || 600);
    this.height = options.height ?? Math.max(160, container.clientHeight || 300);
    if (typeof ResizeObserver === 'function') {
      this.resizeObserver = new ResizeObserver(() => this.resize(container.clientWidth, options.height ?? container.clientHeight));
      this.resizeObserver.observe(container);
    }
  }

  get chart(): uPlot | undefined {
    return this.plot;
  }

  private get showLr(): boolean {
    return this.options.showLr ?? this.inputs.length === 1;
  }

  /** Shows these series (rebuilds the chart). */
  setInputs(inputs: readonly ChartInput[]): void {
    this.inputs = [...inputs];
    this.zoom = undefined;
    this.rebuild();
  }

  /** New points were appended (or smoothing changed): redraws on the next frame. */
  update(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    const schedule = this.options.schedule ?? ((cb: () => void) => requestAnimationFrame(() => cb()));
    schedule(() => this.flush());
  }

  /** Sets the smoothing weight of every series and redraws. */
  setSmoothing(weight: number): void {
    for (const i of this.inputs) i.series.setSmoothing(weight);
    this.update();
  }

  /** Redraws now. */
  flush(): void {
    this.scheduled = false;
    if (!this.plot || this.disposed) return;
    this.settingData = true;
    try {
      this.plot.setData(this.data() as uPlot.AlignedData, !this.zoom);
    } finally {
      this.settingData = false;
    }
  }

  /** Back to the whole range. */
  resetZoom(): void {
    this.zoom = undefined;
    this.flush();
  }

  resize(width: number, height: number): void {
    const w = Math.max(100, Math.floor(width));
    const h = Math.max(120, Math.floor(height));
    if (w === this.width && h === this.height) return;
    this.width = w;
    this.height = h;
    this.plot?.setSize({ width: w, height: h });
    this.update();
  }

  /** The theme changed: rebuild with its colours. */
  refreshTheme(): void {
    this.rebuild();
  }

  dispose(): void {
    this.disposed = true;
    this.resizeObserver?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }

  private data(): (number | null)[][] {
    return buildChartData(this.inputs, { maxPoints: this.width, range: this.zoom, showLr: this.showLr });
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    if (this.disposed) return;
    const Plot = this.options.uPlot ?? uPlot;
    const read =
      this.options.readVar ?? ((name: string) => getComputedStyle(this.container).getPropertyValue(name));
    const colors = themeColors(read);
    const axis = (scale: string | undefined, side: 1 | 3, label: string): uPlot.Axis => ({
      scale,
      side,
      label,
      stroke: colors.foreground,
      font: colors.font,
      labelFont: colors.font,
      grid: { stroke: colors.grid, width: 1, show: side === 3 },
      ticks: { stroke: colors.grid, width: 1 },
    });
    const axes: uPlot.Axis[] = [
      { ...axis(undefined, 3, ''), side: 2, grid: { stroke: colors.grid, width: 1 } },
      axis('loss', 3, 'loss'),
    ];
    if (this.showLr) {
      // Room for the widest tick label (e.g. "1.0e-4") plus the tick and gap, so the axis
      // title sits beside the labels rather than over them.
      axes.push({ ...axis('lr', 1, 'learning rate'), values: (_u, ticks) => ticks.map((t) => t.toExponential(1)), size: (u, values) => axisSize(u, values, colors.font), labelGap: 4 });
    }
    const opts: uPlot.Options = {
      width: this.width,
      height: this.height,
      class: 'tl-chart-plot',
      scales: { x: { time: false }, loss: { auto: true }, lr: { auto: true } },
      axes,
      series: buildSeriesOptions(this.inputs, colors, this.showLr, this.options.showRaw ?? true),
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x' || this.settingData) return;
            const min = u.scales.x?.min;
            const max = u.scales.x?.max;
            if (min === undefined || max === undefined || min === null || max === null) return;
            const xs = u.data[0];
            const full = xs.length > 0 && min <= (xs[0] as number) && max >= (xs[xs.length - 1] as number);
            // A drag-zoom draws that range in detail; uPlot's double-click reset ends it.
            const zoom = full ? undefined : { min, max };
            if (zoom?.min === this.zoom?.min && zoom?.max === this.zoom?.max) return;
            this.zoom = zoom;
            this.update();
          },
        ],
      },
    };
    this.plot = new Plot(opts, this.data() as uPlot.AlignedData, this.container);
  }
}

/** An axis's width in CSS px: the widest tick label in `font`, the tick (10) and the gaps. */
function axisSize(u: uPlot, values: string[] | null | undefined, font: string): number {
  const MIN = 50;
  if (!values?.length) return MIN;
  let widest = 0;
  try {
    const ctx = u.ctx;
    const saved = ctx.font;
    ctx.font = font;
    for (const v of values) widest = Math.max(widest, ctx.measureText(String(v)).width);
    ctx.font = saved;
  } catch {
    widest = Math.max(...values.map((v) => String(v).length)) * 8;
  }
  return Math.max(MIN, Math.ceil(widest) + 10 + 12);
}
