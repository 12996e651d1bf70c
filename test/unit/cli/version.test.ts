import assert from 'node:assert/strict';
import { tempWorkspace, type TempWorkspace } from './helpers';

interface VersionJson {
  id: string;
  name: string;
  parameters: Record<string, unknown>;
  datasetId: string | null;
  imageCount: number | null;
  description: string;
  notes: string;
  tags: string[];
  status: string;
}

const VERSIONS = 'trainlab/styles/dyn/versions.json';

describe('trainlab version add', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  it("starts from the trainer's and the style's defaults, with the trigger token as class_tokens", async () => {
    const r = await ws.run('version', 'add', 'dyn', '--json');
    assert.equal(r.code, 0, r.stderr);
    const v = r.json<VersionJson>();
    assert.equal(v.id, 'V3');
    assert.equal(v.name, 'V3');
    assert.equal(v.status, 'draft');
    assert.equal(v.parameters.network_dim, 32); // style default over the trainer's 16
    assert.equal(v.parameters.learning_rate, 0.0001); // trainer default
    assert.equal(v.parameters.class_tokens, 'dynsimp');
    assert.equal(r.stderr, '');
  });

  it('prints the created version as a listing', async () => {
    const r = await ws.run('version', 'add', 'dyn', '--description', 'try cosine', '--tag', 'a', 'b', '--notes', 'n1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Created version V3 of style dyn \(parameters from the trainer's and the style's defaults\)\./);
    assert.match(r.stdout, /description {2}try cosine/);
    assert.match(r.stdout, /tags {9}a, b/);
    assert.match(r.stdout, /network_dim +32/);
  });

  it('copies --from a version and applies --set on top, typed by the trainer spec', async () => {
    const r = await ws.run('version', 'add', 'dyn', '--from', 'V2', '--set', 'learning_rate=3e-4', '--set', 'lr_scheduler=COSINE', 'noise_offset=', '--id', 'lr-test', '--name', 'LR test', '--json');
    assert.equal(r.code, 0, r.stderr);
    const v = r.json<VersionJson>();
    assert.equal(v.id, 'lr-test');
    assert.equal(v.name, 'LR test');
    assert.deepEqual(v.parameters, { network_dim: 64, network_alpha: 32, learning_rate: 0.0003, max_train_steps: 1200, class_tokens: 'dynsimp', lr_scheduler: 'cosine' });
    assert.equal(v.datasetId, 'main'); // with the dataset of the version it came from
    assert.equal(v.imageCount, 3);
  });

  it('takes --dataset from the style and counts its images', async () => {
    const r = await ws.run('version', 'add', 'dyn', '--dataset', 'extra', '--json');
    assert.equal(r.code, 0, r.stderr);
    const v = r.json<VersionJson>();
    assert.equal(v.datasetId, 'extra');
    assert.equal(v.imageCount, 1);
  });

  it('refuses a dataset the style does not have (exit 1), listing its datasets', async () => {
    const before = ws.read(VERSIONS);
    const r = await ws.run('version', 'add', 'dyn', '--dataset', 'nope');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'trainlab: style "dyn" has no dataset "nope" (datasets: extra, main)\n');
    assert.equal(ws.read(VERSIONS), before);
  });

  it('refuses a bad --set value as wrong usage (exit 2) naming the argument, and writes nothing', async () => {
    const before = ws.read(VERSIONS);
    const r = await ws.run('version', 'add', 'dyn', '--set', 'learning_rate=fast');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^trainlab: --set learning_rate=fast: "fast" is not a number\nRun "trainlab version add --help" for usage\.\n$/);
    const range = await ws.run('version', 'add', 'dyn', '--set', 'learning_rate=2');
    assert.equal(range.code, 2);
    assert.match(range.stderr, /--set learning_rate=2: must be a number between 0 and 1/);
    assert.equal(ws.read(VERSIONS), before);
  });

  it('warns about unknown keys and keeps them, typed by their look', async () => {
    const r = await ws.run('version', 'add', 'dyn', '--set', 'my_flag=true', 'my_ratio=0.25', 'my_text=hello', '--json');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: trainer "kohya" does not declare parameters my_flag, my_ratio, my_text; kept as given/);
    const p = r.json<VersionJson>().parameters;
    assert.equal(p.my_flag, true);
    assert.equal(p.my_ratio, 0.25);
    assert.equal(p.my_text, 'hello');
  });

  it('refuses parameters that are invalid after merging (exit 1), naming the key and where it came from', async () => {
    const file = JSON.parse(ws.read(VERSIONS)) as { versions: { parameters: Record<string, unknown> }[] };
    file.versions[0]!.parameters.network_dim = 5000;
    ws.write(VERSIONS, JSON.stringify(file, null, 2));
    const r = await ws.run('version', 'add', 'dyn', '--from', 'V1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the parameters copied from V1 are not valid for trainer "kohya": network_dim must be a whole number between 1 and 1024 \(found 5000\); fix with --set KEY=VALUE/);
    const fixed = await ws.run('version', 'add', 'dyn', '--from', 'V1', '--set', 'network_dim=64', '--json');
    assert.equal(fixed.code, 0, fixed.stderr);
  });

  it('fails (exit 1) for a missing style, a missing --from version and a taken --id', async () => {
    const style = await ws.run('version', 'add', 'nope');
    assert.equal(style.code, 1);
    assert.equal(style.stderr, 'trainlab: no style "nope" (styles: demo-style, dyn)\n');
    const from = await ws.run('version', 'add', 'dyn', '--from', 'V9');
    assert.equal(from.code, 1);
    assert.equal(from.stderr, 'trainlab: style "dyn" has no version "V9" (versions: V2, V1)\n');
    const id = await ws.run('version', 'add', 'dyn', '--id', 'V1');
    assert.equal(id.code, 1);
    assert.match(id.stderr, /Style "dyn" already has a version "V1"/);
  });

  it('refuses malformed ids as wrong usage (exit 2)', async () => {
    const id = await ws.run('version', 'add', 'dyn', '--id', 'a b');
    assert.equal(id.code, 2);
    assert.match(id.stderr, /--id "a b" is not a valid id/);
    const from = await ws.run('version', 'add', 'dyn', '--from', 'a/b/c');
    assert.equal(from.code, 2);
    assert.match(from.stderr, /--from "a\/b\/c" is not STYLE\/VERSION/);
  });

  it('keeps fields it does not know, at the top of versions.json and in each version', async () => {
    const r = await ws.run('version', 'add', 'dyn');
    assert.equal(r.code, 0, r.stderr);
    const file = JSON.parse(ws.read(VERSIONS)) as { 'x-team-note': string; versions: Record<string, unknown>[] };
    assert.equal(file['x-team-note'], 'kept by every write');
    assert.equal(file.versions[0]!.selectionSetId, 7);
    assert.deepEqual(file.versions.map((v) => v.id), ['V1', 'V2', 'V3']);
  });

  it('refuses to write over a broken versions.json, which stays byte for byte as it was', async () => {
    const broken = ws.read(VERSIONS).replace('"name": "V2",', '"name": "V2"');
    ws.write(VERSIONS, broken);
    const r = await ws.run('version', 'add', 'dyn', '--set', 'network_dim=8');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^trainlab: trainlab\/styles\/dyn\/versions\.json:\d+:\d+ cannot be used \(not valid JSON: comma expected\); fix it first \(see "trainlab doctor"\)\n$/);
    assert.equal(ws.read(VERSIONS), broken);
  });

  it('warns when the style names a trainer nobody knows, and adds the version unchecked', async () => {
    const style = ws.read('trainlab/styles/demo-style/style.json').replace('"trainer": "demo"', '"trainer": "gone"');
    ws.write('trainlab/styles/demo-style/style.json', style);
    const r = await ws.run('version', 'add', 'demo-style', '--set', 'steps=10', '--json');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /style "demo-style" uses trainer "gone", which is not known here; parameters are not checked/);
    assert.deepEqual(r.json<VersionJson>().parameters, { steps: 10 });
  });
});
