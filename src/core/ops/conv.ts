// Convolution entries: Conv1d, Conv2d, ConvTranspose1d and ConvTranspose2d (shape rules, weights, MACs, labels, forward).
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { intTupleValue, readBool, readChoice, readIntTupleAtLeast, readPositiveInt, requireRank } from './args';
import { formatKernel, formatShape, numel } from './shapeText';
import { conv2dForward, convTranspose2dForward, prepareConvFilter, prepareConvTransposeFilter } from './convForward';
import type { PadMode } from './padding';
import { withBatchAxis } from './layout';

const PAD_MODES: readonly PadMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

const convSignature: ParamSpec[] = [
  { name: 'in_channels' },
  { name: 'out_channels' },
  { name: 'kernel_size' },
  { name: 'stride', default: 1 },
  { name: 'padding', default: 0 },
  { name: 'dilation', default: 1 },
  { name: 'groups', default: 1 },
  { name: 'bias', default: true },
  { name: 'padding_mode', default: 'zeros' },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

const convTransposeSignature: ParamSpec[] = [
  { name: 'in_channels' },
  { name: 'out_channels' },
  { name: 'kernel_size' },
  { name: 'stride', default: 1 },
  { name: 'padding', default: 0 },
  { name: 'output_padding', default: 0 },
  { name: 'groups', default: 1 },
  { name: 'bias', default: true },
  { name: 'dilation', default: 1 },
  { name: 'padding_mode', default: 'zeros' },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

/** Validated convolution settings (spatial tuples have `dims` entries). */
interface ConvConfig {
  inChannels: number;
  outChannels: number;
  kernel: number[];
  stride: number[];
  dilation: number[];
  groups: number;
  bias: boolean;
  /** Explicit per-axis [before, after] padding (resolved from ints, tuples, 'same' and 'valid'). */
  pads: [number, number][];
  padMode: PadMode;
  outputPadding: number[];
}

function readConvConfig(op: string, attrs: Attrs, dims: number, transposed: boolean): ConvConfig {
  const inChannels = readPositiveInt(op, attrs, 'in_channels');
  const outChannels = readPositiveInt(op, attrs, 'out_channels');
  const kernel = readIntTupleAtLeast(op, attrs, 'kernel_size', dims, 1);
  const stride = readIntTupleAtLeast(op, attrs, 'stride', dims, 1);
  const dilation = readIntTupleAtLeast(op, attrs, 'dilation', dims, 1);
  const groups = readPositiveInt(op, attrs, 'groups');
  if (inChannels % groups !== 0) throw new OpArgumentError(`${op}: in_channels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new OpArgumentError(`${op}: out_channels (${outChannels}) must be divisible by groups (${groups})`);
  const padMode = readChoice(op, attrs, 'padding_mode', PAD_MODES);
  let pads: [number, number][];
  const padding = attrs.padding;
  if (typeof padding === 'string' && !transposed) {
    const mode = readChoice(op, attrs, 'padding', ['same', 'valid'] as const);
    if (mode === 'valid') pads = kernel.map((): [number, number] => [0, 0]);
    else {
      if (stride.some((s) => s !== 1)) throw new OpArgumentError(`${op}: padding='same' is not supported for strided convolutions`);
      pads = kernel.map((k, i): [number, number] => {
        const total = (dilation[i] as number) * (k - 1);
        const before = Math.floor(total / 2);
        return [before, total - before];
      });
    }
  } else {
    const values = readIntTupleAtLeast(op, attrs, 'padding', dims, 0);
    pads = values.map((p): [number, number] => [p, p]);
  }
  const outputPadding = transposed ? readIntTupleAtLeast(op, attrs, 'output_padding', dims, 0) : kernel.map(() => 0);
  outputPadding.forEach((o, i) => {
    if (o >= (stride[i] as number) && o >= (dilation[i] as number)) {
      throw new OpArgumentError(`${op}: output_padding (${o}) must be smaller than either stride (${stride[i]}) or dilation (${dilation[i]})`);
    }
  });
  return { inChannels, outChannels, kernel, stride, dilation, groups, bias: readBool(attrs, 'bias'), pads, padMode, outputPadding };
}

function normalizeConv(op: string, dims: number, transposed: boolean) {
  return (attrs: Attrs): Attrs => {
    const c = readConvConfig(op, attrs, dims, transposed);
    const out: Attrs = {
      ...attrs,
      in_channels: c.inChannels,
      out_channels: c.outChannels,
      kernel_size: c.kernel,
      stride: c.stride,
      dilation: c.dilation,
      groups: c.groups,
      bias: c.bias,
      padding_mode: c.padMode,
    };
    if (typeof attrs.padding !== 'string') out.padding = intTupleValue(op, 'padding', attrs.padding, dims);
    if (transposed) out.output_padding = c.outputPadding;
    return out;
  };
}

function convWeights(op: string, dims: number, transposed: boolean) {
  return (attrs: Attrs): WeightSpec[] => {
    const c = readConvConfig(op, attrs, dims, transposed);
    const receptive = c.kernel.reduce((a, b) => a * b, 1);
    const shape = transposed
      ? [c.inChannels, c.outChannels / c.groups, ...c.kernel]
      : [c.outChannels, c.inChannels / c.groups, ...c.kernel];
    const fanIn = (shape[1] as number) * receptive;
    const bound = 1 / Math.sqrt(fanIn);
    const specs: WeightSpec[] = [{ name: 'weight', shape, trainable: true, init: { kind: 'uniform', bound } }];
    if (c.bias) specs.push({ name: 'bias', shape: [c.outChannels], trainable: true, init: { kind: 'uniform', bound } });
    return specs;
  };
}

/** Output length of one spatial axis (null when unknown). */
function convOutputLength(c: ConvConfig, axis: number, length: number | null, transposed: boolean): number | null {
  if (length === null) return null;
  const k = c.kernel[axis] as number;
  const s = c.stride[axis] as number;
  const d = c.dilation[axis] as number;
  const [before, after] = c.pads[axis] as [number, number];
  if (transposed) return (length - 1) * s - before - after + d * (k - 1) + (c.outputPadding[axis] as number) + 1;
  return Math.floor((length + before + after - d * (k - 1) - 1) / s) + 1;
}

const SPATIAL_LETTERS = ['L', 'H×W', 'D×H×W'];

function inferConvShape(op: string, dims: number, transposed: boolean) {
  return (attrs: Attrs, inputs: Shape[]): Shape => {
    const c = readConvConfig(op, attrs, dims, transposed);
    const input = inputs[0] as Shape;
    const spatialText = SPATIAL_LETTERS[dims - 1] as string;
    requireRank(op, input, [dims + 1, dims + 2], `C×${spatialText} or N×C×${spatialText}`);
    const channelAxis = input.length - dims - 1;
    const channels = input[channelAxis] as number | null;
    if (channels !== null && channels !== c.inChannels) {
      throw new ShapeError(
        `${op} expects ${c.inChannels} input channels but got ${channels} (input ${formatShape(input)})`,
        'channel-mismatch',
        `use nn.${op}(${channels}, ${c.outChannels}, ...) or feed a ${c.inChannels}-channel tensor`,
      );
    }
    const spatial = input.slice(channelAxis + 1);
    const outSpatial = spatial.map((len, i) => convOutputLength(c, i, len, transposed));
    if (outSpatial.some((len) => len !== null && len < 1)) {
      throw new ShapeError(
        `${op} output would be empty: input ${formatShape(input)} with kernel ${formatKernel(c.kernel)}, stride ${formatKernel(c.stride)}, ` +
          `padding ${c.pads.map(([a, b]) => (a === b ? a : `${a}/${b}`)).join('×')}, dilation ${formatKernel(c.dilation)} gives ${formatShape(outSpatial)}`,
        'empty-output',
      );
    }
    return [...input.slice(0, channelAxis), c.outChannels, ...outSpatial];
  };
}

function convMacs(op: string, dims: number, transposed: boolean) {
  return (attrs: Attrs, inputs: Shape[], output: Shape): number => {
    const c = readConvConfig(op, attrs, dims, transposed);
    const receptive = c.kernel.reduce((a, b) => a * b, 1);
    if (transposed) {
      const inputElements = numel(inputs[0] ?? [null]);
      return inputElements === null ? 0 : inputElements * (c.outChannels / c.groups) * receptive;
    }
    const outputElements = numel(output);
    return outputElements === null ? 0 : outputElements * (c.inChannels / c.groups) * receptive;
  };
}

function convSummary(op: string, dims: number, transposed: boolean) {
  return (attrs: Attrs): string => {
    const c = readConvConfig(op, attrs, dims, transposed);
    const parts = [formatKernel(c.kernel)];
    if (c.stride.some((s) => s !== 1)) parts.push(`s${c.stride.every((s) => s === c.stride[0]) ? c.stride[0] : formatKernel(c.stride)}`);
    if (c.dilation.some((d) => d !== 1)) parts.push(`d${c.dilation.every((d) => d === c.dilation[0]) ? c.dilation[0] : formatKernel(c.dilation)}`);
    parts.push(`${c.inChannels}→${c.outChannels}`);
    if (c.groups > 1) parts.push(c.groups === c.inChannels ? 'dw' : `g${c.groups}`);
    return parts.join(', ');
  };
}

function pair(values: number[]): [number, number] {
  return [values[0] as number, values[1] as number];
}

function conv2dRun(tf: Tf, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const c = readConvConfig('Conv2d', attrs, 2, false);
  const params = {
    stride: pair(c.stride),
    dilation: pair(c.dilation),
    groups: c.groups,
    pads: [c.pads[0], c.pads[1]] as [[number, number], [number, number]],
    padMode: c.padMode,
  };
  return conv2dForward(tf, x, weights.filter as TfTensor, weights.bias, params);
}

function conv1dRun(tf: Tf, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const c = readConvConfig('Conv1d', attrs, 1, false);
  return tf.tidy(() => {
    const params = {
      stride: [1, c.stride[0] as number] as [number, number],
      dilation: [1, c.dilation[0] as number] as [number, number],
      groups: c.groups,
      pads: [[0, 0], c.pads[0]] as [[number, number], [number, number]],
      padMode: c.padMode,
    };
    const y = conv2dForward(tf, tf.expandDims(x, 1), weights.filter as TfTensor, weights.bias, params);
    return tf.squeeze(y, [1]);
  });
}

function convTranspose2dRun(tf: Tf, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const c = readConvConfig('ConvTranspose2d', attrs, 2, true);
  return convTranspose2dForward(tf, x, weights.filter as TfTensor, weights.bias, {
    stride: pair(c.stride),
    padding: [c.pads[0]?.[0] as number, c.pads[1]?.[0] as number],
    outputPadding: pair(c.outputPadding),
    dilation: pair(c.dilation),
    groups: c.groups,
    kernel: pair(c.kernel),
  });
}

function convTranspose1dRun(tf: Tf, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const c = readConvConfig('ConvTranspose1d', attrs, 1, true);
  return tf.tidy(() => {
    const y = convTranspose2dForward(tf, tf.expandDims(x, 1), weights.filter as TfTensor, weights.bias, {
      stride: [1, c.stride[0] as number],
      padding: [0, c.pads[0]?.[0] as number],
      outputPadding: [0, c.outputPadding[0] as number],
      dilation: [1, c.dilation[0] as number],
      groups: c.groups,
      kernel: [1, c.kernel[0] as number],
    });
    return tf.squeeze(y, [1]);
  });
}

function batchedForward(dims: number, run: (tf: Tf, attrs: Attrs, x: TfTensor, w: Record<string, TfTensor>) => TfTensor) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor => {
    const x = inputs[0] as TfTensor;
    if (x.rank === dims + 1) return withBatchAxis(tf, x, (b) => run(tf, attrs, b, weights));
    return run(tf, attrs, x, weights);
  };
}

function withBias(weights: Record<string, TfTensor>, filter: TfTensor): Record<string, TfTensor> {
  return weights.bias ? { filter, bias: weights.bias } : { filter };
}

export const Conv1d: OpSpec = {
  op: 'Conv1d',
  category: 'conv',
  moduleNames: ['torch.nn.Conv1d'],
  signature: convSignature,
  normalize: normalizeConv('Conv1d', 1, false),
  weights: convWeights('Conv1d', 1, false),
  inferShape: inferConvShape('Conv1d', 1, false),
  macs: convMacs('Conv1d', 1, false),
  summary: convSummary('Conv1d', 1, false),
  prepareWeights: (tf, _attrs, w) =>
    withBias(w, tf.tidy(() => prepareConvFilter(tf, tf.expandDims(w.weight as TfTensor, 2)))),
  forward: batchedForward(1, conv1dRun),
};

export const Conv2d: OpSpec = {
  op: 'Conv2d',
  category: 'conv',
  moduleNames: ['torch.nn.Conv2d'],
  signature: convSignature,
  normalize: normalizeConv('Conv2d', 2, false),
  weights: convWeights('Conv2d', 2, false),
  inferShape: inferConvShape('Conv2d', 2, false),
  macs: convMacs('Conv2d', 2, false),
  summary: convSummary('Conv2d', 2, false),
  prepareWeights: (tf, _attrs, w) => withBias(w, prepareConvFilter(tf, w.weight as TfTensor)),
  forward: batchedForward(2, conv2dRun),
};

export const ConvTranspose2d: OpSpec = {
  op: 'ConvTranspose2d',
  category: 'conv',
  moduleNames: ['torch.nn.ConvTranspose2d'],
  signature: convTransposeSignature,
  normalize: normalizeConv('ConvTranspose2d', 2, true),
  weights: convWeights('ConvTranspose2d', 2, true),
  inferShape: inferConvShape('ConvTranspose2d', 2, true),
  macs: convMacs('ConvTranspose2d', 2, true),
  summary: convSummary('ConvTranspose2d', 2, true),
  prepareWeights: (tf, attrs, w) => {
    const c = readConvConfig('ConvTranspose2d', attrs, 2, true);
    return withBias(w, prepareConvTransposeFilter(tf, w.weight as TfTensor, c.groups, c.dilation));
  },
  forward: batchedForward(2, convTranspose2dRun),
};

export const ConvTranspose1d: OpSpec = {
  op: 'ConvTranspose1d',
  category: 'conv',
  moduleNames: ['torch.nn.ConvTranspose1d'],
  signature: convTransposeSignature,
  normalize: normalizeConv('ConvTranspose1d', 1, true),
  weights: convWeights('ConvTranspose1d', 1, true),
  inferShape: inferConvShape('ConvTranspose1d', 1, true),
  macs: convMacs('ConvTranspose1d', 1, true),
  summary: convSummary('ConvTranspose1d', 1, true),
  prepareWeights: (tf, attrs, w) =>
    withBias(
      w,
      tf.tidy(() => {
        const c = readConvConfig('ConvTranspose1d', attrs, 1, true);
        return prepareConvTransposeFilter(tf, tf.expandDims(w.weight as TfTensor, 2), c.groups, [1, c.dilation[0] as number]);
      }),
    ),
  forward: batchedForward(1, convTranspose1dRun),
};

/** Why the forward pass cannot run a Conv3d with these settings, or null (checked before anything runs). */
function conv3dUnsupported(attrs: Attrs): string | null {
  const c = readConvConfig('Conv3d', attrs, 3, false);
  return c.padMode === 'zeros' ? null : `Conv3d: the forward pass supports padding_mode='zeros' only, not '${c.padMode}'`;
}

/** Conv3d on N×D×H×W×C (internal layout); tf.conv3d has no groups: each group is convolved apart, then concatenated. */
function conv3dRun(tf: Tf, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const c = readConvConfig('Conv3d', attrs, 3, false);
  const unsupported = conv3dUnsupported(attrs);
  if (unsupported) throw new OpArgumentError(unsupported);
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], ...c.pads, [0, 0]] as [number, number][]);
    const dilated = c.dilation.some((d) => d > 1);
    // tf.conv3d takes strides or dilations, not both: with dilation, convolve densely and subsample.
    const conv = (input: TfTensor, filter: TfTensor): TfTensor => tf.conv3d(input as never, filter as never,
      (dilated ? [1, 1, 1] : c.stride) as [number, number, number], 'valid', 'NDHWC', c.dilation as [number, number, number]) as TfTensor;
    const filter = weights.filter as TfTensor;
    let y = c.groups === 1 ? conv(padded, filter) : tf.concat(tf.split(padded, c.groups, 4).map((part, g) =>
      conv(part, tf.slice(filter, [0, 0, 0, 0, g * (filter.shape[4] as number) / c.groups], [-1, -1, -1, -1, (filter.shape[4] as number) / c.groups]))), 4);
    if (dilated && c.stride.some((st) => st > 1)) y = tf.stridedSlice(y, [0, 0, 0, 0, 0], y.shape as number[], [1, ...c.stride, 1]);
    return weights.bias ? tf.add(y, weights.bias) : y;
  });
}

export const Conv3d: OpSpec = {
  op: 'Conv3d',
  category: 'conv',
  moduleNames: ['torch.nn.Conv3d'],
  signature: convSignature,
  normalize: normalizeConv('Conv3d', 3, false),
  weights: convWeights('Conv3d', 3, false),
  inferShape: inferConvShape('Conv3d', 3, false),
  macs: convMacs('Conv3d', 3, false),
  summary: convSummary('Conv3d', 3, false),
  // PyTorch out×in×kD×kH×kW → TensorFlow kD×kH×kW×in×out.
  prepareWeights: (tf, _attrs, w) => withBias(w, tf.transpose(w.weight as TfTensor, [2, 3, 4, 1, 0])),
  forwardUnsupported: conv3dUnsupported,
  forward: batchedForward(3, conv3dRun),
};

export const CONV_OPS: readonly OpSpec[] = [Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, Conv3d];

