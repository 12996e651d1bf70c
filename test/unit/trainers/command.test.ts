import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainerProfileFileSchema, type TrainerProfileFile } from '../../../src/core/model/schemas';
import { BUILTIN_TRAINERS, createProgressTracker, findTrainer, listTrainers, newVersionParameters, trainerFromProfile } from '../../../src/core/trainers';
import { context, isSpec, NASTY } from './helpers';

const profile = (extra: Record<string, unknown> = {}): TrainerProfileFile =>
  trainerProfileFileSchema.parse({
    schemaVersion: 1,
    name: 'mytrainer',
    label: 'My trainer',
    argv: ['python', 'train.py', '--out', '{output_dir}', '--data={dataset_dir}', '--lr', '{lr}', '--epochs', '{epochs}', '--tag', '{{literal}}', '{"json": {{1}}}', '--name', '{session_id}'],
    resumeArgv: ['python', 'train.py', '--out', '{output_dir}', '--resume', '{checkpoint}'],
    parameters: [
      { key: 'lr', type: 'number', default: 0.001 },
      { key: 'epochs', type: 'integer', default: 5 },
    ],
    progress: { step: 'step (\\d+)/\\d+', total: 'step \\d+/(\\d+)', loss: 'loss=([\\d.]+)' },
    ...extra,
  });

describe('command profiles', () => {
  it('fill each argv element literally: parameters, defaults, built-in placeholders, {{ }} escapes', () => {
    const ctx = context({ params: { lr: 0.0005 }, workspaceDir: '/ws' });
    const spec = trainerFromProfile(profile()).buildLaunch(ctx);
    assert.deepEqual(spec.argv, ['python', 'train.py', '--out', ctx.outputDir, `--data=${ctx.datasetDir}`, '--lr', '0.0005', '--epochs', '5', '--tag', '{literal}', '{"json": {1}}', '--name', ctx.sessionId]);
    assert.equal(spec.cwd, '/ws');
  });

  it('never interprets a value: shell syntax, quotes, newlines and unicode arrive unchanged', () => {
    for (const value of NASTY) {
      const spec = trainerFromProfile(profile()).buildLaunch(context({ params: { lr: value, epochs: `${value}{epochs}` }, outputDir: value }));
      assert.equal(spec.argv[6], value);
      assert.equal(spec.argv[8], `${value}{epochs}`, 'a value is not expanded again');
      assert.equal(spec.argv[3], value);
    }
  });

  it('resumes with resumeArgv and {checkpoint}; without resumeArgv it cannot', () => {
    const ck = { path: '/out/run-step00000100-state', step: 100, epoch: null, kind: 'state' as const, createdAt: null };
    const r = trainerFromProfile(profile()).buildResume(context(), ck);
    assert.ok(isSpec(r));
    assert.deepEqual(r.argv.slice(-2), ['--resume', ck.path]);
    const none = trainerFromProfile(profile({ resumeArgv: undefined })).buildResume(context(), ck);
    assert.ok(!isSpec(none) && /no resumeArgv/.test(none.error));
  });

  it('report placeholders without a value and bad regexes, naming the element or field', () => {
    const t = trainerFromProfile(profile({ argv: ['x', '{nope}', '{checkpoint}', '{dataset_dir}'], progress: { step: '(\\d+', loss: '[' }, checkpoints: { pattern: '(' } }));
    const problems = t.validate!(context({ datasetDir: null }));
    assert.deepEqual(problems.map((p) => p.split(':')[0]), ['argv[1]', 'argv[2]', 'argv[3]', 'progress.step', 'progress.loss', 'checkpoints.pattern']);
    assert.match(problems[0]!, /\{nope\} has no value/);
    assert.match(problems[1]!, /only known when resuming/);
    assert.throws(() => t.buildLaunch(context({ datasetDir: null })), /argv\[1\]/);
    assert.deepEqual(trainerFromProfile(profile()).validate!(context()), []);
  });

  it('read progress with the profile\'s regexes; the tracker counts absolute steps', () => {
    const t = trainerFromProfile(profile());
    const parse = t.progress.createParser();
    const tracker = createProgressTracker(t, { attemptStartStep: 40 });
    for (const line of ['starting', 'step 41/100 loss=0.5', 'step 42/100 loss=0.4']) for (const e of parse(line)) tracker.consume(e, 1000);
    assert.deepEqual([tracker.state.step, tracker.state.totalSteps, tracker.state.loss], [42, 100, 0.4]);
    assert.equal(t.progress.barCountsFromResume, false);
    assert.equal(trainerFromProfile(profile({ progress: { barCountsFromResume: true } })).progress.barCountsFromResume, true);
  });

  it('find checkpoints by the profile\'s pattern, else kohya-style and HF-style folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trainlab-cmd-'));
    try {
      writeFileSync(join(dir, 'ckpt_300.pt'), 'x');
      writeFileSync(join(dir, 'ckpt_20.pt'), 'x');
      mkdirSync(join(dir, 'checkpoint-7'));
      writeFileSync(join(dir, 'checkpoint-7', 'trainer_state.json'), '{"global_step": 7}');
      const byPattern = await trainerFromProfile(profile({ checkpoints: { pattern: '^ckpt_(\\d+)\\.pt$' } })).findCheckpoints(dir);
      assert.deepEqual(byPattern.map((c) => [c.step, c.kind]), [[20, 'model'], [300, 'model']]);
      const generic = await trainerFromProfile(profile()).findCheckpoints(dir);
      assert.deepEqual(generic.map((c) => c.step), [7]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the trainer registry', () => {
  it('lists the built-ins and the workspace profiles; a profile cannot shadow a built-in', () => {
    const mine = profile();
    const shadow = profile({ name: 'kohya' });
    assert.deepEqual(listTrainers([mine, shadow]).map((t) => t.name), ['kohya', 'demo', 'ai-toolkit', 'hf-trainer', 'mytrainer']);
    assert.equal(findTrainer('kohya', [shadow]), BUILTIN_TRAINERS[0]);
    const t = findTrainer('mytrainer', [mine])!;
    assert.equal(t.label, 'My trainer');
    assert.deepEqual(t.params.map((p) => p.key), ['lr', 'epochs']);
    assert.equal(t.progress.kind, 'command');
    assert.equal(findTrainer('nope', [mine]), undefined);
  });

  it('gives every built-in the whole launch side', () => {
    for (const t of BUILTIN_TRAINERS) {
      assert.equal(typeof t.buildLaunch, 'function', t.name);
      assert.equal(typeof t.buildResume, 'function', t.name);
      assert.equal(typeof t.findCheckpoints, 'function', t.name);
      assert.equal(typeof t.progress.createParser, 'function', t.name);
      assert.equal(typeof t.canExtend, 'boolean', t.name);
    }
    assert.deepEqual(BUILTIN_TRAINERS.filter((t) => t.canExtend).map((t) => t.name), ['kohya', 'demo']);
  });

  it('still starts new versions with the trainer\'s defaults and the trigger token', () => {
    const style = { schemaVersion: 1 as const, id: 's', name: 'S', triggerToken: 'tok', trainer: 'ai-toolkit', defaults: { network_dim: 8 }, description: '', createdAt: '2026-01-01T00:00:00.000Z' };
    const p = newVersionParameters(style, findTrainer('ai-toolkit'));
    assert.equal(p.network_dim, 8);
    assert.equal(p.class_tokens, 'tok');
    assert.equal(p.max_train_steps, 2000);
  });
});
