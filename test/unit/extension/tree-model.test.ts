import assert from 'node:assert/strict';
import type { WorkspaceStore } from '../../../src/core/store';
import type { TreeElement } from '../../../src/extension/tree/elements';
import { ActiveSessionsModel, StylesTreeModel, type TreeSource } from '../../../src/extension/tree/model';
import { copyFixture, loadFixture } from './helpers';

const labels = (model: StylesTreeModel | ActiveSessionsModel, els: TreeElement[]) => els.map((e) => model.row(e)?.label);

describe('tree models (pure, over the fixture store)', () => {
  let store: WorkspaceStore;
  let source: TreeSource;
  let model: StylesTreeModel;

  beforeEach(async () => {
    store = await loadFixture();
    source = { phase: 'ready', store };
    model = new StylesTreeModel(() => source);
    model.reset();
  });

  it('shows a loading row while loading, nothing without a root, a message when loading failed', () => {
    source = { phase: 'loading', store: undefined };
    assert.deepEqual(model.children().map((e) => e.kind), ['loading']);
    assert.equal(model.row(model.children()[0]!)?.icon.id, 'loading~spin');
    source = { phase: 'noRoot', store: undefined };
    assert.deepEqual(model.children(), []);
    source = { phase: 'failed', store: undefined, error: 'EACCES' };
    assert.match(model.row(model.children()[0]!)!.label, /EACCES/);
  });

  it('root: the styles, newest first', () => {
    const root = model.children();
    assert.deepEqual(labels(model, root), ['Dynamic Simplicity', 'Demo Lines', 'Broken Style']);
    const ds = model.row(root[0]!)!;
    assert.equal(ds.id, 'style:dynamic-simplicity');
    assert.equal(ds.description, 'kohya • SBai_style_16');
    assert.equal(ds.contextValue, 'trainlab.style');
    assert.equal(ds.collapsible, 'collapsed');
  });

  it('style: Versions, Datasets, then its error rows; a style with a broken file starts expanded', () => {
    const [ds, , broken] = model.children();
    assert.deepEqual(labels(model, model.children(ds)), ['Versions', 'Datasets']);
    const b = model.row(broken!)!;
    assert.equal(b.collapsible, 'expanded');
    assert.equal(b.description, '1 problem • kohya • brk_style');
    const kids = model.children(broken);
    assert.deepEqual(kids.map((k) => k.kind), ['versions', 'datasets', 'problem']);
    const problem = model.row(kids[2]!)!;
    assert.equal(problem.label, 'versions.json:7');
    assert.equal(problem.description, 'not valid JSON: comma expected');
    assert.equal(problem.contextValue, 'trainlab.problem');
    assert.equal(problem.command?.command, 'trainlab.openFile');
    assert.equal(problem.icon.id, 'bracket-error');
    assert.match(problem.tooltip!, /versions\\\.json:7:7/);
    assert.equal(model.row(kids[0]!)!.description, 'unreadable');
  });

  it('Versions: newest first, with the quick stats, status icons and context values', () => {
    const [versions, datasets] = model.children(model.children()[0]);
    assert.equal(model.row(versions!)!.description, '4');
    const rows = model.children(versions).map((e) => model.row(e)!);
    assert.deepEqual(rows.map((r) => r.label), ['V4', 'V3', 'V2', 'V1']);
    const v1 = rows[3]!;
    assert.equal(v1.description, '100 images • 1200 steps • Test with low LR');
    assert.deepEqual(v1.icon, { id: 'pass', color: 'testing.iconPassed' });
    assert.equal(v1.contextValue, 'trainlab.version:completed');
    assert.equal(v1.collapsible, 'collapsed');
    assert.match(v1.tooltip!, /Completed: 2025-10-12/);
    assert.match(v1.tooltip!, /style\\_16\\_vV1\\\.safetensors/);
    assert.deepEqual(rows.map((r) => r.icon.id), ['circle-outline', 'error', 'sync~spin', 'pass']);
    assert.deepEqual(rows.map((r) => r.contextValue), ['trainlab.version:draft', 'trainlab.version:failed', 'trainlab.version:running', 'trainlab.version:completed']);
    assert.equal(rows[0]!.collapsible, 'none'); // a draft has no sessions

    assert.deepEqual(model.children(datasets).map((e) => model.row(e)!.description), ['3 images • 3 captions', '2 images • 2 captions']);
  });

  it('version: its sessions with progress', () => {
    const versions = model.children(model.children()[0])[0]!;
    const [, , v2, v1] = model.children(versions);
    const s2 = model.children(v2).map((e) => model.row(e)!);
    assert.equal(s2.length, 1);
    // A RunPod session: its job's own state after the progress (the fixture's was never polled).
    assert.equal(s2[0]!.description, 'running • 340/1200 (28%) • loss 0.081 • RunPod not seen yet');
    assert.equal(s2[0]!.contextValue, 'trainlab.session:running:cancellable:runpod');
    assert.match(s2[0]!.tooltip!, /RunPod job: `sync-5f1c9a2e-8d3b-4c7e-9a61-2b0f7e3d4c11`/);
    assert.deepEqual(model.children(v1).map((e) => model.row(e)!.description), ['completed • 1200/1200 (100%) • loss 0.052', 'interrupted • 520/1200 (43%) • loss 0.094']);
    assert.deepEqual(model.children(v1).map((e) => model.row(e)!.icon.id), ['pass', 'debug-pause']);
  });

  it('parents lead back to the root, and elements are interned', () => {
    const style = model.children()[0]!;
    const versions = model.children(style)[0]!;
    const v2 = model.children(versions)[2]!;
    const session = model.children(v2)[0]!;
    assert.equal(model.parent(session), v2);
    assert.equal(model.parent(v2), versions);
    assert.equal(model.parent(versions), style);
    assert.equal(model.parent(style), undefined);
    assert.equal(model.children()[0], style, 'the same object for the same row');
  });

  it('refreshes only what a batch of events touches', () => {
    const style = model.children()[0]!;
    const versions = model.children(style)[0]!;
    const v2 = model.children(versions)[2]!;
    const session = model.children(v2)[0]!;
    const sid = '20251013-090215-7d4e2b';
    assert.deepEqual(model.refreshFor([{ type: 'session', change: 'changed', styleId: 'dynamic-simplicity', sessionId: sid }]), { all: false, elements: [session] });
    assert.deepEqual(model.refreshFor([{ type: 'versions', styleId: 'dynamic-simplicity' }]), { all: false, elements: [versions] });
    // A session and its style in one batch: the style covers both.
    assert.deepEqual(
      model.refreshFor([
        { type: 'session', change: 'changed', styleId: 'dynamic-simplicity', sessionId: sid },
        { type: 'style', change: 'changed', styleId: 'dynamic-simplicity' },
      ]),
      { all: false, elements: [style] },
    );
    assert.deepEqual(model.refreshFor([{ type: 'style', change: 'added', styleId: 'x' }]), { all: true });
    assert.deepEqual(model.refreshFor([{ type: 'runner', styleId: 'dynamic-simplicity', sessionId: sid }]), { all: false, elements: [] });
  });

  it('a style whose file breaks or heals refreshes that style only', async () => {
    const copy = await copyFixture();
    try {
      source = { phase: 'ready', store: copy.store };
      model.reset();
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      writeFileSync(join(copy.root, 'styles', 'demo-lines', 'versions.json'), '{ "schemaVersion": 1, "versions": [ }');
      const events = await copy.store.refreshPaths([join(copy.root, 'styles', 'demo-lines', 'versions.json')]);
      const r = model.refreshFor(events);
      assert.equal(r.all, false);
      assert.deepEqual(!r.all && r.elements.map((e) => e.key), ['style:demo-lines']);
      assert.equal(model.children(model.children()[1]).filter((e) => e.kind === 'problem').length, 1);
    } finally {
      copy.cleanup();
    }
  });

  it('Active Sessions: every pending or running session, labelled style / version', () => {
    const active = new ActiveSessionsModel(() => source);
    active.reset();
    const rows = active.children().map((e) => active.row(e)!);
    assert.deepEqual(rows.map((r) => r.label), ['Dynamic Simplicity / V2', 'Demo Lines / V2']);
    assert.deepEqual(rows.map((r) => r.description), ['running • 340/1200 (28%) • loss 0.081 • RunPod not seen yet', 'pending • RunPod not seen yet']);
    assert.deepEqual(rows.map((r) => r.icon.id), ['sync~spin', 'clock']);
    assert.equal(active.count(), 2);
    assert.notEqual(rows[0]!.id, 'session:20251013-090215-7d4e2b', 'ids differ from the Styles tree');
    // A progress update refreshes the row; nothing else changes.
    const r = active.refreshFor([{ type: 'session', change: 'changed', styleId: 'dynamic-simplicity', sessionId: '20251013-090215-7d4e2b' }]);
    assert.deepEqual(!r.all && r.elements.map((e) => e.key), ['active-session:20251013-090215-7d4e2b']);
  });
});
