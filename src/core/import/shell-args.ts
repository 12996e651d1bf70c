import { num } from './values';

/**
 * Reading the training command out of a generated launch script (FluxGym's `train.sh` /
 * `train.bat`): `accelerate launch [launcher args] path/to/flux_train_network.py --arg value …`,
 * spread over lines with `\` (sh) or `^` (bat) continuations, with quoted paths.
 */

export interface LaunchCommand {
  /** The whole command line, as the shell would pass it (quotes removed). */
  argv: string[];
  /** What came before the script: `accelerate launch --mixed_precision bf16 …`, `python`. */
  launcher: string[];
  /** The training script as written (`sd-scripts/flux_train_network.py`). */
  script: string;
  /** The script's `--name value` arguments: numbers as numbers, bare flags as true, repeated values as lists. */
  args: Record<string, unknown>;
  /** Arguments that were not `--name [value]`. */
  positional: string[];
}

/** Joins continued lines: `\` + newline in sh, `^` + newline in cmd. */
export function joinContinuations(text: string, windows: boolean): string {
  return windows ? text.replace(/\^[ \t]*\r?\n/g, ' ') : text.replace(/\\[ \t]*\r?\n/g, ' ');
}

/**
 * Splits one command line into words. sh: single quotes are literal, double quotes keep `\"`,
 * a backslash outside quotes escapes the next character. cmd: double quotes group, `^`
 * escapes, backslashes are path separators. Variables are left as written.
 */
export function tokenize(line: string, windows: boolean): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (!windows && quote === '"' && c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || (c === "'" && !windows)) {
      quote = c;
      inWord = true;
    } else if (!windows && c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (windows && c === '^' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

const isOption = (word: string) => word.startsWith('--') && word.length > 2;

/** Parses `--name value`, `--name=value`, `--flag` and `--name v1 v2` (argparse `nargs`). Later wins. */
export function parseArgs(words: readonly string[]): { args: Record<string, unknown>; positional: string[] } {
  const args: Record<string, unknown> = {};
  const positional: string[] = [];
  const set = (k: string, v: unknown) => Object.defineProperty(args, k, { value: v, enumerable: true, writable: true, configurable: true });
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!isOption(w)) {
      positional.push(w);
      continue;
    }
    const eq = w.indexOf('=');
    if (eq > 2) {
      set(w.slice(2, eq), coerce(w.slice(eq + 1)));
      continue;
    }
    const values: unknown[] = [];
    while (i + 1 < words.length && !isOption(words[i + 1]!)) values.push(coerce(words[++i]!));
    set(w.slice(2), values.length === 0 ? true : values.length === 1 ? values[0] : values);
  }
  return { args, positional };
}

/** Numbers become numbers ("0.0008", "1e-4", "16"); everything else stays text. */
function coerce(word: string): unknown {
  return num(word) ?? word;
}

/** A Python script whose name says it trains: `flux_train_network.py`, `train_network.py`, `sdxl_train.py`. */
const TRAIN_SCRIPT = /(^|[\\/])[\w.-]*train[\w.-]*\.py$/i;

/** Lines that are not the command: comments, `set`, `cd`, `call …activate`, `echo`. */
const NOT_COMMAND = /^\s*(#|rem\b|::|@?echo\b|set\b|export\b|cd\b|call\b.*activate|source\b|\.\s)/i;

/** Finds and parses the training command in a launch script; null when there is none. */
export function parseLaunchScript(text: string, windows: boolean): LaunchCommand | null {
  const joined = joinContinuations(text, windows);
  for (const raw of joined.split(/\r?\n/)) {
    if (NOT_COMMAND.test(raw) || raw.trim() === '') continue;
    const words = tokenize(raw.trim(), windows);
    const at = words.findIndex((w) => TRAIN_SCRIPT.test(w));
    if (at < 0) continue;
    const { args, positional } = parseArgs(words.slice(at + 1));
    return { argv: words, launcher: words.slice(0, at), script: words[at]!, args, positional };
  }
  return null;
}
