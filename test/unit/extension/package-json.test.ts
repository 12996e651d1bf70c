import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Commands, ContextKeys, RESTRICTED_SETTINGS, Settings, ViewContainerId, Views } from '../../../src/extension/ids';
import { REPO } from './helpers';

interface Pkg {
  activationEvents: string[];
  icon: string;
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    views: Record<string, { id: string; name: string }[]>;
    viewsContainers: { activitybar: { id: string; title: string; icon: string }[] };
    viewsWelcome: { view: string; contents: string; when?: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
    jsonValidation: { fileMatch: string; url: string }[];
  };
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Pkg;
const c = pkg.contributes;

describe('package.json contributions match src/extension/ids.ts', () => {
  it('contributes exactly the command ids of ids.ts, each with the Trainlab category and a codicon', () => {
    assert.deepEqual(c.commands.map((x) => x.command).sort(), Object.values(Commands).sort());
    for (const cmd of c.commands) {
      assert.equal(cmd.category, 'Trainlab', cmd.command);
      assert.match(cmd.icon ?? '', /^\$\([a-z-]+\)$/, cmd.command);
    }
  });

  it('menus name only contributed commands, and every when clause uses known context keys', () => {
    const ids = new Set(Object.values(Commands) as string[]);
    const keys = new Set(Object.values(ContextKeys) as string[]);
    for (const [menu, items] of Object.entries(c.menus)) {
      for (const item of items) {
        assert.ok(ids.has(item.command), `${menu}: ${item.command}`);
        for (const k of item.when?.match(/trainlab\.[A-Za-z]+/g) ?? []) {
          if (!ids.has(k) && !(Object.values(Views) as string[]).includes(k) && !/^trainlab\.(style|versions?|session|datasets?|problem)$/.test(k)) assert.ok(keys.has(k), `${menu}: unknown context key ${k}`);
        }
      }
    }
  });

  it('item menus match the tree context values with regular expressions that work', () => {
    const itemWhens = c.menus['view/item/context']!.map((i) => i.when ?? '');
    const regexes = itemWhens.flatMap((w) => [...w.matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)].map((m) => new RegExp(m[1]!)));
    assert.ok(regexes.some((r) => r.test('trainlab.version:running')));
    assert.ok(regexes.some((r) => r.test('trainlab.session:completed')));
    const deleteWhen = c.menus['view/item/context']!.find((i) => i.command === Commands.deleteVersion)!.when!;
    const del = new RegExp(/\/(.+)\//.exec(deleteWhen)![1]!);
    assert.ok(del.test('trainlab.version:draft') && del.test('trainlab.version:failed'));
    assert.ok(!del.test('trainlab.version:running') && !del.test('trainlab.version:pending'), 'a running version is not offered for deletion');
  });

  it('the view container, views and welcome content', () => {
    assert.deepEqual(c.viewsContainers.activitybar.map((v) => [v.id, v.title]), [[ViewContainerId, 'Trainlab']]);
    assert.ok(existsSync(join(REPO, c.viewsContainers.activitybar[0]!.icon)));
    assert.match(readFileSync(join(REPO, c.viewsContainers.activitybar[0]!.icon), 'utf8'), /currentColor/);
    assert.deepEqual(c.views[ViewContainerId]!.map((v) => [v.id, v.name]), [[Views.styles, 'Styles'], [Views.activeSessions, 'Active Sessions']]);
    const welcome = (view: string) => c.viewsWelcome.filter((w) => w.view === view).map((w) => w.contents).join('\n');
    assert.match(welcome(Views.styles), /\[Initialize Trainlab\]\(command:trainlab\.init\)/);
    assert.match(welcome(Views.styles), /\[New Style\]\(command:trainlab\.newStyle\)/);
    assert.match(welcome(Views.styles), /\[Import…\]\(command:trainlab\.import\)/);
    assert.match(welcome(Views.activeSessions), /No training is running\./);
    assert.ok(existsSync(join(REPO, pkg.icon)));
  });

  it('settings, activation, trust and JSON validation', () => {
    assert.deepEqual(Object.keys(c.configuration.properties).sort(), Object.values(Settings).filter((s) => s !== Settings.section).sort());
    assert.equal(c.configuration.properties[Settings.root]!.default, 'trainlab');
    assert.equal(c.configuration.properties[Settings.pollIntervalSeconds]!.default, 30);
    assert.equal(c.configuration.properties[Settings.consoleMaxLines]!.default, 10000);
    assert.ok(pkg.activationEvents.includes('workspaceContains:trainlab/**'));
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, [...RESTRICTED_SETTINGS]);
    const urls = c.jsonValidation.map((j) => j.url).sort();
    assert.deepEqual(urls, ['./schemas/runner.schema.json', './schemas/session.schema.json', './schemas/style.schema.json', './schemas/trainer.schema.json', './schemas/versions.schema.json']);
    assert.ok(c.jsonValidation.some((j) => j.fileMatch === '**/trainlab/styles/*/sessions/*/session.json'));
  });

  it('training commands: offered only in trusted workspaces and when the status allows', () => {
    const items = c.menus['view/item/context']!;
    const palette = c.menus.commandPalette!;
    for (const id of [Commands.startTraining, Commands.cancel, Commands.resume, Commands.relaunch, Commands.extend]) {
      const whens = [...items, ...palette].filter((i) => i.command === id).map((i) => i.when ?? '');
      assert.ok(whens.length >= 2, id);
      for (const w of whens) assert.match(w, /isWorkspaceTrusted/, `${id}: ${w}`);
    }
    const regexOf = (id: string, group: RegExp) => {
      const kind = id === Commands.startTraining ? 'version' : 'session';
      const when = items.find((i) => i.command === id && group.test(i.group ?? '') && (i.when ?? '').includes(kind))!.when!;
      return new RegExp(/viewItem =~ \/(.+?)\/(?:\s|$)/.exec(when)![1]!);
    };
    const start = regexOf(Commands.startTraining, /^0_training/);
    assert.ok(start.test('trainlab.version:draft') && start.test('trainlab.version:failed'));
    assert.ok(!start.test('trainlab.version:running') && !start.test('trainlab.version:pending'));
    const resume = regexOf(Commands.resume, /^0_training/);
    assert.ok(resume.test('trainlab.session:failed:resumable:relaunchable') && !resume.test('trainlab.session:failed:relaunchable'));
    const cancel = regexOf(Commands.cancel, /^0_training/);
    assert.ok(cancel.test('trainlab.session:running:cancellable') && !cancel.test('trainlab.session:running'));
    const extend = regexOf(Commands.extend, /^0_training/);
    assert.ok(extend.test('trainlab.session:completed:relaunchable:extendable') && !extend.test('trainlab.session:completed:relaunchable'));
    const logs = regexOf(Commands.showLogs, /^0_training/);
    assert.ok(logs.test('trainlab.session:completed') && logs.test('trainlab.session:running'));
    const props = c.configuration.properties as Record<string, { default?: unknown; scope?: string }>;
    for (const key of [Settings.python, Settings.accelerate, Settings.kohyaSdScriptsDir, Settings.aiToolkitDir]) assert.equal(props[key]!.scope, 'machine', key);
    assert.equal(props[Settings.cancelGraceSeconds]!.default, 15);
  });
});
