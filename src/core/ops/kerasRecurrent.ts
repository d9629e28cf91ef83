// Keras recurrent entries: SimpleRNN, LSTM, GRU (reset_after) and Bidirectional over one of them; shapes, Keras's
// weights (kernel, recurrent_kernel, bias), MACs and a step-by-step forward (Keras's gate order: LSTM i, f, c, o; GRU z, r, h).
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor, type WeightSpec } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import { ZEROS, applyActivation, builtInputDim, checkBuiltDim, elementsPerBatch, glorotUniform, readActivation } from './kerasArgs';

type Cell = 'SimpleRNN' | 'LSTM' | 'GRU';
const GATES: Record<Cell, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

const rnnSignature: ParamSpec[] = [
  { name: 'units' },
  { name: 'activation', default: 'tanh' },
  { name: 'recurrent_activation', default: 'sigmoid' },
  { name: 'use_bias', default: true },
  { name: 'return_sequences', default: false },
  { name: 'return_state', default: false },
  { name: 'go_backwards', default: false },
  { name: 'stateful', default: false },
  { name: 'unroll', default: false },
  { name: 'dropout', default: 0 },
  { name: 'recurrent_dropout', default: 0 },
  { name: 'reset_after', default: true },
  { name: 'unit_forget_bias', default: true },
  { name: 'time_major', default: false },
];

function normalizeRnn(op: string) {
  return (attrs: Attrs): Attrs => {
    if (attrs.return_state === true) throw new OpArgumentError(`${op}: return_state=True (a list of the output and the states) is not modelled`);
    if (attrs.time_major === true) throw new OpArgumentError(`${op}: time_major=True is not modelled (NetLens reads (batch, steps, features))`);
    return { ...attrs, units: readPositiveInt(op, attrs, 'units'), use_bias: readBool(attrs, 'use_bias'), return_sequences: readBool(attrs,
      'return_sequences'), reset_after: readBool(attrs, 'reset_after') };
  };
}

/** One direction's weights, as Keras names and shapes them. */
function cellWeights(cell: Cell, attrs: Attrs, features: number, prefix = ''): WeightSpec[] {
  const units = attrs.units as number;
  const width = GATES[cell] * units;
  const out: WeightSpec[] = [
    { name: `${prefix}kernel`, shape: [features, width], trainable: true, init: glorotUniform(features, width) },
    { name: `${prefix}recurrent_kernel`, shape: [units, width], trainable: true, init: glorotUniform(units, width) },
  ];
  if (attrs.use_bias) {
    const shape = cell === 'GRU' && attrs.reset_after ? [2, width] : [width];
    out.push({ name: `${prefix}bias`, shape, trainable: true, init: ZEROS });
  }
  return out;
}

function sequenceInput(op: string, attrs: Attrs, inputs: Shape[]): Shape {
  const input = inputs[0] as Shape;
  if (input.length !== 3) throw new ShapeError(`${op} expects a 3-D input (batch, steps, features) but got ${formatShape(input)} (rank ${input.length})`,
    'rank-mismatch');
  checkBuiltDim(op, attrs, input, 'features');
  return input;
}

function rnnMacs(cell: Cell, attrs: Attrs, input: Shape): number {
  const units = attrs.units as number;
  const features = (input[2] as number | null) ?? builtInputDim(attrs) ?? 0;
  return elementsPerBatch(input.slice(0, 2)) * GATES[cell] * units * (features + units);
}

/** Runs one direction over (batch, steps, features): every step's output (batch, steps, units), in input order. */
function runDirection(tf: Tf, cell: Cell, attrs: Attrs, x: TfTensor, weights: Record<string, TfTensor>, prefix: string, backwards: boolean): TfTensor {
  const units = attrs.units as number;
  const act = (t: TfTensor): TfTensor => applyActivation(tf, readActivation(cell, attrs), t);
  const gate = (t: TfTensor): TfTensor => applyActivation(tf, readActivation(cell, attrs, 'recurrent_activation'), t);
  const [batch, steps] = x.shape as number[];
  const kernel = weights[`${prefix}kernel`] as TfTensor;
  const recurrent = weights[`${prefix}recurrent_kernel`] as TfTensor;
  const bias = weights[`${prefix}bias`];
  const twoBiases = cell === 'GRU' && attrs.reset_after === true && bias !== undefined;
  const inputBias = twoBiases ? tf.squeeze(tf.slice(bias, [0, 0], [1, -1]), [0]) : bias;
  const recurrentBias = twoBiases ? tf.squeeze(tf.slice(bias, [1, 0], [1, -1]), [0]) : undefined;
  const mm = (a: TfTensor, b: TfTensor): TfTensor => tf.matMul(a as never, b as never) as TfTensor;
  const slice = (t: TfTensor, k: number, n = 1): TfTensor => tf.slice(t, [0, k * units], [-1, n * units]);
  let h: TfTensor = tf.zeros([batch as number, units]);
  let c: TfTensor = tf.zeros([batch as number, units]);
  const outputs: TfTensor[] = [];
  for (let i = 0; i < (steps as number); i++) {
    const t = backwards ? (steps as number) - 1 - i : i;
    let z = mm(tf.squeeze(tf.slice(x, [0, t, 0], [-1, 1, -1]), [1]), kernel);
    if (inputBias) z = tf.add(z, inputBias);
    if (cell === 'SimpleRNN') h = act(tf.add(z, mm(h, recurrent)));
    else if (cell === 'LSTM') {
      const all = tf.add(z, mm(h, recurrent));
      c = tf.add(tf.mul(gate(slice(all, 1)), c), tf.mul(gate(slice(all, 0)), act(slice(all, 2))));
      h = tf.mul(gate(slice(all, 3)), act(c));
    } else if (recurrentBias) {
      const r = tf.add(mm(h, recurrent), recurrentBias);
      const update = gate(tf.add(slice(z, 0), slice(r, 0)));
      const reset = gate(tf.add(slice(z, 1), slice(r, 1)));
      const candidate = act(tf.add(slice(z, 2), tf.mul(reset, slice(r, 2))));
      h = tf.add(tf.mul(update, h), tf.mul(tf.sub(1, update), candidate));
    } else {
      const r = mm(h, tf.slice(recurrent, [0, 0], [-1, 2 * units]));
      const update = gate(tf.add(slice(z, 0), slice(r, 0)));
      const reset = gate(tf.add(slice(z, 1), slice(r, 1)));
      const candidate = act(tf.add(slice(z, 2), mm(tf.mul(reset, h), tf.slice(recurrent, [0, 2 * units], [-1, units]))));
      h = tf.add(tf.mul(update, h), tf.mul(tf.sub(1, update), candidate));
    }
    outputs.push(h);
  }
  if (backwards) outputs.reverse();
  return tf.stack(outputs, 1);
}

/** The layer's result from every step's output: the sequence, or the last step (the first one read, going backwards). */
function rnnResult(tf: Tf, attrs: Attrs, sequence: TfTensor, backwards: boolean): TfTensor {
  if (attrs.return_sequences) return sequence;
  const steps = sequence.shape[1] as number;
  return tf.squeeze(tf.slice(sequence, [0, backwards ? 0 : steps - 1, 0], [-1, 1, -1]), [1]);
}

function makeRnn(cell: Cell): OpSpec {
  const op = `keras.${cell}`;
  return {
    op,
    category: 'sequence',
    moduleNames: [`keras.layers.${cell}`],
    signature: rnnSignature,
    normalize: normalizeRnn(cell),
    weights(attrs: Attrs): WeightSpec[] {
      const features = builtInputDim(attrs);
      return features === null ? [] : cellWeights(cell, attrs, features);
    },
    inferShape(attrs: Attrs, inputs: Shape[]): Shape {
      const input = sequenceInput(cell, attrs, inputs);
      const units = attrs.units as number;
      return attrs.return_sequences ? [input[0] as number | null, input[1] as number | null, units] : [input[0] as number | null, units];
    },
    macs: (attrs, inputs) => rnnMacs(cell, attrs, inputs[0] as Shape),
    summary: (attrs) => `${builtInputDim(attrs) ?? '?'}→${attrs.units}${attrs.return_sequences ? ', sequences' : ''}`,
    forward: (tf, attrs, inputs, weights) => tf.tidy(() => {
      const backwards = attrs.go_backwards === true;
      const sequence = runDirection(tf, cell, attrs, inputs[0] as TfTensor, weights, '', backwards);
      // go_backwards returns the outputs in the order they were computed (reversed).
      return rnnResult(tf, attrs, backwards ? tf.reverse(sequence, 1) : sequence, false);
    }),
  };
}

/** `layers.Bidirectional(layers.LSTM(64), merge_mode="concat")`: the wrapped layer's settings plus `layer` (its cell). */
const bidirectional: OpSpec = {
  op: 'Bidirectional',
  category: 'sequence',
  moduleNames: ['keras.layers.Bidirectional'],
  signature: [{ name: 'layer' }, { name: 'merge_mode', default: 'concat' }, ...rnnSignature],
  normalize(attrs: Attrs): Attrs {
    if (attrs.layer !== 'SimpleRNN' && attrs.layer !== 'LSTM' && attrs.layer !== 'GRU') {
      throw new OpArgumentError(`Bidirectional: the wrapped layer must be a SimpleRNN, LSTM or GRU, got ${JSON.stringify(attrs.layer)}`);
    }
    if (!['concat', 'sum', 'ave', 'mul'].includes(attrs.merge_mode as string)) {
      throw new OpArgumentError(`Bidirectional: merge_mode must be "concat", "sum", "ave" or "mul", got ${JSON.stringify(attrs.merge_mode)}`);
    }
    return normalizeRnn('Bidirectional')(attrs);
  },
  weights(attrs: Attrs): WeightSpec[] {
    const features = builtInputDim(attrs);
    if (features === null) return [];
    const cell = attrs.layer as Cell;
    return [...cellWeights(cell, attrs, features, 'forward_'), ...cellWeights(cell, attrs, features, 'backward_')];
  },
  inferShape(attrs: Attrs, inputs: Shape[]): Shape {
    const input = sequenceInput('Bidirectional', attrs, inputs);
    const width = (attrs.units as number) * (attrs.merge_mode === 'concat' ? 2 : 1);
    return attrs.return_sequences ? [input[0] as number | null, input[1] as number | null, width] : [input[0] as number | null, width];
  },
  macs: (attrs, inputs) => 2 * rnnMacs(attrs.layer as Cell, attrs, inputs[0] as Shape),
  summary: (attrs) => `${attrs.layer} ${builtInputDim(attrs) ?? '?'}→2×${attrs.units}, ${attrs.merge_mode}`,
  forward: (tf, attrs, inputs, weights) => tf.tidy(() => {
    const cell = attrs.layer as Cell;
    const x = inputs[0] as TfTensor;
    const forwards = rnnResult(tf, attrs, runDirection(tf, cell, attrs, x, weights, 'forward_', false), false);
    // The backward layer reads the steps in reverse; its sequence is turned back to input order, its last step is the first.
    const backwards = rnnResult(tf, attrs, runDirection(tf, cell, attrs, x, weights, 'backward_', true), true);
    switch (attrs.merge_mode) {
      case 'sum':
        return tf.add(forwards, backwards);
      case 'ave':
        return tf.div(tf.add(forwards, backwards), 2);
      case 'mul':
        return tf.mul(forwards, backwards);
      default:
        return tf.concat([forwards, backwards], -1);
    }
  }),
};

export const KERAS_RECURRENT_OPS: readonly OpSpec[] = [makeRnn('SimpleRNN'), makeRnn('LSTM'), makeRnn('GRU'), bidirectional];
