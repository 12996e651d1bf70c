import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { JobOutput, ProgressUpdate } from '../../../src/core/backends/runpod/contract';
import { createKohyaParser } from '../../../src/core/logs/parsers';
import { findStateFolders } from '../../../src/core/trainers/checkpoints';
import type { DemoLaunch } from './argv';
import { OutputLines } from './lines';

/** How a run ended, as the worker's handler would report it. */
export type RunResult = { ok: true; output: JobOutput } | { ok: false; errorType: string; message: string; traceback: string };

export interface RunHooks {
  chunk(lines: string[]): void;
  progress(update: ProgressUpdate): void;
  /** Publishes a complete state folder; returns its reference (what a resume job sends back). */
  checkpointRef(path: string, step: number): string;
  /** The URL the stand-in serves a file of this run's output folder at. */
  fileUrl(relativePath: string): string;
  /** Called once, unless the run was stopped from outside (kill()). */
  done(result: RunResult): void;
}

export interface RunSpec {
  demo: DemoLaunch;
  /** The state folder resumed from (its ref, absolute step and path); null for a fresh start. */
  resumedFrom: { ref: string; step: number; path: string } | null;
  /** standin_fail_at_step: the step at which the "GPU runs out of memory". */
  failAtStep: number | null;
  batchMs: number;
}

const TRACEBACK_LINES = 20;

/**
 * One run of the demo trainer for a job: what a RunPod worker's handler does around a trainer.
 * It batches the output into stream chunks, turns the progress bar into progress updates with
 * absolute steps (the demo's bar restarts at 0 after a resume), publishes each new state
 * folder as a checkpoint, and reports the final output or the error.
 */
export class TrainerRun {
  private child: ChildProcessByStdio<null, Readable, Readable> | null = null;
  private readonly output: OutputLines;
  private readonly parse = createKohyaParser();
  private timer: NodeJS.Timeout | undefined;
  private total: number | null = null;
  private last: { step: number; loss: number | null; lr?: number } | null = null;
  private best: { loss: number; step: number } | null = null;
  private checkpoint: { ref: string; step: number; path: string } | null = null;
  private lastErrorLine: string | null = null;
  private readonly tail: string[] = [];
  private scanning = false;
  private finished = false;
  private exitedPromise: Promise<void> = Promise.resolve();

  constructor(private readonly spec: RunSpec, private readonly hooks: RunHooks) {
    // Until this run saves a state, the one it resumed from is still the newest to resume from.
    this.checkpoint = spec.resumedFrom;
    this.output = new OutputLines((segment) => this.onSegment(segment));
  }

  /** The demo's bar counts from the resumed step (as kohya's does): this is added to it. */
  private get startStep(): number {
    return this.spec.resumedFrom?.step ?? 0;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  start(): void {
    const { launch, outputDir, notes } = this.spec.demo;
    mkdirSync(outputDir, { recursive: true });
    this.hooks.chunk([...notes, `standin: ${launch.argv.slice(1).join(' ')}`]);
    const [program, ...args] = launch.argv as [string, ...string[]];
    const child = spawn(program, args, { cwd: launch.cwd, env: { ...process.env, ...launch.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout.on('data', (d: Buffer) => this.output.push('stdout', d));
    child.stderr.on('data', (d: Buffer) => this.output.push('stderr', d));
    this.exitedPromise = new Promise((resolve) => {
      child.on('error', (e) => {
        this.report({ ok: false, errorType: 'RuntimeError', message: `cannot start the trainer: ${e.message}`, traceback: '' });
        resolve();
      });
      child.on('close', (code, signal) => {
        void this.onClose(code, signal).finally(resolve);
      });
    });
    this.timer = setInterval(() => this.flush(), this.spec.batchMs);
  }

  /** Stops the trainer at once (cancel, timeout, ttl, close); nothing more is reported. Resolves once it has exited. */
  kill(): Promise<void> {
    this.finished = true;
    this.stopTimer();
    this.child?.kill('SIGKILL');
    return this.exitedPromise;
  }

  /** Resolves once the trainer process has exited (at once if it never started). */
  get exited(): Promise<void> {
    return this.exitedPromise;
  }

  private onSegment(text: string): void {
    for (const ev of this.parse(text)) {
      if (ev.type === 'totalSteps') this.total = ev.total;
      else if (ev.type === 'error') this.lastErrorLine = ev.line;
      else if (ev.type === 'progress') this.onProgress(this.startStep + ev.n, ev.total, ev.loss, ev.lr);
    }
  }

  private onProgress(step: number, barTotal: number | null, loss: number | undefined, lr: number | undefined): void {
    if (this.total === null && barTotal !== null) this.total = this.startStep + barTotal;
    const finite = loss !== undefined && Number.isFinite(loss) ? loss : null;
    this.last = { step, loss: finite, ...(lr !== undefined && Number.isFinite(lr) ? { lr } : {}) };
    if (finite !== null && (this.best === null || finite < this.best.loss)) this.best = { loss: finite, step };
    this.sendProgress();
    const failAt = this.spec.failAtStep;
    if (failAt !== null && step >= failAt && !this.finished) this.outOfMemory(step);
  }

  private sendProgress(): void {
    if (!this.last || this.finished) return;
    const cp = this.checkpoint ? { ref: this.checkpoint.ref, step: this.checkpoint.step } : null;
    this.hooks.progress({ step: this.last.step, total: this.total, loss: this.last.loss, ...(this.last.lr !== undefined ? { lr: this.last.lr } : {}), checkpoint: cp });
  }

  /** What a CUDA OOM looks like from outside: the process dies mid-step and the handler reports a RuntimeError. */
  private outOfMemory(step: number): void {
    this.child?.kill('SIGKILL');
    const message = `CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.55 GiB of which 1.06 GiB is free. (stand-in: standin_fail_at_step=${this.spec.failAtStep}, at step ${step})`;
    const traceback = ['Traceback (most recent call last):', '  File "/workspace/sd-scripts/train_network.py", line 1115, in train', '    accelerator.backward(loss)', `torch.OutOfMemoryError: ${message}`];
    this.flush();
    this.hooks.chunk(traceback);
    this.report({ ok: false, errorType: 'RuntimeError', message, traceback: traceback.join('\n') });
  }

  private flush(): void {
    const lines = this.output.take();
    this.emit(lines);
    void this.scanCheckpoints();
  }

  private emit(lines: string[]): void {
    if (!lines.length) return;
    this.tail.push(...lines);
    this.tail.splice(0, Math.max(0, this.tail.length - TRACEBACK_LINES));
    if (!this.finished) this.hooks.chunk(lines);
  }

  /** Publishes the newest complete state folder (train_state.json is written last, so a half-saved one is not seen). */
  private async scanCheckpoints(): Promise<void> {
    if (this.scanning) return;
    this.scanning = true;
    try {
      const newest = (await findStateFolders(this.spec.demo.outputDir)).at(-1);
      if (!newest || newest.step === null || this.finished) return;
      if (this.checkpoint && this.checkpoint.path === newest.path) return;
      if (this.checkpoint && this.checkpoint.step > newest.step) return;
      this.checkpoint = { ref: this.hooks.checkpointRef(newest.path, newest.step), step: newest.step, path: newest.path };
      this.sendProgress();
    } finally {
      this.scanning = false;
    }
  }

  private async onClose(code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.stopTimer();
    this.emit(this.output.end());
    if (this.finished) return;
    while (this.scanning) await new Promise((r) => setTimeout(r, 5));
    await this.scanCheckpoints();
    if (code !== 0) {
      const how = code === null ? `was killed by ${signal}` : `exited with status ${code}`;
      const why = this.lastErrorLine ?? this.tail.at(-1);
      this.report({ ok: false, errorType: 'RuntimeError', message: `the demo trainer ${how}${why ? `: ${why}` : ''}`, traceback: this.tail.join('\n') });
      return;
    }
    this.report({ ok: true, output: this.finalOutput() });
  }

  private finalOutput(): JobOutput {
    const { outputDir, outputName } = this.spec.demo;
    const model = existsSync(join(outputDir, `${outputName}.safetensors`)) ? this.hooks.fileUrl(`${outputName}.safetensors`) : null;
    const sampleDir = join(outputDir, 'sample');
    const samples = existsSync(sampleDir) ? readdirSync(sampleDir).filter((f) => f.endsWith('.png')).sort().map((f) => this.hooks.fileUrl(`sample/${f}`)) : [];
    const steps = Math.max(this.last?.step ?? 0, this.checkpoint?.step ?? 0);
    return {
      model,
      samples,
      metrics: { finalLoss: this.last?.loss ?? null, bestLoss: this.best?.loss ?? null, bestStep: this.best?.step ?? null, steps },
      checkpoint: this.checkpoint ? { ref: this.checkpoint.ref, step: this.checkpoint.step } : null,
    };
  }

  private report(result: RunResult): void {
    if (this.finished) return;
    this.finished = true;
    this.stopTimer();
    this.hooks.done(result);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
