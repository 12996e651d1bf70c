import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runIn, tempWorkspace, type TempWorkspace } from './helpers';

interface DoctorJson {
  ok: boolean;
  problems: { path: string; line?: number; column?: number; message: string }[];
}

const VERSIONS = 'trainlab/styles/dyn/versions.json';

describe('trainlab doctor', () => {
  let ws: TempWorkspace;
  beforeEach(() => {
    ws = tempWorkspace({ fixture: true });
  });
  afterEach(() => ws.cleanup());

  it('says all is well (exit 0) for a healthy workspace', async () => {
    const r = await ws.run('doctor');
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, 'No problems (2 styles, 2 versions, 3 sessions read from trainlab).\n');
    assert.deepEqual((await ws.run('doctor', '--json')).json(), { ok: true, problems: [] });
  });

  it('lists a broken versions.json as path:line:column: message, with a summary (exit 1)', async () => {
    // line 6 (`"id": "V1",`) loses its comma: the parser stops at the next property
    const text = ws.read(VERSIONS).split('\n');
    assert.equal(text[5], '      "id": "V1",');
    text[5] = text[5]!.replace(/,$/, '');
    ws.write(VERSIONS, text.join('\n'));
    const r = await ws.run('doctor');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'trainlab/styles/dyn/versions.json:7:7: not valid JSON: comma expected\n1 problem found (2 styles, 0 versions, 3 sessions read from trainlab).\n');
  });

  it('prints { ok, problems } with --json, one entry per unusable file, sorted by path', async () => {
    ws.write(VERSIONS, '{ "schemaVersion": 1, "versions": [ { "id": "V1", "name": "V1", "createdAt": "yesterday" } ] }');
    ws.write('trainlab/styles/demo-style/style.json', '');
    ws.write('trainlab/trainers/broken.json', '{ "schemaVersion": 1, "name": "broken" }');
    mkdirSync(join(ws.root, 'styles', 'bad name'));
    const r = await ws.run('doctor', '--json');
    assert.equal(r.code, 1);
    const doc = r.json<DoctorJson>();
    assert.equal(doc.ok, false);
    assert.deepEqual(doc.problems, [
      { path: 'trainlab/styles/bad name', message: 'the style folder name "bad name" is not a valid id (an id starts with a letter or digit and holds only letters, digits, ".", "_" or "-" (at most 64 characters, no ".."))' },
      { path: 'trainlab/styles/demo-style/style.json', message: 'the file is empty' },
      { path: 'trainlab/styles/dyn/versions.json', line: 1, column: 65, message: 'versions.0.createdAt: Invalid ISO datetime' },
      { path: 'trainlab/trainers/broken.json', line: 1, column: 1, message: 'argv: a trainer profile needs "argv": the command as a list of strings, with {param} placeholders' },
    ]);
  });

  it('reports a style whose trainer is unknown, and parameter values its trainer refuses, at their line', async () => {
    ws.write('trainlab/styles/demo-style/style.json', ws.read('trainlab/styles/demo-style/style.json').replace('"trainer": "demo"', '"trainer": "gone"'));
    ws.write(VERSIONS, ws.read(VERSIONS).replace('"learning_rate": 0.0002', '"learning_rate": "fast"'));
    const r = await ws.run('doctor', '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(r.json<DoctorJson>().problems, [
      { path: 'trainlab/styles/demo-style/style.json', line: 6, column: 3, message: 'trainer "gone" is not known (not built in, and no trainlab/trainers/gone.json)' },
      { path: 'trainlab/styles/dyn/versions.json', line: 34, column: 9, message: 'version "V2": parameter learning_rate must be a number between 0 and 1 (trainer kohya)' },
    ]);
  });

  it('shows paths relative to the folder it runs in', async () => {
    ws.write(VERSIONS, '{');
    const sub = join(ws.dir, 'sub');
    mkdirSync(sub);
    const r = await runIn(sub, ['doctor', '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.json<DoctorJson>().problems[0]!.path, join('..', 'trainlab', 'styles', 'dyn', 'versions.json'));
  });
});
