// Keras convolution entries: Conv2D, DepthwiseConv2D, SeparableConv2D (channels-last shapes, Keras weights, forward).
import type { Shape } from '../graph/ir';
import { ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import { convValid2d } from './convForward';
import {
  ACTIVATION_PARAM, ZEROS, applyActivation, builtInputDim, checkBuiltDim, elementsPerBatch, glorotUniform, readActivation,
  readPadding, readPair, requireChannelsLast, requireImage, windowedOutput, type KerasPadding,
} from './kerasArgs';

const convSignature: ParamSpec[] = [
  { name: 'filters' },
  { name: 'kernel_size' },
  { name: 'strides', default: 1 },
  { name: 'padding', default: 'valid' },
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: 1 },
  { name: 'groups', default: 1 },
  ACTIVATION_PARAM,
  { name: 'use_bias', default: true },
];

const depthwiseSignature: ParamSpec[] = [
  { name: 'kernel_size' },
  { name: 'strides', default: 1 },
  { name: 'padding', default: 'valid' },
  { name: 'depth_multiplier', default: 1 },
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: 1 },
  ACTIVATION_PARAM,
  { name: 'use_bias', default: true },
];

const separableSignature: ParamSpec[] = [
  { name: 'filters' },
  { name: 'kernel_size' },
  { name: 'strides', default: 1 },
  { name: 'padding', default: 'valid' },
  { name: 'data_format', default: null },
  { name: 'dilation_rate', default: 1 },
  { name: 'depth_multiplier', default: 1 },
  ACTIVATION_PARAM,
  { name: 'use_bias', default: true },
];

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilation: [number, number];
  padding: KerasPadding;
}

function readWindow(op: string, attrs: Attrs): Window {
  requireChannelsLast(op, attrs);
  return {
    kernel: readPair(op, attrs, 'kernel_size'),
    strides: readPair(op, attrs, 'strides'),
    dilation: readPair(op, attrs, 'dilation_rate'),
    padding: readPadding(op, attrs),
  };
}

function normalizeWindowed(op: string, extra: (attrs: Attrs) => Attrs) {
  return (attrs: Attrs): Attrs => {
    const w = readWindow(op, attrs);
    readActivation(op, attrs);
    return { ...attrs, ...extra(attrs), kernel_size: w.kernel, strides: w.strides, dilation_rate: w.dilation, padding: w.padding, use_bias: readBool(attrs,
      'use_bias') };
  };
}

/** Zero padding TensorFlow applies for "same" on one axis: [before, after], the extra pixel after. */
export function samePads(length: number, kernel: number, stride: number, dilation: number): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + effective - length, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Pads an N,H,W,C tensor as TensorFlow's "same" does for this window (no-op for "valid"). */
function padForWindow(tf: Tf, x: TfTensor, w: Window): TfTensor {
  if (w.padding === 'valid') return x;
  const [, h, wd] = x.shape as number[];
  const ph = samePads(h as number, w.kernel[0], w.strides[0], w.dilation[0]);
  const pw = samePads(wd as number, w.kernel[1], w.strides[1], w.dilation[1]);
  if (ph[0] + ph[1] + pw[0] + pw[1] === 0) return x;
  return tf.pad(x, [[0, 0], ph, pw, [0, 0]]);
}

function convSummary(attrs: Attrs, outText: string): string {
  const k = attrs.kernel_size as number[];
  const s = attrs.strides as number[];
  const stride = s[0] === 1 && s[1] === 1 ? '' : `, s${s[0] === s[1] ? s[0] : s.join('×')}`;
  const pad = attrs.padding === 'same' ? ', same' : '';
  const act = typeof attrs.activation === 'string' && attrs.activation !== 'linear' ? `, ${attrs.activation}` : '';
  return `${k.join('×')}${stride}${pad}, ${outText}${act}`;
}

const conv2d: OpSpec = {
  op: 'Conv2D',
  category: 'conv',
  moduleNames: ['keras.layers.Conv2D', 'keras.layers.Convolution2D'],
  signature: convSignature,
  normalize: normalizeWindowed('Conv2D',
    (attrs) => ({ filters: readPositiveInt('Conv2D', attrs, 'filters'), groups: readPositiveInt('Conv2D', attrs, 'groups') })),
  weights(attrs: Attrs): WeightSpec[] {
    const cin = builtInputDim(attrs);
    if (cin === null) return [];
    const [kh, kw] = attrs.kernel_size as number[];
    const filters = attrs.filters as number;
    const groups = attrs.groups as number;
    const out: WeightSpec[] = [{ name: 'kernel', shape: [kh as number, kw as number, cin / groups, filters], trainable: true,
      init: glorotUniform((kh as number) * (kw as number) * (cin / groups), (kh as number) * (kw as number) * filters) }];
    if (attrs.use_bias) out.push({ name: 'bias', shape: [filters], trainable: true, init: ZEROS });
    return out;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('Conv2D', input);
    checkBuiltDim('Conv2D', attrs, input, 'channels');
    const groups = attrs.groups as number;
    const channels = input[3];
    const filters = attrs.filters as number;
    if (channels !== null && channels !== undefined && (channels % groups !== 0 || filters % groups !== 0)) {
      throw new ShapeError(`Conv2D: groups=${groups} must divide both the ${channels} input channels of ${formatShape(input)} and filters=${filters}`,
        'channel-mismatch');
    }
    const w = readWindow('Conv2D', attrs);
    const [h, wd] = windowedOutput('Conv2D', input, w.kernel, w.strides, w.dilation, w.padding);
    return [input[0] as number | null, h, wd, filters];
  },
  macs(attrs: Attrs, inputs: Shape[], output: Shape): number {
    const cin = (inputs[0] as Shape)[3] ?? builtInputDim(attrs) ?? 0;
    const [kh, kw] = attrs.kernel_size as number[];
    return elementsPerBatch(output) * (kh as number) * (kw as number) * (cin / (attrs.groups as number));
  },
  summary: (attrs) => convSummary(attrs, `${builtInputDim(attrs) ?? '?'}→${attrs.filters}`),
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const w = readWindow('Conv2D', attrs);
    const x = padForWindow(tf, inputs[0] as TfTensor, w);
    const y = convValid2d(tf, x, weights.kernel as TfTensor, w.strides, w.dilation, attrs.groups as number, 0, weights.bias);
    return applyActivation(tf, readActivation('Conv2D', attrs), y);
  },
};

const depthwiseConv2d: OpSpec = {
  op: 'DepthwiseConv2D',
  category: 'conv',
  moduleNames: ['keras.layers.DepthwiseConv2D'],
  signature: depthwiseSignature,
  normalize: normalizeWindowed('DepthwiseConv2D', (attrs) => ({ depth_multiplier: readPositiveInt('DepthwiseConv2D', attrs, 'depth_multiplier') })),
  weights(attrs: Attrs): WeightSpec[] {
    const cin = builtInputDim(attrs);
    if (cin === null) return [];
    const [kh, kw] = attrs.kernel_size as number[];
    const mult = attrs.depth_multiplier as number;
    const out: WeightSpec[] = [{ name: 'depthwise_kernel', shape: [kh as number, kw as number, cin, mult], trainable: true,
      init: glorotUniform((kh as number) * (kw as number) * cin, (kh as number) * (kw as number) * mult) }];
    if (attrs.use_bias) out.push({ name: 'bias', shape: [cin * mult], trainable: true, init: ZEROS });
    return out;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('DepthwiseConv2D', input);
    checkBuiltDim('DepthwiseConv2D', attrs, input, 'channels');
    const w = readWindow('DepthwiseConv2D', attrs);
    const [h, wd] = windowedOutput('DepthwiseConv2D', input, w.kernel, w.strides, w.dilation, w.padding);
    const c = input[3] as number | null;
    return [input[0] as number | null, h, wd, c === null ? null : c * (attrs.depth_multiplier as number)];
  },
  macs(attrs: Attrs, _inputs: Shape[], output: Shape): number {
    const [kh, kw] = attrs.kernel_size as number[];
    return elementsPerBatch(output) * (kh as number) * (kw as number);
  },
  summary: (attrs) => convSummary(attrs, `depthwise ×${attrs.depth_multiplier}`),
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const w = readWindow('DepthwiseConv2D', attrs);
    const x = padForWindow(tf, inputs[0] as TfTensor, w);
    const kernel = weights.depthwise_kernel as TfTensor;
    const [kh, kw, cin, mult] = kernel.shape as number[];
    const asConv = tf.reshape(kernel, [kh as number, kw as number, 1, (cin as number) * (mult as number)]);
    const y = convValid2d(tf, x, asConv, w.strides, w.dilation, cin as number, 0, weights.bias);
    return applyActivation(tf, readActivation('DepthwiseConv2D', attrs), y);
  },
};

const separableConv2d: OpSpec = {
  op: 'SeparableConv2D',
  category: 'conv',
  moduleNames: ['keras.layers.SeparableConv2D', 'keras.layers.SeparableConvolution2D'],
  signature: separableSignature,
  normalize: normalizeWindowed('SeparableConv2D', (attrs) => ({
    filters: readPositiveInt('SeparableConv2D', attrs, 'filters'),
    depth_multiplier: readPositiveInt('SeparableConv2D', attrs, 'depth_multiplier'),
  })),
  weights(attrs: Attrs): WeightSpec[] {
    const cin = builtInputDim(attrs);
    if (cin === null) return [];
    const [kh, kw] = attrs.kernel_size as number[];
    const mult = attrs.depth_multiplier as number;
    const filters = attrs.filters as number;
    const out: WeightSpec[] = [
      { name: 'depthwise_kernel', shape: [kh as number, kw as number, cin, mult], trainable: true, init: glorotUniform((kh as number) * (kw as number) * cin,
        (kh as number) * (kw as number) * mult) },
      { name: 'pointwise_kernel', shape: [1, 1, cin * mult, filters], trainable: true, init: glorotUniform(cin * mult, filters) },
    ];
    if (attrs.use_bias) out.push({ name: 'bias', shape: [filters], trainable: true, init: ZEROS });
    return out;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireImage('SeparableConv2D', input);
    checkBuiltDim('SeparableConv2D', attrs, input, 'channels');
    const w = readWindow('SeparableConv2D', attrs);
    const [h, wd] = windowedOutput('SeparableConv2D', input, w.kernel, w.strides, w.dilation, w.padding);
    return [input[0] as number | null, h, wd, attrs.filters as number];
  },
  macs(attrs: Attrs, inputs: Shape[], output: Shape): number {
    const cin = (inputs[0] as Shape)[3] ?? builtInputDim(attrs) ?? 0;
    const [kh, kw] = attrs.kernel_size as number[];
    const mid = cin * (attrs.depth_multiplier as number);
    const positions = elementsPerBatch(output) / (attrs.filters as number);
    return positions * mid * ((kh as number) * (kw as number) + (attrs.filters as number));
  },
  summary: (attrs) => convSummary(attrs, `separable ${builtInputDim(attrs) ?? '?'}→${attrs.filters}`),
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const w = readWindow('SeparableConv2D', attrs);
    const x = padForWindow(tf, inputs[0] as TfTensor, w);
    const kernel = weights.depthwise_kernel as TfTensor;
    const [kh, kw, cin, mult] = kernel.shape as number[];
    const asConv = tf.reshape(kernel, [kh as number, kw as number, 1, (cin as number) * (mult as number)]);
    const depthwise = convValid2d(tf, x, asConv, w.strides, w.dilation, cin as number);
    const y = convValid2d(tf, depthwise, weights.pointwise_kernel as TfTensor, [1, 1], [1, 1], 1, 0, weights.bias);
    return applyActivation(tf, readActivation('SeparableConv2D', attrs), y);
  },
};

export const KERAS_CONV_OPS: readonly OpSpec[] = [conv2d, depthwiseConv2d, separableConv2d];
