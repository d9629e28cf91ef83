// Numerics of norm, activation, reshape, merge, reduce and resample builders on tfjs cpu against naive references.
import assert from 'node:assert/strict';
import { build, functional, method, nn, op } from './ops-helpers';
import {
  catRef, dense, erf, groupedStats, linearRef, meanRef, permuteRef, perChannel, pixelShuffleRef, softmaxRef,
  upsampleBilinearRef, upsampleNearestRef, type Dense,
} from './ops-reference';
import { assertClose, randomDense, randomWeights, runBuilt, runForward, useCpuBackend } from './ops-forward-helpers';

function map(x: Dense, f: (v: number) => number): Dense {
  return { shape: x.shape.slice(), data: x.data.map(f) };
}

describe('ops forward: normalization (tfjs cpu vs naive reference)', () => {
  before(useCpuBackend);

  it('BatchNorm2d in eval mode uses running statistics and the configured eps', () => {
    const bn = nn('BatchNorm2d', [3], { eps: 0.1 });
    const x = randomDense([2, 3, 4, 5], 30);
    const w = randomWeights(bn, 300);
    const get = (name: string, c: number): number => (w[name] as Dense).data[c] as number;
    const expected = perChannel(x, (v, c) => ((v - get('running_mean', c)) / Math.sqrt(get('running_var', c) + 0.1)) * get('weight', c) + get('bias', c));
    assertClose(runBuilt(bn, [x], w), expected);
  });

  it('BatchNorm1d on N×C and N×C×L', () => {
    const bn = nn('BatchNorm1d', [4]);
    const w = randomWeights(bn, 310);
    const get = (name: string, c: number): number => (w[name] as Dense).data[c] as number;
    const f = (v: number, c: number): number => ((v - get('running_mean', c)) / Math.sqrt(get('running_var', c) + 1e-5)) * get('weight', c) + get('bias', c);
    const x2 = randomDense([3, 4], 31);
    assertClose(runBuilt(bn, [x2], w), perChannel(x2, f));
    const x3 = randomDense([2, 4, 6], 32);
    assertClose(runBuilt(bn, [x3], w), perChannel(x3, f));
  });

  it('BatchNorm2d without running statistics normalises with batch statistics', () => {
    const bn = nn('BatchNorm2d', [2], { track_running_stats: false, affine: false });
    const x = randomDense([2, 2, 3, 3], 33);
    const { mean, variance } = groupedStats(x, (i) => Math.floor(i / 9) % 2, 2);
    assertClose(runBuilt(bn, [x]), perChannel(x, (v, c) => (v - (mean[c] as number)) / Math.sqrt((variance[c] as number) + 1e-5)));
  });

  it('GroupNorm normalises each (sample, group) and applies per-channel affine', () => {
    const gn = nn('GroupNorm', [2, 6]);
    const x = randomDense([2, 6, 3, 4], 34);
    const w = randomWeights(gn, 340);
    const key = (i: number): number => Math.floor(i / 12 / 3);
    const { mean, variance } = groupedStats(x, key, 4);
    const expected = dense(x.shape, (i) => {
      const c = Math.floor(i / 12) % 6;
      const g = key(i);
      return (((x.data[i] as number) - (mean[g] as number)) / Math.sqrt((variance[g] as number) + 1e-5)) * ((w.weight as Dense).data[c] as number)
        + ((w.bias as Dense).data[c] as number);
    });
    assertClose(runBuilt(gn, [x], w), expected);
  });

  it('LayerNorm over trailing dims, including the N×L×D transformer layout', () => {
    const ln = nn('LayerNorm', [[4, 5]]);
    const x = randomDense([2, 3, 4, 5], 35);
    const w = randomWeights(ln, 350);
    const { mean, variance } = groupedStats(x, (i) => Math.floor(i / 20), 6);
    const expected = dense(x.shape, (i) => {
      const g = Math.floor(i / 20);
      return (((x.data[i] as number) - (mean[g] as number)) / Math.sqrt((variance[g] as number) + 1e-5)) * ((w.weight as Dense).data[i % 20] as number)
        + ((w.bias as Dense).data[i % 20] as number);
    });
    assertClose(runBuilt(ln, [x], w), expected, 1e-4, '4×5');
    const tokens = nn('LayerNorm', [6]);
    const t = randomDense([2, 3, 6], 36);
    const tw = randomWeights(tokens, 360);
    const stats = groupedStats(t, (i) => Math.floor(i / 6), 6);
    const expectedTokens = dense(t.shape, (i) => {
      const g = Math.floor(i / 6);
      return (((t.data[i] as number) - (stats.mean[g] as number)) / Math.sqrt((stats.variance[g] as number)
        + 1e-5)) * ((tw.weight as Dense).data[i % 6] as number) + ((tw.bias as Dense).data[i % 6] as number);
    });
    assertClose(runBuilt(tokens, [t], tw), expectedTokens, 1e-4, 'N×L×D');
  });

  it('InstanceNorm2d normalises each (sample, channel) over H×W', () => {
    const x = randomDense([2, 3, 4, 4], 37);
    const { mean, variance } = groupedStats(x, (i) => Math.floor(i / 16), 6);
    const expected = dense(x.shape, (i) => {
      const g = Math.floor(i / 16);
      return ((x.data[i] as number) - (mean[g] as number)) / Math.sqrt((variance[g] as number) + 1e-5);
    });
    assertClose(runBuilt(nn('InstanceNorm2d', [3]), [x]), expected);
  });
});

describe('ops forward: activations (tfjs cpu vs scalar formulas)', () => {
  before(useCpuBackend);
  const x = randomDense([2, 3, 4, 5], 40, -4, 4);
  const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
  const cases: [string, unknown[], Record<string, unknown>, (v: number) => number][] = [
    ['ReLU', [], {}, (v) => Math.max(v, 0)],
    ['ReLU6', [], {}, (v) => Math.min(Math.max(v, 0), 6)],
    ['LeakyReLU', [0.2], {}, (v) => (v > 0 ? v : 0.2 * v)],
    ['ELU', [0.5], {}, (v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))],
    ['GELU', [], {}, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
    ['GELU', [], { approximate: 'tanh' }, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['SiLU', [], {}, (v) => v * sigmoid(v)],
    ['Sigmoid', [], {}, sigmoid],
    ['Tanh', [], {}, Math.tanh],
    ['Hardswish', [], {}, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
    ['Hardsigmoid', [], {}, (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
    ['Mish', [], {}, (v) => v * Math.tanh(Math.log1p(Math.exp(v)))],
  ];
  for (const [name, args, kwargs, f] of cases) {
    it(`${name}${Object.keys(kwargs).length ? ` ${JSON.stringify(kwargs)}` : ''}`, () => {
      assertClose(runBuilt(nn(name, args as never, kwargs as never), [x]), map(x, f));
    });
  }

  it('PReLU with one slope per channel (N×C×H×W and N×C) and a shared slope', () => {
    const prelu = nn('PReLU', [3]);
    const w = { weight: dense([3], (i) => [0.1, -0.5, 2][i] as number) };
    const f = (v: number, c: number): number => (v >= 0 ? v : ((w.weight.data[c] as number) * v));
    assertClose(runBuilt(prelu, [x], w), perChannel(x, f), 1e-4, 'NCHW');
    const flat = randomDense([4, 3], 41);
    assertClose(runBuilt(prelu, [flat], w), perChannel(flat, f), 1e-4, 'NC');
    assertClose(runBuilt(nn('PReLU'), [x], { weight: dense([1], () => 0.25) }), map(x, (v) => (v >= 0 ? v : 0.25 * v)), 1e-4, 'shared');
  });

  it('Softmax over the channel axis, the last axis and the implicit dim', () => {
    assertClose(runBuilt(nn('Softmax', [1]), [x]), softmaxRef(x, 1), 1e-4, 'dim=1');
    assertClose(runBuilt(nn('Softmax', [-1]), [x]), softmaxRef(x, 3), 1e-4, 'dim=-1');
    assertClose(runBuilt(build(method('softmax'), [2], {}, true), [x]), softmaxRef(x, 2), 1e-4, 'x.softmax(2)');
    const logits = randomDense([3, 7], 42);
    assertClose(runBuilt(nn('Softmax'), [logits]), softmaxRef(logits, 1), 1e-4, 'implicit');
  });

  it('Dropout and Identity are the identity at inference', () => {
    assertClose(runBuilt(nn('Dropout', [0.7]), [x]), x);
    assertClose(runBuilt(nn('Identity'), [x]), x);
  });
});

describe('ops forward: reshaping and linear (tfjs cpu vs NCHW order)', () => {
  before(useCpuBackend);
  const x = randomDense([2, 3, 4, 5], 50);

  it('Flatten then Linear sees features in NCHW order', () => {
    const flat = runBuilt(nn('Flatten'), [x]);
    assertClose(flat, { shape: [2, 60], data: x.data });
    const fc = nn('Linear', [60, 7]);
    const w = randomWeights(fc, 500);
    assertClose(runBuilt(fc, [flat], w), linearRef(flat, w.weight as Dense, w.bias as Dense));
    assertClose(runBuilt(build(functional('torch.flatten'), [2], {}, true), [x]), { shape: [2, 3, 20], data: x.data }, 1e-6, 'flatten(2)');
  });

  it('Linear on a rank-3 input applies to the last PyTorch dimension', () => {
    const fc = nn('Linear', [5, 4], { bias: false });
    const t = randomDense([2, 3, 5], 51);
    const w = randomWeights(fc, 510);
    assertClose(runBuilt(fc, [t], w), linearRef(t, w.weight as Dense, null));
  });

  it('view/reshape keep PyTorch element order for results of any rank', () => {
    assertClose(runBuilt(build(method('view'), [2, 6, 10], {}, true), [x]), { shape: [2, 6, 10], data: x.data }, 1e-6, 'view rank 3');
    assertClose(runBuilt(build(method('reshape'), [2, 3, -1, 2], {}, true), [x]), { shape: [2, 3, 10, 2], data: x.data }, 1e-6, 'reshape rank 4');
    assertClose(runBuilt(build(method('view'), [-1], {}, true), [x]), { shape: [120], data: x.data }, 1e-6, 'view -1');
    const channelShuffle = build(method('view'), [2, 3, 1, 4, 5], {}, true);
    assertClose(runBuilt(channelShuffle, [x]), { shape: [2, 3, 1, 4, 5], data: x.data }, 1e-6, 'view rank 5');
  });

  it('permute and transpose', () => {
    assertClose(runBuilt(build(method('permute'), [0, 2, 3, 1], {}, true), [x]), permuteRef(x, [0, 2, 3, 1]), 1e-6, 'permute');
    assertClose(runBuilt(build(method('transpose'), [1, 2], {}, true), [x]), permuteRef(x, [0, 2, 1, 3]), 1e-6, 'transpose');
  });
});

describe('ops forward: merges and reductions (tfjs cpu vs reference)', () => {
  before(useCpuBackend);
  const a = randomDense([2, 3, 4, 5], 60);
  const b = randomDense([2, 3, 4, 5], 61);

  it('add with broadcasting, alpha and operands of different rank; mul', () => {
    const add = build(op('add'), [], {}, true);
    assertClose(runBuilt(add, [a, b]), dense(a.shape, (i) => (a.data[i] as number) + (b.data[i] as number)), 1e-6, 'same');
    const bias = randomDense([1, 3, 1, 1], 62);
    assertClose(runBuilt(add, [a, bias]), perChannel(a, (v, c) => v + (bias.data[c] as number)), 1e-6, 'broadcast');
    const rank3 = randomDense([3, 1, 1], 63);
    assertClose(runBuilt(add, [a, rank3]), perChannel(a, (v, c) => v + (rank3.data[c] as number)), 1e-6, 'rank 3 + rank 4');
    const scaled = build(op('add'), [], { alpha: 2 }, true);
    assertClose(runBuilt(scaled, [a, b]), dense(a.shape, (i) => (a.data[i] as number) + 2 * (b.data[i] as number)), 1e-6, 'alpha');
    const gate = randomDense([2, 3, 1, 1], 64);
    assertClose(
      runBuilt(build(op('mul'), [], {}, true), [a, gate]),
      dense(a.shape, (i) => (a.data[i] as number) * (gate.data[Math.floor(i / 20)] as number)),
      1e-6,
      'mul',
    );
  });

  it('cat along channels, spatial axes and the batch; rank 2', () => {
    const c = randomDense([2, 1, 4, 5], 65);
    assertClose(runBuilt(build(functional('torch.cat'), [1], {}, true), [a, b, c]), catRef([a, b, c], 1), 1e-6, 'dim 1');
    assertClose(runBuilt(build(functional('torch.cat'), [-2], {}, true), [a, b]), catRef([a, b], 2), 1e-6, 'dim -2');
    assertClose(runBuilt(build(functional('torch.cat'), [0], {}, true), [a, b]), catRef([a, b], 0), 1e-6, 'dim 0');
    const m = randomDense([2, 3], 66);
    const n = randomDense([2, 4], 67);
    assertClose(runBuilt(build(functional('torch.cat'), [1], {}, true), [m, n]), catRef([m, n], 1), 1e-6, 'rank 2');
  });

  it('mean over spatial dims, channels, the last dim and everything', () => {
    const mean = (...args: unknown[]) => build(method('mean'), args as never, {}, true);
    assertClose(runBuilt(mean([2, 3]), [a]), meanRef(a, [2, 3], false), 1e-5, '(2, 3)');
    assertClose(runBuilt(mean([2, 3], true), [a]), meanRef(a, [2, 3], true), 1e-5, '(2, 3) keepdim');
    assertClose(runBuilt(mean(1), [a]), meanRef(a, [1], false), 1e-5, 'dim 1');
    assertClose(runBuilt(mean(-1), [a]), meanRef(a, [3], false), 1e-5, 'dim -1');
    assertClose(runBuilt(mean(1, true), [a]), meanRef(a, [1], true), 1e-5, 'dim 1 keepdim');
    const all = runBuilt(mean(), [a]);
    assert.deepEqual(all.shape, []);
    assertClose(all, meanRef(a, [0, 1, 2, 3], false), 1e-5, 'all');
  });
});

describe('ops forward: resampling (tfjs cpu vs reference)', () => {
  before(useCpuBackend);
  const x = randomDense([1, 2, 3, 4], 70);

  it('PixelShuffle in NCHW channel order', () => {
    const y = randomDense([2, 8, 3, 5], 71);
    assertClose(runBuilt(nn('PixelShuffle', [2]), [y]), pixelShuffleRef(y, 2), 1e-6);
  });

  it('Upsample nearest by integer and fractional scale factors and by size', () => {
    assertClose(runBuilt(nn('Upsample', [], { scale_factor: 2 }), [x]), upsampleNearestRef(x, 6, 8, [2, 2]), 1e-6, '×2');
    assertClose(runBuilt(nn('Upsample', [], { scale_factor: 1.7 }), [x]), upsampleNearestRef(x, 5, 6, [1.7, 1.7]), 1e-6, '×1.7');
    assertClose(runBuilt(nn('Upsample', [[7, 5]]), [x]), upsampleNearestRef(x, 7, 5), 1e-6, 'size');
    const interpolate = build(functional('torch.nn.functional.interpolate'), [[5, 9]], {}, true);
    assertClose(runBuilt(interpolate, [x]), upsampleNearestRef(x, 5, 9), 1e-6, 'F.interpolate');
  });

  for (const alignCorners of [false, true]) {
    it(`Upsample bilinear, align_corners=${alignCorners}`, () => {
      const bySize = nn('Upsample', [[7, 9]], { mode: 'bilinear', align_corners: alignCorners });
      assertClose(runBuilt(bySize, [x]), upsampleBilinearRef(x, 7, 9, alignCorners), 1e-4, 'size');
      const byScale = nn('Upsample', [], { scale_factor: 2, mode: 'bilinear', align_corners: alignCorners });
      assertClose(runBuilt(byScale, [x]), upsampleBilinearRef(x, 6, 8, alignCorners, [2, 2]), 1e-4, 'scale');
      const down = nn('Upsample', [[2, 3]], { mode: 'bilinear', align_corners: alignCorners });
      assertClose(runBuilt(down, [x]), upsampleBilinearRef(x, 2, 3, alignCorners), 1e-4, 'downsample');
    });
  }

  it('ZeroPad2d and F.pad (left, right, top, bottom)', () => {
    const padded = runBuilt(nn('ZeroPad2d', [[1, 2, 0, 3]]), [x]);
    const expected = dense([1, 2, 6, 7], (i) => {
      const w = i % 7;
      const h = Math.floor(i / 7) % 6;
      const c = Math.floor(i / 42);
      const iy = h;
      const ix = w - 1;
      return iy < 3 && ix >= 0 && ix < 4 ? (x.data[(c * 3 + iy) * 4 + ix] as number) : 0;
    });
    assertClose(padded, expected, 1e-6, 'ZeroPad2d');
    const constant = build(functional('torch.nn.functional.pad'), [[1, 2, 0, 3]], { value: 0 }, true);
    assertClose(runBuilt(constant, [x]), expected, 1e-6, 'F.pad');
  });

  it('bicubic and area interpolation keep a constant image constant (their weights sum to one) at the rule\'s size', () => {
    // The values against PyTorch are checked by test/unit/run-pytorch.test.ts; here the invariants without it.
    const flat = { shape: [1, 2, 3, 4], data: new Float64Array(24).fill(0.75) };
    for (const [mode, extra] of [['bicubic', { align_corners: false }], ['bicubic', { align_corners: true }], ['area', {}]] as const) {
      const op = nn('Upsample', [], { scale_factor: mode === 'area' ? 0.5 : 2, mode, ...extra });
      const y = runForward(op.spec, op.attrs, [flat]);
      assert.deepEqual(y.shape, op.spec.inferShape(op.attrs, [flat.shape]), mode);
      assert.ok(y.data.every((v) => Math.abs(v - 0.75) < 1e-6), `${mode}: ${[...y.data].slice(0, 4).join(', ')}`);
    }
  });
});
