import type { CheckpointEvent, LineParser, ParsedEvent, ProgressEvent, TrainerKind } from './events';
import { dictNumber, parsePyDict, pyNumber } from './pydict';
import { itPerSec, parseTqdm, type TqdmProgress } from './tqdm';

/**
 * Trainer-specific line parsers. Each `create…Parser()` returns a fresh parser (some keep a
 * little state, e.g. which bar is the training bar). They run over very large logs: every line
 * goes through cheap `includes` checks before any regex.
 */

const NONE: readonly ParsedEvent[] = Object.freeze([]);

/** A number as trainers print it: `1,600`, `1.0e-04`, `nan`. */
function num(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = pyNumber(text);
  return n !== null || !text.includes(',') ? n : pyNumber(text.replace(/,/g, ''));
}

function firstNumber(postfix: Record<string, string>, keys: readonly string[]): number | undefined {
  for (const k of keys) {
    const v = postfix[k];
    if (v !== undefined) {
      const n = num(v);
      if (n !== null) return n;
    }
  }
  return undefined;
}

const LOSS_KEYS = ['avr_loss', 'loss', 'train_loss', 'avg_loss'] as const;
const LR_KEYS = ['lr', 'learning_rate'] as const;

function progressFrom(bar: TqdmProgress): ProgressEvent {
  const ev: ProgressEvent = {
    type: 'progress',
    n: bar.n,
    total: bar.total,
    etaSeconds: bar.remainingSeconds,
    elapsedSeconds: bar.elapsedSeconds,
    rateItPerSec: itPerSec(bar.rate),
  };
  const loss = firstNumber(bar.postfix, LOSS_KEYS);
  if (loss !== undefined) ev.loss = loss;
  const lr = firstNumber(bar.postfix, LR_KEYS);
  if (lr !== undefined) ev.lr = lr;
  return ev;
}

// ---------------------------------------------------------------------------------------------
// Failure lines

const EXCEPTION_LINE = /^(?:\[rank\d+\]: )?(?:[A-Za-z_]\w*\.)*\w*(?:Error|Exception)(?::|$)/;
const ARGPARSE_ERROR = /^[\w.-]+: error: /;

/**
 * A line that looks like the real cause of a failure: a Python traceback start, an exception
 * line (`RuntimeError: …`, `torch.OutOfMemoryError: …`, `Error: …`), CUDA out of memory, an
 * argparse usage error. Conservative: warnings, indented traceback frames and the launcher's
 * `CalledProcessError` echo are not.
 */
export function isErrorLine(line: string): boolean {
  if (line.includes('Traceback (most recent call last):')) return true;
  if (line.includes('CUDA out of memory')) return true;
  const c = line.charCodeAt(0);
  if (c === 32 || c === 9 || Number.isNaN(c)) return false;
  if (line.includes('Error') || line.includes('Exception')) {
    if (line.includes('CalledProcessError')) return false;
    return EXCEPTION_LINE.test(line);
  }
  if (line.includes(': error: ')) return ARGPARSE_ERROR.test(line);
  return false;
}

function errorEvents(line: string): readonly ParsedEvent[] {
  return isErrorLine(line) ? [{ type: 'error', line: line.trim() }] : NONE;
}

// ---------------------------------------------------------------------------------------------
// Shared header lines (kohya and Hugging Face print similar ones)

const TOTAL_STEPS = /otal optimization steps\b[^:=]*[:=]\s*(\d[\d,]*)\s*$/i;
const NUM_EPOCHS = /^\s*num epochs\b[^:=]*[:=]\s*(\d[\d,]*)\s*$/i;

function headerEvents(line: string): ParsedEvent[] | null {
  if (line.includes('otal optimization steps')) {
    const m = TOTAL_STEPS.exec(line);
    const total = m ? num(m[1]) : null;
    if (total !== null && total > 0) return [{ type: 'totalSteps', total }];
  }
  if (line.includes('um epochs') || line.includes('um Epochs')) {
    const m = NUM_EPOCHS.exec(line);
    const total = m ? num(m[1]) : null;
    if (total !== null) return [{ type: 'epoch', epoch: null, totalEpochs: total }];
  }
  return null;
}

/** `{name}-step00000500.safetensors` → step 500; `{name}-000004.safetensors` → epoch 4. */
function stepOrEpochFromName(path: string): { step?: number; epoch?: number } {
  const base = path.replace(/^.*[\\/]/, '');
  const s = /-step(\d{1,12})(?:-state)?(?:\.[A-Za-z0-9]+)?$/.exec(base);
  if (s) return { step: Number(s[1]) };
  const e = /-(\d{6})(?:-state)?(?:\.[A-Za-z0-9]+)?$/.exec(base);
  if (e) return { epoch: Number(e[1]) };
  const a = /_(\d{9})\.safetensors$/.exec(base);
  if (a) return { step: Number(a[1]) };
  return {};
}

/** Rich's right-hand `file.py:123` column, when the logging handler printed one. */
const RICH_LOCATION = /\s{2,}[\w.-]+\.py:\d+\s*$/;

// ---------------------------------------------------------------------------------------------
// kohya sd-scripts (and the demo trainer, which prints the same)

const KOHYA_EPOCH = /^\s*epoch (\d+)\/(\d+)\s*$/;
const KOHYA_EPOCH_INCREMENTED = /epoch is incremented\. current_epoch: \d+, epoch: (\d+)/;
const KOHYA_SAVE_STEP = /saving state at step (\d+)/;
const KOHYA_SAVE_EPOCH = /saving state at epoch (\d+)/;

export function createKohyaParser(): LineParser {
  return (line) => {
    const bar = parseTqdm(line);
    if (bar) return bar.desc === 'steps' ? [progressFrom(bar)] : NONE;
    if (line.includes('epoch')) {
      let m = KOHYA_EPOCH.exec(line);
      if (m) return [{ type: 'epoch', epoch: Number(m[1]), totalEpochs: Number(m[2]) }];
      m = KOHYA_EPOCH_INCREMENTED.exec(line);
      if (m) return [{ type: 'epoch', epoch: Number(m[1]), totalEpochs: null }];
    }
    if (line.includes('saving ')) {
      const ck = line.indexOf('saving checkpoint: ');
      if (ck >= 0) {
        const path = line.slice(ck + 'saving checkpoint: '.length).replace(RICH_LOCATION, '').trim();
        if (path) return [{ type: 'checkpoint', path, kind: 'model', ...stepOrEpochFromName(path) }];
      }
      let m = KOHYA_SAVE_STEP.exec(line);
      if (m) return [{ type: 'checkpoint', step: Number(m[1]), kind: 'state' }];
      m = KOHYA_SAVE_EPOCH.exec(line);
      if (m) return [{ type: 'checkpoint', epoch: Number(m[1]), kind: 'state' }];
      if (line.includes('saving last state')) return [{ type: 'checkpoint', kind: 'state' }];
    }
    return headerEvents(line) ?? errorEvents(line);
  };
}

// ---------------------------------------------------------------------------------------------
// ostris ai-toolkit

const AITK_SAVING = /^\s*Saving at step (\d+)/;
const AITK_SAVED = /Saved checkpoint to (.+?)\s*$/;
const AITK_FOUND = /Found step (\d+) in metadata, starting from there/;

/**
 * @param jobName the job's `config.name`: its training bar carries it as description. Without
 * it, a bar counts as training progress when its postfix has a loss. Other bars (`Loading
 * checkpoint shards`, caching, sampling) are never taken as training progress.
 */
export function createAiToolkitParser(options: { jobName?: string } = {}): LineParser {
  const jobName = options.jobName;
  return (line) => {
    const bar = parseTqdm(line);
    if (bar) {
      const isTraining = jobName ? bar.desc === jobName || bar.desc === 'steps' : bar.desc === 'steps' || (bar.desc !== '' && 'loss' in bar.postfix);
      return isTraining ? [progressFrom(bar)] : NONE;
    }
    if (line.includes('Sav')) {
      let m = AITK_SAVING.exec(line);
      if (m) return [{ type: 'checkpoint', step: Number(m[1]), kind: 'model' }];
      m = AITK_SAVED.exec(line);
      if (m) {
        const path = m[1]!;
        const ev: CheckpointEvent = { type: 'checkpoint', path, kind: 'model', ...stepOrEpochFromName(path) };
        return [ev];
      }
    }
    if (line.includes('Found step')) {
      const m = AITK_FOUND.exec(line);
      if (m) return [{ type: 'resumeFrom', step: Number(m[1]) }];
    }
    return errorEvents(line);
  };
}

// ---------------------------------------------------------------------------------------------
// Hugging Face transformers Trainer

const HF_CONTINUING = /Continuing training from global step (\d+)/;

/**
 * The training bar has no description; evaluation bars have none either, so the parser locks
 * onto the training total (from the `Total optimization steps` header, else the first bar) and
 * ignores bars with another total.
 */
export function createHfTrainerParser(): LineParser {
  let trainingTotal: number | null = null;
  return (line) => {
    const events: ParsedEvent[] = [];
    const brace = line.indexOf("{'");
    const bar = parseTqdm(brace > 0 ? line.slice(0, brace) : line);
    if (bar) {
      if (bar.desc === '' && bar.total !== null) {
        if (trainingTotal === null) trainingTotal = bar.total;
        if (bar.total === trainingTotal) events.push(progressFrom(bar));
      }
      if (brace < 0) return events;
    }
    if (brace >= 0) {
      const dict = parsePyDict(line.slice(brace));
      if (dict) {
        if ('train_runtime' in dict || 'train_loss' in dict) {
          const trainLoss = dictNumber(dict.train_loss);
          const epoch = dictNumber(dict.epoch);
          events.push({ type: 'metrics', final: true, ...(trainLoss !== undefined && { trainLoss }), ...(epoch !== undefined && { epoch }) });
        } else {
          const loss = dictNumber(dict.loss);
          const lr = dictNumber(dict.learning_rate);
          const epoch = dictNumber(dict.epoch);
          const gradNorm = dictNumber(dict.grad_norm);
          const evalLoss = dictNumber(dict.eval_loss);
          if (loss !== undefined || lr !== undefined || evalLoss !== undefined) {
            events.push({
              type: 'metrics',
              ...(loss !== undefined && { loss }),
              ...(lr !== undefined && { lr }),
              ...(epoch !== undefined && { epoch }),
              ...(gradNorm !== undefined && { gradNorm }),
              ...(evalLoss !== undefined && { evalLoss }),
            });
          }
        }
        return events;
      }
    }
    if (events.length) return events;
    const header = headerEvents(line);
    if (header) {
      for (const e of header) if (e.type === 'totalSteps') trainingTotal = e.total;
      return header;
    }
    if (line.includes('Continuing training from global step')) {
      const m = HF_CONTINUING.exec(line);
      if (m) return [{ type: 'resumeFrom', step: Number(m[1]) }];
    }
    return errorEvents(line);
  };
}

// ---------------------------------------------------------------------------------------------
// Generic and user-defined (command) profiles

const GENERIC_DESC = /^(?:steps?|train|training|)$/i;

/** Any tqdm bar without description or described as steps/training; loss and lr from its postfix. */
export function createGenericParser(): LineParser {
  return (line) => {
    const bar = parseTqdm(line);
    if (bar) return GENERIC_DESC.test(bar.desc) && bar.total !== null ? [progressFrom(bar)] : NONE;
    return headerEvents(line) ?? errorEvents(line);
  };
}

export interface ProgressPatterns {
  step?: string;
  total?: string;
  loss?: string;
}

/** Longer lines are not matched against user regexes (a bad pattern cannot stall on garbage). */
export const USER_REGEX_MAX_LINE = 4096;

/**
 * Compiles a command profile's progress patterns. Errors name the field
 * (`progress.step: invalid regular expression: …`).
 */
export function compileProgressPatterns(patterns: ProgressPatterns | undefined): { regexes: { step?: RegExp; total?: RegExp; loss?: RegExp }; errors: string[] } {
  const regexes: { step?: RegExp; total?: RegExp; loss?: RegExp } = {};
  const errors: string[] = [];
  for (const key of ['step', 'total', 'loss'] as const) {
    const source = patterns?.[key];
    if (source === undefined) continue;
    if (typeof source !== 'string' || source === '') {
      errors.push(`progress.${key}: must be a non-empty regular expression`);
      continue;
    }
    try {
      regexes[key] = new RegExp(source);
    } catch (e) {
      errors.push(`progress.${key}: invalid regular expression: ${(e as Error).message}`);
    }
  }
  return { regexes, errors };
}

function capture(re: RegExp, line: string): number | null {
  const m = re.exec(line);
  if (!m) return null;
  const text = m.length > 1 ? m.slice(1).find((g) => g !== undefined) : m[0];
  return text === undefined ? null : num(text.trim());
}

/**
 * A command profile's parser: its `progress.step` / `progress.total` / `progress.loss` regexes
 * (the first capture group, else the whole match, read as a number) on every line; a bad
 * pattern is skipped (validation reports it). Without any pattern, the generic tqdm parser.
 */
export function createCommandParser(patterns: ProgressPatterns | undefined): LineParser {
  const { regexes } = compileProgressPatterns(patterns);
  if (!regexes.step && !regexes.total && !regexes.loss) return createGenericParser();
  let total: number | null = null;
  return (line) => {
    if (line.length > USER_REGEX_MAX_LINE) return NONE;
    const events: ParsedEvent[] = [];
    const t = regexes.total ? capture(regexes.total, line) : null;
    if (t !== null && t > 0 && t !== total) {
      total = t;
      events.push({ type: 'totalSteps', total: t });
    }
    const step = regexes.step ? capture(regexes.step, line) : null;
    const loss = regexes.loss ? capture(regexes.loss, line) : null;
    if (step !== null) {
      const ev: ProgressEvent = { type: 'progress', n: step, total, etaSeconds: null };
      if (loss !== null) ev.loss = loss;
      events.push(ev);
    } else if (loss !== null) {
      events.push({ type: 'metrics', loss });
    }
    if (events.length) return events;
    return errorEvents(line);
  };
}

export interface ParserOptions {
  /** ai-toolkit: the job name (its training bar's description). */
  jobName?: string;
  /** command: the profile's progress patterns. */
  patterns?: ProgressPatterns;
}

/** The parser for a trainer kind. */
export function createParser(trainer: TrainerKind, options: ParserOptions = {}): LineParser {
  switch (trainer) {
    case 'kohya':
    case 'demo':
      return createKohyaParser();
    case 'ai-toolkit':
      return createAiToolkitParser(options.jobName !== undefined ? { jobName: options.jobName } : {});
    case 'hf-trainer':
      return createHfTrainerParser();
    case 'command':
      return createCommandParser(options.patterns);
  }
}
