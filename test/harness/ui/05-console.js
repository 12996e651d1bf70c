// UI check: the Console tab of Dynamic Simplicity's panel. Before the panel opens, the fixture
// session of V2 gets more output (ANSI colours, a tqdm bar rewritten with \r) and more metrics;
// the tab shows the log (colours as classes, the bar collapsed to its last state) and the loss
// chart above it (uPlot canvas). Search finds a line; the follow button pauses. Screenshot:
// console-dark.png. Any CSP violation in the webview fails.
'use strict';
const { clearPanelArea, openStylePanel, watchCsp } = require('../lib/panel');
const fs = require('fs');
const path = require('path');

const SESSION_DIR = ['trainlab', 'styles', 'dynamic-simplicity', 'sessions', '20251013-090215-7d4e2b'];

function feedSession(workspace) {
  const dir = path.join(workspace, ...SESSION_DIR);
  const esc = '\u001b';
  const lines = [];
  lines.push(`${esc}[1mprepare tokenizer${esc}[0m`, 'loading model for process 0/1', `${esc}[32mINFO${esc}[0m     Loading dataset: 24 images, 10 repeats`, `${esc}[33mWARNING${esc}[0m  xformers not available, using sdpa`);
  for (let e = 1; e <= 6; e++) {
    let bar = '';
    for (let p = 0; p <= 100; p += 25) bar += `\repoch ${e}/6: ${String(p).padStart(3)}%|${'█'.repeat(p / 10)}${' '.repeat(10 - p / 10)}| ${p * 2}/200`;
    lines.push(`${bar}`);
    lines.push(`${esc}[36msaving checkpoint${esc}[0m: output/dynamic-simplicity-V2-e${e}.safetensors`);
  }
  lines.push(`${esc}[31mERROR${esc}[0m    (example) a red line to check the colours`);
  fs.appendFileSync(path.join(dir, 'console.log'), `\n${lines.join('\n')}\n`);
  const metrics = [];
  for (let s = 240; s <= 1200; s += 10) {
    const loss = 0.05 + 0.07 * Math.exp(-s / 400) + 0.012 * Math.sin(s / 17) * Math.cos(s / 41);
    metrics.push(JSON.stringify({ t: '2025-10-13T09:10:00.000Z', step: s, epoch: Math.floor(s / 200), loss: +loss.toFixed(4), lr: +(0.0004 * (s < 600 ? 1 : 0.5 * (1 + Math.cos(((s - 600) / 600) * Math.PI)))).toExponential(3) }));
  }
  fs.appendFileSync(path.join(dir, 'metrics.jsonl'), `${metrics.join('\n')}\n`);
}

module.exports = async function consoleTab({ page, log, shot, runCommand, workspace }) {
  const csp = watchCsp(page);
  try {
    feedSession(workspace);
    // The panel of 04 may still be open: close all editors first.
    await runCommand('View: Close All Editors');
    await openStylePanel(page, runCommand, 'Dynamic Simplicity');
    await clearPanelArea(page);
    if (await page.locator('.part.sidebar').isVisible()) await runCommand('View: Toggle Primary Side Bar Visibility');

    const view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('vscode-panel-tab#tab-console').waitFor({ timeout: 30000 });
    // The selected version is V2 (its newest session is the fixture one): open the Console tab.
    await view.locator('vscode-panel-tab#tab-console').click();
    // Choose V2's session in the picker (the selected version may have none).
    const picker = view.locator('#console-session');
    await picker.locator('vscode-option[value="20251013-090215-7d4e2b"]').waitFor({ state: 'attached', timeout: 20000 });
    await picker.evaluate((d) => {
      d.value = '20251013-090215-7d4e2b';
      d.dispatchEvent(new Event('change'));
    });
    await view.locator('.tl-console-line', { hasText: 'avr_loss=0.081' }).waitFor({ timeout: 20000 });
    await view.locator('.tl-console-line', { hasText: 'a red line' }).waitFor();
    const lines = await view.locator('.tl-console-line').count();
    const bars = await view.locator('.tl-console-line', { hasText: 'epoch 3/6' }).allInnerTexts();
    log(`${lines} console lines; epoch 3 bar: ${JSON.stringify(bars)}`);
    if (bars.length !== 1 || !bars[0].includes('100%')) throw new Error(`the \\r progress bar is not collapsed to its last state: ${JSON.stringify(bars)}`);
    const coloured = await view.locator('.tl-console-line span[class*="ansi-fg"]').count();
    log(`coloured spans: ${coloured}`);
    await view.locator('.console-chart canvas').first().waitFor({ timeout: 10000 });
    log(`chart: ${await view.locator('.console-chart canvas').count()} canvas, legend "${(await view.locator('.console-chart .u-legend').innerText().catch(() => '')).replace(/\s+/g, ' ').trim()}"`);
    log(`picker: ${(await view.locator('#console-session').evaluate((d) => d.value)) || '(newest)'}; status: ${await view.locator('.console-status').innerText()}`);

    // Search.
    const search = view.locator('#console-search input');
    await search.fill('checkpoint');
    await view.locator('.console-search-count', { hasText: /of 6/ }).waitFor();
    log(`search "checkpoint": ${await view.locator('.console-search-count').innerText()}`);
    await search.fill('');
    await view.locator('body').evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(0, 0);
    await page.waitForTimeout(400);
    await shot('console-dark');

    // Back to Configure so later checks start where they expect.
    await view.locator('vscode-panel-tab#tab-configure').click();
    csp.check(log);
  } finally {
    csp.dispose();
  }
};
