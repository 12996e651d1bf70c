import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ID_PATTERN, paramSpecSchema } from '../../../src/core/model';
import { kohyaTrainer, demoTrainer } from '../../../src/core/trainers';
import {
  describeDropped,
  NEW_VERSION,
  PANEL_ID_PATTERN,
  panelParamSpecSchema,
  parseMessage,
  REQUEST_ACTIONS,
  type ToExtensionMessage,
} from '../../../src/shared/panel-protocol';

const ALLOWED = ['saveVersion', 'startTraining', 'checkStatus', 'cancel', 'resume', 'relaunch', 'extend', 'validate', 'persistState', 'openFile', 'getHistory', 'compare', 'updateNotes', 'updateTags', 'getSamples', 'openSample', 'resetState', 'setBackend', 'retry'];

describe('panel protocol', () => {
  it('allows exactly the listed actions', () => {
    assert.deepEqual([...REQUEST_ACTIONS].sort(), [...ALLOWED].sort());
  });

  it('restates the core id pattern and parameter-spec schema faithfully', () => {
    assert.equal(PANEL_ID_PATTERN.source, ID_PATTERN.source);
    for (const spec of [...kohyaTrainer.params, ...demoTrainer.params]) {
      assert.deepEqual(panelParamSpecSchema.parse(spec), paramSpecSchema.parse(spec), spec.key);
    }
  });

  it('parses well-formed messages both ways', () => {
    assert.deepEqual(parseMessage('toExtension', { type: 'ready' }), { type: 'ready' });
    const req = { type: 'request', id: 'r1', action: 'checkStatus', args: { versionId: 'V1' } };
    assert.deepEqual(parseMessage('toExtension', req), req);
    const persist = { type: 'request', id: 'r2', action: 'persistState', args: { state: { selectedVersionId: NEW_VERSION, activeTab: 'configure', advancedOpen: true, draft: { base: NEW_VERSION, values: { network_dim: 'abc', cache_latents: false }, datasetId: 'set-1', description: 'x' }, savedAt: 5 } } };
    assert.deepEqual(parseMessage('toExtension', persist), persist);
    const resp = { type: 'response', id: 'r1', ok: false, error: 'no', cancelled: true };
    assert.deepEqual(parseMessage('toWebview', resp), resp);
    assert.deepEqual(parseMessage('toWebview', { type: 'update', notice: null }), { type: 'update', notice: null });
    const open = { type: 'request', id: 'r3', action: 'openFile', args: { file: 'log', versionId: 'V1', sessionId: '20251012-072721-ab12' } };
    assert.deepEqual(parseMessage('toExtension', open), open);
    const ext = { type: 'request', id: 'r4', action: 'extend', args: { sessionId: 's1' } };
    assert.deepEqual(parseMessage('toExtension', ext), ext);
    assert.deepEqual(parseMessage('toExtension', { ...ext, args: { sessionId: 's1', steps: 500 } }), { ...ext, args: { sessionId: 's1', steps: 500 } });
  });

  it('drops unknown actions, unknown types, wrong directions and malformed arguments', () => {
    const bad: unknown[] = [
      { type: 'request', id: 'r1', action: 'runCommand', args: { command: 'workbench.action.terminal.new' } },
      { type: 'request', id: 'r1', action: 'checkStatus', args: { versionId: '../../etc' } },
      { type: 'request', id: 'r1', action: 'checkStatus' },
      { type: 'request', action: 'checkStatus', args: { versionId: 'V1' } },
      { type: 'request', id: '', action: 'checkStatus', args: { versionId: 'V1' } },
      { type: 'request', id: 'r1', action: 'openFile', args: { file: '/etc/passwd' } },
      { type: 'request', id: 'r1', action: 'openFile', args: { file: 'log', versionId: 'V1', sessionId: '../../s1' } },
      { type: 'request', id: 'r1', action: 'openFile', args: { file: 'log', versionId: 'V1', sessionId: 5 } },
      { type: 'request', id: 'r1', action: 'extend', args: {} },
      { type: 'request', id: 'r1', action: 'extend', args: { sessionId: 's1', steps: 0 } },
      { type: 'request', id: 'r1', action: 'extend', args: { sessionId: 's1', steps: 1.5 } },
      { type: 'request', id: 'r1', action: 'extend', args: { sessionId: 's1', command: 'x' } },
      { type: 'request', id: 'r1', action: 'persistState', args: { state: { activeTab: 'terminal' } } },
      { type: 'request', id: 'r1', action: '__proto__', args: {} },
      { type: 'init' },
      { type: 'ready', extra: 1 },
      'ready',
      null,
      42,
      [],
    ];
    for (const raw of bad) assert.equal(parseMessage('toExtension', raw), undefined, JSON.stringify(raw));
    assert.equal(parseMessage('toWebview', { type: 'ready' }), undefined);
    assert.equal(parseMessage('toExtension', { type: 'response', id: 'r1', ok: true, result: 1 }), undefined);
    assert.equal(parseMessage('toWebview', { type: 'response', id: 'r1', ok: 'yes', result: 1 }), undefined);
  });

  it('fuzzed values never throw and never pass', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true, withMap: true, withSet: true }), fc.constantFrom<'toWebview' | 'toExtension'>('toWebview', 'toExtension'), (raw, dir) => {
        assert.equal(parseMessage(dir, raw), undefined);
        assert.equal(typeof describeDropped(raw), 'string');
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzzed requests: only allowed actions with well-formed arguments pass', () => {
    const action = fc.oneof(fc.constantFrom(...ALLOWED), fc.string({ maxLength: 20 }));
    const args = fc.oneof(fc.anything(), fc.record({ versionId: fc.oneof(fc.string(), fc.constant('V1')) }), fc.record({ parameters: fc.dictionary(fc.string(), fc.anything()) }));
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), action, args, (id, a, x) => {
        const msg = parseMessage('toExtension', { type: 'request', id, action: a, args: x }) as ToExtensionMessage | undefined;
        if (!msg) return;
        assert.equal(msg.type, 'request');
        if (msg.type !== 'request') return;
        assert.ok(ALLOWED.includes(msg.action), msg.action);
        assert.ok(id.length >= 1 && id.length <= 64);
        if ('versionId' in msg.args && msg.args.versionId !== undefined) assert.match(msg.args.versionId, ID_PATTERN);
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzzed extension messages: mutations of a valid init are caught', () => {
    const init = {
      type: 'init',
      style: { id: 's', name: 'S', triggerToken: '', trainer: 'demo', trainerLabel: 'Demo', description: '' },
      params: [{ key: 'a', type: 'integer' }],
      newParameters: {},
      versions: [],
      datasets: [],
      state: {},
      trusted: true,
      notice: null,
    };
    assert.ok(parseMessage('toWebview', init));
    const keys = Object.keys(init).filter((k) => k !== 'type');
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.oneof(fc.integer(), fc.string(), fc.constant(undefined), fc.constant([1])), (k, v) => {
        const mutated = { ...init, [k]: v };
        const parsed = parseMessage('toWebview', mutated);
        // Whatever passes still matches the schema's shape (e.g. a string notice).
        if (parsed) assert.ok(k === 'notice' && typeof v === 'string', `${k}=${JSON.stringify(v)} passed`);
      }),
    );
  });
});
