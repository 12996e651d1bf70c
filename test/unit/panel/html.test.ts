import assert from 'node:assert/strict';
import { contentSecurityPolicy, panelHtml } from '../../../src/extension/panel/html';

describe('panel HTML', () => {
  const nonce = '3f1c2a7e-9b0d-4c55-8e21-6a7f0b9d1e42';
  const html = panelHtml({ cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/dist/webview.js', styleUris: ['https://x/dist/webview.css', 'https://x/media/panel.css'], title: 'Train <b>' });

  it('has the CSP of STYLE.md exactly', () => {
    assert.equal(
      contentSecurityPolicy('https://x.vscode-cdn.net', nonce),
      `default-src 'none'; style-src https://x.vscode-cdn.net; font-src https://x.vscode-cdn.net; img-src https://x.vscode-cdn.net data:; script-src 'nonce-${nonce}'`,
    );
    assert.ok(html.includes(`content="default-src &#39;none&#39;; style-src https://x.vscode-cdn.net;`));
    assert.ok(!/unsafe-(inline|eval)/.test(html));
  });

  it('one script, with the nonce; style sheets by link; no inline style or script', () => {
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${nonce}" src="https://x/dist/webview.js"></script>`));
    assert.equal(html.match(/<link rel="stylesheet"/g)?.length, 2);
    assert.ok(!/<style|style="/.test(html));
    assert.ok(html.includes('<title>Train &lt;b&gt;</title>'));
  });

  it('refuses a nonce that is not a UUID', () => {
    assert.throws(() => panelHtml({ cspSource: 'x', nonce: 'abc', scriptUri: '', styleUris: [], title: '' }));
  });
});
