import assert from 'node:assert/strict';
import { parseArgs } from '../../../src/demo-trainer/args';

describe('demo trainer: arguments', () => {
  it('has kohya-like defaults; alpha defaults to the dim', () => {
    assert.deepEqual(parseArgs(['--output_dir', 'out']), {
      ok: true,
      args: {
        outputDir: 'out', outputName: 'demo', maxTrainSteps: 1000, saveEveryNSteps: 100, learningRate: 0.05, momentum: 0.9,
        networkDim: 4, networkAlpha: 4, trainBatchSize: 8, seed: 42, stepDelayMs: 20,
      },
    });
    const r = parseArgs(['--output_dir', 'o', '--network_dim', '8']);
    assert.ok(r.ok && 'args' in r);
    assert.equal(r.args.networkAlpha, 8);
  });

  it('takes --name value and --name=value, the last repeat winning, and kohya\'s --save_state', () => {
    const r = parseArgs([
      '--output_dir=o', '--output_name', 'ink', '--max_train_steps=50', '--save_every_n_steps', '10', '--learning_rate', '1e-2',
      '--network_dim=2', '--network_alpha', '1.5', '--train_batch_size', '4', '--seed=0', '--step_delay_ms', '0',
      '--train_data_dir', 'data', '--resume=o/ink-step00000010-state', '--sample_every_n_steps', '5', '--momentum', '0',
      '--save_state', '--seed', '7',
    ]);
    assert.ok(r.ok && 'args' in r);
    assert.deepEqual(r.args, {
      outputDir: 'o', outputName: 'ink', maxTrainSteps: 50, saveEveryNSteps: 10, learningRate: 0.01, momentum: 0,
      networkDim: 2, networkAlpha: 1.5, trainBatchSize: 4, seed: 7, stepDelayMs: 0,
      trainDataDir: 'data', resume: 'o/ink-step00000010-state', sampleEveryNSteps: 5,
    });
  });

  it('asks for help', () => {
    assert.deepEqual(parseArgs(['--help']), { ok: true, help: true });
  });

  const bad: [string[], RegExp][] = [
    [[], /--output_dir option is required/],
    [['--output_dir'], /--output_dir needs a value/],
    [['--output_dir', 'o', '--max_train_steps', '--seed', '1'], /--max_train_steps needs a value/],
    [['--output_dir', 'o', '--epochs', '3'], /unknown option --epochs/],
    [['--output_dir', 'o', 'stray'], /unexpected argument "stray"/],
    [['--output_dir', 'o', '--max_train_steps', '10.5'], /--max_train_steps must be an integer, got "10.5"/],
    [['--output_dir', 'o', '--max_train_steps', '0'], /--max_train_steps must be from 1 to/],
    [['--output_dir', 'o', '--learning_rate', 'fast'], /--learning_rate must be a number/],
    [['--output_dir', 'o', '--network_dim', '65'], /--network_dim must be from 1 to 64, got 65/],
    [['--output_dir', 'o', '--network_alpha', '0'], /--network_alpha must be above 0/],
    [['--output_dir', 'o', '--step_delay_ms', '-1'], /--step_delay_ms must be from 0/],
    [['--output_dir', 'o', '--output_name', 'a/b'], /without path separators/],
    [['--output_dir', 'o', '--save_state=1'], /takes no value/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ') || 'no arguments'}`, () => {
      const r = parseArgs(argv);
      assert.equal(r.ok, false);
      assert.ok(!r.ok);
      assert.match(r.error, message);
    });
  }
});
