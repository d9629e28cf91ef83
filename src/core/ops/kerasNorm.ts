// Keras normalisation entries over the last axis: LayerNormalization, GroupNormalization, UnitNormalization, Normalization.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readFloat, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import { ONES, ZEROS, builtInputDim, checkBuiltDim, requireAtLeastRank2 } from './kerasArgs';

/** `axis=-1` (or the last axis by number, or `[-1]`): NetLens normalises Keras tensors over their last axis only. */
function requireLastAxis(op: string, attrs: Attrs, input: Shape): void {
  const raw = Array.isArray(attrs.axis) && attrs.axis.length === 1 ? attrs.axis[0] : attrs.axis;
  if (raw === -1 || raw === input.length - 1) return;
  throw new ShapeError(`${op}: axis=${JSON.stringify(attrs.axis)} on ${formatShape(input)} is not supported (NetLens normalises the last, channels-last axis)`,
    'unsupported-axis');
}

const sameShape = (op: string) => (attrs: Attrs, inputs: Shape[]): Shape => {
  const input = inputs[0] as Shape;
  requireAtLeastRank2(op, input);
  requireLastAxis(op, attrs, input);
  checkBuiltDim(op, attrs, input, 'features');
  return input.slice();
};

/** Mean and variance of `x` over its last axis, kept for broadcasting. */
function lastAxisMoments(tf: Tf, x: TfTensor): { mean: TfTensor; variance: TfTensor } {
  const { mean, variance } = tf.moments(x, [x.rank - 1], true);
  return { mean, variance };
}

function affine(tf: Tf, y: TfTensor, weights: Record<string, TfTensor>): TfTensor {
  const scaled = weights.gamma ? tf.mul(y, weights.gamma) : y;
  return weights.beta ? tf.add(scaled, weights.beta) : scaled;
}

function gammaBeta(attrs: Attrs, c: number): WeightSpec[] {
  const out: WeightSpec[] = [];
  if (attrs.scale) out.push({ name: 'gamma', shape: [c], trainable: true, init: ONES });
  if (attrs.center) out.push({ name: 'beta', shape: [c], trainable: true, init: ZEROS });
  return out;
}

const layerNormalization: OpSpec = {
  op: 'LayerNormalization',
  category: 'norm',
  moduleNames: ['keras.layers.LayerNormalization'],
  signature: [
    { name: 'axis', default: -1 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
    { name: 'rms_scaling', default: false },
  ],
  normalize: (attrs) => ({ ...attrs, epsilon: readFloat('LayerNormalization', attrs, 'epsilon'), center: readBool(attrs, 'center'),
    scale: readBool(attrs, 'scale'), rms_scaling: readBool(attrs, 'rms_scaling') }),
  weights(attrs: Attrs): WeightSpec[] {
    const c = builtInputDim(attrs);
    return c === null ? [] : gammaBeta(attrs, c);
  },
  inferShape: sameShape('LayerNormalization'),
  summary: (attrs) => `${builtInputDim(attrs) ?? '?'}, ε=${attrs.epsilon}`,
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const x = inputs[0] as TfTensor;
    const eps = attrs.epsilon as number;
    if (attrs.rms_scaling) {
      const rms = tf.rsqrt(tf.add(tf.mean(tf.square(x), [x.rank - 1], true), eps));
      return weights.gamma ? tf.mul(tf.mul(x, rms), weights.gamma) : tf.mul(x, rms);
    }
    const { mean, variance } = lastAxisMoments(tf, x);
    return affine(tf, tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), weights);
  },
};

const groupNormalization: OpSpec = {
  op: 'GroupNormalization',
  category: 'norm',
  moduleNames: ['keras.layers.GroupNormalization'],
  signature: [
    { name: 'groups', default: 32 },
    { name: 'axis', default: -1 },
    { name: 'epsilon', default: 0.001 },
    { name: 'center', default: true },
    { name: 'scale', default: true },
  ],
  normalize: (attrs) => ({ ...attrs, groups: readPositiveInt('GroupNormalization', attrs, 'groups'), epsilon: readFloat('GroupNormalization', attrs,
    'epsilon'), center: readBool(attrs, 'center'), scale: readBool(attrs, 'scale') }),
  weights(attrs: Attrs): WeightSpec[] {
    const c = builtInputDim(attrs);
    return c === null ? [] : gammaBeta(attrs, c);
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const out = sameShape('GroupNormalization')(attrs, inputs);
    const c = out[out.length - 1];
    const groups = attrs.groups as number;
    if (typeof c === 'number' && c % groups !== 0) {
      throw new ShapeError(`GroupNormalization: groups=${groups} must divide the ${c} channels of ${formatShape(out)}`, 'channel-mismatch');
    }
    return out;
  },
  summary: (attrs) => `${attrs.groups} groups, ${builtInputDim(attrs) ?? '?'}`,
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const x = inputs[0] as TfTensor;
    const shape = x.shape as number[];
    const c = shape[shape.length - 1] as number;
    const groups = attrs.groups as number;
    const grouped = tf.reshape(x, [...shape.slice(0, -1), groups, c / groups]);
    const axes = Array.from({ length: grouped.rank - 2 }, (_, i) => i + 1).concat([grouped.rank - 1]);
    const { mean, variance } = tf.moments(grouped, axes, true);
    const y = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, attrs.epsilon as number))), shape);
    return affine(tf, y, weights);
  },
};

const unitNormalization: OpSpec = {
  op: 'UnitNormalization',
  category: 'norm',
  moduleNames: ['keras.layers.UnitNormalization'],
  signature: [{ name: 'axis', default: -1 }],
  inferShape: sameShape('UnitNormalization'),
  forward(tf: Tf, _attrs: Attrs, inputs: TfTensor[]): TfTensor {
    const x = inputs[0] as TfTensor;
    return tf.div(x, tf.maximum(tf.norm(x, 'euclidean', x.rank - 1, true), 1e-12));
  },
};

/** A per-feature statistic given to Normalization (`mean=[...]`): a number or a list of numbers; null when absent. */
function readStatistic(value: AttrValue | undefined, name: string): number[] | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  throw new OpArgumentError(`Normalization: ${name} must be a number or a list of numbers, got ${JSON.stringify(value)}`);
}

const normalization: OpSpec = {
  op: 'Normalization',
  category: 'norm',
  moduleNames: ['keras.layers.Normalization', 'keras.layers.experimental.preprocessing.Normalization'],
  signature: [
    { name: 'axis', default: -1 },
    { name: 'mean', default: null },
    { name: 'variance', default: null },
    { name: 'invert', default: false },
  ],
  normalize(attrs: Attrs): Attrs {
    const mean = readStatistic(attrs.mean, 'mean');
    const variance = readStatistic(attrs.variance, 'variance');
    if ((mean === null) !== (variance === null)) throw new OpArgumentError('Normalization: give both mean and variance, or neither (adapt() learns them)');
    return { ...attrs, mean, variance, invert: readBool(attrs, 'invert') };
  },
  /** Without given statistics Keras keeps adapt()'s mean, variance and sample count as non-trainable weights. */
  weights(attrs: Attrs): WeightSpec[] {
    const c = builtInputDim(attrs);
    if (c === null || attrs.mean !== null) return [];
    return [
      { name: 'mean', shape: [c], trainable: false, init: ZEROS },
      { name: 'variance', shape: [c], trainable: false, init: ONES },
      { name: 'count', shape: [], trainable: false, init: ZEROS, integer: true },
    ];
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const out = sameShape('Normalization')(attrs, inputs);
    const c = out[out.length - 1];
    for (const name of ['mean', 'variance']) {
      const stat = attrs[name];
      if (Array.isArray(stat) && stat.length !== 1 && typeof c === 'number' && stat.length !== c) {
        throw new ShapeError(`Normalization: ${name} has ${stat.length} values but ${formatShape(out)} has ${c} features`, 'channel-mismatch');
      }
    }
    return out;
  },
  summary: (attrs) => (attrs.mean !== null ? 'given mean, variance' : 'adapted'),
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const x = inputs[0] as TfTensor;
    const stat = (name: 'mean' | 'variance'): TfTensor => {
      const given = attrs[name];
      return given !== null ? tf.tensor(given as number[] | number) : (weights[name] as TfTensor);
    };
    const std = tf.maximum(tf.sqrt(stat('variance')), 1e-7);
    return attrs.invert ? tf.add(tf.mul(x, std), stat('mean')) : tf.div(tf.sub(x, stat('mean')), std);
  },
};

export const KERAS_NORM_OPS: readonly OpSpec[] = [layerNormalization, groupNormalization, unitNormalization, normalization];
