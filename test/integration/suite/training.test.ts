import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Session, Version } from '../../../src/core/model';
import type { CheckpointInfo } from '../../../src/core/trainers';
import type { TrainlabApi, TreeAccess } from '../../../src/extension/api';
import type { TreeElement } from '../../../src/extension/tree/elements';
import { confirmingPrompts, demoVersion, getApi, noPrompts, sessionsOf, sleep, waitFor } from '../helpers';

const STYLE = 'demo-lines';
const root = () => path.join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'trainlab');
const sessionDir = (id: string) => path.join(root(), 'styles', STYLE, 'sessions', id);
const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');
const short = (id: string) => id.slice(id.lastIndexOf('-') + 1);

suite('local training (demo trainer)', function () {
  this.timeout(60000);
  let api: TrainlabApi;
  const started: string[] = [];

  const { session, status, untilStatus: waitStatus } = sessionsOf(() => api);

  const version = (id: string, parameters: Record<string, unknown>): Promise<Version> => demoVersion(STYLE, id, parameters, { description: `integration test ${id}`, datasetId: null });

  async function start(versionId: string): Promise<Session> {
    const s = (await vscode.commands.executeCommand('trainlab.startTraining', { styleId: STYLE, versionId })) as Session | undefined;
    assert.ok(s, `startTraining ${versionId} returned a session (errors: ${api.training().errors().join(' / ')})`);
    started.push(s.id);
    return s;
  }

  function runnerRecord(id: string): { runnerPid: number; trainerPid: number | null; exit: unknown } | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(sessionDir(id), 'runner.json'), 'utf8')) as { runnerPid: number; trainerPid: number | null; exit: unknown };
    } catch {
      return undefined;
    }
  }

  suiteSetup(async () => {
    api = await getApi();
    await api.training().ready();
    api.setPrompts(noPrompts);
    api.training().setRuntimeOverrides({ cancelGraceMs: 3000 });
  });

  suiteTeardown(async () => {
    // Nothing of ours may keep running into the next suites (or past the harness).
    for (const id of started) {
      if (status(id) === 'running' || status(id) === 'pending') await vscode.commands.executeCommand('trainlab.cancel', { sessionId: id, confirm: true });
    }
    for (const t of vscode.window.terminals) if (t.name.startsWith('Trainlab: ')) t.dispose();
    api.setPrompts(undefined);
    api.training().setRuntimeOverrides(undefined);
    api.training().setTrusted(undefined);
  });

  test('every training command is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['startTraining', 'checkStatus', 'cancel', 'resume', 'relaunch', 'extend', 'showLogs', 'showTrainings']) {
      assert.ok(registered.has(`trainlab.${id}`), `trainlab.${id}`);
    }
  });

  test('start: the session runs and completes; its terminal, tree row and status bar follow it', async () => {
    await version('T1', { max_train_steps: 40, step_delay_ms: 40 });
    const tree: TreeAccess = api.styles();
    const fired: (TreeElement | undefined)[] = [];
    const sub = tree.onDidChangeTreeData((e) => fired.push(...(Array.isArray(e) ? e : [e])));
    try {
      const s = await start('T1');
      assert.strictEqual(s.status, 'running');
      assert.strictEqual(s.attempts.length, 1);
      assert.ok(s.backend.type === 'local' && s.backend.command.some((a) => a.endsWith('demo-trainer.js')), 'the demo trainer runs');

      // The terminal, named after the session.
      const name = `Trainlab: ${STYLE}/T1 ${short(s.id)}`;
      await waitFor(`the terminal "${name}"`, () => vscode.window.terminals.some((t) => t.name === name));
      assert.strictEqual(api.training().terminal(s.id)?.name, name);

      // The session row under its version, redrawn on its own as progress arrives.
      const styleEl = tree.getChildren().find((e) => label(tree.getTreeItem(e)) === 'Demo Lines')!;
      const versionsEl = tree.getChildren(styleEl).find((e) => label(tree.getTreeItem(e)) === 'Versions')!;
      const versionEl = tree.getChildren(versionsEl).find((e) => label(tree.getTreeItem(e)) === 'T1')!;
      await waitFor('the session row', () => tree.getChildren(versionEl).length === 1);
      const row = tree.getChildren(versionEl)[0]!;
      const descriptions = new Set<string>();
      await waitFor('progress in the row and the status bar', () => {
        const d = String(tree.getTreeItem(row).description);
        descriptions.add(d);
        return /^running • \d+\/40 \(\d+%\)/.test(d) && api.training().statusBar().text.includes('%');
      });
      assert.match(tree.getTreeItem(row).contextValue ?? '', /^trainlab\.session:running:cancellable$/);
      assert.match(api.training().statusBar().text, /^\$\(sync~spin\) T1 \d+%/);
      assert.match(api.training().statusBar().tooltip, /Demo Lines \/ T1/);

      await waitStatus(s.id, 'completed');
      const done = session(s.id);
      assert.strictEqual(done.progress?.step, 40);
      assert.strictEqual(done.attempts[0]!.exitCode, 0);
      await waitFor('the row to say completed', () => String(tree.getTreeItem(row).description).startsWith('completed • 40/40 (100%)'));
      descriptions.add(String(tree.getTreeItem(row).description));
      assert.ok(descriptions.size >= 2, `the description changed: ${[...descriptions].join(' | ')}`);
      assert.ok(fired.includes(row), 'the session row was redrawn');
      assert.ok(!fired.includes(undefined), 'never the whole tree');
      assert.match(tree.getTreeItem(row).contextValue ?? '', /^trainlab\.session:completed:relaunchable:extendable$/);
      // The version follows its newest session (written just after the session).
      await waitFor('the version to be completed', () => api.store()?.getVersion(STYLE, 'T1')?.status === 'completed');

      // The terminal showed the log and ends with a summary; the status bar is hidden again.
      await waitFor('the summary in the terminal', () => (api.training().terminalText(s.id) ?? '').includes('Training completed'));
      const text = api.training().terminalText(s.id)!;
      assert.match(text, /steps: +\d+%\|/, 'the progress bar');
      assert.ok(text.includes('\r'), 'carriage returns go through');
      assert.ok(!/[^\r]\n/.test(text), 'every \\n is sent as \\r\\n');
      await waitFor('the status bar to hide', () => !api.training().statusBar().visible);
      await waitFor('the completed notification', () => api.training().notifications().some((n) => n.sessionId === s.id && n.kind === 'completed'));
    } finally {
      sub.dispose();
    }
  });

  test('a refused start launches nothing and says why', async () => {
    const bad = await api.store()!.addVersion(STYLE, { id: 'Tbad', parameters: { max_train_steps: 0, step_delay_ms: 'slow' } });
    const before = api.store()!.listSessions({ styleId: STYLE }).length;
    const errors = api.training().errors().length;
    const r = await vscode.commands.executeCommand('trainlab.startTraining', { styleId: STYLE, versionId: bad.id });
    assert.strictEqual(r, undefined);
    const shown = api.training().errors().slice(errors);
    assert.strictEqual(shown.length, 1);
    assert.match(shown[0]!, /demo-lines\/Tbad cannot start: .*max_train_steps: .*; step_delay_ms: /);
    assert.strictEqual(api.store()!.listSessions({ styleId: STYLE }).length, before, 'no session was created');
  });

  test('an untrusted workspace starts nothing, and says why', async () => {
    api.training().setTrusted(false);
    try {
      const errors = api.training().errors().length;
      assert.strictEqual(await vscode.commands.executeCommand('trainlab.startTraining', { styleId: STYLE, versionId: 'T1' }), undefined);
      assert.match(api.training().errors().slice(errors)[0] ?? '', /does not start training in an untrusted workspace/);
    } finally {
      api.training().setTrusted(undefined);
    }
  });

  test('cancel { sessionId, confirm: true } stops the training: cancelled', async () => {
    await version('T2', { max_train_steps: 100000, save_every_n_steps: 100000, step_delay_ms: 20 });
    const s = await start('T2');
    await waitFor('the runner record', () => !!runnerRecord(s.id));
    const cancelled = (await vscode.commands.executeCommand('trainlab.cancel', { sessionId: s.id, confirm: true })) as Session;
    assert.strictEqual(cancelled.status, 'cancelled');
    await waitFor('the exit record', () => !!runnerRecord(s.id)?.exit, 10000);
    await sleep(300);
    assert.strictEqual(status(s.id), 'cancelled', 'the exit record does not turn a cancel into a failure');
    await waitFor('the summary in the terminal', () => (api.training().terminalText(s.id) ?? '').includes('Training cancelled'));
    assert.ok(!api.training().notifications().some((n) => n.sessionId === s.id), 'a cancel is not announced');
  });

  test('Ctrl+C in the terminal asks "Cancel this training?" and cancels on yes', async () => {
    const s = await start('T2');
    await waitFor('the runner record', () => !!runnerRecord(s.id));
    const asked: string[] = [];
    api.setPrompts(confirmingPrompts(asked));
    try {
      const terminal = api.training().terminal(s.id);
      assert.ok(terminal, 'the terminal is open');
      terminal.sendText('\x03', false);
      await waitStatus(s.id, 'cancelled', 15000);
      assert.strictEqual(asked.length, 1);
      assert.match(asked[0]!, /^Cancel this training\? Demo Lines \/ T2\b.*No checkpoint has been saved yet/);
    } finally {
      api.setPrompts(noPrompts);
    }
  });

  test('a killed run is found interrupted; resume continues from its checkpoint to completion (2 attempts)', async () => {
    await version('T3', { max_train_steps: 60, save_every_n_steps: 10, step_delay_ms: 25 });
    const s = await start('T3');
    const state = path.join(sessionDir(s.id), 'output', `${STYLE}-step00000010-state`, 'train_state.json');
    await waitFor('the first checkpoint', () => fs.existsSync(state));
    await sleep(100);
    const record = runnerRecord(s.id);
    assert.ok(record, 'runner.json');
    process.kill(-record.runnerPid, 'SIGKILL');
    // checkStatus reconciles now: the process is gone without an exit record.
    await waitFor('interrupted', async () => ((await vscode.commands.executeCommand('trainlab.checkStatus', { sessionId: s.id })) as Session).status === 'interrupted');
    await waitFor('the interrupted notification', () => api.training().notifications().some((n) => n.sessionId === s.id && n.kind === 'interrupted'));
    const note = api.training().notifications().find((n) => n.sessionId === s.id && n.kind === 'interrupted')!;
    assert.ok(note.actions.includes('Resume'), `Resume is offered: ${note.actions.join(', ')}`);
    assert.match(note.message, /Resume continues from step \d+/);

    const { session: resumed, checkpoint } = (await vscode.commands.executeCommand('trainlab.resume', { sessionId: s.id })) as { session: Session; checkpoint: CheckpointInfo };
    assert.ok(checkpoint.step !== null && checkpoint.step >= 10, `from a checkpoint: ${checkpoint.path}`);
    assert.strictEqual(resumed.attempts.length, 2);
    await waitStatus(s.id, 'completed');
    const done = session(s.id);
    assert.strictEqual(done.attempts.length, 2);
    assert.strictEqual(done.attempts[1]!.startStep, checkpoint.step);
    assert.strictEqual(done.progress?.step, 60, 'steps count on across the resume');
    await waitFor('the attempt line and the summary', () => /Attempt 2: resumed from step \d+[\s\S]*Training completed/.test(api.training().terminalText(s.id) ?? ''));
  });

  test('a window reload mid-training finds the session still running and reattaches', async () => {
    await version('T4', { max_train_steps: 60, save_every_n_steps: 1000, step_delay_ms: 40 });
    const s = await start('T4');
    await waitFor('some progress', () => (api.store()?.getSession(s.id)?.session.progress?.step ?? 0) >= 5);
    const storeBefore = api.store();
    const terminalBefore = api.training().terminal(s.id);
    assert.ok(terminalBefore);

    await api.training().simulateReload();
    assert.notStrictEqual(api.store(), storeBefore, 'a new index, read from disk');
    assert.strictEqual(status(s.id), 'running', 'the reconcile after the reload finds it alive');
    // The terminal that was open comes back (a new one), showing the tail of the log and following it.
    await waitFor('the terminal again', () => !!api.training().terminal(s.id) && api.training().terminal(s.id) !== terminalBefore);
    await waitFor('the status bar again', () => api.training().statusBar().visible);
    const stepAfterReload = session(s.id).progress?.step ?? 0;
    await waitFor('progress after the reload', () => (session(s.id).progress?.step ?? 0) > stepAfterReload);
    await waitStatus(s.id, 'completed');
    assert.strictEqual(session(s.id).attempts.length, 1, 'the same attempt ran on');
    assert.strictEqual(session(s.id).progress?.step, 60);
    await waitFor('the summary in the new terminal', () => (api.training().terminalText(s.id) ?? '').includes('Training completed'));
    assert.match(api.training().terminalText(s.id)!, /The last \d+ lines of console\.log/);
  });

  test('a run that died while the window was closed is found interrupted on reopen, and said so', async () => {
    const id = '20260101-000000-dead01';
    const dir = sessionDir(id);
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has ended
    fs.mkdirSync(dir, { recursive: true });
    const write = (file: string, value: unknown) => {
      fs.writeFileSync(path.join(dir, `${file}.tmp`), JSON.stringify(value, null, 2));
      fs.renameSync(path.join(dir, `${file}.tmp`), path.join(dir, file));
    };
    write('runner.json', { schemaVersion: 1, host: os.hostname(), startedAt, attempt: 1, runnerPid: gone, runnerStartTime: 'linux:1', trainerPid: gone, trainerStartTime: 'linux:1', argv: ['node'], exit: null });
    write('session.json', {
      schemaVersion: 1, id, styleId: STYLE, versionId: 'V1', createdAt: startedAt, backend: { type: 'local', command: ['node'] }, trainer: 'demo',
      status: 'running', attempts: [{ startedAt }], progress: { step: 12, totalSteps: 40, loss: 0.3, etaSeconds: 30, updatedAt: startedAt },
    });
    // Reloaded at once: the reconcile after the load is the first to look at it.
    await api.training().simulateReload();
    assert.strictEqual(status(id), 'interrupted');
    const note = api.training().notifications().find((n) => n.sessionId === id);
    assert.ok(note, 'a notification');
    assert.strictEqual(note.kind, 'interrupted');
    assert.match(note.message, /^Training Demo Lines \/ V1 was found interrupted at step 12\/40 \(30%\): the training process stopped without an exit record/);
    assert.deepStrictEqual(note.actions, ['Relaunch', 'Show Logs'], 'no checkpoint: Relaunch, not Resume');
    // Old final sessions stayed quiet.
    assert.ok(!api.training().notifications().some((n) => n.sessionId === '20250920-121500-0d3e01'));
  });

  test('extend { steps } continues from the last state with max_train_steps raised; relaunch copies the parameters', async () => {
    const base = api.store()!.newestSession(STYLE, 'T1')!;
    assert.strictEqual(base.status, 'completed');
    const [extended, again] = (await Promise.all([
      vscode.commands.executeCommand('trainlab.extend', { sessionId: base.id, steps: 10 }),
      vscode.commands.executeCommand('trainlab.relaunch', { sessionId: base.id }),
    ])) as [Session, Session];
    assert.ok(extended && again, `both started (${api.training().errors().slice(-1)[0]})`);
    started.push(extended.id, again.id);
    assert.strictEqual(extended.parameters.max_train_steps, 50);
    assert.strictEqual(extended.origin.parentSessionId, base.id);
    assert.strictEqual(extended.origin.type, 'extend');
    assert.strictEqual(extended.attempts[0]?.startStep, 40, 'continues from the last state, not from step 0');
    assert.deepStrictEqual(again.parameters, base.parameters);
    assert.strictEqual(again.origin.type, 'relaunch');
    assert.strictEqual(again.origin.parentSessionId, base.id);
    await waitStatus(extended.id, 'completed');
    await waitStatus(again.id, 'completed');
    assert.strictEqual(session(extended.id).progress?.step, 50);
    assert.strictEqual(session(again.id).progress?.step, 40);
  });

  test('showLogs of an old session shows the end of its log and how it ended', async () => {
    const id = '20251013-090215-7d4e2b'; // Dynamic Simplicity V2, with a console.log
    const terminal = (await vscode.commands.executeCommand('trainlab.showLogs', { sessionId: id })) as vscode.Terminal;
    assert.strictEqual(terminal.name, `Trainlab: dynamic-simplicity/V2 ${short(id)}`);
    const log = fs.readFileSync(path.join(root(), 'styles', 'dynamic-simplicity', 'sessions', id, 'console.log'), 'utf8');
    const lastLine = log.trimEnd().split('\n').pop()!.split('\r').filter(Boolean).pop()!;
    await waitFor('the last line of the log', () => (api.training().terminalText(id) ?? '').includes(lastLine));
    // Asking again reveals the same terminal.
    assert.strictEqual(await vscode.commands.executeCommand('trainlab.showLogs', { sessionId: id }), terminal);
    terminal.dispose();
    await waitFor('the terminal to close', () => !api.training().terminal(id));
  });
});
