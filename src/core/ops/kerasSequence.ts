// Keras sequence entries (batch, steps, features): Embedding, MultiHeadAttention, 1-D pooling and global pooling,
// and the shape-only layers of sequence models (RepeatVector, Permute).
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import {
  ZEROS, builtInputDim, elementsPerBatch, glorotUniform, readPadding, requireAtLeastRank2, requireChannelsLast, requireSequence, tfOutputLength,
} from './kerasArgs';
import { makeGlobalPool } from './kerasPool';

/** The feature sizes of each input a multi-input layer was built for (query, value, key), recorded on its first call. */
export const BUILT_INPUT_DIMS = 'built_input_dims';

const embedding: OpSpec = {
  op: 'keras.Embedding',
  category: 'embedding',
  moduleNames: ['keras.layers.Embedding'],
  signature: [
    { name: 'input_dim' },
    { name: 'output_dim' },
    { name: 'embeddings_initializer', default: 'uniform' },
    { name: 'embeddings_regularizer', default: null },
    { name: 'embeddings_constraint', default: null },
    { name: 'mask_zero', default: false },
    { name: 'weights', default: null },
  ],
  normalize: (attrs) => ({ ...attrs, input_dim: readPositiveInt('Embedding', attrs, 'input_dim'), output_dim: readPositiveInt('Embedding', attrs,
    'output_dim'), embeddings_initializer: null, embeddings_regularizer: null, embeddings_constraint: null, weights: null }),
  weights: (attrs) => [{ name: 'embeddings', shape: [attrs.input_dim as number, attrs.output_dim as number], trainable: true,
    init: { kind: 'uniform', bound: 0.05 } }],
  inferShape: (attrs, inputs) => [...(inputs[0] as Shape), attrs.output_dim as number],
  summary: (attrs) => `${attrs.input_dim}→${attrs.output_dim}`,
  // Ids outside the table (a run's random input) are clamped into it, as the PyTorch entry does.
  forward: (tf, attrs, inputs, weights) => tf.gather(weights.embeddings as TfTensor,
    tf.clipByValue(tf.cast(inputs[0] as TfTensor, 'int32'), 0, (attrs.input_dim as number) - 1)),
};

/** Query, value and key feature sizes of a built MultiHeadAttention (key defaults to value); nulls before its first call. */
function attentionDims(attrs: Attrs): { q: number | null; v: number | null; k: number | null } {
  const dims = attrs[BUILT_INPUT_DIMS];
  const list = Array.isArray(dims) ? (dims as (number | null)[]) : [builtInputDim(attrs)];
  const q = list[0] ?? null;
  const v = list[1] ?? q;
  return { q, v, k: list[2] ?? v };
}

const multiHeadAttention: OpSpec = {
  op: 'MultiHeadAttention',
  category: 'attention',
  moduleNames: ['keras.layers.MultiHeadAttention'],
  signature: [
    { name: 'num_heads' },
    { name: 'key_dim' },
    { name: 'value_dim', default: null },
    { name: 'dropout', default: 0 },
    { name: 'use_bias', default: true },
    { name: 'output_shape', default: null },
    { name: 'attention_axes', default: null },
  ],
  tensorInputs: 'list',
  normalize(attrs: Attrs): Attrs {
    const heads = readPositiveInt('MultiHeadAttention', attrs, 'num_heads');
    const keyDim = readPositiveInt('MultiHeadAttention', attrs, 'key_dim');
    const valueDim = attrs.value_dim === null ? keyDim : readPositiveInt('MultiHeadAttention', attrs, 'value_dim');
    const out = attrs.output_shape;
    const outDim = out === null ? null : typeof out === 'number' ? out : Array.isArray(out) && out.length === 1 ? out[0] : undefined;
    if (outDim !== null && (typeof outDim !== 'number' || !Number.isInteger(outDim) || outDim < 1)) {
      throw new OpArgumentError(`MultiHeadAttention: output_shape must be an integer (or a 1-tuple), got ${JSON.stringify(out)}`);
    }
    if (attrs.attention_axes !== null) throw new OpArgumentError('MultiHeadAttention: attention_axes is not supported (attention over the steps axis only)');
    return { ...attrs, num_heads: heads, key_dim: keyDim, value_dim: valueDim, output_shape: outDim, use_bias: readBool(attrs, 'use_bias') };
  },
  weights(attrs: Attrs): WeightSpec[] {
    const { q, v, k } = attentionDims(attrs);
    if (q === null || v === null || k === null) return [];
    const h = attrs.num_heads as number;
    const kd = attrs.key_dim as number;
    const vd = attrs.value_dim as number;
    const out = (attrs.output_shape as number | null) ?? q;
    const dense = (name: string, fin: number, heads: number, dim: number): WeightSpec[] => [
      { name: `${name}_kernel`, shape: [fin, heads, dim], trainable: true, init: glorotUniform(fin, heads * dim) },
      ...(attrs.use_bias ? [{ name: `${name}_bias`, shape: [heads, dim], trainable: true, init: ZEROS }] : []),
    ];
    return [
      ...dense('query', q, h, kd),
      ...dense('key', k, h, kd),
      ...dense('value', v, h, vd),
      { name: 'output_kernel', shape: [h, vd, out], trainable: true, init: glorotUniform(h * vd, out) },
      ...(attrs.use_bias ? [{ name: 'output_bias', shape: [out], trainable: true, init: ZEROS }] : []),
    ];
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    if (inputs.length < 2) throw new ShapeError(`MultiHeadAttention expects query and value tensors but got ${inputs.length}`, 'arity-mismatch');
    const [query, value, key] = inputs as [Shape, Shape, Shape | undefined];
    for (const s of [query, value, ...(key ? [key] : [])]) requireAtLeastRank2('MultiHeadAttention', s);
    if (query.length !== 3 || value.length !== 3) {
      throw new ShapeError(`MultiHeadAttention: NetLens models (batch, steps, features) inputs; got query ${formatShape(query)}, value ${formatShape(value)}`,
        'rank-mismatch');
    }
    if (key && key[1] !== null && value[1] !== null && key[1] !== value[1]) {
      throw new ShapeError(`MultiHeadAttention: key ${formatShape(key)} and value ${formatShape(value)} must have the same number of steps`, 'shape-mismatch');
    }
    const { q, v, k } = attentionDims(attrs);
    const got = [query[2], value[2], (key ?? value)[2]];
    [q, v, k].forEach((built, i) => {
      if (built !== null && got[i] !== null && got[i] !== built) {
        throw new ShapeError(`MultiHeadAttention was built for ${['query', 'value', 'key'][i]} features ${built} but is applied to ${got[i]}`, 'channel-mismatch');
      }
    });
    return [query[0] as number | null, query[1] as number | null, (attrs.output_shape as number | null) ?? (query[2] as number | null)];
  },
  macs(attrs: Attrs, inputs: Shape[], output: Shape): number {
    const [query, value] = inputs as [Shape, Shape];
    const tq = elementsPerBatch(query.slice(0, -1));
    const tv = elementsPerBatch(value.slice(0, -1));
    const h = attrs.num_heads as number;
    const kd = attrs.key_dim as number;
    const vd = attrs.value_dim as number;
    const { q, v, k } = attentionDims(attrs);
    const out = output[2] ?? 0;
    const projections = tq * (q ?? 0) * h * kd + tv * ((k ?? 0) * h * kd + (v ?? 0) * h * vd) + tq * h * vd * out;
    const steps = (value[1] as number | null) ?? 0;
    return projections + tq * h * steps * (kd + vd);
  },
  summary: (attrs) => `${attrs.num_heads} heads × ${attrs.key_dim}`,
  forward(tf: Tf, attrs: Attrs, inputs: TfTensor[], weights: Record<string, TfTensor>): TfTensor {
    const [query, value] = inputs as [TfTensor, TfTensor];
    const key = inputs[2] ?? value;
    const h = attrs.num_heads as number;
    const kd = attrs.key_dim as number;
    const vd = attrs.value_dim as number;
    const project = (x: TfTensor, name: string, dim: number): TfTensor => {
      const [b, t, f] = x.shape as number[];
      const kernel = tf.reshape(weights[`${name}_kernel`] as TfTensor, [f as number, h * dim]);
      let y = tf.matMul(tf.reshape(x, [(b as number) * (t as number), f as number]) as never, kernel as never) as TfTensor;
      if (weights[`${name}_bias`]) y = tf.add(y, tf.reshape(weights[`${name}_bias`] as TfTensor, [h * dim]));
      return tf.transpose(tf.reshape(y, [b as number, t as number, h, dim]), [0, 2, 1, 3]);
    };
    const q = tf.mul(project(query, 'query', kd), 1 / Math.sqrt(kd));
    const k = project(key, 'key', kd);
    const v = project(value, 'value', vd);
    const scores = tf.softmax(tf.matMul(q as never, k as never, false, true) as TfTensor, -1);
    const context = tf.transpose(tf.matMul(scores as never, v as never) as TfTensor, [0, 2, 1, 3]);
    const [b, tq] = query.shape as number[];
    const outKernel = weights.output_kernel as TfTensor;
    const out = outKernel.shape[2] as number;
    let y = tf.matMul(tf.reshape(context, [(b as number) * (tq as number), h * vd]) as never, tf.reshape(outKernel, [h * vd, out]) as never) as TfTensor;
    if (weights.output_bias) y = tf.add(y, weights.output_bias);
    return tf.reshape(y, [b as number, tq as number, out]);
  },
};

function makePool1d(op: 'MaxPooling1D' | 'AveragePooling1D', names: string[]): OpSpec {
  return {
    op,
    category: 'pool',
    moduleNames: names,
    signature: [
      { name: 'pool_size', default: 2 },
      { name: 'strides', default: null },
      { name: 'padding', default: 'valid' },
      { name: 'data_format', default: null },
    ],
    normalize(attrs: Attrs): Attrs {
      requireChannelsLast(op, attrs);
      const one = (v: unknown, name: string): number => {
        const x = Array.isArray(v) && v.length === 1 ? v[0] : v;
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) throw new OpArgumentError(`${op}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
        return x;
      };
      const pool = one(attrs.pool_size, 'pool_size');
      return { ...attrs, pool_size: pool, strides: attrs.strides === null ? pool : one(attrs.strides, 'strides'), padding: readPadding(op, attrs) };
    },
    inferShape(attrs: Attrs, inputs: Shape[]): Shape {
      const input = inputs[0] as Shape;
      requireSequence(op, input);
      const steps = tfOutputLength(input[1] as number | null, attrs.pool_size as number, attrs.strides as number, 1, attrs.padding as 'same' | 'valid');
      if (steps !== null && steps < 1) {
        throw new ShapeError(`${op}: a window of ${attrs.pool_size} does not fit the steps of ${formatShape(input)}`, 'input-too-small');
      }
      return [input[0] as number | null, steps, input[2] as number | null];
    },
    summary: (attrs) => `${attrs.pool_size}, s${attrs.strides}${attrs.padding === 'same' ? ', same' : ''}`,
    forward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
      const x = inputs[0] as TfTensor;
      const image = tf.expandDims(x, 1) as Parameters<Tf['maxPool']>[0];
      const pool: [number, number] = [1, attrs.pool_size as number];
      const strides: [number, number] = [1, attrs.strides as number];
      const pad = attrs.padding as 'same' | 'valid';
      return tf.squeeze(op === 'MaxPooling1D' ? tf.maxPool(image, pool, strides, pad) : tf.avgPool(image, pool, strides, pad), [1]);
    },
  };
}

const repeatVector: OpSpec = {
  op: 'RepeatVector',
  category: 'reshape',
  moduleNames: ['keras.layers.RepeatVector'],
  signature: [{ name: 'n' }],
  normalize: (attrs) => ({ ...attrs, n: readPositiveInt('RepeatVector', attrs, 'n') }),
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    if (input.length !== 2) throw new ShapeError(`RepeatVector expects a 2-D input (batch, features) but got ${formatShape(input)}`, 'rank-mismatch');
    return [input[0] as number | null, attrs.n as number, input[1] as number | null];
  },
  summary: (attrs) => `×${attrs.n}`,
  forward: (tf, attrs, inputs) => tf.tile(tf.expandDims(inputs[0] as TfTensor, 1), [1, attrs.n as number, 1]),
};

const permute: OpSpec = {
  op: 'Permute',
  category: 'reshape',
  moduleNames: ['keras.layers.Permute'],
  signature: [{ name: 'dims' }],
  normalize(attrs: Attrs): Attrs {
    const dims = attrs.dims;
    const sorted = Array.isArray(dims) ? [...dims].sort() : null;
    if (!Array.isArray(dims) || !sorted!.every((d, i) => d === i + 1)) {
      throw new OpArgumentError(`Permute: dims must be a permutation of 1..rank (the batch axis stays first), got ${JSON.stringify(dims)}`);
    }
    return attrs;
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = inputs[0] as Shape;
    const dims = attrs.dims as number[];
    if (dims.length !== input.length - 1) throw new ShapeError(`Permute: dims ${JSON.stringify(dims)} do not fit ${formatShape(input)}`, 'rank-mismatch');
    return [input[0] as number | null, ...dims.map((d) => input[d] as number | null)];
  },
  summary: (attrs) => `(${(attrs.dims as number[]).join(', ')})`,
  forward: (tf, attrs, inputs) => tf.transpose(inputs[0] as TfTensor, [0, ...(attrs.dims as number[])]),
};

export const KERAS_SEQUENCE_OPS: readonly OpSpec[] = [
  embedding,
  multiHeadAttention,
  makePool1d('MaxPooling1D', ['keras.layers.MaxPooling1D', 'keras.layers.MaxPool1D']),
  makePool1d('AveragePooling1D', ['keras.layers.AveragePooling1D', 'keras.layers.AvgPool1D']),
  makeGlobalPool('GlobalAveragePooling1D', ['keras.layers.GlobalAveragePooling1D', 'keras.layers.GlobalAvgPool1D'], 1),
  makeGlobalPool('GlobalMaxPooling1D', ['keras.layers.GlobalMaxPooling1D', 'keras.layers.GlobalMaxPool1D'], 1),
  repeatVector,
  permute,
];
