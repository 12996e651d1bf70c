/**
 * Which of the Configure tab's buttons may be pressed, and the tooltip of each: what it will
 * do, or why it cannot now. Pure: unit-tested in plain Node.
 */
import type { SessionSummary, VersionSummary } from '../../src/shared/panel-protocol';

export const ACTIONS = ['save', 'start', 'check', 'cancel', 'resume', 'retry', 'relaunch', 'extend'] as const;
export type ButtonAction = (typeof ACTIONS)[number];

export interface ButtonContext {
  /** The selected saved version; null when the form shows NEW. */
  version: VersionSummary | null;
  /** The form differs from the selected version (or shows NEW). */
  dirty: boolean;
  /** Fields whose value is not valid. */
  invalid: readonly { label: string; message: string }[];
  /** The workspace is trusted (processes may be started and stopped). */
  trusted: boolean;
  /** An action of this panel is under way. */
  busy: ButtonAction | null;
  /** The style is not (or no longer) in the workspace. */
  gone: boolean;
  /** Where Start runs: the form's "Run on" choice. */
  backend?: 'local' | 'runpod';
}

export interface ButtonState {
  enabled: boolean;
  /** The tooltip: what the button does, or why it is disabled. */
  reason: string;
}

const UNTRUSTED = 'Trainlab runs no training in an untrusted workspace (Workspaces: Manage Workspace Trust).';
const ACTIVE = new Set(['pending', 'running']);
const FINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'unknown']);
const RESUMABLE = new Set(['interrupted', 'failed', 'cancelled']);

function invalidText(invalid: ButtonContext['invalid']): string {
  const first = invalid[0]!;
  const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : '';
  return `${first.label} ${first.message}${more}`;
}

const on = (reason: string): ButtonState => ({ enabled: true, reason });
const off = (reason: string): ButtonState => ({ enabled: false, reason });

/** Needs the newest session of the selected version; says why when there is none to act on. */
function withSession(ctx: ButtonContext, what: string, fn: (s: SessionSummary, name: string) => ButtonState): ButtonState {
  const v = ctx.version;
  if (!v) return off(`Select a saved version to ${what}.`);
  if (!v.session) return off(`${v.name} has not been started yet.`);
  return fn(v.session, v.name);
}

export function buttonStates(ctx: ButtonContext): Record<ButtonAction, ButtonState> {
  if (ctx.gone) {
    const gone = off('The style is not in this workspace.');
    return { save: gone, start: gone, check: gone, cancel: gone, resume: gone, retry: gone, relaunch: gone, extend: gone };
  }
  if (ctx.busy) {
    const wait = off('Waiting for the current action to finish…');
    return { save: wait, start: wait, check: wait, cancel: wait, resume: wait, retry: wait, relaunch: wait, extend: wait };
  }
  const v = ctx.version;
  const invalid = ctx.invalid.length ? `Fix the form first: ${invalidText(ctx.invalid)}.` : undefined;
  const where = ctx.backend === 'runpod' ? 'on RunPod' : 'locally';

  const save = invalid ? off(invalid) : on(v && !ctx.dirty ? `Save a copy of ${v.name} as a new version.` : 'Save the form as a new version.');

  let start: ButtonState;
  if (!ctx.trusted) start = off(UNTRUSTED);
  else if (invalid) start = off(invalid);
  else if (!v) start = on(`Save the form as a new version and start training it ${where}.`);
  else if (ctx.dirty) start = on(`Save the edits as a new version (based on ${v.name}) and start training it ${where}.`);
  else if (v.session && ACTIVE.has(v.session.status)) start = off(`${v.name} is ${v.session.status}: cancel it first, or change the form to start a new version.`);
  else start = on(`Start training ${v.name} ${where}.`);

  const check = withSession(ctx, 'check its status', (s, name) =>
    on(s.remote ? `Ask RunPod now for the status of ${name}'s job and fetch its new log lines.` : `Refresh the status of ${name}'s newest session from its process and log.`),
  );

  const cancel = withSession(ctx, 'cancel its training', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    if (!ACTIVE.has(s.status)) return off(`${name} is not training (it is ${s.status}).`);
    if (s.remote && !s.remote.jobId) return off(`${name}'s job id is not known (the answer to /run was lost): cancel it in the RunPod console.`);
    return on(s.remote ? `Cancel ${name}'s RunPod job (asks first).` : `Stop ${name}'s training (asks first).`);
  });

  const resume = withSession(ctx, 'resume it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    if (!RESUMABLE.has(s.status)) return off(`Only an interrupted, failed or cancelled training can be resumed; ${name} is ${s.status}.`);
    if (s.checkpoints === 0) return off(s.remote ? `${name}'s worker reported no checkpoint to resume from.` : `${name}'s session has no checkpoint to resume from.`);
    return on(s.remote ? `Continue ${name}'s session on RunPod from the newest checkpoint its worker reported (a new job).` : `Continue ${name}'s session from its newest checkpoint.`);
  });

  const retry = withSession(ctx, 'retry it on RunPod', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    if (!s.remote) return off(`${name}'s session ran locally: RunPod's Retry is for RunPod jobs (use Resume or Relaunch).`);
    if (!s.remote.canRetry) return off(`RunPod's Retry runs a FAILED or TIMED_OUT job again; ${name}'s job is ${s.remote.status ?? s.status}.`);
    return on(`Run ${name}'s job again on RunPod (same job id, same input; RunPod keeps a finished job only 30 minutes).`);
  });

  const relaunch = withSession(ctx, 'relaunch it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    if (!FINAL.has(s.status)) return off(`${name} is still ${s.status}.`);
    return on(`Start a new session of ${name} with the same parameters${s.remote ? ' on RunPod' : ''}.`);
  });

  const extend = withSession(ctx, 'extend it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    if (s.remote) return off(`Extend continues a local run; ${name} ran on RunPod: relaunch it with more steps instead.`);
    if (s.status !== 'completed') return off(`Only a completed training can be extended; ${name} is ${s.status}.`);
    if (!s.canExtend) return off(`${name}'s trainer cannot continue a finished run; relaunch with more steps instead.`);
    return on(`Train ${name}'s completed session for more steps, continuing from where it ended (asks how many).`);
  });

  return { save, start, check, cancel, resume, retry, relaunch, extend };
}
