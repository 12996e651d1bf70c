import assert from 'node:assert/strict';
import { onThemeChange, themeKey } from '../../../webview-ui/chart/theme';

describe('panel theme changes', () => {
  it('keys the body class by its theme kind only', () => {
    assert.equal(themeKey('vscode-dark foo'), 'vscode-dark');
    assert.equal(themeKey('foo  vscode-high-contrast vscode-reduce-motion'), 'vscode-high-contrast');
    assert.equal(themeKey('vscode-high-contrast-light vscode-light'), 'vscode-high-contrast-light vscode-light');
    assert.equal(themeKey('vscode-light x'), themeKey('x vscode-light'));
    assert.equal(themeKey(''), '');
  });

  it('without a DOM observes nothing and never throws', () => {
    const stop = onThemeChange(() => assert.fail('called'), undefined);
    stop();
  });
});
