import assert from 'node:assert/strict';
import {
  compileProgressPatterns,
  createAiToolkitParser,
  createCommandParser,
  createGenericParser,
  createHfTrainerParser,
  createKohyaParser,
  createParser,
  isErrorLine,
  parsePyDict,
  type TrainerKind,
} from '../../../src/core/logs';
import { eventsOf, ofType, segments } from './helpers';

const OUT = '/workspace/trainlab/styles/neon/sessions/s1/output';

describe('kohya parser', () => {
  it('reads the header, epochs, bar updates, saves and the end of a full run (fixture)', () => {
    const events = eventsOf('kohya-full.log', createKohyaParser());
    assert.deepEqual(ofType(events, 'totalSteps'), [{ type: 'totalSteps', total: 40 }]);
    const epochs = ofType(events, 'epoch');
    assert.deepEqual(epochs[0], { type: 'epoch', epoch: null, totalEpochs: 4 });
    assert.deepEqual(
      epochs.filter((e) => e.totalEpochs === 4 && e.epoch !== null).map((e) => e.epoch),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      epochs.filter((e) => e.totalEpochs === null).map((e) => e.epoch),
      [1, 2, 3, 4],
      'rich "epoch is incremented" lines',
    );
    const progress = ofType(events, 'progress');
    assert.equal(progress.length, 41, 'the 0/40 line and 40 updates; the other bars (read caption, …) are not training');
    assert.deepEqual(progress.map((p) => p.n), Array.from({ length: 41 }, (_, i) => i));
    assert.ok(progress.every((p) => p.total === 40));
    assert.deepEqual(progress[10], { type: 'progress', n: 10, total: 40, etaSeconds: 45, elapsedSeconds: 15, rateItPerSec: 1 / 1.5, loss: 0.112 });
    assert.ok(Number.isNaN(progress[23]!.loss), 'avr_loss=nan is NaN');
    const checkpoints = ofType(events, 'checkpoint');
    assert.deepEqual(checkpoints.slice(0, 2), [
      { type: 'checkpoint', path: `${OUT}/neon-step00000010.safetensors`, kind: 'model', step: 10 },
      { type: 'checkpoint', step: 10, kind: 'state' },
    ]);
    assert.deepEqual(checkpoints.slice(-2), [
      { type: 'checkpoint', path: `${OUT}/neon.safetensors`, kind: 'model' },
      { type: 'checkpoint', kind: 'state' },
    ]);
    assert.equal(checkpoints.length, 10);
    assert.deepEqual(ofType(events, 'error'), []);
  });

  it('reads the --scale_weight_norms postfix (Average key norm, Keys Scaled, avr_loss)', () => {
    const progress = ofType(eventsOf('kohya-scale-weight-norms.log', createKohyaParser()), 'progress');
    assert.equal(progress.at(-1)!.n, 12);
    assert.equal(progress.at(-1)!.loss, 0.106);
  });

  it('finds the cause of a crash: the exception line, not accelerate\'s CalledProcessError', () => {
    const errors = ofType(eventsOf('kohya-resume-1.log', createKohyaParser()), 'error').map((e) => e.line);
    assert.deepEqual(errors, [
      'Traceback (most recent call last):',
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 58.00 MiB. GPU 0 has a total capacity of 23.64 GiB of which 12.50 MiB is free.',
      'Traceback (most recent call last):',
    ]);
  });

  it('reads epochs and save steps as printed in a resumed attempt (the bar restarts)', () => {
    const events = eventsOf('kohya-resume-2.log', createKohyaParser());
    const progress = ofType(events, 'progress');
    assert.deepEqual([progress[0]!.n, progress[0]!.total, progress.at(-1)!.n], [0, 30, 15]);
    assert.deepEqual(ofType(events, 'epoch')[1], { type: 'epoch', epoch: 2, totalEpochs: 4 });
    assert.deepEqual(ofType(events, 'checkpoint')[1], { type: 'checkpoint', step: 10, kind: 'state' });
  });

  it('reads saves at epochs and a rich-logged line with its location column', () => {
    const p = createKohyaParser();
    assert.deepEqual(p('2025-06-29 12:11:00 INFO     saving state at epoch 3          train_util.py:5160'), [{ type: 'checkpoint', epoch: 3, kind: 'state' }]);
    assert.deepEqual(p('saving checkpoint: /out/my lora-000003.safetensors'), [{ type: 'checkpoint', path: '/out/my lora-000003.safetensors', kind: 'model', epoch: 3 }]);
    assert.deepEqual(p('saving checkpoint: /out/x.safetensors      train_network.py:1020'), [{ type: 'checkpoint', path: '/out/x.safetensors', kind: 'model' }]);
  });

  it('does not take validation bars for training progress', () => {
    const p = createKohyaParser();
    assert.deepEqual(p('validation steps:  50%|█████     | 2/4 [00:01<00:01,  2.00it/s, val_avg_loss=0.1, timestep=200]'), []);
  });
});

describe('ai-toolkit parser', () => {
  it('takes only the job\'s bar as progress, not Loading checkpoint shards and the others (fixture)', () => {
    // Without the job name, a bar counts once it carries a loss (so the 0/40 line is not seen).
    for (const [parser, first] of [[createAiToolkitParser({ jobName: 'my_lora' }), 0], [createAiToolkitParser(), 1]] as const) {
      const events = eventsOf('ai-toolkit.log', parser);
      const progress = ofType(events, 'progress');
      assert.deepEqual(progress.map((p) => p.n), Array.from({ length: 24 - first }, (_, i) => i + first));
      assert.ok(progress.every((p) => p.total === 40));
      assert.equal(progress.at(-1)!.loss, 0.354);
      assert.equal(progress.at(-1)!.lr, 1e-4);
    }
  });

  it('a job-name parser ignores a loss-bearing bar of another name', () => {
    const line = 'other:   2%|2         | 1/40 [00:14<09:06, 14.01s/it, lr: 1.0e-04 loss: 4.0e-01]';
    assert.deepEqual(createAiToolkitParser({ jobName: 'my_lora' })(line), []);
    assert.equal(createAiToolkitParser()(line).length, 1);
  });

  it('reads Saving at step N and Saved checkpoint to <path>', () => {
    const checkpoints = ofType(eventsOf('ai-toolkit.log', createAiToolkitParser({ jobName: 'my_lora' })), 'checkpoint');
    assert.deepEqual(checkpoints.slice(0, 2), [
      { type: 'checkpoint', step: 10, kind: 'model' },
      { type: 'checkpoint', path: '/workspace/trainlab/styles/neon/sessions/s2/output/my_lora/my_lora_000000010.safetensors', kind: 'model', step: 10 },
    ]);
  });

  it('reads the resume point and the absolute bar after a resume', () => {
    const events = eventsOf('ai-toolkit-resume.log', createAiToolkitParser({ jobName: 'my_lora' }));
    assert.deepEqual(ofType(events, 'resumeFrom'), [{ type: 'resumeFrom', step: 20 }]);
    const progress = ofType(events, 'progress');
    assert.deepEqual([progress[0]!.n, progress.at(-1)!.n, progress.at(-1)!.total], [20, 40, 40]);
  });
});

describe('Hugging Face Trainer parser', () => {
  it('reads the header, the bar, both dict forms and the end dict; ignores the evaluation bar', () => {
    for (const name of ['hf-trainer.log', 'hf-trainer-quoted.log']) {
      const events = eventsOf(name, createHfTrainerParser());
      assert.deepEqual(ofType(events, 'totalSteps'), [{ type: 'totalSteps', total: 40 }], name);
      assert.deepEqual(ofType(events, 'epoch'), [{ type: 'epoch', epoch: null, totalEpochs: 2 }], name);
      const progress = ofType(events, 'progress');
      assert.ok(progress.every((p) => p.total === 40), `${name}: the 5-step evaluation bar is not training`);
      assert.equal(progress.at(-1)!.n, 40);
      const metrics = ofType(events, 'metrics');
      assert.deepEqual(metrics.find((m) => m.loss === 1.9), { type: 'metrics', loss: 1.9, lr: 0.0000135, epoch: 1.5, gradNorm: 23.64 }, name);
      if (name === 'hf-trainer.log') assert.deepEqual(metrics.find((m) => m.evalLoss !== undefined), { type: 'metrics', epoch: 1, evalLoss: 2.211 });
      assert.deepEqual(metrics.at(-1), { type: 'metrics', final: true, trainLoss: 2.0821, epoch: 2 }, name);
    }
  });

  it('reads the resume point from "Continuing training from global step"', () => {
    assert.deepEqual(ofType(eventsOf('hf-trainer-quoted.log', createHfTrainerParser()), 'resumeFrom'), [{ type: 'resumeFrom', step: 20 }]);
  });

  it('reads a dict printed right after a bar update on the same line', () => {
    const events = createHfTrainerParser()(" 25%|██▌       | 10/40 [00:05<00:15,  1.91it/s]{'loss': 2.3, 'learning_rate': 3.85e-05, 'epoch': 0.5}");
    assert.deepEqual(events.map((e) => e.type), ['progress', 'metrics']);
  });
});

describe('Python dict lines', () => {
  it('are parsed without eval, in both forms, with nan/inf/None/True', () => {
    assert.deepEqual(parsePyDict("{'loss': 0.4281, 'grad_norm': 38.64, 'learning_rate': 7.14e-06, 'epoch': 0.03}"), { loss: 0.4281, grad_norm: 38.64, learning_rate: 7.14e-6, epoch: 0.03 });
    assert.deepEqual(parsePyDict("{'loss': '1.764', 'epoch': '3'}"), { loss: '1.764', epoch: '3' });
    const odd = parsePyDict("{'a': nan, 'b': -inf, 'c': None, 'd': True, 'e': \"x, y}\", 'f': tensor(0.5)}");
    assert.ok(Number.isNaN(odd!.a));
    assert.equal(odd!.b, -Infinity);
    assert.deepEqual({ ...odd, a: 0 }, { a: 0, b: -Infinity, c: null, d: true, e: 'x, y}', f: 0.5 });
  });

  it('refuse nested values, broken text and code', () => {
    for (const t of ["{'loss': [1, 2]}", "{'loss': 0.5, 'epoch': ", "{'loss: 0.5}", "{'a': __import__('os').system('x')}", '{a: 1}']) {
      assert.equal(parsePyDict(t), null, t);
    }
    assert.deepEqual(Object.getPrototypeOf(parsePyDict("{'__proto__': 1}")), Object.prototype);
  });
});

describe('failure lines', () => {
  it('are recognised conservatively', () => {
    for (const l of [
      'Traceback (most recent call last):',
      'RuntimeError: CUDA error: device-side assert triggered',
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      'Error: Cannot find module \'x\'',
      'ModuleNotFoundError: No module named \'library\'',
      '[rank0]: RuntimeError: NCCL error',
      'train_network.py: error: unrecognized arguments: --foo',
      'steps:  10%|█         | 4/40 [00:06<00:54,  1.50s/it]Traceback (most recent call last):',
      'ValueError',
    ]) {
      assert.ok(isErrorLine(l), l);
    }
    for (const l of [
      '  warnings.warn(',
      'UserWarning: this is only a warning',
      '    raise RuntimeError("indented frames are not the cause")',
      "subprocess.CalledProcessError: Command '['python']' returned non-zero exit status 1.",
      'INFO     no errors found',
      'error_rate=0.1',
      'loss is not an Error here',
      '',
    ]) {
      assert.ok(!isErrorLine(l), l);
    }
  });
});

describe('command profile parser', () => {
  it('applies the step, total and loss regexes (first group, else whole match; commas allowed)', () => {
    const p = createCommandParser({ step: 'step (\\d+)', total: 'of ([\\d,]+)', loss: 'loss=([-\\d.e]+)' });
    assert.deepEqual(p('step 5 of 1,000 loss=0.25'), [
      { type: 'totalSteps', total: 1000 },
      { type: 'progress', n: 5, total: 1000, etaSeconds: null, loss: 0.25 },
    ]);
    assert.deepEqual(p('step 6 of 1,000'), [{ type: 'progress', n: 6, total: 1000, etaSeconds: null }]);
    assert.deepEqual(p('loss=0.2'), [{ type: 'metrics', loss: 0.2 }]);
    assert.deepEqual(p('nothing here'), []);
    assert.deepEqual(createCommandParser({ step: '\\d+' })('at 7'), [{ type: 'progress', n: 7, total: null, etaSeconds: null }]);
  });

  it('reports a bad regex as a validation error naming the field, and skips it', () => {
    const { errors } = compileProgressPatterns({ step: '(\\d+', loss: 'ok (\\d)', total: '' });
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /^progress\.step: invalid regular expression/);
    assert.match(errors[1]!, /^progress\.total: must be a non-empty regular expression/);
    const p = createCommandParser({ step: '(\\d+', loss: 'loss (\\d)' });
    assert.deepEqual(p('loss 3'), [{ type: 'metrics', loss: 3 }]);
  });

  it('falls back to tqdm bars without patterns', () => {
    assert.equal(createCommandParser(undefined)('Training:  50%|█████     | 5/10 [00:05<00:05,  1.00it/s, loss=0.5]')[0]?.type, 'progress');
    assert.deepEqual(createGenericParser()('Loading:  50%|█████     | 5/10 [00:05<00:05,  1.00it/s]'), []);
  });
});

describe('garbage', () => {
  const kinds: TrainerKind[] = ['kohya', 'demo', 'ai-toolkit', 'hf-trainer', 'command'];
  it('gives no events at all from the garbage fixture, with any parser', () => {
    for (const kind of kinds) assert.deepEqual(eventsOf('garbage.log', createParser(kind)), [], kind);
  });

  it('survives invalid UTF-8 bytes and still reads the bar after them', () => {
    assert.equal(segments('garbage-bytes.log').length, 4);
    const progress = ofType(eventsOf('garbage-bytes.log', createParser('kohya')), 'progress');
    assert.deepEqual(progress.map((p) => [p.n, p.total]), [[5, 10]]);
  });
});
