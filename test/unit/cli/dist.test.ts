import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import { tempWorkspace } from './helpers';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

describe('dist/cli.js (the built executable)', () => {
  it('runs as a program: --version, init, style add, styles --json, exit statuses', function () {
    this.timeout(30_000); // several Node start-ups
    if (!existsSync(CLI)) {
      console.log('      dist/cli.js is not built (run "npm run build"); skipping the test of the built CLI');
      this.skip();
    }
    const ws = tempWorkspace();
    try {
      const run = (...argv: string[]) => spawnSync(process.execPath, [CLI, ...argv], { cwd: ws.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      const v = run('--version');
      assert.equal(v.status, 0, v.stderr);
      assert.equal(v.stdout, `${version}\n`);
      assert.equal(run('init').status, 0);
      const add = run('style', 'add', 'ink', '--name', 'Ink', '--trigger', 'inkw', '--trainer', 'demo', '--set', 'max_train_steps=50');
      assert.equal(add.status, 0, add.stderr);
      const styles = run('styles', '--json');
      assert.equal(styles.status, 0, styles.stderr);
      assert.deepEqual((JSON.parse(styles.stdout) as { id: string; defaults: unknown }[]).map((s) => [s.id, s.defaults]), [['ink', { max_train_steps: 50 }]]);
      const failed = run('versions', 'nope');
      assert.equal(failed.status, 1);
      assert.match(failed.stderr, /^trainlab: no style "nope"/);
      const usage = run('versions');
      assert.equal(usage.status, 2);
    } finally {
      ws.cleanup();
    }
  });
});
