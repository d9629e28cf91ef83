// A small NumPy .npy (format version 1.0) writer: little-endian float32 and int64 arrays, C order.
import * as fs from 'node:fs';

export type NpyData = Float32Array | BigInt64Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** Magic (6) + version (2) + header length (2). */
const PREAMBLE_BYTES = 10;
/** NumPy aligns the data to 64 bytes (since 1.x); the header is padded with spaces and ends with a newline. */
const ALIGNMENT = 64;

function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The header dictionary text, padded so that the data starts on a 64-byte boundary. */
export function npyHeader(descr: '<f4' | '<i8', shape: readonly number[]): string {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  const unpadded = PREAMBLE_BYTES + dict.length + 1;
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  return dict + ' '.repeat(padding) + '\n';
}

/** Encodes an array as a complete .npy file. Throws when the element count does not match the shape. */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((product, dim) => product * dim, 1);
  if (!shape.every((dim) => Number.isInteger(dim) && dim >= 0) || count !== data.length) {
    throw new Error(`npy: shape (${shape.join(', ')}) does not match ${data.length} elements`);
  }
  const descr = data instanceof Float32Array ? '<f4' : '<i8';
  const header = npyHeader(descr, shape);
  if (header.length > 0xffff) throw new Error('npy: header too long for format 1.0');
  const out = new Uint8Array(PREAMBLE_BYTES + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[PREAMBLE_BYTES + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, PREAMBLE_BYTES + header.length);
  if (data instanceof Float32Array) data.forEach((value, i) => body.setFloat32(i * 4, value, true));
  else data.forEach((value, i) => body.setBigInt64(i * 8, value, true));
  return out;
}

export function writeNpy(file: string, data: NpyData, shape: readonly number[]): void {
  fs.writeFileSync(file, encodeNpy(data, shape));
}
