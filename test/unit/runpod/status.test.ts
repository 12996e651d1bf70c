import assert from 'node:assert/strict';
import {
  explainNotFound,
  formatDuration,
  interpretStatus,
  isFinalStatus,
  normalizeStatus,
  parseJobError,
  parseJobStatus,
  parseOutput,
  type JobStatus,
} from '../../../src/core/backends/runpod';

function job(partial: Partial<JobStatus>): JobStatus {
  return { id: 'j', status: 'IN_QUEUE', rawStatus: 'IN_QUEUE', delayTime: null, executionTime: null, output: null, error: null, workerId: null, ...partial };
}

const NO_TIMEOUT = { executionTimeoutMs: null };

describe('interpretStatus', () => {
  it('IN_QUEUE is queued with its delay', () => {
    assert.deepEqual(interpretStatus(job({ delayTime: 4200 }), NO_TIMEOUT), { kind: 'queued', delayMs: 4200 });
  });

  it('IN_PROGRESS is running, with the progress update read from output', () => {
    const r = interpretStatus(job({ status: 'IN_PROGRESS', output: { progress: '4/10' }, executionTime: 9000 }), NO_TIMEOUT);
    assert.equal(r.kind, 'running');
    assert.ok(r.kind === 'running');
    assert.equal(r.executionMs, 9000);
    assert.deepEqual(r.progress && { step: r.progress.step, total: r.progress.total, fraction: r.progress.fraction }, { step: 4, total: 10, fraction: 0.4 });
    const none = interpretStatus(job({ status: 'IN_PROGRESS' }), NO_TIMEOUT);
    assert.deepEqual(none, { kind: 'running', progress: null, executionMs: null });
  });

  it('COMPLETED reads the contract output', () => {
    const output = { model: 's3://b/m.safetensors', samples: ['s3://b/1.png'], metrics: { finalLoss: 0.1, steps: 100 }, checkpoint: { ref: 's3://b/ck', step: 100 } };
    const r = interpretStatus(job({ status: 'COMPLETED', output }), NO_TIMEOUT);
    assert.deepEqual(r, { kind: 'completed', output: { value: output, raw: output, problems: [] } });
  });

  it('FAILED carries the error, a sentence, and any output the worker had', () => {
    const error = parseJobError(JSON.stringify({ error_type: 'RuntimeError', error_message: 'CUDA out of memory\nmore detail', error_traceback: 'tb' }));
    const r = interpretStatus(job({ status: 'FAILED', error, output: { checkpoint: { ref: 's3://b/ck', step: 40 } } }), NO_TIMEOUT);
    assert.ok(r.kind === 'failed');
    assert.equal(r.message, 'The job failed on RunPod: RuntimeError: CUDA out of memory.');
    assert.equal(r.error, error);
    assert.deepEqual(r.output?.value, { checkpoint: { ref: 's3://b/ck', step: 40 } });

    const bare = interpretStatus(job({ status: 'FAILED' }), NO_TIMEOUT);
    assert.deepEqual(bare, { kind: 'failed', error: null, message: 'The job failed on RunPod without saying why.', output: null });
  });

  it('CANCELLED is cancelled', () => {
    assert.deepEqual(interpretStatus(job({ status: 'CANCELLED' }), NO_TIMEOUT), { kind: 'cancelled' });
  });

  it('TIMED_OUT names the execution timeout, or RunPod\'s default when unknown', () => {
    const two = interpretStatus(job({ status: 'TIMED_OUT' }), { executionTimeoutMs: 2 * 3600_000 });
    assert.deepEqual(two, { kind: 'timed-out', message: 'RunPod stopped the job when its execution timeout of 2 hours ran out.' });
    const ninety = interpretStatus(job({ status: 'TIMED_OUT' }), { executionTimeoutMs: 90 * 60_000 });
    assert.ok(ninety.kind === 'timed-out' && ninety.message.includes('1 hour 30 minutes'));
    const unknown = interpretStatus(job({ status: 'TIMED_OUT' }), NO_TIMEOUT);
    assert.ok(unknown.kind === 'timed-out' && unknown.message.includes('10 minutes'));
  });

  it('an unrecognized status is reported with its raw text', () => {
    assert.deepEqual(interpretStatus(job({ status: null, rawStatus: 'PAUSED' }), NO_TIMEOUT), { kind: 'unrecognized', raw: 'PAUSED' });
  });
});

describe('parseOutput', () => {
  it('takes the last `result` (or `final`) of an aggregated stream as the output', () => {
    const raw = [{ output: { seq: 1, lines: ['a'] } }, { output: { result: { model: 'old' } } }, { output: { seq: 2, lines: ['b'] } }, { output: { final: { model: 'm.safetensors' } } }, { output: { seq: 3, lines: [] } }];
    assert.deepEqual(parseOutput(raw).value, { model: 'm.safetensors' });
    assert.deepEqual(parseOutput([{ seq: 1, lines: [] }, { result: { model: 'x' } }]).value, { model: 'x' });
    const none = parseOutput([{ output: { seq: 1, lines: ['a'] } }]);
    assert.equal(none.value, null);
    assert.deepEqual(none.problems, ['the streamed output holds no final result']);
  });

  it('keeps the fields that match and names those that do not', () => {
    const r = parseOutput({ model: 'm', metrics: 'lots', samples: [1, 2], extra: true });
    assert.deepEqual(r.value, { model: 'm', extra: true });
    assert.deepEqual(r.problems, ['"samples" does not match the job contract', '"metrics" does not match the job contract']);
  });

  it('reads a JSON string, and says when there is no usable output', () => {
    assert.deepEqual(parseOutput('{"model":"m"}').value, { model: 'm' });
    assert.deepEqual(parseOutput(null).problems, ['the job returned no output']);
    assert.deepEqual(parseOutput('done').problems, ['the output is not an object']);
    assert.deepEqual(parseOutput('[not json').problems, ['the output is not an object']);
  });
});

describe('parseJobStatus and statuses', () => {
  it('needs an id and a status', () => {
    assert.equal(parseJobStatus({ status: 'COMPLETED' }), null);
    assert.equal(parseJobStatus({ id: 'j' }), null);
    assert.equal(parseJobStatus({ id: '', status: 'COMPLETED' }), null);
    assert.equal(parseJobStatus('COMPLETED'), null);
    assert.equal(parseJobStatus(null), null);
    assert.equal(parseJobStatus({ id: 'j', status: 'COMPLETED' })?.status, 'COMPLETED');
  });

  it('normalizes RUNNING and nothing else', () => {
    assert.equal(normalizeStatus('RUNNING'), 'IN_PROGRESS');
    assert.equal(normalizeStatus('TIMED_OUT'), 'TIMED_OUT');
    assert.equal(normalizeStatus('completed'), null);
    assert.equal(normalizeStatus('DONE'), null);
    assert.equal(isFinalStatus('TIMED_OUT'), true);
    assert.equal(isFinalStatus('IN_PROGRESS'), false);
    assert.equal(isFinalStatus(null), false);
  });

  it('reads an empty error as none', () => {
    assert.equal(parseJobError(''), null);
    assert.equal(parseJobError(undefined), null);
    assert.equal(parseJobError(42)?.message, '42');
  });
});

describe('explainNotFound', () => {
  const submittedAt = '2026-03-01T10:00:00.000Z';

  it('blames the ttl when it has passed since submission', () => {
    const text = explainNotFound({ jobId: 'j-1', submittedAt, ttlMs: 6 * 3600_000, lastSeenAt: '2026-03-01T15:30:00.000Z', lastStatus: 'IN_PROGRESS', now: Date.parse('2026-03-01T16:30:00Z') });
    assert.match(text, /^RunPod no longer knows job "j-1", so its outcome is unknown \(not necessarily a failure\)\./);
    assert.match(text, /submitted at 2026-03-01 10:00:00 UTC and its ttl of 6 hours has passed/);
    assert.match(text, /last seen IN_PROGRESS at 2026-03-01 15:30:00 UTC \(1 hour ago\)\./);
  });

  it('otherwise blames the 30-minute retention of finished jobs', () => {
    const text = explainNotFound({ jobId: 'j-2', submittedAt: new Date(submittedAt), ttlMs: null, lastSeenAt: Date.parse('2026-03-01T11:00:00Z'), lastStatus: 'IN_PROGRESS', now: new Date('2026-03-01T12:15:00Z') });
    assert.match(text, /keeps a finished job for only 30 minutes/);
    assert.match(text, /probably ended after it was last seen/);
    assert.match(text, /last seen IN_PROGRESS at 2026-03-01 11:00:00 UTC \(1 hour 15 minutes ago\)/);
    assert.doesNotMatch(text, /ttl/);
  });

  it('uses RunPod\'s 24-hour default ttl when none was sent, and copes with no sighting', () => {
    const text = explainNotFound({ jobId: 'j-3', submittedAt, ttlMs: null, lastSeenAt: null, lastStatus: null, now: Date.parse('2026-03-02T11:00:00Z') });
    assert.match(text, /RunPod's default ttl of 24 hours has passed/);
    assert.match(text, /never saw its status after submitting it\./);
  });
});

describe('formatDuration', () => {
  it('names seconds, minutes and hours', () => {
    assert.equal(formatDuration(5_000), '5 seconds');
    assert.equal(formatDuration(60_000), '1 minute');
    assert.equal(formatDuration(10 * 60_000), '10 minutes');
    assert.equal(formatDuration(3600_000), '1 hour');
    assert.equal(formatDuration(7 * 24 * 3600_000), '168 hours');
    assert.equal(formatDuration(125 * 60_000), '2 hours 5 minutes');
  });
});
