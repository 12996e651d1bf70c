// UI check: "Trainlab: Open Training Panel" from the palette on Dynamic Simplicity. The
// Configure tab draws the version selector, the version card, the dataset, the parameter form
// and the buttons; typing "abc" into Network dim shows the field's own message beside it and
// disables Start (its tooltip says why). Screenshots: panel-configure-dark.png and, after
// switching to Light Modern, panel-configure-light.png. Any CSP violation in the webview fails.
'use strict';

async function pickColorTheme(page, runCommand, label, themeClass) {
  await runCommand('Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: new RegExp(`^${label}`) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.waitForTimeout(400);
}

module.exports = async function panel({ page, log, shot, runCommand }) {
  const violations = [];
  const onConsole = (m) => {
    const t = m.text();
    // FAST (inside the toolkit) probes for :focus-visible once by adding an empty <style>; the
    // CSP refuses it (the hash in the report is that of the empty string) and FAST falls back
    // to :focus. Any other refusal is a real violation.
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(t) && !t.includes("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='")) violations.push(t);
  };
  page.on('console', onConsole);
  try {
    await runCommand('Trainlab: Open Training Panel');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('Dynamic Simplicity');
    await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: /^\s*Dynamic Simplicity/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'Train: Dynamic Simplicity' }).first().waitFor();

    // Room for the panel: no terminal panel, no side bar, no toasts.
    const hidePanel = page.locator('.part.panel a.action-label[aria-label^="Hide Panel"], .part.panel a.action-label[aria-label^="Close Panel"]').first();
    if (await hidePanel.isVisible()) await hidePanel.click();
    for (const close of await page.locator('.notifications-toasts .codicon-notifications-clear').all()) await close.click().catch(() => {});
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
    if (violations.length) throw new Error(`CSP violations in the webview:\n${violations.slice(0, 5).join('\n')}`);
    log('no CSP violations');
  } finally {
    page.off('console', onConsole);
  }
};
