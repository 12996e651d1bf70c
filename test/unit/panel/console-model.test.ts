import assert from 'node:assert/strict';
import type { VersionSummary } from '../../../src/shared/panel-protocol';
import { AUTO_SESSION, consoleTarget, newestSessionOf, pickerOptions, sameTarget, sessionLabel, statusText } from '../../../webview-ui/console-tab/model';

const version = (id: string, sessionId: string | null) => ({ id, session: sessionId ? { id: sessionId } : null }) as unknown as VersionSummary;

describe('Console tab model', () => {
  it('subscribes to the chosen session, else to the newest of the selected version', () => {
    assert.deepEqual(consoleTarget({ sessionId: 's-1' }, 'V2'), { sessionId: 's-1', versionId: 'V2' });
    assert.deepEqual(consoleTarget({}, 'V2'), { sessionId: null, versionId: 'V2' });
    assert.deepEqual(consoleTarget(undefined, '__new__'), { sessionId: null, versionId: null });
    assert.deepEqual(consoleTarget({ sessionId: null }, undefined), { sessionId: null, versionId: null });
    assert.ok(sameTarget({ sessionId: null, versionId: 'V2' }, { sessionId: null, versionId: 'V2' }));
    assert.ok(!sameTarget(undefined, { sessionId: null, versionId: 'V2' }));
    assert.ok(!sameTarget({ sessionId: 's', versionId: 'V2' }, { sessionId: null, versionId: 'V2' }));
  });

  it('knows the newest session of a version (a new one makes the tab subscribe again)', () => {
    const versions = [version('V1', 's-a'), version('V2', null)];
    assert.equal(newestSessionOf(versions, 'V1'), 's-a');
    assert.equal(newestSessionOf(versions, 'V2'), null);
    assert.equal(newestSessionOf(versions, 'V9'), null);
    assert.equal(newestSessionOf(versions, null), null);
  });

  it('labels the picker', () => {
    const s = { id: '20251013-090215-7d4e2b', versionId: 'V2', status: 'running' as const, createdAt: '2025-10-13T09:02:15.000Z' };
    assert.equal(sessionLabel(s), 'V2 · 2025-10-13 09:02 · running');
    assert.equal(sessionLabel({ ...s, createdAt: '' }), 'V2 · 20251013-090215-7d4e2b · running');
    const opts = pickerOptions([s], 'V2');
    assert.deepEqual(opts[0], { value: AUTO_SESSION, text: 'Newest session of V2' });
    assert.equal(opts[1]!.value, s.id);
    assert.equal(pickerOptions([], null)[0]!.text, 'Newest session of the style');
  });

  it('says what it shows', () => {
    assert.match(statusText(null, null), /No session yet/);
    assert.equal(statusText('running', 's'), 'running: following the log live');
    assert.equal(statusText('completed', 's'), 'completed');
  });
});
