import type { Command } from 'commander';
import type { Health } from '../../core/backends/runpod';
import { retryRunPodSession, runpodBackendOf } from '../../core/sessions';
import { argsOf, type CommandHost } from '../command-host';
import { failure } from '../errors';
import { requireSession } from '../refs';
import { retryNote, RUNPOD_ENV, runpodDeps } from '../runpod';
import { sessionAction } from '../runtime';
import { renderTable } from '../table';
import { FOLLOW_HELP, reportLaunch } from './start';
import { SESSION_ARG } from './status';
import { runpodSessionToLaunchAgain } from './resume';

interface HealthOptions {
  endpoint?: string;
}

interface FollowOption {
  follow?: boolean;
}

/** The worker states beyond idle and running that RunPod reports (initializing, ready, throttled, unhealthy …). */
function otherWorkers(workers: Health['workers']): string {
  const rest = Object.entries(workers).filter(([k]) => k !== 'idle' && k !== 'running');
  return rest.length ? ` (${rest.map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
}

/**
 * `trainlab runpod health [--endpoint ID]`: an endpoint's workers and jobs, from RunPod's
 * `/health`; `trainlab runpod retry SESSION`: RunPod's own Retry of a FAILED or TIMED_OUT job.
 */
export function registerRunPod(program: Command, host: CommandHost): void {
  const runpod = program.command('runpod').description('RunPod Serverless: endpoint health, and RunPod Retry of a failed or timed-out job');

  runpod
    .command('health')
    .description("an endpoint's workers (idle, running, …) and jobs (in queue, in progress, completed, failed, retried)")
    .option('--endpoint <id>', `the endpoint (default: ${RUNPOD_ENV.endpointId})`)
    .action(
      host.action(async (ctx, cmd) => {
        const opts = cmd.opts<HealthOptions>();
        const deps = runpodDeps(ctx.io, { onRetry: retryNote(ctx.io) });
        const endpointId = opts.endpoint?.trim() || deps.defaultEndpointId;
        if (!endpointId) throw failure(`which endpoint? give --endpoint ID, or set ${RUNPOD_ENV.endpointId}`);
        const health = await sessionAction(() => deps.client(endpointId).health());
        if (ctx.json) return ctx.out.json({ endpointId, ...health });
        const { jobs, workers } = health;
        ctx.out.line(`RunPod endpoint ${ctx.out.color.bold(endpointId)}`);
        ctx.out.line(
          renderTable(
            null,
            [
              ['workers', `${workers.running} running, ${workers.idle} idle${otherWorkers(workers)}`],
              ['jobs', `${jobs.inQueue} in queue, ${jobs.inProgress} in progress; ${jobs.completed} completed, ${jobs.failed} failed, ${jobs.retried} retried`],
            ],
            { indent: 2 },
          ),
        );
      }),
    );

  runpod
    .command('retry')
    .description('run a FAILED or TIMED_OUT RunPod job again under the same job id (RunPod keeps it for about 30 minutes after it ended); resume starts a new job from a checkpoint instead')
    .argument(...SESSION_ARG)
    .option('--follow', FOLLOW_HELP)
    .action(
      host.action(async (ctx, cmd) => {
        const [name] = argsOf<[string]>(cmd);
        const opts = cmd.opts<FollowOption>();
        const store = await ctx.openStore();
        const found = requireSession(store, name);
        if (found.backend.type !== 'runpod') throw failure(`session ${found.id} ran locally; RunPod Retry is for RunPod jobs (resume or relaunch it instead)`);
        // The file may still say running while RunPod already says FAILED.
        const { deps } = await runpodSessionToLaunchAgain(ctx, store, found, 'fail');
        const session = await sessionAction(() => retryRunPodSession(store, found.id, deps));
        const b = runpodBackendOf(session);
        const headline = `RunPod Retry: job ${b?.jobId ?? '?'} of session ${session.id} runs again (${b?.lastStatus ?? '?'}), attempt ${session.attempts.length}.`;
        return reportLaunch(ctx, store, session, opts.follow === true, headline, 'trainlab', deps);
      }),
    );
}
