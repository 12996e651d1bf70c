/**
 * Sample images as trainers name them, read back into (step, prompt). Pure: the extension
 * uses it to describe a session's samples, the Samples tab to lay them out.
 *
 * - kohya sd-scripts: `<name>_<step:06d>_<prompt:02d>_<YYYYmmddHHMMSS>[_<seed>].png`, or
 *   `<name>_e<epoch:06d>_…` when sampling by epoch;
 * - the demo trainer: `<name>_<step:06d>_00.png` (kohya's without the time);
 * - ai-toolkit: `<unix ms>__<step:09d>_<prompt>.jpg`.
 */

export interface SampleName {
  step: number | null;
  epoch: number | null;
  /** 0-based index of the prompt in the trainer's prompt list. */
  prompt: number;
}

const AI_TOOLKIT = /^\d+__(\d{1,12})_(\d{1,4})\.(?:png|jpe?g|webp)$/i;
const KOHYA = /^.*?_(e?)(\d{6,})_(\d{2,})(?:_\d{14})?(?:_\d+)?\.(?:png|jpe?g|webp)$/i;
const IMAGE = /\.(?:png|jpe?g|webp)$/i;

export function isSampleImage(fileName: string): boolean {
  return IMAGE.test(fileName);
}

/** What a sample's file name says; an image that fits no scheme is prompt 0 at an unknown step. */
export function parseSampleName(fileName: string): SampleName {
  const ai = AI_TOOLKIT.exec(fileName);
  if (ai) return { step: Number(ai[1]), epoch: null, prompt: Number(ai[2]) };
  const k = KOHYA.exec(fileName);
  if (k) {
    const n = Number(k[2]);
    return k[1] ? { step: null, epoch: n, prompt: Number(k[3]) } : { step: n, epoch: null, prompt: Number(k[3]) };
  }
  return { step: null, epoch: null, prompt: 0 };
}

/**
 * The prompts of a kohya prompt file (`--sample_prompts`, .txt): one per line, `#` comments
 * and blank lines skipped, the sampler options (` --n …`, ` --w 512`, …) cut off.
 */
export function parsePromptLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/\s--[a-z]{1,3}\s.*$/i, '').trim());
}

/** "step 1,200", "epoch 3" or the file name: the label of a sample's position in the run. */
export function sampleWhen(s: { step: number | null; epoch: number | null }): string {
  if (s.step !== null) return `step ${s.step.toLocaleString('en-US')}`;
  if (s.epoch !== null) return `epoch ${s.epoch}`;
  return 'unknown step';
}

/** The sort key of a position: steps, then epochs, then unknown ones, each ascending. */
export function whenKey(s: { step: number | null; epoch: number | null }): string {
  if (s.step !== null) return `s${String(s.step).padStart(12, '0')}`;
  if (s.epoch !== null) return `e${String(s.epoch).padStart(12, '0')}`;
  return 'u';
}
