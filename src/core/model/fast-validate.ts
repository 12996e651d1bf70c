import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { z } from 'zod';
import { FILE_SCHEMAS, type FileKind } from './schemas';

/**
 * A fast path for validating the files a workspace holds thousands of (sessions).
 *
 * zod is the one source of truth: the JSON Schema is generated from the zod schema and compiled
 * with Ajv, which validates (and fills defaults) several times faster. A file Ajv accepts is
 * used as Ajv left it; a file it refuses goes through zod, whose verdict and message count.
 * A property test checks that both agree on valid and mutated files, value for value.
 */
const FAST_KINDS: ReadonlySet<FileKind> = new Set(['session', 'runner']);

let ajv: Ajv2020 | undefined;
const compiled = new Map<FileKind, ValidateFunction | null>();

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod writes `X | null` as `anyOf: [X, { type: 'null' }]`, inside which Ajv applies no
 * defaults. The same constraint written as X with `type: [t, 'null']` lets Ajv fill X's
 * property defaults like zod does; nothing else changes.
 */
function flattenNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(flattenNullable);
  if (!isObj(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = flattenNullable(v);
  const any = out.anyOf;
  if (Array.isArray(any) && any.length === 2) {
    const nullIdx = any.findIndex((b) => isObj(b) && b.type === 'null' && Object.keys(b).length === 1);
    const other = any[1 - nullIdx];
    if (nullIdx >= 0 && isObj(other) && typeof other.type === 'string' && !('anyOf' in other) && !('oneOf' in other) && !('const' in other) && !('enum' in other)) {
      delete out.anyOf;
      return { ...other, ...out, type: [other.type, 'null'] };
    }
  }
  return out;
}

function validatorFor(kind: FileKind): ValidateFunction | null {
  let v = compiled.get(kind);
  if (v !== undefined) return v;
  try {
    ajv ??= new Ajv2020({ strict: false, allErrors: false, useDefaults: true, validateFormats: false, coerceTypes: false });
    v = ajv.compile(flattenNullable(z.toJSONSchema(FILE_SCHEMAS[kind], { io: 'input', unrepresentable: 'any' })) as object);
  } catch {
    v = null; // no code generation allowed here (or an unexpected schema): zod alone
  }
  compiled.set(kind, v);
  return v;
}

/**
 * Defaults that JSON Schema cannot apply (inside a union's branches, Ajv fills none), filled as
 * zod would.
 */
const FIXUPS: Partial<Record<FileKind, (value: Record<string, unknown>) => void>> = {
  session: (s) => {
    const backend = s.backend as Record<string, unknown>;
    if (backend.type === 'local' && backend.command === undefined) backend.command = [];
  },
};

/** The validated value when the fast path accepts `value` (which it fills in place), else undefined. */
export function fastValidate(kind: FileKind, value: unknown): unknown | undefined {
  if (!FAST_KINDS.has(kind)) return undefined;
  const validate = validatorFor(kind);
  if (!validate || !validate(value)) return undefined;
  FIXUPS[kind]?.(value as Record<string, unknown>);
  return value;
}
