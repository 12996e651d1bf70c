// Webview logic measured in Node (the in-Chromium render timings are measured elsewhere):
// - the console model appending realistic kohya output (tqdm `\r` bar updates with ANSI
//   colour, INFO lines) in chunks as the host sends them, in lines per second, against a
//   floor of plain string splitting on `\n` of the same chunks; the target is to keep up with
//   10,000 lines a second with room to spare;
// - LTTB downsampling of 100,000 points to a plot width.
import { ConsoleBuffer } from '../webview-ui/console/buffer';
import { lttbIndices } from '../webview-ui/chart/downsample';

const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** About `lines` lines of kohya output (progress updates count as lines), cut into ~8 KB chunks. */
function kohyaChunks(lines: number): { chunks: string[]; lineCount: number } {
  const out: string[] = [];
  let count = 0;
  let step = 0;
  while (count < lines) {
    step++;
    if (step % 100 === 0) {
      out.push(`\n\x1b[2m2025-06-29 11:${String(step % 60).padStart(2, '0')}:01\x1b[0m \x1b[34mINFO\x1b[0m     epoch ${step / 100}/100                                      train_network.py:1000\n`);
      count++;
    }
    const pct = Math.floor((step % 10000) / 100);
    out.push(`\rsteps: ${String(pct).padStart(3)}%|${'█'.repeat(Math.floor(pct / 10)).padEnd(10)}| ${step}/10000 [12:34<56:07,  2.97it/s, avr_loss=0.${(1000 + step) % 10000}]`);
    count++;
  }
  const text = out.join('');
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 8192) chunks.push(text.slice(i, i + 8192));
  return { chunks, lineCount: count };
}

export async function benchWebview(): Promise<{ rows: [string, string, string][] }> {
  const { chunks, lineCount } = kohyaChunks(200_000);
  const floors: number[] = [];
  const buffers: number[] = [];
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    let t0 = now();
    for (const c of chunks) sink += c.split(/\r\n|\r|\n/).length;
    floors.push(now() - t0);
    const b = new ConsoleBuffer({ maxLines: 10_000 });
    t0 = now();
    for (const c of chunks) {
      b.append(c);
      b.takeChanges();
    }
    buffers.push(now() - t0);
    sink += b.length;
  }
  const f = median(floors);
  const c = median(buffers);
  const linesPerSec = lineCount / (c / 1000);

  const n = 100_000;
  const xs = Array.from({ length: n }, (_, i) => i);
  const ys = xs.map((i) => 1 / Math.sqrt(i + 1) + 0.05 * Math.sin(i) + (i % 9973 === 0 ? 0.5 : 0));
  const ds: number[] = [];
  for (let r = 0; r < RUNS * 4; r++) {
    const t0 = now();
    sink += lttbIndices(xs, ys, 1200).length;
    ds.push(now() - t0);
  }
  if (sink < 0) console.log(sink);
  return {
    rows: [
      [`floor: split ${lineCount.toLocaleString('en-US')} lines of kohya output on \\r/\\n`, `${f.toFixed(1)} ms`, ''],
      ['ConsoleBuffer.append (ANSI, \\r collapse, cap 10,000)', `${c.toFixed(1)} ms`, ''],
      ['  lines per second sustained', `${Math.round(linesPerSec).toLocaleString('en-US')}`, 'target ≥ 10,000'],
      ['  ratio ConsoleBuffer / floor', `${(c / f).toFixed(2)}`, ''],
      ['downsample (LTTB) 100,000 points to 1,200', `${median(ds).toFixed(2)} ms`, 'frame budget 16 ms'],
    ],
  };
}
