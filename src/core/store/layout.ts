import { join, relative, sep } from 'node:path';
import { isValidId } from '../model/ids';

/**
 * Where each file lives under the `trainlab/` root (DESIGN.md "Files in the workspace"),
 * and the reverse: what a changed path is, so the watcher reloads only that one thing.
 */
export const STYLES_DIR = 'styles';
export const TRAINERS_DIR = 'trainers';

export const paths = {
  stylesDir: (root: string) => join(root, STYLES_DIR),
  trainersDir: (root: string) => join(root, TRAINERS_DIR),
  trainer: (root: string, name: string) => join(root, TRAINERS_DIR, `${name}.json`),
  styleDir: (root: string, styleId: string) => join(root, STYLES_DIR, styleId),
  style: (root: string, styleId: string) => join(root, STYLES_DIR, styleId, 'style.json'),
  versions: (root: string, styleId: string) => join(root, STYLES_DIR, styleId, 'versions.json'),
  datasetsDir: (root: string, styleId: string) => join(root, STYLES_DIR, styleId, 'datasets'),
  dataset: (root: string, styleId: string, datasetId: string) => join(root, STYLES_DIR, styleId, 'datasets', datasetId),
  sessionsDir: (root: string, styleId: string) => join(root, STYLES_DIR, styleId, 'sessions'),
  sessionDir: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId),
  session: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId, 'session.json'),
  runner: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId, 'runner.json'),
  consoleLog: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId, 'console.log'),
  metrics: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId, 'metrics.jsonl'),
  output: (root: string, styleId: string, sessionId: string) => join(root, STYLES_DIR, styleId, 'sessions', sessionId, 'output'),
};

/** What a path under the root is, as far as the index cares. */
export type PathInfo =
  | { what: 'stylesDir' }
  | { what: 'styleDir' | 'style' | 'versions'; styleId: string }
  | { what: 'datasetsDir'; styleId: string }
  | { what: 'dataset'; styleId: string; datasetId: string }
  | { what: 'sessionsDir'; styleId: string }
  | { what: 'sessionDir' | 'session' | 'runner'; styleId: string; sessionId: string }
  | { what: 'trainersDir' }
  | { what: 'trainer'; name: string };

/**
 * Classifies a path; null for anything the index ignores (logs, outputs, temporary files,
 * lock folders). Segments that are not valid ids are classified too (so a bad folder name
 * becomes a reported problem rather than a silent gap); the store checks them.
 */
export function classify(root: string, absPath: string): PathInfo | null {
  const rel = relative(root, absPath);
  if (rel === '' || rel.startsWith('..')) return null;
  const seg = rel.split(sep);
  if (seg[0] === TRAINERS_DIR) {
    if (seg.length === 1) return { what: 'trainersDir' };
    if (seg.length === 2 && seg[1]!.endsWith('.json')) return { what: 'trainer', name: seg[1]!.slice(0, -5) };
    return null;
  }
  if (seg[0] !== STYLES_DIR) return null;
  if (seg.length === 1) return { what: 'stylesDir' };
  const styleId = seg[1]!;
  if (seg.length === 2) return { what: 'styleDir', styleId };
  const third = seg[2]!;
  if (seg.length === 3) {
    if (third === 'style.json') return { what: 'style', styleId };
    if (third === 'versions.json') return { what: 'versions', styleId };
    if (third === 'datasets') return { what: 'datasetsDir', styleId };
    if (third === 'sessions') return { what: 'sessionsDir', styleId };
    return null;
  }
  if (third === 'datasets') {
    // A dataset folder or a file directly in it (images and captions change its counts).
    if (seg.length === 4 || seg.length === 5) return { what: 'dataset', styleId, datasetId: seg[3]! };
    return null;
  }
  if (third === 'sessions') {
    const sessionId = seg[3]!;
    if (seg.length === 4) return { what: 'sessionDir', styleId, sessionId };
    if (seg.length === 5 && seg[4] === 'session.json') return { what: 'session', styleId, sessionId };
    if (seg.length === 5 && seg[4] === 'runner.json') return { what: 'runner', styleId, sessionId };
  }
  return null;
}

/** True for paths the watcher need not look at at all (high-churn logs, outputs, temp files). */
export function isIgnoredPath(root: string, absPath: string): boolean {
  const rel = relative(root, absPath);
  if (rel === '' ) return false;
  if (rel.startsWith('..')) return true;
  const seg = rel.split(sep);
  const last = seg[seg.length - 1]!;
  if (last.endsWith('.lock') || last.startsWith('.')) return true;
  if (seg[0] === STYLES_DIR && seg[2] === 'sessions' && seg.length >= 5) return !(seg.length === 5 && (last === 'session.json' || last === 'runner.json'));
  if (seg[0] === STYLES_DIR && seg[2] === 'datasets' && seg.length > 5) return true;
  return false;
}

export { isValidId };
