import assert from 'node:assert/strict';
import { UiState } from '../../../src/extension/state';
import { MemoryMemento } from './helpers';

describe('UiState (workspaceState facade)', () => {
  it('stores per-style state under namespaced, versioned keys', async () => {
    const memento = new MemoryMemento();
    const ui = new UiState(memento);
    assert.deepEqual(ui.getStyleState('a'), {});
    await ui.updateStyleState('a', { selectedVersionId: 'V2' });
    await ui.updateStyleState('a', { advancedOpen: true });
    assert.deepEqual(ui.getStyleState('a'), { selectedVersionId: 'V2', advancedOpen: true });
    assert.deepEqual(memento.keys(), ['trainlab.ui.v1.style.a']);
    assert.deepEqual(ui.stylesWithState(), ['a']);
  });

  it('keeps every tab’s choices: console, history and samples (a closed panel gets them back)', async () => {
    const ui = new UiState(new MemoryMemento());
    const state = {
      activeTab: 'samples',
      console: { sessionId: 's-1', follow: false, scrollTop: 120, smoothing: 0.8 },
      history: { sort: { key: 'finalLoss', dir: 'asc' as const }, filterText: 'V1', filterStatus: 'completed' },
      samples: { mode: 'prompt' as const, prompt: 1, versionIds: ['V1', 'V2'] },
    };
    await ui.updateStyleState('a', state);
    assert.deepEqual(ui.getStyleState('a'), state);
  });

  it('reads a malformed value as nothing stored', async () => {
    const memento = new MemoryMemento();
    await memento.update('trainlab.ui.v1.style.a', { selectedVersionId: 42 });
    assert.deepEqual(new UiState(memento).getStyleState('a'), {});
  });

  it('resets one style and keeps the others', async () => {
    const memento = new MemoryMemento();
    const ui = new UiState(memento);
    await ui.updateStyleState('a', { activeTab: 'logs' });
    await ui.updateStyleState('b', { activeTab: 'params' });
    assert.equal(await ui.resetStyleState('a'), true);
    assert.equal(await ui.resetStyleState('a'), false);
    assert.deepEqual(ui.getStyleState('a'), {});
    assert.deepEqual(ui.getStyleState('b'), { activeTab: 'params' });
  });

  it('drops keys of older facade versions', async () => {
    const memento = new MemoryMemento();
    await memento.update('trainlab.ui.v0.style.a', { x: 1 });
    await memento.update('other.key', 1);
    assert.equal(await new UiState(memento).dropStaleKeys(), 1);
    assert.deepEqual(memento.keys(), ['other.key']);
  });

  it('remembers which session terminals were open, dropping bad values', async () => {
    const memento = new MemoryMemento();
    const ui = new UiState(memento);
    assert.deepEqual(ui.getOpenTerminals(), []);
    await ui.setOpenTerminals(['20260110-115500-a1b2c3', 'b', 'b']);
    assert.deepEqual(ui.getOpenTerminals(), ['20260110-115500-a1b2c3', 'b']);
    await memento.update(UiState.openTerminalsKey, ['../etc', 'ok']);
    assert.deepEqual(ui.getOpenTerminals(), [], 'a stored value that is not a list of ids reads as nothing');
    await ui.setOpenTerminals([]);
    assert.deepEqual(memento.keys(), []);
  });
});
