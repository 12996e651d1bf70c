import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors } from '../../../src/demo-trainer/safetensors';

describe('demo trainer: .safetensors', () => {
  const down = new Float32Array([1, -2.5, 3.25, 1e-8, -0, 7]);
  const up = new Float32Array([0.1, 0.2, 0.3]);
  const encode = () => encodeSafetensors(
    { 'lora_down.weight': { shape: [2, 3], data: down }, 'lora_up.weight': { shape: [3, 1], data: up } },
    { ss_network_dim: '2', note: 'ünïcode' },
  );

  it('lays the file out as safetensors does: u64 LE header length, space-padded JSON, raw LE float32', () => {
    const buf = encode();
    const headerLength = Number(buf.readBigUInt64LE(0));
    assert.equal(headerLength % 8, 0);
    assert.equal(buf.length, 8 + headerLength + (6 + 3) * 4);
    const headerText = buf.subarray(8, 8 + headerLength).toString('utf8');
    assert.match(headerText, /^\{.*\} *$/);
    const header = JSON.parse(headerText) as Record<string, unknown>;
    assert.deepEqual(Object.keys(header), ['__metadata__', 'lora_down.weight', 'lora_up.weight']);
    assert.deepEqual(header['__metadata__'], { ss_network_dim: '2', note: 'ünïcode' });
    assert.deepEqual(header['lora_down.weight'], { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    assert.deepEqual(header['lora_up.weight'], { dtype: 'F32', shape: [3, 1], data_offsets: [24, 36] });
    assert.equal(buf.readFloatLE(8 + headerLength + 4), -2.5);
    assert.equal(buf.readFloatLE(8 + headerLength + 24), Math.fround(0.1));
  });

  it('reads back exactly what it wrote, also from an unaligned buffer', () => {
    const buf = encode();
    const unaligned = Buffer.concat([Buffer.from([0]), buf]).subarray(1);
    for (const b of [buf, unaligned]) {
      const st = decodeSafetensors(b);
      assert.deepEqual(st.metadata, { ss_network_dim: '2', note: 'ünïcode' });
      assert.deepEqual(st.tensors['lora_down.weight'], { shape: [2, 3], data: down });
      assert.deepEqual(st.tensors['lora_up.weight'], { shape: [3, 1], data: up });
    }
  });

  it('refuses a shape that does not match the data', () => {
    assert.throws(() => encodeSafetensors({ t: { shape: [2, 2], data: new Float32Array(3) } }), /does not hold 3 values/);
  });

  it('rejects broken files with a reason', () => {
    const buf = encode();
    assert.throws(() => decodeSafetensors(buf.subarray(0, 4)), /shorter than/);
    const tooLong = Buffer.from(buf);
    tooLong.writeBigUInt64LE(BigInt(buf.length), 0);
    assert.throws(() => decodeSafetensors(tooLong), /exceeds the file/);
    assert.throws(() => decodeSafetensors(buf.subarray(0, buf.length - 4)), /data_offsets/);
    const f16 = Buffer.from(buf.toString('latin1').replace('"F32"', '"F16"'), 'latin1');
    assert.throws(() => decodeSafetensors(f16), /F16 is not supported/);
    const notJson = Buffer.from(buf);
    notJson[8] = 0x41;
    assert.throws(() => decodeSafetensors(notJson), /not JSON/);
  });
});
