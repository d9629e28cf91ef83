// Layers met in real model files (CycleGAN padding, AlexNet LRN, GLU/SELU, PixelUnshuffle): shapes in the interpreter
// and forward numerics on tfjs cpu against naive references written here.
import assert from 'node:assert/strict';
import { analyze, errors, HEADER, py } from './interpret-helpers';
import { nn } from './ops-helpers';
import { assertClose, randomDense, runBuilt, useCpuBackend } from './ops-forward-helpers';
import type { Dense } from './ops-reference';

/** Naive N×C×H×W padding with a per-axis index map (reflect / replicate / constant). */
function pad2d(x: Dense, [l, r, t, b]: number[], index: (i: number, size: number) => number | null, value = 0): Dense {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const oh = h + t + b;
  const ow = w + l + r;
  const data = new Float64Array(n * c * oh * ow);
  for (let p = 0; p < n * c; p++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const sy = index(y - t, h);
        const sx = index(xx - l, w);
        data[(p * oh + y) * ow + xx] = sy === null || sx === null ? value : (x.data[(p * h + sy) * w + sx] as number);
      }
    }
  }
  return { shape: [n, c, oh, ow], data };
}
const reflect = (i: number, size: number): number => (i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i);
const replicate = (i: number, size: number): number => Math.min(size - 1, Math.max(0, i));
const constant = (i: number, size: number): number | null => (i < 0 || i >= size ? null : i);

describe('interpreter: real-world layers', () => {
  it('a CycleGAN-style resnet block with ReflectionPad2d keeps the size; params by hand', async () => {
    const g = await analyze(HEADER + py(`
      class Block(nn.Module):
          def __init__(self, dim=16):
              super().__init__()
              self.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim), nn.ReLU(True),
                                        nn.ReplicationPad2d((1, 1, 1, 1)), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim))
              self.head = nn.Sequential(nn.ReflectionPad2d(3), nn.Conv2d(dim, 3, 7), nn.Tanh())
          def forward(self, x):
              return self.head(x + self.body(x))
      `), { input: [1, 16, 20, 20] });
    assert.deepEqual(errors(g), []);
    // Two 3×3 convs 16*16*9 + 16 = 2,320 each; head 16*3*49 + 3 = 2,355.
    assert.equal(g.params, 2 * 2320 + 2355);
    assert.deepEqual(g.output, [1, 3, 20, 20]);
  });

  it('reflection padding as wide as the input is an error at the call, as in PyTorch', async () => {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def __init__(self):
              super().__init__()
              self.pad = nn.ReflectionPad2d(4)
          def forward(self, x):
              return self.pad(x)
      `), { input: [1, 2, 4, 4] });
    assert.deepEqual(errors(g), ['bad-padding@9']);
  });

  it('GLU halves its dim, PixelUnshuffle trades space for channels, LocalResponseNorm keeps the shape', async () => {
    assert.deepEqual(nn('GLU', [1]).shape([2, 8, 5]), [2, 4, 5]);
    assert.throws(() => nn('GLU').shape([2, 7]), /must be even/);
    assert.deepEqual(nn('PixelUnshuffle', [2]).shape([1, 3, 8, 6]), [1, 12, 4, 3]);
    assert.throws(() => nn('PixelUnshuffle', [4]).shape([1, 3, 8, 6]), /divisible by 4/);
    assert.deepEqual(nn('LocalResponseNorm', [5]).shape([1, 7, 3, 3]), [1, 7, 3, 3]);
    assert.deepEqual(nn('ConstantPad1d', [[2, 1], 0.5]).shape([2, 3, 10]), [2, 3, 13]);
  });
});

describe('ops forward: real-world layers (tfjs cpu vs naive reference)', () => {
  before(useCpuBackend);

  it('ReflectionPad2d, ReplicationPad2d, ConstantPad2d', () => {
    const x = randomDense([1, 2, 4, 5], 41);
    assertClose(runBuilt(nn('ReflectionPad2d', [[2, 1, 3, 0]]), [x]), pad2d(x, [2, 1, 3, 0], reflect), 1e-6, 'reflect');
    assertClose(runBuilt(nn('ReplicationPad2d', [2]), [x]), pad2d(x, [2, 2, 2, 2], replicate), 1e-6, 'replicate');
    assertClose(runBuilt(nn('ConstantPad2d', [1, 0.25]), [x]), pad2d(x, [1, 1, 1, 1], constant, 0.25), 1e-6, 'constant');
  });

  it('PixelUnshuffle is the inverse of PixelShuffle and puts channel c·r² + i·r + j where PyTorch does', () => {
    const x = randomDense([1, 2, 4, 6], 42);
    const down = runBuilt(nn('PixelUnshuffle', [2]), [x]);
    const [, , h, w] = x.shape as number[];
    // out[0, c*4 + i*2 + j, y, z] = x[0, c, 2y + i, 2z + j]
    for (const [c, i, j, y, z] of [[0, 0, 0, 0, 0], [1, 1, 0, 1, 2], [0, 1, 1, 1, 1], [1, 0, 1, 0, 2]] as number[][]) {
      const got = down.data[(((c * 4 + i * 2 + j) * (h / 2)) + y) * (w / 2) + z];
      assert.equal(got, Math.fround(x.data[(c * h + 2 * y + i) * w + 2 * z + j] as number), `channel ${c * 4 + i * 2 + j} at ${y},${z}`);
    }
    assertClose(runBuilt(nn('PixelShuffle', [2]), [down]), x, 1e-7, 'round trip');
  });

  it('GLU, SELU, Softsign', () => {
    const x = randomDense([2, 6, 3], 43, -3, 3);
    const glu = runBuilt(nn('GLU', [1]), [x]);
    const expected = new Float64Array(2 * 3 * 3);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let l = 0; l < 3; l++) {
      const a = x.data[(n * 6 + c) * 3 + l] as number;
      const b = x.data[(n * 6 + c + 3) * 3 + l] as number;
      expected[(n * 3 + c) * 3 + l] = a / (1 + Math.exp(-b));
    }
    assertClose(glu, { shape: [2, 3, 3], data: expected }, 1e-5, 'GLU');
    const alpha = 1.6732632423543772;
    const scale = 1.0507009873554805;
    const selu = (v: number): number => scale * (v > 0 ? v : alpha * (Math.exp(v) - 1));
    assertClose(runBuilt(nn('SELU'), [x]), { shape: x.shape, data: x.data.map(selu) }, 1e-5, 'SELU');
    assertClose(runBuilt(nn('Softsign'), [x]), { shape: x.shape, data: x.data.map((v) => v / (1 + Math.abs(v))) }, 1e-6, 'Softsign');
  });

  it('LocalResponseNorm with an even window (size//2 before, (size-1)//2 after) on N×C×H×W', () => {
    const x = randomDense([1, 5, 2, 2], 44, -2, 2);
    const [size, alpha, beta, k] = [4, 0.01, 0.75, 2];
    const out = runBuilt(nn('LocalResponseNorm', [size, alpha, beta, k]), [x]);
    const data = new Float64Array(x.data.length);
    for (let c = 0; c < 5; c++) for (let p = 0; p < 4; p++) {
      let sum = 0;
      for (let cc = c - Math.floor(size / 2); cc <= c + Math.floor((size - 1) / 2); cc++) if (cc >= 0 && cc < 5) sum += (x.data[cc * 4 + p] as number) ** 2;
      data[c * 4 + p] = (x.data[c * 4 + p] as number) * (k + (alpha / size) * sum) ** -beta;
    }
    assertClose(out, { shape: x.shape, data }, 1e-5, 'LRN');
  });
});
