import assert from 'node:assert/strict';
import { sessionSchema, versionSchema, VERSION_STATUSES } from '../../../src/core/model';
import {
  escapeMarkdown,
  formatLoss,
  parameterSummary,
  problemLabel,
  sessionProgress,
  STATUS_ICONS,
  trainingLength,
  versionDescription,
  versionTooltip,
} from '../../../src/extension/tree/format';

const version = (over: object) => versionSchema.parse({ id: 'V1', name: 'V1', createdAt: '2025-10-12T07:27:21.532Z', ...over });
const session = (over: object) =>
  sessionSchema.parse({ schemaVersion: 1, id: 's1', styleId: 'a', versionId: 'V1', createdAt: '2025-10-12T07:27:21.532Z', backend: { type: 'local' }, status: 'running', ...over });

describe('tree formatting', () => {
  it('has an icon for every status, with the agreed codicons and colours', () => {
    for (const s of VERSION_STATUSES) assert.ok(STATUS_ICONS[s], s);
    assert.deepEqual(STATUS_ICONS.running, { id: 'sync~spin', color: 'charts.orange' });
    assert.deepEqual(STATUS_ICONS.draft, { id: 'circle-outline', color: 'disabledForeground' });
    assert.deepEqual(STATUS_ICONS.interrupted, { id: 'debug-pause', color: 'charts.yellow' });
  });

  it("a version's quick stats follow the seed", () => {
    assert.equal(versionDescription(version({ imageCount: 100, parameters: { max_train_steps: 1200 }, description: 'Test with low LR' })), '100 images • 1200 steps • Test with low LR');
    assert.equal(versionDescription(version({ parameters: { max_train_steps: 1 } }), 1), '1 image • 1 step');
    assert.equal(versionDescription(version({ parameters: { max_train_epochs: 10, max_train_steps: 99 } })), '10 epochs');
    assert.equal(versionDescription(version({ description: 'first line\nsecond' })), 'first line');
    assert.equal(versionDescription(version({})), '');
  });

  it("a session's progress", () => {
    const p = (progress: object | null) => sessionProgress(session({ progress: progress && { updatedAt: '2025-10-12T07:27:21.532Z', ...progress } }));
    assert.equal(p({ step: 340, totalSteps: 1200, loss: 0.081 }), 'running • 340/1200 (28%) • loss 0.081');
    assert.equal(p({ step: 12 }), 'running • step 12');
    assert.equal(p(null), 'running');
    assert.equal(p({ step: 1300, totalSteps: 1200 }), 'running • 1300/1200 (100%)');
  });

  it('formats losses, steps and parameters', () => {
    assert.equal(formatLoss(0.0812), '0.081');
    assert.equal(formatLoss(0.00042), '0.00042');
    assert.equal(formatLoss(2.5), '2.500');
    assert.equal(trainingLength({}), undefined);
    const { shown, more } = parameterSummary({ zeta: 1, learning_rate: 0.0001, max_train_steps: 1200 }, 2);
    assert.deepEqual(shown, [['learning_rate', '0.0001'], ['max_train_steps', '1200']]);
    assert.equal(more, 1);
  });

  it('escapes user text in tooltips', () => {
    assert.equal(escapeMarkdown('[x](javascript:alert) *b* $(zap)'), '\\[x\\]\\(javascript:alert\\) \\*b\\* \\$\\(zap\\)');
    const tip = versionTooltip(version({ description: '<img src=x>', modelUrl: 'javascript:alert(1)' }), undefined);
    assert.ok(tip.includes('\\<img src=x\\>'), 'HTML is escaped');
    assert.ok(!tip.includes('](javascript'), 'only http(s) URLs become links');
  });

  it('labels problems relative to their style', () => {
    const p = { path: '/w/trainlab/styles/a/versions.json', displayPath: 'trainlab/styles/a/versions.json', line: 7, column: 7, message: 'm', kind: 'versions' as const };
    assert.equal(problemLabel(p, true), 'versions.json:7');
    assert.equal(problemLabel(p, false), 'trainlab/styles/a/versions.json:7');
    assert.equal(problemLabel({ ...p, line: undefined }, true), 'versions.json');
  });
});
