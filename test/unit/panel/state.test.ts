import assert from 'node:assert/strict';
import { mergeUiState, readUiState } from '../../../src/shared/panel-state';
import { UiState } from '../../../src/extension/state';
import { MemoryMemento } from '../extension/helpers';

describe('panel state merge', () => {
  it('the newer copy wins field by field, the older fills gaps', () => {
    const older = { selectedVersionId: 'V1', activeTab: 'configure' as const, advancedOpen: true, savedAt: 10 };
    const newer = { selectedVersionId: 'V2', savedAt: 20 };
    assert.deepEqual(mergeUiState(older, newer), { selectedVersionId: 'V2', activeTab: 'configure', advancedOpen: true, savedAt: 20 });
    assert.deepEqual(mergeUiState(newer, older), { selectedVersionId: 'V2', activeTab: 'configure', advancedOpen: true, savedAt: 20 });
  });

  it('a copy without a time is the older one; undefined copies are empty', () => {
    assert.deepEqual(mergeUiState({ selectedVersionId: 'V1' }, { selectedVersionId: 'V3', savedAt: 1 }).selectedVersionId, 'V3');
    assert.deepEqual(mergeUiState(undefined, undefined), {});
    assert.deepEqual(mergeUiState({ advancedOpen: false }, undefined), { advancedOpen: false });
  });

  it('a cleared draft (null) in the newer copy stays cleared', () => {
    const draft = { base: 'V1', values: { a: '1' }, datasetId: null, description: '' };
    assert.equal(mergeUiState({ draft, savedAt: 1 }, { draft: null, savedAt: 2 }).draft, null);
  });

  it('reads stored values field by field; junk reads as nothing', () => {
    assert.deepEqual(readUiState({ activeTab: 'logs', advancedOpen: true, selectedVersionId: 42 }), { advancedOpen: true });
    assert.deepEqual(readUiState('x'), {});
    assert.deepEqual(readUiState(null), {});
    assert.deepEqual(readUiState([1]), {});
  });

  it('the workspaceState facade keeps the panel state, and Reset clears it', async () => {
    const ui = new UiState(new MemoryMemento());
    const draft = { base: 'V1', values: { network_dim: 'abc' }, datasetId: 'set-1', description: 'd' };
    await ui.updateStyleState('s', { selectedVersionId: 'V1', activeTab: 'configure', advancedOpen: true, draft, savedAt: 3 });
    assert.deepEqual(readUiState(ui.getStyleState('s')), { selectedVersionId: 'V1', activeTab: 'configure', advancedOpen: true, draft, savedAt: 3 });
    await ui.resetStyleState('s');
    assert.deepEqual(ui.getStyleState('s'), {});
  });
});
