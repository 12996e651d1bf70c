import assert from 'node:assert/strict';
import { afterStalledLoad, MAX_PAGE_LOADS } from '../../../src/extension/panel/load-watchdog';

describe('the panel load watchdog', () => {
  const steps = (replaceable: boolean) => Array.from({ length: MAX_PAGE_LOADS }, (_, i) => afterStalledLoad(i + 1, replaceable));

  it('a first panel loads its page again once, then asks for a new webview', () => {
    assert.deepEqual(steps(true).slice(0, 2), ['reload', 'replace']);
  });

  it('a replacement keeps loading its page until the last try, then gives up (and says so)', () => {
    assert.deepEqual(steps(false), ['reload', 'reload', 'reload', 'reload', 'give-up']);
  });
});
