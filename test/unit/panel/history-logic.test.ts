import assert from 'node:assert/strict';
import { parameterRows, trainingSeconds } from '../../../src/shared/history';
import type { HistorySession, VersionSummary } from '../../../src/shared/panel-protocol';
import {
  buildRows,
  compareSelection,
  DEFAULT_SORT,
  filterRows,
  formatDuration,
  formatLoss,
  formatParam,
  formatSteps,
  nextSort,
  parseTags,
  sortRows,
  type HistoryRow,
} from '../../../webview-ui/history-tab/logic';

function version(id: string, extra: Partial<VersionSummary> = {}): VersionSummary {
  return {
    id,
    name: id,
    createdAt: '2025-10-01T00:00:00.000Z',
    status: 'draft',
    imageCount: null,
    steps: 1000,
    description: '',
    notes: '',
    tags: [],
    datasetId: null,
    parameters: {},
    completedAt: null,
    session: null,
    ...extra,
  };
}

function session(id: string, versionId: string, extra: Partial<HistorySession> = {}): HistorySession {
  return {
    id,
    versionId,
    status: 'completed',
    createdAt: '2025-10-12T06:00:00.000Z',
    endedAt: null,
    origin: 'new',
    backend: 'local',
    step: null,
    totalSteps: null,
    finalLoss: null,
    bestLoss: null,
    bestStep: null,
    durationSeconds: null,
    parameters: {},
    dataset: null,
    attempts: [],
    checkpoints: [],
    outputs: { model: null, samples: [] },
    error: null,
    notes: '',
    tags: [],
    ...extra,
  };
}

const versions = [version('V1', { tags: ['base'], notes: 'first try' }), version('V2', { name: 'V2' }), version('V3')];
const sessions = [
  session('s-a', 'V1', { createdAt: '2025-10-12T06:05:12.000Z', finalLoss: 0.09, bestLoss: 0.08, durationSeconds: 3600, step: 1200, totalSteps: 1200 }),
  session('s-b', 'V1', { createdAt: '2025-10-12T07:27:21.000Z', finalLoss: 0.07, bestLoss: 0.065, durationSeconds: 100, backend: 'runpod', tags: ['best'] }),
  session('s-c', 'V2', { createdAt: '2025-10-13T09:02:15.000Z', status: 'running', finalLoss: null, durationSeconds: 600 }),
];

describe('history tab: rows', () => {
  it('has a row per session and one per version without sessions, with version and session tags', () => {
    const rows = buildRows(versions, sessions);
    assert.deepEqual(rows.map((r) => r.key), ['s-a', 's-b', 's-c', 'version:V3']);
    assert.deepEqual(rows[1]!.tags, ['base', 'best']);
    assert.equal(rows[3]!.sessionId, null);
    assert.equal(rows[3]!.totalSteps, 1000);
    assert.match(rows[0]!.notes, /first try/);
  });
});

describe('history tab: sorting', () => {
  const rows = buildRows(versions, sessions);
  const keys = (rs: HistoryRow[]) => rs.map((r) => r.key);

  it('sorts numbers with missing values last in both directions', () => {
    assert.deepEqual(keys(sortRows(rows, { key: 'finalLoss', dir: 'asc' })), ['s-b', 's-a', 's-c', 'version:V3']);
    assert.deepEqual(keys(sortRows(rows, { key: 'finalLoss', dir: 'desc' })), ['s-a', 's-b', 's-c', 'version:V3']);
    assert.deepEqual(keys(sortRows(rows, { key: 'duration', dir: 'desc' })), ['s-a', 's-c', 's-b', 'version:V3']);
  });

  it('sorts dates, text (numeric-aware) and keeps ties in their order', () => {
    assert.deepEqual(keys(sortRows(rows, DEFAULT_SORT)), ['s-c', 's-b', 's-a', 'version:V3']);
    const named = buildRows([version('V10'), version('V9'), version('V1')], []);
    assert.deepEqual(sortRows(named, { key: 'version', dir: 'asc' }).map((r) => r.versionId), ['V1', 'V9', 'V10']);
    assert.deepEqual(keys(sortRows(rows, { key: 'backend', dir: 'asc' })), ['s-a', 's-c', 's-b', 'version:V3']);
    assert.deepEqual(keys(sortRows(rows, { key: 'status', dir: 'asc' })).slice(0, 2), ['s-a', 's-b']);
  });

  it('a click on the same header flips the direction; another column starts in its own direction', () => {
    assert.deepEqual(nextSort({ key: 'version', dir: 'asc' }, 'version'), { key: 'version', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'version', dir: 'desc' }, 'version'), { key: 'version', dir: 'asc' });
    assert.deepEqual(nextSort({ key: 'version', dir: 'asc' }, 'started'), { key: 'started', dir: 'desc' });
    assert.deepEqual(nextSort({ key: 'started', dir: 'desc' }, 'finalLoss'), { key: 'finalLoss', dir: 'asc' });
  });
});

describe('history tab: filtering and the compare selection', () => {
  const rows = buildRows(versions, sessions);
  it('filters by status and by every word of the text (version, session, tags, notes, backend)', () => {
    assert.deepEqual(filterRows(rows, { text: '', status: 'running' }).map((r) => r.key), ['s-c']);
    assert.deepEqual(filterRows(rows, { text: 'RUNPOD best', status: 'all' }).map((r) => r.key), ['s-b']);
    assert.deepEqual(filterRows(rows, { text: 'first', status: 'all' }).map((r) => r.key), ['s-a', 's-b']);
    assert.deepEqual(filterRows(rows, { text: 'v3', status: 'draft' }).map((r) => r.key), ['version:V3']);
    assert.deepEqual(filterRows(rows, { text: 'nothing-like-this', status: 'all' }), []);
  });
  it('the ticked versions, oldest first', () => {
    const newestFirst = [...versions].reverse();
    assert.deepEqual(compareSelection(newestFirst, new Set(['V2', 'V1'])), ['V1', 'V2']);
    assert.deepEqual(compareSelection(newestFirst, new Set(['V3', 'V1', 'V2'])), ['V1', 'V2', 'V3']);
    assert.deepEqual(compareSelection(newestFirst, new Set(['V9'])), []);
  });
});

describe('history tab: cell texts', () => {
  it('durations, losses, steps, parameters and tags', () => {
    assert.equal(formatDuration(null), '—');
    assert.equal(formatDuration(42.4), '42s');
    assert.equal(formatDuration(303), '5m 03s');
    assert.equal(formatDuration(7620), '2h 07m');
    assert.equal(formatDuration(3 * 86400 + 4 * 3600 + 59), '3d 04h');
    assert.equal(formatDuration(-1), '—');
    assert.equal(formatLoss(0.08123456), '0.0812');
    assert.equal(formatLoss(0.00001234), '1.23e-5');
    assert.equal(formatLoss(null), '—');
    assert.equal(formatSteps(340, 1200), '340/1200');
    assert.equal(formatSteps(null, null), '—');
    assert.equal(formatSteps(5, null), '5');
    assert.equal(formatParam('adamw'), 'adamw');
    assert.equal(formatParam(0.0001), '0.0001');
    assert.equal(formatParam([1, 2]), '[1,2]');
    assert.equal(formatParam(1, false), '—');
    assert.deepEqual(parseTags(' a, b ,, a,c '), ['a', 'b', 'c']);
    assert.deepEqual(parseTags(''), []);
  });
});

describe('shared history logic', () => {
  it('marks differing parameters, a missing key included', () => {
    const rows = parameterRows([{ lr: 1e-4, dim: 16, opt: 'adamw' }, { lr: 4e-4, dim: 16 }]);
    assert.deepEqual(rows.map((r) => [r.key, r.differs]), [['lr', true], ['dim', false], ['opt', true]]);
    assert.deepEqual(rows[2]!.present, [true, false]);
    assert.deepEqual(rows[2]!.values, ['adamw', null]);
    assert.equal(parameterRows([{ a: null }, {}])[0]!.differs, true);
    assert.equal(parameterRows([{ a: [1] }, { a: [1] }])[0]!.differs, false);
  });
  it('sums the attempts, a running one up to now', () => {
    const now = new Date('2025-01-01T02:00:00Z');
    assert.equal(trainingSeconds([], now), null);
    assert.equal(trainingSeconds([{ startedAt: '2025-01-01T00:00:00Z', endedAt: '2025-01-01T00:30:00Z' }, { startedAt: '2025-01-01T01:00:00Z', endedAt: null }], now), 5400);
    assert.equal(trainingSeconds([{ startedAt: 'garbage', endedAt: null }], now), 0);
  });
});
