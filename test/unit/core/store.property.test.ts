import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { paths } from '../../../src/core/store';
import { newStore, tempWorkspace } from './helpers/tmp';

/** Valid files, which the mutations below start from. */
const STYLE = { schemaVersion: 1, id: 'p', name: 'Prop', triggerToken: 'tok', trainer: 'kohya', defaults: { network_dim: 16 }, createdAt: '2026-01-01T00:00:00.000Z' };
const VERSIONS = { schemaVersion: 1, versions: [{ id: 'V1', name: 'V1', createdAt: '2026-01-01T00:00:00.000Z', parameters: { learning_rate: 0.0001 }, status: 'completed', sessionIds: ['s1'] }] };
const SESSION = { schemaVersion: 1, id: 's1', styleId: 'p', versionId: 'V1', createdAt: '2026-01-01T00:00:00.000Z', backend: { type: 'local', command: ['x'] }, status: 'completed', progress: { step: 5, totalSteps: 10, updatedAt: '2026-01-01T00:00:00.000Z' } };

/** Text mutations of a valid file: truncation, byte flips, insertions, deletions. */
const mutatedText = (base: string) =>
  fc.oneof(
    fc.nat({ max: base.length }).map((n) => base.slice(0, n)),
    fc.tuple(fc.nat({ max: base.length - 1 }), fc.string({ minLength: 1, maxLength: 3 })).map(([i, s]) => base.slice(0, i) + s + base.slice(i + 1)),
    fc.tuple(fc.nat({ max: base.length }), fc.string({ maxLength: 8 })).map(([i, s]) => base.slice(0, i) + s + base.slice(i)),
  );

/** Structural mutations: a field set to any JSON value, or removed. */
const mutatedObject = (base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(base)), fc.option(fc.jsonValue(), { nil: undefined })).map(([key, value]) => {
    const copy: Record<string, unknown> = structuredClone(base);
    if (value === undefined) delete copy[key];
    else copy[key] = value;
    return JSON.stringify(copy);
  });

const fileText = (base: Record<string, unknown>) => fc.oneof(fc.constant(JSON.stringify(base)), mutatedText(JSON.stringify(base, null, 2)), mutatedObject(base), fc.json(), fc.string());

describe('store properties (random and mutated files)', function () {
  this.timeout(120_000);

  it('never throws, reports every unusable file, and never overwrites one', async () => {
    await fc.assert(
      fc.asyncProperty(fileText(STYLE), fileText(VERSIONS), fileText(SESSION), async (styleText, versionsText, sessionText) => {
        const ws = tempWorkspace();
        try {
          mkdirSync(paths.sessionDir(ws.root, 'p', 's1'), { recursive: true });
          writeFileSync(paths.style(ws.root, 'p'), styleText);
          writeFileSync(paths.versions(ws.root, 'p'), versionsText);
          writeFileSync(paths.session(ws.root, 'p', 's1'), sessionText);
          const store = await newStore(ws.root);
          const problemPaths = new Set(store.problems().map((p) => p.path));
          for (const p of store.problems()) {
            assert.ok(p.message.length > 0 && !p.message.includes('\n'), 'one-sentence reason');
            if (p.line !== undefined) assert.ok(p.line >= 1 && (p.column ?? 1) >= 1);
          }
          const styleOk = store.getStyle('p') !== undefined;
          assert.equal(styleOk, !problemPaths.has(paths.style(ws.root, 'p')), 'a style is either indexed or reported');
          assert.equal(store.getSession('s1') !== undefined, !problemPaths.has(paths.session(ws.root, 'p', 's1')), 'a session is either indexed or reported');
          // Writes through the API either succeed on usable files or are refused; never a torn or replaced bad file.
          const attempts = [
            () => store.updateStyle('p', (s) => { s.description = 'x'; }),
            () => store.addVersion('p', {}),
            () => store.updateSession('s1', (s) => { s.notes = 'n'; }),
          ];
          for (const attempt of attempts) await attempt().catch((e: Error) => assert.ok(e.message.length > 0));
          if (problemPaths.has(paths.style(ws.root, 'p'))) assert.equal(readFileSync(paths.style(ws.root, 'p'), 'utf8'), styleText);
          if (problemPaths.has(paths.versions(ws.root, 'p'))) assert.equal(readFileSync(paths.versions(ws.root, 'p'), 'utf8'), versionsText);
          if (problemPaths.has(paths.session(ws.root, 'p', 's1'))) assert.equal(readFileSync(paths.session(ws.root, 'p', 's1'), 'utf8'), sessionText);
        } finally {
          ws.cleanup();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('incremental refresh agrees with a full load for any sequence of file changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('style', 'versions', 'session'), fileText(SESSION)), { minLength: 1, maxLength: 6 }), async (changes) => {
        const ws = tempWorkspace();
        try {
          mkdirSync(paths.sessionDir(ws.root, 'p', 's1'), { recursive: true });
          writeFileSync(paths.style(ws.root, 'p'), JSON.stringify(STYLE));
          writeFileSync(paths.versions(ws.root, 'p'), JSON.stringify(VERSIONS));
          writeFileSync(paths.session(ws.root, 'p', 's1'), JSON.stringify(SESSION));
          const live = await newStore(ws.root);
          for (const [which, text] of changes) {
            const p = which === 'style' ? paths.style(ws.root, 'p') : which === 'versions' ? paths.versions(ws.root, 'p') : paths.session(ws.root, 'p', 's1');
            const content = which === 'style' ? (text.length % 2 ? JSON.stringify(STYLE) : text) : which === 'versions' ? (text.length % 2 ? JSON.stringify(VERSIONS) : text) : text;
            writeFileSync(p, content);
            await live.refreshPaths([p]);
          }
          const fresh = await newStore(ws.root);
          const view = (s: typeof live) => ({ styles: s.listStyles(), versions: s.listVersions('p'), sessions: s.listSessions(), problems: s.problems().map((p) => [p.path, p.message]) });
          assert.deepEqual(view(live), view(fresh));
        } finally {
          ws.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  });
});
