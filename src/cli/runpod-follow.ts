import { promises as fsp } from 'node:fs';
import { isRunPodError, RunPodPoller } from '../core/backends/runpod';
import { readFrom } from '../core/logs';
import { isFinal, type Session } from '../core/model';
import { pollRunPodSession, runpodBackendOf, type RunPodDeps } from '../core/sessions';
import { paths, type WorkspaceStore } from '../core/store';
import { LogWriter } from './commands/logs';
import type { CliContext } from './context';
import { failure } from './errors';
import { followInterval, ProgressView, type FollowOutcome } from './follow';
import type { OutStream } from './output';
import { runpodErrorText } from './runpod';
import { formatMs } from './runpod-views';

/**
 * Following a RunPod session: RunPod is polled (status, then the stream, which the core appends
 * to console.log exactly once) every few seconds, and what is new in console.log is printed,
 * with a progress line when asked. The polls go through the core's RunPodPoller, so its rules
 * hold here too: one request at a time per job, backoff after errors, no polling once final.
 * Ctrl+C stops the following only; the job goes on on RunPod.
 */

/** RunPod is not a local process: every few seconds is plenty (TRAINLAB_FOLLOW_INTERVAL_MS overrides, for tests). */
export const RUNPOD_FOLLOW_INTERVAL_MS = 3000;
const READ_CHUNK = 1024 * 1024;

export interface RunPodFollowOptions {
  /** Print nothing (with --json only the final document is printed). */
  quiet?: boolean;
  /** Draw a progress line under the log lines (start/resume/relaunch --follow); `logs --follow` prints the log only. */
  progress?: boolean;
  /** console.log bytes already shown: printing starts here. */
  fromOffset: number;
}

/** Log lines handed to the progress view one by one, so on a terminal they land above its line. */
function eventStream(view: ProgressView): OutStream {
  return {
    isTTY: false,
    write(text: string) {
      const lines = text.split('\n');
      lines.pop();
      for (const l of lines) view.event(l);
      return true;
    },
  };
}

/** An error that polling again cannot mend (a rejected key, a refused request): following stops. */
function isFatal(e: unknown): boolean {
  return !(isRunPodError(e) && e.retryable);
}

export async function followRunPodSession(ctx: CliContext, store: WorkspaceStore, sessionId: string, deps: RunPodDeps, options: RunPodFollowOptions): Promise<FollowOutcome> {
  const first = store.getSession(sessionId)?.session;
  if (!first) throw failure(`session ${sessionId} is gone (its folder was deleted while it was followed)`);
  const logPath = paths.consoleLog(store.root, first.styleId, first.id);
  const view = options.progress && !options.quiet ? new ProgressView(ctx.io.stdout) : undefined;
  const writer = options.quiet ? undefined : new LogWriter(view ? eventStream(view) : ctx.io.stdout);
  let offset = options.fromOffset;
  // RunPod's word as the launch reported it: only a change is news.
  let word = runpodBackendOf(first)?.lastStatus;
  let warned: string | undefined;
  const current = (): Session => store.getSession(sessionId)?.session ?? first;

  const drain = async () => {
    if (!writer) return;
    for (;;) {
      const exists = await fsp.stat(logPath).then(() => true, () => false);
      if (!exists) return;
      const read = await readFrom(logPath, offset, READ_CHUNK);
      if (read.reset) ctx.out.note('the log was replaced or cut short; reading it from the start');
      if (read.data.length) writer.write(read.data);
      offset = read.nextOffset;
      if (!read.more) return;
    }
  };
  const show = async () => {
    await drain();
    if (!view) return;
    const s = current();
    const b = runpodBackendOf(s);
    if (b?.lastStatus && b.lastStatus !== word) {
      word = b.lastStatus;
      const more = [b.workerId ? `worker ${b.workerId}` : '', typeof b.delayTime === 'number' ? `queued ${formatMs(b.delayTime)}` : ''].filter(Boolean);
      view.event(`RunPod: ${word}${more.length ? ` (${more.join(', ')})` : ''}`);
    }
    view.update(s);
  };

  await show();
  if (isFinal(first.status)) {
    writer?.end();
    view?.end();
    return { session: first, stopped: false };
  }

  return new Promise<FollowOutcome>((resolve, reject) => {
    let done = false;
    let inFlight: Promise<unknown> = Promise.resolve();
    const end = async (how: { stopped: boolean; error?: string }) => {
      if (done) return;
      done = true;
      poller.dispose();
      unsubscribe?.();
      // A poll under way finishes writing what it fetched: RunPod hands each stream chunk out once.
      await inFlight.catch(() => undefined);
      await show().catch(() => undefined);
      writer?.end();
      view?.end();
      if (how.error) reject(failure(`stopped following session ${sessionId}: ${how.error}`));
      else resolve({ session: current(), stopped: how.stopped });
    };
    const poller = new RunPodPoller({
      intervalMs: followInterval(ctx, RUNPOD_FOLLOW_INTERVAL_MS),
      poll: (id) => {
        const p = (async () => {
          // Another window or CLI may have polled it since: the core decides from the file as it is now.
          const entry = store.getSession(id);
          if (entry) await store.refreshPaths([entry.path]);
          const r = await pollRunPodSession(store, id, deps);
          await show();
          if (r.warning && r.warning !== warned) ctx.out.warn((warned = r.warning));
          return r;
        })();
        inFlight = p;
        p.then((r) => r.final && void end({ stopped: false }), () => undefined);
        return p;
      },
      onError: (_id, e, retryInMs) => {
        if (isFatal(e)) void end({ stopped: false, error: runpodErrorText(e) });
        else ctx.out.warn(`${runpodErrorText(e)} Polling again in ${formatMs(retryInMs)}.`);
      },
    });
    const unsubscribe = ctx.io.onInterrupt?.(() => void end({ stopped: true }));
    poller.track(sessionId);
  });
}
