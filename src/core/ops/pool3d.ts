// 3-D pooling entries (MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d): PyTorch's output sizes (ceil_mode,
// padding), AvgPool's divisor rule (count_include_pad, divisor_override), forward in channels-last NDHWC.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { intTupleValue, readBool, requireRank } from './args';
import { formatShape } from './shapeText';
import { withBatchAxis } from './layout';
import { adaptiveBounds, avgPoolDivisors, extraRightPadding, poolOutputLength, type PoolAxis } from './poolShape';

const F = 'torch.nn.functional.';

function axes(op: string, attrs: Attrs, dilated: boolean): PoolAxis[] {
  const kernel = intTupleValue(op, 'kernel_size', attrs.kernel_size, 3);
  const strideValue = attrs.stride;
  const stride = strideValue === null || strideValue === undefined || (Array.isArray(strideValue) && strideValue.length === 0)
    ? kernel : intTupleValue(op, 'stride', strideValue, 3);
  const padding = intTupleValue(op, 'padding', attrs.padding ?? 0, 3);
  const dilation = dilated ? intTupleValue(op, 'dilation', attrs.dilation ?? 1, 3) : [1, 1, 1];
  return kernel.map((k, i) => {
    const a = { kernel: k, stride: stride[i] as number, padding: padding[i] as number, dilation: dilation[i] as number };
    if (a.kernel < 1 || a.stride < 1 || a.dilation < 1 || a.padding < 0) throw new OpArgumentError(`${op}: kernel, stride and dilation must be positive`);
    if (a.padding * 2 > a.kernel) throw new OpArgumentError(`${op}: pad should be at most half of effective kernel size, but got pad=${a.padding} and kernel_size=${a.kernel}`);
    return a;
  });
}

function windowShape(op: string, dilated: boolean) {
  return (attrs: Attrs, inputs: Shape[]): Shape => {
    const input = inputs[0] as Shape;
    requireRank(op, input, [4, 5], 'C×D×H×W or N×C×D×H×W');
    const spatial = input.slice(-3);
    const ceil = readBool(attrs, 'ceil_mode');
    const out = axes(op, attrs, dilated).map((a, i) => (spatial[i] === null ? null : poolOutputLength(spatial[i] as number, a, ceil)));
    if (out.some((d) => d !== null && d < 1)) throw new ShapeError(`${op}: output size is too small for input ${formatShape(input)}`, 'empty-output');
    return [...input.slice(0, -3), ...out];
  };
}

function batched(run: (tf: Tf, attrs: Attrs, x: TfTensor) => TfTensor) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor => {
    const x = inputs[0] as TfTensor;
    return tf.tidy(() => (x.rank === 4 ? withBatchAxis(tf, x, (b) => run(tf, attrs, b)) : run(tf, attrs, x)));
  };
}

/** Pads D, H, W of an NDHWC tensor (PyTorch padding both sides, plus ceil_mode's extra cells at the end). */
function padWindows(tf: Tf, x: TfTensor, a: PoolAxis[], ceil: boolean, value: number): TfTensor {
  const pads = a.map((axis, i) => {
    const length = x.shape[i + 1] as number;
    const out = poolOutputLength(length, axis, ceil);
    return [axis.padding, axis.padding + extraRightPadding(length, axis, out)] as [number, number];
  });
  return pads.every(([l, r]) => l === 0 && r === 0) ? x : tf.pad(x, [[0, 0], ...pads, [0, 0]], value);
}

function maxRun(tf: Tf, attrs: Attrs, x: TfTensor): TfTensor {
  const a = axes('MaxPool3d', attrs, true);
  if (a.some((axis) => axis.dilation !== 1)) throw new OpArgumentError('MaxPool3d: the forward pass supports dilation=1 only');
  const padded = padWindows(tf, x, a, readBool(attrs, 'ceil_mode'), -Infinity);
  return tf.maxPool3d(padded as never, a.map((axis) => axis.kernel) as [number, number, number], a.map((axis) => axis.stride) as [number, number, number],
    'valid') as TfTensor;
}

function avgRun(tf: Tf, attrs: Attrs, x: TfTensor): TfTensor {
  const a = axes('AvgPool3d', attrs, false);
  const ceil = readBool(attrs, 'ceil_mode');
  const spatial = x.shape.slice(1, 4) as number[];
  const padded = padWindows(tf, x, a, ceil, 0);
  const volume = a.reduce((p, axis) => p * axis.kernel, 1);
  const sums = tf.mul(tf.avgPool3d(padded as never, a.map((axis) => axis.kernel) as [number, number, number],
    a.map((axis) => axis.stride) as [number, number, number], 'valid') as TfTensor, volume);
  const override = attrs.divisor_override;
  if (typeof override === 'number' && override > 0) return tf.div(sums, override);
  const include = attrs.count_include_pad !== false;
  const outs = a.map((axis, i) => poolOutputLength(spatial[i] as number, axis, ceil));
  const [dd, dh, dw] = a.map((axis, i) => avgPoolDivisors(spatial[i] as number, axis, outs[i] as number, include)) as [number[], number[], number[]];
  const divisors = new Float32Array(dd.length * dh.length * dw.length);
  let index = 0;
  for (const d of dd) for (const h of dh) for (const w of dw) divisors[index++] = d * h * w;
  return tf.div(sums, tf.tensor(divisors, [1, dd.length, dh.length, dw.length, 1]));
}

function adaptiveSize(op: string, attrs: Attrs, input: Shape): (number | null)[] {
  const value = attrs.output_size;
  const list = Array.isArray(value) ? value : [value, value, value];
  if (list.length !== 3) throw new OpArgumentError(`${op}: output_size must be an int or a 3-tuple, got ${JSON.stringify(value)}`);
  return list.map((d, i) => {
    if (d === null) return input[input.length - 3 + i] as number | null;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new OpArgumentError(`${op}: output_size must be positive ints, got ${JSON.stringify(value)}`);
    return d;
  });
}

function adaptiveRun(op: string, max: boolean) {
  return (tf: Tf, attrs: Attrs, x: TfTensor): TfTensor => {
    const [d, h, w] = x.shape.slice(1, 4) as [number, number, number];
    const [od, oh, ow] = adaptiveSize(op, attrs, [null, null, d, h, w]) as [number, number, number];
    const reduce = (t: TfTensor): TfTensor => (max ? tf.max(t, [1, 2, 3], true) : tf.mean(t, [1, 2, 3], true));
    if (od === 1 && oh === 1 && ow === 1) return reduce(x);
    const planes: TfTensor[] = [];
    for (let i = 0; i < od; i++) {
      const rows: TfTensor[] = [];
      const [d0, d1] = adaptiveBounds(i, d, od);
      for (let j = 0; j < oh; j++) {
        const cells: TfTensor[] = [];
        const [h0, h1] = adaptiveBounds(j, h, oh);
        for (let k = 0; k < ow; k++) {
          const [w0, w1] = adaptiveBounds(k, w, ow);
          cells.push(reduce(tf.slice(x, [0, d0, h0, w0, 0], [-1, d1 - d0, h1 - h0, w1 - w0, -1])));
        }
        rows.push(tf.concat(cells, 3));
      }
      planes.push(tf.concat(rows, 2));
    }
    return tf.concat(planes, 1);
  };
}

function adaptiveEntry(op: 'AdaptiveAvgPool3d' | 'AdaptiveMaxPool3d', functional: string): OpSpec {
  return {
    op,
    category: 'pool',
    moduleNames: [`torch.nn.${op}`],
    signature: op === 'AdaptiveMaxPool3d' ? [{ name: 'output_size' }, { name: 'return_indices', default: false }] : [{ name: 'output_size' }],
    functionalNames: [`${F}${functional}`],
    normalize: (attrs) => {
      adaptiveSize(op, attrs, [null, null, null, null, null]);
      return attrs;
    },
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      requireRank(op, input, [4, 5], 'C×D×H×W or N×C×D×H×W');
      return [...input.slice(0, -3), ...adaptiveSize(op, attrs, input)];
    },
    summary: (attrs) => `→${JSON.stringify(attrs.output_size)}`,
    forward: batched(adaptiveRun(op, op === 'AdaptiveMaxPool3d')),
  };
}

const summary = (attrs: Attrs): string => `${JSON.stringify(attrs.kernel_size)}${attrs.stride !== null && attrs.stride !== undefined ? `, s${JSON.stringify(attrs.stride)}` : ''}`;

export const MaxPool3d: OpSpec = {
  op: 'MaxPool3d',
  category: 'pool',
  moduleNames: ['torch.nn.MaxPool3d'],
  signature: [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }, { name: 'dilation', default: 1 },
    { name: 'return_indices', default: false }, { name: 'ceil_mode', default: false }],
  functionalNames: [`${F}max_pool3d`],
  functionalSignature: [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }, { name: 'dilation', default: 1 },
    { name: 'ceil_mode', default: false }, { name: 'return_indices', default: false }],
  normalize: (attrs) => {
    axes('MaxPool3d', attrs, true);
    return attrs;
  },
  inferShape: windowShape('MaxPool3d', true),
  forwardUnsupported: (attrs) => (axes('MaxPool3d', attrs, true).some((a) => a.dilation !== 1) ? 'the forward pass supports dilation=1 only' : null),
  summary,
  forward: batched(maxRun),
};

export const AvgPool3d: OpSpec = {
  op: 'AvgPool3d',
  category: 'pool',
  moduleNames: ['torch.nn.AvgPool3d'],
  signature: [{ name: 'kernel_size' }, { name: 'stride', default: null }, { name: 'padding', default: 0 }, { name: 'ceil_mode', default: false },
    { name: 'count_include_pad', default: true }, { name: 'divisor_override', default: null }],
  functionalNames: [`${F}avg_pool3d`],
  normalize: (attrs) => {
    axes('AvgPool3d', attrs, false);
    return attrs;
  },
  inferShape: windowShape('AvgPool3d', false),
  summary,
  forward: batched(avgRun),
};

export const POOL3D_OPS: readonly OpSpec[] = [MaxPool3d, AvgPool3d, adaptiveEntry('AdaptiveAvgPool3d', 'adaptive_avg_pool3d'),
  adaptiveEntry('AdaptiveMaxPool3d', 'adaptive_max_pool3d')];
