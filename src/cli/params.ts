import type { WorkspaceStore } from '../core/store';
import { coerceParam, findTrainer, listTrainers, parseAssignment, unknownKeys, type ParamSpec, type TrainerDefinition } from '../core/trainers';
import { failure, usageError } from './errors';
import type { Output } from './output';

/** `--set key=value` on the command line, turned into typed parameters. */

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export interface Assignments {
  /** Keys with their typed values. */
  values: Record<string, unknown>;
  /** Keys given as `key=` (an empty value): removed from the parameters. */
  removed: string[];
}

/**
 * Parses and types every `--set`. A value that does not fit the trainer's spec is a usage
 * error naming the argument as given (exit 2); keys the trainer does not declare are inferred
 * (number, true/false, null, else text) and kept.
 */
export function parseAssignments(pairs: readonly string[], specs: readonly ParamSpec[]): Assignments {
  const out: Assignments = { values: {}, removed: [] };
  for (const pair of pairs) {
    const a = parseAssignment(pair);
    if (!a || !KEY_PATTERN.test(a.key)) throw usageError(`--set "${pair}": expected key=value, where the key is a parameter name such as learning_rate`);
    const spec = specs.find((s) => s.key === a.key);
    if (a.raw === '' && !spec?.required) {
      delete out.values[a.key];
      out.removed.push(a.key);
      continue;
    }
    const r = coerceParam(spec, a.raw);
    if (!r.ok) {
      const why = r.message.startsWith(`${a.key}: `) ? r.message.slice(a.key.length + 2) : r.message;
      throw usageError(`--set ${pair}: ${why}`);
    }
    out.values[a.key] = r.value;
    out.removed = out.removed.filter((k) => k !== a.key);
  }
  return out;
}

export function applyAssignments(params: Record<string, unknown>, sets: Assignments): Record<string, unknown> {
  const next = { ...params, ...sets.values };
  for (const k of sets.removed) delete next[k];
  return next;
}

export function trainerNames(store: WorkspaceStore): string[] {
  return listTrainers(store.listTrainerProfiles()).map((t) => t.name);
}

/** A trainer by name (built in, or a workspace profile), or a failure listing the known ones. */
export function requireTrainer(store: WorkspaceStore, name: string): TrainerDefinition {
  const trainer = findTrainer(name, store.listTrainerProfiles());
  if (trainer) return trainer;
  const broken = store.problems().find((p) => p.kind === 'trainer' && p.displayPath.endsWith(`${name}.json`));
  const hint = broken ? `; ${broken.displayPath} cannot be used: ${broken.message}` : '';
  throw failure(`unknown trainer "${name}" (known trainers: ${trainerNames(store).join(', ')})${hint}`);
}

/** Keys the trainer does not declare are kept: say so once, so a typo does not go unnoticed. */
export function warnUnknownKeys(out: Output, trainer: TrainerDefinition, params: Record<string, unknown>): void {
  const keys = unknownKeys(trainer.params, params);
  if (!keys.length) return;
  const shown = keys.length > 8 ? `${keys.slice(0, 8).join(', ')} and ${keys.length - 8} more` : keys.join(', ');
  out.warn(`trainer "${trainer.name}" does not declare ${keys.length === 1 ? 'parameter' : 'parameters'} ${shown}; kept as given`);
}
