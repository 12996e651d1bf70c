import assert from 'node:assert/strict';
import { lines, tempWorkspace, type TempWorkspace } from './helpers';

interface CompareJson {
  versions: ({ styleId: string; id: string; results: Record<string, unknown> } & Record<string, unknown>)[];
  parameters: { key: string; values: unknown[]; differs: boolean }[];
}

describe('trainlab compare', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  it('shows parameters side by side with a marker on the rows that differ', async () => {
    const r = await ws.run('compare', 'dyn/V1', 'dyn/V2');
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.match(out[0]!, /^ +PARAMETER +V1 +V2$/);
    assert.ok(out.includes('*  network_dim      32       64'), r.stdout);
    assert.ok(out.includes('   max_train_steps  1200     1200'), r.stdout);
    assert.ok(out.some((l) => /^\* +noise_offset +- +0\.05$/.test(l)), 'a key only one version has differs, shown as -');
    assert.ok(out.some((l) => /^ {3}class_tokens +dynsimp +dynsimp$/.test(l)));
    assert.ok(out.includes('4 of 6 parameters differ (marked *)'), r.stdout);
  });

  it("shows each version's results: status, newest session, losses, steps, duration", async () => {
    const r = await ws.run('compare', 'V1', 'V2', '--style', 'dyn');
    const out = lines(r.stdout);
    assert.ok(out.some((l) => /^ +RESULT +V1 +V2$/.test(l)));
    assert.ok(out.some((l) => /^ +status +✓ completed +▶ running$/.test(l)), r.stdout);
    assert.ok(out.some((l) => /^ +session +20261101-100000-aaaaaa +20261102-120000-bbbbbb$/.test(l)));
    assert.ok(out.some((l) => /^ +final loss +0\.0812 +-$/.test(l)));
    assert.ok(out.some((l) => /^ +best loss +0\.07913 +0\.0991$/.test(l)));
    assert.ok(out.some((l) => /^ +steps +1200\/1200 \(100%\) +450\/1200 \(37%\)$/.test(l)));
    assert.ok(out.some((l) => /^ +duration +1h 04m +\S+/.test(l)));
  });

  it('shows only the differing rows with --differences', async () => {
    const r = await ws.run('compare', 'dyn/V1', 'dyn/V2', '--differences');
    const params = lines(r.stdout.split('\n\n')[0]!).slice(1, -1);
    assert.deepEqual(params.map((l) => l.split(/\s+/)[1]), ['network_dim', 'network_alpha', 'learning_rate', 'noise_offset']);
  });

  it('labels columns STYLE/VERSION when the versions are of different styles', async () => {
    const add = await ws.run('version', 'add', 'demo-style');
    assert.equal(add.code, 0, add.stderr);
    const r = await ws.run('compare', 'dyn/V1', 'demo-style/V1');
    assert.equal(r.code, 0);
    assert.match(lines(r.stdout)[0]!, /PARAMETER +dyn\/V1 +demo-style\/V1$/);
  });

  it('prints { versions, parameters } with --json', async () => {
    const r = await ws.run('compare', 'dyn/V1', 'dyn/V2', '--json');
    const doc = r.json<CompareJson>();
    assert.deepEqual(doc.versions.map((v) => `${v.styleId}/${v.id}`), ['dyn/V1', 'dyn/V2']);
    assert.equal(doc.versions[0]!.selectionSetId, 7); // the version as in the file
    assert.deepEqual(doc.versions[0]!.results, { status: 'completed', sessionId: '20261101-100000-aaaaaa', finalLoss: 0.0812, bestLoss: 0.07913, step: 1200, totalSteps: 1200, durationSeconds: 3840 });
    assert.deepEqual(doc.parameters.find((p) => p.key === 'network_dim'), { key: 'network_dim', values: [32, 64], differs: true });
    assert.deepEqual(doc.parameters.find((p) => p.key === 'max_train_steps'), { key: 'max_train_steps', values: [1200, 1200], differs: false });
    assert.deepEqual(doc.parameters.find((p) => p.key === 'noise_offset'), { key: 'noise_offset', values: [null, 0.05], differs: true });
    assert.equal(doc.parameters.length, 6);
  });

  it('refuses fewer than two versions and a version without its style (exit 2)', async () => {
    const one = await ws.run('compare', 'dyn/V1');
    assert.equal(one.code, 2);
    assert.match(one.stderr, /compare needs at least two versions\nRun "trainlab compare --help" for usage\./);
    const bare = await ws.run('compare', 'V1', 'V2');
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /version "V1" does not say its style: write STYLE\/V1, or add --style STYLE/);
  });

  it('fails (exit 1) for a version that does not exist', async () => {
    const r = await ws.run('compare', 'dyn/V1', 'dyn/V7');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'trainlab: style "dyn" has no version "V7" (versions: V2, V1)\n');
  });
});
