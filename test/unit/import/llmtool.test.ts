import assert from 'node:assert/strict';
import { detectLlmtool, readLlmtool } from '../../../src/core/import';
import { assertWritable, fixture } from './helpers';

const SEED = 'llmtool/logs/training_sessions/training_metadata_20251005_234530.json';
const FAILED = 'llmtool/logs/training_sessions/training_metadata_20251005_201500.json';
const STALE = 'llmtool/logs/training_sessions/training_metadata_20251005_181000.json';
const CURRENT = 'llm_tool/logs/training_arena/20251012_141500/training_session_metadata/training_metadata.json';

/** LLMTool writes naive local times; the expected value is the same wall-clock time here. */
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0) => new Date(y, mo - 1, d, h, mi, s, ms).toISOString();

describe('LLMTool training metadata', () => {
  it('is detected in both layouts by place, and by its sections anywhere', () => {
    assert.ok(detectLlmtool('logs/training_sessions/training_metadata_20250101_000000.json', 'x'));
    assert.ok(detectLlmtool('a/training_session_metadata/training_metadata.json', 'x'));
    assert.ok(detectLlmtool('meta.json', JSON.stringify({ training_session: {}, execution_status: {} })));
    assert.ok(!detectLlmtool('meta.json', JSON.stringify({ training_session: 'x' })));
  });

  it('reads the seed 004 layout: an hf-trainer version and a completed session with best_f1', () => {
    const plan = readLlmtool(SEED, fixture(SEED));
    assertWritable(plan);
    assert.equal(plan.styles[0]!.trainer, 'hf-trainer');
    assert.equal(plan.styles[0]!.id, 'annotated_data', 'grouped by dataset');
    const v = plan.versions[0]!;
    assert.equal(v.name, 'train_20251005_234530');
    assert.equal(v.createdAt, local(2025, 10, 5, 23, 45, 30));
    assert.deepEqual(
      { model: v.parameters.model_name_or_path, epochs: v.parameters.num_train_epochs, bs: v.parameters.per_device_train_batch_size, lr: v.parameters.learning_rate },
      { model: 'camembert-base', epochs: 10, bs: 16, lr: 2e-5 },
    );
    assert.equal(v.parameters.train_file, '/Users/username/data/annotated_data.csv');
    assert.equal(v.status, 'completed');
    assert.equal(v.completedAt, local(2025, 10, 5, 23, 55, 42, 789));
    const s = plan.sessions[0]!;
    assert.equal(s.status, 'completed');
    assert.equal(s.metricsSummary.bestF1, 0.89);
    assert.equal(s.metricsSummary.bestModel, 'camembert-base');
    assert.equal(s.attempts[0]!.startedAt, local(2025, 10, 5, 23, 45, 30, 123));
    assert.equal(s.error, null);
    // The whole document is kept.
    const doc = v.imported.llmtool as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc).sort(), ['dataset_config', 'execution_status', 'language_config', 'model_config', 'output_paths', 'text_analysis', 'training_session']);
  });

  it('takes error_message as the error of a failed run', () => {
    const plan = readLlmtool(FAILED, fixture(FAILED), { styleId: 'fr-classifier' });
    assertWritable(plan);
    assert.equal(plan.sessions[0]!.status, 'failed');
    assert.deepEqual(plan.sessions[0]!.error, { message: 'CUDA out of memory. Tried to allocate 2.00 GiB', where: 'LLMTool' });
    assert.equal(plan.styles[0]!.id, 'fr-classifier');
  });

  it('calls a run that started but still says "pending" interrupted', () => {
    const plan = readLlmtool(STALE, fixture(STALE));
    assert.equal(plan.sessions[0]!.status, 'interrupted');
    assert.ok(plan.notes.some((n) => /still says "pending"/.test(n.message)));
    const never = readLlmtool('m.json', JSON.stringify({ training_session: { session_id: 's1' }, execution_status: { status: 'pending', started_at: null } }));
    assert.equal(never.sessions[0]!.status, 'pending');
    assertWritable(never);
  });

  it('reads the current LLM_Tool layout: training_params, progress, checkpoints, errors[] kept while running', () => {
    const plan = readLlmtool(CURRENT, fixture(CURRENT));
    assertWritable(plan);
    const v = plan.versions[0]!;
    assert.equal(v.name, '20251012_141500');
    assert.equal(v.parameters.num_train_epochs, 12);
    assert.equal(v.parameters.optim, 'adamw');
    assert.equal(v.parameters.max_seq_length, 512);
    assert.equal(v.parameters.model_name_or_path, undefined, 'a benchmark has no single model');
    const s = plan.sessions[0]!;
    assert.equal(s.status, 'running');
    assert.equal(s.progress?.epoch, 7);
    assert.equal(s.progress?.totalEpochs, 12);
    assert.equal(s.metricsSummary.bestAccuracy, 0.874);
    assert.equal(s.checkpoints[0]!.path, 'logs/training_arena/20251012_141500/training_session_metadata/checkpoints/epoch_7.json');
    assert.equal(s.error, null, 'a non-fatal error of a running session is not its error');
    assert.deepEqual((s.imported.executionStatus as { warnings: string[] }).warnings, ["class 'justice' has fewer than 50 samples"]);
    assert.ok(plan.notes.some((n) => /secret/.test(n.message)));
    assert.ok(!JSON.stringify(plan).includes('hf_test_not_a_real_token'), 'tokens never reach the plan');
  });

  it('reports broken and wrong-shaped files', () => {
    const broken = 'llmtool/logs/training_sessions/training_metadata_20251006_090000.json';
    const plan = readLlmtool(broken, fixture(broken));
    assert.equal(plan.versions.length, 0);
    assert.match(plan.problems[0]!.message, /^not valid JSON/);
    const shape = readLlmtool('logs/training_sessions/training_metadata_20250101_000000.json', '[1,2]');
    assert.match(shape.problems[0]!.message, /training_session/);
  });
});
