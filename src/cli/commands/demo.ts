import { InvalidArgumentError, type Command } from 'commander';
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { signalGroup } from '../../core/backends/local/proc';
import type { Session, Style } from '../../core/model';
import { currentRunnerRecord, newestCheckpoint, resumeSession, startLocalSession } from '../../core/sessions';
import { defaultRoot, paths, WorkspaceStore } from '../../core/store';
import { demoTrainer, newVersionParameters } from '../../core/trainers';
import type { CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { EXIT_FAILED, EXIT_OK, failure } from '../errors';
import { followInterval, followSession, printFollowEnd, ProgressView, sessionCheckpoints, type FollowOutcome } from '../follow';
import { baseName, formatLoss, formatStatus } from '../format';
import { refreshAll } from '../reconcile';
import { requireBuilt, sessionAction } from '../runtime';
import { attemptsTable } from '../views';

interface DemoOptions {
  steps: number;
  delayMs: number;
  interrupt: boolean;
}

const DEFAULT_STEPS = 300;
const DEFAULT_DELAY_MS = 20;
const DEFAULT_FOLDER = 'trainlab-demo';
/** The file that marks a folder as the demo's own, so the demo never touches anyone's real workspace. */
export const DEMO_MARKER = 'TRAINLAB-DEMO.md';
/** The demo shows progress more often than `start --follow` (it lasts seconds)… */
const DEMO_INTERVAL_MS = 250;
/** …and looks for its second checkpoint more often still, to crash it right after. */
const CRASH_WATCH_MS = 20;

const MARKER_TEXT = `# A Trainlab demo workspace

\`trainlab demo\` made this folder: a style \`demo\` trained with the built-in demo trainer (a tiny
real LoRA trained in Node on synthetic data: no GPU, no Python). Everything Trainlab knows is in
plain JSON files under \`trainlab/\`. Look around with \`trainlab -w <this folder> sessions\`,
run the demo again (it adds a version), or delete the folder: nothing else depends on it.
`;

function wholeNumber(min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** `trainlab-demo`, or `"my demo"`: a path as it can be pasted into a shell. */
const shellWord = (text: string) => (/^[\w./@:+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The demo's folder: new, empty, or one an earlier demo made (it has the marker). Anything else
 * is refused: the demo writes styles and sessions, and must never do so in a real workspace.
 */
async function prepareFolder(ctx: CliContext, dir: string): Promise<'new' | 'reused'> {
  const stat = await fsp.stat(dir).catch(() => undefined);
  if (stat && !stat.isDirectory()) throw failure(`${ctx.out.path(dir)} is a file, not a folder; pass --workspace with a new folder for the demo`);
  if (stat) {
    const names = await fsp.readdir(dir);
    if (names.includes(DEMO_MARKER)) return 'reused';
    if (names.length) {
      throw failure(
        `${ctx.out.path(dir)} is not empty and is not a demo workspace (it has no ${DEMO_MARKER}); the demo creates styles and sessions, so it only uses a new or empty folder: pass --workspace NEW_FOLDER`,
      );
    }
  }
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(join(dir, DEMO_MARKER), MARKER_TEXT);
  return 'new';
}

async function demoStyle(store: WorkspaceStore): Promise<Style> {
  const existing = store.getStyle('demo')?.style;
  if (existing) {
    if (existing.trainer !== 'demo') throw failure(`style "demo" of ${store.root} uses trainer "${existing.trainer}", not the demo trainer; use a new folder for the demo (--workspace)`);
    return existing;
  }
  return store.createStyle({
    id: 'demo',
    name: 'Demo',
    trainer: 'demo',
    triggerToken: 'dmo',
    description: 'Made by `trainlab demo`: a tiny LoRA trained on synthetic data by the built-in demo trainer.',
  });
}

/** `trainlab demo`: a whole training life in a few seconds, crash and resume included. */
export function registerDemo(program: Command, host: CommandHost): void {
  program
    .command('demo')
    .description(
      'try Trainlab without a GPU: sets up a demo workspace, trains a tiny LoRA with the built-in demo trainer, crashes it on purpose, resumes it from its checkpoint and shows the history',
    )
    .option('-w, --workspace <dir>', `the demo's folder: new, empty, or made by an earlier demo (default: ./${DEFAULT_FOLDER})`)
    .option('--steps <n>', 'training steps (a checkpoint every sixth of them)', wholeNumber(1, 1_000_000), DEFAULT_STEPS)
    .option('--delay-ms <n>', 'a pause after each step, in milliseconds, so the demo lasts long enough to watch', wholeNumber(0, 60_000), DEFAULT_DELAY_MS)
    .option('--no-interrupt', 'train straight through, without the simulated crash and the resume')
    .action(host.action(async (ctx, cmd) => runDemo(ctx, cmd.opts<DemoOptions>())));
}

async function runDemo(ctx: CliContext, opts: DemoOptions): Promise<number> {
  const out = ctx.out;
  // With --json the story goes to stderr and stdout carries only the finished session.
  const say = (text = '') => (ctx.json ? ctx.io.stderr.write(`${text}\n`) : out.line(text));
  const bold = out.color.bold;
  const runtime = ctx.runtime;
  requireBuilt(runtime, 'demo');

  // `trainlab -w DIR demo` and `trainlab demo -w DIR` alike.
  const dir = resolve(ctx.io.cwd, ctx.globals.workspace ?? DEFAULT_FOLDER);
  const shown = out.path(dir);
  const name = ctx.io.commandName ?? 'trainlab';
  const prefix = shown === '.' ? name : `${name} -w ${shellWord(shown)}`;
  const folder = await prepareFolder(ctx, dir);
  // The demo's own root, whatever TRAINLAB_ROOT says: it never writes into another workspace.
  const store = new WorkspaceStore(defaultRoot(dir));
  await store.init();
  await store.load();
  await refreshAll(store, runtime);
  const style = await demoStyle(store);
  const saveEvery = Math.max(1, Math.round(opts.steps / 6));
  const version = await store.addVersion(style.id, {
    parameters: { ...newVersionParameters(style, demoTrainer), max_train_steps: opts.steps, save_every_n_steps: saveEvery, step_delay_ms: opts.delayMs },
    description: `trainlab demo: ${opts.steps} steps, a checkpoint every ${saveEvery}`,
    tags: ['demo'],
  });

  say(bold('Trainlab demo: a tiny real LoRA trained on this machine (no GPU, no Python).'));
  say();
  say(`Workspace  ${shown}${folder === 'new' ? ' (new; delete it any time)' : ' (made by an earlier demo; this run adds a version)'}`);
  say(`Style      ${style.id}, trainer "demo" (built in)`);
  say(`Version    ${version.id}: ${opts.steps} steps, a checkpoint every ${saveEvery} steps, ${opts.delayMs} ms pause per step`);
  say();

  const first = await sessionAction(() => startLocalSession(store, { styleId: style.id, versionId: version.id }, runtime));
  const id = first.id;
  say(bold(`1. Training: session ${id}`));
  say(`   Its console output goes to ${out.path(paths.consoleLog(store.root, style.id, id))}; the training runs in its own process.`);

  const interval = followInterval(ctx, DEMO_INTERVAL_MS);
  const view = new ProgressView(ctx.json ? ctx.io.stderr : ctx.io.stdout);
  const crash = { watching: opts.interrupt, crashed: false };
  const watcher = opts.interrupt ? crashAfterSecondCheckpoint(store, id, crash, view) : Promise.resolve();
  let outcome: FollowOutcome;
  try {
    outcome = await followSession(ctx, store, id, { view, intervalMs: interval });
  } finally {
    crash.watching = false;
    await watcher;
  }
  const crashed = crash.crashed;
  if (outcome.stopped) return stoppedFollowing(ctx, store, outcome, prefix);

  if (crashed) {
    const session = outcome.session;
    say();
    say(bold('2. After the crash'));
    say(`   Trainlab noticed that the process is gone: the session is ${formatStatus(session.status, out.color)} at step ${session.progress?.step ?? 0}.`);
    if (session.error) say(`   ${session.error.message.charAt(0).toUpperCase()}${session.error.message.slice(1)}.`);
    const ckpt = await newestCheckpoint(store, session);
    if (!ckpt) {
      say('   There is no checkpoint to resume from, so the demo ends here.');
      return finish(ctx, store, session, prefix, say);
    }
    const redo = session.progress && ckpt.step !== null ? session.progress.step - ckpt.step : 0;
    say(`   A resume starts from the newest checkpoint, step ${ckpt.step ?? '?'} (${baseName(ckpt.path)})${redo > 0 ? `; the ${redo} steps after it are trained again` : ''}.`);
    say();
    const resumed = await sessionAction(() => resumeSession(store, id, runtime));
    say(bold(`3. Resuming from step ${resumed.checkpoint.step ?? '?'}: attempt ${resumed.session.attempts.length} of the same session`));
    outcome = await followSession(ctx, store, id, { view, intervalMs: interval });
    if (outcome.stopped) return stoppedFollowing(ctx, store, outcome, prefix);
  } else if (opts.interrupt && outcome.session.status === 'completed') {
    say(`   The training ended before a crash could be simulated (it needs two checkpoints before the end); try more --steps or a longer --delay-ms.`);
  }
  return finish(ctx, store, outcome.session, prefix, say);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the output folder closely (a demo with short steps saves every few hundred
 * milliseconds) and, right after the second checkpoint, kills the runner's whole process group
 * with SIGKILL: the trainer and the runner die at once and no exit record is written, as in a
 * power cut or an out-of-memory kill.
 */
async function crashAfterSecondCheckpoint(store: WorkspaceStore, id: string, state: { watching: boolean; crashed: boolean }, view: ProgressView): Promise<void> {
  while (state.watching) {
    const session = store.getSession(id)?.session;
    if (!session) return;
    const checkpoints = await sessionCheckpoints(store, session);
    if (checkpoints.length >= 2) {
      const record = await currentRunnerRecord(store, session);
      if (record?.exit) return; // it ended on its own first
      if (record) {
        state.crashed = true;
        view.checkpoints(checkpoints);
        view.event(`   Simulating a crash: killing the training processes with SIGKILL right after the checkpoint at step ${checkpoints[1]!.step ?? '?'} (no chance to save or to say goodbye)…`);
        // The runner leads its process group: the trainer dies with it, and no exit record is written.
        signalGroup(record.runnerPid, 'SIGKILL');
        try {
          if (record.trainerPid) process.kill(record.trainerPid, 'SIGKILL');
        } catch {
          // already gone with its group
        }
        return;
      }
    }
    await sleep(CRASH_WATCH_MS);
  }
}

async function stoppedFollowing(ctx: CliContext, store: WorkspaceStore, outcome: FollowOutcome, prefix: string): Promise<number> {
  await printFollowEnd(ctx, store, outcome, prefix);
  return EXIT_FAILED;
}

/** The finished history: attempts, losses, the model, and where to look further. */
async function finish(ctx: CliContext, store: WorkspaceStore, session: Session, prefix: string, say: (text?: string) => void): Promise<number> {
  const out = ctx.out;
  const { finalLoss, bestLoss, bestStep } = session.metricsSummary;
  say();
  say(out.color.bold(`History of session ${session.id} (${session.styleId}/${session.versionId}): ${formatStatus(session.status, out.color)}`));
  say(attemptsTable(session, out.color, 3));
  say();
  say(`   final loss  ${formatLoss(finalLoss ?? session.progress?.loss)}`);
  say(`   best loss   ${formatLoss(bestLoss)}${bestStep !== null ? ` (step ${bestStep})` : ''}`);
  say(`   model       ${session.outputs.model ? out.path(session.outputs.model) : '-'}`);
  if (session.error && session.status !== 'completed') say(`   error       ${session.error.message}`);
  say();
  say('Look further:');
  say(`   ${prefix} sessions`);
  say(`   ${prefix} status ${session.id}`);
  say(`   ${prefix} logs ${session.id}`);
  if (ctx.json) out.json(session);
  return session.status === 'completed' ? EXIT_OK : EXIT_FAILED;
}
