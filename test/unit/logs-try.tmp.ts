import { readFileSync } from 'node:fs';
import { LineSplitter, createParser, ProgressTracker } from '../../src/core/logs';
const f = process.argv[2]!; const kind = process.argv[3] as any; const start = Number(process.argv[4] ?? 0);
const sp = new LineSplitter(); const p = createParser(kind, { jobName: 'my_lora' });
const tr = new ProgressTracker({ trainer: kind, attemptStartStep: start, barCountsFromResume: kind === 'kohya' || kind === 'demo' });
const evs: any[] = []; const pts: any[] = [];
for (const l of [...sp.push(readFileSync(f)), ...sp.end()]) for (const e of p(l)) { evs.push(e); pts.push(...tr.consume(e)); }
pts.push(...tr.flush());
const counts: Record<string, number> = {}; for (const e of evs) counts[e.type] = (counts[e.type] ?? 0) + 1;
console.log(counts); console.log(evs.filter(e => e.type !== 'progress')); console.log(evs.filter(e=>e.type==='progress').slice(-2));
console.log(tr.state, tr.checkpoints, tr.errorSummary); console.log(pts.length, pts.slice(0, 3), pts.slice(-2));
