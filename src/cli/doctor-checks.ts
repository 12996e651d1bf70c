import { promises as fsp } from 'node:fs';
import { locateJsonPath, type FileProblem } from '../core/model';
import { paths, type WorkspaceStore } from '../core/store';
import { findTrainer, validateParameters } from '../core/trainers';

/**
 * Checks beyond "does each file parse and match its schema" (the store's own problems):
 * files that are valid JSON but name a trainer nobody knows, or hold parameter values the
 * trainer would refuse. Each problem points at the line of the offending value.
 */

/** Where a JSON path is in a file's text (the property, or its nearest existing parent). */
async function locate(path: string, jsonPath: (string | number)[]): Promise<Partial<{ line: number; column: number }>> {
  try {
    return locateJsonPath(await fsp.readFile(path, 'utf8'), jsonPath) ?? {};
  } catch {
    return {};
  }
}

export async function semanticProblems(store: WorkspaceStore): Promise<FileProblem[]> {
  const problems: FileProblem[] = [];
  const profiles = store.listTrainerProfiles();
  for (const style of store.listStyles()) {
    const entry = store.getStyle(style.id)!;
    const trainer = findTrainer(style.trainer, profiles);
    if (!trainer) {
      problems.push({ path: entry.path, ...(await locate(entry.path, ['trainer'])), message: `trainer "${style.trainer}" is not known (not built in, and no trainlab/trainers/${style.trainer}.json)` });
      continue;
    }
    const versionsPath = paths.versions(store.root, style.id);
    for (const [i, version] of entry.versions.entries()) {
      for (const e of validateParameters(trainer.params, version.parameters)) {
        const where = Object.hasOwn(version.parameters, e.key) ? ['versions', i, 'parameters', e.key] : ['versions', i, 'parameters'];
        problems.push({ path: versionsPath, ...(await locate(versionsPath, where)), message: `version "${version.id}": parameter ${e.key} ${e.message} (trainer ${trainer.name})` });
      }
    }
  }
  return problems;
}
