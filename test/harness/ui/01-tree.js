// UI check: the Trainlab activity-bar container opens, its Styles view shows the fixture's
// styles, and it renders in a dark and a light theme (screenshots/tree-dark.png, tree-light.png).
'use strict';

module.exports = async function treeCheck({ page, log, shot, updateSettings }) {
  // The view container's activity-bar entry; clicking an already active one would close the side bar.
  const entry = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Trainlab"]') })
    .or(page.locator('.activitybar .action-item[aria-label^="Trainlab"]')).first();
  await entry.waitFor({ timeout: 60000 });
  if (!/\bchecked\b/.test((await entry.getAttribute('class')) || '')) await entry.click();

  // The Styles view is the pane whose header is titled "Styles" inside the side bar.
  const styles = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Styles"]') });
  await styles.waitFor();
  const items = styles.getByRole('treeitem');
  await items.first().waitFor();
  log('Styles view items: ' + (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).join(' | '));
  const sessions = page.locator('.part.sidebar .pane-header[aria-label^="Active Sessions"]');
  if (await sessions.count()) log('Active Sessions view present');

  await shot('tree-dark');

  updateSettings({ 'workbench.colorTheme': 'Default Light Modern' });
  // The workbench marks its theme type on its root element: vs-dark, vs (light), hc-black, hc-light.
  await page.locator('.monaco-workbench.vs').waitFor({ timeout: 20000 });
  await page.waitForTimeout(300); // let the repaint settle
  await shot('tree-light');

  // Leave the workbench as later checks expect it.
  updateSettings({ 'workbench.colorTheme': 'Default Dark Modern' });
  await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 20000 });
};
