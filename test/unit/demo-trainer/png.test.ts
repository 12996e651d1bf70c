import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { initAdapter, makeProblem } from '../../../src/demo-trainer/lora';
import { crc32, encodeGrayPng, renderSample } from '../../../src/demo-trainer/png';
import { Rng } from '../../../src/demo-trainer/prng';

/** A strict reader of the PNGs we write: chunks, CRCs, IHDR, and the pixels. */
function readPng(buf: Buffer): { width: number; height: number; pixels: Buffer; chunks: string[] } {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    assert.equal(buf.readUInt32BE(at + 8 + len), crc32(buf.subarray(at + 4, at + 8 + len)), `CRC of ${type}`);
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  assert.ok(ihdr);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  assert.deepEqual([...ihdr.subarray(8)], [8, 0, 0, 0, 0]);
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, height * (width + 1));
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width + 1)], 0);
    raw.copy(pixels, y * width, y * (width + 1) + 1, (y + 1) * (width + 1));
  }
  return { width, height, pixels, chunks };
}

describe('demo trainer: PNG samples', () => {
  it('crc32 is the standard one', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  });

  it('encodes a valid 8-bit grayscale PNG', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const png = readPng(encodeGrayPng(5, 3, pixels));
    assert.deepEqual(png.chunks, ['IHDR', 'IDAT', 'IEND']);
    assert.equal(png.width, 5);
    assert.equal(png.height, 3);
    assert.deepEqual([...png.pixels], [...pixels]);
    assert.throws(() => encodeGrayPng(2, 2, new Uint8Array(3)), /needs 4 pixels/);
  });

  it('a sample shows the adapter (blank, mid-gray, before training) beside the target change', () => {
    const problem = makeProblem(42);
    const adapter = initAdapter(4, 4, 32, 32, Rng.fromSeed(1));
    const png = readPng(renderSample(problem, adapter));
    assert.equal(png.width, 2 * 32 * 4 + 4);
    assert.equal(png.height, 32 * 4);
    const left = [...png.pixels.subarray(0, 128)];
    const right = [...png.pixels.subarray(132, 260)];
    assert.ok(left.every((v) => v === 128), 'zero change is mid-gray');
    assert.ok(new Set(right).size > 5, 'the target panel has structure');
  });
});
