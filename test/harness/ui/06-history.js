// UI check: the History tab of Dynamic Simplicity. The table lists every session and the
// draft version; a header sorts by keyboard (Enter) and says so (aria-sort); the text filter
// narrows the rows; ticking V1 and V2 and pressing Compare shows their parameters side by side
// (learning_rate highlighted) and V2's loss curve. Screenshot: history-dark.png (table and
// compare). Then a row's details: the failed V3 session shows its error and its notes editor.
'use strict';
const { inStylePanel } = require('../lib/panel');

module.exports = async function history(ctx) {
  const { page, log, shot } = ctx;
  await inStylePanel(ctx, 'Dynamic Simplicity', 'history', async (view) => {
    const rows = view.locator('.history-table tbody tr[data-key]');
    await rows.nth(4).waitFor({ timeout: 20000 });
    const count = await rows.count();
    log(`history rows: ${count}; ${(await view.locator('.history-count').innerText()).trim()}`);
    if (count !== 5) throw new Error(`expected 4 sessions and the draft V4, saw ${count} rows`);

    // Sort by final loss with the keyboard.
    const header = view.locator('button.history-sort[data-sort="finalLoss"]');
    await header.focus();
    await page.keyboard.press('Enter');
    await view.locator('th[aria-sort="ascending"] button[data-sort="finalLoss"]').waitFor();
    await page.keyboard.press('Enter');
    await view.locator('th[aria-sort="descending"] button[data-sort="finalLoss"]').waitFor();
    log(`sorted by final loss (descending): ${(await rows.locator('.history-version').allInnerTexts()).join(' ')}`);

    // Filter by text, then clear it.
    const filter = view.locator('#history-filter input');
    await filter.fill('oom');
    await view.locator('.history-count', { hasText: /^1 of 5$/ }).waitFor();
    await filter.fill('');
    await view.locator('.history-count', { hasText: /^5 of 5$/ }).waitFor();

    // Tick V1 and V2, compare.
    for (const name of ['V1', 'V2']) await rows.filter({ has: view.locator('.history-version', { hasText: new RegExp(`^${name}$`) }) }).first().locator('vscode-checkbox').click();
    const compare = view.locator('#history-compare');
    await view.locator('#history-compare:not([disabled])').waitFor();
    log(`compare button: ${(await compare.innerText()).trim()}`);
    await compare.click();
    const lrRow = view.locator('.history-compare-table tr.differs[data-key="learning_rate"]');
    await lrRow.waitFor({ timeout: 20000 });
    log(`learning_rate row: ${(await lrRow.innerText()).replace(/\s+/g, ' ').trim()}`);
    log((await view.locator('.history-diff-count').innerText()).trim());
    await view.locator('.history-chart canvas').first().waitFor();
    log(`chart legend: ${(await view.locator('.history-chart .u-legend').innerText()).replace(/\s+/g, ' ').trim()}`);
    await view.locator('body').evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
    await shot('history-dark');

    // Details of the failed session: its error, its notes editor.
    const v3 = rows.filter({ has: view.locator('.history-version', { hasText: /^V3$/ }) }).first();
    await v3.focus();
    await page.keyboard.press('Enter');
    await view.locator('.history-details .history-error').waitFor();
    log(`V3 details: ${(await view.locator('.history-details .history-error').innerText()).trim()}`);
    await view.locator('#history-version-notes').waitFor();
    await view.locator('#history-session-notes').waitFor();

  });
};
