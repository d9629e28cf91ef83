// Shared pieces of the Keras entries: argument readers, TF's "same"/"valid" arithmetic, activations, initialisers.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type InitSpec, type ParamSpec, type Tf, type TfTensor } from './types';
import { formatShape } from './shapeText';

export type KerasPadding = 'same' | 'valid';

/** Arguments every Keras layer accepts and NetLens ignores (names, initialisers, regularisers, constraints...). */
export const KERAS_IGNORED_KWARGS = new Set([
  'name', 'trainable', 'dtype', 'autocast', 'dynamic', 'input_shape', 'batch_input_shape', 'batch_size', 'input_dim',
  'kernel_initializer', 'bias_initializer', 'depthwise_initializer', 'pointwise_initializer', 'gamma_initializer',
  'beta_initializer', 'moving_mean_initializer', 'moving_variance_initializer', 'kernel_regularizer', 'bias_regularizer',
  'activity_regularizer', 'depthwise_regularizer', 'pointwise_regularizer', 'gamma_regularizer', 'beta_regularizer',
  'kernel_constraint', 'bias_constraint', 'depthwise_constraint', 'pointwise_constraint', 'gamma_constraint',
  'beta_constraint', 'lora_rank', 'seed', 'noise_shape', 'renorm', 'renorm_clipping', 'renorm_momentum', 'fused',
  'virtual_batch_size', 'adjustment', 'synchronized',
]);

/** The attribute holding the input size a lazily built Keras layer learned from its first input (channels, features). */
export const BUILT_INPUT_DIM = 'built_input_dim';

/** Signature suffix of layers that take an `activation` and `use_bias`. */
export const ACTIVATION_PARAM: ParamSpec = { name: 'activation', default: null };

function show(value: AttrValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** An int or a tuple of two ints (`kernel_size=3` → [3, 3]), each at least `min`. */
export function readPair(op: string, attrs: Attrs, name: string, min = 1): [number, number] {
  const value = attrs[name];
  let pair: number[] | null = null;
  if (typeof value === 'number' && Number.isInteger(value)) pair = [value, value];
  else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isInteger(v))) pair = value as number[];
  else if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number' && Number.isInteger(value[0])) pair = [value[0], value[0]];
  if (!pair) throw new OpArgumentError(`${op}: ${name} must be an integer or a tuple of 2 integers, got ${show(value)}`);
  if (pair.some((v) => v < min)) throw new OpArgumentError(`${op}: ${name} must be at least ${min}, got ${show(value)}`);
  return [pair[0] as number, pair[1] as number];
}

/** `padding="same"` or `"valid"` (case-insensitive, as Keras accepts). */
export function readPadding(op: string, attrs: Attrs): KerasPadding {
  const value = attrs.padding;
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (lower !== 'same' && lower !== 'valid') throw new OpArgumentError(`${op}: padding must be "same" or "valid", got ${show(value)}`);
  return lower;
}

/** Rejects `data_format="channels_first"`: NetLens models Keras graphs channels-last only. */
export function requireChannelsLast(op: string, attrs: Attrs): void {
  const format = attrs.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new OpArgumentError(`${op}: data_format=${show(format)} is not supported (NetLens analyses Keras models channels-last)`);
  }
}

/** Output length of one spatial axis as TensorFlow computes it; null stays null. */
export function tfOutputLength(length: number | null, kernel: number, stride: number, dilation: number, padding: KerasPadding): number | null {
  if (length === null) return null;
  if (padding === 'same') return Math.ceil(length / stride);
  const effective = (kernel - 1) * dilation + 1;
  return Math.floor((length - effective) / stride) + 1;
}

/** Output H, W of a windowed op on an N,H,W,C input; throws a ShapeError when the window does not fit. */
export function windowedOutput(op: string, input: Shape, kernel: [number, number], stride: [number, number], dilation: [number, number],
  padding: KerasPadding): [number | null, number | null] {
  const out: (number | null)[] = [0, 1].map((axis) => tfOutputLength(input[axis + 1] as number | null, kernel[axis] as number, stride[axis] as number,
    dilation[axis] as number, padding));
  if (out.some((d) => d !== null && d < 1)) {
    const effective = kernel.map((k, axis) => (k - 1) * (dilation[axis] as number) + 1);
    throw new ShapeError(
      `${op}: a ${effective.join('×')} window with padding="valid" does not fit the ${formatShape(input.slice(1,
        3))} spatial size of ${formatShape(input)} (channels-last)`,
      'input-too-small',
    );
  }
  return [out[0] as number | null, out[1] as number | null];
}

/** Requires an N,H,W,C input. */
/** Requires a Keras sequence input (batch, steps, features). */
export function requireSequence(op: string, input: Shape): void {
  if (input.length !== 3) throw new ShapeError(`${op} expects a 3-D input (batch, steps, features) but got ${formatShape(input)} (rank ${input.length})`,
    'rank-mismatch');
}

export function requireImage(op: string, input: Shape): void {
  if (input.length !== 4) {
    throw new ShapeError(`${op} expects a 4-D input (batch, height, width, channels) but got ${formatShape(input)} (rank ${input.length})`, 'rank-mismatch');
  }
}

/** Requires a batched input with a feature axis (batch, ..., features). */
export function requireAtLeastRank2(op: string, input: Shape): void {
  if (input.length < 2) throw new ShapeError(`${op} expects an input of rank 2 or more (batch, ..., features) but got ${formatShape(input)}`, 'rank-mismatch');
}

/** Product of the known dims with an unknown batch counted as 1 (Keras reports per-sample figures when batch is None). */
export function elementsPerBatch(shape: Shape): number {
  return shape.reduce<number>((acc, d, axis) => acc * (d === null ? (axis === 0 ? 1 : 0) : d), 1);
}

const ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'sigmoid', 'softmax', 'log_softmax', 'tanh', 'elu', 'selu', 'softplus', 'softsign',
  'swish', 'silu', 'gelu', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'leaky_relu', 'exponential', 'mish',
] as const;
export type KerasActivation = (typeof ACTIVATIONS)[number];

/** `activation=None | "relu" | ...` → the activation name (None is "linear"). */
export function readActivation(op: string, attrs: Attrs, name = 'activation'): KerasActivation {
  const value = attrs[name];
  if (value === null || value === undefined) return 'linear';
  if (typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value)) return value as KerasActivation;
  throw new OpArgumentError(`${op}: ${name} must be one of ${ACTIVATIONS.map((a) => `"${a}"`).join(', ')} or None, got ${show(value)}`);
}

/** Applies a Keras activation by name (Keras 3 definitions). */
export function applyActivation(tf: Tf, activation: KerasActivation, x: TfTensor): TfTensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softmax':
      return tf.softmax(x, -1);
    case 'log_softmax':
      return tf.logSoftmax(x, -1);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'softplus':
      return tf.softplus(x);
    case 'softsign':
      return tf.div(x, tf.add(tf.abs(x), 1));
    case 'swish':
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
    case 'hard_sigmoid':
      return tf.div(tf.relu6(tf.add(x, 3)), 6);
    case 'hard_silu':
    case 'hard_swish':
      return tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6));
    case 'leaky_relu':
      return tf.leakyRelu(x, 0.2);
    case 'exponential':
      return tf.exp(x);
    case 'mish':
      return tf.mul(x, tf.tanh(tf.softplus(x)));
  }
}

/** Keras's default kernel initialiser, glorot_uniform: U(-b, b) with b = sqrt(6 / (fan_in + fan_out)). */
export function glorotUniform(fanIn: number, fanOut: number): InitSpec {
  return { kind: 'uniform', bound: Math.sqrt(6 / Math.max(1, fanIn + fanOut)) };
}

export const ZEROS: InitSpec = { kind: 'constant', value: 0 };
export const ONES: InitSpec = { kind: 'constant', value: 1 };

/** The input size a built layer recorded, or null before its first call. */
export function builtInputDim(attrs: Attrs): number | null {
  const value = attrs[BUILT_INPUT_DIM];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** A reused layer must see the input size it was built for. */
export function checkBuiltDim(op: string, attrs: Attrs, input: Shape, what: string): void {
  const built = builtInputDim(attrs);
  const got = input[input.length - 1];
  if (built !== null && got !== null && got !== undefined && got !== built) {
    throw new ShapeError(
      `${op} was built for inputs with ${built} ${what} but is applied to ${formatShape(input)} (${got} ${what}, channels-last)`,
      'channel-mismatch',
    );
  }
}
