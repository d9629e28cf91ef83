// Pooling entries: MaxPool2d, AvgPool2d (padding, ceil_mode, count_include_pad), AdaptiveAvgPool2d, AdaptiveMaxPool2d.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { intTupleValue, readBool, readIntTupleAtLeast, requireRank } from './args';
import { formatKernel, formatShape } from './shapeText';
import { withBatchAxis } from './layout';
import { padSpatial } from './padding';
import { adaptiveBounds, avgPoolDivisors, extraRightPadding, poolOutputLength, type PoolAxis } from './poolShape';

const F = 'torch.nn.functional.';
/** The most negative float32: used as max-pool padding (−Infinity misbehaves on some backends). */
const LOWEST_FLOAT32 = -3.4028234663852886e38;

interface PoolConfig {
  axes: [PoolAxis, PoolAxis];
  ceilMode: boolean;
}

function readPoolConfig(op: string, attrs: Attrs, isMax: boolean): PoolConfig {
  const kernel = readIntTupleAtLeast(op, attrs, 'kernel_size', 2, 1);
  const strideValue = attrs.stride;
  const stride =
    strideValue === null || strideValue === undefined || (Array.isArray(strideValue) && strideValue.length === 0)
      ? kernel
      : readIntTupleAtLeast(op, attrs, 'stride', 2, 1);
  const padding = readIntTupleAtLeast(op, attrs, 'padding', 2, 0);
  const dilation = isMax ? readIntTupleAtLeast(op, attrs, 'dilation', 2, 1) : [1, 1];
  const axes = [0, 1].map((i) => ({
    kernel: kernel[i] as number,
    stride: stride[i] as number,
    padding: padding[i] as number,
    dilation: dilation[i] as number,
  })) as [PoolAxis, PoolAxis];
  // PyTorch checks kernel/2 >= padding with the undilated kernel, for max and average pooling alike.
  for (const a of axes) {
    if (a.padding > Math.floor(a.kernel / 2)) {
      throw new OpArgumentError(`${op}: padding (${a.padding}) should be at most half of the kernel size (${a.kernel})`);
    }
  }
  const divisor = attrs.divisor_override;
  if (!isMax && divisor !== null && divisor !== undefined && !(typeof divisor === 'number' && Number.isInteger(divisor) && divisor !== 0)) {
    throw new OpArgumentError(`${op}: divisor_override must be a non-zero integer or None, got ${JSON.stringify(divisor)}`);
  }
  if (readBool(attrs, 'return_indices')) throw new OpArgumentError(`${op}: return_indices=True is not supported (it returns a tuple)`);
  return { axes, ceilMode: readBool(attrs, 'ceil_mode') };
}

function normalizePool(op: string, isMax: boolean) {
  return (attrs: Attrs): Attrs => {
    const c = readPoolConfig(op, attrs, isMax);
    const out: Attrs = {
      ...attrs,
      kernel_size: c.axes.map((a) => a.kernel),
      stride: c.axes.map((a) => a.stride),
      padding: c.axes.map((a) => a.padding),
      ceil_mode: c.ceilMode,
    };
    if (isMax) out.dilation = c.axes.map((a) => a.dilation);
    return out;
  };
}

function inferPoolShape(op: string, isMax: boolean) {
  return (attrs: Attrs, inputs: Shape[]): Shape => {
    const c = readPoolConfig(op, attrs, isMax);
    const input = inputs[0] as Shape;
    requireRank(op, input, [3, 4], 'C×H×W or N×C×H×W');
    const lead = input.slice(0, -2);
    const spatial = input.slice(-2);
    const out = spatial.map((len, i) => (len === null ? null : poolOutputLength(len, c.axes[i] as PoolAxis, c.ceilMode)));
    if (out.some((len) => len !== null && len < 1)) {
      throw new ShapeError(
        `${op} output would be empty: input ${formatShape(input)} with kernel ${formatKernel(c.axes.map((a) => a.kernel))}, ` +
          `stride ${formatKernel(c.axes.map((a) => a.stride))}, padding ${formatKernel(c.axes.map((a) => a.padding))} gives ${formatShape(out)}`,
        'empty-output',
      );
    }
    return [...lead, ...out];
  };
}

function poolSummary(op: string, isMax: boolean) {
  return (attrs: Attrs): string => {
    const c = readPoolConfig(op, attrs, isMax);
    const parts = [formatKernel(c.axes.map((a) => a.kernel))];
    const strides = c.axes.map((a) => a.stride);
    if (strides.some((s) => s !== 1)) parts.push(`s${strides[0] === strides[1] ? strides[0] : formatKernel(strides)}`);
    return parts.join(', ');
  };
}

/** Output size and the padding (before, after) that makes 'valid' pooling produce exactly PyTorch's output. */
function poolGeometry(x: TfTensor, c: PoolConfig): { out: [number, number]; pads: [[number, number], [number, number]] } {
  const lengths = [x.shape[1] as number, x.shape[2] as number];
  const out = lengths.map((len, i) => poolOutputLength(len, c.axes[i] as PoolAxis, c.ceilMode)) as [number, number];
  const pads = lengths.map((len, i) => {
    const a = c.axes[i] as PoolAxis;
    return [a.padding, a.padding + extraRightPadding(len, a, out[i] as number)];
  }) as [[number, number], [number, number]];
  return { out, pads };
}

function cropTo(tf: Tf, y: TfTensor, out: [number, number]): TfTensor {
  if (y.shape[1] === out[0] && y.shape[2] === out[1]) return y;
  return tf.slice(y, [0, 0, 0, 0], [y.shape[0] as number, out[0], out[1], y.shape[3] as number]);
}

function maxPoolRun(tf: Tf, attrs: Attrs, x: TfTensor): TfTensor {
  const c = readPoolConfig('MaxPool2d', attrs, true);
  return tf.tidy(() => {
    const { out, pads } = poolGeometry(x, c);
    const window: [number, number] = [c.axes[0].kernel, c.axes[1].kernel];
    const strides: [number, number] = [c.axes[0].stride, c.axes[1].stride];
    const dilations: [number, number] = [c.axes[0].dilation, c.axes[1].dilation];
    const undilated = dilations[0] === 1 && dilations[1] === 1;
    const uniform = pads.flat().every((p) => p === pads[0][0]);
    // Common case (ResNet's 3×3 s2 p1): tfjs skips out-of-range positions itself, as max pooling over -∞ padding would.
    if (undilated && uniform) return cropTo(tf, tf.maxPool(x as never, window, strides, pads[0][0]), out);
    const padded = padSpatial(tf, x, pads, 'constant', LOWEST_FLOAT32) as never;
    let y: TfTensor;
    if (undilated) y = tf.maxPool(padded, window, strides, 'valid');
    else {
      const dense: TfTensor = tf.pool(padded, window, 'max', 'valid', dilations, 1);
      const [n, h, w, ch] = dense.shape as number[];
      y = tf.stridedSlice(dense, [0, 0, 0, 0], [n as number, h as number, w as number, ch as number], [1, strides[0], strides[1], 1]);
    }
    return cropTo(tf, y, out);
  });
}

function avgPoolRun(tf: Tf, attrs: Attrs, x: TfTensor): TfTensor {
  const c = readPoolConfig('AvgPool2d', attrs, false);
  const includePad = attrs.count_include_pad === undefined ? true : readBool(attrs, 'count_include_pad');
  const override = attrs.divisor_override;
  return tf.tidy(() => {
    const { out, pads } = poolGeometry(x, c);
    const padded = padSpatial(tf, x, pads) as never;
    const window: [number, number] = [c.axes[0].kernel, c.axes[1].kernel];
    const strides: [number, number] = [c.axes[0].stride, c.axes[1].stride];
    const windowArea = window[0] * window[1];
    const mean = cropTo(tf, tf.avgPool(padded, window, strides, 'valid'), out);
    const rows = avgPoolDivisors(x.shape[1] as number, c.axes[0], out[0], includePad);
    const cols = avgPoolDivisors(x.shape[2] as number, c.axes[1], out[1], includePad);
    const divisors = rows.flatMap((r) => cols.map((col) => (typeof override === 'number' && override > 0 ? override : r * col)));
    if (divisors.every((d) => d === windowArea)) return mean;
    const scale = tf.tensor3d(divisors.map((d) => windowArea / d), [out[0], out[1], 1]);
    return tf.mul(mean, scale);
  });
}

function poolForward(run: (tf: Tf, attrs: Attrs, x: TfTensor) => TfTensor) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor => {
    const x = inputs[0] as TfTensor;
    return x.rank === 3 ? withBatchAxis(tf, x, (b) => run(tf, attrs, b)) : run(tf, attrs, x);
  };
}

export const MaxPool2d: OpSpec = {
  op: 'MaxPool2d',
  category: 'pool',
  moduleNames: ['torch.nn.MaxPool2d'],
  signature: [
    { name: 'kernel_size' },
    { name: 'stride', default: null },
    { name: 'padding', default: 0 },
    { name: 'dilation', default: 1 },
    { name: 'return_indices', default: false },
    { name: 'ceil_mode', default: false },
  ],
  functionalNames: [`${F}max_pool2d`],
  functionalSignature: [
    { name: 'kernel_size' },
    { name: 'stride', default: null },
    { name: 'padding', default: 0 },
    { name: 'dilation', default: 1 },
    { name: 'ceil_mode', default: false },
    { name: 'return_indices', default: false },
  ],
  normalize: normalizePool('MaxPool2d', true),
  inferShape: inferPoolShape('MaxPool2d', true),
  summary: poolSummary('MaxPool2d', true),
  forward: poolForward(maxPoolRun),
};

export const AvgPool2d: OpSpec = {
  op: 'AvgPool2d',
  category: 'pool',
  moduleNames: ['torch.nn.AvgPool2d'],
  signature: [
    { name: 'kernel_size' },
    { name: 'stride', default: null },
    { name: 'padding', default: 0 },
    { name: 'ceil_mode', default: false },
    { name: 'count_include_pad', default: true },
    { name: 'divisor_override', default: null },
  ],
  functionalNames: [`${F}avg_pool2d`],
  normalize: normalizePool('AvgPool2d', false),
  inferShape: inferPoolShape('AvgPool2d', false),
  summary: poolSummary('AvgPool2d', false),
  forward: poolForward(avgPoolRun),
};

/** Adaptive output size: an int, or a pair whose None entries keep the input size. */
function readAdaptiveSize(op: string, value: AttrValue | undefined): (number | null)[] {
  if (Array.isArray(value)) {
    if (value.length !== 2 || !value.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 1))) {
      throw new OpArgumentError(`${op}: output_size must be an int or a pair of ints/None, got ${JSON.stringify(value)}`);
    }
    return value as (number | null)[];
  }
  const size = intTupleValue(op, 'output_size', value, 2);
  if (size.some((s) => s < 1)) throw new OpArgumentError(`${op}: output_size must be positive, got ${JSON.stringify(value)}`);
  return size;
}

/** Adaptive pooling along one internal axis: per-cell slices reduced and concatenated (separable for mean and max). */
function adaptiveAxis(tf: Tf, x: TfTensor, axis: number, out: number, isMax: boolean): TfTensor {
  const length = x.shape[axis] as number;
  if (out === length) return x;
  const reduce = (t: TfTensor): TfTensor => (isMax ? tf.max(t, axis, true) : tf.mean(t, axis, true));
  if (out === 1) return reduce(x);
  const cells: TfTensor[] = [];
  for (let i = 0; i < out; i++) {
    const [start, end] = adaptiveBounds(i, length, out);
    const begin = x.shape.map(() => 0);
    const size = x.shape.slice() as number[];
    begin[axis] = start;
    size[axis] = end - start;
    cells.push(reduce(tf.slice(x, begin, size)));
  }
  return tf.concat(cells, axis);
}

function makeAdaptive(op: string, isMax: boolean, functional: string): OpSpec {
  return {
    op,
    category: 'pool',
    moduleNames: [`torch.nn.${op}`],
    signature: isMax ? [{ name: 'output_size' }, { name: 'return_indices', default: false }] : [{ name: 'output_size' }],
    functionalNames: [`${F}${functional}`],
    normalize: (attrs) => {
      if (readBool(attrs, 'return_indices')) throw new OpArgumentError(`${op}: return_indices=True is not supported (it returns a tuple)`);
      return { ...attrs, output_size: readAdaptiveSize(op, attrs.output_size) };
    },
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      requireRank(op, input, [3, 4], 'C×H×W or N×C×H×W');
      const size = readAdaptiveSize(op, attrs.output_size);
      const spatial = input.slice(-2);
      return [...input.slice(0, -2), ...size.map((s, i) => (s === null ? (spatial[i] as number | null) : s))];
    },
    summary: (attrs) => `(${readAdaptiveSize(op, attrs.output_size).map((s) => (s === null ? 'None' : s)).join(', ')})`,
    forward: poolForward((tf, attrs, x) => {
      const size = readAdaptiveSize(op, attrs.output_size);
      return tf.tidy(() => {
        if (size[0] === 1 && size[1] === 1) return isMax ? tf.max(x, [1, 2], true) : tf.mean(x, [1, 2], true);
        const rows = adaptiveAxis(tf, x, 1, size[0] ?? (x.shape[1] as number), isMax);
        return adaptiveAxis(tf, rows, 2, size[1] ?? (x.shape[2] as number), isMax);
      });
    }),
  };
}

export const AdaptiveAvgPool2d = makeAdaptive('AdaptiveAvgPool2d', false, 'adaptive_avg_pool2d');
export const AdaptiveMaxPool2d = makeAdaptive('AdaptiveMaxPool2d', true, 'adaptive_max_pool2d');

export const POOL_OPS: readonly OpSpec[] = [MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d];
