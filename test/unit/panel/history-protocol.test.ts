import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareResultSchema, historyResultSchema, MAX_COMPARE, MAX_CURVE_POINTS, parseMessage } from '../../../src/shared/panel-protocol';

const req = (action: string, args: unknown) => ({ type: 'request', id: 'h1', action, args });

describe('panel protocol: the History tab’s requests', () => {
  it('parses its well-formed requests', () => {
    for (const m of [
      req('getHistory', {}),
      req('compare', { versionIds: ['V1', 'V2'] }),
      req('updateNotes', { target: { kind: 'version', id: 'V1' }, notes: 'better\nline two' }),
      req('updateTags', { target: { kind: 'session', id: '20251012-060512-a1b2c3' }, tags: ['best', 'lr-test'] }),
    ]) {
      assert.deepEqual(parseMessage('toExtension', m), m, JSON.stringify(m));
    }
    // Tags are trimmed as they are parsed.
    const t = parseMessage('toExtension', req('updateTags', { target: { kind: 'version', id: 'V1' }, tags: ['  a '] }));
    assert.deepEqual(t && t.type === 'request' && t.action === 'updateTags' && t.args.tags, ['a']);
  });

  it('drops malformed arguments', () => {
    const bad: unknown[] = [
      req('getHistory', { extra: 1 }),
      req('getHistory', null),
      req('compare', { versionIds: ['V1'] }),
      req('compare', { versionIds: Array.from({ length: MAX_COMPARE + 1 }, (_, i) => `V${i}`) }),
      req('compare', { versionIds: ['V1', '../etc'] }),
      req('compare', { versionIds: 'V1,V2' }),
      req('updateNotes', { target: { kind: 'style', id: 'V1' }, notes: '' }),
      req('updateNotes', { target: { kind: 'version', id: 'V1' }, notes: 5 }),
      req('updateNotes', { target: { kind: 'version', id: 'V1' }, notes: 'x'.repeat(100_001) }),
      req('updateNotes', { target: { kind: 'version', id: 'V1' } }),
      req('updateTags', { target: { kind: 'version', id: 'V1' }, tags: [''] }),
      req('updateTags', { target: { kind: 'version', id: 'V1' }, tags: ['a\nb'] }),
      req('updateTags', { target: { kind: 'version', id: 'V1' }, tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }),
      req('updateTags', { target: { kind: 'version', id: 'V1' }, tags: 'a, b' }),
      req('updateTags', { target: { kind: 'version', id: 'V1', extra: true }, tags: [] }),
    ];
    for (const m of bad) assert.equal(parseMessage('toExtension', m), undefined, JSON.stringify(m).slice(0, 200));
  });

  it('fuzz: random arguments for its actions parse only when they are of the right shape', () => {
    const actions = ['getHistory', 'compare', 'updateNotes', 'updateTags'];
    fc.assert(
      fc.property(fc.constantFrom(...actions), fc.anything(), (action, args) => {
        const m = parseMessage('toExtension', req(action, args));
        if (!m) return true;
        // Whatever got through is exactly one of the allowed shapes.
        assert.equal(m.type, 'request');
        if (m.type !== 'request') return false;
        switch (m.action) {
          case 'getHistory':
            return Object.keys(m.args).length === 0;
          case 'compare':
            return m.args.versionIds.length >= 2;
          case 'updateNotes':
            return typeof m.args.notes === 'string';
          case 'updateTags':
            return m.args.tags.every((t) => t.length > 0);
          default:
            return false;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: random records with its action names are dropped', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything()), fc.constantFrom('getHistory', 'compare', 'updateNotes', 'updateTags'), (extra, action) => {
        const m = { ...extra, type: 'request', action };
        return parseMessage('toExtension', m) === undefined || (typeof (m as { id?: unknown }).id === 'string' && 'args' in m);
      }),
      { numRuns: 500 },
    );
  });

  it('results are checked by the page: history and compare shapes', () => {
    assert.equal(historyResultSchema.safeParse({ sessions: [{ id: 'x' }] }).success, false);
    assert.equal(historyResultSchema.safeParse({ sessions: [] }).success, true);
    const ok = {
      versions: [{ id: 'V1', name: 'V1', status: 'completed', sessionId: null, finalLoss: null, bestLoss: null, durationSeconds: null }],
      parameters: [{ key: 'lr', values: [1], present: [true], differs: false }],
      curves: [{ versionId: 'V1', sessionId: 's1', total: 1, steps: [1], loss: [0.1], lr: [null] }],
    };
    assert.equal(compareResultSchema.safeParse(ok).success, true);
    const tooMany = { ...ok, curves: [{ ...ok.curves[0]!, steps: Array.from({ length: MAX_CURVE_POINTS + 1 }, (_, i) => i) }] };
    assert.equal(compareResultSchema.safeParse(tooMany).success, false);
  });
});
