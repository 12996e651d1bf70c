import { ID_RULE, isValidId, type Session, type Style, type Version } from '../core/model';
import type { StyleEntry, WorkspaceStore } from '../core/store';
import { failure, usageError } from './errors';

/**
 * Naming things on the command line: a style by its id, a version as `STYLE/VERSION` (or just
 * `VERSION` with `--style`). Malformed names are usage errors (exit 2); names the workspace
 * does not hold are failures (exit 1) that list what it does hold.
 */
export interface VersionRef {
  styleId: string;
  versionId: string;
}

export function checkId(id: string, what: string): string {
  if (!isValidId(id)) throw usageError(`${what} "${id}" is not a valid id: ${ID_RULE}`);
  return id;
}

export function parseVersionRef(text: string, defaultStyle: string | undefined, what = 'version'): VersionRef {
  const parts = text.split('/');
  if (parts.length === 2) {
    return { styleId: checkId(parts[0]!, `the style in ${what} "${text}",`), versionId: checkId(parts[1]!, `the version in ${what} "${text}",`) };
  }
  if (parts.length === 1 && defaultStyle) return { styleId: checkId(defaultStyle, '--style'), versionId: checkId(text, what) };
  if (parts.length === 1) throw usageError(`${what} "${text}" does not say its style: write STYLE/${text}, or add --style STYLE`);
  throw usageError(`${what} "${text}" is not STYLE/VERSION`);
}

export const refText = (ref: VersionRef) => `${ref.styleId}/${ref.versionId}`;

function listOrNone(ids: readonly string[], none: string): string {
  return ids.length ? ids.join(', ') : none;
}

/** A style of the workspace, or a failure that says why it is not there. */
export function requireStyle(store: WorkspaceStore, styleId: string): StyleEntry {
  const entry = store.getStyle(styleId);
  if (entry) return entry;
  const broken = store.problems().find((p) => p.styleId === styleId && (p.kind === 'style' || p.kind === 'folder'));
  if (broken) throw failure(`style "${styleId}" cannot be used: ${broken.displayPath}${broken.line ? `:${broken.line}:${broken.column}` : ''}: ${broken.message}`);
  const known = store.listStyles().map((s) => s.id);
  throw failure(`no style "${styleId}" (styles: ${listOrNone(known, 'none yet; create one with "trainlab style add"')})`);
}

/** The versions of a style, or a failure naming versions.json when that file cannot be used. */
export function requireVersions(entry: StyleEntry): Version[] {
  const p = entry.versionsProblem;
  if (p) throw failure(`${p.displayPath}${p.line ? `:${p.line}:${p.column}` : ''} cannot be used (${p.message}); fix it first (see "trainlab doctor")`);
  return entry.versions;
}

export function requireVersion(store: WorkspaceStore, ref: VersionRef): { style: Style; version: Version } {
  const entry = requireStyle(store, ref.styleId);
  const versions = requireVersions(entry);
  const version = versions.find((v) => v.id === ref.versionId);
  if (!version) {
    const known = store.listVersions(ref.styleId).map((v) => v.id);
    throw failure(`style "${ref.styleId}" has no version "${ref.versionId}" (versions: ${listOrNone(known, 'none yet')})`);
  }
  return { style: entry.style, version };
}

/**
 * A session named on the command line: by its id, or as `STYLE/VERSION` for that version's
 * newest session (DESIGN.md "The command line").
 */
export function requireSession(store: WorkspaceStore, text: string, what = 'session'): Session {
  if (text.includes('/')) {
    const ref = parseVersionRef(text, undefined, what);
    requireVersion(store, ref);
    const newest = store.newestSession(ref.styleId, ref.versionId);
    if (!newest) throw failure(`version ${refText(ref)} has no sessions yet; start one: trainlab start ${ref.styleId} ${ref.versionId}`);
    return newest;
  }
  checkId(text, `the ${what}`);
  const entry = store.getSession(text);
  if (entry) return entry.session;
  const broken = store.problems().find((p) => p.sessionId === text);
  if (broken) throw failure(`session "${text}" cannot be used: ${broken.displayPath}${broken.line ? `:${broken.line}:${broken.column}` : ''}: ${broken.message}`);
  const recent = store.listSessions({ limit: 3 }).map((s) => s.id);
  throw failure(`no session "${text}" (${recent.length ? `newest: ${recent.join(', ')}; see "trainlab sessions"` : 'the workspace has no sessions yet'}); name a session by its id or as STYLE/VERSION`);
}
