import type { LineParser, TrainerKind } from '../logs/events';
import type { TrainerProfileFile } from '../model/schemas';
import type { ParamSpec } from './params';

export type { TrainerKind } from '../logs/events';

/** Where the trainers' programs are (the user's settings; the demo's paths come from the extension). */
export interface TrainerSettings {
  /** Python executable; default `python`. */
  python?: string;
  /** accelerate executable; when unset, kohya scripts run with plain `python`. */
  accelerate?: string;
  /** kohya-ss/sd-scripts checkout. */
  sdScriptsDir?: string;
  /** ostris/ai-toolkit checkout. */
  aiToolkitDir?: string;
  /** Node executable for the demo trainer. */
  nodePath: string;
  /** The demo trainer's script. */
  demoTrainerPath: string;
}

/** Everything a profile needs to build a command line. Paths are absolute. */
export interface LaunchContext {
  sessionId: string;
  sessionDir: string;
  /** The trainer's output folder (`<sessionDir>/output`). */
  outputDir: string;
  /** The session's parameter snapshot. */
  params: Record<string, unknown>;
  datasetDir: string | null;
  triggerToken: string;
  settings: TrainerSettings;
  /** The workspace profile (command trainers). */
  userProfile?: TrainerProfileFile;
  /** The workspace folder: relative script paths resolve against it; command profiles run in it. */
  workspaceDir?: string;
  /** What the trainer names its files after when `params.output_name` is not set (e.g. the style id); default the session id. */
  outputName?: string;
}

export interface LaunchSpec {
  /** The program and its arguments: never a shell string. */
  argv: string[];
  cwd: string;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Files to write (absolute paths, inside the session folder) before launching. */
  files?: { path: string; content: string }[];
}

export interface CheckpointInfo {
  path: string;
  step: number | null;
  /** Whole for kohya/demo; Hugging Face's may be fractional. */
  epoch: number | null;
  kind: 'state' | 'model';
  /** The save's modification time. */
  createdAt: string | null;
}

/** The information a parser may need from the launch (ai-toolkit: the job name). */
export type ParserContext = Partial<Pick<LaunchContext, 'sessionId' | 'params' | 'outputName'>>;

export interface TrainerProgress {
  /** Which family of output this trainer prints (ProgressTracker's `trainer`). */
  kind: TrainerKind;
  /** After a resume the bar restarts at 0 with total = remaining steps (kohya, demo). */
  barCountsFromResume: boolean;
  /** Checkpoint steps printed after a resume count from the attempt's start (kohya). */
  checkpointStepsFromResume: boolean;
  /** A fresh line parser for one attempt's log. */
  createParser(ctx?: ParserContext): LineParser;
}

/** What every trainer profile declares: its parameters, and how to launch, read and resume it. */
export interface TrainerDefinition {
  name: string;
  label: string;
  description: string;
  params: readonly ParamSpec[];
  /** The command line of a first start. Throws TrainerLaunchError when `validate` has problems. */
  buildLaunch(ctx: LaunchContext): LaunchSpec;
  /** The command line that continues from `checkpoint` (the newest of findCheckpoints, usually). */
  buildResume(ctx: LaunchContext, checkpoint: CheckpointInfo): LaunchSpec | { error: string };
  /** Resumable checkpoints in the output folder, oldest first (the newest, highest step, last). */
  findCheckpoints(outputDir: string): Promise<CheckpointInfo[]>;
  progress: TrainerProgress;
  /** What stops a launch (missing settings, parameters, dataset); each message names the field. */
  validate?(ctx: LaunchContext): string[];
  /** Can continue N more steps from the last state (resume with a higher max_train_steps). */
  canExtend: boolean;
}
