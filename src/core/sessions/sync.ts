import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { LogFollower } from '../logs/follower';
import { readFrom } from '../logs/read';
import { ProgressTracker, type MetricPoint } from '../logs/tracker';
import type { Session } from '../model/schemas';
import { isFinal } from '../model/status';
import { paths, type WorkspaceStore } from '../store';
import { findTrainer } from '../trainers/registry';
import { withSessionSteps } from './checkpoints';

/**
 * Applies what a session's trainer printed since the last time: progress (cumulative across
 * resumes), checkpoints, outputs, and throttled metric points appended to metrics.jsonl.
 *
 * It runs under the session's lock and stores the log offset it reached in session.json, so
 * two windows and a CLI syncing one session never count a line twice or append a point twice.
 */

/** How much of the log one sync reads at most; a backlog is caught up over several syncs. */
const MAX_BYTES_PER_SYNC = 32 * 1024 * 1024;

interface MonitorState {
  logOffset: number;
  /** Index of the attempt the offset's tracker belongs to. */
  attempt: number;
}

function monitorOf(s: Session): MonitorState {
  const m = (s as { monitor?: Partial<MonitorState> }).monitor;
  return { logOffset: typeof m?.logOffset === 'number' ? m.logOffset : 0, attempt: typeof m?.attempt === 'number' ? m.attempt : 0 };
}

const FINAL_MODEL = /-(?:step)?\d{6,9}\.safetensors$/;
const SAMPLE_DIRS = ['sample', 'samples'];

async function listSamples(outputDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const dir of SAMPLE_DIRS) {
    try {
      for (const name of (await fsp.readdir(join(outputDir, dir))).sort()) {
        if (/\.(png|jpe?g|webp)$/i.test(name)) found.push(join(outputDir, dir, name));
      }
    } catch {
      // no such folder
    }
  }
  return found;
}

export interface SyncResult {
  /** More of the log is waiting: call again. */
  more: boolean;
  points: number;
}

export async function syncSessionLog(store: WorkspaceStore, sessionId: string): Promise<SyncResult> {
  const entry = store.getSession(sessionId);
  if (!entry) return { more: false, points: 0 };
  const logPath = paths.consoleLog(store.root, entry.session.styleId, sessionId);
  const size = await fsp.stat(logPath).then((s) => s.size, () => -1);
  if (size < 0 || size === monitorOf(entry.session).logOffset) return { more: false, points: 0 };

  let result: SyncResult = { more: false, points: 0 };
  await store.updateSession(sessionId, async (s) => {
    const attemptIndex = Math.max(0, s.attempts.length - 1);
    const attempt = s.attempts[attemptIndex];
    const style = store.getStyle(s.styleId)?.style;
    const trainer = findTrainer(s.trainer ?? style?.trainer ?? 'command', store.listTrainerProfiles());
    if (!trainer) return;
    const monitor = monitorOf(s);
    const read = await readFrom(logPath, monitor.logOffset, MAX_BYTES_PER_SYNC);
    const sameAttempt = monitor.attempt === attemptIndex && !read.reset;
    const maxSteps = typeof s.parameters.max_train_steps === 'number' ? s.parameters.max_train_steps : null;
    const tracker = new ProgressTracker({
      trainer: trainer.progress.kind,
      attemptStartStep: attempt?.startStep ?? 0,
      totalSteps: s.progress?.totalSteps ?? maxSteps,
      totalEpochs: s.progress?.totalEpochs ?? null,
      barCountsFromResume: trainer.progress.barCountsFromResume,
      checkpointStepsFromResume: trainer.progress.checkpointStepsFromResume,
      startedAtMs: attempt ? Date.parse(attempt.startedAt) : Date.now(),
      ...(sameAttempt && s.progress ? { initial: { loss: s.progress.loss, epoch: s.progress.epoch } } : {}),
    });
    // A tracker starts from the attempt's first step; a chunk without a progress bar (only
    // epoch lines or saves) must not move the step back to it.
    let sawProgress = false;
    const follower = new LogFollower({
      parser: trainer.progress.createParser({ sessionId: s.id, params: s.parameters, outputName: s.styleId }),
      tracker,
      startOffset: read.offset,
      onEvent: (e) => {
        if (e.type === 'progress') sawProgress = true;
      },
    });
    const points: MetricPoint[] = follower.push(read.data, Date.now());
    const st = tracker.state;
    const prev = sameAttempt ? s.progress : null;
    if (tracker.version > 0 || !s.progress) {
      s.progress = {
        step: sawProgress || !prev ? st.step : prev.step,
        totalSteps: st.totalSteps ?? prev?.totalSteps ?? null,
        epoch: st.epoch ?? prev?.epoch ?? null,
        totalEpochs: st.totalEpochs ?? prev?.totalEpochs ?? null,
        loss: st.loss ?? prev?.loss ?? null,
        etaSeconds: sawProgress || !prev ? st.etaSeconds : prev.etaSeconds,
        updatedAt: new Date().toISOString(),
      };
    }
    if (points.length) {
      await fsp.appendFile(paths.metrics(store.root, s.styleId, s.id), points.map((p) => JSON.stringify(p)).join('\n') + '\n');
      const losses = points.map((p) => p.loss).filter((l): l is number => typeof l === 'number' && Number.isFinite(l));
      for (const p of points) {
        if (typeof p.loss !== 'number' || !Number.isFinite(p.loss)) continue;
        if (s.metricsSummary.bestLoss === null || p.loss < s.metricsSummary.bestLoss) {
          s.metricsSummary.bestLoss = p.loss;
          s.metricsSummary.bestStep = p.step;
        }
      }
      if (losses.length) s.metricsSummary.finalLoss = losses[losses.length - 1]!;
    }
    // A remote session's checkpoints and outputs are the worker's (runpod-sync.ts), not files here.
    if (s.backend.type === 'local' && (tracker.checkpoints.length || st.finished || isFinal(s.status))) {
      const outputDir = paths.output(store.root, s.styleId, s.id);
      const found = withSessionSteps(s, trainer, await trainer.findCheckpoints(outputDir));
      // One entry per step: a trainer's final state (`<name>-state`) repeats the last step's.
      const byStep = new Map<string, (typeof found)[number]>();
      for (const c of found) byStep.set(c.step === null ? c.path : String(c.step), c);
      s.checkpoints = [...byStep.values()].map((c) => ({ path: c.path, step: c.step, createdAt: c.createdAt }));
      const final = [...tracker.checkpoints].reverse().find((c) => c.kind !== 'state' && c.path && c.path.endsWith('.safetensors') && !FINAL_MODEL.test(c.path));
      if (final?.path) s.outputs.model = final.path;
      s.outputs.samples = await listSamples(outputDir);
    }
    (s as { monitor?: MonitorState }).monitor = { logOffset: follower.offset, attempt: attemptIndex };
    result = { more: read.more, points: points.length };
  });
  return result;
}
