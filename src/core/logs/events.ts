/**
 * What the trainer-specific line parsers find in a log line. Steps and totals are as the
 * trainer printed them; `ProgressTracker` turns them into the session's cumulative counts.
 */

export interface ProgressEvent {
  type: 'progress';
  /** The bar's count (for kohya and demo, counted from the attempt's resume point). */
  n: number;
  total: number | null;
  /** The bar's remaining time; null while unknown. */
  etaSeconds: number | null;
  /** The bar's elapsed time (time since this attempt's bar started): the log's own clock. */
  elapsedSeconds?: number;
  rateItPerSec?: number | null;
  /** NaN when the trainer printed `nan`. */
  loss?: number;
  lr?: number;
}

export interface EpochEvent {
  type: 'epoch';
  /** 1-based current epoch; null when the line only announces the number of epochs. */
  epoch: number | null;
  totalEpochs: number | null;
}

export interface TotalStepsEvent {
  type: 'totalSteps';
  /** The run's full step count (not the remaining steps of a resumed attempt). */
  total: number;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  path?: string;
  /** As printed: for kohya, counted from the attempt's start (see ProgressTracker). */
  step?: number;
  epoch?: number;
  kind?: 'state' | 'model';
}

export interface MetricsEvent {
  type: 'metrics';
  loss?: number;
  lr?: number;
  /** Hugging Face prints fractional epochs (0.03). */
  epoch?: number;
  gradNorm?: number;
  evalLoss?: number;
  /** The run's average training loss from the end-of-training dict. */
  trainLoss?: number;
  /** True for the end-of-training dict (`train_runtime`, `train_loss`, …). */
  final?: boolean;
}

export interface ResumeFromEvent {
  type: 'resumeFrom';
  /** The absolute step the trainer continues from. */
  step: number;
}

export interface ErrorEvent {
  type: 'error';
  line: string;
}

export type ParsedEvent = ProgressEvent | EpochEvent | TotalStepsEvent | CheckpointEvent | MetricsEvent | ResumeFromEvent | ErrorEvent;

/** Parses one segment (a line or a `\r`-rewrite) into zero or more events. May keep state. */
export type LineParser = (line: string) => readonly ParsedEvent[];

export type TrainerKind = 'kohya' | 'ai-toolkit' | 'hf-trainer' | 'demo' | 'command';
