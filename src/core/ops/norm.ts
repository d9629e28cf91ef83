// Normalization entries: BatchNorm1d/2d/3d, InstanceNorm2d, GroupNorm, LayerNorm (eval-mode semantics, PyTorch's eps).
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readFloat, readIntList, readPositiveInt, requireRank } from './args';
import { formatShape } from './shapeText';
import { inTorchOrder, withBatchAxis } from './layout';

const batchNormSignature: ParamSpec[] = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: true },
  { name: 'track_running_stats', default: true },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

const instanceNormSignature: ParamSpec[] = [
  { name: 'num_features' },
  { name: 'eps', default: 1e-5 },
  { name: 'momentum', default: 0.1 },
  { name: 'affine', default: false },
  { name: 'track_running_stats', default: false },
  { name: 'device', default: null },
  { name: 'dtype', default: null },
];

function ones(name: string, shape: number[]): WeightSpec {
  return { name, shape, trainable: true, init: { kind: 'constant', value: 1 } };
}
function zeros(name: string, shape: number[]): WeightSpec {
  return { name, shape, trainable: true, init: { kind: 'constant', value: 0 } };
}

/** weight/bias (when affine) and running statistics (when tracked), as PyTorch's _NormBase registers them. */
function runningNormWeights(op: string) {
  return (attrs: Attrs): WeightSpec[] => {
    const c = readPositiveInt(op, attrs, 'num_features');
    const specs: WeightSpec[] = [];
    if (readBool(attrs, 'affine')) specs.push(ones('weight', [c]), zeros('bias', [c]));
    if (readBool(attrs, 'track_running_stats')) {
      specs.push(
        { name: 'running_mean', shape: [c], trainable: false, init: { kind: 'constant', value: 0 } },
        { name: 'running_var', shape: [c], trainable: false, init: { kind: 'constant', value: 1 } },
        { name: 'num_batches_tracked', shape: [], trainable: false, init: { kind: 'constant', value: 0 }, integer: true },
      );
    }
    return specs;
  };
}

function channelMismatch(op: string, expected: number, got: number, input: Shape): ShapeError {
  return new ShapeError(
    `${op} expects ${expected} channels but got ${got} (input ${formatShape(input)})`,
    'channel-mismatch',
    `use nn.${op}(${got}) or feed a ${expected}-channel tensor`,
  );
}

function checkChannels(op: string, expected: number, input: Shape, axis: number): void {
  const got = input[axis];
  if (got !== null && got !== undefined && got !== expected) throw channelMismatch(op, expected, got, input);
}

/** Normalises `x` (channels on the last axis) with given per-channel statistics, then applies the affine parameters. */
function normalizeLastAxis(tf: Tf, x: TfTensor, mean: TfTensor, variance: TfTensor, eps: number, w: Record<string, TfTensor>): TfTensor {
  return tf.tidy(() => {
    // One fused kernel on every backend when the statistics are per channel (the last axis).
    if (x.rank <= 4 && mean.rank === 1) return tf.batchNorm(x, mean, variance, w.bias, w.weight, eps);
    const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
    const scaled = w.weight ? tf.mul(normalized, w.weight) : normalized;
    return w.bias ? tf.add(scaled, w.bias) : scaled;
  });
}

function batchNormForward(tf: Tf, attrs: Attrs, inputs: TfTensor[], w: Record<string, TfTensor>): TfTensor {
  const x = inputs[0] as TfTensor;
  const eps = readFloat('BatchNorm', attrs, 'eps');
  return tf.tidy(() => {
    if (w.running_mean && w.running_var) return normalizeLastAxis(tf, x, w.running_mean, w.running_var, eps, w);
    // Without running statistics PyTorch normalises with the batch statistics, even in eval mode.
    const axes = [...Array(x.rank - 1).keys()];
    const { mean, variance } = tf.moments(x, axes);
    return normalizeLastAxis(tf, x, mean, variance, eps, w);
  });
}

function makeBatchNorm(op: string, ranks: number[], layout: string): OpSpec {
  return {
    op,
    category: 'norm',
    moduleNames: [`torch.nn.${op}`],
    signature: batchNormSignature,
    normalize: (attrs) => ({ ...attrs, num_features: readPositiveInt(op, attrs, 'num_features'), eps: readFloat(op, attrs, 'eps') }),
    weights: runningNormWeights(op),
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      requireRank(op, input, ranks, layout);
      checkChannels(op, readPositiveInt(op, attrs, 'num_features'), input, 1);
      return input.slice();
    },
    summary: (attrs) => String(attrs.num_features),
    forward: batchNormForward,
  };
}

export const BatchNorm1d = makeBatchNorm('BatchNorm1d', [2, 3], 'N×C or N×C×L');
export const BatchNorm2d = makeBatchNorm('BatchNorm2d', [4], 'N×C×H×W');
export const BatchNorm3d = makeBatchNorm('BatchNorm3d', [5], 'N×C×D×H×W');

function instanceNormRun(tf: Tf, attrs: Attrs, x: TfTensor, w: Record<string, TfTensor>): TfTensor {
  const eps = readFloat('InstanceNorm2d', attrs, 'eps');
  return tf.tidy(() => {
    if (w.running_mean && w.running_var) return normalizeLastAxis(tf, x, w.running_mean, w.running_var, eps, w);
    const { mean, variance } = tf.moments(x, [1, 2], true);
    return normalizeLastAxis(tf, x, mean, variance, eps, w);
  });
}

export const InstanceNorm2d: OpSpec = {
  op: 'InstanceNorm2d',
  category: 'norm',
  moduleNames: ['torch.nn.InstanceNorm2d'],
  signature: instanceNormSignature,
  normalize: (attrs) => ({ ...attrs, num_features: readPositiveInt('InstanceNorm2d', attrs, 'num_features') }),
  weights: runningNormWeights('InstanceNorm2d'),
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    requireRank('InstanceNorm2d', input, [3, 4], 'C×H×W or N×C×H×W');
    // PyTorch only rejects a channel mismatch when it owns per-channel tensors (affine or running stats).
    if (readBool(attrs, 'affine') || readBool(attrs, 'track_running_stats')) {
      checkChannels('InstanceNorm2d', readPositiveInt('InstanceNorm2d', attrs, 'num_features'), input, input.length - 3);
    }
    return input.slice();
  },
  summary: (attrs) => String(attrs.num_features),
  forward: (tf, attrs, inputs, w) => {
    const x = inputs[0] as TfTensor;
    if (x.rank === 3) return withBatchAxis(tf, x, (b) => instanceNormRun(tf, attrs, b, w));
    return instanceNormRun(tf, attrs, x, w);
  },
};

export const GroupNorm: OpSpec = {
  op: 'GroupNorm',
  category: 'norm',
  moduleNames: ['torch.nn.GroupNorm'],
  signature: [
    { name: 'num_groups' },
    { name: 'num_channels' },
    { name: 'eps', default: 1e-5 },
    { name: 'affine', default: true },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  normalize: (attrs) => {
    const groups = readPositiveInt('GroupNorm', attrs, 'num_groups');
    const channels = readPositiveInt('GroupNorm', attrs, 'num_channels');
    if (channels % groups !== 0) throw new OpArgumentError(`GroupNorm: num_channels (${channels}) must be divisible by num_groups (${groups})`);
    return { ...attrs, num_groups: groups, num_channels: channels };
  },
  weights: (attrs) => {
    const c = readPositiveInt('GroupNorm', attrs, 'num_channels');
    return readBool(attrs, 'affine') ? [ones('weight', [c]), zeros('bias', [c])] : [];
  },
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    if (input.length < 2) requireRank('GroupNorm', input, [2, 3, 4, 5], 'N×C×...');
    checkChannels('GroupNorm', readPositiveInt('GroupNorm', attrs, 'num_channels'), input, 1);
    return input.slice();
  },
  summary: (attrs) => `${attrs.num_groups}g, ${attrs.num_channels}`,
  forward: (tf, attrs, inputs, w) => {
    const x = inputs[0] as TfTensor;
    const groups = readPositiveInt('GroupNorm', attrs, 'num_groups');
    const eps = readFloat('GroupNorm', attrs, 'eps');
    return tf.tidy(() => {
      const shape = x.shape as number[];
      const channels = shape[shape.length - 1] as number;
      const grouped = tf.reshape(x, [...shape.slice(0, -1), groups, channels / groups]);
      const axes = [...Array(grouped.rank).keys()].filter((a) => a !== 0 && a !== grouped.rank - 2);
      const { mean, variance } = tf.moments(grouped, axes, true);
      const normalized = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, eps))), shape);
      const scaled = w.weight ? tf.mul(normalized, w.weight) : normalized;
      return w.bias ? tf.add(scaled, w.bias) : scaled;
    });
  },
};

export const LayerNorm: OpSpec = {
  op: 'LayerNorm',
  category: 'norm',
  moduleNames: ['torch.nn.LayerNorm'],
  signature: [
    { name: 'normalized_shape' },
    { name: 'eps', default: 1e-5 },
    { name: 'elementwise_affine', default: true },
    { name: 'bias', default: true },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  normalize: (attrs) => ({ ...attrs, normalized_shape: readIntList('LayerNorm', attrs, 'normalized_shape') }),
  weights: (attrs) => {
    const shape = readIntList('LayerNorm', attrs, 'normalized_shape');
    if (!readBool(attrs, 'elementwise_affine')) return [];
    const specs = [ones('weight', shape)];
    if (attrs.bias === undefined || readBool(attrs, 'bias')) specs.push(zeros('bias', shape));
    return specs;
  },
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const normalized = readIntList('LayerNorm', attrs, 'normalized_shape');
    const trailing = input.slice(input.length - normalized.length);
    const matches =
      input.length >= normalized.length && trailing.every((d, i) => d === null || d === normalized[i]);
    if (!matches) {
      throw new ShapeError(
        `LayerNorm expects the last dimensions to be ${formatShape(normalized)} but got ${formatShape(input)}`,
        'channel-mismatch',
      );
    }
    return input.slice();
  },
  summary: (attrs) => formatShape(readIntList('LayerNorm', attrs, 'normalized_shape')),
  forward: (tf, attrs, inputs, w) => {
    const count = readIntList('LayerNorm', attrs, 'normalized_shape').length;
    const eps = readFloat('LayerNorm', attrs, 'eps');
    return inTorchOrder(tf, inputs[0] as TfTensor, (x) => {
      const axes = [...Array(count).keys()].map((i) => x.rank - count + i);
      const { mean, variance } = tf.moments(x, axes, true);
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
      const scaled = w.weight ? tf.mul(normalized, w.weight) : normalized;
      return w.bias ? tf.add(scaled, w.bias) : scaled;
    });
  },
};

/** nn.LocalResponseNorm(size, alpha, beta, k): x · (k + alpha/size · Σ window x²)^-beta across channels (AlexNet, GoogLeNet v1). */
export const LocalResponseNorm: OpSpec = {
  op: 'LocalResponseNorm',
  category: 'norm',
  moduleNames: ['torch.nn.LocalResponseNorm'],
  signature: [{ name: 'size' }, { name: 'alpha', default: 1e-4 }, { name: 'beta', default: 0.75 }, { name: 'k', default: 1.0 }],
  functionalNames: ['torch.nn.functional.local_response_norm'],
  normalize: (attrs) => ({ ...attrs, size: readPositiveInt('LocalResponseNorm', attrs, 'size') }),
  inferShape: (_attrs, inputs) => {
    const input = inputs[0] as Shape;
    requireRank('LocalResponseNorm', input, input.length >= 3 ? [input.length] : [3], 'N×C×…');
    return input.slice();
  },
  summary: (attrs) => `size ${attrs.size}`,
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      // Channels are the last internal axis for rank >= 3; the window spans size//2 before and (size-1)//2 after.
      const x = inputs[0] as TfTensor;
      const size = readPositiveInt('LocalResponseNorm', attrs, 'size');
      const axis = x.rank - 1;
      const pads = x.shape.map((_, i) => (i === axis ? [Math.floor(size / 2), Math.floor((size - 1) / 2)] : [0, 0])) as [number, number][];
      const squares = tf.pad(tf.square(x), pads);
      let sum = tf.slice(squares, x.shape.map(() => 0), x.shape as number[]);
      for (let o = 1; o < size; o++) sum = tf.add(sum, tf.slice(squares, x.shape.map((_, i) => (i === axis ? o : 0)), x.shape as number[]));
      const scale = tf.add(readFloat('LocalResponseNorm', attrs, 'k'), tf.mul(readFloat('LocalResponseNorm', attrs, 'alpha') / size, sum));
      return tf.mul(x, tf.pow(scale, -readFloat('LocalResponseNorm', attrs, 'beta')));
    }),
};

export const NORM_OPS: readonly OpSpec[] = [BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm2d, GroupNorm, LayerNorm, LocalResponseNorm];
