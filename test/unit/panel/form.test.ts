import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoTrainer, kohyaTrainer, newVersionParameters, validateParameters } from '../../../src/core/trainers';
import type { PanelParamSpec } from '../../../src/shared/panel-protocol';
import { fieldError, formErrors, formFields, formParameters, formValues, isDirty, rawFromValue, valueFromRaw } from '../../../webview-ui/configure/form';

const specs = kohyaTrainer.params as PanelParamSpec[];
const spec = (key: string) => specs.find((s) => s.key === key)!;

describe('panel form model', () => {
  it('fields come from the specs, basic first, advanced after', () => {
    const { basic, advanced } = formFields(specs);
    assert.equal(basic.length + advanced.length, specs.length);
    assert.ok(basic.every((f) => !f.advanced) && advanced.every((f) => f.advanced));
    assert.equal(basic[0]!.key, 'network_dim');
    assert.equal(basic[0]!.label, 'Network dim (rank)');
    assert.equal(formFields(specs).advanced.find((f) => f.key === 'cache_latents')!.kind, 'checkbox');
    assert.equal(formFields(specs).advanced.find((f) => f.key === 'optimizer_type')!.kind, 'select');
    assert.equal(basic.find((f) => f.key === 'learning_rate')!.kind, 'number');
  });

  it('shows checkParam’s own message as one types', () => {
    assert.equal(fieldError(spec('network_dim'), '16'), undefined);
    assert.equal(fieldError(spec('network_dim'), 'abc'), 'must be a whole number between 1 and 1024');
    assert.equal(fieldError(spec('network_dim'), '1.5'), 'must be a whole number between 1 and 1024');
    assert.equal(fieldError(spec('network_dim'), '0'), 'must be a whole number between 1 and 1024');
    assert.equal(fieldError(spec('learning_rate'), '1e-4'), undefined);
    assert.equal(fieldError(spec('learning_rate'), ''), undefined, 'an empty optional field is the trainer default');
    assert.equal(fieldError({ key: 'x', type: 'string', required: true }, ''), 'required');
  });

  it('values round-trip through the form', () => {
    const params = newVersionParameters({ defaults: { network_dim: 32 }, triggerToken: 'tok' } as never, kohyaTrainer);
    const values = formValues(specs, params);
    assert.equal(values.network_dim, '32');
    assert.equal(values.class_tokens, 'tok');
    assert.equal(values.cache_latents, true);
    assert.deepEqual(formParameters(specs, values, params), params);
    assert.deepEqual(formErrors(specs, values), []);
  });

  it('keeps keys no field shows; an emptied field removes its key', () => {
    const base = { network_dim: 8, some_flag: 'x' };
    const values = { ...formValues(specs, base), network_dim: '' , learning_rate: '0.0004' };
    assert.deepEqual(formParameters(specs, values, base), { some_flag: 'x', learning_rate: 0.0004 });
  });

  it('a form whose values all pass checkParam passes the core validation too', () => {
    const raw = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1', '0', '-3', '1e3', '0.5', 'AdamW', 'bf16', ''), fc.boolean());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...demoTrainer.params.map((s) => s.key)), raw), (edits) => {
        const ps = demoTrainer.params as PanelParamSpec[];
        const values = { ...formValues(ps, {}), ...Object.fromEntries(Object.entries(edits).map(([k, v]) => [k, ps.find((s) => s.key === k)!.type === 'boolean' ? v === true : String(v)])) };
        const errors = formErrors(ps, values).map((e) => e.key).sort();
        const core = validateParameters(ps, formParameters(ps, values, {})).map((e) => e.key).sort();
        assert.deepEqual(errors, core);
      }),
    );
  });

  it('dirty when anything differs from the base', () => {
    const base = { parameters: { network_dim: 16 }, datasetId: 'set-1', description: 'd' };
    const form = { values: formValues(specs, base.parameters), datasetId: 'set-1', description: 'd' };
    assert.equal(isDirty(specs, form, base), false);
    assert.equal(isDirty(specs, { ...form, description: 'e' }, base), true);
    assert.equal(isDirty(specs, { ...form, datasetId: null }, base), true);
    assert.equal(isDirty(specs, { ...form, values: { ...form.values, network_dim: '17' } }, base), true);
  });

  it('raw and typed values', () => {
    assert.equal(rawFromValue(spec('optimizer_type'), 'adamw8bit'), 'AdamW8bit');
    assert.equal(rawFromValue(spec('cache_latents'), undefined), true);
    assert.equal(valueFromRaw(spec('network_dim'), ' 12 '), 12);
    assert.equal(valueFromRaw(spec('network_dim'), '12x'), '12x');
    assert.equal(valueFromRaw(spec('resolution'), '1024'), '1024');
  });
});
