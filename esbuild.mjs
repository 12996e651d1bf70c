// Builds the four bundles (extension, CLI, runner, webview), the integration-test
// bundle, and the JSON Schema files generated from the zod schemas.
// Type-checking is a separate step (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  target: 'node20',
  // Prefer ES module builds: jsonc-parser's UMD "main" hides its requires from the bundler.
  mainFields: ['module', 'main'],
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...common, platform: 'node', format: 'cjs', entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, platform: 'node', format: 'cjs', entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'node', format: 'cjs', entryPoints: ['src/runner/main.ts'], outfile: 'dist/runner.js' },
  { ...common, platform: 'node', format: 'cjs', entryPoints: ['src/demo-trainer/main.ts'], outfile: 'dist/demo-trainer.js' },
  // The codicon style sheet imported by webview-ui/main.ts lands in dist/webview.css, its font in dist/codicon.ttf.
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: ['webview-ui/main.ts'], outfile: 'dist/webview.js', loader: { '.ttf': 'file' }, assetNames: '[name]' },
];

// Integration suites run inside the extension host; they import `vscode` and mocha at run time.
const integrationDir = 'test/integration';
if (!production && existsSync(integrationDir)) {
  const suites = readdirSync(join(integrationDir, 'suite')).filter((f) => f.endsWith('.ts')).map((f) => join(integrationDir, 'suite', f));
  builds.push({
    ...common, platform: 'node', format: 'cjs', external: ['vscode', 'mocha'],
    entryPoints: [join(integrationDir, 'index.ts'), ...suites], outdir: 'dist/test/integration', outbase: integrationDir,
  });
  builds.push({ ...common, platform: 'node', format: 'cjs', external: ['@vscode/test-electron'], entryPoints: [join(integrationDir, 'runTest.ts')], outfile: 'dist/test/runTest.js' });
}

function generateSchemas() {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate-schemas.ts'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('schema generation failed');
}

generateSchemas();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('esbuild: watching');
} else {
  // allSettled: a failed bundle must not end the process while others are half written.
  const results = await Promise.allSettled(builds.map((b) => esbuild.build(b)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    for (const f of failed) console.error(String(f.reason?.message ?? f.reason));
    process.exit(1);
  }
}
