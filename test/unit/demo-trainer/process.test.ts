import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { findLatestState, isCompleteState, loadState } from '../../../src/demo-trainer/state';
import { MAIN_TS, REPO, tempDir, TQDM } from './helpers';

const DIST_BUNDLE = join(REPO, 'dist', 'demo-trainer.js');

/**
 * The processes run a bundle of the current source, built here as esbuild.mjs builds
 * dist/demo-trainer.js: starting under tsx costs most of a second a process, a bundle a tenth.
 * One test runs the source under tsx as well.
 */
let bundle = '';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the trainer as its own process (the test bundle, or the source under tsx); onLine sees each stdout line as it comes. */
function runTrainer(argv: string[], options: { script?: string; tsx?: boolean; onLine?: (line: string, child: ChildProcess) => void } = {}): Promise<Exit> {
  const nodeArgs = options.tsx ? ['--import', 'tsx', MAIN_TS] : [options.script ?? bundle];
  const child = spawn(process.execPath, [...nodeArgs, ...argv], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      options.onLine?.(pending.slice(0, nl), child);
      pending = pending.slice(nl + 1);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(poll, 5));
    poll();
  });
}

const COMMON = ['--max_train_steps', '40', '--save_every_n_steps', '10', '--seed', '5', '--network_dim', '4'];

describe('demo trainer: as a process', function () {
  this.timeout(30000);
  let bundleDir = '';
  before(() => {
    bundleDir = mkdtempSync(join(tmpdir(), 'trainlab-demo-bundle-'));
    bundle = join(bundleDir, 'demo-trainer.js');
    buildSync({ entryPoints: [MAIN_TS], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  });
  after(() => rmSync(bundleDir, { recursive: true, force: true }));

  it('prints kohya\'s lines, draws the bar on stderr, writes checkpoints, states and samples; a SIGKILLed run resumed from its newest state ends equal', async () => {
    const t = tempDir();
    try {
      const outA = join(t.dir, 'a');
      const outB = join(t.dir, 'b');
      const stateAt10 = join(outB, 'demo-step00000010-state');
      let killed = false;
      const [a, b1] = await Promise.all([
        runTrainer(['--output_dir', outA, ...COMMON, '--step_delay_ms', '0', '--sample_every_n_steps', '20']),
        // Slowed down so the kill lands long before the end; killed at the first state save,
        // once its folder is there (it appears whole or not at all).
        runTrainer(['--output_dir', outB, ...COMMON, '--step_delay_ms', '40'], {
          onLine: (line, child) => {
            if (killed || !line.startsWith('saving state at step')) return;
            killed = true;
            void waitFor(() => existsSync(stateAt10)).then(() => child.kill('SIGKILL'));
          },
        }),
      ]);

      assert.equal(a.code, 0, a.stderr);
      const lines = a.stdout.split('\n');
      for (const expected of [
        'running training / 学習開始',
        '  num train images * repeats / 学習画像の数×繰り返し回数: 64',
        '  num epochs / epoch数: 5',
        '  total optimization steps / 学習ステップ数: 40',
        'epoch 1/5',
        'epoch 5/5',
        `saving checkpoint: ${join(outA, 'demo-step00000010.safetensors')}`,
        'saving state at step 10',
        'generating sample images at step / サンプル画像生成 ステップ: 20',
        'saving last state.',
        `saving checkpoint: ${join(outA, 'demo.safetensors')}`,
        'model saved.',
      ]) assert.ok(lines.includes(expected), `stdout lacks ${JSON.stringify(expected)}:\n${a.stdout}`);
      assert.equal(lines.filter((l) => l.startsWith('saving state at step')).length, 4);
      assert.ok(lines.indexOf('saving last state.') < lines.indexOf('model saved.'));
      const frames = a.stderr.split(/[\r\n]/).map((f) => TQDM.exec(f)).filter((m) => m !== null);
      assert.deepEqual(frames[0]!.slice(1, 3), ['0', '40']);
      assert.deepEqual(frames[frames.length - 1]!.slice(1, 3), ['40', '40']);
      assert.match(a.stderr, /\rsteps: 100%\|██████████\| 40\/40 \[[\d:]+<00:00, +[\d.]+it\/s, avr_loss=[\d.e-]+\]\n$/);
      assert.deepEqual(readdirSync(outA).sort(), [
        'demo-state', 'demo-step00000010-state', 'demo-step00000010.safetensors', 'demo-step00000020-state', 'demo-step00000020.safetensors',
        'demo-step00000030-state', 'demo-step00000030.safetensors', 'demo-step00000040-state', 'demo-step00000040.safetensors', 'demo.safetensors', 'sample',
      ]);
      assert.deepEqual(readdirSync(join(outA, 'sample')).sort(), ['demo_000020_00.png', 'demo_000040_00.png']);

      assert.equal(b1.signal, 'SIGKILL');
      assert.ok(!existsSync(join(outB, 'demo.safetensors')));
      for (const entry of readdirSync(outB).filter((e) => e.endsWith('-state'))) {
        assert.ok(isCompleteState(join(outB, entry)), `${entry} has a final name, so it must be complete`);
        loadState(join(outB, entry));
      }
      const latest = findLatestState(outB, 'demo');
      assert.ok(latest, 'a state folder to resume from');
      const from = loadState(latest).step;
      assert.ok(from >= 10 && from < 40);

      const b2 = await runTrainer(['--output_dir', outB, ...COMMON, '--step_delay_ms', '0', '--resume', latest]);
      assert.equal(b2.code, 0, b2.stderr);
      assert.ok(b2.stdout.startsWith(`resume training from local state: ${latest}\n`));
      const resumed = b2.stderr.split(/[\r\n]/).map((f) => TQDM.exec(f)).filter((m) => m !== null);
      assert.deepEqual(resumed[resumed.length - 1]!.slice(1, 3), [String(40 - from), String(40 - from)]);
      assert.ok(readFileSync(join(outA, 'demo.safetensors')).equals(readFileSync(join(outB, 'demo.safetensors'))), 'same final weights, bit for bit');
      assert.deepEqual(JSON.parse(readFileSync(join(outB, 'demo-state', 'train_state.json'), 'utf8')), { current_epoch: 5, current_step: 40 });
    } finally {
      t.cleanup();
    }
  });

  it('stops after the current step on SIGTERM, says so, and exits 143', async () => {
    const t = tempDir();
    try {
      let sent = false;
      const r = await runTrainer(['--output_dir', t.dir, '--max_train_steps', '1000', '--step_delay_ms', '1000'], {
        onLine: (line, child) => {
          if (!sent && line === 'epoch 1/125') {
            sent = true;
            child.kill('SIGTERM');
          }
        },
      });
      assert.equal(r.code, 143, r.stderr);
      assert.match(r.stdout, /\nreceived SIGTERM: stopped after step 1 of 1000; resume from the newest state folder\n$/);
      assert.ok(!existsSync(join(t.dir, 'demo.safetensors')));
    } finally {
      t.cleanup();
    }
  });

  it('wrong usage: a clear message on stderr and exit status 2; a failure: exit status 1', async () => {
    const t = tempDir();
    try {
      mkdirSync(join(t.dir, 'empty'));
      const [dim, missing, unknown, noResume, noImages] = await Promise.all([
        runTrainer(['--output_dir', t.dir, '--network_dim', '0']),
        runTrainer(['--max_train_steps', '5']),
        runTrainer(['--output_dir', t.dir, '--lr', '1']),
        runTrainer(['--output_dir', t.dir, '--resume', join(t.dir, 'demo-step00000100-state')]),
        runTrainer(['--output_dir', join(t.dir, 'out'), '--train_data_dir', join(t.dir, 'empty')]),
      ]);
      assert.equal(dim.code, 2);
      assert.match(dim.stderr, /^demo-trainer: error: --network_dim must be from 1 to 64, got 0\n\nusage: /);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /the --output_dir option is required/);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown option --lr/);
      assert.equal(noResume.code, 2);
      assert.match(noResume.stderr, /demo-trainer: error: --resume .*demo-step00000100-state is not a folder/);
      assert.equal(noImages.code, 1);
      assert.match(noImages.stderr, /demo-trainer: error: cannot read the dataset: no image files/);
      assert.equal(dim.stdout + missing.stdout + unknown.stdout, '');
    } finally {
      t.cleanup();
    }
  });

  it('runs from source under tsx too', async () => {
    const t = tempDir();
    try {
      const [help, short] = await Promise.all([
        runTrainer(['--help'], { tsx: true }),
        runTrainer(['--output_dir', t.dir, '--max_train_steps', '3', '--step_delay_ms', '0'], { tsx: true }),
      ]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^usage: node demo-trainer\.js --output_dir DIR/);
      assert.equal(short.code, 0, short.stderr);
      assert.match(short.stdout, /\nmodel saved\.\n$/);
    } finally {
      t.cleanup();
    }
  });

  it('the built dist/demo-trainer.js trains like the source', async function () {
    if (!existsSync(DIST_BUNDLE)) {
      console.log('      dist/demo-trainer.js is not built (run "npm run build"); skipping the test of the bundle');
      this.skip();
    }
    const t = tempDir();
    try {
      const argv = ['--max_train_steps', '12', '--save_every_n_steps', '6', '--step_delay_ms', '0'];
      const [bundle, source] = await Promise.all([
        runTrainer(['--output_dir', join(t.dir, 'bundle'), ...argv], { script: DIST_BUNDLE }),
        runTrainer(['--output_dir', join(t.dir, 'source'), ...argv]),
      ]);
      assert.equal(bundle.code, 0, bundle.stderr);
      assert.equal(source.code, 0, source.stderr);
      assert.ok(readFileSync(join(t.dir, 'bundle', 'demo.safetensors')).equals(readFileSync(join(t.dir, 'source', 'demo.safetensors'))));
    } finally {
      t.cleanup();
    }
  });
});
