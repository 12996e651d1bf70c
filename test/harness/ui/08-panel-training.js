// UI check: a demo training started from the panel, watched live. Demo Lines' panel: NEW, 600
// steps with a 25 ms step delay and a sample every 100 steps, Start (the form is saved as a
// new version first). The Console tab follows the session: its log grows, its status line's
// progress bar's step goes up and the loss chart's canvas changes between two looks. Screenshot:
// console-live-dark.png. Then the Samples tab shows the session's first samples, and the
// training is cancelled from the Configure tab (the modal answered "Stop Training").
'use strict';
const { clearPanelArea, inStylePanel, fillParams } = require('../lib/panel');

/** The step of the last progress bar in the log text (`steps:  40%|████      | 240/600 …`). */
const stepOf = (text) => {
  const all = [...text.matchAll(/(\d+)\/600\b/g)];
  return all.length ? Number(all[all.length - 1][1]) : NaN;
};

module.exports = async function panelTraining(ctx) {
  const { page, log, shot } = ctx;
  await inStylePanel(ctx, 'Demo Lines', 'configure', async (view) => {
    await view.locator('#new-version').click();
    await fillParams(view, { max_train_steps: 600, sample_every_n_steps: 100, step_delay_ms: 25 });
    await view.locator('#action-start:not([disabled])').waitFor();
    await view.locator('#action-start').click();

    // The Console tab follows the new session (the session's terminal opened below: hide it).
    await view.locator('vscode-panel-tab#tab-console').click();
    await page.waitForTimeout(500);
    await clearPanelArea(page);
    const status = view.locator('.console-status');
    await status.filter({ hasText: /running/ }).waitFor({ timeout: 30000 });
    // Under load the terminal may open only now: hide it again, or the log has no room on screen.
    await clearPanelArea(page);
    await view.locator('.console-log', { hasText: /\d+\/600/ }).waitFor({ timeout: 30000 });
    await view.locator('.console-chart canvas').first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(1500);
    // The lines' text, not innerText: blocks off screen are not rendered (content-visibility), and
    // innerText leaves them out.
    const logText = async () => (await view.locator('.console-log .tl-console-line').allTextContents()).join('\n');
    const look = async () => ({
      step: stepOf(await logText()),
      lines: await view.locator('.console-log .tl-console-line').count(),
      text: (await logText()).length,
      chart: await view.locator('.console-chart canvas').first().evaluate((c) => c.toDataURL().length + ':' + c.toDataURL().slice(-64)),
    });
    // A look whose log has no readable step is taken again: tqdm clears its bar (a line of
    // spaces after `\r`) before a message line and redraws it after, and a look can fall between.
    const lookWithStep = async () => {
      for (let tries = 0; ; tries++) {
        const seen = await look();
        if (!Number.isNaN(seen.step) || tries === 10) return seen;
        await page.waitForTimeout(200);
      }
    };
    const first = await lookWithStep();
    await page.waitForTimeout(3000);
    const second = await lookWithStep();
    log(`first look: step ${first.step}, ${first.lines} lines; 3 s later: step ${second.step}, ${second.lines} lines`);
    if (!(second.step > first.step)) log(`log tail: ${JSON.stringify((await logText()).slice(-400))}`);
    if (!(second.step > first.step)) throw new Error(`the progress bar did not move: ${first.step} → ${second.step}`);
    if (first.chart === second.chart) throw new Error('the loss chart did not change in 3 s');
    if (!(second.text > first.text || second.lines > first.lines)) throw new Error('the console did not grow');
    log('console, status and chart moved');
    await clearPanelArea(page);
    await page.mouse.move(0, 0);
    await shot('console-live-dark');

    // Samples appear as the trainer writes them.
    await view.locator('vscode-panel-tab#tab-samples').click();
    await view.locator('.samples-step img').first().waitFor({ timeout: 30000 });
    log(`samples: ${(await view.locator('.samples-step h3').allInnerTexts()).join(', ')}`);

    // Cancel from the Configure tab: the modal asks, "Stop Training" stops it.
    await view.locator('vscode-panel-tab#tab-configure').click();
    await view.locator('#action-cancel:not([disabled])').waitFor({ timeout: 15000 });
    await view.locator('#action-cancel').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15000 });
    await dialog.locator('.monaco-button', { hasText: 'Stop Training' }).click();
    await view.locator('.version-card', { hasText: /cancelled/i }).waitFor({ timeout: 30000 });
    log('cancelled from the panel');

  });
};
