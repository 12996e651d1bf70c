// UI check: "Trainlab: Start Training" from the command palette on Demo Lines / V3 (the
// built-in demo trainer, no GPU). Waits for the session's terminal to draw the progress bar,
// the status bar item to show a percentage, and the running session in both trees; screenshot
// screenshots/training-dark.png (terminal, tree and status bar). Then Ctrl+C in the terminal:
// the modal "Cancel this training?" (screenshots/training-cancel-dark.png), "Stop Training",
// and the terminal's summary line (screenshots/training-cancelled-dark.png).
'use strict';
const fs = require('fs');
const path = require('path');
const { dragSash } = require('../lib/panel');

const exact = (label) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Picks the quick-pick row whose label starts with `label` (typing it first). */
async function pick(page, label) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row.focused').filter({ hasText: new RegExp(`^\\s*${label}`) }).waitFor();
  await page.keyboard.press('Enter');
}

module.exports = async function training({ page, log, shot, workspace, runCommand }) {
  // The terminal draws with its DOM renderer, so its text can be read (a workspace setting).
  const settingsDir = path.join(workspace, '.vscode');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(path.join(settingsDir, 'settings.json'), JSON.stringify({ 'terminal.integrated.gpuAcceleration': 'off' }, null, 2));

  const entry = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Trainlab"]') })
    .or(page.locator('.activitybar .action-item[aria-label^="Trainlab"]')).first();
  await entry.waitFor({ timeout: 60000 });
  if (!/\bchecked\b/.test((await entry.getAttribute('class')) || '')) await entry.click();
  const styles = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Styles"]') });
  await styles.locator('.monaco-list-row').filter({ hasText: 'Demo Lines' }).first().waitFor();

  // Start Training: the palette, then the style and the version.
  await runCommand('Trainlab: Start Training');
  await pick(page, 'Demo Lines');
  await pick(page, 'V3');
  log('started Demo Lines / V3');

  // The terminal panel: the session's terminal, drawing the tqdm bar in place.
  const terminalRows = page.locator('.part.panel .xterm-rows');
  await terminalRows.filter({ hasText: /steps:\s+\d+%\|/ }).first().waitFor({ timeout: 30000 });
  const tab = page.locator('.part.panel').getByText(/Trainlab: demo-lines\/V3 [0-9a-f]{6}/).first();
  await tab.waitFor();
  log('terminal: ' + (await tab.innerText()).trim());

  // The status bar item: `$(sync~spin) V3 12% · ETA 15s`.
  const item = page.locator('.part.statusbar .statusbar-item').filter({ hasText: /\bV3 \d+%/ }).first();
  await item.waitFor({ timeout: 20000 });
  log('status bar: ' + (await item.innerText()).replace(/\s+/g, ' ').trim());
  if (!(await item.locator('.codicon-sync.codicon-modifier-spin, .codicon-sync').count())) throw new Error('the status bar item has no spinning sync icon');

  // The trees: the session under Demo Lines › Versions › V3, and in Active Sessions.
  const rows = styles.locator('.monaco-list-row');
  const expand = async (r) => {
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
    await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await r.elementHandle());
  };
  const byLabel = (label, level) => rows.filter({ has: page.locator('.label-name', { hasText: exact(label) }) }).and(page.locator(`[aria-level="${level}"]`)).first();
  await expand(byLabel('Demo Lines', 1));
  // Two styles have a Versions row: the one right after Demo Lines is expanded now.
  const demoIndex = +(await byLabel('Demo Lines', 1).getAttribute('data-index'));
  const versions = rows.and(page.locator(`[data-index="${demoIndex + 1}"]`));
  await expand(versions);
  await expand(byLabel('V3', 3));
  const sessionRow = rows.filter({ hasText: /running • \d+\/300 \(\d+%\)/ }).first();
  await sessionRow.waitFor({ timeout: 20000 });
  log('session row: ' + (await sessionRow.innerText()).replace(/\s+/g, ' ').trim());
  const active = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Active Sessions"]') });
  const activeRow = active.locator('.monaco-list-row').filter({ hasText: 'Demo Lines / V3' }).first();
  await activeRow.waitFor();
  log('Active Sessions: ' + (await activeRow.innerText()).replace(/\s+/g, ' ').trim());
  // A wider side bar (whole descriptions) and a taller panel (more of the log) for the picture.
  const drag = (from, to) => dragSash(page, from, to);
  const side = await page.locator('.part.sidebar').boundingBox();
  await drag({ x: side.x + side.width - 1, y: 300 }, { x: side.x + side.width + 230, y: 300 });
  const panel = await page.locator('.part.panel').boundingBox();
  await drag({ x: panel.x + panel.width / 2, y: panel.y + 1 }, { x: panel.x + panel.width / 2, y: panel.y - 170 });
  await page.mouse.move(1000, 200); // off the sashes, whose hover highlight fades slowly
  await page.waitForTimeout(1600); // one more progress sync, so the picture shows an ETA
  await shot('training-dark');

  // Ctrl+C in the terminal: asks, then cancels.
  await page.locator('.part.panel .xterm').first().click();
  await page.keyboard.press('Control+C');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 10000 });
  const dialogText = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
  log('dialog: ' + dialogText);
  if (!dialogText.includes('Cancel this training?')) throw new Error(`unexpected dialog: ${dialogText}`);
  await shot('training-cancel-dark');
  await dialog.getByRole('button', { name: 'Stop Training' }).click();
  await terminalRows.filter({ hasText: /Training cancelled at step \d+/ }).first().waitFor({ timeout: 20000 });
  await item.waitFor({ state: 'hidden', timeout: 10000 });
  await rows.filter({ hasText: /cancelled • \d+\/300/ }).first().waitFor({ timeout: 10000 });
  await shot('training-cancelled-dark');
  fs.rmSync(settingsDir, { recursive: true, force: true });
};
