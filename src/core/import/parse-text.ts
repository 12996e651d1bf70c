import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parse as parseTomlText } from 'smol-toml';
import { parseDocument } from 'yaml';
import { lineColumn, type FileProblem } from '../model';
import { isObject, setKey, type JsonObject } from './values';

/**
 * Parsing of the three text formats other tools use, into plain JSON-like values, with a
 * one-sentence problem (and line/column where the parser knows it) instead of an exception.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: FileProblem };

const fail = (path: string, message: string, line?: number, column?: number): { ok: false; problem: FileProblem } => ({
  ok: false,
  problem: line !== undefined ? { path, line, column, message } : { path, message },
});

/** Windows editors like to start files with a byte-order mark, which JSON.parse refuses. */
const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Cache of the last parse: detect() and read() of several readers look at the same text. */
let lastJson: { text: string; result: Parsed<unknown> } | undefined;

export function parseJson(path: string, text: string): Parsed<unknown> {
  if (lastJson && lastJson.text === text) return withPath(lastJson.result, path);
  const result = parseJsonUncached(text);
  lastJson = { text, result };
  return withPath(result, path);
}

function withPath<T>(r: Parsed<T>, path: string): Parsed<T> {
  return r.ok ? r : { ok: false, problem: { ...r.problem, path } };
}

function parseJsonUncached(raw: string): Parsed<unknown> {
  const text = stripBom(raw);
  if (text.trim() === '') return fail('', 'the file is empty');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // JSON.parse says little about where; jsonc-parser finds the exact spot.
    const errors: ParseError[] = [];
    parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
    const first = errors[0];
    if (!first) return fail('', 'not valid JSON');
    const what = printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
    const { line, column } = lineColumn(text, first.offset);
    return fail('', `not valid JSON: ${what}`, line, column);
  }
}

export function parseYaml(path: string, raw: string): Parsed<unknown> {
  const text = stripBom(raw);
  if (text.trim() === '') return fail(path, 'the file is empty');
  try {
    // maxAliasCount keeps a "billion laughs" file from eating the memory.
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false });
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const why = err.code === 'MULTIPLE_DOCS' ? 'the file holds more than one document' : firstSentence(err.message);
      return fail(path, `not valid YAML: ${why}`, pos?.line, pos?.col);
    }
    return { ok: true, value: toPlain(doc.toJS({ maxAliasCount: 100 })) };
  } catch (e) {
    return fail(path, `not valid YAML: ${firstSentence(e instanceof Error ? e.message : String(e))}`);
  }
}

export function parseToml(path: string, raw: string): Parsed<JsonObject> {
  const text = stripBom(raw);
  if (text.trim() === '') return fail(path, 'the file is empty');
  try {
    const value = toPlain(parseTomlText(text));
    return isObject(value) ? { ok: true, value } : fail(path, 'the TOML file holds no table');
  } catch (e) {
    const err = e as { message?: unknown; line?: unknown; column?: unknown };
    const line = typeof err.line === 'number' ? err.line : undefined;
    const column = typeof err.column === 'number' ? err.column : undefined;
    return fail(path, `not valid TOML: ${firstSentence(String(err.message ?? e))}`, line, column);
  }
}

/** Parser messages can span lines (with a code excerpt); the plan wants one sentence. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0]!.trim();
  return line.replace(/\s+at line \d+.*$/i, '').replace(/\.$/, '') || 'unreadable';
}

/**
 * Makes a parser's output JSON-like: dates become ISO text, big integers numbers or text,
 * non-finite numbers text; objects get own data properties only. Depth is bounded so a
 * pathological file cannot blow the stack of later code.
 */
export function toPlain(value: unknown, depth = 0): unknown {
  if (depth > 200) return null;
  if (value instanceof Date) {
    try {
      return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
    } catch {
      return String(value);
    }
  }
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
  if (value instanceof Map) {
    const out: JsonObject = {};
    for (const [k, v] of value) setKey(out, String(k), toPlain(v, depth + 1));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) setKey(out, k, toPlain(v, depth + 1));
    return out;
  }
  if (typeof value === 'undefined' || typeof value === 'function' || typeof value === 'symbol') return null;
  return value;
}
