import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from './helpers';

const SEED_FILE = join(__dirname, '..', '..', 'fixtures', 'cli', 'import', 'sbai', 'training_versions.json');

interface PlanJson {
  tool: string;
  dryRun: boolean;
  styles: { id: string; created: boolean }[];
  versions: { styleId: string; id: string; source: string; created: boolean }[];
  problems: unknown[];
}

describe("trainlab import (other tools' files)", () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = tempWorkspace();
    await ws.run('init');
  });
  afterEach(() => ws.cleanup());

  it('shows what a file would bring in with --dry-run, and writes nothing', async () => {
    const r = await ws.run('import', SEED_FILE, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Would create style sbai\n/);
    assert.match(r.stdout, /Would add version sbai\/V1 \(from sbai\/training_versions\.json\)/);
    assert.deepEqual(readdirSync(join(ws.root, 'styles')), []);

    const json = (await ws.run('import', SEED_FILE, '--dry-run', '--style', 'mine', '--json')).json<PlanJson>();
    assert.equal(json.tool, 'training-versions');
    assert.equal(json.dryRun, true);
    assert.deepEqual(json.styles, [{ id: 'mine', created: true }]);
    assert.equal(json.versions[0]!.styleId, 'mine');
  });

  it('refuses a malformed --style as wrong usage (exit 2)', async () => {
    const r = await ws.run('import', SEED_FILE, '--style', 'a/b');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--style "a\/b" is not a valid id/);
  });

  it('reports a file no reader knows (exit 1 without --dry-run too)', async () => {
    ws.write('notes.json', '{ "hello": "world" }');
    const r = await ws.run('import', 'notes.json', '--dry-run');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /notes\.json: not a file Trainlab can import/);
  });

  it('applies the import through the core; importing again creates nothing', async () => {
    const r = await ws.run('import', SEED_FILE);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await ws.run('styles', '--json')).json<{ id: string }[]>().map((s) => s.id), ['sbai']);
    const versions = (await ws.run('versions', 'sbai', '--json')).json<{ id: string }[]>().length;
    assert.ok(versions > 0);
    const again = await ws.run('import', SEED_FILE);
    assert.equal(again.code, 0, again.stderr);
    assert.equal((await ws.run('versions', 'sbai', '--json')).json<{ id: string }[]>().length, versions);
  });
});
