// UI check: trainings on RunPod from the panel, against the harness's stand-in endpoint (its
// worker runs the real demo trainer). The workspace settings point Trainlab at the stand-in;
// "Set RunPod API Key…" takes the key in a password box; "Set Dataset URL…" gives Demo Lines a
// URL-only dataset. In Demo Lines' panel: NEW on that dataset, Run on RunPod, Start. The version
// card shows the job and RunPod's status, the Active Sessions row and the status bar follow it
// (screenshot runpod-running-dark.png), and it ends completed with RunPod's COMPLETED on the card.
// Then three versions started one after the other run in parallel (runpod-parallel-dark.png)
// and all complete. The finished version's card names its model URL, and its Console tab shows
// the streamed log and the loss curve (runpod-console-dark.png). The key is cleared at the end,
// and appears nowhere on the page.
'use strict';
const fs = require('fs');
const path = require('path');
const { clearPanelArea, dragSash, inStylePanel, chooseOption, fillParams } = require('../lib/panel');

const URL = 'https://datasets.example.com/demo-lines.zip';

/** Types into the quick input and picks the focused row whose label starts with `label`. */
async function pick(page, label, typed = label) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(typed);
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Answers the input box that shows `expected` (its title or prompt) with `text`. An input box
 * that follows another replaces it in the same widget: waiting for its own words keeps the text
 * from going into the one before.
 */
async function answer(page, expected, text) {
  const widget = page.locator('.quick-input-widget').filter({ hasText: expected });
  await widget.waitFor({ state: 'visible' });
  const input = widget.locator('input');
  await input.fill(text);
  if ((await input.inputValue()) !== text) throw new Error(`the box "${expected}" did not take the text`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').filter({ hasText: expected }).waitFor({ state: 'hidden' });
}

async function check(ctx) {
  const { page, log, shot, workspace, runCommand, runpod } = ctx;
  if (!runpod) throw new Error('the harness started no RunPod stand-in');
  // Settings: Trainlab talks to the stand-in, polled every 5 s (the least allowed).
  const file = path.join(workspace, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const settings = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  Object.assign(settings, { 'trainlab.runpod.baseUrl': runpod.baseUrl, 'trainlab.runpod.endpointId': runpod.endpointId, 'trainlab.pollIntervalSeconds': 5 });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2));
  await page.waitForTimeout(1500);
  await runCommand('View: Close All Editors');

  // The key, in a password box.
  await runCommand('Trainlab: Set RunPod API Key…');
  const keyPrompt = 'Create one in the RunPod console';
  const keyBox = page.locator('.quick-input-widget').filter({ hasText: keyPrompt }).locator('input');
  await keyBox.waitFor();
  if ((await keyBox.getAttribute('type')) !== 'password') throw new Error('the key box is not a password box');
  await answer(page, keyPrompt, runpod.key);
  await page.locator('.notifications-toasts', { hasText: /RunPod API key saved/ }).waitFor({ timeout: 15000 });
  log('key saved in secret storage');

  // A dataset that lives only at its URL.
  await runCommand('Trainlab: Set Dataset URL…');
  await pick(page, 'Demo Lines');
  await pick(page, 'A dataset with no folder here…', 'no folder');
  await answer(page, 'Id of the dataset', 'lines');
  await answer(page, 'Where RunPod workers download', URL);
  log('dataset "lines" of Demo Lines has a URL');

  await inStylePanel(ctx, 'Demo Lines', 'configure', async (view) => {
    const started = [];
    /** NEW on the URL-only dataset, run on RunPod, Start; resolves with the version's id. */
    const startNew = async (steps, delayMs) => {
      await view.locator('#new-version').click();
      await fillParams(view, { max_train_steps: steps, save_every_n_steps: Math.max(10, Math.floor(steps / 4)), step_delay_ms: delayMs });
      await chooseOption(view, 'dataset-select', 'lines');
      await chooseOption(view, 'run-on', 'runpod');
      const start = view.locator('#action-start:not([disabled])');
      await start.waitFor();
      const tip = (await start.getAttribute('title')) || (await start.innerText());
      if (!/RunPod/.test(tip)) throw new Error(`Start does not say it runs on RunPod: "${tip}"`);
      await start.click();
      // The panel's message line says "Started V7: session …" (a message of an earlier Start may still be there).
      const message = view.locator('.message[role="status"]');
      let id = null;
      for (const t0 = Date.now(); !id; await page.waitForTimeout(200)) {
        if (Date.now() - t0 > 30000) throw new Error(`the panel did not say it started: "${await message.innerText()}"`);
        const m = /Started (V\d+): session/.exec(await message.innerText());
        if (m && !started.includes(m[1])) id = m[1];
      }
      started.push(id);
      log(`started ${id} on RunPod (${steps} steps)`);
      return id;
    };

    const first = await startNew(300, 40);
    await page.waitForTimeout(500);
    await clearPanelArea(page);
    const card = view.locator('.version-card');
    await card.locator('.card-remote', { hasText: /RunPod job \S+ · IN_PROGRESS/ }).waitFor({ timeout: 30000 });
    log(`card: ${(await card.locator('.card-remote').innerText()).replace(/\s+/g, ' ').trim()}`);

    // The Active Sessions tree and the status bar follow the job.
    const entry = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Trainlab"]') })
      .or(page.locator('.activitybar .action-item[aria-label^="Trainlab"]')).first();
    if (!(await page.locator('.part.sidebar').isVisible()) || !/\bchecked\b/.test((await entry.getAttribute('class')) || '')) await entry.click();
    const active = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Active Sessions"]') });
    const activeRow = active.locator('.monaco-list-row').filter({ hasText: `Demo Lines / ${first}` }).first();
    await activeRow.filter({ hasText: /running • \d+\/300/ }).waitFor({ timeout: 30000 });
    log(`Active Sessions: ${(await activeRow.innerText()).replace(/\s+/g, ' ').trim()}`);
    const bar = page.locator('.part.statusbar .statusbar-item[id$="trainlab.training"], .part.statusbar .statusbar-item').filter({ hasText: /\d+%|trainings/ }).first();
    await bar.waitFor({ timeout: 20000 });
    log(`status bar: ${(await bar.innerText()).replace(/\s+/g, ' ').trim()}`);
    // A wider side bar (whole row descriptions) and the panel scrolled to the version card, for the picture.
    const side = await page.locator('.part.sidebar').boundingBox();
    // Its right edge at 520 px whatever width earlier checks left it (put back at the end).
    await dragSash(page, { x: side.x + side.width - 1, y: 300 }, { x: 520, y: 300 });
    const top = () => view.locator('body').evaluate(() => window.scrollTo(0, 0));
    await top();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await shot('runpod-running-dark');

    await card.locator('.card-remote', { hasText: /COMPLETED/ }).waitFor({ timeout: 60000 });
    await card.filter({ hasText: /completed/i }).waitFor();
    await activeRow.waitFor({ state: 'detached', timeout: 20000 });
    log(`${first} completed; card: ${(await card.locator('.card-remote').innerText()).replace(/\s+/g, ' ').trim()}`);
    const model = card.locator('.card-model', { hasText: /https?:\/\// });
    await model.waitFor({ timeout: 10000 });
    log(`card: ${(await model.innerText()).replace(/\s+/g, ' ').trim()}`);

    // Its Console: the worker's streamed log and the loss curve read from it.
    await view.locator('vscode-panel-tab#tab-console').click();
    await view.locator('.console-status', { hasText: /completed/ }).waitFor({ timeout: 15000 });
    await view.locator('.console-log', { hasText: /300\/300/ }).waitFor({ timeout: 15000 });
    await view.locator('.console-chart canvas').first().waitFor({ timeout: 15000 });
    log(`console: ${await view.locator('.console-log .tl-console-line').count()} lines, a loss chart`);
    await clearPanelArea(page);
    await page.mouse.move(0, 0);
    await shot('runpod-console-dark');
    await view.locator('vscode-panel-tab#tab-configure').click();

    // Three in parallel.
    const ids = [];
    for (const steps of [160, 200, 240]) ids.push(await startNew(steps, 60));
    await clearPanelArea(page);
    for (const id of ids) await active.locator('.monaco-list-row').filter({ hasText: `Demo Lines / ${id}` }).filter({ hasText: /running/ }).first().waitFor({ timeout: 30000 });
    const rows = (await active.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    log(`Active Sessions: ${rows.join(' | ')}`);
    // The notice follows what runs now.
    const notice = view.locator('.notice');
    for (const id of ids) await notice.filter({ hasText: new RegExp(`\\b${id} is (training|waiting to start) on RunPod`) }).waitFor({ timeout: 10000 });
    log(`notice: ${(await notice.innerText()).trim()}`);
    await top();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await shot('runpod-parallel-dark');
    for (const id of ids) await active.locator('.monaco-list-row').filter({ hasText: `Demo Lines / ${id}` }).first().waitFor({ state: 'detached', timeout: 60000 });
    // Each version's card says completed (the last one selected; the others through the selector).
    for (const id of ids) {
      await chooseOption(view, 'version-select', id);
      await card.filter({ hasText: /completed/i }).locator('.card-remote', { hasText: /COMPLETED/ }).waitFor({ timeout: 20000 });
    }
    log(`${ids.join(', ')} completed in parallel`);
    const left = (await notice.isVisible()) ? (await notice.innerText()).trim() : '';
    if (ids.some((id) => new RegExp(`\\b${id} is`).test(left))) throw new Error(`the notice still names a finished version: ${left}`);

    const wide = await page.locator('.part.sidebar').boundingBox();
    await dragSash(page, { x: wide.x + wide.width - 1, y: 300 }, { x: side.x + side.width - 1, y: 300 });

    const html = await page.content();
    const frames = await Promise.all(page.frames().map((f) => f.content().catch(() => '')));
    if ([html, ...frames].some((t) => t.includes(runpod.key))) throw new Error('the API key is on the page');

  }, { sideBar: true });
  await runCommand('Trainlab: Clear RunPod API Key');
}

check.timeoutMs = 240000;
module.exports = check;
