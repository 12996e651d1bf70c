// The Console tab (view.ts) with its style sheets: uPlot's, the chart's, the console's and the tab's own.
import 'uplot/dist/uPlot.min.css';
import '../chart/chart.css';
import '../console/console.css';
import './console-tab.css';
export { ConsoleTab, type ConsoleTabDeps } from './view';
