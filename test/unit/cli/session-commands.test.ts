import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { LogWriter } from '../../../src/cli/commands/logs';
import { progressLine } from '../../../src/cli/follow';
import { formatEta, progressBar } from '../../../src/cli/format';
import type { Session } from '../../../src/core/model';
import { tempWorkspace, type TempWorkspace } from './helpers';

/** Session commands on the fixture workspace: no process is started here (see session-process.test.ts). */

const COMPLETED = '20261101-100000-aaaaaa';
const RUNNING_ELSEWHERE = '20261102-120000-bbbbbb';
const RUNPOD_FAILED = '20261102-110000-cccccc';
const sessionDir = (id: string) => `trainlab/styles/dyn/sessions/${id}`;

function collect(tty: boolean) {
  let text = '';
  return { stream: { isTTY: tty, write: (s: string) => ((text += s), true) }, text: () => text };
}

/** A local session of this host whose runner and trainer are long gone (pids that cannot exist). */
function writeZombie(ws: TempWorkspace, id: string): void {
  const dir = sessionDir(id);
  mkdirSync(ws.file(dir), { recursive: true });
  ws.write(
    `${dir}/session.json`,
    JSON.stringify({
      schemaVersion: 1,
      id,
      styleId: 'dyn',
      versionId: 'V1',
      createdAt: '2026-11-03T09:00:00.000Z',
      backend: { type: 'local', command: ['python', 'train.py'] },
      status: 'running',
      attempts: [{ startedAt: '2026-11-03T09:00:00.000Z' }],
      progress: { step: 10, totalSteps: 100, updatedAt: '2026-11-03T09:01:00.000Z' },
    }),
  );
  ws.write(
    `${dir}/runner.json`,
    JSON.stringify({ schemaVersion: 1, host: hostname(), startedAt: '2026-11-03T09:00:01.000Z', attempt: 1, runnerPid: 2147483640, runnerStartTime: 'linux:1', trainerPid: 2147483641, trainerStartTime: 'linux:2', argv: ['python'], exit: null }),
  );
}

describe('trainlab session commands (fixture workspace)', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  describe('reconciling what is shown', () => {
    it('sessions and status turn a dead local "running" session into interrupted (no zombie rows)', async () => {
      writeZombie(ws, '20261103-090000-dddddd');
      const r = await ws.run('sessions', '--json');
      assert.equal(r.code, 0, r.stderr);
      const zombie = r.json<Session[]>().find((s) => s.id === '20261103-090000-dddddd')!;
      assert.equal(zombie.status, 'interrupted');
      assert.match(zombie.error?.message ?? '', /stopped without an exit record/);
      assert.ok(zombie.attempts[0]!.endedAt, 'the attempt got its end');
      const status = await ws.run('status', '20261103-090000-dddddd');
      assert.match(status.stdout, /status +! interrupted/);
    });

    it('leaves a session running on another host alone: only that machine can tell', async () => {
      const r = await ws.run('sessions', '--json');
      assert.equal(r.json<Session[]>().find((s) => s.id === RUNNING_ELSEWHERE)!.status, 'running');
      const cancel = await ws.run('cancel', RUNNING_ELSEWHERE, '--yes');
      assert.equal(cancel.code, 1);
      assert.match(cancel.stderr, /runs on render-box\.fixture\.invalid; cancel it there/);
    });
  });

  describe('naming a session', () => {
    it('takes an id or STYLE/VERSION (that version\'s newest session)', async () => {
      const byId = await ws.run('status', COMPLETED, '--json');
      assert.equal(byId.code, 0, byId.stderr);
      assert.equal(byId.json<Session>().id, COMPLETED);
      assert.equal((await ws.run('status', 'dyn/V2', '--json')).json<Session>().id, RUNNING_ELSEWHERE);
      assert.equal((await ws.run('status', 'dyn/V1', '--json')).json<Session>().id, COMPLETED);
    });

    it('fails (exit 1) naming what is missing, and refuses a malformed name (exit 2)', async () => {
      const none = await ws.run('status', '20991231-000000-ffffff');
      assert.equal(none.code, 1);
      assert.match(none.stderr, /no session "20991231-000000-ffffff" \(newest: 20261102-120000-bbbbbb, /);
      const noVersion = await ws.run('logs', 'dyn/V9');
      assert.equal(noVersion.code, 1);
      assert.match(noVersion.stderr, /style "dyn" has no version "V9"/);
      const bad = await ws.run('status', 'a b');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /the session "a b" is not a valid id/);
      assert.match(bad.stderr, /Run "trainlab status --help" for usage\./);
    });

    it('says when a version has no session yet', async () => {
      ws.write('trainlab/styles/demo-style/versions.json', JSON.stringify({ schemaVersion: 1, versions: [{ id: 'V1', name: 'V1', createdAt: '2026-11-05T00:00:00.000Z', parameters: {} }] }));
      const r = await ws.run('status', 'demo-style/V1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /version demo-style\/V1 has no sessions yet; start one: trainlab start demo-style V1/);
    });
  });

  describe('status', () => {
    it('prints status, progress, losses, attempts, log and what to do next', async () => {
      const r = await ws.run('status', COMPLETED);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /session +20261101-100000-aaaaaa/);
      assert.match(r.stdout, /status +✓ completed/);
      assert.match(r.stdout, /progress +1200\/1200 \(100%\), epoch 10\/10/);
      assert.match(r.stdout, /loss +0\.0812 \(best 0\.07913 at step 1100\)/);
      assert.match(r.stdout, /trained for +1h 04m/);
      assert.match(r.stdout, /log +trainlab\/styles\/dyn\/sessions\/20261101-100000-aaaaaa\/console\.log/);
      assert.match(r.stdout, /Attempts\n +# +STARTED +ENDED +RESUMED FROM +START STEP +EXIT\n +1 +2026-11-01 \d\d:\d\d:00 +2026-11-01 \d\d:\d\d:00 +- +0 +0/);
      assert.match(r.stdout, /Start it again from step 0: trainlab relaunch 20261101-100000-aaaaaa/);
    });

    it('shows the error of a failed session', async () => {
      const r = await ws.run('status', RUNPOD_FAILED);
      assert.match(r.stdout, /error +CUDA out of memory/);
      assert.match(r.stdout, /backend +runpod ep-123/);
    });
  });

  describe('logs', () => {
    beforeEach(() => {
      const bar = Array.from({ length: 5 }, (_, i) => `\rsteps: ${(i + 1) * 20}%|██| ${i + 1}/5`).join('');
      ws.write(`${sessionDir(COMPLETED)}/console.log`, `line 1\nline 2\nline 3\n${bar}\nsaving checkpoint: x.safetensors\nmodel saved.\n`);
    });

    it('prints the last lines (default 50), a progress bar as its last state', async () => {
      const all = await ws.run('logs', COMPLETED);
      assert.equal(all.code, 0, all.stderr);
      assert.equal(all.stdout, 'line 1\nline 2\nline 3\nsteps: 100%|██| 5/5\nsaving checkpoint: x.safetensors\nmodel saved.\n');
      const tail = await ws.run('logs', COMPLETED, '--tail', '2');
      assert.equal(tail.stdout, 'saving checkpoint: x.safetensors\nmodel saved.\n');
      const json = await ws.run('logs', COMPLETED, '--tail', '1', '--json');
      assert.deepEqual(json.json<{ lines: string[]; status: string }>().lines, ['model saved.']);
      assert.equal(json.json<{ status: string }>().status, 'completed');
    });

    it('says when there is no log, and refuses a bad --tail or --follow with --json (exit 2)', async () => {
      const none = await ws.run('logs', RUNPOD_FAILED);
      assert.equal(none.code, 0);
      assert.equal(none.stdout, '');
      assert.match(none.stderr, /has no console output \(trainlab\/styles\/dyn\/sessions\/20261102-110000-cccccc\/console\.log does not exist\)/);
      assert.equal((await ws.run('logs', COMPLETED, '--tail', 'x')).code, 2);
      const both = await ws.run('logs', COMPLETED, '--follow', '--json');
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--follow prints the log as text/);
    });

    it('--follow on an ended session prints the tail and says it has ended', async () => {
      const r = await ws.run('logs', COMPLETED, '--follow', '--tail', '1');
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'model saved.\n');
      assert.match(r.stderr, /has ended \(completed\); nothing more to follow/);
    });
  });

  describe('start, cancel, resume, relaunch: refusals', () => {
    it('start: RunPod without TRAINLAB_RUNPOD_API_KEY fails naming it (exit 1); a bad backend or a missing version is wrong usage (exit 2)', async () => {
      const runpod = await ws.run('start', 'dyn', 'V1', '--backend', 'runpod');
      assert.equal(runpod.code, 1);
      assert.match(runpod.stderr, /TRAINLAB_RUNPOD_API_KEY is not set/);
      const bad = await ws.run('start', 'dyn/V1', '--backend', 'cloud');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /argument 'cloud' is invalid\. Allowed choices are local, runpod/);
      const noVersion = await ws.run('start', 'dyn');
      assert.equal(noVersion.code, 2);
      assert.match(noVersion.stderr, /say which version of style "dyn" to start: trainlab start dyn VERSION/);
      const both = await ws.run('start', 'dyn/V1', 'V2');
      assert.equal(both.code, 2);
      const missing = await ws.run('start', 'dyn', 'V7');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /style "dyn" has no version "V7"/);
    });

    it('start: a trainer that cannot run here is refused naming the setting, and nothing is created', async () => {
      const before = readdirSync(ws.file('trainlab/styles/dyn/sessions')).sort();
      const r = await ws.run('start', 'dyn', 'V1', '--json');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^trainlab: dyn\/V1 cannot start:\n {2}- /);
      assert.match(r.stderr, /sdScriptsDir|sd-scripts/);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(ws.file('trainlab/styles/dyn/sessions')).sort(), before);
    });

    it('cancel, resume and relaunch say why they cannot act (exit 1)', async () => {
      const cancel = await ws.run('cancel', COMPLETED, '--yes');
      assert.equal(cancel.code, 1);
      assert.match(cancel.stderr, /session 20261101-100000-aaaaaa has already ended \(completed\); nothing to cancel/);
      const resume = await ws.run('resume', COMPLETED);
      assert.equal(resume.code, 1);
      assert.match(resume.stderr, /is completed; only an interrupted, failed or cancelled session with a checkpoint can be resumed/);
      const relaunch = await ws.run('relaunch', RUNNING_ELSEWHERE);
      assert.equal(relaunch.code, 1);
      assert.match(relaunch.stderr, /is still running; relaunch it once it has ended/);
    });
  });

  describe('demo', () => {
    it('refuses a folder that is neither new, empty, nor made by a demo, and touches nothing', async () => {
      const r = await ws.run('demo', '--workspace', '.');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /\. is not empty and is not a demo workspace \(it has no TRAINLAB-DEMO\.md\)/);
      assert.ok(!existsSync(ws.file('TRAINLAB-DEMO.md')));
      assert.ok(!existsSync(ws.file('trainlab/styles/demo')));
      const global = await ws.run('-w', '.', 'demo');
      assert.equal(global.code, 1, 'the program-level --workspace counts too');
      assert.match(global.stderr, /is not a demo workspace/);
      writeFileSync(ws.file('afile'), 'x');
      const file = await ws.run('demo', '-w', 'afile');
      assert.equal(file.code, 1);
      assert.match(file.stderr, /afile is a file, not a folder/);
    });

    it('checks its numbers (exit 2)', async () => {
      assert.equal((await ws.run('demo', '--steps', '0')).code, 2);
      assert.equal((await ws.run('demo', '--delay-ms', '-1')).code, 2);
      assert.ok(!existsSync(ws.file('trainlab-demo')));
    });
  });
});

describe('follow and logs output', () => {
  it('draws the progress line: version, bar, percent, steps, loss, ETA', () => {
    const session = {
      versionId: 'V2',
      status: 'running',
      parameters: {},
      progress: { step: 540, totalSteps: 1200, epoch: null, totalEpochs: null, loss: 0.0812, etaSeconds: 492, updatedAt: '2026-11-23T00:00:00.000Z' },
    } as unknown as Session;
    assert.equal(progressLine(session, 10), 'V2  ▕████▌     ▏   45%  540/1200  loss 0.0812  ETA 8m12s');
    assert.equal(progressLine(session, 0), 'V2   45%  540/1200  loss 0.0812  ETA 8m12s');
    assert.equal(progressLine({ ...session, status: 'pending', progress: null, parameters: { max_train_steps: 300 } } as unknown as Session, 0), 'V2    0%  0/300  starting…');
    assert.equal(progressBar(1, 4), '▕████▏');
    assert.equal(progressBar(0, 4), '▕    ▏');
    assert.equal(formatEta(45), '45s');
    assert.equal(formatEta(3840), '1h04m');
  });

  it('logs --follow without a terminal collapses \\r-rewritten lines to their last state', () => {
    const out = collect(false);
    const w = new LogWriter(out.stream);
    w.write(Buffer.from('start\n\rbar 1/3'), 0);
    w.write(Buffer.from('\rbar 2/3\rbar 3/3\nsaving'), 1);
    w.write(Buffer.from(' state\r\n'), 2);
    // A UTF-8 character cut between two reads is printed whole.
    const jp = Buffer.from('学習\n');
    w.write(jp.subarray(0, 2), 3);
    w.write(jp.subarray(2), 4);
    w.end();
    // The first state of an unfinished line shows at once, the rest when the line is done.
    assert.equal(out.text(), 'start\nbar 1/3\nbar 3/3\nsaving state\n学習\n');
  });

  it('logs --follow without a terminal shows a long unfinished progress line now and then', () => {
    const out = collect(false);
    const w = new LogWriter(out.stream);
    w.write(Buffer.from('\rbar 1/9'), 0);
    w.write(Buffer.from('\rbar 2/9'), 1000);
    w.write(Buffer.from('\rbar 7/9'), 6000);
    w.write(Buffer.from('\rbar 9/9\n'), 7000);
    assert.equal(out.text(), 'bar 1/9\nbar 7/9\nbar 9/9\n');
  });

  it('logs --follow on a terminal passes \\r through as it is', () => {
    const out = collect(true);
    const w = new LogWriter(out.stream);
    w.write(Buffer.from('a\n\rbar 1/2\rbar 2/2\n'));
    w.end();
    assert.equal(out.text(), 'a\n\rbar 1/2\rbar 2/2\n');
  });

  it('cancel reads its answer from stdin', async () => {
    const { readLine } = await import('../../../src/cli/commands/cancel');
    assert.equal(await readLine(Readable.from(['ye', 's\nmore\n'])), 'yes');
    assert.equal(await readLine(Readable.from([])), null);
  });
});
