/**
 * The .safetensors format (huggingface/safetensors), float32 only: an 8-byte little-endian
 * header length, a JSON header (`__metadata__` with string values, then one entry per tensor
 * with dtype, shape and data_offsets relative to the data block) padded with spaces to a
 * multiple of 8 so the data is aligned, then the raw little-endian data.
 */
export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

export interface Safetensors {
  metadata: Record<string, string>;
  tensors: Record<string, F32Tensor>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Tensors are laid out in the order of `tensors`' keys. */
export function encodeSafetensors(tensors: Record<string, F32Tensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new Error('"__metadata__" is not a tensor name');
    if (elementCount(t.shape) !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape.join(', ')}] does not hold ${t.data.length} values`);
    const bytes = t.data.length * 4;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - ((8 + jsonBytes) % 8)) % 8);
  const headerBuf = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBuf.length + offset);
  out.writeBigUInt64LE(BigInt(headerBuf.length), 0);
  headerBuf.copy(out, 8);
  // DataView with an explicit little-endian flag: correct whatever the machine's byte order.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 8 + headerBuf.length;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i]!, true);
  }
  return out;
}

/** Parses and checks a .safetensors buffer; throws with what is wrong. Only F32 tensors are accepted. */
export function decodeSafetensors(buf: Uint8Array): Safetensors {
  if (buf.byteLength < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(buf.byteLength - 8)) throw new Error(`not a safetensors file: header length ${headerLength} exceeds the file`);
  const dataStart = 8 + Number(headerLength);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + 8, Number(headerLength)).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`not a safetensors file: the header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error('safetensors header is not a JSON object');
  const metadata: Record<string, string> = {};
  const tensors: Record<string, F32Tensor> = {};
  const dataLength = buf.byteLength - dataStart;
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new Error(`safetensors metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const entry = value as HeaderEntry;
    if (entry?.dtype !== 'F32') throw new Error(`tensor ${name}: dtype ${String(entry?.dtype)} is not supported (only F32)`);
    const [begin, end] = entry.data_offsets ?? [];
    if (!Array.isArray(entry.shape) || !Number.isInteger(begin) || !Number.isInteger(end)) throw new Error(`tensor ${name}: malformed header entry`);
    const count = elementCount(entry.shape);
    if (begin! < 0 || end! > dataLength || end! - begin! !== count * 4) throw new Error(`tensor ${name}: data_offsets [${begin}, ${end}] do not fit shape [${entry.shape.join(', ')}] in ${dataLength} data bytes`);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + begin! + i * 4, true);
    tensors[name] = { shape: [...entry.shape], data };
  }
  return { metadata, tensors };
}
