// Numerics of convolution and pooling builders on the tfjs CPU backend against naive NCHW references.
import type { AttrValue } from '../../src/core/graph/ir';
import type { Attrs } from '../../src/core/ops/types';
import { nn } from './ops-helpers';
import { adaptivePool2dRef, avgPool2dRef, conv2dRef, convTranspose2dRef, dense, maxPool2dRef, type ConvRefOptions, type Dense } from './ops-reference';
import { assertClose, randomDense, randomWeights, runBuilt, useCpuBackend } from './ops-forward-helpers';

/** Pads an NCHW tensor's H and W by index mapping (reference for padding_mode). */
function padRef(x: Dense, p: number, mode: 'reflect' | 'replicate' | 'circular'): Dense {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const map = (i: number, len: number): number => {
    if (mode === 'replicate') return Math.min(Math.max(i, 0), len - 1);
    if (mode === 'circular') return ((i % len) + len) % len;
    let j = i < 0 ? -i : i;
    if (j >= len) j = 2 * (len - 1) - j;
    return j;
  };
  const OH = H + 2 * p;
  const OW = W + 2 * p;
  return dense([N, C, OH, OW], (i) => {
    const ow = i % OW;
    const oh = Math.floor(i / OW) % OH;
    const c = Math.floor(i / (OW * OH)) % C;
    const n = Math.floor(i / (OW * OH * C));
    return x.data[((n * C + c) * H + map(oh - p, H)) * W + map(ow - p, W)] as number;
  });
}

function convCase(args: AttrValue[], kwargs: Attrs, input: number[], ref: ConvRefOptions, seed: number): void {
  const layer = nn('Conv2d', args, kwargs);
  const x = randomDense(input, seed);
  const w = randomWeights(layer, seed + 100);
  assertClose(runBuilt(layer, [x], w), conv2dRef(x, w.weight as Dense, w.bias ?? null, ref));
}

describe('ops forward: convolutions (tfjs cpu vs naive reference)', () => {
  before(useCpuBackend);

  it('Conv2d with stride and padding', () => {
    convCase([3, 5, 3], { stride: 2, padding: 1 }, [2, 3, 9, 8], { stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1 }, 1);
  });

  it('Conv2d with dilation combined with stride and asymmetric tuples', () => {
    convCase([4, 6, [3, 2]], { stride: [2, 1], padding: [2, 1], dilation: [2, 3] }, [1, 4, 11, 10], { stride: [2, 1], pad: [2, 2, 1, 1], dilation: [2, 3],
      groups: 1 }, 2);
  });

  it('grouped Conv2d (split, convolve, concat)', () => {
    convCase([6, 9, 3], { padding: 1, groups: 3 }, [2, 6, 7, 6], { stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 3 }, 3);
  });

  it('depthwise Conv2d with a channel multiplier, stride 2 and dilation 2', () => {
    convCase([4, 8, 3], { padding: 2, groups: 4, stride: 2, dilation: 2 }, [1, 4, 9, 10], { stride: [2, 2], pad: [2, 2, 2, 2], dilation: [2, 2],
      groups: 4 }, 4);
  });

  it("Conv2d padding='same' with an even kernel pads one more after than before", () => {
    convCase([3, 4, 4], { padding: 'same', bias: false }, [1, 3, 6, 7], { stride: [1, 1], pad: [1, 2, 1, 2], dilation: [1, 1], groups: 1 }, 5);
  });

  for (const mode of ['reflect', 'replicate', 'circular'] as const) {
    it(`Conv2d padding_mode='${mode}'`, () => {
      const layer = nn('Conv2d', [2, 3, 3], { padding: 2, padding_mode: mode });
      const x = randomDense([1, 2, 5, 6], 6);
      const w = randomWeights(layer, 60);
      const expected = conv2dRef(padRef(x, 2, mode), w.weight as Dense, w.bias as Dense, { stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1], groups: 1 });
      assertClose(runBuilt(layer, [x], w), expected, 1e-4, mode);
    });
  }

  it('Conv2d on an unbatched C×H×W input', () => {
    const layer = nn('Conv2d', [3, 4, 3], { stride: 2 });
    const x = randomDense([3, 7, 7], 7);
    const w = randomWeights(layer, 70);
    const batched = conv2dRef({ shape: [1, 3, 7, 7], data: x.data }, w.weight as Dense, w.bias as Dense, { stride: [2, 2], pad: [0, 0, 0, 0], dilation: [1, 1],
      groups: 1 });
    assertClose(runBuilt(layer, [x], w), { shape: batched.shape.slice(1), data: batched.data });
  });

  it('Conv1d with stride, padding and groups', () => {
    const layer = nn('Conv1d', [4, 6, 3], { stride: 2, padding: 1, groups: 2 });
    const x = randomDense([2, 4, 11], 8);
    const w = randomWeights(layer, 80);
    const weight4d = { shape: [6, 2, 1, 3], data: (w.weight as Dense).data };
    const ref = conv2dRef({ shape: [2, 4, 1, 11], data: x.data }, weight4d, w.bias as Dense, { stride: [1, 2], pad: [0, 0, 1, 1], dilation: [1, 1],
      groups: 2 });
    assertClose(runBuilt(layer, [x], w), { shape: [2, 6, 6], data: ref.data });
  });

  it('ConvTranspose2d with stride, padding and output_padding', () => {
    const layer = nn('ConvTranspose2d', [4, 3, 3], { stride: 2, padding: 1, output_padding: 1 });
    const x = randomDense([2, 4, 4, 5], 9);
    const w = randomWeights(layer, 90);
    assertClose(runBuilt(layer, [x], w), convTranspose2dRef(x, w.weight as Dense, w.bias as Dense, [2, 2], [1, 1], [1, 1], [1, 1], 1));
  });

  it('ConvTranspose2d with groups, dilation and unequal strides', () => {
    const layer = nn('ConvTranspose2d', [4, 6, [3, 4]], { stride: [2, 3], padding: [0, 2], dilation: [2, 1], groups: 2, output_padding: [1, 0] });
    const x = randomDense([1, 4, 3, 4], 10);
    const w = randomWeights(layer, 100);
    assertClose(runBuilt(layer, [x], w), convTranspose2dRef(x, w.weight as Dense, w.bias as Dense, [2, 3], [0, 2], [1, 0], [2, 1], 2));
  });

  it('ConvTranspose2d with dilation and no groups (zero-insertion path) and with unequal paddings (native path)', () => {
    const dilated = nn('ConvTranspose2d', [3, 2, 3], { stride: 2, padding: 1, dilation: 2 });
    const x = randomDense([1, 3, 4, 3], 12);
    const w = randomWeights(dilated, 120);
    assertClose(runBuilt(dilated, [x], w), convTranspose2dRef(x, w.weight as Dense, w.bias as Dense, [2, 2], [1, 1], [0, 0], [2, 2], 1));
    const uneven = nn('ConvTranspose2d', [3, 4, [4, 3]], { stride: [2, 3], padding: [1, 0], output_padding: [1, 2] });
    const u = randomWeights(uneven, 121);
    assertClose(runBuilt(uneven, [x], u), convTranspose2dRef(x, u.weight as Dense, u.bias as Dense, [2, 3], [1, 0], [1, 2], [1, 1], 1));
  });

  it('ConvTranspose2d whose padding exceeds the kernel reach (output cropped)', () => {
    const layer = nn('ConvTranspose2d', [2, 2, 2], { stride: 3, padding: 2, bias: false });
    const x = randomDense([1, 2, 4, 4], 11);
    const w = randomWeights(layer, 110);
    assertClose(runBuilt(layer, [x], w), convTranspose2dRef(x, w.weight as Dense, null, [3, 3], [2, 2], [0, 0], [1, 1], 1));
  });
});

describe('ops forward: pooling (tfjs cpu vs naive reference)', () => {
  before(useCpuBackend);

  it('MaxPool2d 3×3 s2 p1 on odd sizes', () => {
    const x = randomDense([2, 3, 9, 8], 20);
    const out = runBuilt(nn('MaxPool2d', [3, 2, 1]), [x]);
    assertClose(out, maxPool2dRef(x, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceil: false }));
  });

  it('MaxPool2d ceil_mode, including a dropped last window, and dilation with stride', () => {
    const x = randomDense([1, 2, 5, 7], 21);
    assertClose(runBuilt(nn('MaxPool2d', [2, 2], { ceil_mode: true }), [x]), maxPool2dRef(x, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceil: true }));
    assertClose(runBuilt(nn('MaxPool2d', [2, 2, 1], { ceil_mode: true }), [x]), maxPool2dRef(x, { kernel: [2, 2], stride: [2, 2], padding: [1, 1],
      ceil: true }));
    const y = randomDense([1, 2, 11, 10], 22);
    assertClose(
      runBuilt(nn('MaxPool2d', [3, 2, 1], { dilation: 2, ceil_mode: true }), [y]),
      maxPool2dRef(y, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [2, 2], ceil: true }),
    );
  });

  for (const countIncludePad of [true, false]) {
    it(`AvgPool2d with padding and ceil_mode, count_include_pad=${countIncludePad}`, () => {
      const x = randomDense([1, 3, 7, 6], 23);
      const plain = nn('AvgPool2d', [3, 2, 1], { count_include_pad: countIncludePad });
      assertClose(runBuilt(plain, [x]), avgPool2dRef(x, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceil: false, countIncludePad }));
      const ceil = nn('AvgPool2d', [[3, 2], [2, 2], [1, 1]], { ceil_mode: true, count_include_pad: countIncludePad });
      assertClose(runBuilt(ceil, [x]), avgPool2dRef(x, { kernel: [3, 2], stride: [2, 2], padding: [1, 1], ceil: true, countIncludePad }));
      const noPad = nn('AvgPool2d', [2], { ceil_mode: true, count_include_pad: countIncludePad });
      assertClose(runBuilt(noPad, [x]), avgPool2dRef(x, { kernel: [2, 2], stride: [2, 2], padding: [0, 0], ceil: true, countIncludePad }));
    });
  }

  it('AvgPool2d divisor_override', () => {
    const x = randomDense([1, 2, 6, 6], 24);
    const pool = nn('AvgPool2d', [3, 2, 1], { divisor_override: 5 });
    assertClose(runBuilt(pool, [x]), avgPool2dRef(x, { kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceil: false, countIncludePad: true,
      divisorOverride: 5 }));
  });

  it('adaptive pools with non-divisible, divisible, global and None sizes', () => {
    const x = randomDense([2, 3, 7, 11], 25);
    assertClose(runBuilt(nn('AdaptiveAvgPool2d', [[3, 5]]), [x]), adaptivePool2dRef(x, 3, 5, false), 1e-4, 'avg 3×5');
    assertClose(runBuilt(nn('AdaptiveMaxPool2d', [[3, 5]]), [x]), adaptivePool2dRef(x, 3, 5, true), 1e-4, 'max 3×5');
    assertClose(runBuilt(nn('AdaptiveAvgPool2d', [1]), [x]), adaptivePool2dRef(x, 1, 1, false), 1e-4, 'avg 1');
    assertClose(runBuilt(nn('AdaptiveMaxPool2d', [[4, null]]), [x]), adaptivePool2dRef(x, 4, 11, true), 1e-4, 'max 4×None');
    const y = randomDense([1, 2, 8, 8], 26);
    assertClose(runBuilt(nn('AdaptiveAvgPool2d', [2]), [y]), adaptivePool2dRef(y, 2, 2, false), 1e-4, 'avg 2 divisible');
  });
});
