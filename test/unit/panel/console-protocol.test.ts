import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMessage } from '../../../src/shared/panel-protocol';
import { readUiState } from '../../../src/shared/panel-state';

describe('panel protocol: Console tab messages', () => {
  const session = { type: 'consoleSession', seq: 3, sessionId: 's-1', status: 'running', sessions: [{ id: 's-1', versionId: 'V2', status: 'running', createdAt: '2025-10-13T09:02:15.000Z' }], maxLines: 10000 };
  const data = { type: 'consoleData', seq: 3, stream: 'console', reset: true, text: 'epoch 1\r\u001b[32mok\u001b[0m\n' };

  it('parses well-formed messages both ways', () => {
    const sub = { type: 'consoleSubscribe', seq: 1, sessionId: null, versionId: 'V2' };
    assert.deepEqual(parseMessage('toExtension', sub), sub);
    assert.deepEqual(parseMessage('toExtension', { type: 'consoleUnsubscribe' }), { type: 'consoleUnsubscribe' });
    assert.deepEqual(parseMessage('toWebview', session), session);
    assert.deepEqual(parseMessage('toWebview', data), data);
    assert.deepEqual(parseMessage('toWebview', { ...data, stream: 'metrics', reset: false }), { ...data, stream: 'metrics', reset: false });
  });

  it('drops malformed ones and ones going the wrong way', () => {
    const bad: [('toWebview' | 'toExtension'), unknown][] = [
      ['toExtension', { type: 'consoleSubscribe', seq: 1, sessionId: '../../etc', versionId: null }],
      ['toExtension', { type: 'consoleSubscribe', seq: -1, sessionId: null, versionId: null }],
      ['toExtension', { type: 'consoleSubscribe', seq: 1.5, sessionId: null, versionId: null }],
      ['toExtension', { type: 'consoleSubscribe', seq: 1, sessionId: null }],
      ['toExtension', { type: 'consoleSubscribe', seq: 1, sessionId: null, versionId: null, path: '/etc/passwd' }],
      ['toExtension', { type: 'consoleUnsubscribe', all: true }],
      ['toExtension', session],
      ['toExtension', data],
      ['toWebview', { type: 'consoleSubscribe', seq: 1, sessionId: null, versionId: null }],
      ['toWebview', { ...data, stream: 'stderr' }],
      ['toWebview', { ...data, text: 42 }],
      ['toWebview', { ...data, reset: 'yes' }],
      ['toWebview', { ...session, maxLines: 0 }],
      ['toWebview', { ...session, status: 'exploded' }],
      ['toWebview', { ...session, sessions: [{ id: 's-1' }] }],
    ];
    for (const [dir, raw] of bad) assert.equal(parseMessage(dir, raw), undefined, JSON.stringify(raw));
  });

  it('fuzzed console messages: nothing malformed passes', () => {
    const type = fc.constantFrom('consoleSubscribe', 'consoleUnsubscribe', 'consoleSession', 'consoleData');
    const field = fc.oneof(fc.anything(), fc.constant(null), fc.string({ maxLength: 70 }), fc.integer());
    fc.assert(
      fc.property(type, fc.dictionary(fc.constantFrom('seq', 'sessionId', 'versionId', 'stream', 'reset', 'text', 'status', 'sessions', 'maxLines', 'x'), field), fc.constantFrom<'toWebview' | 'toExtension'>('toWebview', 'toExtension'), (t, rest, dir) => {
        const raw = { ...rest, type: t };
        const m = parseMessage(dir, raw) as Record<string, unknown> | undefined;
        if (!m) return;
        // Whatever passed is exactly one of the well-formed shapes.
        assert.equal(m.type, t);
        if (t === 'consoleSubscribe') {
          assert.equal(dir, 'toExtension');
          assert.ok(Number.isInteger(m.seq) && (m.seq as number) >= 0);
          for (const k of ['sessionId', 'versionId']) assert.ok(m[k] === null || /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(m[k] as string));
        } else if (t === 'consoleUnsubscribe') {
          assert.deepEqual(m, { type: t });
        } else {
          assert.equal(dir, 'toWebview');
          if (t === 'consoleData') assert.ok(typeof m.text === 'string' && ['console', 'metrics'].includes(m.stream as string));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('the Console tab state is part of the panel state (and dropped field by field when malformed)', () => {
    assert.deepEqual(readUiState({ console: { sessionId: 's-1', follow: false, scrollTop: 120, smoothing: 0.8 } }).console, { sessionId: 's-1', follow: false, scrollTop: 120, smoothing: 0.8 });
    assert.deepEqual(readUiState({ activeTab: 'console', console: { sessionId: '../x' } }), { activeTab: 'console' });
  });
});
