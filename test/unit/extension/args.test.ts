import assert from 'node:assert/strict';
import { SessionActionError } from '../../../src/core/sessions';
import {
  CancelArgs,
  ExtendArgs,
  fieldsOf,
  isInteractive,
  NewStyleArgs,
  parseSteps,
  parseTags,
  refusalText,
  sessionRefOf,
  styleRefOf,
  UserError,
  versionRefOf,
} from '../../../src/extension/commands/args';
import { ElementCache } from '../../../src/extension/tree/elements';

describe('command arguments', () => {
  const cache = new ElementCache();
  const style = cache.get('style', { styleId: 'a' });
  const version = cache.get('version', { styleId: 'a', versionId: 'V2' });
  const session = cache.get('session', { styleId: 'a', versionId: 'V2', sessionId: 's1', view: 'active' });

  it('accepts a tree element or a plain object with ids', () => {
    assert.deepEqual(styleRefOf(style), { styleId: 'a' });
    assert.deepEqual(styleRefOf({ styleId: 'b', extra: 1 }), { styleId: 'b' });
    assert.equal(styleRefOf({ styleId: '' }), undefined);
    assert.deepEqual(versionRefOf(version), { styleId: 'a', versionId: 'V2' });
    assert.deepEqual(versionRefOf(session), { styleId: 'a', versionId: 'V2' }, "a session row names its version");
    assert.deepEqual(versionRefOf({ styleId: 'a', versionId: 'V1' }), { styleId: 'a', versionId: 'V1' });
    assert.equal(versionRefOf(style), undefined);
    assert.deepEqual(sessionRefOf(session), { sessionId: 's1' });
    assert.deepEqual(sessionRefOf({ sessionId: 's2' }), { sessionId: 's2' });
  });

  it('asks only when a person is at the keyboard (no argument, or a row)', () => {
    assert.equal(isInteractive(undefined), true);
    assert.equal(isInteractive(style), true);
    assert.equal(isInteractive({ styleId: 'a' }), false);
  });

  it('checks plain-object fields and names the bad one', () => {
    assert.deepEqual(fieldsOf('trainlab.newStyle', NewStyleArgs, style), {});
    assert.equal(fieldsOf('trainlab.newStyle', NewStyleArgs, { id: 'x', name: 'X' }).name, 'X');
    assert.throws(() => fieldsOf('trainlab.newStyle', NewStyleArgs, { name: 5 }), (e: unknown) => e instanceof UserError && /trainlab\.newStyle: "name"/.test(e.message));
  });

  it('parses tags', () => {
    assert.deepEqual(parseTags(' best, production,,best ,\nx'), ['best', 'production', 'x']);
  });

  it('interns elements: the same key gives the same object', () => {
    assert.equal(cache.get('style', { styleId: 'a' }), style);
    assert.equal(cache.peek('version:a/V2'), version);
  });

  it('reads a number of steps and words a refused launch on one line', () => {
    assert.equal(parseSteps(' 500 '), 500);
    for (const bad of ['0', '-3', '1.5', 'ten', '', '99999999999']) assert.equal(parseSteps(bad), undefined, bad);
    assert.deepEqual(fieldsOf('trainlab.extend', ExtendArgs, { sessionId: 's', steps: 100 }).steps, 100);
    assert.throws(() => fieldsOf('trainlab.extend', ExtendArgs, { steps: 0 }), /trainlab\.extend: "steps"/);
    assert.equal(fieldsOf('trainlab.cancel', CancelArgs, { sessionId: 's', confirm: true }).confirm, true);
    const refused = new SessionActionError('demo/V1 cannot start:', ['max_train_steps: must be at least 1', 'datasetId: the dataset folder "x" does not exist']);
    assert.equal(refusalText(refused), 'demo/V1 cannot start: max_train_steps: must be at least 1; datasetId: the dataset folder "x" does not exist');
    assert.equal(refusalText(new SessionActionError('Session s is still running.')), 'Session s is still running.');
  });
});
