/**
 * A tqdm look-alike, because log parsers (Trainlab's own among them) read tqdm's line:
 *   `{desc}: {pct:3.0f}%|{bar}| {n}/{total} [{elapsed}<{remaining}, {rate}{, postfix}]`
 * written to stderr and redrawn in place with `\r`. The bar is tqdm's 10 cells, as tqdm draws
 * it when stderr is not a terminal (the way a runner captures it).
 */
const BAR_CELLS = 10;
/** tqdm's Unicode bar: a space, seven partial blocks, the full block. */
const BLOCKS = ' ▏▎▍▌▋▊▉█';

/** tqdm.format_interval: `MM:SS`, or `H:MM:SS` from one hour on (hours unbounded). */
export function formatInterval(seconds: number): string {
  const total = Math.floor(Math.max(0, seconds));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const two = (v: number) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** Python's `'{:.3g}'.format(x)` with tqdm's exponent trimming (`e-05` → `e-5`). */
function formatG3(x: number): string {
  if (x === 0) return '0';
  const [mantissa, expText] = x.toExponential(2).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 3) return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  return strip(x.toFixed(2 - exp));
}

/** tqdm.format_num, used for postfix values: the shorter of 3 significant digits and the plain number. */
export function formatNum(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const g = formatG3(x);
  const plain = Number.isInteger(x) ? `${x}` : String(x);
  return g.length < plain.length ? g : plain;
}

export interface BarState {
  desc: string;
  n: number;
  total: number;
  elapsedSeconds: number;
  postfix?: Record<string, number | string>;
}

/** One tqdm status line (without the leading `\r`). */
export function formatBar({ desc, n, total, elapsedSeconds, postfix }: BarState): string {
  const frac = total > 0 ? Math.min(1, n / total) : 0;
  const pct = String(Math.round(frac * 100)).padStart(3, ' ');
  const eighths = Math.floor(frac * BAR_CELLS * 8);
  const full = Math.floor(eighths / 8);
  let bar = '█'.repeat(full);
  if (full < BAR_CELLS) bar += BLOCKS[eighths % 8] + ' '.repeat(BAR_CELLS - full - 1);
  // tqdm has no rate before any iteration or any elapsed time, and shows `?` then.
  const rate = n > 0 && elapsedSeconds > 0 ? n / elapsedSeconds : undefined;
  let rateText = '?it/s';
  if (rate !== undefined) rateText = rate < 1 ? `${(1 / rate).toFixed(2).padStart(5)}s/it` : `${rate.toFixed(2).padStart(5)}it/s`;
  const remaining = rate !== undefined ? formatInterval((total - n) / rate) : '?';
  const post = postfix && Object.keys(postfix).length > 0
    ? ', ' + Object.entries(postfix).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNum(v) : v}`).join(', ')
    : '';
  return `${desc}: ${pct}%|${bar}| ${n}/${total} [${formatInterval(elapsedSeconds)}<${remaining}, ${rateText}${post}]`;
}

export interface ProgressBarOptions {
  total: number;
  desc?: string;
  /** Writes to the bar's stream (stderr). */
  write: (text: string) => void;
  /** Milliseconds, monotonic. */
  now: () => number;
  /** Redraw at most this often (the final state is always drawn). */
  minIntervalMs?: number;
}

export class ProgressBar {
  private n = 0;
  private postfix: Record<string, number | string> = {};
  private readonly start: number;
  private lastDraw = -Infinity;
  private lastLength = 0;
  private closed = false;

  constructor(private readonly options: ProgressBarOptions) {
    this.start = options.now();
    this.draw();
  }

  /** Sets the count (and postfix) and redraws if the last redraw is old enough or the bar is complete. */
  update(n: number, postfix?: Record<string, number | string>): void {
    this.n = n;
    if (postfix) this.postfix = postfix;
    const now = this.options.now();
    if (n >= this.options.total || now - this.lastDraw >= (this.options.minIntervalMs ?? 100)) this.draw();
  }

  /**
   * Prints a whole line elsewhere (stdout) without tearing the bar, like tqdm.write: the bar
   * is blanked, the line printed, the bar drawn again below it.
   */
  writeAbove(print: () => void): void {
    if (this.closed) return print();
    this.options.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
    print();
    this.draw();
  }

  /** Draws the final state and ends the line. */
  close(): void {
    if (this.closed) return;
    this.draw();
    this.options.write('\n');
    this.closed = true;
  }

  private draw(): void {
    const now = this.options.now();
    this.lastDraw = now;
    const line = formatBar({ desc: this.options.desc ?? 'steps', n: this.n, total: this.options.total, elapsedSeconds: (now - this.start) / 1000, postfix: this.postfix });
    // Pad over a longer previous line, as tqdm does, so no stale characters remain.
    const length = [...line].length;
    this.options.write(`\r${line}${' '.repeat(Math.max(0, this.lastLength - length))}`);
    this.lastLength = length;
  }
}
