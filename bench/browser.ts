// `npm run bench`, part two: the panel rendering in Chromium (bench/browser/run.ts), printed like
// bench/index.ts prints its sections. Without a Chromium it says so and passes (exit 0).
import { benchBrowser } from './browser/run';

function printRows(title: string, rows: [string, string, string][]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(w)}  ${v.padStart(12)}  ${t}`);
}

benchBrowser()
  .then((r) => {
    if ('skipped' in r) {
      console.log(`\nPanel in Chromium\n  skipped: ${r.skipped}`);
      return;
    }
    console.log(`\n${r.header}`);
    for (const s of r.sections) printRows(s.title, s.rows);
  })
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
