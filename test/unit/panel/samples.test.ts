import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promptsOf, sampleFile, samplesOf } from '../../../src/extension/panel/samples';
import { paths } from '../../../src/core/store';
import { samplesResultSchema, type SampleImage } from '../../../src/shared/panel-protocol';
import { parsePromptLines, parseSampleName, sampleWhen } from '../../../src/shared/samples';
import { defaultVersionIds, groupByStep, promptChoices, promptGrid, type SamplesSession } from '../../../webview-ui/samples-tab/logic';
import { copyFixture, FIXTURE_ROOT } from '../extension/helpers';

const STYLE = 'dynamic-simplicity';

const img = (file: string, uri: string | null = `uri:${file}`): SampleImage => ({ file, uri, ...parseSampleName(file) });

describe('samples: names, prompts and layouts', () => {
  it('reads kohya, demo and ai-toolkit sample names', () => {
    assert.deepEqual(parseSampleName('mystyle_000200_01_20240301120000.png'), { step: 200, epoch: null, prompt: 1 });
    assert.deepEqual(parseSampleName('mystyle_000200_00_20240301120000_42.png'), { step: 200, epoch: null, prompt: 0 });
    assert.deepEqual(parseSampleName('my_style_e000003_02_20240301120000.png'), { step: null, epoch: 3, prompt: 2 });
    assert.deepEqual(parseSampleName('demo_000300_00.png'), { step: 300, epoch: null, prompt: 0 });
    assert.deepEqual(parseSampleName('1718200000000__000000250_3.jpg'), { step: 250, epoch: null, prompt: 3 });
    assert.deepEqual(parseSampleName('cover.png'), { step: null, epoch: null, prompt: 0 });
    assert.equal(sampleWhen({ step: 1200, epoch: null }), 'step 1,200');
    assert.equal(sampleWhen({ step: null, epoch: 3 }), 'epoch 3');
  });

  it('reads a kohya prompt file without comments, blank lines or sampler options', () => {
    assert.deepEqual(parsePromptLines('# prompts\nzk style, a castle --n blurry --w 512 --h 512\n\n  a lighthouse at dusk  \r\n'), ['zk style, a castle', 'a lighthouse at dusk']);
  });

  it('groups one session by step (steps ascending, prompts in order, unknown last)', () => {
    const groups = groupByStep([img('x_000200_01.png'), img('cover.png'), img('x_000100_00.png'), img('x_000200_00.png')]);
    assert.deepEqual(
      groups.map((g) => [g.label, g.images.map((i) => i.file)]),
      [
        ['step 100', ['x_000100_00.png']],
        ['step 200', ['x_000200_00.png', 'x_000200_01.png']],
        ['unknown step', ['cover.png']],
      ],
    );
  });

  it('lays one prompt out across versions: a row per step, a column per version, gaps empty', () => {
    const s = (id: string, versionId: string, files: string[], prompts: string[] = []): SamplesSession => ({ id, versionId, versionName: versionId, status: 'completed', createdAt: '', prompts, images: files.map((f) => img(f)) });
    const sessions = [
      s('s3', 'V2', ['a_000100_00.png', 'a_000200_00.png', 'a_000200_01.png'], ['castle', 'lighthouse']),
      s('s2', 'V1', ['b_000200_00.png', 'b_000300_00.png']),
      s('s1', 'V1', ['c_000100_00.png']),
    ];
    assert.deepEqual(defaultVersionIds(sessions), ['V2', 'V1'], 'one column per version, its newest session');
    assert.deepEqual(promptChoices(sessions), [
      { index: 0, label: 'Prompt 1: castle' },
      { index: 1, label: 'Prompt 2: lighthouse' },
    ]);
    const grid = promptGrid([sessions[0]!, sessions[1]!], 0);
    assert.deepEqual(
      grid.rows.map((r) => [r.label, r.cells.map((c) => c?.file ?? null)]),
      [
        ['step 100', ['a_000100_00.png', null]],
        ['step 200', ['a_000200_00.png', 'b_000200_00.png']],
        ['step 300', [null, 'b_000300_00.png']],
      ],
    );
  });

  it('the extension lists each session’s samples with webview URIs, and prompts from the prompt file', async () => {
    const { store, cleanup } = await copyFixture();
    try {
      const [newest, older] = store.listSessions({ styleId: STYLE });
      const out = paths.output(store.root, STYLE, newest!.id);
      mkdirSync(join(out, 'sample'), { recursive: true });
      for (const f of ['zk_000100_00_20251012120000.png', 'zk_000100_01_20251012120000.png', 'zk_000200_00_20251012121000.png', 'notes.txt']) writeFileSync(join(out, 'sample', f), 'x');
      writeFileSync(join(store.root, '..', 'prompts.txt'), 'a castle --n ugly\n# skip\na lighthouse\n');
      // The fixture's sessions name prompts/dynamic-simplicity.txt, beside trainlab/ in the workspace.
      mkdirSync(join(store.root, '..', 'prompts'));
      copyFileSync(join(FIXTURE_ROOT, '..', 'prompts', 'dynamic-simplicity.txt'), join(store.root, '..', 'prompts', 'dynamic-simplicity.txt'));
      await store.updateSession(newest!.id, (s) => void (s.parameters = { ...s.parameters, sample_prompts: 'prompts.txt' }));
      // A sample recorded outside the style's folder (an imported run): listed, without a URI.
      const outside = join(store.root, '..', 'elsewhere_000050_00.png');
      writeFileSync(outside, 'x');
      await store.updateSession(older!.id, (s) => void (s.outputs = { ...s.outputs, samples: [outside] }));

      const styleDir = paths.styleDir(store.root, STYLE);
      const result = await samplesOf(store, STYLE, (f) => (f.startsWith(styleDir) ? `webview:${f.slice(styleDir.length)}` : null));
      assert.ok(samplesResultSchema.safeParse(result).success, 'the result fits the protocol');
      // Newest first: the one just given samples, then the fixture's V2 and V1 sessions (with their own).
      assert.deepEqual(result.sessions.map((s) => s.id), [newest!.id, older!.id, '20251012-072721-3fa9c1']);
      const first = result.sessions[0]!;
      assert.deepEqual(first.prompts, ['a castle', 'a lighthouse']);
      assert.deepEqual(first.images.map((i) => [i.file, i.step, i.prompt]), [
        ['zk_000100_00_20251012120000.png', 100, 0],
        ['zk_000100_01_20251012120000.png', 100, 1],
        ['zk_000200_00_20251012121000.png', 200, 0],
      ]);
      assert.ok(first.images.every((i) => i.uri?.startsWith('webview:')));
      const second = result.sessions[1]!;
      assert.equal(second.images.length, 7, 'six in its sample folder, one recorded elsewhere');
      assert.deepEqual(second.images[6], { file: 'elsewhere_000050_00.png', uri: null, step: 50, epoch: null, prompt: 0 });
      assert.deepEqual(second.prompts, ['zk style, a castle at dusk', 'zk style, a lighthouse by the sea'], 'the fixture’s prompt file');
      const olderNow = store.getSession(older!.id)!.session;
      assert.equal(await sampleFile(store, olderNow, 'elsewhere_000050_00.png'), outside);
      assert.equal(await sampleFile(store, olderNow, '../../etc/passwd'), undefined, 'only the session’s own samples open');
      assert.deepEqual(await promptsOf(store, { ...older!, parameters: { sample_prompts: ['one', 2, 'three'] } }), ['one', 'three']);
    } finally {
      await cleanup();
    }
  });
});
