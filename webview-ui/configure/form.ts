/**
 * The parameter form as data: fields generated from the trainer's ParamSpecs, values as the
 * person typed them, each checked with the core's own `checkParam` (the message shown beside
 * the field is the one the CLI and the extension give). Pure: unit-tested in plain Node.
 */
import { checkParam } from '../../src/core/trainers/params';
import type { FormDraft, PanelParamSpec } from '../../src/shared/panel-protocol';

/** What a field holds while it is edited: text, or a checkbox's state. */
export type RawValue = string | boolean;
export type FieldKind = 'text' | 'number' | 'checkbox' | 'select';

export interface FieldModel {
  spec: PanelParamSpec;
  key: string;
  label: string;
  kind: FieldKind;
  advanced: boolean;
}

export function fieldKind(spec: PanelParamSpec): FieldKind {
  switch (spec.type) {
    case 'boolean':
      return 'checkbox';
    case 'enum':
      return 'select';
    case 'integer':
    case 'number':
      return 'number';
    default:
      return 'text';
  }
}

/** Basic fields first (in the trainer's order), then the advanced ones. */
export function formFields(specs: readonly PanelParamSpec[]): { basic: FieldModel[]; advanced: FieldModel[] } {
  const all = specs.map((spec) => ({ spec, key: spec.key, label: spec.label ?? spec.key, kind: fieldKind(spec), advanced: !!spec.advanced }));
  return { basic: all.filter((f) => !f.advanced), advanced: all.filter((f) => f.advanced) };
}

/** A stored value as the field shows it. */
export function rawFromValue(spec: PanelParamSpec, value: unknown): RawValue {
  if (spec.type === 'boolean') return value === undefined || value === null ? spec.default === true : value === true;
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' && spec.type === 'enum') return spec.values?.find((v) => v.toLowerCase() === value.toLowerCase()) ?? value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** What a field's text means as a parameter: a number where it reads as one, null when empty. */
export function valueFromRaw(spec: PanelParamSpec, raw: RawValue): unknown {
  if (spec.type === 'boolean') return raw === true;
  const text = typeof raw === 'string' ? raw : String(raw);
  if (text.trim() === '') return null;
  if ((spec.type === 'integer' || spec.type === 'number') && NUMBER.test(text.trim())) return Number(text.trim());
  return text;
}

/** The message shown beside the field, or undefined when the value is acceptable. */
export function fieldError(spec: PanelParamSpec, raw: RawValue): string | undefined {
  return checkParam(spec, valueFromRaw(spec, raw));
}

export function formValues(specs: readonly PanelParamSpec[], params: Record<string, unknown>): Record<string, RawValue> {
  const out: Record<string, RawValue> = {};
  for (const s of specs) out[s.key] = rawFromValue(s, params[s.key]);
  return out;
}

/** Every invalid field with its message, in form order. */
export function formErrors(specs: readonly PanelParamSpec[], values: Record<string, RawValue>): { key: string; label: string; message: string }[] {
  const out: { key: string; label: string; message: string }[] = [];
  for (const s of specs) {
    const message = fieldError(s, values[s.key] ?? rawFromValue(s, undefined));
    if (message) out.push({ key: s.key, label: s.label ?? s.key, message });
  }
  return out;
}

/**
 * The parameter object the form stands for: the base's parameters (keys no field shows are
 * kept as they are), with each field's value; an emptied field removes its key.
 */
export function formParameters(specs: readonly PanelParamSpec[], values: Record<string, RawValue>, base: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const s of specs) {
    if (!(s.key in values)) continue;
    const v = valueFromRaw(s, values[s.key]!);
    // A checkbox left at the trainer's default adds no key the base did not have.
    if (s.type === 'boolean' && base[s.key] === undefined && v === (s.default === true)) continue;
    if (v === null) delete out[s.key];
    else out[s.key] = v;
  }
  return out;
}

/** Whether the form differs from what it was loaded from. */
export function isDirty(specs: readonly PanelParamSpec[], draft: Pick<FormDraft, 'values' | 'datasetId' | 'description'>, base: { parameters: Record<string, unknown>; datasetId: string | null; description: string }): boolean {
  if (draft.datasetId !== base.datasetId || draft.description !== base.description) return true;
  const baseValues = formValues(specs, base.parameters);
  return specs.some((s) => (draft.values[s.key] ?? rawFromValue(s, undefined)) !== baseValues[s.key]);
}
