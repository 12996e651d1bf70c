import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { runIn, tempWorkspace, type TempWorkspace } from './helpers';

describe('trainlab: global behaviour', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  it('prints the package version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await ws.run(flag);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `${version}\n`);
    }
  });

  it('prints help on --help with exit 0', async () => {
    const r = await ws.run('--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: trainlab/);
    for (const cmd of ['init', 'style', 'version', 'styles', 'versions', 'sessions', 'start', 'status', 'logs', 'cancel', 'resume', 'relaunch', 'compare', 'export', 'import', 'doctor', 'demo']) {
      assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`));
    }
    assert.doesNotMatch(r.stdout, /\n {2}cleanup\b/);
  });

  it('exits 2 with a message and a --help hint on an unknown command', async () => {
    const r = await ws.run('frobnicate');
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^trainlab: unknown command 'frobnicate'/);
    assert.match(r.stderr, /Run "trainlab --help" for usage\./);
  });

  it('exits 2 on an unknown option, naming the command in the hint', async () => {
    const r = await ws.run('styles', '--colour');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--colour'/);
    assert.match(r.stderr, /Run "trainlab styles --help" for usage\./);
  });

  it('exits 2 on a missing argument and on a missing required option', async () => {
    const a = await ws.run('versions');
    assert.equal(a.code, 2);
    assert.match(a.stderr, /missing required argument 'style'/);
    const b = await ws.run('style', 'add', 'x', '--name', 'X', '--trigger', 't');
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--trainer <name>' not specified/);
    assert.match(b.stderr, /Run "trainlab style add --help" for usage\./);
  });

  it('exits 2 when run without a command (help on stderr)', async () => {
    const r = await ws.run();
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: trainlab/);
  });

  it('takes --json and --workspace before or after the command', async () => {
    const other = tempWorkspace({ fixture: true });
    try {
      const empty = join(ws.dir, 'elsewhere');
      mkdirSync(empty);
      const before = await runIn(empty, ['--json', '--workspace', other.dir, 'styles']);
      const after = await runIn(empty, ['styles', '-w', other.dir, '--json']);
      assert.equal(before.code, 0);
      assert.deepEqual(before.json(), after.json());
      assert.equal(before.json<unknown[]>().length, 2);
    } finally {
      other.cleanup();
    }
  });

  it('does not take a command option for the program one (sessions --version V1)', async () => {
    const r = await ws.run('sessions', '--version', 'V1', '--json');
    assert.equal(r.code, 0);
    assert.deepEqual(r.json<{ id: string }[]>().map((s) => s.id), ['20261101-100000-aaaaaa']);
  });

  it('finds the trainlab folder from a subfolder of the workspace', async () => {
    const sub = join(ws.dir, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const r = await runIn(sub, ['styles', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json<unknown[]>().length, 2);
  });

  it('uses TRAINLAB_ROOT when set', async () => {
    const empty = tempWorkspace();
    try {
      const r = await runIn(empty.dir, ['styles', '--json'], { env: { TRAINLAB_ROOT: ws.root } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json<unknown[]>().length, 2);
      const missing = await runIn(empty.dir, ['styles'], { env: { TRAINLAB_ROOT: 'nowhere' } });
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /TRAINLAB_ROOT \(nowhere\) names no folder; run "trainlab init"/);
    } finally {
      empty.cleanup();
    }
  });

  it('fails with exit 1 and says to run init when there is no trainlab folder', async () => {
    const empty = tempWorkspace();
    try {
      for (const argv of [['styles'], ['versions', 'dyn'], ['sessions'], ['doctor'], ['style', 'add', 'x', '--name', 'X', '--trigger', 't', '--trainer', 'demo']]) {
        const r = await empty.run(...argv);
        assert.equal(r.code, 1, argv.join(' '));
        assert.match(r.stderr, /^trainlab: no trainlab folder in \. or any folder above it; run "trainlab init" to create one\n$/);
        assert.equal(r.stdout, '');
      }
    } finally {
      empty.cleanup();
    }
  });

  it('fails with exit 1 when --workspace names no folder', async () => {
    const r = await ws.run('--workspace', 'missing-folder', 'styles');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the workspace folder missing-folder does not exist/);
  });

  it('prints no stack trace for an expected error', async () => {
    const r = await ws.run('style', 'add', 'dyn', '--name', 'D', '--trigger', 't', '--trainer', 'kohya');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'trainlab: A style "dyn" already exists (trainlab/styles/dyn/style.json).\n');
  });
});
