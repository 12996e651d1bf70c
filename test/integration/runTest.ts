// Integration tests in a downloaded desktop VS Code, for machines that can download it:
//   npm run test:electron
// The same suites run offline in code-server via `npm run test:integration` (test/harness/run.js).
// Bundled to dist/test/runTest.js, so the repository root is two folders up.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..');
  const extensionDevelopmentPath = repo;
  const extensionTestsPath = path.join(repo, 'dist', 'test', 'integration', 'index.js');

  // Tests may change files freely: each run opens a fresh copy of the fixture workspace.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trainlab-it-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repo, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

  try {
    await runTests({
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    if (!process.env.KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('Integration tests failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
