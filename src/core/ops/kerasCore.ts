// Keras core entries: Dense, BatchNormalization, activations, Flatten, Reshape, Dropout-like, Rescaling (channels-last).
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readFloat, readPositiveInt } from './args';
import { formatShape, numel } from './shapeText';
import {
  ACTIVATION_PARAM, ONES, ZEROS, applyActivation, builtInputDim, checkBuiltDim, elementsPerBatch, glorotUniform, readActivation, requireAtLeastRank2,
} from './kerasArgs';

const dense: OpSpec = {
  op: 'Dense',
  category: 'linear',
  moduleNames: ['keras.layers.Dense'],
  signature: [{ name: 'units' }, ACTIVATION_PARAM, { name: 'use_bias', default: true }],
  normalize(attrs: Attrs): Attrs {
    readActivation('Dense', attrs);
    return { ...attrs, units: readPositiveInt('Dense', attrs, 'units'), use_bias: readBool(attrs, 'use_bias') };
  },
  weights(attrs: Attrs): WeightSpec[] {
    const fin = builtInputDim(attrs);
    if (fin === null) return [];
    const units = attrs.units as number;
    const out: WeightSpec[] = [{ name: 'kernel', shape: [fin, units], trainable: true, init: glorotUniform(fin, units) }];
    if (attrs.use_bias) out.push({ name: 'bias', shape: [units], trainable: true, init: ZEROS });
    return out;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireAtLeastRank2('Dense', input);
    checkBuiltDim('Dense', attrs, input, 'features');
    return [...input.slice(0, -1), attrs.units as number];
  },
  macs(attrs: Attrs, inputs: Shape[], output: Shape): number {
    const input = inputs[0] as Shape;
    return elementsPerBatch(output) * ((input[input.length - 1] as number | null) ?? builtInputDim(attrs) ?? 0);
  },
  summary(attrs: Attrs): string {
    const act = typeof attrs.activation === 'string' && attrs.activation !== 'linear' ? `, ${attrs.activation}` : '';
    return `${builtInputDim(attrs) ?? '?'}→${attrs.units}${act}`;
  },
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const x = inputs[0] as TfTensor;
    const kernel = weights.kernel as TfTensor;
    const flat = x.rank === 2 ? x : tf.reshape(x, [-1, x.shape[x.rank - 1] as number]);
    let y = tf.matMul(flat as never, kernel as never) as TfTensor;
    if (weights.bias) y = tf.add(y, weights.bias);
    if (x.rank !== 2) y = tf.reshape(y, [...x.shape.slice(0, -1), attrs.units as number]);
    return applyActivation(tf, readActivation('Dense', attrs), y);
  },
};

const batchNormalization: OpSpec = {
  op: 'BatchNormalization',
  category: 'norm',
  moduleNames: ['keras.layers.BatchNormalization'],
  signature: [
    { name: 'axis', default: -1 },
    { name: 'momentum', default: 0.99 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
  ],
  normalize(attrs: Attrs): Attrs {
    const axis = attrs.axis;
    if (typeof axis !== 'number' || !Number.isInteger(axis))
      throw new OpArgumentError(`BatchNormalization: axis must be an integer, got ${JSON.stringify(axis)}`);
    return { ...attrs, epsilon: readFloat('BatchNormalization', attrs, 'epsilon'), momentum: readFloat('BatchNormalization', attrs, 'momentum'),
      center: readBool(attrs, 'center'), scale: readBool(attrs, 'scale') };
  },
  weights(attrs: Attrs): WeightSpec[] {
    const c = builtInputDim(attrs);
    if (c === null) return [];
    const out: WeightSpec[] = [];
    if (attrs.scale) out.push({ name: 'gamma', shape: [c], trainable: true, init: ONES });
    if (attrs.center) out.push({ name: 'beta', shape: [c], trainable: true, init: ZEROS });
    out.push({ name: 'moving_mean', shape: [c], trainable: false, init: ZEROS });
    out.push({ name: 'moving_variance', shape: [c], trainable: false, init: ONES });
    return out;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    requireAtLeastRank2('BatchNormalization', input);
    const axis = attrs.axis as number;
    if (axis !== -1 && axis !== input.length - 1) {
      throw new ShapeError(`BatchNormalization: axis=${axis} on ${formatShape(input)} is not supported (NetLens normalises the last, channels-last axis)`,
        'unsupported-axis');
    }
    checkBuiltDim('BatchNormalization', attrs, input, 'channels');
    return input.slice();
  },
  summary: (attrs) => `${builtInputDim(attrs) ?? '?'}, ε=${attrs.epsilon}`,
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const x = inputs[0] as TfTensor;
    const eps = attrs.epsilon as number;
    const mean = weights.moving_mean as TfTensor;
    const variance = weights.moving_variance as TfTensor;
    if (x.rank <= 4) return tf.batchNorm(x, mean, variance, weights.beta, weights.gamma, eps);
    const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
    const scaled = weights.gamma ? tf.mul(normalized, weights.gamma) : normalized;
    return weights.beta ? tf.add(scaled, weights.beta) : scaled;
  },
};

const sameShape = (_attrs: Attrs, inputs: Shape[]): Shape => (inputs[0] as Shape).slice();

const activation: OpSpec = {
  op: 'Activation',
  category: 'activation',
  moduleNames: ['keras.layers.Activation'],
  signature: [{ name: 'activation' }],
  normalize(attrs: Attrs): Attrs {
    readActivation('Activation', attrs);
    return attrs;
  },
  inferShape: sameShape,
  summary: (attrs) => String(attrs.activation ?? 'linear'),
  forward: (tf, attrs, inputs) => applyActivation(tf, readActivation('Activation', attrs), inputs[0] as TfTensor),
};

const relu: OpSpec = {
  op: 'keras.ReLU',
  category: 'activation',
  moduleNames: ['keras.layers.ReLU'],
  signature: [
    { name: 'max_value', default: null },
    { name: 'negative_slope', default: 0 },
    { name: 'threshold', default: 0 },
  ],
  normalize(attrs: Attrs): Attrs {
    const max = attrs.max_value === null ? null : readFloat('ReLU', attrs, 'max_value');
    if (max !== null && max < 0) throw new OpArgumentError(`ReLU: max_value must be >= 0, got ${max}`);
    return { ...attrs, max_value: max, negative_slope: readFloat('ReLU', attrs, 'negative_slope'), threshold: readFloat('ReLU', attrs, 'threshold') };
  },
  inferShape: sameShape,
  summary: (attrs) => (attrs.max_value !== null ? `max ${attrs.max_value}` : ''),
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
    const x = inputs[0] as TfTensor;
    const slope = attrs.negative_slope as number;
    const threshold = attrs.threshold as number;
    let y = slope === 0 && threshold === 0 ? tf.relu(x) : tf.where(tf.greaterEqual(x, threshold), x, tf.mul(tf.sub(x, threshold), slope));
    if (attrs.max_value !== null) y = tf.minimum(y, attrs.max_value as number);
    return y;
  },
};

const leakyRelu: OpSpec = {
  op: 'keras.LeakyReLU',
  category: 'activation',
  moduleNames: ['keras.layers.LeakyReLU'],
  signature: [
    { name: 'negative_slope', default: 0.3 },
    { name: 'alpha', default: null },
  ],
  normalize(attrs: Attrs): Attrs {
    const slope = attrs.alpha !== null ? readFloat('LeakyReLU', attrs, 'alpha') : readFloat('LeakyReLU', attrs, 'negative_slope');
    return { ...attrs, negative_slope: slope, alpha: null };
  },
  inferShape: sameShape,
  summary: (attrs) => `slope ${attrs.negative_slope}`,
  forward: (tf, attrs, inputs) => tf.leakyRelu(inputs[0] as TfTensor, attrs.negative_slope as number),
};

const softmax: OpSpec = {
  op: 'keras.Softmax',
  category: 'activation',
  moduleNames: ['keras.layers.Softmax'],
  signature: [{ name: 'axis', default: -1 }],
  normalize(attrs: Attrs): Attrs {
    if (attrs.axis !== -1) throw new OpArgumentError(`Softmax: only axis=-1 is supported, got ${JSON.stringify(attrs.axis)}`);
    return attrs;
  },
  inferShape: sameShape,
  forward: (tf, _attrs, inputs) => tf.softmax(inputs[0] as TfTensor, -1),
};

const flatten: OpSpec = {
  op: 'keras.Flatten',
  category: 'reshape',
  moduleNames: ['keras.layers.Flatten'],
  signature: [{ name: 'data_format', default: null }],
  inferShape(_attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    if (input.length < 1) throw new ShapeError(`Flatten expects a batched input but got ${formatShape(input)}`, 'rank-mismatch');
    return [input[0] as number | null, numel(input.slice(1))];
  },
  forward: (tf, _attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    return tf.reshape(x, [x.shape[0] as number, -1]);
  },
};

function identityLayer(op: string, names: string[], signature: ParamSpec[]): OpSpec {
  return { op, category: 'dropout', moduleNames: names, signature, inferShape: sameShape,
    summary: (attrs) => (typeof attrs.rate === 'number' ? `p=${attrs.rate}` : ''), forward: (_tf, _attrs, inputs) => inputs[0] as TfTensor };
}

const reshape: OpSpec = {
  op: 'Reshape',
  category: 'reshape',
  moduleNames: ['keras.layers.Reshape'],
  signature: [{ name: 'target_shape' }],
  normalize(attrs: Attrs): Attrs {
    const target = attrs.target_shape;
    const list = typeof target === 'number' ? [target] : target;
    if (!Array.isArray(list) || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && (d > 0 || d === -1))
      || list.filter((d) => d === -1).length > 1) {
      throw new OpArgumentError(`Reshape: target_shape must be a tuple of positive integers with at most one -1, got ${JSON.stringify(target)}`);
    }
    return { ...attrs, target_shape: list };
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    const target = attrs.target_shape as number[];
    const total = numel(input.slice(1));
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (target.includes(-1)) {
      if (total !== null && total % known !== 0)
        throw new ShapeError(`Reshape: cannot reshape ${formatShape(input)} to (None, ${target.join(', ')}): ${total} elements per sample is not a multiple of ${known}`, 'reshape-mismatch');
      return [input[0] as number | null, ...target.map((d) => (d === -1 ? (total === null ? null : total / known) : d))];
    }
    if (total !== null && total !== known)
      throw new ShapeError(`Reshape: cannot reshape ${formatShape(input)} (${total} elements per sample) to (None, ${target.join(', ')}) (${known})`,
        'reshape-mismatch');
    return [input[0] as number | null, ...target];
  },
  summary: (attrs) => `→ ${(attrs.target_shape as number[]).join('×')}`,
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    return tf.reshape(x, [x.shape[0] as number, ...(attrs.target_shape as number[])]);
  },
};

/** A number, or a list of numbers applied per channel (`Rescaling(scale=[1 / s for s in std])`). */
function readScalarOrList(op: string, attrs: Attrs, name: string): number | number[] {
  const v = attrs[name];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')) return v as number[];
  return readFloat(op, attrs, name);
}

const rescaling: OpSpec = {
  op: 'Rescaling',
  category: 'identity',
  moduleNames: ['keras.layers.Rescaling'],
  signature: [{ name: 'scale' }, { name: 'offset', default: 0 }],
  normalize: (attrs) => ({ ...attrs, scale: readScalarOrList('Rescaling', attrs, 'scale'), offset: readScalarOrList('Rescaling', attrs, 'offset') }),
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    const c = input[input.length - 1];
    for (const name of ['scale', 'offset']) {
      const v = attrs[name];
      if (Array.isArray(v) && v.length !== 1 && typeof c === 'number' && v.length !== c)
        throw new ShapeError(`Rescaling: ${name} has ${v.length} values but ${formatShape(input)} has ${c} channels`, 'channel-mismatch');
    }
    return input.slice();
  },
  summary: (attrs) => (Array.isArray(attrs.scale) ? 'per-channel scale' : `×${attrs.scale}${attrs.offset ? ` + ${attrs.offset}` : ''}`),
  forward: (tf, attrs, inputs) => {
    const value = (v: unknown): number | TfTensor => (Array.isArray(v) ? tf.tensor(v as number[]) : (v as number));
    return tf.add(tf.mul(inputs[0] as TfTensor, value(attrs.scale)), value(attrs.offset));
  },
};

export const KERAS_CORE_OPS: readonly OpSpec[] = [
  dense,
  batchNormalization,
  activation,
  relu,
  leakyRelu,
  softmax,
  flatten,
  reshape,
  rescaling,
  identityLayer('keras.Dropout', ['keras.layers.Dropout'], [{ name: 'rate' }, { name: 'noise_shape', default: null }, { name: 'seed', default: null }]),
  identityLayer('SpatialDropout2D', ['keras.layers.SpatialDropout2D'], [{ name: 'rate' }, { name: 'data_format', default: null }, { name: 'seed',
    default: null }]),
  identityLayer('SpatialDropout1D', ['keras.layers.SpatialDropout1D'], [{ name: 'rate' }, { name: 'seed', default: null }]),
  identityLayer('SpatialDropout3D', ['keras.layers.SpatialDropout3D'], [{ name: 'rate' }, { name: 'data_format', default: null }, { name: 'seed',
    default: null }]),
  identityLayer('GaussianDropout', ['keras.layers.GaussianDropout'], [{ name: 'rate' }, { name: 'seed', default: null }]),
  identityLayer('keras.AlphaDropout', ['keras.layers.AlphaDropout'], [{ name: 'rate' }, { name: 'noise_shape', default: null }, { name: 'seed',
    default: null }]),
  identityLayer('ActivityRegularization', ['keras.layers.ActivityRegularization'], [{ name: 'l1', default: 0 }, { name: 'l2', default: 0 }]),
  identityLayer('GaussianNoise', ['keras.layers.GaussianNoise'], [{ name: 'stddev' }, { name: 'seed', default: null }]),
  identityLayer('keras.Identity', ['keras.layers.Identity'], []),
];
