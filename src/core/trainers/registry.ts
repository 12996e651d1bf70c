import type { Style, TrainerProfileFile } from '../model/schemas';
import { defaultsOf, type ParamSpec } from './params';
import { demoTrainer } from './demo';
import { kohyaTrainer } from './kohya';
import type { TrainerDefinition } from './types';

export const BUILTIN_TRAINERS: readonly TrainerDefinition[] = [kohyaTrainer, demoTrainer];

/** Built-in trainers plus the workspace's own profiles (`trainlab/trainers/*.json`). */
export function listTrainers(userProfiles: readonly TrainerProfileFile[] = []): TrainerDefinition[] {
  const user = userProfiles
    .filter((p) => !BUILTIN_TRAINERS.some((b) => b.name === p.name))
    .map((p): TrainerDefinition => ({ name: p.name, label: p.label ?? p.name, description: p.description ?? 'Workspace trainer profile', params: p.parameters as ParamSpec[] }));
  return [...BUILTIN_TRAINERS, ...user];
}

export function findTrainer(name: string, userProfiles: readonly TrainerProfileFile[] = []): TrainerDefinition | undefined {
  return listTrainers(userProfiles).find((t) => t.name === name);
}

/**
 * The parameters a NEW version of a style starts with: the trainer's defaults, then the
 * style's own defaults; the style's trigger token goes into `class_tokens` where the trainer
 * has it (seed 002: NEW "keeps the trigger token for the style").
 */
export function newVersionParameters(style: Style, trainer: TrainerDefinition | undefined): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(trainer ? defaultsOf(trainer.params) : {}), ...style.defaults };
  if (style.triggerToken && trainer?.params.some((p) => p.key === 'class_tokens') && !params.class_tokens) params.class_tokens = style.triggerToken;
  return params;
}
