// The History tab (see view.ts). Its style sheets, and the chart's, are bundled into dist/webview.css.
import 'uplot/dist/uPlot.min.css';
import '../chart/chart.css';
import './history.css';

export { HistoryView, type HistoryHost } from './view';
export * from './logic';
