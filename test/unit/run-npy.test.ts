// The .npy v1.0 writer: magic, version, header length, dictionary text, 64-byte alignment and little-endian data.
import { strict as assert } from 'node:assert';
import { encodeNpy, npyHeader } from '../../src/cli/npy';

const dataOffset = (file: Uint8Array): number => 10 + ((file[8] as number) | ((file[9] as number) << 8));
const text = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

describe('npy writer', () => {
  it('writes the v1.0 preamble and a padded, newline-terminated header', () => {
    const file = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    assert.deepEqual([...file.subarray(0, 6)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
    assert.equal(text(file, 1, 6), 'NUMPY');
    assert.deepEqual([...file.subarray(6, 8)], [1, 0]);
    const headerLength = (file[8] as number) | ((file[9] as number) << 8);
    assert.equal((10 + headerLength) % 64, 0, 'data starts on a 64-byte boundary');
    const header = text(file, 10, 10 + headerLength);
    assert.ok(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
    assert.ok(header.endsWith('\n'));
    assert.match(header, /^\{[^\n]*\} *\n$/);
    assert.equal(file.length, 10 + headerLength + 6 * 4);
  });

  it('stores float32 little-endian in C order', () => {
    const file = encodeNpy(new Float32Array([1.5, -2]), [2]);
    const offset = dataOffset(file);
    assert.equal(offset, 128, 'the dictionary does not fit in 64 bytes, so it is padded to 128');
    const view = new DataView(file.buffer, file.byteOffset + offset);
    assert.equal(view.getFloat32(0, true), 1.5);
    assert.equal(view.getFloat32(4, true), -2);
    assert.deepEqual([...file.subarray(offset, offset + 4)], [0x00, 0x00, 0xc0, 0x3f]);
  });

  it('writes 1-D shapes with a trailing comma and scalars as ()', () => {
    assert.ok(npyHeader('<f4', [5]).includes("'shape': (5,)"));
    assert.ok(npyHeader('<i8', []).includes("'descr': '<i8', 'fortran_order': False, 'shape': ()"));
  });

  it('writes int64 scalars (num_batches_tracked)', () => {
    const file = encodeNpy(BigInt64Array.of(7n), []);
    const offset = dataOffset(file);
    assert.equal(offset % 64, 0);
    assert.equal(file.length, offset + 8);
    assert.equal(new DataView(file.buffer).getBigInt64(offset, true), 7n);
  });

  it('rejects a shape that does not match the element count', () => {
    assert.throws(() => encodeNpy(new Float32Array(5), [2, 3]), /does not match 5 elements/);
  });
});
