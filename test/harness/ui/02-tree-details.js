// UI check: in the Styles view, expand "Dynamic Simplicity", its Versions and V2; check the
// rows' text, status icons and their colours; check the error row of the deliberately corrupt
// versions.json of "Broken Style" is visible. Screenshot: screenshots/tree-expanded-dark.png
// (taken with a wider side bar, so descriptions are not cut; the width is restored after).
// Then points trainlab.root at a missing folder and checks the "Initialize Trainlab" welcome
// (screenshots/welcome-no-root-dark.png), and restores the setting.
'use strict';
const fs = require('fs');
const path = require('path');

/** Parses `rgb(r, g, b)` / `rgba(...)`. */
function rgb(text) {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(text || '');
  if (!m) throw new Error(`not a colour: ${text}`);
  return { r: +m[1], g: +m[2], b: +m[3] };
}

module.exports = async function treeDetails({ page, log, shot, workspace }) {
  const entry = page.locator('.activitybar .action-item').filter({ has: page.locator('[aria-label^="Trainlab"]') })
    .or(page.locator('.activitybar .action-item[aria-label^="Trainlab"]')).first();
  await entry.waitFor({ timeout: 60000 });
  if (!/\bchecked\b/.test((await entry.getAttribute('class')) || '')) await entry.click();

  const view = page.locator('.part.sidebar .pane').filter({ has: page.locator('.pane-header[aria-label^="Styles"]') });
  await view.waitFor();
  const rows = view.locator('.monaco-list-row');
  const exact = (label) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  /**
   * The row labelled `label` that sits under `parent` (the first such row after it in list
   * order). The list reuses and reorders its DOM nodes, so order comes from data-index.
   */
  const row = async (label, parent) => {
    const level = parent ? +(await parent.getAttribute('aria-level')) + 1 : 1;
    const after = parent ? +(await parent.getAttribute('data-index')) : -1;
    const candidates = rows.filter({ has: page.locator('.label-name', { hasText: exact(label) }) }).and(page.locator(`[aria-level="${level}"]`));
    await candidates.first().waitFor();
    let best;
    let bestIndex = Infinity;
    for (const r of await candidates.all()) {
      const i = +(await r.getAttribute('data-index'));
      if (i > after && i < bestIndex) [best, bestIndex] = [r, i];
    }
    if (!best) throw new Error(`no row "${label}" under ${parent ? await parent.innerText() : 'the root'}`);
    // Re-find it by index: the element handle may be recycled as the list redraws.
    return rows.and(page.locator(`[data-index="${bestIndex}"]`));
  };
  const expand = async (r) => {
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.locator('.monaco-tl-twistie').click();
    await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await r.elementHandle());
    return r;
  };

  const style = await expand(await row('Dynamic Simplicity'));
  const versions = await expand(await row('Versions', style));
  const v = {};
  for (const id of ['V4', 'V3', 'V2', 'V1']) v[id] = await row(id, versions);
  await expand(v.V2);
  await rows.filter({ hasText: '340/1200 (28%)' }).first().waitFor();
  // Expanding V2 inserted its session row: V1 moved down one place.
  v.V1 = await row('V1', versions);

  // Rows: label and description as a person reads them.
  const text = async (r) => (await r.innerText()).replace(/\s+/g, ' ').trim();
  const expected = {
    V4: '2000 steps',
    V3: '75 images • 1000 steps • Failed experiment',
    V2: '50 images • 1200 steps • Test with high LR',
    V1: '100 images • 1200 steps • Test with low LR',
  };
  for (const [id, desc] of Object.entries(expected)) {
    const t = await text(v[id]);
    if (!t.includes(desc)) throw new Error(`row ${id} reads "${t}", expected it to include "${desc}"`);
  }
  const session = rows.filter({ hasText: '340/1200 (28%)' }).first();
  const sessionText = await text(session);
  if (!sessionText.includes('running • 340/1200 (28%) • loss 0.081')) throw new Error(`session row reads "${sessionText}"`);
  log('rows: ' + (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()).join(' | '));

  // Status icons are codicons in their theme colours (green pass, red error, orange spinning sync).
  const iconColour = async (r, codicon) => {
    const icon = r.locator(`.custom-view-tree-node-item-icon.codicon-${codicon}, .codicon.codicon-${codicon}`).first();
    await icon.waitFor();
    return rgb(await icon.evaluate((el) => getComputedStyle(el).color));
  };
  const pass = await iconColour(v.V1, 'pass');
  const failed = await iconColour(v.V3, 'error');
  const running = await iconColour(v.V2, 'sync');
  log(`icon colours: pass ${JSON.stringify(pass)}, error ${JSON.stringify(failed)}, running ${JSON.stringify(running)}`);
  if (!(pass.g > pass.r && pass.g > pass.b)) throw new Error('the completed icon is not green');
  if (!(failed.r > failed.g && failed.r > failed.b)) throw new Error('the failed icon is not red');
  if (!(running.r > running.b && running.g > running.b)) throw new Error('the running icon is not orange');
  const spins = await v.V2.locator('.codicon-modifier-spin').count();
  if (!spins) throw new Error('the running icon does not spin');

  // The error row of the corrupt versions.json: visible, red, with its reason.
  const problem = rows.filter({ hasText: 'versions.json:7' }).first();
  await problem.waitFor({ state: 'visible' });
  if (!(await problem.isVisible())) throw new Error('the error row is not visible');
  const problemText = await text(problem);
  if (!problemText.includes('not valid JSON: comma expected')) throw new Error(`error row reads "${problemText}"`);
  const bad = await iconColour(problem, 'bracket-error');
  if (!(bad.r > bad.g && bad.r > bad.b)) throw new Error('the error row icon is not red');
  log(`error row: ${problemText}`);

  // A wider side bar for the picture, so descriptions show whole; restored afterwards.
  const sidebar = page.locator('.part.sidebar');
  const box = await sidebar.boundingBox();
  const sashX = box.x + box.width;
  const drag = async (from, to) => {
    await page.mouse.move(from, 300);
    await page.mouse.down();
    await page.mouse.move((from + to) / 2, 300, { steps: 4 });
    await page.mouse.move(to, 300, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(200);
  };
  await drag(sashX - 1, sashX + 200);
  await page.mouse.move(900, 700); // off the sash, whose hover highlight fades slowly
  await page.waitForTimeout(800);
  await shot('tree-expanded-dark');
  const wide = await sidebar.boundingBox();
  await drag(wide.x + wide.width - 1, sashX);
  await page.mouse.move(900, 700);
  await page.waitForTimeout(800);

  // No Trainlab folder where trainlab.root points: the welcome with its Initialize button.
  // (A workspace setting: the workbench watches .vscode/settings.json of the open folder.)
  const settingsDir = path.join(workspace, '.vscode');
  const settingsFile = path.join(settingsDir, 'settings.json');
  fs.mkdirSync(settingsDir, { recursive: true });
  fs.writeFileSync(settingsFile, JSON.stringify({ 'trainlab.root': 'no-trainlab-here' }, null, 2));
  try {
    const welcome = view.locator('.welcome-view-content');
    await welcome.getByRole('button', { name: 'Initialize Trainlab' }).waitFor({ timeout: 20000 });
    log('welcome: ' + (await welcome.innerText()).replace(/\s+/g, ' ').trim());
    await shot('welcome-no-root-dark');
  } finally {
    fs.rmSync(settingsDir, { recursive: true, force: true });
  }
  await rows.filter({ hasText: 'Dynamic Simplicity' }).first().waitFor({ timeout: 20000 });
};
