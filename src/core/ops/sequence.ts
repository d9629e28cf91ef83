// Sequence-model entries (shapes, parameters, MACs): nn.Embedding, nn.RNN/LSTM/GRU and their cells, nn.MultiheadAttention.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type TfTensor, type TupleOutput, type WeightSpec } from './types';
import { readBool, readChoice, readInt, readOptionalInt, readPositiveInt } from './args';
import { formatShape, numel } from './shapeText';
import { fromTorchOrder, toTorchOrder } from './layout';
import { cellForward, recurrentForward } from './recurrentForward';
import { mhaForward } from './attentionForward';

const DEVICE: ParamSpec[] = [{ name: 'device', default: null }, { name: 'dtype', default: null }];

function uniform(name: string, shape: number[], bound: number): WeightSpec {
  return { name, shape, trainable: true, init: { kind: 'uniform', bound } };
}

export const Embedding: OpSpec = {
  op: 'Embedding',
  category: 'embedding',
  moduleNames: ['torch.nn.Embedding'],
  signature: [
    { name: 'num_embeddings' },
    { name: 'embedding_dim' },
    { name: 'padding_idx', default: null },
    { name: 'max_norm', default: null },
    { name: 'norm_type', default: 2.0 },
    { name: 'scale_grad_by_freq', default: false },
    { name: 'sparse', default: false },
    { name: '_weight', default: null },
    { name: '_freeze', default: false },
    ...DEVICE,
  ],
  normalize: (attrs) => {
    const num = readPositiveInt('Embedding', attrs, 'num_embeddings');
    const pad = readOptionalInt('Embedding', attrs, 'padding_idx');
    if (pad !== null && (pad >= num || pad < -num)) throw new OpArgumentError(`Embedding: padding_idx must be within num_embeddings (${num}), got ${pad}`);
    return { ...attrs, num_embeddings: num, embedding_dim: readPositiveInt('Embedding', attrs, 'embedding_dim'), padding_idx: pad };
  },
  weights: (attrs) => [{ name: 'weight', shape: [readPositiveInt('Embedding', attrs, 'num_embeddings'), readPositiveInt('Embedding', attrs, 'embedding_dim')],
    trainable: !readBool(attrs, '_freeze'), init: { kind: 'uniform', bound: Math.sqrt(3) } }], // uniform with unit variance, like PyTorch's N(0, 1)
  inferShape: (attrs, inputs) => [...(inputs[0] as Shape), readPositiveInt('Embedding', attrs, 'embedding_dim')],
  summary: (attrs) => `${attrs.num_embeddings}×${attrs.embedding_dim}`,
  /** Rows of the table by index (values truncated to integers and clamped into the table, as run inputs are floats). */
  forward: (tf, attrs, inputs, weights) =>
    tf.tidy(() => {
      const num = readPositiveInt('Embedding', attrs, 'num_embeddings');
      const indices = tf.clipByValue(tf.cast(toTorchOrder(tf, inputs[0] as TfTensor), 'int32'), 0, num - 1);
      return fromTorchOrder(tf, tf.gather(weights.weight as TfTensor, indices));
    }),
};

type RnnKind = 'RNN' | 'LSTM' | 'GRU';
const GATES: Record<RnnKind, number> = { RNN: 1, LSTM: 4, GRU: 3 };

interface RnnConfig {
  input: number;
  hidden: number;
  layers: number;
  bias: boolean;
  batchFirst: boolean;
  directions: number;
  /** LSTM's proj_size, else 0. */
  proj: number;
}

function rnnConfig(kind: RnnKind, attrs: Attrs): RnnConfig {
  const proj = kind === 'LSTM' ? readInt(kind, attrs, 'proj_size') : 0;
  const hidden = readPositiveInt(kind, attrs, 'hidden_size');
  if (proj < 0 || (proj > 0 && proj >= hidden))
    throw new OpArgumentError(`${kind}: proj_size must be between 0 and hidden_size (${hidden}) exclusive, got ${proj}`);
  return {
    input: readPositiveInt(kind, attrs, 'input_size'),
    hidden,
    layers: readPositiveInt(kind, attrs, 'num_layers'),
    bias: readBool(attrs, 'bias'),
    batchFirst: readBool(attrs, 'batch_first'),
    directions: readBool(attrs, 'bidirectional') ? 2 : 1,
    proj,
  };
}

function rnnWeights(kind: RnnKind, attrs: Attrs): WeightSpec[] {
  const c = rnnConfig(kind, attrs);
  const gates = GATES[kind] * c.hidden;
  const out = c.proj || c.hidden;
  const bound = 1 / Math.sqrt(c.hidden);
  const specs: WeightSpec[] = [];
  for (let layer = 0; layer < c.layers; layer++) {
    for (let d = 0; d < c.directions; d++) {
      const sfx = `_l${layer}${d === 1 ? '_reverse' : ''}`;
      const inSize = layer === 0 ? c.input : out * c.directions;
      specs.push(uniform(`weight_ih${sfx}`, [gates, inSize], bound), uniform(`weight_hh${sfx}`, [gates, out], bound));
      if (c.bias) specs.push(uniform(`bias_ih${sfx}`, [gates], bound), uniform(`bias_hh${sfx}`, [gates], bound));
      if (c.proj) specs.push(uniform(`weight_hr${sfx}`, [c.proj, c.hidden], bound));
    }
  }
  return specs;
}

/** Input (L, N, H_in), or (N, L, H_in) with batch_first, or unbatched (L, H_in). */
function rnnInput(kind: RnnKind, c: RnnConfig, input: Shape): { batch: number | null; steps: number | null; unbatched: boolean } {
  if (input.length !== 2 && input.length !== 3)
    throw new ShapeError(`${kind} expects a 2-D (unbatched) or 3-D input but got ${formatShape(input)}`, 'rank-mismatch');
  const features = input[input.length - 1];
  if (features !== null && features !== c.input) {
    throw new ShapeError(`${kind} expects ${c.input} input features (last dimension) but got ${features} (input ${formatShape(input)})`, 'in-features-mismatch',
      `use nn.${kind}(${features}, ${c.hidden}, ...)`);
  }
  if (input.length === 2) return { batch: null, steps: input[0], unbatched: true };
  return c.batchFirst ? { batch: input[0], steps: input[1], unbatched: false } : { batch: input[1], steps: input[0], unbatched: false };
}

function rnnEntry(kind: RnnKind): OpSpec {
  const signature: ParamSpec[] = [
    { name: 'input_size' },
    { name: 'hidden_size' },
    { name: 'num_layers', default: 1 },
    ...(kind === 'RNN' ? [{ name: 'nonlinearity', default: 'tanh' }] : []),
    { name: 'bias', default: true },
    { name: 'batch_first', default: false },
    { name: 'dropout', default: 0.0 },
    { name: 'bidirectional', default: false },
    ...(kind === 'LSTM' ? [{ name: 'proj_size', default: 0 }] : []),
    ...DEVICE,
  ];
  return {
    op: kind,
    category: 'sequence',
    moduleNames: [`torch.nn.${kind}`],
    signature,
    normalize: (attrs) => {
      rnnConfig(kind, attrs);
      if (kind === 'RNN') readChoice(kind, attrs, 'nonlinearity', ['tanh', 'relu']);
      return attrs;
    },
    weights: (attrs) => rnnWeights(kind, attrs),
    inferShape: (attrs, inputs) => {
      const c = rnnConfig(kind, attrs);
      const input = inputs[0] as Shape;
      rnnInput(kind, c, input);
      return [...input.slice(0, -1), (c.proj || c.hidden) * c.directions];
    },
    tupleOutputs: (attrs, inputs) => {
      const c = rnnConfig(kind, attrs);
      const { batch, unbatched } = rnnInput(kind, c, inputs[0] as Shape);
      const state = (size: number): Shape => (unbatched ? [c.layers * c.directions, size] : [c.layers * c.directions, batch, size]);
      const h: TupleOutput = { shape: state(c.proj || c.hidden) };
      return kind === 'LSTM' ? [{ items: [h, { shape: state(c.hidden) }] }] : [h];
    },
    macs: (attrs, inputs) => {
      const c = rnnConfig(kind, attrs);
      const { batch, steps } = rnnInput(kind, c, inputs[0] as Shape);
      const out = c.proj || c.hidden;
      let perStep = 0;
      for (let layer = 0; layer < c.layers; layer++) {
        const inSize = layer === 0 ? c.input : out * c.directions;
        perStep += c.directions * (GATES[kind] * c.hidden * (inSize + out) + c.proj * c.hidden);
      }
      return (numel([batch ?? 1, steps]) ?? 0) * perStep;
    },
    callSignature: [{ name: 'hx', default: null }],
    forwardTuple: (tf, attrs, inputs, weights) => recurrentForward(kind, tf, attrs, inputs, weights),
    summary: (attrs) => {
      const c = rnnConfig(kind, attrs);
      return `${c.input}→${c.hidden}${c.layers > 1 ? `, ${c.layers} layers` : ''}${c.directions === 2 ? ', bidirectional' : ''}`;
    },
  };
}

function cellEntry(kind: RnnKind): OpSpec {
  const name = `${kind}Cell`;
  return {
    op: name,
    category: 'sequence',
    moduleNames: [`torch.nn.${name}`],
    signature: [{ name: 'input_size' }, { name: 'hidden_size' }, { name: 'bias', default: true },
      ...(kind === 'RNN' ? [{ name: 'nonlinearity', default: 'tanh' }] : []), ...DEVICE],
    normalize: (attrs) => ({ ...attrs, input_size: readPositiveInt(name, attrs, 'input_size'), hidden_size: readPositiveInt(name, attrs, 'hidden_size') }),
    weights: (attrs) => {
      const input = readPositiveInt(name, attrs, 'input_size');
      const hidden = readPositiveInt(name, attrs, 'hidden_size');
      const bound = 1 / Math.sqrt(hidden);
      const g = GATES[kind] * hidden;
      const specs = [uniform('weight_ih', [g, input], bound), uniform('weight_hh', [g, hidden], bound)];
      if (readBool(attrs, 'bias')) specs.push(uniform('bias_ih', [g], bound), uniform('bias_hh', [g], bound));
      return specs;
    },
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      const expected = readPositiveInt(name, attrs, 'input_size');
      if (input.length !== 1 && input.length !== 2) throw new ShapeError(`${name} expects a 1-D or 2-D input but got ${formatShape(input)}`, 'rank-mismatch');
      const got = input[input.length - 1];
      if (got !== null && got !== expected)
        throw new ShapeError(`${name} expects ${expected} input features but got ${got} (input ${formatShape(input)})`, 'in-features-mismatch');
      return [...input.slice(0, -1), readPositiveInt(name, attrs, 'hidden_size')];
    },
    tupleOutputs: kind === 'LSTM' ? (_attrs, _inputs, output) => [{ shape: output }] : undefined,
    macs: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      const hidden = readPositiveInt(name, attrs, 'hidden_size');
      return (numel(input.slice(0, -1)) ?? 0) * GATES[kind] * hidden * (readPositiveInt(name, attrs, 'input_size') + hidden);
    },
    callSignature: [{ name: 'hx', default: null }],
    forwardTuple: (tf, attrs, inputs, weights) => cellForward(kind, tf, attrs, inputs, weights),
    summary: (attrs) => `${attrs.input_size}→${attrs.hidden_size}`,
  };
}

interface MhaConfig {
  embed: number;
  heads: number;
  kdim: number;
  vdim: number;
  bias: boolean;
  biasKv: boolean;
  batchFirst: boolean;
}

function mhaConfig(attrs: Attrs): MhaConfig {
  const embed = readPositiveInt('MultiheadAttention', attrs, 'embed_dim');
  const heads = readPositiveInt('MultiheadAttention', attrs, 'num_heads');
  if (embed % heads !== 0) throw new OpArgumentError(`MultiheadAttention: embed_dim (${embed}) must be divisible by num_heads (${heads})`);
  return {
    embed,
    heads,
    kdim: readOptionalInt('MultiheadAttention', attrs, 'kdim') ?? embed,
    vdim: readOptionalInt('MultiheadAttention', attrs, 'vdim') ?? embed,
    bias: readBool(attrs, 'bias'),
    biasKv: readBool(attrs, 'add_bias_kv'),
    batchFirst: readBool(attrs, 'batch_first'),
  };
}

/** (L, N, E) or (N, L, E) with batch_first, or unbatched (L, E): returns [batch, length]. */
function mhaDims(c: MhaConfig, shape: Shape, what: string, features: number): [number | null, number | null] {
  if (shape.length !== 2 && shape.length !== 3)
    throw new ShapeError(`MultiheadAttention expects a 2-D or 3-D ${what} but got ${formatShape(shape)}`, 'rank-mismatch');
  const got = shape[shape.length - 1];
  if (got !== null && got !== features)
    throw new ShapeError(`MultiheadAttention expects ${what} with ${features} features (last dimension) but got ${formatShape(shape)}`, 'in-features-mismatch');
  if (shape.length === 2) return [null, shape[0]];
  return c.batchFirst ? [shape[0], shape[1]] : [shape[1], shape[0]];
}

export const MultiheadAttention: OpSpec = {
  op: 'MultiheadAttention',
  category: 'attention',
  moduleNames: ['torch.nn.MultiheadAttention'],
  signature: [
    { name: 'embed_dim' },
    { name: 'num_heads' },
    { name: 'dropout', default: 0.0 },
    { name: 'bias', default: true },
    { name: 'add_bias_kv', default: false },
    { name: 'add_zero_attn', default: false },
    { name: 'kdim', default: null },
    { name: 'vdim', default: null },
    { name: 'batch_first', default: false },
    ...DEVICE,
  ],
  tensorInputs: 3,
  normalize: (attrs) => {
    mhaConfig(attrs);
    return attrs;
  },
  weights: (attrs) => {
    const c = mhaConfig(attrs);
    const e = c.embed;
    const bound = Math.sqrt(6 / (e + e));
    const specs: WeightSpec[] = [];
    if (c.kdim === e && c.vdim === e) specs.push(uniform('in_proj_weight', [3 * e, e], bound));
    else specs.push(uniform('q_proj_weight', [e, e], bound), uniform('k_proj_weight', [e, c.kdim], bound), uniform('v_proj_weight', [e, c.vdim], bound));
    if (c.bias) specs.push({ name: 'in_proj_bias', shape: [3 * e], trainable: true, init: { kind: 'constant', value: 0 } });
    if (c.biasKv) specs.push(uniform('bias_k', [1, 1, e], bound), uniform('bias_v', [1, 1, e], bound));
    specs.push(uniform('out_proj.weight', [e, e], 1 / Math.sqrt(e)));
    if (c.bias) specs.push({ name: 'out_proj.bias', shape: [e], trainable: true, init: { kind: 'constant', value: 0 } });
    return specs;
  },
  inferShape: (attrs, inputs) => {
    const c = mhaConfig(attrs);
    const [q, k, v] = inputs as [Shape, Shape, Shape];
    const [qb] = mhaDims(c, q, 'query', c.embed);
    const [kb, kl] = mhaDims(c, k, 'key', c.kdim);
    const [vb, vl] = mhaDims(c, v, 'value', c.vdim);
    if (q.length !== k.length || q.length !== v.length)
      throw new ShapeError(`MultiheadAttention: query, key and value must all be batched or all unbatched, got ${formatShape(q)}, ${formatShape(k)}, ${formatShape(v)}`, 'rank-mismatch');
    const clash = (a: number | null, b: number | null): boolean => a !== null && b !== null && a !== b;
    if (clash(qb, kb) || clash(kb, vb))
      throw new ShapeError(`MultiheadAttention: query, key and value batch sizes differ (${formatShape(q)}, ${formatShape(k)}, ${formatShape(v)})`,
        'batch-mismatch');
    if (clash(kl, vl))
      throw new ShapeError(`MultiheadAttention: key and value must have the same sequence length, got ${formatShape(k)} and ${formatShape(v)}`,
        'shape-mismatch');
    return [...q.slice(0, -1), c.embed];
  },
  tupleOutputs: (attrs, inputs) => {
    const c = mhaConfig(attrs);
    const [qb, ql] = mhaDims(c, inputs[0] as Shape, 'query', c.embed);
    const [, kl] = mhaDims(c, inputs[1] as Shape, 'key', c.kdim);
    const perHead = attrs.average_attn_weights === false ? [c.heads, ql, kl] : [ql, kl];
    return [{ shape: (inputs[0] as Shape).length === 2 ? perHead : [qb, ...perHead] }];
  },
  macs: (attrs, inputs) => {
    const c = mhaConfig(attrs);
    const [qb, ql] = mhaDims(c, inputs[0] as Shape, 'query', c.embed);
    const [, kl] = mhaDims(c, inputs[1] as Shape, 'key', c.kdim);
    const n = qb ?? 1;
    const projections = (numel([n, ql]) ?? 0) * c.embed * c.embed * 2 + (numel([n, kl]) ?? 0) * c.embed * (c.kdim + c.vdim);
    const attention = (numel([n, ql, kl]) ?? 0) * c.embed * 2;
    return projections + attention;
  },
  callSignature: [{ name: 'key_padding_mask', default: null }, { name: 'need_weights', default: true }, { name: 'attn_mask', default: null },
    { name: 'average_attn_weights', default: true }, { name: 'is_causal', default: false }],
  forwardTuple: mhaForward,
  summary: (attrs) => `${attrs.embed_dim}, ${attrs.num_heads} heads`,
};

export const SEQUENCE_OPS: OpSpec[] = [Embedding, rnnEntry('RNN'), rnnEntry('LSTM'), rnnEntry('GRU'), cellEntry('RNN'), cellEntry('LSTM'), cellEntry('GRU'),
  MultiheadAttention];
