import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempWorkspace, type TempWorkspace } from './helpers';

describe('trainlab style add', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  it('creates a style and prints it', async () => {
    const r = await ws.run('style', 'add', 'ink', '--name', 'Ink wash', '--trigger', 'inkw', '--trainer', 'kohya', '--description', 'sumi-e');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Created style ink in trainlab\/styles\/ink\/style\.json/);
    assert.match(r.stdout, /trigger {6}inkw/);
    const file = JSON.parse(ws.read('trainlab/styles/ink/style.json')) as Record<string, unknown>;
    assert.equal(file.name, 'Ink wash');
    assert.equal(file.triggerToken, 'inkw');
    assert.equal(file.trainer, 'kohya');
    assert.equal(file.description, 'sumi-e');
    assert.deepEqual(file.defaults, {});
    assert.ok(existsSync(join(ws.root, 'styles', 'ink', 'datasets')));
  });

  it('types --set defaults with the trainer spec and prints the style with --json', async () => {
    const r = await ws.run('style', 'add', 'ink', '--name', 'Ink', '--trigger', '', '--trainer', 'kohya', '--set', 'network_dim=8', 'optimizer_type=adamw', '--set', 'cache_latents=no', '--json');
    assert.equal(r.code, 0, r.stderr);
    const style = r.json<Record<string, unknown>>();
    assert.equal(style.id, 'ink');
    assert.equal(style.schemaVersion, 1);
    assert.deepEqual(style.defaults, { network_dim: 8, optimizer_type: 'AdamW', cache_latents: false });
  });

  it('warns about keys the trainer does not declare, and keeps them', async () => {
    const r = await ws.run('style', 'add', 'ink', '--name', 'Ink', '--trigger', 't', '--trainer', 'demo', '--set', 'colour_jitter=0.5', '--json');
    assert.equal(r.code, 0);
    assert.match(r.stderr, /warning: trainer "demo" does not declare parameter colour_jitter; kept as given/);
    assert.deepEqual(r.json<{ defaults: unknown }>().defaults, { colour_jitter: 0.5 });
  });

  it('accepts a workspace trainer profile', async () => {
    const r = await ws.run('style', 'add', 'mine', '--name', 'Mine', '--trigger', 't', '--trainer', 'mytrainer', '--set', 'epochs=5', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.json<{ defaults: unknown }>().defaults, { epochs: 5 });
  });

  it('refuses an unknown trainer (exit 1), listing the known ones with the workspace profiles', async () => {
    const r = await ws.run('style', 'add', 'ink', '--name', 'Ink', '--trigger', 't', '--trainer', 'sdxl');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'trainlab: unknown trainer "sdxl" (known trainers: kohya, demo, ai-toolkit, hf-trainer, mytrainer)\n');
    assert.ok(!existsSync(join(ws.root, 'styles', 'ink')));
  });

  it('refuses a bad --set value as wrong usage (exit 2), naming the argument', async () => {
    const cases: [string, RegExp][] = [
      ['network_dim=lots', /--set network_dim=lots: "lots" is not a number/],
      ['network_dim=0', /--set network_dim=0: must be a whole number between 1 and 1024 \(got "0"\)/],
      ['optimizer_type=adam', /--set optimizer_type=adam: must be one of: AdamW, /],
      ['cache_latents=maybe', /--set cache_latents=maybe: "maybe" is not true or false/],
      ['no-equals-sign', /--set "no-equals-sign": expected key=value/],
    ];
    for (const [pair, message] of cases) {
      const r = await ws.run('style', 'add', 'ink', '--name', 'Ink', '--trigger', 't', '--trainer', 'kohya', '--set', pair);
      assert.equal(r.code, 2, pair);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Run "trainlab style add --help" for usage\./);
    }
    assert.ok(!existsSync(join(ws.root, 'styles', 'ink')));
  });

  it('refuses an invalid id (exit 2) and an existing one (exit 1)', async () => {
    const bad = await ws.run('style', 'add', '../escape', '--name', 'X', '--trigger', 't', '--trainer', 'kohya');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /the style id "\.\.\/escape" is not a valid id/);
    const taken = await ws.run('style', 'add', 'dyn', '--name', 'X', '--trigger', 't', '--trainer', 'kohya');
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, /A style "dyn" already exists/);
  });

  it('refuses an empty --name (exit 2)', async () => {
    const r = await ws.run('style', 'add', 'ink', '--name', ' ', '--trigger', 't', '--trainer', 'kohya');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--name must not be empty/);
  });
});
