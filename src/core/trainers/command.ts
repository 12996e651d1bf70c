import type { TrainerProfileFile } from '../model/schemas';
import { compileProgressPatterns, createCommandParser } from '../logs/parsers';
import { findByPattern, findHfCheckpoints, findStateFolders, sortCheckpoints } from './checkpoints';
import { defaultsOf, type ParamSpec } from './params';
import { argValue, launchOrError, PYTHON_ENV, TrainerLaunchError } from './launch';
import type { CheckpointInfo, LaunchContext, LaunchSpec, TrainerDefinition } from './types';

/**
 * A workspace trainer profile (`trainlab/trainers/<name>.json`): a command given as an argv
 * template. Each element is filled in on its own, literally, never through a shell:
 * - `{name}` → the parameter's value (numbers as JavaScript prints them, booleans `true`/`false`,
 *   lists and objects as JSON), or its declared default;
 * - `{output_dir}`, `{dataset_dir}`, `{session_dir}`, `{session_id}`, `{trigger_token}`, and in
 *   `resumeArgv` `{checkpoint}`; these win over parameters of the same name;
 * - `{{` and `}}` are literal braces; other braces are kept as they are.
 * A placeholder without a value is an error (validate() names the element), not an empty string.
 *
 * Progress: the profile's `progress.step` / `progress.total` / `progress.loss` regexes (first
 * capture group) on each line, else tqdm bars. Optional extras the file may carry:
 * `progress.barCountsFromResume` (boolean) and `checkpoints.pattern` (a regex on the names in the
 * output folder, first group = step; without it, kohya-style `*-state` and `checkpoint-N` folders).
 */

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;
const BUILTINS = ['output_dir', 'dataset_dir', 'session_dir', 'session_id', 'trigger_token'] as const;

interface ProfileExtras {
  progress?: { barCountsFromResume?: unknown };
  checkpoints?: { pattern?: unknown };
}

function extrasOf(file: TrainerProfileFile): ProfileExtras {
  return file as unknown as ProfileExtras;
}

/** The names every template may use, and their values for this launch. */
function values(ctx: LaunchContext, specs: readonly ParamSpec[], checkpoint: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(defaultsOf(specs))) if (v !== null) m.set(k, argValue(v));
  for (const [k, v] of Object.entries(ctx.params)) if (v !== null && v !== undefined) m.set(k, argValue(v));
  m.set('output_dir', ctx.outputDir);
  m.set('session_dir', ctx.sessionDir);
  m.set('session_id', ctx.sessionId);
  m.set('trigger_token', ctx.triggerToken);
  if (ctx.datasetDir) m.set('dataset_dir', ctx.datasetDir);
  else m.delete('dataset_dir');
  if (checkpoint !== undefined) m.set('checkpoint', checkpoint);
  else m.delete('checkpoint');
  return m;
}

/** Fills in one template; problems name the element (`argv[2]: …`). */
export function fillTemplate(template: readonly string[], vals: ReadonlyMap<string, string>, field: string): { argv: string[]; problems: string[] } {
  const problems: string[] = [];
  const argv = template.map((element, i) =>
    element.replace(PLACEHOLDER, (match: string, name: string | undefined) => {
      if (match === '{{') return '{';
      if (match === '}}') return '}';
      const v = name === undefined ? undefined : vals.get(name);
      if (v !== undefined) return v;
      if (name === 'checkpoint') problems.push(`${field}[${i}]: {checkpoint} is only known when resuming (use it in resumeArgv)`);
      else if (name === 'dataset_dir') problems.push(`${field}[${i}]: {dataset_dir} has no value: the version has no dataset`);
      else problems.push(`${field}[${i}]: {${name}} has no value (not a parameter of the version, and not one of ${BUILTINS.join(', ')})`);
      return match;
    }),
  );
  return { argv, problems };
}

/** A trainer definition from a workspace profile file. */
export function trainerFromProfile(file: TrainerProfileFile): TrainerDefinition {
  const specs = (file.parameters ?? []) as ParamSpec[];
  const extras = extrasOf(file);
  const patternSource = extras.checkpoints?.pattern;

  const problems = (ctx: LaunchContext): string[] => {
    const out: string[] = [];
    out.push(...fillTemplate(file.argv, values(ctx, specs, undefined), 'argv').problems);
    if (file.resumeArgv) out.push(...fillTemplate(file.resumeArgv, values(ctx, specs, '<checkpoint>'), 'resumeArgv').problems);
    out.push(...compileProgressPatterns(file.progress).errors);
    if (patternSource !== undefined) {
      if (typeof patternSource !== 'string' || !patternSource) out.push('checkpoints.pattern: must be a non-empty regular expression');
      else {
        try {
          new RegExp(patternSource);
        } catch (e) {
          out.push(`checkpoints.pattern: invalid regular expression: ${(e as Error).message}`);
        }
      }
    }
    return out;
  };

  const build = (ctx: LaunchContext, template: readonly string[], field: string, checkpoint: string | undefined): LaunchSpec => {
    const { argv, problems: p } = fillTemplate(template, values(ctx, specs, checkpoint), field);
    if (p.length) throw new TrainerLaunchError(p.join('; '));
    return { argv, cwd: ctx.workspaceDir ?? ctx.sessionDir, env: { ...PYTHON_ENV } };
  };

  return {
    name: file.name,
    label: file.label ?? file.name,
    description: file.description ?? 'Workspace trainer profile',
    params: specs,
    buildLaunch: (ctx) => build(ctx, file.argv, 'argv', undefined),
    buildResume(ctx, checkpoint) {
      if (!file.resumeArgv) return { error: `the trainer profile "${file.name}" has no resumeArgv, so its sessions cannot be resumed` };
      const resumeArgv = file.resumeArgv;
      return launchOrError(() => build(ctx, resumeArgv, 'resumeArgv', checkpoint.path));
    },
    async findCheckpoints(outputDir: string): Promise<CheckpointInfo[]> {
      if (typeof patternSource === 'string' && patternSource) {
        let re: RegExp;
        try {
          re = new RegExp(patternSource);
        } catch {
          return [];
        }
        return findByPattern(outputDir, re);
      }
      return sortCheckpoints([...(await findStateFolders(outputDir)), ...(await findHfCheckpoints(outputDir))]);
    },
    progress: {
      kind: 'command',
      barCountsFromResume: extras.progress?.barCountsFromResume === true,
      checkpointStepsFromResume: false,
      createParser: () => createCommandParser(file.progress),
    },
    validate: problems,
    canExtend: false,
  };
}
