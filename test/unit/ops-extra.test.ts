// 1-D pools, ConvTranspose1d, arithmetic with scalars, LogSoftmax/Softplus/Hardtanh and Unflatten: shapes and numerics.
import assert from 'node:assert/strict';
import { ShapeError } from '../../src/core/ops/types';
import { build, method, nn, op } from './ops-helpers';
import { adaptivePool2dRef, avgPool2dRef, convTranspose2dRef, dense, maxPool2dRef, softmaxRef, type Dense } from './ops-reference';
import { assertClose, randomDense, randomWeights, runBuilt, runForward, useCpuBackend } from './ops-forward-helpers';

/** Views an N×C×L tensor as N×C×1×L and back, to reuse the 2-D references. */
const as2d = (x: Dense): Dense => ({ shape: [x.shape[0] as number, x.shape[1] as number, 1, x.shape[2] as number], data: x.data });
const as1d = (x: Dense): Dense => ({ shape: [x.shape[0] as number, x.shape[1] as number, x.shape[3] as number], data: x.data });

describe('ops: 1-D pools and ConvTranspose1d', () => {
  before(useCpuBackend);
  const x = randomDense([2, 3, 11], 80);

  it('shapes, labels and unbatched input', () => {
    assert.deepEqual(nn('MaxPool1d', [3, 2, 1]).shape([2, 3, 11]), [2, 3, 6]);
    assert.deepEqual(nn('MaxPool1d', [3, 2, 1]).shape([3, 11]), [3, 6]);
    assert.equal(nn('MaxPool1d', [3, 2, 1]).summary(), '3, s2');
    assert.deepEqual(nn('AvgPool1d', [2], { ceil_mode: true }).shape([2, 3, 11]), [2, 3, 6]);
    assert.deepEqual(nn('AdaptiveAvgPool1d', [4]).shape([2, 3, 11]), [2, 3, 4]);
    assert.throws(() => nn('MaxPool1d', [3]).shape([1, 2, 3, 4]), (e: unknown) => e instanceof ShapeError && e.code === 'rank-mismatch');
    assert.throws(
      () => nn('MaxPool1d', [5, 2]).shape([1, 2, 3]),
      (e: unknown) =>
        e instanceof ShapeError && e.code === 'empty-output' && e.message === 'MaxPool1d output would be empty: input 1×2×3 with kernel 5, stride 2, padding 0',
    );
    const up = nn('ConvTranspose1d', [4, 2, 3], { stride: 2, padding: 1, output_padding: 1 });
    assert.deepEqual(up.shape([1, 4, 10]), [1, 2, 20]);
    assert.equal(up.params(), 4 * 2 * 3 + 2);
    assert.equal(up.macs([1, 4, 10]), 4 * 10 * 2 * 3);
  });

  it('numerics against the 2-D references over a height-1 input', () => {
    assertClose(runBuilt(nn('MaxPool1d', [3, 2, 1], { ceil_mode: true }), [x]), as1d(maxPool2dRef(as2d(x), { kernel: [1, 3], stride: [1, 2], padding: [0, 1],
      ceil: true })), 1e-6, 'max');
    assertClose(
      runBuilt(nn('AvgPool1d', [3, 2, 1], { count_include_pad: false }), [x]),
      as1d(avgPool2dRef(as2d(x), { kernel: [1, 3], stride: [1, 2], padding: [0, 1], ceil: false, countIncludePad: false })),
      1e-5,
      'avg',
    );
    assertClose(runBuilt(nn('AdaptiveAvgPool1d', [4]), [x]), as1d(adaptivePool2dRef(as2d(x), 1, 4, false)), 1e-5, 'adaptive avg');
    assertClose(runBuilt(nn('AdaptiveMaxPool1d', [4]), [x]), as1d(adaptivePool2dRef(as2d(x), 1, 4, true)), 1e-6, 'adaptive max');
    const unbatched = randomDense([3, 11], 81);
    const pooled = runBuilt(nn('MaxPool1d', [2]), [unbatched]);
    const expected = maxPool2dRef({ shape: [1, 3, 1, 11], data: unbatched.data }, { kernel: [1, 2], stride: [1, 2], padding: [0, 0], ceil: false });
    assertClose(pooled, { shape: [3, 5], data: expected.data }, 1e-6, 'unbatched');
  });

  it('ConvTranspose1d numerics with groups and output_padding', () => {
    const up = nn('ConvTranspose1d', [4, 6, 3], { stride: 2, padding: 1, output_padding: 1, groups: 2 });
    const input = randomDense([2, 4, 5], 82);
    const w = randomWeights(up, 820);
    const weight2d = { shape: [4, 3, 1, 3], data: (w.weight as Dense).data };
    const expected = convTranspose2dRef(as2d(input), weight2d, w.bias as Dense, [1, 2], [0, 1], [0, 1], [1, 1], 2);
    assertClose(runBuilt(up, [input], w), as1d(expected));
    const plain = nn('ConvTranspose1d', [4, 3, 4], { stride: 3, padding: 2 });
    const pw = randomWeights(plain, 821);
    const plainWeight2d = { shape: [4, 3, 1, 4], data: (pw.weight as Dense).data };
    assertClose(runBuilt(plain, [input], pw), as1d(convTranspose2dRef(as2d(input), plainWeight2d, pw.bias as Dense, [1, 3], [0, 2], [0, 0], [1, 1], 1)), 1e-4,
      'ungrouped');
  });
});

describe('ops: arithmetic in tensor and scalar forms', () => {
  before(useCpuBackend);
  const a = randomDense([2, 3, 4, 5], 90);
  const b = randomDense([1, 3, 1, 1], 91, 0.5, 2);

  it('sub, div, pow with two tensors broadcast', () => {
    const cases: [string, (p: number, q: number) => number][] = [
      ['sub', (p, q) => p - q],
      ['div', (p, q) => p / q],
      ['mul', (p, q) => p * q],
    ];
    for (const [name, f] of cases) {
      const expected = dense(a.shape, (i) => f(a.data[i] as number, b.data[Math.floor(i / 20) % 3] as number));
      assertClose(runForward(op(name), {}, [a, b]), expected, 1e-5, name);
    }
    assert.throws(() => op('sub').inferShape({}, [[2, 3], [4, 3]]), /sub: cannot broadcast 2×3 with 4×3/);
  });

  it('scalar operands on either side, as the tracer records them', () => {
    const positive = randomDense([2, 3], 92, 0.1, 2);
    assertClose(runForward(op('mul'), { scalar: 0.5, scalarFirst: false }, [a]), dense(a.shape, (i) => (a.data[i] as number) * 0.5), 1e-6, 'x * 0.5');
    assertClose(runForward(op('sub'), { scalar: 1, scalarFirst: true }, [a]), dense(a.shape, (i) => 1 - (a.data[i] as number)), 1e-6, '1 - x');
    assertClose(runForward(op('div'), { scalar: 2, scalarFirst: true }, [positive]), dense(positive.shape, (i) => 2 / (positive.data[i] as number)), 1e-5,
      '2 / x');
    assertClose(runForward(op('pow'), { scalar: 2, scalarFirst: false }, [a]), dense(a.shape, (i) => (a.data[i] as number) ** 2), 1e-5, 'x ** 2');
    assertClose(runForward(op('add'), { scalar: 3, scalarFirst: false }, [a]), dense(a.shape, (i) => (a.data[i] as number) + 3), 1e-6, 'x + 3');
    assert.throws(() => runForward(op('mul'), { scalar: null, scalarFirst: false }, [a]), /scalar operand is not a known number/);
  });
});

describe('ops: more activations and Unflatten', () => {
  before(useCpuBackend);
  const x = randomDense([2, 3, 4, 5], 95, -30, 30);

  it('LogSoftmax equals log of the softmax reference', () => {
    const small = randomDense([2, 3, 4, 5], 96, -4, 4);
    const expected = softmaxRef(small, 1);
    assertClose(runBuilt(nn('LogSoftmax', [1]), [small]), { shape: expected.shape, data: expected.data.map(Math.log) }, 1e-4);
    assertClose(runBuilt(build(method('log_softmax'), [-1], {}, true), [small]), { shape: small.shape, data: softmaxRef(small, 3).data.map(Math.log) }, 1e-4);
  });

  it('Softplus with beta and threshold, Hardtanh with bounds', () => {
    const softplus = (v: number): number => (2 * v > 20 ? v : Math.log1p(Math.exp(2 * v)) / 2);
    assertClose(runBuilt(nn('Softplus', [2]), [x]), { shape: x.shape, data: x.data.map(softplus) }, 1e-4, 'softplus');
    assertClose(runBuilt(nn('Hardtanh', [-2, 3]), [x]), { shape: x.shape, data: x.data.map((v) => Math.min(Math.max(v, -2), 3)) }, 1e-6, 'hardtanh');
  });

  it('Unflatten splits one dimension in PyTorch order', () => {
    const flat = randomDense([2, 60], 97);
    const unflatten = nn('Unflatten', [1, [3, 4, 5]]);
    assert.deepEqual(unflatten.shape([2, 60]), [2, 3, 4, 5]);
    assert.deepEqual(nn('Unflatten', [1, [3, -1]]).shape([2, 60]), [2, 3, 20]);
    assertClose(runBuilt(unflatten, [flat]), { shape: [2, 3, 4, 5], data: flat.data }, 1e-6);
    assert.throws(() => unflatten.shape([2, 61]), (e: unknown) => e instanceof ShapeError && e.code === 'size-mismatch');
  });

  it('squeeze and unsqueeze', () => {
    const x4 = randomDense([2, 3, 1, 5], 98);
    assert.deepEqual(build(method('squeeze'), [], {}, true).shape([1, 3, 1, 5]), [3, 5]);
    assert.deepEqual(build(method('squeeze'), [2], {}, true).shape([1, 3, 1, 5]), [1, 3, 5]);
    assert.deepEqual(build(method('squeeze'), [1], {}, true).shape([1, 3, 1, 5]), [1, 3, 1, 5]);
    assert.deepEqual(build(method('unsqueeze'), [-1], {}, true).shape([2, 3]), [2, 3, 1]);
    assertClose(runBuilt(build(method('squeeze'), [2], {}, true), [x4]), { shape: [2, 3, 5], data: x4.data }, 1e-6, 'squeeze');
    const x3 = randomDense([2, 3, 5], 99);
    assertClose(runBuilt(build(method('unsqueeze'), [2], {}, true), [x3]), { shape: [2, 3, 1, 5], data: x3.data }, 1e-6, 'unsqueeze');
  });

  it('matmul: shape rule with 1-D operands and batch broadcasting, numerics', () => {
    const mm = build(op('matmul'), [], {}, true);
    assert.deepEqual(mm.shape([3], [3]), []);
    assert.deepEqual(mm.shape([2, 3], [3]), [2]);
    assert.deepEqual(mm.shape([3], [3, 4]), [4]);
    assert.deepEqual(mm.shape([5, 1, 2, 3], [4, 3, 6]), [5, 4, 2, 6]);
    assert.throws(() => mm.shape([2, 3], [4, 5]),
      (e: unknown) => e instanceof ShapeError && e.code === 'matmul-mismatch' && /inner dimensions 3 and 4 differ/.test(e.message));
    const a = randomDense([2, 1, 3, 4], 100);
    const b = randomDense([5, 4, 2], 101);
    const expected = dense([2, 5, 3, 2], (i) => {
      const j = i % 2;
      const r = Math.floor(i / 2) % 3;
      const bb = Math.floor(i / 6) % 5;
      const n = Math.floor(i / 30);
      let sum = 0;
      for (let k = 0; k < 4; k++) sum += (a.data[(n * 3 + r) * 4 + k] as number) * (b.data[(bb * 4 + k) * 2 + j] as number);
      return sum;
    });
    assertClose(runBuilt(mm, [a, b]), expected, 1e-5, 'batched');
    const v = randomDense([4], 102);
    const m = randomDense([3, 4], 103);
    assertClose(runBuilt(mm, [m, v]), dense([3], (r) => [0, 1, 2, 3].reduce((s2, k) => s2 + (m.data[r * 4 + k] as number) * (v.data[k] as number), 0)), 1e-5,
      'matrix·vector');
  });
});
