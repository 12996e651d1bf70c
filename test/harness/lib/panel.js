// Helpers shared by the UI checks (the training panel's, ui/04-*.js and later, and the workbench's).
'use strict';

/**
 * Collects Content Security Policy refusals reported by the page. FAST (inside the webview
 * toolkit) probes for :focus-visible once by adding an empty <style>; the CSP refuses it (the
 * hash in the report is that of the empty string) and FAST falls back to :focus. Any other
 * refusal is a real violation.
 */
function watchCsp(page) {
  const violations = [];
  const onConsole = (m) => {
    const t = m.text();
    if (/Content Security Policy|Refused to (apply|load|execute)/i.test(t) && !t.includes("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='")) violations.push(t);
  };
  page.on('console', onConsole);
  return {
    /** Throws when the page reported any violation. */
    check(log) {
      if (violations.length) throw new Error(`CSP violations in the webview:\n${violations.slice(0, 5).join('\n')}`);
      log('no CSP violations');
    },
    dispose: () => page.off('console', onConsole),
  };
}

/** "Trainlab: Open Training Panel" from the palette, picking the style by its name. */
async function openStylePanel(page, runCommand, styleName) {
  await runCommand('Trainlab: Open Training Panel');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(styleName);
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: new RegExp(`^\\s*${styleName}`) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: `Train: ${styleName}` }).first().waitFor();
}

/** Room for the panel in the screenshots: no terminal panel, no notification toasts. */
async function clearPanelArea(page) {
  const hidePanel = page.locator('.part.panel a.action-label[aria-label^="Hide Panel"], .part.panel a.action-label[aria-label^="Close Panel"]').first();
  if (await hidePanel.isVisible()) await hidePanel.click();
  for (const close of await page.locator('.notifications-toasts .codicon-notifications-clear').all()) await close.click().catch(() => {});
}

/** "Preferences: Color Theme" → `label`; waits for the workbench to carry the theme's class. */
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

const THEMES = {
  dark: ['Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json'],
  light: ['Light Modern', 'vscode-theme-defaults-themes-light_modern-json'],
  hc: ['Dark High Contrast', 'vscode-theme-defaults-themes-hc_black-json'],
};

/** The panel's page (inside the webview's two frames). */
const panelView = (page) => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

/**
 * Runs `body(view)` on a style's panel opened afresh from the palette, with the room the
 * screenshots want (no other editor, no terminal panel; no side bar unless `sideBar`), on the
 * tab `firstTab`; then closes the editors, puts the side bar back and fails on any CSP refusal
 * the page reported meanwhile.
 */
async function inStylePanel({ page, log, runCommand }, styleName, firstTab, body, { sideBar = false } = {}) {
  const csp = watchCsp(page);
  try {
    await runCommand('View: Close All Editors');
    await openStylePanel(page, runCommand, styleName);
    await clearPanelArea(page);
    const hideSideBar = !sideBar && (await page.locator('.part.sidebar').isVisible());
    if (hideSideBar) await runCommand('View: Toggle Primary Side Bar Visibility');
    const view = panelView(page);
    const tab = view.locator(`vscode-panel-tab#tab-${firstTab}`);
    await tab.waitFor({ timeout: 30000 });
    await tab.click();
    await body(view);
    await runCommand('View: Close All Editors');
    if (hideSideBar) await runCommand('View: Toggle Primary Side Bar Visibility');
    csp.check(log);
  } finally {
    csp.dispose();
  }
}

/** Opens the toolkit dropdown `#id` and clicks its option `value`. */
async function chooseOption(view, id, value) {
  await view.locator(`#${id}`).click();
  await view.locator(`#${id} vscode-option[value="${value}"]`).click();
}

/**
 * Types into the Configure tab's parameter fields (`{ max_train_steps: 600, … }`), opening the
 * Advanced section first when it is closed (some fields live there).
 */
async function fillParams(view, values) {
  const advanced = view.locator('details.advanced');
  if (!(await advanced.evaluate((d) => d.open))) await advanced.locator('summary').click();
  for (const [key, value] of Object.entries(values)) {
    const input = view.locator(`#param-${key} input`);
    await input.click();
    await input.fill(String(value));
  }
}

/** Drags a sash (the border between two parts of the workbench) from `from` to `to`. */
async function dragSash(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 4 });
  await page.mouse.up();
  await page.waitForTimeout(200);
}

module.exports = { watchCsp, openStylePanel, clearPanelArea, pickColorTheme, THEMES, panelView, inStylePanel, dragSash, chooseOption, fillParams };
