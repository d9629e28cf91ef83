// Keras convolutions of other ranks and transposed: Conv1D (causal padding too), Conv3D, Conv1DTranspose, Conv2DTranspose,
// Conv3DTranspose (channels-last shapes, Keras weights; forward for Conv1D, Conv3D and Conv2DTranspose).
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import { convValid2d } from './convForward';
import { samePads } from './kerasConv';
import {
  ACTIVATION_PARAM, ZEROS, applyActivation, builtInputDim, checkBuiltDim, elementsPerBatch, glorotUniform, readActivation, requireChannelsLast,
} from './kerasArgs';

type Padding = 'same' | 'valid' | 'causal';

/** An int or a tuple of `rank` ints, each at least 1 (`kernel_size=3` → [3, 3, 3] for Conv3D). */
function readTuple(op: string, value: AttrValue | undefined, name: string, rank: number, min = 1): number[] {
  const list = typeof value === 'number' ? Array(rank).fill(value) : Array.isArray(value) && value.length === 1 ? Array(rank).fill(value[0]) : value;
  if (!Array.isArray(list) || list.length !== rank || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    throw new OpArgumentError(`${op}: ${name} must be an integer or a tuple of ${rank} integers (at least ${min}), got ${JSON.stringify(value ?? null)}`);
  }
  return list as number[];
}

function readConvPadding(op: string, attrs: Attrs, allowCausal: boolean): Padding {
  const value = typeof attrs.padding === 'string' ? attrs.padding.toLowerCase() : attrs.padding;
  if (value === 'same' || value === 'valid' || (allowCausal && value === 'causal')) return value;
  const allowed = allowCausal ? '"same", "valid" or "causal"' : '"same" or "valid"';
  throw new OpArgumentError(`${op}: padding must be ${allowed}, got ${JSON.stringify(attrs.padding)}`);
}

const signature = (transposed: boolean): ParamSpec[] => [
  { name: 'filters' },
  { name: 'kernel_size' },
  { name: 'strides', default: 1 },
  { name: 'padding', default: 'valid' },
  ...(transposed ? [{ name: 'output_padding', default: null }] : []),
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: 1 },
  ...(transposed ? [] : [{ name: 'groups', default: 1 }]),
  ACTIVATION_PARAM,
  { name: 'use_bias', default: true },
];

/** Output length of a transposed convolution axis, as Keras computes it (`deconv_output_length`). */
export function deconvLength(length: number | null, kernel: number, stride: number, dilation: number, padding: 'same' | 'valid',
  outputPadding: number | null): number | null {
  if (length === null) return null;
  const k = (kernel - 1) * dilation + 1;
  if (outputPadding === null) return padding === 'valid' ? length * stride + Math.max(k - stride, 0) : length * stride;
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (length - 1) * stride + k - 2 * pad + outputPadding;
}

function convLength(length: number | null, kernel: number, stride: number, dilation: number, padding: Padding): number | null {
  if (length === null) return null;
  if (padding !== 'valid') return Math.ceil(length / stride);
  return Math.floor((length - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

function makeConv(op: string, names: string[], rank: 1 | 2 | 3, transposed: boolean): OpSpec {
  const what = ['', 'a 3-D input (batch, steps, channels)', 'a 4-D input (batch, height, width, channels)',
    'a 5-D input (batch, depth, height, width, channels)'][rank];
  return {
    op,
    category: 'conv',
    moduleNames: names,
    signature: signature(transposed),
    normalize(attrs: Attrs): Attrs {
      requireChannelsLast(op, attrs);
      readActivation(op, attrs);
      const out: Attrs = {
        ...attrs,
        filters: readPositiveInt(op, attrs, 'filters'),
        kernel_size: readTuple(op, attrs.kernel_size, 'kernel_size', rank),
        strides: readTuple(op, attrs.strides, 'strides', rank),
        dilation_rate: readTuple(op, attrs.dilation_rate, 'dilation_rate', rank),
        padding: readConvPadding(op, attrs, rank === 1 && !transposed),
        use_bias: readBool(attrs, 'use_bias'),
      };
      if (transposed) out.output_padding = attrs.output_padding === null ? null : readTuple(op, attrs.output_padding, 'output_padding', rank, 0);
      else out.groups = readPositiveInt(op, attrs, 'groups');
      return out;
    },
    weights(attrs: Attrs): WeightSpec[] {
      const cin = builtInputDim(attrs);
      if (cin === null) return [];
      const k = attrs.kernel_size as number[];
      const filters = attrs.filters as number;
      const window = k.reduce((a, b) => a * b, 1);
      const groups = transposed ? 1 : (attrs.groups as number);
      const shape = transposed ? [...k, filters, cin] : [...k, cin / groups, filters];
      const out: WeightSpec[] = [{ name: 'kernel', shape, trainable: true, init: glorotUniform(window * (transposed ? filters : cin / groups),
        window * (transposed ? cin : filters)) }];
      if (attrs.use_bias) out.push({ name: 'bias', shape: [filters], trainable: true, init: ZEROS });
      return out;
    },
    inferShape(attrs: Attrs, inputs: Shape[]): Shape {
      const input = inputs[0] as Shape;
      if (input.length !== rank + 2) throw new ShapeError(`${op} expects ${what} but got ${formatShape(input)} (rank ${input.length})`, 'rank-mismatch');
      checkBuiltDim(op, attrs, input, 'channels');
      const channels = input[rank + 1] as number | null;
      const filters = attrs.filters as number;
      const groups = transposed ? 1 : (attrs.groups as number);
      if (channels !== null && (channels % groups !== 0 || filters % groups !== 0)) {
        throw new ShapeError(`${op}: groups=${groups} must divide both the ${channels} input channels of ${formatShape(input)} and filters=${filters}`,
          'channel-mismatch');
      }
      const k = attrs.kernel_size as number[];
      const s = attrs.strides as number[];
      const d = attrs.dilation_rate as number[];
      const padding = attrs.padding as Padding;
      const outputPadding = attrs.output_padding as number[] | null | undefined;
      const spatial = input.slice(1, rank + 1).map((len, i) => (transposed
        ? deconvLength(len as number | null, k[i]!, s[i]!, d[i]!, padding as 'same' | 'valid', outputPadding ? outputPadding[i]! : null)
        : convLength(len as number | null, k[i]!, s[i]!, d[i]!, padding)));
      if (spatial.some((v) => v !== null && v < 1)) {
        throw new ShapeError(`${op}: a ${k.map((x, i) => (x - 1) * d[i]! + 1).join('×')} window with padding="valid" does not fit ${formatShape(input)} (channels-last)`,
          'input-too-small');
      }
      return [input[0] as number | null, ...spatial, filters];
    },
    macs(attrs: Attrs, inputs: Shape[], output: Shape): number {
      const input = inputs[0] as Shape;
      const cin = (input[rank + 1] as number | null) ?? builtInputDim(attrs) ?? 0;
      const window = (attrs.kernel_size as number[]).reduce((a, b) => a * b, 1);
      if (transposed) return elementsPerBatch(input) * window * (attrs.filters as number);
      return elementsPerBatch(output) * window * (cin / (attrs.groups as number));
    },
    summary(attrs: Attrs): string {
      const k = attrs.kernel_size as number[];
      const s = attrs.strides as number[];
      const stride = s.every((x) => x === 1) ? '' : `, s${s.every((x) => x === s[0]) ? s[0] : s.join('×')}`;
      const pad = attrs.padding !== 'valid' ? `, ${attrs.padding}` : '';
      return `${k.join('×')}${stride}${pad}, ${builtInputDim(attrs) ?? '?'}→${attrs.filters}${transposed ? ', transposed' : ''}`;
    },
    forward: transposed ? [conv1dTransposeForward, conv2dTransposeForward, conv3dTransposeForward][rank - 1]
      : rank === 1 ? conv1dForward : conv3dForward,
  };
}

/** Conv1D as a 2-D convolution over (1, steps): causal pads (k-1)·d steps before, "same" pads as TensorFlow does. */
function conv1dForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
  const x = inputs[0] as TfTensor;
  const [k] = attrs.kernel_size as number[];
  const [s] = attrs.strides as number[];
  const [d] = attrs.dilation_rate as number[];
  const [n, len, c] = x.shape as number[];
  const pads: [number, number] = attrs.padding === 'causal' ? [(k! - 1) * d!, 0] : attrs.padding === 'same' ? samePads(len!, k!, s!, d!) : [0, 0];
  const padded = pads[0] + pads[1] ? tf.pad(x, [[0, 0], pads, [0, 0]]) : x;
  const image = tf.reshape(padded, [n!, 1, len! + pads[0] + pads[1], c!]);
  const kernel = weights.kernel as TfTensor;
  const filter = tf.reshape(kernel, [1, ...(kernel.shape as number[])]);
  const y = convValid2d(tf, image, filter, [1, s!], [1, d!], attrs.groups as number, 0, weights.bias);
  return applyActivation(tf, readActivation('Conv1D', attrs), tf.squeeze(y, [1]));
}

function conv3dForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
  if ((attrs.groups as number) !== 1) throw new OpArgumentError('Conv3D: groups > 1 is not supported by the forward pass');
  const s = attrs.strides as [number, number, number];
  const d = attrs.dilation_rate as [number, number, number];
  const x = inputs[0] as Parameters<Tf['conv3d']>[0];
  let y = tf.conv3d(x, weights.kernel as Parameters<Tf['conv3d']>[1], s, attrs.padding as 'same' | 'valid', 'NDHWC', d) as TfTensor;
  if (weights.bias) y = tf.add(y, weights.bias);
  return applyActivation(tf, readActivation('Conv3D', attrs), y);
}

function conv2dTransposeForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>, shapes: Shape[]): TfTensor {
  const d = attrs.dilation_rate as number[];
  if (d.some((v) => v !== 1)) throw new OpArgumentError('Conv2DTranspose: dilation_rate > 1 is not supported by the forward pass');
  const x = inputs[0] as TfTensor;
  const [n, h, w] = x.shape as number[];
  const k = attrs.kernel_size as number[];
  const s = attrs.strides as [number, number];
  const op = attrs.output_padding as number[] | null;
  const padding = attrs.padding as 'same' | 'valid';
  const outH = deconvLength(h!, k[0]!, s[0], 1, padding, op ? op[0]! : null)!;
  const outW = deconvLength(w!, k[1]!, s[1], 1, padding, op ? op[1]! : null)!;
  void shapes;
  // The full ("valid") transposed convolution, then cropped to Keras's output size as TensorFlow's SAME padding crops
  // (half the excess before, the rest after); a larger output (stride above the kernel) is zero-padded at the end.
  const full: TfTensor = tf.conv2dTranspose(x as Parameters<Tf['conv2dTranspose']>[0], weights.kernel as Parameters<Tf['conv2dTranspose']>[1], [n!, (h! - 1) * s[0] + k[0]!, (w! - 1) * s[1] + k[1]!, attrs.filters as number], s,
    'valid');
  const excess = (fullLen: number, out: number): number => (padding === 'same' ? Math.floor(Math.max(fullLen - out, 0) / 2) : 0);
  const top = excess((h! - 1) * s[0] + k[0]!, outH);
  const left = excess((w! - 1) * s[1] + k[1]!, outW);
  const fullShape = full.shape as number[];
  const cropH = Math.min(outH, fullShape[1]! - top);
  const cropW = Math.min(outW, fullShape[2]! - left);
  let y = tf.slice(full, [0, top, left, 0], [n!, cropH, cropW, attrs.filters as number]);
  if (cropH < outH || cropW < outW) y = tf.pad(y, [[0, 0], [0, outH - cropH], [0, outW - cropW], [0, 0]]);
  if (weights.bias) y = tf.add(y, weights.bias);
  return applyActivation(tf, readActivation('Conv2DTranspose', attrs), y);
}

/** Conv1DTranspose as the 2-D one over (1, steps). */
function conv1dTransposeForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>, shapes: Shape[]): TfTensor {
  const x = inputs[0] as TfTensor;
  const [n, len, c] = x.shape as number[];
  const kernel = weights.kernel as TfTensor;
  const op = attrs.output_padding as number[] | null;
  const flat: Attrs = { ...attrs, kernel_size: [1, ...(attrs.kernel_size as number[])], strides: [1, ...(attrs.strides as number[])],
    dilation_rate: [1, ...(attrs.dilation_rate as number[])], output_padding: op ? [0, ...op] : null };
  const y = conv2dTransposeForward(tf, flat, [tf.reshape(x, [n!, 1, len!, c!])], { ...weights, kernel: tf.reshape(kernel, [1, ...(kernel.shape as number[])]) },
    shapes);
  return tf.squeeze(y, [1]);
}

/** Conv3DTranspose: the full ("valid") transposed convolution cropped to Keras's output size, as the 2-D one. */
function conv3dTransposeForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
  if ((attrs.dilation_rate as number[]).some((v) => v !== 1)) {
    throw new OpArgumentError('Conv3DTranspose: dilation_rate > 1 is not supported by the forward pass');
  }
  const x = inputs[0] as TfTensor;
  const [n, ...spatial] = (x.shape as number[]).slice(0, 4);
  const k = attrs.kernel_size as number[];
  const s = attrs.strides as [number, number, number];
  const op = attrs.output_padding as number[] | null;
  const padding = attrs.padding as 'same' | 'valid';
  const filters = attrs.filters as number;
  const fullLen = spatial.map((d, i) => (d - 1) * s[i]! + k[i]!);
  const outLen = spatial.map((d, i) => deconvLength(d, k[i]!, s[i]!, 1, padding, op ? op[i]! : null)!);
  const full: TfTensor = tf.conv3dTranspose(x as Parameters<Tf['conv3dTranspose']>[0], weights.kernel as Parameters<Tf['conv3dTranspose']>[1],
    [n!, fullLen[0]!, fullLen[1]!, fullLen[2]!, filters], s, 'valid');
  const begin = fullLen.map((f, i) => (padding === 'same' ? Math.floor(Math.max(f - outLen[i]!, 0) / 2) : 0));
  const size = outLen.map((o, i) => Math.min(o, fullLen[i]! - begin[i]!));
  let y = tf.slice(full, [0, ...begin, 0], [n!, ...size, filters]);
  if (size.some((v, i) => v < outLen[i]!)) y = tf.pad(y, [[0, 0], ...size.map((v, i): [number, number] => [0, outLen[i]! - v]), [0, 0]]);
  if (weights.bias) y = tf.add(y, weights.bias);
  return applyActivation(tf, readActivation('Conv3DTranspose', attrs), y);
}

export const KERAS_CONV_ND_OPS: readonly OpSpec[] = [
  makeConv('Conv1D', ['keras.layers.Conv1D', 'keras.layers.Convolution1D'], 1, false),
  makeConv('Conv3D', ['keras.layers.Conv3D', 'keras.layers.Convolution3D'], 3, false),
  makeConv('Conv1DTranspose', ['keras.layers.Conv1DTranspose', 'keras.layers.Convolution1DTranspose'], 1, true),
  makeConv('Conv2DTranspose', ['keras.layers.Conv2DTranspose', 'keras.layers.Convolution2DTranspose'], 2, true),
  makeConv('Conv3DTranspose', ['keras.layers.Conv3DTranspose', 'keras.layers.Convolution3DTranspose'], 3, true),
];
