// Resampling entries: Upsample / F.interpolate (nearest, nearest-exact, (bi/tri)linear and bicubic with align_corners, area),
// PixelShuffle, padding.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { readBool, readChoice, readFloat, readIntList, readPositiveInt, requireRank } from './args';
import { formatShape } from './shapeText';
import { padAxes, type PadMode } from './padding';
import { toTorchOrder, fromTorchOrder } from './layout';

const F = 'torch.nn.functional.';
const MODES = ['nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area'] as const;
type Mode = (typeof MODES)[number];

interface ResampleConfig {
  size: number[] | null;
  scale: number[] | null;
  mode: Mode;
  alignCorners: boolean;
  /** True when the given scale factor (not in/out) drives the source index, as PyTorch does unless recompute_scale_factor. */
  useScale: boolean;
}

function numberList(op: string, name: string, value: AttrValue | undefined, count: number, integer: boolean): number[] | null {
  if (value === null || value === undefined) return null;
  const ok = (v: AttrValue): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v));
  if (ok(value)) return new Array<number>(count).fill(value);
  if (Array.isArray(value) && value.every(ok) && (value.length === count || value.length === 1)) {
    return value.length === count ? (value as number[]) : new Array<number>(count).fill(value[0] as number);
  }
  throw new OpArgumentError(`${op}: ${name} must be a positive ${integer ? 'int' : 'number'} or a tuple of ${count}, got ${JSON.stringify(value)}`);
}

function readResample(op: string, attrs: Attrs, spatial: number): ResampleConfig {
  const size = numberList(op, 'size', attrs.size, spatial, true);
  const scale = numberList(op, 'scale_factor', attrs.scale_factor, spatial, false);
  if ((size === null) === (scale === null)) throw new OpArgumentError(`${op}: exactly one of size and scale_factor must be given`);
  const mode = readChoice(op, attrs, 'mode', MODES);
  const alignCorners = readBool(attrs, 'align_corners');
  if (alignCorners && (mode === 'nearest' || mode === 'nearest-exact' || mode === 'area')) {
    throw new OpArgumentError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear`);
  }
  return { size, scale, mode, alignCorners, useScale: scale !== null && !readBool(attrs, 'recompute_scale_factor') };
}

const MODE_RANK: Partial<Record<Mode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

function inferResampleShape(op: string) {
  return (attrs: Attrs, inputs: Shape[]): Shape => {
    const input = inputs[0] as Shape;
    requireRank(op, input, [3, 4, 5], 'N×C×L, N×C×H×W or N×C×D×H×W');
    const c = readResample(op, attrs, input.length - 2);
    const needed = MODE_RANK[c.mode];
    if (needed !== undefined && needed !== input.length) {
      throw new ShapeError(`${op}: mode '${c.mode}' expects a ${needed}-D input but got ${formatShape(input)}`, 'rank-mismatch');
    }
    const spatial = input.slice(2).map((len, i) => {
      if (c.size) return c.size[i] as number;
      return len === null ? null : Math.floor(len * (c.scale?.[i] as number));
    });
    if (spatial.some((len) => len !== null && len < 1)) {
      throw new ShapeError(`${op} output would be empty for input ${formatShape(input)}: ${formatShape(spatial)}`, 'empty-output');
    }
    return [...input.slice(0, 2), ...spatial];
  };
}

/** Source coordinate of output index `dst` for one axis (float32 arithmetic as in PyTorch's CPU kernels). */
function sourceIndices(c: ResampleConfig, axis: number, inLen: number, outLen: number): { lo: number[]; hi: number[]; frac: number[] } {
  const f = Math.fround;
  const given = c.useScale ? (c.scale?.[axis] as number) : null;
  const lo: number[] = [];
  const hi: number[] = [];
  const frac: number[] = [];
  if (c.mode === 'nearest' || c.mode === 'nearest-exact') {
    const scale = f(given !== null ? 1 / given : inLen / outLen);
    for (let dst = 0; dst < outLen; dst++) {
      const offset = c.mode === 'nearest' ? dst : dst + 0.5;
      const src = Math.min(Math.floor(f(f(offset) * scale)), inLen - 1);
      lo.push(src);
      hi.push(src);
      frac.push(0);
    }
    return { lo, hi, frac };
  }
  const scale = c.alignCorners ? (outLen > 1 ? f((inLen - 1) / (outLen - 1)) : 0) : f(given !== null ? 1 / given : inLen / outLen);
  for (let dst = 0; dst < outLen; dst++) {
    const src = c.alignCorners ? f(scale * dst) : Math.max(f(f(scale * f(dst + 0.5)) - 0.5), 0);
    const i0 = Math.min(Math.floor(src), inLen - 1);
    lo.push(i0);
    hi.push(i0 < inLen - 1 ? i0 + 1 : i0);
    frac.push(f(src - i0));
  }
  return { lo, hi, frac };
}

/** PyTorch's cubic convolution weights (A = −0.75) of the taps at offsets −1, 0, 1, 2 from floor(src), for fraction t. */
function cubicWeights(t: number): number[] {
  const a = -0.75;
  const near = (x: number): number => ((a + 2) * x - (a + 3)) * x * x + 1;
  const far = (x: number): number => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

/**
 * The [outLen, inLen] matrix of one axis for bicubic (taps clamped to the edge, source index not clamped at 0, as
 * PyTorch's upsample_bicubic2d) and area (adaptive average pooling cells) modes.
 */
function axisMatrix(c: ResampleConfig, axis: number, inLen: number, outLen: number): Float32Array {
  const m = new Float32Array(outLen * inLen);
  const f = Math.fround;
  if (c.mode === 'area') {
    for (let i = 0; i < outLen; i++) {
      const start = Math.floor((i * inLen) / outLen);
      const end = Math.ceil(((i + 1) * inLen) / outLen);
      for (let j = start; j < end; j++) m[i * inLen + j] = 1 / (end - start);
    }
    return m;
  }
  const given = c.useScale ? (c.scale?.[axis] as number) : null;
  const scale = c.alignCorners ? (outLen > 1 ? f((inLen - 1) / (outLen - 1)) : 0) : f(given !== null ? 1 / given : inLen / outLen);
  for (let dst = 0; dst < outLen; dst++) {
    const src = c.alignCorners ? f(scale * dst) : f(f(scale * f(dst + 0.5)) - 0.5);
    const i0 = Math.floor(src);
    cubicWeights(f(src - i0)).forEach((w, k) => {
      const j = Math.min(Math.max(i0 - 1 + k, 0), inLen - 1);
      m[dst * inLen + j] = (m[dst * inLen + j] as number) + w;
    });
  }
  return m;
}

/** Applies an [outLen, inLen] matrix along `axis`. */
function applyAxisMatrix(tf: Tf, x: TfTensor, axis: number, matrix: Float32Array, outLen: number): TfTensor {
  const inLen = x.shape[axis] as number;
  const order = [...x.shape.keys()].filter((a) => a !== axis).concat([axis]);
  const moved = tf.transpose(x, order);
  const rows = tf.reshape(moved, [-1, inLen]);
  const out = tf.matMul(rows, tf.tensor2d(matrix, [outLen, inLen]), false, true);
  const back = tf.reshape(out, [...(moved.shape.slice(0, -1) as number[]), outLen]);
  const inverse = order.map((_, a) => order.indexOf(a));
  return tf.transpose(back, inverse);
}

function resampleAxis(tf: Tf, x: TfTensor, axis: number, c: ResampleConfig, spatialIndex: number, outLen: number): TfTensor {
  const inLen = x.shape[axis] as number;
  if (c.mode === 'bicubic' || c.mode === 'area') return applyAxisMatrix(tf, x, axis, axisMatrix(c, spatialIndex, inLen, outLen), outLen);
  const { lo, hi, frac } = sourceIndices(c, spatialIndex, inLen, outLen);
  const low = tf.gather(x, tf.tensor1d(lo, 'int32'), axis);
  if (frac.every((v) => v === 0)) return low;
  const high = tf.gather(x, tf.tensor1d(hi, 'int32'), axis);
  const weightShape = x.shape.map((_, i) => (i === axis ? outLen : 1));
  const w = tf.tensor(frac, weightShape, 'float32');
  return tf.add(tf.mul(low, tf.sub(1, w)), tf.mul(high, w));
}

function makeResample(op: string, moduleNames: string[], functionalNames: string[], fixed?: Partial<Attrs>): OpSpec {
  const signature = fixed
    ? [{ name: 'size', default: null }, { name: 'scale_factor', default: null }]
    : [
        { name: 'size', default: null },
        { name: 'scale_factor', default: null },
        { name: 'mode', default: 'nearest' },
        { name: 'align_corners', default: null },
        { name: 'recompute_scale_factor', default: null },
      ];
  const withFixed = (attrs: Attrs): Attrs => (fixed ? { ...attrs, ...fixed } as Attrs : attrs);
  const infer = inferResampleShape(op);
  return {
    op,
    category: 'resample',
    moduleNames,
    signature,
    functionalNames,
    functionalSignature: [...signature, ...(fixed ? [] : [{ name: 'antialias', default: false }])],
    normalize: (attrs) => {
      const full = withFixed(attrs);
      const tuple = [full.size, full.scale_factor].find((v) => Array.isArray(v));
      readResample(op, full, Array.isArray(tuple) && tuple.length > 1 ? tuple.length : 2);
      return full;
    },
    inferShape: (attrs, inputs) => infer(withFixed(attrs), inputs),
    summary: (attrs) => {
      const full = withFixed(attrs);
      const what = full.size !== null && full.size !== undefined ? `→${JSON.stringify(full.size)}` : `×${JSON.stringify(full.scale_factor)}`;
      return `${what}, ${full.mode}${readBool(full, 'align_corners') ? ', align' : ''}`;
    },
    forward: (tf, attrs, inputs) => {
      const full = withFixed(attrs);
      const x = inputs[0] as TfTensor;
      const torchShape = [x.shape[0] as number, x.shape[x.rank - 1] as number, ...(x.shape.slice(1, -1) as number[])];
      const out = infer(full, [torchShape]) as number[];
      const c = readResample(op, full, x.rank - 2);
      return tf.tidy(() => {
        let y = x;
        for (let i = 0; i < x.rank - 2; i++) y = resampleAxis(tf, y, i + 1, c, i, out[i + 2] as number);
        return y;
      });
    },
  };
}

export const Upsample = makeResample('Upsample', ['torch.nn.Upsample'], [`${F}interpolate`, `${F}upsample`]);
export const UpsamplingNearest2d = makeResample('UpsamplingNearest2d', ['torch.nn.UpsamplingNearest2d'], [`${F}upsample_nearest`], {
  mode: 'nearest',
  align_corners: null,
});
export const UpsamplingBilinear2d = makeResample('UpsamplingBilinear2d', ['torch.nn.UpsamplingBilinear2d'], [`${F}upsample_bilinear`], {
  mode: 'bilinear',
  align_corners: true,
});

function pixelShuffleShape(op: string, input: Shape, r: number): Shape {
  requireRank(op, input, input.length >= 3 ? [input.length] : [3, 4], '…×C×H×W');
  const [c, h, w] = input.slice(-3) as (number | null)[];
  if (c !== null && c !== undefined && c % (r * r) !== 0) {
    throw new ShapeError(
      `${op}(${r}) expects input channels divisible by ${r * r} but got ${c} (input ${formatShape(input)})`,
      'channel-mismatch',
    );
  }
  const scale = (d: number | null | undefined): number | null => (d === null || d === undefined ? null : d * r);
  return [...input.slice(0, -3), c === null || c === undefined ? null : c / (r * r), scale(h), scale(w)];
}

export const PixelShuffle: OpSpec = {
  op: 'PixelShuffle',
  category: 'resample',
  moduleNames: ['torch.nn.PixelShuffle'],
  signature: [{ name: 'upscale_factor' }],
  functionalNames: [`${F}pixel_shuffle`],
  normalize: (attrs) => ({ ...attrs, upscale_factor: readPositiveInt('PixelShuffle', attrs, 'upscale_factor') }),
  inferShape: (attrs, inputs) => pixelShuffleShape('PixelShuffle', inputs[0] as Shape, readPositiveInt('PixelShuffle', attrs, 'upscale_factor')),
  summary: (attrs) => `×${attrs.upscale_factor}`,
  forward: (tf, attrs, inputs) => {
    const r = readPositiveInt('PixelShuffle', attrs, 'upscale_factor');
    const x = inputs[0] as TfTensor;
    if (x.rank !== 4) throw new OpArgumentError('PixelShuffle: the forward pass supports N×C×H×W inputs');
    return tf.tidy(() => {
      const [n, h, w, cr] = x.shape as number[];
      const c = (cr as number) / (r * r);
      // NCHW channel index is c·r² + i·r + j; in NHWC that is the last axis split as [c, i, j].
      const split = tf.reshape(x, [n as number, h as number, w as number, c, r, r]);
      const moved = tf.transpose(split, [0, 1, 4, 2, 5, 3]);
      return tf.reshape(moved, [n as number, (h as number) * r, (w as number) * r, c]);
    });
  },
};

/** nn.PixelUnshuffle(r): N×C×H×W → N×C·r²×H/r×W/r, the inverse of PixelShuffle. */
export const PixelUnshuffle: OpSpec = {
  op: 'PixelUnshuffle',
  category: 'resample',
  moduleNames: ['torch.nn.PixelUnshuffle'],
  signature: [{ name: 'downscale_factor' }],
  functionalNames: [`${F}pixel_unshuffle`],
  normalize: (attrs) => ({ ...attrs, downscale_factor: readPositiveInt('PixelUnshuffle', attrs, 'downscale_factor') }),
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const r = readPositiveInt('PixelUnshuffle', attrs, 'downscale_factor');
    requireRank('PixelUnshuffle', input, input.length >= 3 ? [input.length] : [3, 4], '…×C×H×W');
    const [c, h, w] = input.slice(-3) as (number | null)[];
    for (const d of [h, w]) {
      if (d !== null && d % r !== 0)
        throw new ShapeError(`PixelUnshuffle(${r}) expects height and width divisible by ${r} but got ${formatShape(input)}`, 'shape-mismatch');
    }
    const down = (d: number | null): number | null => (d === null ? null : d / r);
    return [...input.slice(0, -3), c === null ? null : c * r * r, down(h), down(w)];
  },
  summary: (attrs) => `÷${attrs.downscale_factor}`,
  forward: (tf, attrs, inputs) => {
    const r = readPositiveInt('PixelUnshuffle', attrs, 'downscale_factor');
    const x = inputs[0] as TfTensor;
    if (x.rank !== 4) throw new OpArgumentError('PixelUnshuffle: the forward pass supports N×C×H×W inputs');
    return tf.tidy(() => {
      const [n, hr, wr, c] = x.shape as number[];
      const h = (hr as number) / r;
      const w = (wr as number) / r;
      // Output NCHW channel c·r² + i·r + j: NHWC last axis built as [c, i, j].
      const split = tf.reshape(x, [n as number, h, r, w, r, c as number]);
      const moved = tf.transpose(split, [0, 1, 3, 5, 2, 4]);
      return tf.reshape(moved, [n as number, h, w, (c as number) * r * r]);
    });
  },
};

/** PyTorch's pad list (last dimension first: left, right, top, bottom, ...) → per-axis [before, after] in PyTorch order. */
function padPairs(op: string, pad: number[], rank: number): [number, number][] {
  if (pad.length % 2 !== 0 || pad.length / 2 > rank) {
    throw new OpArgumentError(`${op}: padding length must be even and at most twice the input rank, got ${pad.length}`);
  }
  const pairs: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  for (let k = 0; k < pad.length / 2; k++) pairs[rank - 1 - k] = [pad[2 * k] as number, pad[2 * k + 1] as number];
  return pairs;
}

function paddedShape(op: string, input: Shape, pad: number[]): Shape {
  const pairs = padPairs(op, pad, input.length);
  const out = input.map((d, i) => (d === null ? null : d + (pairs[i]?.[0] as number) + (pairs[i]?.[1] as number)));
  if (out.some((d) => d !== null && d < 1))
    throw new ShapeError(`${op}: padding ${JSON.stringify(pad)} leaves input ${formatShape(input)} empty`, 'empty-output');
  return out;
}

function padForward(tf: Tf, x: TfTensor, pad: number[], mode: PadMode, value: number): TfTensor {
  return tf.tidy(() => fromTorchOrder(tf, padAxes(tf, toTorchOrder(tf, x), padPairs('pad', pad, x.rank), mode, value)));
}

function zeroPadList(attrs: Attrs): number[] {
  const pad = readIntList('ZeroPad2d', attrs, 'padding');
  if (pad.length === 1) return [pad[0], pad[0], pad[0], pad[0]] as number[];
  if (pad.length !== 4)
    throw new OpArgumentError(`ZeroPad2d: padding must be an int or a 4-tuple (left, right, top, bottom), got ${JSON.stringify(attrs.padding)}`);
  return pad;
}

export const ZeroPad2d: OpSpec = {
  op: 'ZeroPad2d',
  category: 'resample',
  moduleNames: ['torch.nn.ZeroPad2d'],
  signature: [{ name: 'padding' }],
  normalize: (attrs) => ({ ...attrs, padding: zeroPadList(attrs) }),
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    requireRank('ZeroPad2d', input, [3, 4], 'C×H×W or N×C×H×W');
    return paddedShape('ZeroPad2d', input, zeroPadList(attrs));
  },
  summary: (attrs) => `(${zeroPadList(attrs).join(', ')})`,
  forward: (tf, attrs, inputs) => padForward(tf, inputs[0] as TfTensor, zeroPadList(attrs), 'zeros', 0),
};

const PAD_MODES = ['constant', 'reflect', 'replicate', 'circular'] as const;

export const Pad: OpSpec = {
  op: 'pad',
  category: 'resample',
  functionalNames: [`${F}pad`],
  functionalSignature: [{ name: 'pad' }, { name: 'mode', default: 'constant' }, { name: 'value', default: null }],
  normalize: (attrs) => ({ ...attrs, pad: readIntList('pad', attrs, 'pad'), mode: readChoice('pad', attrs, 'mode', PAD_MODES) }),
  inferShape: (attrs, inputs) => paddedShape('pad', inputs[0] as Shape, readIntList('pad', attrs, 'pad')),
  summary: (attrs) => `(${readIntList('pad', attrs, 'pad').join(', ')})`,
  forward: (tf, attrs, inputs) => {
    const value = attrs.value === null || attrs.value === undefined ? 0 : readFloat('pad', attrs, 'value');
    return padForward(tf, inputs[0] as TfTensor, readIntList('pad', attrs, 'pad'), readChoice('pad', attrs, 'mode', PAD_MODES), value);
  },
};

/** nn.ReflectionPad1d/2d, nn.ReplicationPad1d/2d, nn.ConstantPad1d/2d, nn.ZeroPad1d: padding int or 2×dims tuple. */
function padModule(op: string, mode: PadMode, dims: 1 | 2): OpSpec {
  const constant = op.startsWith('Constant');
  const list = (attrs: Attrs): number[] => {
    const pad = readIntList(op, attrs, 'padding');
    if (pad.length === 1) return Array(2 * dims).fill(pad[0]) as number[];
    if (pad.length !== 2 * dims) throw new OpArgumentError(`${op}: padding must be an int or a ${2 * dims}-tuple, got ${JSON.stringify(attrs.padding)}`);
    return pad;
  };
  return {
    op,
    category: 'resample',
    moduleNames: [`torch.nn.${op}`],
    signature: constant ? [{ name: 'padding' }, { name: 'value' }] : [{ name: 'padding' }],
    normalize: (attrs) => ({ ...attrs, padding: list(attrs) }),
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      requireRank(op, input, dims === 2 ? [3, 4] : [2, 3], dims === 2 ? 'C×H×W or N×C×H×W' : 'C×L or N×C×L');
      const pad = list(attrs);
      if (mode === 'reflect') {
        const spatial = input.slice(-dims);
        spatial.forEach((d, i) => {
          const [before, after] = [pad[2 * (dims - 1 - i)] as number, pad[2 * (dims - 1 - i) + 1] as number];
          if (d !== null && (before >= d || after >= d))
            throw new ShapeError(`${op}: padding (${before}, ${after}) must be smaller than the padded dimension (${d}) of input ${formatShape(input)}`,
              'bad-padding');
        });
      }
      return paddedShape(op, input, pad);
    },
    summary: (attrs) => `(${list(attrs).join(', ')})`,
    forward: (tf, attrs, inputs) => padForward(tf, inputs[0] as TfTensor, list(attrs), mode, constant ? readFloat(op, attrs, 'value') : 0),
  };
}

const PAD_MODULES = [
  padModule('ReflectionPad1d', 'reflect', 1), padModule('ReflectionPad2d', 'reflect', 2),
  padModule('ReplicationPad1d', 'replicate', 1), padModule('ReplicationPad2d', 'replicate', 2),
  padModule('ConstantPad1d', 'constant', 1), padModule('ConstantPad2d', 'constant', 2), padModule('ZeroPad1d', 'zeros', 1),
];

export const RESAMPLE_OPS: readonly OpSpec[] = [Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, ZeroPad2d, Pad,
  ...PAD_MODULES];
