import type { Style, TrainerProfileFile } from '../model/schemas';
import { ProgressTracker, type ProgressTrackerOptions } from '../logs/tracker';
import { aiToolkitTrainer } from './ai-toolkit';
import { trainerFromProfile } from './command';
import { defaultsOf } from './params';
import { demoTrainer } from './demo';
import { hfTrainer } from './hf-trainer';
import { kohyaTrainer } from './kohya';
import type { TrainerDefinition } from './types';

export const BUILTIN_TRAINERS: readonly TrainerDefinition[] = [kohyaTrainer, demoTrainer, aiToolkitTrainer, hfTrainer];

/** Built-in trainers plus the workspace's own profiles (`trainlab/trainers/*.json`); a profile never shadows a built-in. */
export function listTrainers(userProfiles: readonly TrainerProfileFile[] = []): TrainerDefinition[] {
  const user = userProfiles.filter((p) => !BUILTIN_TRAINERS.some((b) => b.name === p.name)).map(trainerFromProfile);
  return [...BUILTIN_TRAINERS, ...user];
}

export function findTrainer(name: string, userProfiles: readonly TrainerProfileFile[] = []): TrainerDefinition | undefined {
  const builtin = BUILTIN_TRAINERS.find((t) => t.name === name);
  if (builtin) return builtin;
  const profile = userProfiles.find((p) => p.name === name);
  return profile ? trainerFromProfile(profile) : undefined;
}

/**
 * A progress tracker for one attempt of a session run by `trainer`
 * (the trainer's resume counting filled in).
 */
export function createProgressTracker(
  trainer: TrainerDefinition,
  options: Omit<ProgressTrackerOptions, 'trainer' | 'barCountsFromResume' | 'checkpointStepsFromResume'>,
): ProgressTracker {
  return new ProgressTracker({
    ...options,
    trainer: trainer.progress.kind,
    barCountsFromResume: trainer.progress.barCountsFromResume,
    checkpointStepsFromResume: trainer.progress.checkpointStepsFromResume,
  });
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
