/**
 * The panel's HTML and its Content Security Policy (STYLE.md "Extension ↔ webview"): no
 * inline script or style, scripts only with the page's nonce, styles, fonts and images only
 * from the webview's own resource origin. Pure (no `vscode` import): unit-tested in Node.
 */

export interface PanelHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh `crypto.randomUUID()` per page. */
  nonce: string;
  /** Webview URIs (as strings) of the bundle and the style sheets, in order. */
  scriptUri: string;
  styleUris: readonly string[];
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function panelHtml(input: PanelHtmlInput): string {
  if (!/^[A-Za-z0-9-]{16,}$/.test(input.nonce)) throw new Error('panelHtml: the nonce must be a random UUID');
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  const links = input.styleUris.map((u) => `    <link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
    <title>${escapeHtml(input.title)}</title>
  </head>
  <body>
    <main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
    <script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
  </body>
</html>
`;
}
