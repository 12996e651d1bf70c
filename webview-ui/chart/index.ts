// The loss chart: pure metrics, smoothing and downsampling, and the uPlot wrapper.
export { smooth, Smoother, clampWeight } from './smooth';
export { downsample, lttbIndices } from './downsample';
export { parseMetrics, parseMetricLine, MetricsSeries, type MetricSample, type MetricsSeriesOptions } from './metrics';
export { alignTables, type Aligned, type Table } from './align';
export { LossChart, buildChartData, buildSeriesOptions, themeColors, faint, CHART_COLOR_VARS, type ChartColors, type ChartInput, type LossChartOptions } from './lossChart';
export { onThemeChange, themeKey } from './theme';
