/**
 * Which of the Configure tab's buttons may be pressed, and the tooltip of each: what it will
 * do, or why it cannot now. Pure: unit-tested in plain Node.
 */
import type { SessionSummary, VersionSummary } from '../../src/shared/panel-protocol';

export const ACTIONS = ['save', 'start', 'check', 'cancel', 'resume', 'relaunch', 'extend'] as const;
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
    return { save: gone, start: gone, check: gone, cancel: gone, resume: gone, relaunch: gone, extend: gone };
  }
  if (ctx.busy) {
    const wait = off('Waiting for the current action to finish…');
    return { save: wait, start: wait, check: wait, cancel: wait, resume: wait, relaunch: wait, extend: wait };
  }
  const v = ctx.version;
  const invalid = ctx.invalid.length ? `Fix the form first: ${invalidText(ctx.invalid)}.` : undefined;
  const local = (s: SessionSummary, name: string) => (s.local ? undefined : `${name} ran on RunPod: that is not supported from here yet.`);

  const save = invalid ? off(invalid) : on(v && !ctx.dirty ? `Save a copy of ${v.name} as a new version.` : 'Save the form as a new version.');

  let start: ButtonState;
  if (!ctx.trusted) start = off(UNTRUSTED);
  else if (invalid) start = off(invalid);
  else if (!v) start = on('Save the form as a new version and start training it (locally).');
  else if (ctx.dirty) start = on(`Save the edits as a new version (based on ${v.name}) and start training it (locally).`);
  else if (v.session && ACTIVE.has(v.session.status)) start = off(`${v.name} is ${v.session.status}: cancel it first, or change the form to start a new version.`);
  else start = on(`Start training ${v.name} (locally).`);

  const check = withSession(ctx, 'check its status', (_s, name) => on(`Refresh the status of ${name}'s newest session from its process and log.`));

  const cancel = withSession(ctx, 'cancel its training', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    const remote = local(s, name);
    if (remote) return off(remote);
    if (!ACTIVE.has(s.status)) return off(`${name} is not training (it is ${s.status}).`);
    return on(`Stop ${name}'s training (asks first).`);
  });

  const resume = withSession(ctx, 'resume it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    const remote = local(s, name);
    if (remote) return off(remote);
    if (!RESUMABLE.has(s.status)) return off(`Only an interrupted, failed or cancelled training can be resumed; ${name} is ${s.status}.`);
    if (s.checkpoints === 0) return off(`${name}'s session has no checkpoint to resume from.`);
    return on(`Continue ${name}'s session from its newest checkpoint.`);
  });

  const relaunch = withSession(ctx, 'relaunch it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    const remote = local(s, name);
    if (remote) return off(remote);
    if (!FINAL.has(s.status)) return off(`${name} is still ${s.status}.`);
    return on(`Start a new session of ${name} with the same parameters.`);
  });

  const extend = withSession(ctx, 'extend it', (s, name) => {
    if (!ctx.trusted) return off(UNTRUSTED);
    const remote = local(s, name);
    if (remote) return off(remote);
    if (s.status !== 'completed') return off(`Only a completed training can be extended; ${name} is ${s.status}.`);
    if (!s.canExtend) return off(`${name}'s trainer cannot continue a finished run; relaunch with more steps instead.`);
    return on(`Train ${name}'s completed session for more steps, continuing from where it ended (asks how many).`);
  });

  return { save, start, check, cancel, resume, relaunch, extend };
}
