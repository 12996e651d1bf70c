import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FolderEntry, ImportPlan, ReadOptions } from '../../../src/core/import';
import { sessionSchema, styleSchema, versionSchema } from '../../../src/core/model';

/** The import fixtures; mocha runs from the repository root (.mocharc.json). */
export const FIXTURES = resolve('test/fixtures/import');

export function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

/** What readImportPath would hand a reader for a fixture: its folder's listing and companions. */
export function contextOf(rel: string, extra: ReadOptions = {}): ReadOptions {
  const dir = join(FIXTURES, rel, '..');
  const siblings: FolderEntry[] = readdirSync(dir)
    .sort()
    .map((name) => ({ name, isDirectory: statSync(join(dir, name)).isDirectory() }));
  const companions: Record<string, string> = {};
  for (const name of ['train.sh', 'train.bat', 'dataset.toml']) {
    if (siblings.some((s) => s.name === name)) companions[name] = readFileSync(join(dir, name), 'utf8');
  }
  return { siblings, companions, modifiedAt: '2025-02-01T12:00:00.000Z', ...extra };
}

/**
 * Every style, version and session of a plan must be writable as a workspace file: checked
 * with the model's own schemas, with the ids the store would give (the suggested ones).
 */
export function assertWritable(plan: ImportPlan): void {
  assert.ok(Array.isArray(plan.styles) && Array.isArray(plan.versions) && Array.isArray(plan.sessions));
  assert.ok(Array.isArray(plan.problems) && Array.isArray(plan.notes));
  for (const p of plan.problems) {
    assert.equal(typeof p.path, 'string');
    assert.ok(typeof p.message === 'string' && p.message.length > 0 && !p.message.includes('\n'), `one-sentence problem: ${p.message}`);
  }
  for (const s of plan.styles) {
    const r = styleSchema.safeParse({ schemaVersion: 1, ...s });
    assert.ok(r.success, `style ${s.id}: ${r.success ? '' : r.error.message}`);
  }
  const versionIds = new Map<string, string>();
  for (const v of plan.versions) {
    assert.ok(plan.styles.some((s) => s.id === v.styleId), `version ${v.name} has its style in the plan`);
    const { styleId: _s, sourceKey: _k, suggestedId, source: _src, imported: _i, ...fields } = v;
    const r = versionSchema.safeParse({ ...fields, id: suggestedId, sessionIds: [] });
    assert.ok(r.success, `version ${v.name}: ${r.success ? '' : r.error.message}`);
    versionIds.set(`${v.styleId}\u0000${v.sourceKey}`, suggestedId);
  }
  plan.sessions.forEach((s, i) => {
    const versionId = versionIds.get(`${s.styleId}\u0000${s.versionSourceKey}`);
    assert.ok(versionId, `session ${s.sourceKey} belongs to a version of the plan`);
    const { versionSourceKey: _v, sourceKey: _k, source, imported: _i, ...fields } = s;
    const r = sessionSchema.safeParse({
      schemaVersion: 1,
      ...fields,
      id: `imported-${i}`,
      versionId,
      origin: { type: 'import', source },
      notes: '',
      tags: [],
    });
    assert.ok(r.success, `session ${s.sourceKey}: ${r.success ? '' : r.error.message}`);
  });
}

/** Plans without the parts that legitimately vary between reads (none should): for equality checks. */
export function keysOf(plan: ImportPlan): { versions: string[]; sessions: string[] } {
  return { versions: plan.versions.map((v) => v.sourceKey), sessions: plan.sessions.map((s) => s.sourceKey) };
}
