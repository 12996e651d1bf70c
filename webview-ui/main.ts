// The training panel's front-end bundle (dist/webview.js). The panel itself (versions,
// parameters, console, history, charts) is built on this entry; for now it only tells the
// extension it has loaded, so a host can verify the bundle and its CSP wiring.
interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

if (typeof acquireVsCodeApi === 'function') acquireVsCodeApi().postMessage({ type: 'ready' });
