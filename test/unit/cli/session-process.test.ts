import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { refreshSession } from '../../../src/cli/reconcile';
import type { Session } from '../../../src/core/model';
import { processStartTime } from '../../../src/core/backends/local/proc';
import { WorkspaceStore } from '../../../src/core/store';
import { BUILT, tempWorkspace, type RunOptions, type TempWorkspace } from './helpers';

/**
 * The session commands with real processes: the CLI runs in this process (from source) and
 * launches the repository's built dist/runner.js and dist/demo-trainer.js. Small step counts and
 * delays keep each test to a few seconds.
 */

const ENV = { TRAINLAB_FOLLOW_INTERVAL_MS: '100', TRAINLAB_CANCEL_GRACE_MS: '3000', NO_COLOR: '1' };
const FINAL = ['completed', 'failed', 'cancelled', 'interrupted', 'unknown'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RunnerJson {
  runnerPid: number;
  trainerPid: number | null;
  exit: unknown;
}

function sessionDirs(ws: TempWorkspace, style = 'demo'): string[] {
  const dir = join(ws.root, 'styles', style, 'sessions');
  return existsSync(dir) ? readdirSync(dir).map((id) => join(dir, id)) : [];
}

function runnerOf(dir: string): RunnerJson | undefined {
  const p = join(dir, 'runner.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as RunnerJson) : undefined;
}

/** Kills whatever a test left running (every runner's process group). */
function killAll(ws: TempWorkspace, style = 'demo'): void {
  for (const dir of sessionDirs(ws, style)) {
    const r = runnerOf(dir);
    if (!r || r.exit) continue;
    try {
      process.kill(-r.runnerPid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('trainlab session commands with the demo trainer (processes)', function () {
  this.timeout(60_000);
  let ws: TempWorkspace;
  const run = (...argv: string[]) => ws.runWith({ env: ENV }, ...argv);
  const runWith = (o: RunOptions, ...argv: string[]) => ws.runWith({ ...o, env: { ...ENV, ...o.env } }, ...argv);
  const status = async (id: string) => {
    const r = await run('status', id, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json<Session>();
  };
  const waitFinal = (id: string) => waitFor(`session ${id} to end`, async () => {
    const s = await status(id);
    return FINAL.includes(s.status) ? s : undefined;
  });
  /** A demo version: `steps` steps, a checkpoint every `save`, `delay` ms per step. */
  async function demoVersion(steps: number, save: number, delay: number): Promise<string> {
    const r = await run('version', 'add', 'demo', '--set', `max_train_steps=${steps}`, '--set', `save_every_n_steps=${save}`, '--set', `step_delay_ms=${delay}`, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json<{ id: string }>().id;
  }
  async function start(version: string): Promise<Session> {
    const r = await run('start', 'demo', version, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json<Session>();
  }

  before(function () {
    if (!BUILT) {
      console.log('      dist/runner.js or dist/demo-trainer.js is not built (run "npm run build"); skipping the CLI process tests');
      this.skip();
    }
  });
  beforeEach(async () => {
    ws = tempWorkspace();
    assert.equal((await run('init')).code, 0);
    const style = await run('style', 'add', 'demo', '--name', 'Demo', '--trigger', 'dmo', '--trainer', 'demo');
    assert.equal(style.code, 0, style.stderr);
  });
  afterEach(() => {
    killAll(ws);
    ws.cleanup();
  });

  it('start → status → completed; logs --tail prints the end of the log', async () => {
    const v = await demoVersion(30, 10, 0);
    const text = await run('start', `demo/${v}`);
    assert.equal(text.code, 0, text.stderr);
    const id = /^Started session (\S+) of demo\/V1 \(local, trainer demo\)\./.exec(text.stdout)?.[1];
    assert.ok(id, text.stdout);
    assert.match(text.stdout, new RegExp(`log: +trainlab/styles/demo/sessions/${id}/console\\.log`));
    assert.match(text.stdout, new RegExp(`follow: trainlab logs ${id} --follow`));

    const done = await waitFinal(id);
    assert.equal(done.status, 'completed', JSON.stringify(done.error));
    assert.equal(done.progress?.step, 30);
    assert.deepEqual(done.checkpoints.map((c) => c.step), [10, 20, 30]);
    assert.ok(done.outputs.model?.endsWith('demo.safetensors'));

    const shown = await run('status', id);
    assert.match(shown.stdout, /status +✓ completed/);
    assert.match(shown.stdout, /progress +30\/30 \(100%\)/);
    assert.match(shown.stdout, /Checkpoints\n +STEP +SAVED +PATH\n +10 /);
    assert.match(shown.stdout, /Outputs\n +model +trainlab\/styles\/demo\/sessions\/\S+\/output\/demo\.safetensors/);

    const logs = await run('logs', id, '--tail', '3');
    assert.equal(logs.code, 0, logs.stderr);
    assert.deepEqual(logs.stdout.trimEnd().split('\n'), ['saving last state.', `saving checkpoint: ${join(ws.root, 'styles', 'demo', 'sessions', id, 'output', 'demo.safetensors')}`, 'model saved.']);
    assert.equal((await run('versions', 'demo', '--json')).json<{ status: string }[]>()[0]!.status, 'completed');
  });

  it('start --follow draws one line in place on a terminal and exits 0 when completed', async () => {
    const v = await demoVersion(40, 20, 5);
    const r = await runWith({ tty: true }, 'start', 'demo', v, '--follow');
    assert.equal(r.code, 0, r.stderr);
    const clearLine = '\r\u001b[K';
    assert.ok(r.stdout.includes(`${clearLine}V1  ▕`), 'the line is redrawn in place');
    assert.match(r.stdout, /V1 {2}▕[█▏▎▍▌▋▊▉ ]{20}▏ +\d+%/);
    assert.match(r.stdout, /V1 {2}▕█{20}▏ {2}100% {2}40\/40 {2}loss [\d.e-]+ {2}completed\n/);
    assert.match(r.stdout, /checkpoint saved at step 20 \(demo-step00000020-state\)/);
    assert.match(r.stdout, /✓ completed: session \S+, 40\/40 steps, loss [\d.e-]+ \(best [\d.e-]+ at step \d+\), in \d+s\.\n {2}model: trainlab\/styles\/demo\/sessions\/\S+\/demo\.safetensors/);
  });

  it('start with a bad parameter: exit 1 naming it, and nothing created', async () => {
    const store = new WorkspaceStore(ws.root);
    await store.load();
    const bad = await store.addVersion('demo', { parameters: { max_train_steps: -5, step_delay_ms: 'slow' } });
    const r = await run('start', 'demo', bad.id);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^trainlab: demo\/V1 cannot start:\n/);
    assert.match(r.stderr, /- max_train_steps: must be a whole number between 1/);
    assert.match(r.stderr, /- step_delay_ms: /);
    assert.equal(r.stdout, '');
    assert.deepEqual(sessionDirs(ws), []);
    assert.equal((await run('versions', 'demo', '--json')).json<{ status: string }[]>()[0]!.status, 'draft');
  });

  it('cancel asks first: exit 2 without --yes off a terminal, "n" keeps it running; --yes cancels; resume continues from the checkpoint', async () => {
    const v = await demoVersion(150, 10, 20);
    const s = await start(v);
    await waitFor('a checkpoint', async () => ((await status(s.id)).checkpoints.length ? true : undefined));

    const noTty = await run('cancel', s.id);
    assert.equal(noTty.code, 2);
    assert.match(noTty.stderr, /A later resume would start from step \d+ \(demo-step\d+-state\)/);
    assert.match(noTty.stderr, /stdin is not a terminal: pass --yes/);
    assert.equal((await status(s.id)).status, 'running');

    const no = await runWith({ stdin: Object.assign(Readable.from(['n\n']), { isTTY: true }) }, 'cancel', s.id);
    assert.equal(no.code, 1);
    assert.match(no.stderr, /Cancel session \S+\? \[y\/N\] /);
    assert.match(no.stderr, /not cancelled; the session goes on/);
    assert.equal((await status(s.id)).status, 'running');

    const yes = await run('cancel', s.id, '--yes');
    assert.equal(yes.code, 0, yes.stderr);
    assert.match(yes.stdout, /⊘ cancelled: session \S+ at step \d+\./);
    assert.match(yes.stdout, /resume from step \d+: trainlab resume /);
    const cancelled = await status(s.id);
    assert.equal(cancelled.status, 'cancelled');
    const runner = runnerOf(join(ws.root, 'styles', 'demo', 'sessions', s.id))!;
    assert.ok(!alive(runner.runnerPid) || runner.exit, 'the runner is gone');

    const resumed = await run('resume', s.id, '--follow');
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    const from = Number(/^Resumed session \S+ from step (\d+) \(checkpoint demo-step\d+-state\): attempt 2\./.exec(resumed.stdout)?.[1]);
    assert.ok(from >= 10 && from % 10 === 0, resumed.stdout);
    assert.match(resumed.stdout, /✓ completed: session \S+, 150\/150 steps/);
    const done = await status(s.id);
    assert.equal(done.status, 'completed');
    assert.equal(done.attempts.length, 2);
    assert.equal(done.attempts[1]!.startStep, from);
    const table = await run('status', s.id);
    assert.match(table.stdout, new RegExp(`\\n +2 +\\S+ \\S+ +\\S+ \\S+ +demo-step0*${from}-state +${from} +0\\n`));
  });

  it('relaunch starts a new session of the same version with the same parameters', async () => {
    const v = await demoVersion(20, 10, 0);
    const first = await start(v);
    await waitFinal(first.id);
    const r = await run('relaunch', `demo/${v}`, '--follow', '--json');
    assert.equal(r.code, 0, r.stderr);
    const second = r.json<Session>();
    assert.notEqual(second.id, first.id);
    assert.equal(second.status, 'completed');
    assert.deepEqual(second.origin, { type: 'relaunch', parentSessionId: first.id });
    assert.deepEqual(second.parameters, first.parameters);
  });

  it('start --follow: Ctrl+C stops following (exit 1), never the training', async () => {
    const v = await demoVersion(400, 100, 20);
    let press: (() => void) | undefined;
    const pressed = waitFor('the Ctrl+C handler', () => press).then(async (p) => {
      await sleep(400);
      p();
    });
    const r = await runWith({ onInterrupt: (h) => ((press = h), () => (press = undefined)) }, 'start', 'demo', v, '--follow');
    await pressed;
    assert.equal(r.code, 1);
    const id = /^Started session (\S+)/.exec(r.stdout)![1]!;
    assert.match(r.stderr, new RegExp(`stopped following; session ${id} is still running; \`trainlab logs ${id} --follow\` to watch again`));
    assert.equal(press, undefined, 'the handler is removed');
    assert.equal((await status(id)).status, 'running');
  });

  it('logs --follow prints new output, \\r lines collapsed off a terminal, until the session ends', async () => {
    const v = await demoVersion(40, 20, 10);
    const s = await start(v);
    const r = await run('logs', s.id, '--follow', '--tail', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /\r/);
    assert.match(r.stdout, /saving state at step 20\n/);
    assert.match(r.stdout, /steps: 100%\|█+\| 40\/40 /);
    assert.match(r.stdout, /model saved\.\n$/);
    assert.match(r.stderr, /session \S+ ended: completed/);
  });

  it('sessions shows no zombie "running" after the runner group is killed', async () => {
    const v = await demoVersion(5000, 1000, 20);
    const s = await start(v);
    const dir = join(ws.root, 'styles', 'demo', 'sessions', s.id);
    const runner = await waitFor('runner.json with the trainer', () => {
      const r = runnerOf(dir);
      return r?.trainerPid ? r : undefined;
    });
    process.kill(-runner.runnerPid, 'SIGKILL');
    await waitFor('the processes to go', () => (!alive(runner.runnerPid) && !alive(runner.trainerPid!) ? true : undefined), 10_000);
    const r = await run('sessions', '--json');
    assert.equal(r.code, 0, r.stderr);
    const shown = r.json<Session[]>().find((x) => x.id === s.id)!;
    assert.equal(shown.status, 'interrupted');
    assert.match(shown.error?.message ?? '', /stopped without an exit record/);
    assert.equal((await run('versions', 'demo', '--json')).json<{ status: string }[]>()[0]!.status, 'interrupted');
  });

  it('demo --steps 60 --delay-ms 5: crash, resume, completed, history (and a second run reuses the folder)', async () => {
    const r = await run('demo', '--steps', '60', '--delay-ms', '5');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = r.stdout;
    assert.match(out, /Workspace {2}trainlab-demo \(new; delete it any time\)/);
    assert.match(out, /Version {4}V1: 60 steps, a checkpoint every 10 steps, 5 ms pause per step/);
    assert.match(out, /Simulating a crash: killing the training processes with SIGKILL right after the checkpoint at step \d+/);
    assert.match(out, /the session is ! interrupted at step \d+/);
    assert.match(out, /A resume starts from the newest checkpoint, step (\d+)/);
    const from = /3\. Resuming from step (\d+): attempt 2 of the same session/.exec(out)?.[1];
    assert.ok(from, out);
    assert.match(out, /History of session (\S+) \(demo\/V1\): ✓ completed/);
    assert.match(out, /\n +1 +\S+ \S+ +\S+ \S+ +- +0 +no exit record\n/);
    assert.match(out, new RegExp(`\\n +2 +\\S+ \\S+ +\\S+ \\S+ +demo-step0*${from}-state +${from} +0\\n`));
    assert.match(out, /final loss +[\d.e-]+\n +best loss +[\d.e-]+ \(step \d+\)\n +model +trainlab-demo\/trainlab\/styles\/demo\/sessions\/\S+\/output\/demo\.safetensors/);
    assert.match(out, /Look further:\n +trainlab -w trainlab-demo sessions\n +trainlab -w trainlab-demo status \S+\n +trainlab -w trainlab-demo logs \S+\n$/);
    assert.ok(existsSync(ws.file('trainlab-demo/TRAINLAB-DEMO.md')));

    const sessions = (await run('-w', 'trainlab-demo', 'sessions', '--json')).json<Session[]>();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.status, 'completed');
    assert.equal(sessions[0]!.attempts.length, 2);
    assert.equal(sessions[0]!.progress?.step, 60);

    const again = await run('demo', '--steps', '20', '--delay-ms', '0', '--no-interrupt');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /made by an earlier demo; this run adds a version/);
    assert.match(again.stdout, /Version {4}V2: 20 steps/);
    assert.doesNotMatch(again.stdout, /Simulating a crash/);
    assert.equal((await run('-w', 'trainlab-demo', 'sessions', '--json')).json<Session[]>().length, 2);
    killAll({ ...ws, root: ws.file('trainlab-demo/trainlab') });
  });

  it('while the runner lives only the log is applied; once it has exited with its record, the session is completed', async () => {
    const store = new WorkspaceStore(ws.root);
    await store.load();
    const v = await store.addVersion('demo', { parameters: { max_train_steps: 100 } });
    const startedAt = new Date().toISOString();
    const s = await store.createSession({ styleId: 'demo', versionId: v.id, backend: { type: 'local', command: ['x'], cwd: ws.dir }, trainer: 'demo', status: 'running' });
    await store.updateSession(s.id, (x) => {
      x.attempts.push({ startedAt, endedAt: null, exitCode: null, signal: null, resumedFrom: null, startStep: 0 });
    });
    const dir = join(ws.root, 'styles', 'demo', 'sessions', s.id);
    const fakeRunner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = fakeRunner.pid!;
      const record = { schemaVersion: 1, host: hostname(), startedAt, attempt: 1, runnerPid: pid, runnerStartTime: await processStartTime(pid), trainerPid: 2147483641, trainerStartTime: 'linux:1', argv: ['x'], exit: null as unknown };
      writeFileSync(join(dir, 'runner.json'), JSON.stringify(record));
      writeFileSync(join(dir, 'console.log'), 'steps:  40%|████      | 40/100 [00:04<00:06, 10.00it/s, avr_loss=0.5]\r');
      const running = await refreshSession(store, s.id, { startTimeoutMs: 30_000 });
      assert.equal(running?.status, 'running');
      assert.equal(running?.progress?.step, 40, 'the log was applied');

      record.exit = { code: 0, signal: null, endedAt: new Date().toISOString() };
      writeFileSync(join(dir, 'runner.json'), JSON.stringify(record));
      fakeRunner.kill('SIGKILL');
      await waitFor('the fake runner to go', () => (!alive(pid) ? true : undefined), 10_000);
      const done = await refreshSession(store, s.id, { startTimeoutMs: 30_000 });
      assert.equal(done?.status, 'completed');
      assert.equal(done?.attempts[0]!.exitCode, 0);
    } finally {
      fakeRunner.kill('SIGKILL');
    }
  });
});
