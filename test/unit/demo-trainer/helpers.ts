import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoArgs } from '../../../src/demo-trainer/args';
import { parseArgs } from '../../../src/demo-trainer/args';
import { decodeSafetensors } from '../../../src/demo-trainer/safetensors';
import type { TrainerIO } from '../../../src/demo-trainer/train';
import { train } from '../../../src/demo-trainer/train';

export const REPO = join(__dirname, '..', '..', '..');
export const MAIN_TS = join(REPO, 'src', 'demo-trainer', 'main.ts');

/** The same regex a kohya log parser uses on a tqdm line. */
export const TQDM = /(\d+)\/(\d+) \[([\d:]+)<([\d:?]+),\s*([\d.?]+)(it\/s|s\/it)/;

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-demo-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses argv the way the program does; a test bug if it does not parse. */
export function args(...argv: string[]): DemoArgs {
  const parsed = parseArgs(argv);
  if (!parsed.ok || !('args' in parsed)) throw new Error(`bad test arguments: ${JSON.stringify(parsed)}`);
  return parsed.args;
}

export interface InProcessRun {
  code: number;
  stdout: string[];
  stderr: string;
}

/**
 * Runs the training loop in this process with a fake clock (+50 ms per reading) and no pauses.
 * `stopAfterSteps` requests a SIGTERM once that many steps of this run are done.
 */
export async function trainInProcess(a: DemoArgs, options: { stopAfterSteps?: number } = {}): Promise<InProcessRun> {
  const stdout: string[] = [];
  let stderr = '';
  let clock = 0;
  let sleeps = 0;
  const io: TrainerIO = {
    out: (line) => stdout.push(line),
    err: (text) => (stderr += text),
    now: () => (clock += 50),
    sleep: async () => {
      sleeps++;
    },
    // Every step but the last is followed by one sleep: the sleeps count the steps done.
    stopRequested: () => (options.stopAfterSteps !== undefined && sleeps >= options.stopAfterSteps ? 'SIGTERM' : undefined),
  };
  const code = await train(a, io);
  return { code, stdout, stderr };
}

export function readWeights(path: string): { down: Float32Array; up: Float32Array; metadata: Record<string, string> } {
  const st = decodeSafetensors(readFileSync(path));
  const down = st.tensors['lora_down.weight'];
  const up = st.tensors['lora_up.weight'];
  if (!down || !up) throw new Error(`${path} lacks the LoRA tensors`);
  return { down: down.data, up: up.data, metadata: st.metadata };
}
