import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '../src/core/store';

/** A realistic workspace: styles, versions, and sessions whose session.json is about 2 KB. */
export function generateWorkspace(sessionCount: number, styleCount: number): { dir: string; root: string; bytes: number; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'trainlab-bench-'));
  const root = join(dir, 'trainlab');
  let bytes = 0;
  const perStyle = Math.ceil(sessionCount / styleCount);
  let made = 0;
  const statuses = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'interrupted', 'running'] as const;
  for (let s = 0; s < styleCount && made < sessionCount; s++) {
    const styleId = `style-${String(s).padStart(4, '0')}`;
    mkdirSync(paths.sessionsDir(root, styleId), { recursive: true });
    writeFileSync(paths.style(root, styleId), JSON.stringify({ schemaVersion: 1, id: styleId, name: `Style ${s}`, triggerToken: `SBai_style_${s}`, trainer: 'kohya', defaults: { network_dim: 16 }, description: '', createdAt: new Date(Date.UTC(2026, 0, 1, 0, s)).toISOString() }, null, 2));
    const versions = [];
    for (let v = 0; v < 10; v++) versions.push({ id: `V${v + 1}`, name: `V${v + 1}`, createdAt: new Date(Date.UTC(2026, 0, 2, v, s)).toISOString(), parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 * (v + 1), max_train_steps: 1200 }, datasetId: 'set-1', imageCount: 100, description: `Test ${v}`, notes: '', tags: [], status: 'completed', sessionIds: [] as string[], modelUrl: null, completedAt: null });
    for (let i = 0; i < perStyle && made < sessionCount; i++, made++) {
      const sessionId = `${styleId}-s${String(i).padStart(4, '0')}`;
      const versionId = `V${(i % 10) + 1}`;
      versions[i % 10]!.sessionIds.push(sessionId);
      const created = new Date(Date.UTC(2026, 1, 1, 0, 0, made)).toISOString();
      const session = {
        schemaVersion: 1, id: sessionId, styleId, versionId, createdAt: created, origin: { type: 'new' },
        backend: { type: 'local', command: ['accelerate', 'launch', '--num_cpu_threads_per_process', '1', 'sd-scripts/flux_train_network.py', '--pretrained_model_name_or_path', '/models/flux1-dev.safetensors', '--network_module', 'networks.lora_flux', '--output_dir', 'output', '--save_state'], cwd: '/home/user/train' },
        trainer: 'kohya',
        parameters: { network_dim: 16, network_alpha: 16, learning_rate: 0.0001, max_train_steps: 1200, lr_scheduler: 'cosine_with_restarts', lr_warmup_steps: 0, optimizer_type: 'AdamW8bit', train_batch_size: 2, num_repeats: 10, mixed_precision: 'bf16', save_every_n_steps: 500, resolution: '1024', seed: 42, class_tokens: `SBai_style_${s}` },
        dataset: { id: 'set-1', path: null, imageCount: 100 },
        status: statuses[made % statuses.length],
        attempts: [{ startedAt: created, endedAt: created, exitCode: 0, signal: null, resumedFrom: null, startStep: 0 }, { startedAt: created, endedAt: created, exitCode: 0, signal: null, resumedFrom: 'output/style-step00000500-state', startStep: 500 }],
        progress: { step: 1200, totalSteps: 1200, epoch: 10, totalEpochs: 10, loss: 0.0812, etaSeconds: 0, updatedAt: created },
        checkpoints: [500, 1000].map((n) => ({ path: `output/style-step${String(n).padStart(8, '0')}-state`, step: n, createdAt: created })),
        outputs: { model: 'output/style.safetensors', samples: ['output/sample/style_000500_00.png', 'output/sample/style_001000_00.png'] },
        metricsSummary: { bestLoss: 0.0701, finalLoss: 0.0812, bestStep: 1100 },
        error: null, notes: 'Looks good at step 1000; slight overfit after.', tags: ['baseline', 'flux'],
      };
      const text = JSON.stringify(session, null, 2);
      bytes += text.length;
      mkdirSync(paths.sessionDir(root, styleId, sessionId));
      writeFileSync(paths.session(root, styleId, sessionId), text);
    }
    writeFileSync(paths.versions(root, styleId), JSON.stringify({ schemaVersion: 1, versions }, null, 2));
  }
  return { dir, root, bytes, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
