// Layers met in real model files (CycleGAN padding, AlexNet LRN, GLU/SELU, PixelUnshuffle): shapes in the interpreter
// and forward numerics on tfjs cpu against naive references written here.
import assert from 'node:assert/strict';
import { analyze, errors, HEADER, py } from './interpret-helpers';
import { nn } from './ops-helpers';
import { assertClose, randomDense, randomWeights, runBuilt, runForward, useCpuBackend } from './ops-forward-helpers';
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

describe('ops forward: indexing, split pieces, stack, expand, repeat (attributes from the interpreter)', () => {
  before(useCpuBackend);

  async function tracedNodes(body: string, input: number[]): Promise<Map<string, { op: string; attrs: Record<string, unknown> }>> {
    const g = await analyze(HEADER + py(`
      class M(nn.Module):
          def forward(self, x):
${body}
      `), { input });
    assert.deepEqual(errors(g), []);
    return new Map(g.nodes.map((n) => [n.path, { op: n.op, attrs: n.attrs as Record<string, unknown> }]));
  }

  /** Element of a PyTorch-order dense tensor. */
  const at = (x: Dense, idx: number[]): number => {
    let flat = 0;
    idx.forEach((i, k) => (flat = flat * (x.shape[k] as number) + i));
    return x.data[flat] as number;
  };

  it('getitem: ints, negative ints, steps, None and Ellipsis, as PyTorch indexes', async () => {
    const nodes = await tracedNodes(`
              a = x[:, -1, 1::2]
              b = x[..., None, 0]
              return a, b`.replace(/^\n/, ''), [2, 3, 5, 4]);
    const x = randomDense([2, 3, 5, 4], 51);
    const getitem = (await import('../../src/core/ops/registry')).getOp('getitem')!;
    const a = nodes.get('getitem')!;
    const outA = runForward(getitem, a.attrs as never, [x]);
    assert.deepEqual(outA.shape, [2, 2, 4]);
    for (const [n, i, w] of [[0, 0, 0], [1, 1, 3], [1, 0, 2]] as number[][]) assert.equal(outA.data[(n * 2 + i) * 4 + w], Math.fround(at(x, [n, 2,
      1 + 2 * i, w])));
    const outB = runForward(getitem, nodes.get('getitem#2')!.attrs as never, [x]);
    assert.deepEqual(outB.shape, [2, 3, 5, 1]);
    assert.equal(outB.data[((1 * 3 + 2) * 5 + 4)], Math.fround(at(x, [1, 2, 4, 0])));
  });

  it('chunk → narrow, unbind → select, stack, expand, repeat', async () => {
    const nodes = await tracedNodes(`
              p, q = x.chunk(2, dim=1)
              r = x.unbind(2)[1]
              s = torch.stack([p, q], dim=0)
              t = x[:, :1].expand(-1, 4, -1, -1)
              u = x.repeat(1, 2, 1, 1)
              return s, r, t, u`.replace(/^\n/, ''), [2, 4, 3, 3]);
    const x = randomDense([2, 4, 3, 3], 52);
    const { getOp } = await import('../../src/core/ops/registry');
    const find = (op: string, nth = 0) => [...nodes.values()].filter((n) => n.op === op)[nth]!;
    const q = runForward(getOp('narrow')!, find('narrow', 1).attrs as never, [x]);
    assert.deepEqual(q.shape, [2, 2, 3, 3]);
    assert.equal(at(q, [1, 1, 2, 0]), Math.fround(at(x, [1, 3, 2, 0])));
    const r = runForward(getOp('select')!, find('select', 1).attrs as never, [x]);
    assert.deepEqual(r.shape, [2, 4, 3]);
    assert.equal(at(r, [1, 2, 0]), Math.fround(at(x, [1, 2, 1, 0])));
    const p = runForward(getOp('narrow')!, find('narrow', 0).attrs as never, [x]);
    const s = runForward(getOp('stack')!, find('stack').attrs as never, [p, q]);
    assert.deepEqual(s.shape, [2, 2, 2, 3, 3]);
    assert.equal(at(s, [1, 0, 1, 2, 2]), Math.fround(at(x, [0, 3, 2, 2])));
    const first = runForward(getOp('getitem')!, find('getitem', 0).attrs as never, [x]);
    const t = runForward(getOp('expand')!, find('expand').attrs as never, [first]);
    assert.deepEqual(t.shape, [2, 4, 3, 3]);
    assert.equal(at(t, [1, 3, 2, 1]), Math.fround(at(x, [1, 0, 2, 1])));
    const u = runForward(getOp('repeat')!, find('repeat').attrs as never, [x]);
    assert.deepEqual(u.shape, [2, 8, 3, 3]);
    assert.equal(at(u, [1, 6, 0, 2]), Math.fround(at(x, [1, 2, 0, 2])));
  });
});

describe('Conv3d', () => {
  before(useCpuBackend);

  it('shape and parameters as PyTorch (video stem: 3×7×7 kernel, stride (1, 2, 2))', () => {
    const conv = nn('Conv3d', [3, 64, [3, 7, 7]], { stride: [1, 2, 2], padding: [1, 3, 3], bias: false });
    assert.deepEqual(conv.shape([2, 3, 8, 112, 112]), [2, 64, 8, 56, 56]);
    assert.equal(conv.params(), 64 * 3 * 3 * 7 * 7);
  });

  it('with a depth-1 kernel on a depth-1 input, equals Conv2d with the same weights (padding, stride, dilation)', () => {
    const x2 = randomDense([2, 3, 7, 6], 61);
    const conv2 = nn('Conv2d', [3, 4, 3], { padding: 2, stride: 2, dilation: 2 });
    const w2 = randomWeights(conv2, 62);
    const expected = runBuilt(conv2, [x2], w2);
    const conv3 = nn('Conv3d', [3, 4, [1, 3, 3]], { padding: [0, 2, 2], stride: [1, 2, 2], dilation: [1, 2, 2] });
    const w3 = { weight: { shape: [4, 3, 1, 3, 3], data: (w2.weight as Dense).data }, bias: w2.bias as Dense };
    const out = runBuilt(conv3, [{ shape: [2, 3, 1, 7, 6], data: x2.data }], w3);
    assertClose({ shape: [out.shape[0] as number, out.shape[1] as number, ...out.shape.slice(3)], data: out.data }, expected, 1e-5, 'Conv3d vs Conv2d');
  });
});
