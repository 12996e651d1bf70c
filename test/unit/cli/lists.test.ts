import assert from 'node:assert/strict';
import { lines, tempWorkspace, type TempWorkspace } from './helpers';

interface SessionJson {
  id: string;
  styleId: string;
  versionId: string;
  status: string;
  progress: { step: number; totalSteps: number | null } | null;
}

const ESC = '\u001b[';

describe('trainlab styles / versions / sessions', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  describe('styles', () => {
    it('prints an aligned table, newest first, without colour when stdout is not a terminal', async () => {
      const r = await ws.run('styles');
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.ok(!r.stdout.includes(ESC));
      const [header, first, second] = lines(r.stdout);
      assert.match(header!, /^ID +NAME +TRIGGER +TRAINER +VERSIONS +NEWEST +CREATED$/);
      assert.match(first!, /^demo-style +Demo +- +demo +0 +- +2026-10-0\d/);
      assert.match(second!, /^dyn +Dynamic Simplicity +dynsimp +kohya +2 +V2 ▶ running/);
      // aligned: every column starts at the same offset on each line
      assert.equal(first!.indexOf('Demo'), header!.indexOf('NAME'));
      assert.equal(second!.indexOf('kohya'), header!.indexOf('TRAINER'));
    });

    it('prints the styles as in the files with --json', async () => {
      const r = await ws.run('styles', '--json');
      const styles = r.json<Record<string, unknown>[]>();
      assert.deepEqual(styles.map((s) => s.id), ['demo-style', 'dyn']);
      assert.deepEqual(styles[1], JSON.parse(ws.read('trainlab/styles/dyn/style.json')));
    });

    it('colours only for a terminal, and never with NO_COLOR', async () => {
      const tty = await ws.runWith({ tty: true }, 'styles');
      assert.ok(tty.stdout.includes(ESC));
      const noColor = await ws.runWith({ tty: true, env: { NO_COLOR: '1' } }, 'styles');
      assert.ok(!noColor.stdout.includes(ESC));
      // colour codes do not break the alignment
      const plain = (s: string) => s.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\d+m/, ''))).join('');
      assert.equal(plain(tty.stdout), noColor.stdout);
    });

    it('says when some files could not be used (on stderr, so --json stays clean)', async () => {
      ws.write('trainlab/styles/demo-style/style.json', '{ "schemaVersion": 1, ');
      const r = await ws.run('styles', '--json');
      assert.equal(r.code, 0);
      assert.deepEqual(r.json<{ id: string }[]>().map((s) => s.id), ['dyn']);
      assert.match(r.stderr, /1 file of the workspace could not be used and is not shown; run "trainlab doctor"/);
    });

    it('says how to start in an empty workspace', async () => {
      const empty = tempWorkspace();
      try {
        await empty.run('init');
        const r = await empty.run('styles');
        assert.equal(r.code, 0);
        assert.match(r.stdout, /No styles yet\. Create one: trainlab style add/);
      } finally {
        empty.cleanup();
      }
    });
  });

  describe('versions', () => {
    it("prints the seed's quick stats: status, id, name, date, images, steps, description", async () => {
      const r = await ws.run('versions', 'dyn');
      assert.equal(r.code, 0);
      const [header, v2, v1] = lines(r.stdout);
      assert.match(header!, /^STATUS +ID +NAME +CREATED +IMAGES +STEPS +DESCRIPTION$/);
      assert.match(v2!, /^▶ running +V2 +V2 +2026-11-0\d \d\d:\d\d +3 +1200 +bigger rank$/);
      assert.match(v1!, /^✓ completed +V1 +V1 +2026-1\d-\d\d \d\d:\d\d +3 +1200 +first try$/);
    });

    it('prints the versions as in the file with --json (unknown fields included)', async () => {
      const r = await ws.run('versions', 'dyn', '--json');
      const versions = r.json<Record<string, unknown>[]>();
      assert.deepEqual(versions.map((v) => v.id), ['V2', 'V1']);
      assert.equal(versions[1]!.selectionSetId, 7);
      assert.equal(versions[1]!.modelUrl, 'output/dyn.safetensors');
    });

    it('fails (exit 1) for a missing style, and for a broken versions.json naming it', async () => {
      const missing = await ws.run('versions', 'nope');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /no style "nope" \(styles: demo-style, dyn\)/);
      ws.write('trainlab/styles/dyn/versions.json', '{ "schemaVersion": 1, "versions": [ { "id": "V 1" } ] }');
      const broken = await ws.run('versions', 'dyn');
      assert.equal(broken.code, 1);
      assert.match(broken.stderr, /^trainlab: trainlab\/styles\/dyn\/versions\.json:1:\d+ cannot be used \(versions\.0\.id: not a valid id/);
    });

    it('says how to add one when a style has none', async () => {
      const r = await ws.run('versions', 'demo-style');
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Style demo-style has no versions yet\. Create one: trainlab version add demo-style/);
      assert.deepEqual((await ws.run('versions', 'demo-style', '--json')).json(), []);
    });
  });

  describe('sessions', () => {
    it('prints id, style, version, status, progress, loss, created and backend, newest first', async () => {
      const r = await ws.run('sessions');
      assert.equal(r.code, 0);
      const [header, running, failed, completed] = lines(r.stdout);
      assert.match(header!, /^ID +STYLE +VERSION +STATUS +PROGRESS +LOSS +CREATED +BACKEND$/);
      assert.match(running!, /^20261102-120000-bbbbbb +dyn +V2 +▶ running +450\/1200 \(37%\) +0\.1043 +2026-11-0\d \d\d:\d\d +local$/);
      assert.match(failed!, /^20261102-110000-cccccc +dyn +V2 +✗ failed +40\/1200 \(3%\) +0\.3 +.* +runpod ep-123$/);
      assert.match(completed!, /^20261101-100000-aaaaaa +dyn +V1 +✓ completed +1200\/1200 \(100%\) +0\.0812 /);
    });

    it('prints the sessions as in the files with --json', async () => {
      const r = await ws.run('sessions', '--json');
      const sessions = r.json<SessionJson[]>();
      assert.deepEqual(sessions.map((s) => s.id), ['20261102-120000-bbbbbb', '20261102-110000-cccccc', '20261101-100000-aaaaaa']);
      for (const s of sessions) {
        assert.equal(typeof s.styleId, 'string');
        assert.equal(typeof s.versionId, 'string');
        assert.equal(typeof s.status, 'string');
        assert.ok('progress' in s);
      }
      assert.deepEqual(sessions[0]!.progress, { step: 450, totalSteps: 1200, epoch: null, totalEpochs: null, loss: 0.1043, etaSeconds: null, updatedAt: '2026-11-02T12:30:00.000Z' });
    });

    it('filters by style, version, status (comma-separated) and limit', async () => {
      const ids = async (...argv: string[]) => (await ws.run('sessions', '--json', ...argv)).json<SessionJson[]>().map((s) => s.id);
      assert.deepEqual(await ids('--style', 'demo-style'), []);
      assert.deepEqual(await ids('--style', 'dyn', '--version', 'V1'), ['20261101-100000-aaaaaa']);
      assert.deepEqual(await ids('--status', 'failed,completed'), ['20261102-110000-cccccc', '20261101-100000-aaaaaa']);
      assert.deepEqual(await ids('--status', 'running', '--status', 'failed'), ['20261102-120000-bbbbbb', '20261102-110000-cccccc']);
      assert.deepEqual(await ids('--limit', '1'), ['20261102-120000-bbbbbb']);
    });

    it('refuses a bad --status or --limit as wrong usage (exit 2), and a missing --style (exit 1)', async () => {
      const status = await ws.run('sessions', '--status', 'training');
      assert.equal(status.code, 2);
      assert.match(status.stderr, /option '--status <list>' argument 'training' is invalid\. "training" is not a session status \(pending, running,/);
      assert.match(status.stderr, /Run "trainlab sessions --help" for usage\./);
      const limit = await ws.run('sessions', '--limit', '0');
      assert.equal(limit.code, 2);
      assert.match(limit.stderr, /'--limit <n>' argument '0' is invalid\. expected a whole number of at least 1/);
      const style = await ws.run('sessions', '--style', 'nope');
      assert.equal(style.code, 1);
      assert.match(style.stderr, /no style "nope"/);
    });

    it('says when nothing matches', async () => {
      const r = await ws.run('sessions', '--status', 'pending');
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'No sessions match.\n');
    });
  });
});
