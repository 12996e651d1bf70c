import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFileText } from '../../../src/core/model/parse';
import { paths } from '../../../src/core/store';
import { newStore, tempWorkspace } from './helpers/tmp';

const WORKER = join(__dirname, 'helpers', 'worker.ts');

function runWorker(args: string[], onLine?: (line: string) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine?.(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, err })));
  return { child, done };
}

describe('crash safety (separate processes)', function () {
  this.timeout(120_000);
  let ws: ReturnType<typeof tempWorkspace>;
  beforeEach(() => (ws = tempWorkspace()));
  afterEach(() => ws.cleanup());

  it('SIGKILL at random moments during 1,000 updates never leaves a torn file or loses an acknowledged update', async () => {
    const store = await newStore(ws.root);
    await store.createStyle({ id: 'crash', name: 'Crash', trainer: 'demo' });
    await store.addVersion('crash', {});
    const s = await store.createSession({ styleId: 'crash', versionId: 'V1', backend: { type: 'local', command: [] }, status: 'running' });
    const sessionPath = paths.session(ws.root, 'crash', s.id);
    const versionsPath = paths.versions(ws.root, 'crash');
    const TOTAL = 1000;
    let acked = 0;
    let kills = 0;
    for (let round = 0; acked < TOTAL; round++) {
      const w = runWorker(['count', ws.root, s.id, String(TOTAL)], (line) => {
        const m = /^ack (\d+)$/.exec(line);
        if (m) acked = Math.max(acked, Number(m[1]));
      });
      if (round < 5) {
        // Kill after a random number of acknowledged updates (or time), mid-write most likely.
        const target = acked + 20 + Math.floor(Math.random() * 120);
        await new Promise<void>((resolve) => {
          const t = setInterval(() => { if (acked >= target || w.child.exitCode !== null) { clearInterval(t); resolve(); } }, 2);
        });
        w.child.kill('SIGKILL');
        kills++;
      }
      const r = await w.done;
      if (round >= 5) assert.equal(r.code, 0, r.err);
      const session = parseFileText('session', sessionPath, readFileSync(sessionPath, 'utf8'));
      const versions = parseFileText('versions', versionsPath, readFileSync(versionsPath, 'utf8'));
      assert.ok(session.ok, `session.json parses after kill ${kills}`);
      assert.ok(versions.ok, `versions.json parses after kill ${kills}`);
      const step = session.value.progress?.step ?? 0;
      assert.ok(step >= acked, `session holds step ${step}, acknowledged ${acked}`);
      // versions.json is written after session.json in each update: at most one behind.
      assert.ok(Number(versions.value.versions[0]!.notes || 0) >= acked, 'versions.json holds the acknowledged update');
    }
    assert.equal(kills, 5);
    assert.equal(acked, TOTAL);
  });

  it('two processes adding 500 versions each to one style end with all 1,000', async () => {
    const store = await newStore(ws.root);
    await store.createStyle({ id: 'race', name: 'Race', trainer: 'demo' });
    const a = runWorker(['add', ws.root, 'race', '500', 'a']);
    const b = runWorker(['add', ws.root, 'race', '500', 'b']);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    assert.equal(ra.code, 0, ra.err);
    assert.equal(rb.code, 0, rb.err);
    await store.load();
    const ids = store.listVersions('race').map((v) => v.id);
    assert.equal(ids.length, 1000);
    assert.equal(new Set(ids).size, 1000);
    assert.equal(ids.filter((id) => id.startsWith('a-')).length, 500);
  });
});
