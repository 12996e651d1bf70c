import { Option, type Command } from 'commander';
import { promises as fsp } from 'node:fs';
import type { Session, Style, Version } from '../../core/model';
import { backendChoice, runpodBackendOf, startLocalSession, startRunPodSession, type RunPodDeps } from '../../core/sessions';
import { paths, type WorkspaceStore } from '../../core/store';
import { argsOf, type CommandHost } from '../command-host';
import type { CliContext } from '../context';
import { CliError, failure, usageError } from '../errors';
import { followExitCode, followSession, printFollowEnd } from '../follow';
import { parseVersionRef, requireVersion, type VersionRef } from '../refs';
import { retryNote, runpodDeps } from '../runpod';
import { followRunPodSession } from '../runpod-follow';
import { requireBuilt, sessionAction } from '../runtime';

interface StartOptions {
  backend?: 'local' | 'runpod';
  endpoint?: string;
  follow?: boolean;
}

export const FOLLOW_HELP = 'show live progress until the session ends (exit 0 when it completed, 1 otherwise); Ctrl+C stops following, never the training';

/** `STYLE VERSION`, or `STYLE/VERSION` alone. */
function versionRefOf(first: string, second: string | undefined): VersionRef {
  if (second === undefined) {
    if (!first.includes('/')) throw usageError(`say which version of style "${first}" to start: trainlab start ${first} VERSION (or ${first}/VERSION)`);
    return parseVersionRef(first, undefined, 'the version');
  }
  if (first.includes('/')) throw usageError(`give the version either as STYLE VERSION or as STYLE/VERSION, not "${first} ${second}"`);
  return parseVersionRef(second, first, 'the version');
}

/**
 * After a launch, resume or relaunch: the session (or, with --follow, its live progress and
 * how it ended). Returns the exit status. A RunPod session (`deps` given) shows its job and is
 * followed by polling RunPod.
 */
export async function reportLaunch(ctx: CliContext, store: WorkspaceStore, session: Session, follow: boolean, headline: string, prefix = 'trainlab', deps?: RunPodDeps): Promise<number> {
  if (ctx.json && !follow) {
    ctx.out.json(session);
    return 0;
  }
  const remote = runpodBackendOf(session);
  const logPath = paths.consoleLog(store.root, session.styleId, session.id);
  if (!ctx.json) {
    const id = session.id;
    ctx.out.line(headline);
    if (remote) ctx.out.line(`  job:    ${remote.jobId ?? '-'} (RunPod: ${remote.lastStatus ?? 'no answer yet'})`);
    ctx.out.line(`  log:    ${ctx.out.path(logPath)}`);
    if (follow) ctx.out.line(remote ? '  (Ctrl+C stops following; the job goes on on RunPod)' : '  (Ctrl+C stops following; the training goes on)');
    else {
      ctx.out.line(`  follow: ${prefix} logs ${id} --follow   (progress: ${prefix} status ${id}; stop: ${prefix} cancel ${id})`);
      return 0;
    }
  }
  const outcome = remote && deps
    ? await followRunPodSession(ctx, store, session.id, deps, { quiet: ctx.json, progress: true, fromOffset: await logSize(logPath) })
    : await followSession(ctx, store, session.id, { quiet: ctx.json });
  if (ctx.json) ctx.out.json(outcome.session);
  else await printFollowEnd(ctx, store, outcome, prefix);
  return followExitCode(outcome);
}

/** What the launch itself wrote to the log is not news when following starts. */
function logSize(path: string): Promise<number> {
  return fsp.stat(path).then((s) => s.size, () => 0);
}

/**
 * A RunPod action that wrote a session and then failed (RunPod refused the job, or its answer
 * was lost) says which session holds the record, so the person can look at it.
 */
export function withRecordedSession(e: unknown, store: WorkspaceStore, styleId: string, versionId: string, known: ReadonlySet<string>): unknown {
  if (!(e instanceof CliError)) return e;
  const recorded = store.listSessions({ styleId, versionId }).find((s) => !known.has(s.id));
  if (!recorded) return e;
  return failure(`${e.message}\n  session ${recorded.id} is recorded as ${recorded.status}: trainlab status ${recorded.id}`);
}

/** `start --backend runpod`: checked, recorded, `/run` sent once. */
async function startOnRunPod(ctx: CliContext, store: WorkspaceStore, style: Style, version: Version, opts: StartOptions): Promise<number> {
  const deps = runpodDeps(ctx.io, { onRetry: retryNote(ctx.io) });
  const known = new Set(store.listSessions({ styleId: style.id, versionId: version.id }).map((s) => s.id));
  let session: Session;
  try {
    session = await sessionAction(() => startRunPodSession(store, { styleId: style.id, versionId: version.id, ...(opts.endpoint ? { endpointId: opts.endpoint } : {}) }, deps));
  } catch (e) {
    throw withRecordedSession(e, store, style.id, version.id, known);
  }
  const endpoint = runpodBackendOf(session)?.endpointId ?? '?';
  const headline = `Started session ${session.id} of ${style.id}/${version.id} on RunPod (endpoint ${endpoint}, trainer ${session.trainer ?? style.trainer}).`;
  return reportLaunch(ctx, store, session, opts.follow === true, headline, 'trainlab', deps);
}

/** `trainlab start STYLE VERSION [--backend local] [--follow]` (or `start STYLE/VERSION`). */
export function registerStart(program: Command, host: CommandHost): void {
  program
    .command('start')
    .description('launch a training session of a version (locally: a detached process that outlives this command; on RunPod: a job of a Serverless endpoint)')
    .argument('<style>', 'the style id, or STYLE/VERSION')
    .argument('[version]', 'the version id')
    .addOption(new Option('--backend <where>', "where the session runs (default: the version's choice, else the style's, else local)").choices(['local', 'runpod']))
    .option('--endpoint <id>', "the RunPod endpoint (default: the style's runpod.endpointId, else TRAINLAB_RUNPOD_ENDPOINT_ID)")
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [first, second] = argsOf<[string, string | undefined]>(cmd);
        const opts = cmd.opts<StartOptions>();
        const ref = versionRefOf(first, second);
        if (opts.endpoint !== undefined && !opts.endpoint.trim()) throw usageError('--endpoint needs an endpoint id');
        const store = await ctx.openStore();
        const { style, version } = requireVersion(store, ref);
        const backend = opts.backend ?? backendChoice(style, version);
        if (opts.endpoint !== undefined && backend !== 'runpod') {
          throw usageError(opts.backend ? '--endpoint is for sessions on RunPod, not with --backend local' : `--endpoint is for sessions on RunPod, and ${style.id}/${version.id} runs locally (neither it nor its style chooses RunPod): add --backend runpod`);
        }
        if (backend === 'runpod') return startOnRunPod(ctx, store, style, version, opts);
        const runtime = ctx.runtime;
        requireBuilt(runtime, style.trainer);
        const session = await sessionAction(() => startLocalSession(store, { styleId: style.id, versionId: version.id }, runtime));
        return reportLaunch(ctx, store, session, opts.follow === true, `Started session ${session.id} of ${style.id}/${version.id} (local, trainer ${style.trainer}).`);
      }),
    );
}
