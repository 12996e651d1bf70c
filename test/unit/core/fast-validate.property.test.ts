import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fastValidate } from '../../../src/core/model/fast-validate';
import { runnerRecordSchema, sessionSchema } from '../../../src/core/model/schemas';

const SESSION = {
  schemaVersion: 1, id: 's1', styleId: 'p', versionId: 'V1', createdAt: '2026-01-01T00:00:00.000Z', origin: { type: 'relaunch', parentSessionId: 's0' },
  backend: { type: 'local', command: ['x', 'y'], cwd: '/w' }, trainer: 'kohya', parameters: { a: 1, b: 'x', c: [1], d: { e: null } },
  dataset: { id: 'set-1', path: null, imageCount: 3 }, status: 'running',
  attempts: [{ startedAt: '2026-01-01T00:00:00.000Z', endedAt: null, exitCode: null, signal: null, resumedFrom: null, startStep: 0 }],
  progress: { step: 5, totalSteps: 10, epoch: 1, totalEpochs: 2, loss: 0.5, etaSeconds: 3, updatedAt: '2026-01-01T00:00:00.000Z' },
  checkpoints: [{ path: 'o/x-state', step: 5, createdAt: null }], outputs: { model: null, samples: [] },
  metricsSummary: { bestLoss: 0.4, finalLoss: 0.5, bestStep: 4 }, error: null, notes: '', tags: ['t'], extra: { kept: true },
};
const RUNNER = { schemaVersion: 1, host: 'h', startedAt: '2026-01-01T00:00:00.000Z', attempt: 1, runnerPid: 10, runnerStartTime: 'linux:5', trainerPid: 11, trainerStartTime: 'linux:6', argv: ['a'], exit: null };

/** Structural mutations at any depth: a value replaced by any JSON, or a key removed. */
function mutate(base: unknown): fc.Arbitrary<unknown> {
  const pathsOf = (v: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
    if (v === null || typeof v !== 'object') return [prefix];
    const keys = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    return [prefix, ...keys.flatMap((k) => pathsOf((v as Record<string | number, unknown>)[k], [...prefix, k]))];
  };
  const all = pathsOf(base).filter((p) => p.length > 0);
  return fc.tuple(fc.constantFrom(...all), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }), fc.boolean()).map(([path, value, remove]) => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    let node = copy;
    for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
    const last = path[path.length - 1]!;
    if (remove || value === undefined) {
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
    } else node[last] = value;
    return copy;
  });
}

function agree(schema: typeof sessionSchema | typeof runnerRecordSchema, kind: 'session' | 'runner', input: unknown) {
  const z = schema.safeParse(structuredClone(input));
  const fast = fastValidate(kind, structuredClone(input));
  if (fast === undefined) return; // the fast path may decline; zod then decides alone
  assert.ok(z.success, `the fast path accepted what zod refuses: ${JSON.stringify(input)}`);
  assert.deepEqual(fast, z.data);
}

describe('fast validation agrees with zod', function () {
  this.timeout(60_000);
  it('accepts the valid files with the same values (defaults filled)', () => {
    agree(sessionSchema, 'session', SESSION);
    agree(sessionSchema, 'session', { schemaVersion: 1, id: 's', styleId: 'p', versionId: 'V', createdAt: '2026-01-01T00:00:00Z', backend: { type: 'local' }, status: 'pending' });
    agree(sessionSchema, 'session', { ...SESSION, backend: { type: 'runpod', endpointId: 'e', jobId: 'j' } });
    agree(runnerRecordSchema, 'runner', RUNNER);
    assert.notEqual(fastValidate('session', structuredClone(SESSION)), undefined, 'the fast path is used for a valid session');
  });
  it('never accepts a mutated session zod refuses, and gives the same value when both accept', () => {
    fc.assert(fc.property(mutate(SESSION), (input) => agree(sessionSchema, 'session', input)), { numRuns: 3000 });
  });
  it('the same for runner records', () => {
    fc.assert(fc.property(mutate(RUNNER), (input) => agree(runnerRecordSchema, 'runner', input)), { numRuns: 1000 });
  });
});
