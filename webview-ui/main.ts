// The training panel's front-end bundle (dist/webview.js): see app.ts. The codicon font and
// its style sheet are bundled beside it (dist/webview.css, dist/codicon.ttf).
import '@vscode/codicons/dist/codicon.css';
import { startApp } from './app';
import type { VsCodeApi } from './host';

declare function acquireVsCodeApi(): VsCodeApi;

if (typeof acquireVsCodeApi === 'function') startApp(acquireVsCodeApi());
