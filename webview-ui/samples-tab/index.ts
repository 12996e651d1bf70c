// The Samples tab (see view.ts) and its style sheet, bundled into dist/webview.css.
import './samples.css';

export { SamplesTab, type SamplesTabDeps } from './view';
export * from './logic';
