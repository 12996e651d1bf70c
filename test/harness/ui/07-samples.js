// UI check: the Samples tab of Dynamic Simplicity (the fixture's V1 and V2 sessions hold kohya
// sample images of two prompts, named in prompts/dynamic-simplicity.txt). "By step" shows the
// newest sampled session (V2) grouped by step; "By prompt" shows the second prompt with V1 and
// V2 side by side, a row per step. Clicking an image opens it in an editor. Screenshots:
// samples-dark.png and samples-compare-dark.png. Any CSP violation (an image refused) fails.
'use strict';
const { inStylePanel, chooseOption } = require('../lib/panel');

module.exports = async function samples(ctx) {
  const { page, log, shot } = ctx;
  await inStylePanel(ctx, 'Dynamic Simplicity', 'samples', async (view) => {
    const steps = view.locator('.samples-step');
    await steps.nth(2).waitFor({ timeout: 20000 });
    log(`by step: ${(await steps.locator('h3').allInnerTexts()).join(', ')}; session ${(await view.locator('#samples-session').evaluate((d) => d.value))}`);
    const images = view.locator('.samples-step img');
    if ((await images.count()) !== 6) throw new Error(`expected 6 images of V2 (3 steps × 2 prompts), saw ${await images.count()}`);
    // Every image really drew (a CSP or path problem leaves naturalWidth at 0).
    await page.waitForTimeout(500);
    const widths = await images.evaluateAll((list) => list.map((i) => i.naturalWidth));
    if (widths.some((w) => !w)) throw new Error(`some sample images did not load: ${widths.join(',')}`);
    log(`captions: ${(await view.locator('.samples-step figcaption').allInnerTexts()).slice(0, 2).join(' | ')}`);
    await page.mouse.move(0, 0);
    await shot('samples-dark');

    // One prompt across versions.
    await chooseOption(view, 'samples-mode', 'prompt');
    await view.locator('#samples-prompt').waitFor();
    await chooseOption(view, 'samples-prompt', '1');
    const table = view.locator('table.samples-compare');
    await table.waitFor();
    const heads = (await table.locator('thead th').allInnerTexts()).map((t) => t.split('\n')[0].trim());
    const rows = (await table.locator('tbody th').allInnerTexts()).map((t) => t.trim());
    log(`by prompt: ${(await view.locator('.samples-prompt-text').innerText()).trim()}; columns ${heads.join(' | ')}; rows ${rows.join(', ')}`);
    if (heads.join('|') !== 'Step|V2|V1') throw new Error(`expected the columns Step, V2, V1; saw ${heads.join(', ')}`);
    if (rows.length !== 4) throw new Error(`expected steps 200–800 (4 rows), saw ${rows.join(', ')}`);
    await page.waitForTimeout(400);
    await shot('samples-compare-dark');

    // An image opens in an editor.
    await table.locator('tbody tr').last().locator('button.samples-open').last().click();
    await page.locator('.tab', { hasText: 'dynamic-simplicity_000800_01' }).first().waitFor({ timeout: 15000 });
    log('the image opened in an editor tab');

  });
};
