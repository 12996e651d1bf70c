import { isAbsolute, join } from 'node:path';
import type { LaunchContext, LaunchSpec } from './types';

/**
 * Building blocks of the launch side: turning parameters into argv elements (never a shell
 * string), output names, TOML strings. Values reach argv literally: a value is one element, no
 * quoting, no splitting, no expansion.
 */

/** A launch cannot be built from this context (validate() reports the same problem first). */
export class TrainerLaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainerLaunchError';
  }
}

/** What `build` returns, or its TrainerLaunchError as `{ error }` (what buildResume answers with); other errors are thrown. */
export function launchOrError(build: () => LaunchSpec): LaunchSpec | { error: string } {
  try {
    return build();
  } catch (e) {
    if (e instanceof TrainerLaunchError) return { error: e.message };
    throw e;
  }
}

/** The key rule of parameter specs: a key becomes `--key`, so it must look like an option name. */
export const ARG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Environment for Python trainers: output unbuffered (progress arrives as it happens), UTF-8. */
export const PYTHON_ENV: Readonly<Record<string, string>> = Object.freeze({ PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' });

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A scalar parameter value as one argv string. */
export function argValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** Problems with a parameter set that would make its argv wrong; messages name the parameter. */
export function paramArgProblems(params: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (skip.has(key) || value === undefined || value === null || value === '' || value === false) continue;
    if (!ARG_KEY.test(key)) problems.push(`parameter "${key}": not usable as a command-line option name (letters, digits, "_", "." and "-", not starting with "-")`);
    if (typeof value === 'number' && !Number.isFinite(value)) problems.push(`${key}: must be a finite number`);
  }
  return problems;
}

/**
 * `--key value` for each parameter, in the parameters' order:
 * - null, undefined, '' and false are left out; true is a bare `--key`;
 * - numbers as JavaScript prints them (`0.0001`, `1e-7`), which Python reads back;
 * - a list gives `--key v1 v2 …` (argparse `nargs`), an object its JSON;
 * - a text value that starts with `-` (and is not a number) is passed as one `--key=value`
 *   element, so argparse cannot take it for an option.
 * Keys in `skip` are not passed. Throws TrainerLaunchError on a key that cannot be an option.
 */
export function paramArgs(params: Record<string, unknown>, skip: ReadonlySet<string> = new Set()): string[] {
  const problems = paramArgProblems(params, skip);
  if (problems.length) throw new TrainerLaunchError(problems.join('; '));
  const argv: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (skip.has(key) || value === undefined || value === null || value === '' || value === false) continue;
    const flag = `--${key}`;
    if (value === true) argv.push(flag);
    else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      argv.push(flag, ...value.map(argValue));
    } else {
      const text = argValue(value);
      if (text.startsWith('-') && !NUMERIC.test(text)) argv.push(`${flag}=${text}`);
      else argv.push(flag, text);
    }
  }
  return argv;
}

/** A safe file-name stem: what the trainer names its files after. */
export function safeName(text: string): string {
  const s = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 100);
  return s || 'model';
}

/** The output name: `params.output_name`, else the context's `outputName`, else the session id. */
export function outputNameOf(ctx: Partial<Pick<LaunchContext, 'params' | 'outputName' | 'sessionId'>>): string {
  const fromParams = ctx.params?.output_name;
  if (typeof fromParams === 'string' && fromParams.trim()) return fromParams.trim();
  if (ctx.outputName && ctx.outputName.trim()) return ctx.outputName.trim();
  return safeName(ctx.sessionId ?? 'model');
}

/** A TOML basic string ("…") holding `text` exactly. */
export function tomlString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0').toUpperCase()}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\uFFFD'; // a lone surrogate is not a Unicode scalar
    else out += ch;
  }
  return `${out}"`;
}

/** A path given relative to the workspace (when known), else as is. */
export function resolveFrom(base: string | undefined, path: string): string {
  return base && !isAbsolute(path) ? join(base, path) : path;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && NUMERIC.test(v.trim())) return Number(v.trim());
  return undefined;
}
