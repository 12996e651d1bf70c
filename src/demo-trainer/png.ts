/**
 * A minimal PNG encoder (8-bit grayscale, no interlace) and the demo's "sample image": the
 * adapter's current change to the layer next to the style change it is learning, so a series
 * of samples shows the adapter converging.
 */
import { deflateSync } from 'node:zlib';
import type { Adapter, Problem } from './lora';
import { adapterDelta } from './lora';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes width × height gray levels (row-major, 0 black … 255 white). */
export function encodeGrayPng(width: number, height: number, pixels: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`bad PNG size ${width}×${height}`);
  if (pixels.length !== width * height) throw new Error(`a ${width}×${height} image needs ${width * height} pixels, got ${pixels.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // color type: grayscale
  // compression, filter and interlace methods stay 0
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter type None for each scanline
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Pixels per matrix entry, and the gap between the two panels. */
const CELL = 4;
const GAP = 4;

/**
 * The sample: left the adapter's (alpha/r)·B·A, right the target Δ, each entry a CELL×CELL
 * square, mid-gray for 0. Both use the target's range, so the left panel fades in towards the
 * right one as training goes on.
 */
export function renderSample(problem: Problem, adapter: Adapter): Buffer {
  const current = adapterDelta(adapter);
  const { inFeatures: cols, outFeatures: rows, delta } = problem;
  let range = 0;
  for (const v of delta) range = Math.max(range, Math.abs(v));
  if (range === 0) range = 1;
  const panel = cols * CELL;
  const width = panel * 2 + GAP;
  const height = rows * CELL;
  const pixels = new Uint8Array(width * height).fill(255);
  const gray = (v: number) => Math.max(0, Math.min(255, Math.round(127.5 + (127.5 * v) / range)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < panel; x++) {
      const at = Math.floor(y / CELL) * cols + Math.floor(x / CELL);
      pixels[y * width + x] = gray(current[at]!);
      pixels[y * width + panel + GAP + x] = gray(delta[at]!);
    }
  }
  return encodeGrayPng(width, height, pixels);
}
