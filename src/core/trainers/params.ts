import { z } from 'zod';
import type { ParamSpecInput } from '../model/schemas';

/**
 * A trainer's parameters, declared as data: enough to validate a value (CLI `--set`, the
 * panel's form as one types) and to draw a form field. One spec drives both, so the form and
 * the validation can never disagree.
 */
export type ParamSpec = ParamSpecInput;
export type ParamValue = string | number | boolean | null;

export interface ParamError {
  key: string;
  message: string;
}

function describeRange(spec: ParamSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return ` of at least ${spec.min}`;
  if (spec.max !== undefined) return ` of at most ${spec.max}`;
  return '';
}

/** Checks one value against its spec; returns the message a person sees beside the field. */
export function checkParam(spec: ParamSpec, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return spec.required ? 'required' : undefined;
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const ok = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value));
      const inRange = ok && (spec.min === undefined || (value as number) >= spec.min) && (spec.max === undefined || (value as number) <= spec.max);
      if (!ok || !inRange) return `must be ${spec.type === 'integer' ? 'a whole number' : 'a number'}${describeRange(spec)}`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enum': {
      const values = spec.values ?? [];
      return typeof value === 'string' && values.some((v) => v.toLowerCase() === value.toLowerCase()) ? undefined : `must be one of: ${values.join(', ')}`;
    }
    case 'string':
      return typeof value === 'string' ? undefined : 'must be text';
  }
}

/**
 * Validates a parameter set. Keys the trainer does not declare are allowed and kept (trainers
 * take many more options than any form shows), but reported by `unknownKeys`.
 */
export function validateParameters(specs: readonly ParamSpec[], params: Record<string, unknown>): ParamError[] {
  const errors: ParamError[] = [];
  for (const spec of specs) {
    const message = checkParam(spec, params[spec.key]);
    if (message) errors.push({ key: spec.key, message });
  }
  return errors;
}

export function unknownKeys(specs: readonly ParamSpec[], params: Record<string, unknown>): string[] {
  const known = new Set(specs.map((s) => s.key));
  return Object.keys(params).filter((k) => !known.has(k));
}

/** A zod schema of the parameter object (loose: undeclared keys pass through). */
export function paramsZodSchema(specs: readonly ParamSpec[]): z.ZodType<Record<string, unknown>> {
  return z.record(z.string(), z.unknown()).superRefine((params, ctx) => {
    for (const e of validateParameters(specs, params)) ctx.addIssue({ code: 'custom', path: [e.key], message: e.message });
  });
}

/** The trainer's defaults, as a new version starts with them. */
export function defaultsOf(specs: readonly ParamSpec[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const s of specs) if (s.default !== undefined && s.default !== null) out[s.key] = s.default;
  return out;
}

/** Infers a type for a value of an undeclared key given as text (`--set foo=3`). */
function inferValue(raw: string): ParamValue {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (raw.trim() !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())) return Number(raw);
  return raw;
}

/**
 * Turns `value` text into the parameter's type, or says why it cannot. Enum values are matched
 * without regard to case and stored in the trainer's spelling.
 */
export function coerceParam(spec: ParamSpec | undefined, raw: string): { ok: true; value: ParamValue } | { ok: false; message: string } {
  if (!spec) return { ok: true, value: inferValue(raw) };
  if (raw === '' && !spec.required) return { ok: true, value: null };
  let value: ParamValue = raw;
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(n)) return { ok: false, message: `${spec.key}: "${raw}" is not a number` };
      value = n;
      break;
    }
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (!['true', 'false', 'yes', 'no', '1', '0', 'on', 'off'].includes(t)) return { ok: false, message: `${spec.key}: "${raw}" is not true or false` };
      value = ['true', 'yes', '1', 'on'].includes(t);
      break;
    }
    case 'enum':
      value = spec.values?.find((v) => v.toLowerCase() === raw.trim().toLowerCase()) ?? raw;
      break;
    case 'string':
      break;
  }
  const message = checkParam(spec, value);
  return message ? { ok: false, message: `${spec.key}: ${message} (got "${raw}")` } : { ok: true, value };
}

/** Parses `key=value` as given to `--set`. */
export function parseAssignment(text: string): { key: string; raw: string } | undefined {
  const i = text.indexOf('=');
  if (i <= 0) return undefined;
  return { key: text.slice(0, i).trim(), raw: text.slice(i + 1) };
}
