#!/usr/bin/env node
// Trainlab's real-VS-Code harness: runs the integration suites in the extension host of
// code-server (VS Code 1.100 server + web workbench) and the UI checks in headless Chromium
// driven by playwright-core. Needs `bash test/harness/setup.sh` once and `npm run build`.
//
//   node test/harness/run.js           # integration suites, then UI checks
//   node test/harness/run.js --tests   # integration suites only
//   node test/harness/run.js --ui      # UI checks only
//
// Each step opens a fresh copy of test/fixtures/workspace/ in a temporary folder.
// A stand-in RunPod endpoint (test/support/runpod-standin/main.ts, its worker runs the real demo
// trainer) runs as a separate process with a fixed test API key: the tests' workspace settings
// point trainlab.runpod.baseUrl and .endpointId at it, and the key reaches the suites only as
// TRAINLAB_TEST_RUNPOD_API_KEY (they store it through the real "Set RunPod API Key" command, in
// SecretStorage); the UI checks get it as ctx.runpod and type it into that command's password box.
// Its log: test/harness/out/runpod-standin.log.
// UI checks are the modules test/harness/ui/*.js, run in name order; each exports
// `async function (ctx)` with ctx = { page, log, shot(name), workspace, runCommand(title), runpod }
// (runpod = { key, baseUrl, endpointId }), and may set `timeoutMs` on it (default UI_TIMEOUT_MS).
// Screenshots go to screenshots/, logs (extension host console, code-server) to test/harness/out/.
//
// Env: CODE_SERVER (code-server binary), CHROMIUM (default /usr/bin/chromium),
//      TEST_TIMEOUT_MS (whole mocha run, default 300000), UI_TIMEOUT_MS (one UI check, default 90000),
//      VERBOSE=1 (print the whole extension-host console), KEEP_TMP=1 (keep the temporary folder),
//      UI_ONLY=<regex> (only the UI checks whose file name matches, e.g. UI_ONLY=10-runpod).
// Exit code: 0 when every test and UI check passed, 1 otherwise (also on a harness failure).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');

const REPO = path.resolve(__dirname, '..', '..');
const rel = (p) => path.relative(REPO, p) || '.';
const CODE_SERVER = process.env.CODE_SERVER || path.join(REPO, '.cache', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const EXT_DIR = REPO;
const TESTS_PATH = path.join(REPO, 'dist', 'test', 'integration', 'index.js');
const FIXTURE = path.join(REPO, 'test', 'fixtures', 'workspace');
const UI_DIR = path.join(__dirname, 'ui');
const OUT_DIR = path.join(__dirname, 'out');
const SHOT_DIR = path.join(REPO, 'screenshots');
const TEST_TIMEOUT_MS = +(process.env.TEST_TIMEOUT_MS || 300000);
const STANDIN_MAIN = path.join(REPO, 'test', 'support', 'runpod-standin', 'main.ts');
// Not a real key: the suites check it leaks into no file, log or message.
const TEST_RUNPOD_KEY = 'tlb-test-rpkey-5c2f9a71e04b4d3a8e6f';
const UI_TIMEOUT_MS = +(process.env.UI_TIMEOUT_MS || 90000);
const VERBOSE = !!process.env.VERBOSE;

const argv = process.argv.slice(2);
for (const a of argv) if (!['--tests', '--ui'].includes(a)) { console.error(`unknown option ${a}; use --tests, --ui or nothing`); process.exit(2); }
const doTests = !argv.includes('--ui') || argv.includes('--tests');
const doUi = !argv.includes('--tests') || argv.includes('--ui');

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (...a) => console.log(`[harness +${secs()}s]`, ...a);

function preflight() {
  if (!fs.existsSync(CODE_SERVER)) {
    console.error(`code-server is not installed (looked for ${process.env.CODE_SERVER ? CODE_SERVER : rel(CODE_SERVER)}).\nRun: bash test/harness/setup.sh`);
    process.exit(1);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`Chromium not found at ${CHROMIUM}.\nRun: bash test/harness/setup.sh`);
    process.exit(1);
  }
  const need = [path.join(REPO, 'dist', 'extension.js')];
  if (doTests) need.push(TESTS_PATH);
  const missing = need.filter((f) => !fs.existsSync(f));
  if (missing.length) {
    console.error(`not built: ${missing.map(rel).join(', ')}.\nRun: npm run build`);
    process.exit(1);
  }
  if (!fs.existsSync(FIXTURE)) {
    console.error(`fixture workspace ${rel(FIXTURE)} is missing`);
    process.exit(1);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** A fresh copy of the fixture workspace, so tests may change files freely. */
function copyWorkspace(tmp, name) {
  const dir = path.join(tmp, name);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const QUIET_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'typescript.tsserver.web.projectWideIntellisense.enabled': false,
};

/**
 * Starts the stand-in RunPod endpoint as its own process (its own process group, so its
 * trainers stop with it) and resolves with the JSON line it prints once it listens.
 */
function startStandIn() {
  const child = spawn(process.execPath, ['--import', 'tsx', STANDIN_MAIN, '--api-key', TEST_RUNPOD_KEY, '--queue-ms', '150', '--stream-batch-ms', '100'], {
    cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = fs.createWriteStream(path.join(OUT_DIR, 'runpod-standin.log'));
  child.stderr.pipe(out);
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the RunPod stand-in did not start in 30 s; see test/harness/out/runpod-standin.log')), 30000);
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        const info = JSON.parse(buf.slice(0, nl));
        child.stdout.removeAllListeners('data');
        child.stdout.pipe(out);
        resolve({ child, baseUrl: info.baseUrl, endpointId: info.endpointId });
      } catch (e) {
        reject(new Error(`the RunPod stand-in printed something else than its JSON line: ${buf.slice(0, 200)}`));
      }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`the RunPod stand-in exited early (${c}); see test/harness/out/runpod-standin.log`)); });
  });
}

async function stopProcessGroup(child, name) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => { child.once('exit', r); setTimeout(r, 5000); });
  try { process.kill(-child.pid, 'SIGTERM'); } catch { log(`${name} was already gone`); }
  await gone;
}

/** Workspace settings of the tests' copy: RunPod calls go to the stand-in, polled every 5 s (the least allowed). */
function writeRunPodSettings(workspace, standIn) {
  const dir = path.join(workspace, '.vscode');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'trainlab.runpod.baseUrl': standIn.baseUrl,
    'trainlab.runpod.endpointId': standIn.endpointId,
    'trainlab.pollIntervalSeconds': 5,
  }, null, 2));
}

async function startServer(port, tmp, extraEnv = {}) {
  const ud = path.join(tmp, 'user-data');
  // User/ is read by a plain workbench window; an Extension Development Host window (what the
  // harness opens) keeps its user settings in the browser and reads only the server's Machine/
  // settings, which cannot hold application-scoped keys such as security.workspace.trust.enabled
  // (hence also the --disable-workspace-trust flag). So both get the same quiet settings.
  for (const dir of ['User', 'Machine']) {
    fs.mkdirSync(path.join(ud, dir), { recursive: true });
    fs.writeFileSync(path.join(ud, dir, 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2));
  }
  const home = path.join(tmp, 'home');
  const env = {
    ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}', // no marketplace (open-vsx) lookups offline
    ...extraEnv,
  };
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', ud,
    '--extensions-dir', path.join(tmp, 'extensions')];
  // detached => its own process group, so the whole tree (extension hosts, file watcher, pty host) stops together.
  const child = spawn(CODE_SERVER, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = fs.createWriteStream(path.join(OUT_DIR, 'code-server.log'));
  child.stdout.pipe(out); child.stderr.pipe(out);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('code-server did not start in 30 s; see test/harness/out/code-server.log')), 30000);
    child.stdout.on('data', (d) => { if (/HTTP server listening/.test(d)) { clearTimeout(timer); resolve(); } });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`code-server exited early (${c}); see test/harness/out/code-server.log`)); });
  });
  return child;
}

function workbenchUrl(port, workspace, withTests) {
  const auth = `127.0.0.1:${port}`;
  // Remote URIs, so the server-side Node extension host loads the extension and the tests.
  const payload = [['extensionDevelopmentPath', `vscode-remote://${auth}${EXT_DIR}`]];
  if (withTests) payload.push(['extensionTestsPath', `vscode-remote://${auth}${TESTS_PATH}`]);
  return `http://${auth}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// Workbench chatter that reaches codeAutomationLog but is not test output.
const NOISE = /^(Creating a socket|Resolv(ing|ed) connection token|Updating additional builtin|Ignoring fetching additional builtin|ChatSessionStore|\[Service Worker\]|\[lifecycle\] Long running|Unable to read file .*Canceled)/;
const SUMMARY = /^\s*(\d+) (passing|failing|pending)\b/;

/**
 * Pipes the extension-host console (codeAutomationLog) of a page into a log file, and the
 * warnings and errors of the page itself and its frames (the workbench, webviews) into
 * `<file>-page.log`: where a webview that never loads says why.
 */
async function captureConsole(page, file, onLine) {
  const stream = fs.createWriteStream(file);
  const pageStream = fs.createWriteStream(file.replace(/\.log$/, '-page.log'));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = util.format(...(Array.isArray(args) ? args : [args]));
    stream.write(type === 'error' ? text.replace(/^/gm, '[error] ') + '\n' : text + '\n');
    for (const line of text.split('\n')) onLine(line, type);
  });
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const where = msg.location() && msg.location().url ? ` (${msg.location().url.replace(/^https?:\/\/[^/]+/, '').slice(0, 120)})` : '';
    pageStream.write(`${stamp()} [${msg.type()}] ${msg.text()}${where}\n`);
  });
  page.on('pageerror', (e) => pageStream.write(`${stamp()} [pageerror] ${(e && e.stack) || e}\n`));
  return () => Promise.all([new Promise((r) => stream.end(r)), new Promise((r) => pageStream.end(r))]);
}

async function runTests(context, port, tmp, standIn) {
  const result = { passing: 0, failing: 0, pending: 0, sawSummary: false, exitCode: 1, timedOut: false };
  const workspace = copyWorkspace(tmp, 'workspace-tests');
  if (standIn) writeRunPodSettings(workspace, standIn);
  const page = await context.newPage();
  const logFile = path.join(OUT_DIR, 'exthost-tests.log');
  let started = false;
  const closeLog = await captureConsole(page, logFile, (line, type) => {
    const m = SUMMARY.exec(line);
    if (m) { result[m[2]] += +m[1]; result.sawSummary = true; }
    // Mocha's spec reporter indents everything it prints; its first line is a blank one.
    if (VERBOSE) { (type === 'error' ? console.error : console.log)(line); return; }
    if (NOISE.test(line)) return;
    if (/^\s{2,}\S/.test(line) || m) { started = true; console.log(line); } else if (started && line === '') console.log('');
  });
  let onExit;
  const exited = new Promise((r) => (onExit = r));
  await page.exposeFunction('codeAutomationExit', (code) => onExit(code));
  page.on('crash', () => { log('the workbench page crashed'); onExit(1); });
  log(`integration tests: loading the workbench (extension-host console: ${rel(logFile)})`);
  await page.goto(workbenchUrl(port, workspace, true));
  let timer;
  const timeout = new Promise((r) => { timer = setTimeout(() => r('timeout'), TEST_TIMEOUT_MS); });
  const code = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  await page.close();
  await closeLog();
  if (code === 'timeout') {
    result.timedOut = true;
    log(`integration tests timed out after ${TEST_TIMEOUT_MS} ms`);
  } else {
    result.exitCode = code;
    log(`integration tests finished, exit code ${code}`);
  }
  if (!result.sawSummary) {
    // run() threw before mocha reported (a suite failed to load, say): show what the host printed.
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').filter((l) => l && !NOISE.test(l)).slice(-30);
    log(`no mocha summary seen; last lines of ${rel(logFile)}:\n${tail.join('\n')}`);
  }
  return result;
}

async function runUi(context, port, tmp, standIn) {
  const only = process.env.UI_ONLY ? new RegExp(process.env.UI_ONLY) : null;
  const checks = fs.existsSync(UI_DIR) ? fs.readdirSync(UI_DIR).filter((f) => f.endsWith('.js') && (!only || only.test(f))).sort() : [];
  const result = { passed: 0, failed: 0 };
  if (!checks.length) { log('no UI checks in test/harness/ui/'); return result; }
  fs.mkdirSync(SHOT_DIR, { recursive: true });
  const workspace = copyWorkspace(tmp, 'workspace-ui');
  const page = await context.newPage();
  const closeLog = await captureConsole(page, path.join(OUT_DIR, 'exthost-ui.log'), (line, type) => {
    if (VERBOSE && !NOISE.test(line)) (type === 'error' ? console.error : console.log)(line);
  });
  await page.exposeFunction('codeAutomationExit', () => {});
  log('UI checks: loading the workbench');
  await page.goto(workbenchUrl(port, workspace, false));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  const shot = async (name) => {
    const file = path.join(SHOT_DIR, name.endsWith('.png') ? name : `${name}.png`);
    await page.mouse.move(0, 0); // no hover highlights in the picture
    await page.screenshot({ path: file });
    log(`  screenshot ${rel(file)}`);
    return file;
  };
  /** Runs a command by its title through the command palette (F1). */
  const runCommand = async (title) => {
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input');
    // F1 from a webview's page reaches the workbench only once that page has forwarded it; when
    // the palette does not show, the command center (title bar) opens it instead. A palette that
    // opened can close again at once when a webview takes the focus back: then it is opened
    // again. Only opening and typing are tried again, never the click that runs the command.
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('Escape');
      if (attempt === 0) await page.keyboard.press('F1');
      else await page.locator('.part.titlebar .command-center').first().click();
      try {
        await widget.waitFor({ state: 'visible', timeout: 3000 });
        await input.fill('>' + title, { timeout: 5000 });
        break;
      } catch (e) {
        if (attempt === 3) throw new Error(`the command palette did not open for "${title}" (${String((e && e.message) || e).split('\n')[0]})`);
      }
    }
    // A row is labelled with the title, or "title, keybinding" when the command has one.
    const row = page.locator(`.quick-input-list .monaco-list-row:is([aria-label=${JSON.stringify(title)}], [aria-label^=${JSON.stringify(title + ',')}])`);
    await row.first().click();
    // The pointer would rest where the palette was, over the editor tabs: their hover would
    // then cover the top of a webview (its tabs) and take its clicks. An empty stretch of the
    // activity bar shows no hover.
    await page.mouse.move(24, 520);
  };
  for (const file of checks) {
    const name = path.basename(file, '.js');
    log(`UI check ${name}`);
    const runpod = standIn ? { key: TEST_RUNPOD_KEY, baseUrl: standIn.baseUrl, endpointId: standIn.endpointId } : null;
    const ctx = { page, log: (...a) => log(`  ${name}:`, ...a), shot, workspace, runCommand, runpod };
    let timer;
    try {
      const check = require(path.join(UI_DIR, file));
      const fn = typeof check === 'function' ? check : check.default;
      if (typeof fn !== 'function') throw new Error(`${file} does not export a function`);
      const limit = fn.timeoutMs || UI_TIMEOUT_MS;
      await Promise.race([fn(ctx), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${limit} ms`)), limit);
      })]);
      result.passed++;
      log(`  ok ${name}`);
    } catch (e) {
      result.failed++;
      log(`  FAILED ${name}: ${String((e && e.stack) || e).replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(0, 6).join('\n    ')}`);
      await shot(`failed-${name}`).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }
  await page.close();
  await closeLog();
  return result;
}

(async () => {
  preflight();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const { chromium } = require('playwright-core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-harness-'));
  let server, browser, tests, ui, standIn, broke = false;
  try {
    standIn = await startStandIn();
    log(`RunPod stand-in listening at ${standIn.baseUrl} (endpoint ${standIn.endpointId})`);
    const port = await freePort();
    // The extension host inherits code-server's environment: the suites read the test key there.
    server = await startServer(port, tmp, { TRAINLAB_TEST_RUNPOD_API_KEY: TEST_RUNPOD_KEY });
    log(`code-server listening on 127.0.0.1:${port}`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    // One browser context for both steps: the second workbench load comes from its HTTP cache.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(30000);
    if (doTests) tests = await runTests(context, port, tmp, standIn);
    if (doUi) ui = await runUi(context, port, tmp, standIn);
  } catch (e) {
    broke = true;
    log('harness failure: ' + ((e && e.stack) || e));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await stopProcessGroup(server, 'code-server');
    if (standIn) await stopProcessGroup(standIn.child, 'the RunPod stand-in');
    // The server's own logs (extension hosts, remote agent) outlive the temporary folder.
    const serverLogs = path.join(tmp, 'user-data', 'logs');
    if (fs.existsSync(serverLogs)) {
      fs.rmSync(path.join(OUT_DIR, 'server-logs'), { recursive: true, force: true });
      fs.cpSync(serverLogs, path.join(OUT_DIR, 'server-logs'), { recursive: true });
    }
    if (process.env.KEEP_TMP) log(`kept ${tmp}`); else fs.rmSync(tmp, { recursive: true, force: true });
  }

  let failed = broke;
  const parts = [];
  if (tests) {
    const t = tests;
    const none = t.sawSummary && t.passing + t.failing === 0; // an empty or truncated suite bundle
    if (t.failing > 0 || t.timedOut || t.exitCode !== 0 || !t.sawSummary || none) failed = true;
    let s = `${t.passing} passed, ${t.failing} failed`;
    if (t.pending) s += `, ${t.pending} pending`;
    if (t.timedOut) s += ' (timed out)';
    else if (t.exitCode !== 0 && t.failing === 0) s += ` (test run exited ${t.exitCode})`;
    else if (none) s += ' (no tests ran: is dist/test/integration/suite/ built?)';
    parts.push(s);
  } else if (doTests) parts.push('0 passed, 0 failed (tests did not run)');
  if (ui) {
    if (ui.failed > 0) failed = true;
    parts.push(`UI checks ${ui.passed} passed, ${ui.failed} failed`);
  } else if (doUi) parts.push('UI checks did not run');
  if (broke) parts.push('harness broke');
  const code = failed ? 1 : 0;
  console.log(`${parts.join('; ')} — ${secs()}s, exit ${code}`);
  process.exit(code);
})();
