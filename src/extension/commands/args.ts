/**
 * What a command was given: a tree element (from a menu or a click), a plain object with ids
 * and fields (keybindings, other extensions, tests), or nothing (the command palette).
 * Plain objects are checked with zod; nothing here imports `vscode`.
 */
import { z } from 'zod';
import type { SessionActionError } from '../../core/sessions';
import { isTreeElement, type TreeElement } from '../tree/elements';

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** A refusal with buttons that lead to the fix (e.g. "Set RunPod API Key"); each runs a command. */
export class UserErrorWithActions extends UserError {
  constructor(
    message: string,
    readonly actions: readonly { title: string; command: string }[],
  ) {
    super(message);
    this.name = 'UserErrorWithActions';
  }
}

/** Thrown when a person cancels a prompt: the command ends quietly. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export interface StyleRef {
  styleId: string;
}
export interface VersionRef extends StyleRef {
  versionId: string;
}
export interface SessionRef {
  sessionId: string;
}

/** No argument, or a row of our trees: the person is at the keyboard and may be asked. */
export function isInteractive(arg: unknown): boolean {
  return arg === undefined || arg === null || isTreeElement(arg);
}

const str = z.string().min(1);

export function styleRefOf(arg: unknown): StyleRef | undefined {
  if (isTreeElement(arg)) return 'styleId' in arg && arg.styleId ? { styleId: arg.styleId } : undefined;
  const p = z.looseObject({ styleId: str }).safeParse(arg);
  return p.success ? { styleId: p.data.styleId } : undefined;
}

export function versionRefOf(arg: unknown): VersionRef | undefined {
  if (isTreeElement(arg)) return arg.kind === 'version' || arg.kind === 'session' ? { styleId: arg.styleId, versionId: arg.versionId } : undefined;
  const p = z.looseObject({ styleId: str, versionId: str }).safeParse(arg);
  return p.success ? { styleId: p.data.styleId, versionId: p.data.versionId } : undefined;
}

export function sessionRefOf(arg: unknown): SessionRef | undefined {
  if (isTreeElement(arg)) return arg.kind === 'session' ? { sessionId: arg.sessionId } : undefined;
  const p = z.looseObject({ sessionId: str }).safeParse(arg);
  return p.success ? { sessionId: p.data.sessionId } : undefined;
}

/**
 * The fields of a plain-object argument, checked against `schema`; `{}` for a tree element or
 * no argument. A malformed object is a UserError naming the command and the field.
 */
export function fieldsOf<S extends z.ZodType>(command: string, schema: S, arg: unknown): z.infer<S> {
  if (arg === undefined || arg === null || isTreeElement(arg)) return schema.parse({}) as z.infer<S>;
  const p = schema.safeParse(arg);
  if (!p.success) {
    const issue = p.error.issues[0]!;
    const where = issue.path.length ? `"${issue.path.join('.')}"` : 'the argument';
    throw new UserError(`${command}: ${where} ${issue.message.replace(/^Invalid input: /, '')}.`);
  }
  return p.data as z.infer<S>;
}

const params = z.record(z.string(), z.unknown());

export const NewStyleArgs = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  triggerToken: z.string().optional(),
  trainer: z.string().optional(),
  description: z.string().optional(),
  defaults: params.optional(),
});

export const NewVersionArgs = z.looseObject({
  styleId: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  parameters: params.optional(),
  description: z.string().optional(),
  notes: z.string().optional(),
  tags: z.array(z.string()).optional(),
  datasetId: z.string().nullable().optional(),
});

export const NewVersionFromArgs = z.looseObject({
  styleId: z.string().optional(),
  versionId: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  parameters: params.optional(),
  description: z.string().optional(),
});

export const TextArgs = z.looseObject({ text: z.string().optional() });

export const TagsArgs = z.looseObject({ tags: z.array(z.string()).optional(), text: z.string().optional() });

export const DeleteVersionArgs = z.looseObject({ confirm: z.boolean().optional(), deleteSessions: z.boolean().optional() });

export const OpenFileArgs = z.looseObject({ path: z.string().optional(), line: z.number().int().positive().optional(), column: z.number().int().positive().optional() });

export const ExportArgs = z.looseObject({ path: z.string().optional() });

export const ImportArgs = z.looseObject({ path: z.string().optional(), styleId: z.string().optional() });

export const CancelArgs = z.looseObject({ confirm: z.boolean().optional() });

export const ExtendArgs = z.looseObject({ steps: z.number().int().positive().max(10_000_000).optional() });

/** `"500"` → 500; undefined for anything but a positive whole number. */
export function parseSteps(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n > 0 && n <= 10_000_000 ? n : undefined;
}

/** `a, b ,, c` → `['a', 'b', 'c']`, without duplicates. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((t) => t.trim()).filter(Boolean))];
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

export type { TreeElement };

/** A refused launch as one notification line: `demo/V1 cannot start: a: …; b: …`. */
export function refusalText(e: Pick<SessionActionError, 'message' | 'problems'>): string {
  if (!e.problems.length) return e.message;
  const head = e.message.split('\n')[0]!.replace(/:\s*$/, '');
  return `${head}: ${e.problems.join('; ')}`;
}
