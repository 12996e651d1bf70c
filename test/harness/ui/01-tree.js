// UI check: the Trainlab activity-bar container opens, its Styles view shows the fixture's
// styles, and it renders in a dark and a light theme (screenshots/tree-dark.png, tree-light.png).
'use strict';

/**
 * Picks a color theme in "Preferences: Color Theme". The Extension Development Host window does
 * not read the server's user settings file at start, so the theme is chosen through the UI.
 * `label` is the picker's label ("Dark Modern"); the workbench root then carries the theme's class.
 */
async function pickColorTheme(page, runCommand, label, themeClass) {
  await runCommand('Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input');
  await input.fill(label);
  const focused = page.locator('.quick-input-list .monaco-list-row.focused');
  await focused.filter({ hasText: new RegExp(`^${label}`) }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.monaco-workbench.${themeClass}`).waitFor();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.waitForTimeout(300); // let the repaint settle
}

/** "label description" of each tree item, joined with " | ". */
function itemTexts(items) {
  return items.evaluateAll((els) => els.map((el) => {
    const parts = [...el.querySelectorAll('.label-name, .label-description')].map((p) => (p.textContent || '').trim()).filter(Boolean);
    return parts.length ? parts.join(' ') : (el.textContent || '').trim();
  }).join(' | '));
}

module.exports = async function treeCheck({ page, log, shot, runCommand }) {
  // The view container's activity-bar entry (its link carries the title as aria-label).
  const entry = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Trainlab"]') }).first();
  await entry.waitFor({ timeout: 45000 });
  // Clicking the entry of the container already shown would close the side bar.
  if (!/\bchecked\b/.test((await entry.getAttribute('class')) || '')) await entry.click();

  // The Styles view: the side-bar pane whose header is titled "Styles".
  const styles = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Styles"]') });
  await styles.waitFor();
  const items = styles.getByRole('treeitem');
  // A "Loading…" row may stand in while the workspace loads; wait for a real one.
  await items.filter({ hasNotText: /^\s*Loading\b/i }).first().waitFor();
  // Rows may still be arriving: log them once two reads a moment apart agree.
  let texts = '';
  for (let i = 0, prev = null; i < 20 && texts !== prev; i++) {
    prev = texts;
    await page.waitForTimeout(250);
    texts = await itemTexts(items);
  }
  log('Styles view: ' + texts);
  const sessions = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Active Sessions"]') });
  if (await sessions.count()) {
    log('Active Sessions view: ' + ((await itemTexts(sessions.getByRole('treeitem'))) || '(no items)'));
  }

  await pickColorTheme(page, runCommand, 'Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json');
  await shot('tree-dark');
  await pickColorTheme(page, runCommand, 'Light Modern', 'vscode-theme-defaults-themes-light_modern-json');
  await shot('tree-light');
  // Later checks start from the dark theme.
  await pickColorTheme(page, runCommand, 'Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json');
};
