import { createHash } from 'node:crypto';
import type { Parameters } from '../model';

/** Small, total helpers for picking values out of untrusted parsed files. */

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Sets a key as an own data property. Plain `o[k] = v` with k = "__proto__" (which JSON.parse
 * happily produces) would change the object's prototype instead of adding a field.
 */
export function setKey(o: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A setter of `out`'s keys that leaves out empty values (undefined, null, ''): for lifting a tool's settings into flat parameters. */
export function setIfPresent(out: JsonObject): (key: string, value: unknown) => void {
  return (key, value) => {
    if (value !== undefined && value !== null && value !== '') setKey(out, key, value);
  };
}

/** A non-empty trimmed string; numbers are accepted (names like `2` happen). */
export function str(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A finite number, also from numeric text ("8e-4" is how FluxGym stores its learning rate). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && NUMERIC.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A non-negative whole number, or undefined. */
export function count(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** Numeric text becomes a number; anything else is returned unchanged. */
export function numberish(v: unknown): unknown {
  return typeof v === 'string' ? (num(v) ?? v) : v;
}

/** Object.assign without the "__proto__" trap (see setKey). */
export function assignKeys(target: JsonObject, source: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(source)) setKey(target, k, v);
  return target;
}

/** Drops undefined values; the remaining values came from JSON/YAML/TOML and fit the schema. */
export function toParameters(o: JsonObject): Parameters {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) setKey(out, k, v);
  return out as Parameters;
}

/** Secrets must never reach a workspace file (DESIGN.md): a key that ends in token/api key/secret/password. */
const SECRET_KEY = /(^|[_-])(token|api_?key|secret|password|passwd|access_?key)$/i;

/**
 * A deep copy with non-empty secret values replaced by "<redacted>". `found` collects the dotted
 * paths of what was redacted, so the plan can say so.
 */
export function redactSecrets(value: unknown, found: string[] = [], at = ''): unknown {
  if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, found, `${at}[${i}]`));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const here = at ? `${at}.${k}` : k;
    if (SECRET_KEY.test(k) && typeof v === 'string' && v.trim() !== '') {
      setKey(out, k, '<redacted>');
      found.push(here);
    } else {
      setKey(out, k, redactSecrets(v, found, here));
    }
  }
  return out;
}

/** JSON with sorted keys, so equal content always hashes the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A short content hash for source keys of files that have no identity of their own (presets). */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 10);
}

/** The last path segment and the one before it, for `/`- or `\`-separated paths. */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

export function parentName(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2]! : '';
}

export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? '' : path.slice(0, i);
}

/** `a/b` + `c` → `a/b/c`, always `/`-separated (paths in a plan are workspace-portable). */
export function joinPath(dir: string, name: string): string {
  const d = dir.replace(/\\/g, '/').replace(/\/+$/, '');
  return d ? `${d}/${name}` : name;
}

export function stem(path: string): string {
  return baseName(path).replace(/\.[^.]*$/, '');
}

export function posix(path: string): string {
  return path.replace(/\\/g, '/');
}
