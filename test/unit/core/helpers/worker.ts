// A separate process that writes to a workspace, for the crash and race tests.
//   worker.ts count ROOT SESSION_ID N   – N updates of a session and of versions.json, "ack <n>" after each
//   worker.ts add   ROOT STYLE N TAG    – adds N versions to STYLE
import { WorkspaceStore } from '../../../../src/core/store';

async function main() {
  const [mode, root, target, nText, tag] = process.argv.slice(2);
  const n = Number(nText);
  const store = new WorkspaceStore(root!, { lockStaleMs: 2000 });
  await store.load();
  if (mode === 'count') {
    const entry = store.getSession(target!)!;
    let step = entry.session.progress?.step ?? 0;
    while (step < n) {
      step++;
      await store.updateSession(target!, (s) => {
        s.progress = { step, totalSteps: n, epoch: null, totalEpochs: null, loss: null, etaSeconds: null, updatedAt: new Date().toISOString() };
      });
      await store.updateVersion(entry.session.styleId, entry.session.versionId, (v) => { v.notes = String(step); });
      process.stdout.write(`ack ${step}\n`);
    }
  } else if (mode === 'add') {
    for (let i = 0; i < n; i++) await store.addVersion(target!, { id: `${tag}-${i}`, description: `from ${tag}` });
  }
}
main().then(() => process.exit(0), (e) => { process.stderr.write(String(e?.stack ?? e) + '\n'); process.exit(1); });
