// Writes schemas/<kind>.schema.json from the zod schemas, so VS Code checks hand edits of the
// workspace files as they are typed (package.json `contributes.jsonValidation`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FILE_SCHEMAS } from '../src/core/model/schemas';

const TITLES: Record<keyof typeof FILE_SCHEMAS, string> = {
  style: 'Trainlab style (trainlab/styles/<id>/style.json)',
  versions: 'Trainlab versions of a style (trainlab/styles/<id>/versions.json)',
  session: 'Trainlab training session (trainlab/styles/<id>/sessions/<id>/session.json)',
  runner: 'Trainlab runner record, written only by the runner (runner.json)',
  trainer: 'Trainlab trainer profile (trainlab/trainers/<name>.json)',
};

const outDir = join(__dirname, '..', 'schemas');
mkdirSync(outDir, { recursive: true });
for (const [kind, schema] of Object.entries(FILE_SCHEMAS) as [keyof typeof FILE_SCHEMAS, z.ZodType][]) {
  // `input`: fields with defaults are optional for a person writing the file by hand.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  json.title = TITLES[kind];
  writeFileSync(join(outDir, `${kind}.schema.json`), JSON.stringify(json, null, 2) + '\n');
}
