// `npm run bench`: store performance on a generated workspace, as ratios against a floor
// measured in the same run (absolute times vary by machine; the ratios should not).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { WorkspaceStore, paths } from '../src/core/store';
import { generateWorkspace } from './generate';
import { benchLogs } from './logs';
import { benchWebview } from './webview';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const STYLES = Number(process.env.BENCH_STYLES ?? 200);
const RUNS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (ns: bigint) => Number(ns) / 1e6;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return ms(process.hrtime.bigint() - t0);
}

/**
 * The floor: every file the index reads, read and JSON.parse'd in a plain loop, no validation.
 * readFileSync is the fastest way Node offers to read many small files, so the floor is honest.
 */
async function floor(root: string): Promise<void> {
  const stylesDir = paths.stylesDir(root);
  for (const styleId of readdirSync(stylesDir)) {
    JSON.parse(readFileSync(paths.style(root, styleId), 'utf8'));
    JSON.parse(readFileSync(paths.versions(root, styleId), 'utf8'));
    for (const sessionId of readdirSync(paths.sessionsDir(root, styleId))) JSON.parse(readFileSync(paths.session(root, styleId, sessionId), 'utf8'));
  }
}

async function main() {
  const { dir, root, cleanup, bytes } = generateWorkspace(SESSIONS, STYLES);
  try {
    console.log(`workspace: ${SESSIONS} sessions in ${STYLES} styles, session.json ≈ ${(bytes / SESSIONS / 1024).toFixed(1)} KB each (${dir})`);
    await floor(root); // warm the page cache so both measure the same thing
    const floors: number[] = [];
    const colds: number[] = [];
    let store = new WorkspaceStore(root);
    for (let i = 0; i < RUNS; i++) {
      floors.push(await time(() => floor(root)));
      store = new WorkspaceStore(root);
      colds.push(await time(() => store.load()));
    }
    if (store.listSessions().length !== SESSIONS || store.problems().length) throw new Error(`index incomplete: ${store.listSessions().length} sessions, ${store.problems().length} problems`);

    // One changed session file, applied through the same path the watcher uses.
    const styleId = store.listStyles()[7]!.id;
    const target = store.listSessions({ styleId })[3]!;
    const file = paths.session(root, styleId, target.id);
    const updates: number[] = [];
    const original = JSON.parse(readFileSync(file, 'utf8'));
    for (let i = 0; i < 200; i++) {
      original.progress.step = i;
      original.progress.updatedAt = new Date().toISOString();
      writeFileSync(file, JSON.stringify(original, null, 2));
      updates.push(await time(() => store.refreshPaths([file])));
    }
    if (store.getSession(target.id)!.session.progress!.step !== 199) throw new Error('update not applied');

    const f = median(floors);
    const c = median(colds);
    const u = median(updates);
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const rows: [string, string, string][] = [
      ['floor: readFile + JSON.parse loop', `${f.toFixed(0)} ms`, ''],
      ['cold index with validation', `${c.toFixed(0)} ms`, ''],
      ['ratio cold index / floor', c / f <= 2 ? `${(c / f).toFixed(2)}` : `${(c / f).toFixed(2)} (over 2.0)`, 'target ≤ 2.0'],
      ['apply one changed session file (median of 200)', `${u.toFixed(2)} ms`, 'target ≤ 5 ms'],
      ['  p95', `${[...updates].sort((a, b) => a - b)[Math.floor(updates.length * 0.95)]!.toFixed(2)} ms`, ''],
      ['peak RSS', `${rssMb.toFixed(0)} MB`, ''],
    ];
    printRows('Workspace store', rows);
    console.log(`(median of ${RUNS} runs each)`);
  } finally {
    cleanup();
  }
  if (process.env.BENCH_SKIP_LOGS !== '1') printRows('Trainer logs', (await benchLogs()).rows);
  printRows('Panel console and chart (in Node)', (await benchWebview()).rows);
}

function printRows(title: string, rows: [string, string, string][]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(w)}  ${v.padStart(12)}  ${t}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
