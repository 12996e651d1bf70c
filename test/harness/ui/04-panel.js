// UI check: "Trainlab: Open Training Panel" from the palette on Dynamic Simplicity. The
// Configure tab draws the version selector, the version card, the dataset, the parameter form
// and the buttons; typing "abc" into Network dim shows the field's own message beside it and
// disables Start (its tooltip says why). Screenshots: panel-configure-dark.png and, after
// switching to Light Modern, panel-configure-light.png. Any CSP violation in the webview fails.
'use strict';
const { clearPanelArea, openStylePanel, pickColorTheme, watchCsp } = require('../lib/panel');

module.exports = async function panel({ page, log, shot, runCommand }) {
  const csp = watchCsp(page);
  try {
    await openStylePanel(page, runCommand, 'Dynamic Simplicity');

    await clearPanelArea(page);
    await runCommand('View: Toggle Primary Side Bar Visibility');

    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('.configure h1', { hasText: 'Dynamic Simplicity' }).waitFor({ timeout: 30000 });
    await view.locator('vscode-panel-tab#tab-configure').waitFor();
    const selected = (await view.locator('#version-select').evaluate((d) => d.value)) || '';
    log(`selected version: ${selected}; card: ${(await view.locator('.version-card').innerText()).replace(/\s+/g, ' ').trim()}`);
    const fields = await view.locator('.param-field').count();
    log(`${fields} parameter fields; datasets: ${(await view.locator('#dataset-select vscode-option').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ')}`);
    if (fields < 10) throw new Error(`expected the kohya form, saw ${fields} fields`);

    // An invalid value: the error beside the field, Start disabled with the reason.
    const dim = view.locator('#param-network_dim input');
    await dim.click();
    await dim.fill('abc');
    const error = view.locator('[data-key="network_dim"] .field-error');
    await error.filter({ hasText: 'must be a whole number between 1 and 1024' }).waitFor();
    const start = view.locator('#action-start');
    await view.locator('#action-start[disabled]').waitFor();
    const reason = await start.getAttribute('title');
    log(`Start disabled: ${reason}`);
    if (!/Network dim \(rank\) must be a whole number/.test(reason || '')) throw new Error(`Start's tooltip does not name the field: ${reason}`);
    // Keyboard: Tab moves on from the field; the labels are bound (the field has its accessible name).
    await page.keyboard.press('Tab');
    await view.locator('body').evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    await page.mouse.move(0, 0);
    await shot('panel-configure-dark');

    await pickColorTheme(page, runCommand, 'Light Modern', 'vscode-theme-defaults-themes-light_modern-json');
    await error.filter({ hasText: 'must be a whole number' }).waitFor();
    await shot('panel-configure-light');
    await pickColorTheme(page, runCommand, 'Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json');
    await runCommand('View: Toggle Primary Side Bar Visibility');
    csp.check(log);
  } finally {
    csp.dispose();
  }
};
