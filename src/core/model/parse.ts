import { findNodeAtLocation, parseTree, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { z } from 'zod';
import { fastValidate } from './fast-validate';
import { migrate } from './migrations';
import { FILE_SCHEMAS, type FileKind } from './schemas';

/** Where and why a file could not be used. Shown in the tree and by `trainlab doctor`. */
export interface FileProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T; migratedFrom: number | null } | { ok: false; problem: FileProblem };

/** Larger JSON files are refused unread: no workspace file of ours is anywhere near this. */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** JSON.parse is fast but vague about where; on failure ask jsonc-parser for the exact spot. */
function syntaxProblem(path: string, text: string): FileProblem {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (!first) return { path, message: 'the file is not valid JSON' };
  const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { path, ...lineColumn(text, first.offset), message: `not valid JSON: ${what}` };
}

/** Where the value at a JSON path starts in the text (its property, for an object member). */
export function locateJsonPath(text: string, path: readonly PropertyKey[]): { line: number; column: number } | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  let node = findNodeAtLocation(tree, path as (string | number)[]);
  for (let i = path.length - 1; !node && i >= 0; i--) node = findNodeAtLocation(tree, path.slice(0, i) as (string | number)[]);
  if (!node) return undefined;
  return lineColumn(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
}

function schemaProblem(path: string, text: string, error: z.ZodError, migrated: boolean): FileProblem {
  const issue = error.issues[0]!;
  const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  // Locations point into the text as written; after a migration the paths may not exist in it.
  const pos = locateJsonPath(text, issue.path);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})` : '';
  return { path, ...pos, message: `${where}: ${issue.message}${more}${migrated ? ' (after upgrading an older file)' : ''}` };
}

/** Parses and validates the text of a workspace file of the given kind. Never throws. */
export function parseFileText<K extends FileKind>(kind: K, path: string, text: string): ParseResult<z.infer<(typeof FILE_SCHEMAS)[K]>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    if (text.trim() === '') return { ok: false, problem: { path, message: 'the file is empty' } };
    return { ok: false, problem: syntaxProblem(path, text) };
  }
  const migrated = migrate(kind, raw);
  if (!migrated.ok) return { ok: false, problem: { path, line: 1, column: 1, message: migrated.message } };
  // Ajv (generated from the zod schema) is the fast path for valid files; zod decides the rest.
  const fast = migrated.migratedFrom === null ? fastValidate(kind, migrated.value) : undefined;
  if (fast !== undefined) return { ok: true, value: fast as z.infer<(typeof FILE_SCHEMAS)[K]>, migratedFrom: null };
  const result = FILE_SCHEMAS[kind].safeParse(migrated.value);
  if (!result.success) return { ok: false, problem: schemaProblem(path, text, result.error, migrated.migratedFrom !== null) };
  return { ok: true, value: result.data as z.infer<(typeof FILE_SCHEMAS)[K]>, migratedFrom: migrated.migratedFrom };
}
