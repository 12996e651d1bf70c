// UI check: every tab of Dynamic Simplicity's panel in Light Modern and in Dark High Contrast
// (the dark ones are taken by 04–08). The panel uses theme variables only, so each tab must
// follow the theme: the page's background is the theme's editor background. Screenshots:
// panel-<tab>-light.png and panel-<tab>-hc.png for configure, console, history and samples.
'use strict';
const { pickColorTheme, THEMES, inStylePanel, chooseOption } = require('../lib/panel');

const TABS = [
  ['configure', '.configure h1'],
  ['console', '.console-chart canvas'],
  ['history', '.history-table tbody tr[data-key]'],
  ['samples', '.samples img'],
];

module.exports = async function themes(ctx) {
  const { page, log, shot, runCommand } = ctx;
  await inStylePanel(ctx, 'Dynamic Simplicity', 'configure', async (view) => {
    await chooseOption(view, 'version-select', 'V2');
    await view.locator('.version-card', { hasText: 'V2' }).waitFor();

    for (const theme of ['light', 'hc']) {
      await pickColorTheme(page, runCommand, ...THEMES[theme]);
      const backgrounds = [];
      for (const [tab, ready] of TABS) {
        await view.locator(`vscode-panel-tab#tab-${tab}`).click();
        await view.locator(ready).first().waitFor({ timeout: 20000 });
        await view.locator('body').evaluate(() => window.scrollTo(0, 0));
        await page.mouse.move(0, 0);
        await page.waitForTimeout(500);
        backgrounds.push(await view.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor));
        await shot(`panel-${tab}-${theme}`);
      }
      log(`${theme}: page background ${[...new Set(backgrounds)].join(', ')}`);
      const expected = theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(0, 0, 0)';
      if (backgrounds.some((b) => b !== expected)) throw new Error(`${theme}: the panel's background is not the theme's (${backgrounds.join(', ')})`);
    }
    await pickColorTheme(page, runCommand, ...THEMES.dark);
  });
};
