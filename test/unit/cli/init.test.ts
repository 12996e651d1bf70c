import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { runIn, tempWorkspace, type TempWorkspace } from './helpers';

describe('trainlab init', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('creates trainlab/ with styles/ and trainers/ and says where', async () => {
    const r = await ws.run('init');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Created trainlab \(styles\/, trainers\/\)\./);
    assert.ok(statSync(join(ws.root, 'styles')).isDirectory());
    assert.ok(statSync(join(ws.root, 'trainers')).isDirectory());
  });

  it('is idempotent', async () => {
    await ws.run('init');
    const again = await ws.run('init');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already exists; nothing to do/);
    const styles = await ws.run('styles', '--json');
    assert.deepEqual(styles.json(), []);
  });

  it('prints { root, created } with --json', async () => {
    const first = await ws.run('init', '--json');
    assert.deepEqual(first.json(), { root: ws.root, created: true });
    const second = await ws.run('--json', 'init');
    assert.deepEqual(second.json(), { root: ws.root, created: false });
  });

  it('creates the root in --workspace, and TRAINLAB_ROOT relative to it', async () => {
    const r = await runIn(ws.dir, ['init', '--workspace', '.'], { env: { TRAINLAB_ROOT: 'custom-root' } });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Created custom-root/);
    assert.ok(statSync(join(ws.dir, 'custom-root', 'styles')).isDirectory());
  });
});
