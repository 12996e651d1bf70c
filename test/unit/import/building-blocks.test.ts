import assert from 'node:assert/strict';
import { mapStatus } from '../../../src/core/import';
import { isoFromName, isoFromText, toIso } from '../../../src/core/import/dates';
import { mergePlans } from '../../../src/core/import/plan';
import { runEvidence, statusFromEvidence } from '../../../src/core/import/run-evidence';
import { redactSecrets, setKey } from '../../../src/core/import/values';
import { SESSION_STATUSES, VERSION_STATUSES } from '../../../src/core/model';

describe('import building blocks', () => {
  describe('dates', () => {
    it('turns epoch seconds (FluxGym) and milliseconds into ISO UTC', () => {
      assert.equal(toIso(1234567890.123), '2009-02-13T23:31:30.123Z');
      assert.equal(toIso(1706140800000), '2024-01-25T00:00:00.000Z');
      assert.equal(toIso('1706140800'), '2024-01-25T00:00:00.000Z');
    });
    it('honours a stated offset and reads a naive time as local wall-clock time', () => {
      assert.equal(isoFromText('2025-10-12T07:27:21.532Z'), '2025-10-12T07:27:21.532Z');
      assert.equal(isoFromText('2025-10-12T09:27:21+02:00'), '2025-10-12T07:27:21.000Z');
      assert.equal(isoFromText('2025-10-05T23:45:30.123456'), new Date(2025, 9, 5, 23, 45, 30, 123).toISOString());
      assert.equal(isoFromText('20251005_234530'), new Date(2025, 9, 5, 23, 45, 30).toISOString());
      assert.equal(isoFromName('sbai_20250612-101530.json'), new Date(2025, 5, 12, 10, 15, 30).toISOString());
    });
    it('refuses what is not a date instead of guessing', () => {
      for (const bad of ['yesterday', '2025-02-30T00:00:00Z', '2025-13-01', '', 'NaN', '1e400']) assert.equal(isoFromText(bad), undefined, bad);
      assert.equal(toIso(Number.POSITIVE_INFINITY), undefined);
      assert.equal(toIso(-5), undefined);
      assert.equal(toIso(null), undefined);
      assert.equal(toIso(1e17), undefined, 'beyond year 9999');
    });
  });

  describe('status words', () => {
    it('maps the words of every tool onto the lifecycle', () => {
      const cases: [string, string][] = [
        ['training', 'running'], ['IN_PROGRESS', 'running'], ['in-progress', 'running'], ['starting', 'pending'],
        ['IN_QUEUE', 'pending'], ['Completed', 'completed'], ['succeeded', 'completed'], ['error', 'failed'],
        ['canceled', 'cancelled'], ['TIMED_OUT', 'interrupted'], ['stopped', 'interrupted'], ['draft', 'draft'],
      ];
      for (const [word, status] of cases) assert.deepEqual(mapStatus(word), { status, recognised: true }, word);
      for (const s of VERSION_STATUSES) assert.equal(mapStatus(s).status, s, 'our own words map to themselves');
      assert.ok(SESSION_STATUSES.length > 0);
    });
    it('says when it did not know the word', () => {
      assert.deepEqual(mapStatus('sleeping'), { status: 'unknown', recognised: false });
      assert.deepEqual(mapStatus(42), { status: 'unknown', recognised: false });
      assert.deepEqual(mapStatus('constructor'), { status: 'unknown', recognised: false }, 'no prototype lookups');
    });
  });

  describe('values', () => {
    it('redacts secrets by key, but not look-alikes', () => {
      const found: string[] = [];
      const out = redactSecrets({ huggingface_token: 'hf_x', wandb_api_key: 'k', max_token_length: 75, class_tokens: 'x', nested: [{ password: 'p', token: '' }] }, found);
      assert.deepEqual(out, { huggingface_token: '<redacted>', wandb_api_key: '<redacted>', max_token_length: 75, class_tokens: 'x', nested: [{ password: '<redacted>', token: '' }] });
      assert.deepEqual(found, ['huggingface_token', 'wandb_api_key', 'nested[0].password']);
    });
    it('stores "__proto__" as a field, never as a prototype', () => {
      const o: Record<string, unknown> = {};
      setKey(o, '__proto__', { polluted: true });
      assert.equal(Object.getPrototypeOf(o), Object.prototype);
      assert.deepEqual(Object.keys(o), ['__proto__']);
    });
  });

  describe('run evidence', () => {
    const entries = [
      { name: 'cat-000004-state', isDirectory: true },
      { name: 'cat-step00000900-state', isDirectory: true },
      { name: 'cat-state', isDirectory: true },
      { name: 'cat-000004.safetensors', isDirectory: false },
      { name: 'dog.safetensors', isDirectory: false },
      { name: 'sample', isDirectory: true },
    ];
    it('orders state folders oldest first, the bare -state last', () => {
      const e = runEvidence('out', 'cat', entries)!;
      assert.deepEqual(e.checkpoints.map((c) => c.path), ['out/cat-000004-state', 'out/cat-step00000900-state', 'out/cat-state']);
      assert.equal(e.finalModel, null, "another run's model does not count");
      assert.deepEqual(e.intermediateModels, ['out/cat-000004.safetensors']);
      assert.equal(e.samplesDir, 'out/sample');
      assert.equal(statusFromEvidence(e), 'interrupted');
    });
    it('says nothing without a listing, and completed with a final model', () => {
      assert.equal(runEvidence('out', 'cat', undefined), null);
      assert.equal(statusFromEvidence(runEvidence('out', 'dog', entries)), 'completed');
      assert.equal(statusFromEvidence(runEvidence('out', 'cow', entries)), null);
    });
  });

  describe('merging plans', () => {
    it('keeps a style once, a version once per source key, and makes suggested ids unique', () => {
      const style = { id: 's', name: 's', triggerToken: '', trainer: 'kohya', defaults: {}, description: '', createdAt: '2025-02-01T00:00:00.000Z' };
      const version = (key: string, name: string) => ({
        styleId: 's', sourceKey: key, suggestedId: name, name, createdAt: style.createdAt, parameters: {}, datasetId: null, imageCount: null,
        description: '', notes: '', tags: [], status: 'draft' as const, modelUrl: null, completedAt: null, source: `${key}.json`, imported: {},
      });
      const a = { tool: 'a', styles: [style], versions: [version('k1', 'V1')], sessions: [], problems: [], notes: [] };
      const b = { tool: 'b', styles: [{ ...style, triggerToken: 'tok', createdAt: '2025-01-01T00:00:00.000Z' }], versions: [version('k1', 'V1'), version('k2', 'V1')], sessions: [], problems: [], notes: [] };
      const m = mergePlans([a, b]);
      assert.equal(m.tool, 'a,b');
      assert.equal(m.styles.length, 1);
      assert.equal(m.styles[0]!.triggerToken, 'tok');
      assert.equal(m.styles[0]!.createdAt, '2025-01-01T00:00:00.000Z');
      assert.deepEqual(m.versions.map((v) => v.suggestedId), ['V1', 'V1-2']);
      assert.ok(m.notes.some((n) => /already found/.test(n.message)));
    });
  });
});
