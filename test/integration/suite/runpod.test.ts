import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Session, Version } from '../../../src/core/model';
import type { TrainlabApi, TreeAccess } from '../../../src/extension/api';
import type { TreeElement } from '../../../src/extension/tree/elements';
import { confirmingPrompts, demoVersion, getApi, noPrompts, sessionsOf, sleep, waitFor } from '../helpers';

// RunPod sessions against the harness's stand-in endpoint (a separate process whose worker runs
// the real demo trainer; test/harness/run.js points the workspace settings at it and passes the
// key as TRAINLAB_TEST_RUNPOD_API_KEY). Polls come from the extension's own scheduler, every
// 5 s (the least trainlab.pollIntervalSeconds allows), so each step waits a poll or two.

const KEY = process.env.TRAINLAB_TEST_RUNPOD_API_KEY ?? '';
const STYLE = 'rp-demo';
const DATASET = 'lines';
/** The fixture's RunPod sessions: their endpoints are not the stand-in's, so their polls fail (and back off). */
const FIXTURE_REMOTE = [
  { styleId: 'dynamic-simplicity', versionId: 'V2', sessionId: '20251013-090215-7d4e2b', status: 'running' as const },
  { styleId: 'demo-lines', versionId: 'V2', sessionId: '20250921-083000-0d3e02', status: 'pending' as const },
];

const workspaceDir = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const root = () => path.join(workspaceDir(), 'trainlab');
const sessionFile = (styleId: string, id: string) => path.join(root(), 'styles', styleId, 'sessions', id, 'session.json');
const logOf = (id: string) => fs.readFileSync(path.join(root(), 'styles', STYLE, 'sessions', id, 'console.log'), 'utf8');
const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));
const tooltip = (item: vscode.TreeItem) => (item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? ''));
const count = (text: string, part: string) => text.split(part).length - 1;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

suite('RunPod (stand-in endpoint)', function () {
  this.timeout(60000);
  let api: TrainlabApi;
  const started: string[] = [];
  const fixtureFiles = new Map<string, string>();

  const { session, status, untilStatus } = sessionsOf(() => api);
  const jobOf = (s: Session) => (s.backend.type === 'runpod' ? s.backend.jobId : undefined);
  async function runpodVersion(id: string, parameters: Record<string, unknown>): Promise<Version> {
    await demoVersion(STYLE, id, parameters, { description: `RunPod test ${id}`, datasetId: DATASET });
    // Where it runs is the version's choice (as the panel's "Run on" saves it).
    return api.store()!.updateVersion(STYLE, id, (x) => void (x.backend = 'runpod'));
  }

  async function start(versionId: string): Promise<Session> {
    const s = (await vscode.commands.executeCommand('trainlab.startTraining', { styleId: STYLE, versionId })) as Session | undefined;
    assert.ok(s, `startTraining ${versionId} returned a session (errors: ${api.training().errors().join(' / ')})`);
    started.push(s.id);
    return s;
  }

  function sessionRow(tree: TreeAccess, versionName: string): TreeElement {
    const find = (parent: TreeElement | undefined, text: string) => {
      const el = tree.getChildren(parent).find((e) => label(tree.getTreeItem(e)) === text);
      assert.ok(el, `tree row "${text}"`);
      return el;
    };
    const version = find(find(find(undefined, 'RunPod Demo'), 'Versions'), versionName);
    const rows = tree.getChildren(version);
    assert.strictEqual(rows.length, 1, `one session under ${versionName}`);
    return rows[0]!;
  }

  suiteSetup(async () => {
    assert.ok(KEY.length > 8, 'TRAINLAB_TEST_RUNPOD_API_KEY is set (test/harness/run.js passes it)');
    api = await getApi();
    await api.training().ready();
    api.setPrompts(noPrompts);
    // The fixture's RunPod sessions are polled once a key is set; later suites expect them as they were.
    for (const f of FIXTURE_REMOTE) fixtureFiles.set(f.sessionId, fs.readFileSync(sessionFile(f.styleId, f.sessionId), 'utf8'));
    await vscode.commands.executeCommand('trainlab.newStyle', { id: STYLE, name: 'RunPod Demo', triggerToken: 'rp_demo', trainer: 'demo' });
    const ds = await vscode.commands.executeCommand('trainlab.setDatasetUrl', { styleId: STYLE, datasetId: DATASET, url: 'https://datasets.example.com/lines.zip' });
    assert.ok(ds, `the dataset URL was set (errors: ${api.training().errors().join(' / ')})`);
  });

  suiteTeardown(async () => {
    api.setPrompts(noPrompts);
    for (const id of started) {
      if (status(id) === 'running' || status(id) === 'pending') await vscode.commands.executeCommand('trainlab.cancel', { sessionId: id, confirm: true });
    }
    await vscode.commands.executeCommand('trainlab.clearRunPodApiKey');
    await waitFor('RunPod sessions to be let go', () => !api.runpod().following());
    for (const t of vscode.window.terminals) if (t.name.startsWith(`Trainlab: ${STYLE}/`)) t.dispose();
    // The fixture as it was, for the suites that follow.
    for (const f of FIXTURE_REMOTE) {
      const file = sessionFile(f.styleId, f.sessionId);
      if (fs.readFileSync(file, 'utf8') === fixtureFiles.get(f.sessionId)) continue;
      fs.writeFileSync(`${file}.restore`, fixtureFiles.get(f.sessionId)!);
      fs.renameSync(`${file}.restore`, file);
      await waitFor(`the fixture session ${f.sessionId} back`, () => status(f.sessionId) === f.status);
      if (api.store()!.getVersion(f.styleId, f.versionId)?.status !== f.status) await api.store()!.updateVersion(f.styleId, f.versionId, (v) => void (v.status = f.status));
    }
    fs.rmSync(path.join(root(), 'styles', STYLE), { recursive: true, force: true });
    await waitFor('the test style to leave the index', () => !api.store()?.getStyle(STYLE));
    api.setPrompts(undefined);
  });

  test('without a key: nothing is followed, and a RunPod start refuses with "Set RunPod API Key", writing nothing', async () => {
    assert.strictEqual(await api.runpod().hasKey(), false);
    assert.strictEqual(api.runpod().following(), false);
    assert.deepStrictEqual(api.runpod().watched(), []);
    for (const f of FIXTURE_REMOTE) assert.strictEqual(status(f.sessionId), f.status, 'the fixture sessions are left as they are');
    await runpodVersion('R0', {});
    const errors = api.training().errors().length;
    assert.strictEqual(await vscode.commands.executeCommand('trainlab.startTraining', { styleId: STYLE, versionId: 'R0' }), undefined);
    assert.match(api.training().errors().slice(errors)[0] ?? '', /No RunPod API key is set: run "Trainlab: Set RunPod API Key"/);
    assert.strictEqual(api.store()!.listSessions({ styleId: STYLE }).length, 0, 'no session was written');
  });

  test('Set RunPod API Key asks in a password box; then every RunPod session not final is polled at once', async () => {
    const asked: { title: string; password: boolean | undefined }[] = [];
    api.setPrompts({
      ...noPrompts,
      input: async (o) => {
        asked.push({ title: o.title, password: o.password });
        assert.strictEqual(o.validate?.('has space'), 'An API key has no spaces or line breaks in it.');
        return KEY;
      },
    });
    try {
      const r = await vscode.commands.executeCommand('trainlab.setRunPodApiKey');
      assert.deepStrictEqual(r, { stored: true }, 'the command returns no key');
    } finally {
      api.setPrompts(noPrompts);
    }
    assert.deepStrictEqual(asked, [{ title: 'Set RunPod API Key', password: true }]);
    assert.strictEqual(await api.runpod().hasKey(), true);
    await waitFor('RunPod sessions to be followed', () => api.runpod().following());
    await api.runpod().ready();
    // The fixture's jobs are on endpoints the stand-in does not have: a wrong endpoint is a
    // problem of the settings, not the end of the job — the session stays as it was, and is retried.
    for (const f of FIXTURE_REMOTE) {
      assert.ok(api.runpod().watched().includes(f.sessionId), `${f.sessionId} is followed`);
      assert.match(api.runpod().lastProblem(f.sessionId) ?? '', /RunPod found no endpoint "(abc123xyz|demo-endpoint)"/);
      assert.strictEqual(status(f.sessionId), f.status);
    }
  });

  test('start on RunPod: the tree row and the status bar follow the job to completed; the model URL lands on the version', async () => {
    await runpodVersion('R1', { max_train_steps: 40, step_delay_ms: 30 });
    const s = await start('R1');
    assert.strictEqual(s.backend.type, 'runpod');
    assert.ok(jobOf(s), 'a job id from /run');
    assert.strictEqual(s.status, 'pending');
    assert.deepStrictEqual(api.runpod().watched().includes(s.id), true, 'the scheduler watches it');

    const tree = api.styles();
    const row = sessionRow(tree, 'R1');
    const descriptions = new Set<string>();
    const tooltips = new Set<string>();
    const bars = new Set<string>();
    await waitFor('the session to complete', () => {
      descriptions.add(String(tree.getTreeItem(row).description));
      const bar = api.training().statusBar();
      if (bar.visible) {
        bars.add(bar.text);
        tooltips.add(bar.tooltip);
      }
      return status(s.id) === 'completed' && String(tree.getTreeItem(row).description).includes('RunPod COMPLETED');
    }, 30000);
    const all = [...descriptions].join(' | ');
    assert.ok([...descriptions].some((d) => / • RunPod (IN_QUEUE|IN_PROGRESS)/.test(d)), `the row said RunPod's status while it ran: ${all}`);
    assert.match(String(tree.getTreeItem(row).description), /^completed • 40\/40 \(100%\).* • RunPod COMPLETED$/);
    const tip = tooltip(tree.getTreeItem(row));
    assert.ok(tip.includes(`RunPod job: \`${jobOf(s)!}\``), tip);
    assert.match(tip, /RunPod status: COMPLETED \(last seen \d\d:\d\d:\d\d\)/);
    assert.match(tip, /Worker: `/);
    assert.match(tree.getTreeItem(row).contextValue ?? '', /^trainlab\.session:completed:relaunchable:runpod$/);

    // The status bar counted it while it ran (beside the fixture's RunPod sessions, followed too),
    // with the endpoint's health in its tooltip.
    assert.ok([...bars].some((t) => /^\$\(sync~spin\) \d trainings/.test(t)), `the status bar counted it: ${[...bars].join(' | ')}`);
    assert.ok([...tooltips].some((t) => t.includes('$(cloud) **RunPod Demo / R1**')), `R1 in the tooltip: ${[...tooltips].join('\n---\n')}`);
    assert.ok([...tooltips].some((t) => /RunPod endpoint `standin-endpoint`: workers \d+ idle, \d+ running[^;]*; jobs \d+ queued, \d+ in progress/.test(t)), `health in the tooltip: ${[...tooltips].join('\n---\n')}`);
    await waitFor('R1 to leave the status bar', () => !api.training().statusBar().tooltip.includes('RunPod Demo / R1'));

    const done = session(s.id);
    assert.strictEqual(done.progress?.step, 40);
    assert.match(done.outputs.model ?? '', /^https?:\/\//);
    await waitFor('the model URL on the version', () => api.store()!.getVersion(STYLE, 'R1')?.modelUrl === done.outputs.model);
    assert.strictEqual(api.store()!.getVersion(STYLE, 'R1')?.status, 'completed');
    await waitFor('the completed notification', () => api.training().notifications().some((n) => n.sessionId === s.id && n.kind === 'completed'));
    await waitFor('the summary in the terminal', () => (api.training().terminalText(s.id) ?? '').includes('Training completed'));
    await waitFor('no more polls once final', () => !api.runpod().watched().includes(s.id));

    // Check Status says what RunPod said, and when.
    const checked = (await vscode.commands.executeCommand('trainlab.checkStatus', { sessionId: s.id })) as Session;
    assert.strictEqual(checked.status, 'completed');
  });

  test('three RunPod versions started in parallel all complete, each with its own log', async () => {
    const ids = ['R2', 'R3', 'R4'];
    for (const [i, id] of ids.entries()) await runpodVersion(id, { max_train_steps: 20 + 10 * i, step_delay_ms: 25 });
    const sessions = await Promise.all(ids.map((id) => start(id)));
    assert.strictEqual(new Set(sessions.map(jobOf)).size, 3, 'three jobs');
    for (const s of sessions) await untilStatus(s.id, 'completed');
    for (const [i, s] of sessions.entries()) {
      const steps = 20 + 10 * i;
      assert.strictEqual(session(s.id).progress?.step, steps);
      const log = logOf(s.id);
      assert.strictEqual(count(log, `submitting ${ids[i]} (attempt 1)`), 1, log);
      assert.ok(log.includes(`RunPod job ${jobOf(s)!}`), 'its own job');
      for (const other of sessions) if (other !== s) assert.ok(!log.includes(jobOf(other)!), `no line of ${other.id}`);
      assert.ok(log.includes(`${steps}/${steps}`), `its own bar reached ${steps}`);
    }
  });

  test('a reload while the job runs (the window closed meanwhile) finds the session and finishes it, no line twice', async () => {
    // About 8 s of training: the poll 5 s in sees it run, and it ends while the window is "closed".
    await runpodVersion('R5', { max_train_steps: 150, step_delay_ms: 50, save_every_n_steps: 50 });
    const s = await start('R5');
    await untilStatus(s.id, 'running');
    await api.training().simulateReload({ closedMs: 6000 });
    // A new scheduler polls it at once; the job ended while nobody watched.
    assert.strictEqual(await api.runpod().pollNow(s.id), true);
    await untilStatus(s.id, 'completed', 20000);
    assert.strictEqual(session(s.id).progress?.step, 150);
    const log = logOf(s.id);
    assert.strictEqual(count(log, '[trainlab] '), 3, `Trainlab's own lines once each:\n${log}`);
    const lines = log.split('\n').filter(Boolean);
    const standin = lines.filter((l) => l.startsWith('standin:'));
    assert.ok(standin.length >= 2, 'the worker lines are there');
    assert.strictEqual(new Set(standin).size, standin.length, 'no worker line twice');
    const steps = [...log.matchAll(/\| *(\d+)\/150 \[/g)].map((m) => Number(m[1]));
    assert.ok(steps.length > 1, 'progress lines');
    assert.deepStrictEqual(steps, [...steps].sort((a, b) => a - b), 'the bar never goes back (no chunk appended twice)');
    assert.strictEqual(steps.at(-1), 150);
    await waitFor('the completed notification after the reload', () => api.training().notifications().some((n) => n.sessionId === s.id && n.kind === 'completed'));
  });

  test('reopened after RunPod forgot the job: its worker’s report gives the true status, log, loss curve and model URL', async () => {
    await runpodVersion('R9', { max_train_steps: 150, step_delay_ms: 50, save_every_n_steps: 50 });
    const s = await start('R9');
    const reportOf = () => session(s.id).backend as { reportUrl?: string; reportStatus?: string; jobId?: string };
    await waitFor('a poll to learn where the worker keeps its report', () => !!reportOf().reportUrl, 30000);
    // RunPod drops the job's result the moment it ends, as if the window reopened only after the 30 minutes.
    const origin = new URL(vscode.workspace.getConfiguration('trainlab').get<string>('runpod.baseUrl')!).origin;
    const forget = await fetch(`${origin}/standin/forget-when-final/${encodeURIComponent(reportOf().jobId!)}`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}` } });
    assert.strictEqual(forget.status, 200);
    await api.training().simulateReload({ closedMs: 8000 });
    await untilStatus(s.id, 'completed', 30000);
    const done = session(s.id);
    assert.strictEqual(reportOf().reportStatus, 'COMPLETED', 'the outcome came from the report: RunPod never said COMPLETED');
    assert.strictEqual(done.progress?.step, 150);
    assert.match(done.outputs.model ?? '', /^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.safetensors$/);
    await waitFor('the model URL on the version', () => api.store()!.getVersion(STYLE, 'R9')?.modelUrl === done.outputs.model);
    const points = fs.readFileSync(path.join(root(), 'styles', STYLE, 'sessions', s.id, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.ok(points.length >= 3, `a loss curve: ${points.length} points`);
    const states = logOf(s.id).split('\n').filter((l) => /^saving state at step \d+$/.test(l));
    assert.deepStrictEqual(states, ['saving state at step 50', 'saving state at step 100', 'saving state at step 150'], 'every line once');
    const row = api.styles().getTreeItem(sessionRow(api.styles(), 'R9'));
    assert.match(tooltip(row), /RunPod status: COMPLETED \\\(worker's report\\\)/, 'the tooltip (Markdown) names where the outcome came from');
    assert.doesNotMatch(tooltip(row), /X-Amz-Signature/);
  });

  test('Retry on RunPod (the panel names the version) runs the failed job again under the same id; Resume passes the worker’s checkpoint', async () => {
    // Slow enough (about 7 s to the failure at step 25) that a poll sees it run past a checkpoint:
    // the worker reports checkpoints in its progress, and a resume needs one.
    await runpodVersion('R6', { max_train_steps: 40, save_every_n_steps: 5, step_delay_ms: 300, standin_fail_at_step: 25 });
    const s = await start('R6');
    await untilStatus(s.id, 'failed');
    const failed = session(s.id);
    assert.match(failed.error?.message ?? '', /CUDA out of memory/);
    await waitFor('the failed notification', () => api.training().notifications().some((n) => n.sessionId === s.id && n.kind === 'failed'));
    const note = api.training().notifications().find((n) => n.sessionId === s.id && n.kind === 'failed')!;
    assert.ok(note.actions.includes('Retry on RunPod') && note.actions.includes('Relaunch'), note.actions.join(', '));
    const again = (await vscode.commands.executeCommand('trainlab.retryOnRunPod', { styleId: STYLE, versionId: 'R6' })) as Session | undefined;
    assert.ok(again, `retried (errors: ${api.training().errors().slice(-1)[0]})`);
    assert.strictEqual(again.status, 'pending');
    assert.strictEqual(jobOf(again), jobOf(s), 'the same job id');
    assert.strictEqual(again.attempts.length, 2);
    await untilStatus(s.id, 'failed');
    assert.strictEqual(session(s.id).backend.type === 'runpod' && session(s.id).backend.run, 2);

    // Resume on RunPod: a new job, given the newest checkpoint the worker reported.
    const b = session(s.id).backend;
    const checkpoint = b.type === 'runpod' ? b.checkpoint : undefined;
    assert.ok(checkpoint?.ref && checkpoint.step, `the worker reported a checkpoint: ${JSON.stringify(checkpoint)}`);
    const r = (await vscode.commands.executeCommand('trainlab.resume', { sessionId: s.id })) as { session: Session; checkpoint: { path: string; step: number | null } } | undefined;
    assert.ok(r, `resumed (errors: ${api.training().errors().slice(-1)[0]})`);
    assert.deepStrictEqual([r.checkpoint.path, r.checkpoint.step], [checkpoint.ref, checkpoint.step]);
    const last = r.session.attempts.at(-1)!;
    assert.deepStrictEqual([r.session.attempts.length, last.resumedFrom, last.startStep], [3, checkpoint.ref, checkpoint.step]);
    assert.notStrictEqual(jobOf(r.session), jobOf(s), 'a new job');
    assert.match(logOf(s.id), new RegExp(`submitting R6 \\(attempt 3\\) .*resuming from step ${checkpoint.step}`));
    await vscode.commands.executeCommand('trainlab.cancel', { sessionId: s.id, confirm: true });
  });

  test('cancel asks first (what is lost), then /cancel: cancelled, and it stays so', async () => {
    await runpodVersion('R7', { max_train_steps: 100000, save_every_n_steps: 100000, step_delay_ms: 20 });
    const s = await start('R7');
    await untilStatus(s.id, 'running');
    const asked: string[] = [];
    api.setPrompts(confirmingPrompts(asked));
    let cancelled: Session;
    try {
      cancelled = (await vscode.commands.executeCommand('trainlab.cancel', { sessionId: s.id })) as Session;
    } finally {
      api.setPrompts(noPrompts);
    }
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0]!, new RegExp(`^Cancel this training\\? RunPod Demo / R7\\b.*RunPod job ${jobOf(s)!} is cancelled.*no checkpoint`));
    assert.strictEqual(cancelled.status, 'cancelled');
    assert.match(logOf(s.id), /cancel requested: RunPod says CANCELLED/);
    await waitFor('the scheduler to let it go', () => !api.runpod().watched().includes(s.id));
    await sleep(300);
    assert.strictEqual(status(s.id), 'cancelled');
    assert.ok(!api.training().notifications().some((n) => n.sessionId === s.id), 'a cancel is not announced');
  });

  test('endpoint health: the command asks /health', async () => {
    const r = (await vscode.commands.executeCommand('trainlab.runpodHealth', { endpointId: 'standin-endpoint' })) as { endpointId: string; health: { workers: { idle: number } } } | undefined;
    assert.ok(r, `health (errors: ${api.training().errors().slice(-1)[0]})`);
    assert.strictEqual(r.endpointId, 'standin-endpoint');
    assert.strictEqual(typeof r.health.workers.idle, 'number');
  });

  test('the API key is in no file of the workspace, not in the extension log, no message', async () => {
    assert.ok(await api.runpod().hasKey());
    const files = filesUnder(workspaceDir());
    assert.ok(files.some((f) => f.endsWith('console.log')), 'the RunPod sessions wrote their logs');
    for (const f of files) assert.ok(!fs.readFileSync(f).includes(KEY), `the API key leaked into ${f}`);
    // The "Trainlab" output channel's file: flushed in the background, so wait for a line of this suite.
    const logs = () => filesUnder(api.logFolder());
    await waitFor('the extension log to hold this suite’s lines', () => logs().some((f) => fs.readFileSync(f, 'utf8').includes('RunPod API key')), 15000);
    for (const f of logs()) assert.ok(!fs.readFileSync(f).includes(KEY), `the API key leaked into ${f}`);
    for (const text of [...api.training().errors(), ...api.training().notifications().map((n) => n.message)]) assert.ok(!text.includes(KEY), `the API key is in a message: ${text}`);
  });
});
