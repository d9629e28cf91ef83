// Runnable entries for tensor math the interpreter shapes itself (no names here, so lookup by name is unchanged): unary
// math (sqrt, exp, clamp, tril, cumsum, flip, ...), masked_fill, // and %, comparisons, maximum/minimum, max/min/argmax/argmin over a
// dim, einsum and F.scaled_dot_product_attention — each with PyTorch's semantics, computed in PyTorch order.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, type Attrs, type OpCategory, type OpSpec, type Tf, type TfTensor } from './types';
import { fromTorchOrder, toTorchOrder } from './layout';
import { broadcastShapes } from './merge';
import { callInputSlots } from './recurrentForward';
import { sdpaForward } from './attentionForward';
import { einsumForward } from './einsumForward';

/** A recorded argument: positional (`arg0`) or by keyword; undefined when absent. */
function arg(attrs: Attrs, index: number, name: string): AttrValue | undefined {
  const positional = attrs[`arg${index}`];
  return positional !== undefined ? positional : attrs[name];
}

function numberArg(op: string, attrs: Attrs, index: number, name: string, fallback: number | null): number | null {
  const value = arg(attrs, index, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw new OpArgumentError(`${op}: ${name} is not a known number (${JSON.stringify(value)})`);
  return value;
}

/** Integer dims from `dims=[1, 2]`, `flip(1)` or `flip(1, 2)` (each positional recorded separately). */
function dimsArg(op: string, attrs: Attrs, name: string): number[] {
  const first = arg(attrs, 0, name);
  const values: AttrValue[] = Array.isArray(first) ? first : [first ?? null];
  for (let i = 1; !Array.isArray(first) && attrs[`arg${i}`] !== undefined; i++) values.push(attrs[`arg${i}`] as AttrValue);
  if (!values.every((v) => typeof v === 'number')) throw new OpArgumentError(`${op}: ${name} must be known integers, got ${JSON.stringify(first ?? null)}`);
  return values as number[];
}

const axis = (dim: number, rank: number): number => (dim < 0 ? dim + rank : dim);

/** Runs `fn` on the first input in PyTorch order. */
function torchOrdered(fn: (tf: Tf, x: TfTensor, attrs: Attrs, inputs: TfTensor[]) => TfTensor) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor =>
    tf.tidy(() => fromTorchOrder(tf, fn(tf, toTorchOrder(tf, inputs[0] as TfTensor), attrs, inputs)));
}

/** Keeps the elements on and below (tril) or on and above (triu) the `diagonal`-th diagonal of the last two axes. */
function triangle(lower: boolean) {
  return torchOrdered((tf, x, attrs) => {
    const diagonal = numberArg(lower ? 'tril' : 'triu', attrs, 0, 'diagonal', 0) as number;
    const [rows, cols] = x.shape.slice(-2) as [number, number];
    const offset = tf.sub(tf.reshape(tf.range(0, cols, 1, 'int32'), [1, cols]), tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]));
    const keep = lower ? tf.lessEqual(offset, diagonal) : tf.greaterEqual(offset, diagonal);
    return tf.where(tf.broadcastTo(keep, x.shape), x, tf.zerosLike(x));
  });
}

function clampForward(op: string) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor => {
    const x = inputs[0] as TfTensor;
    const low = op === 'clamp_max' ? null : numberArg(op, attrs, 0, op === 'clamp_min' ? 'min' : 'min', null);
    const high = op === 'clamp_min' ? null : numberArg(op, attrs, op === 'clamp_max' ? 0 : 1, 'max', null);
    return tf.tidy(() => {
      let y = x;
      if (low !== null) y = tf.maximum(y, low);
      if (high !== null) y = tf.minimum(y, high);
      return y;
    });
  };
}

const UNARY: Record<string, (tf: Tf, attrs: Attrs, inputs: TfTensor[]) => TfTensor> = {
  sqrt: (tf, _a, [x]) => tf.sqrt(x as TfTensor),
  rsqrt: (tf, _a, [x]) => tf.rsqrt(x as TfTensor),
  exp: (tf, _a, [x]) => tf.exp(x as TfTensor),
  exp2: (tf, _a, [x]) => tf.pow(2, x as TfTensor),
  expm1: (tf, _a, [x]) => tf.expm1(x as TfTensor),
  log: (tf, _a, [x]) => tf.log(x as TfTensor),
  log2: (tf, _a, [x]) => tf.div(tf.log(x as TfTensor), Math.LN2),
  log1p: (tf, _a, [x]) => tf.log1p(x as TfTensor),
  abs: (tf, _a, [x]) => tf.abs(x as TfTensor),
  neg: (tf, _a, [x]) => tf.neg(x as TfTensor),
  sin: (tf, _a, [x]) => tf.sin(x as TfTensor),
  cos: (tf, _a, [x]) => tf.cos(x as TfTensor),
  sign: (tf, _a, [x]) => tf.sign(x as TfTensor),
  floor: (tf, _a, [x]) => tf.floor(x as TfTensor),
  ceil: (tf, _a, [x]) => tf.ceil(x as TfTensor),
  // torch.round rounds half to even, as tf.round does.
  round: (tf, _a, [x]) => tf.round(x as TfTensor),
  reciprocal: (tf, _a, [x]) => tf.reciprocal(x as TfTensor),
  square: (tf, _a, [x]) => tf.square(x as TfTensor),
  erf: (tf, _a, [x]) => tf.erf(x as TfTensor),
  clamp: clampForward('clamp'),
  clip: clampForward('clamp'),
  clamp_min: clampForward('clamp_min'),
  clamp_max: clampForward('clamp_max'),
  nan_to_num: (tf, attrs, [x]) => {
    const t = x as TfTensor;
    const nan = numberArg('nan_to_num', attrs, 0, 'nan', 0) as number;
    const pos = numberArg('nan_to_num', attrs, 1, 'posinf', 3.4028234663852886e38) as number;
    const neg = numberArg('nan_to_num', attrs, 2, 'neginf', -3.4028234663852886e38) as number;
    const fixed = tf.where(tf.isNaN(t), tf.fill(t.shape, nan), t);
    return tf.clipByValue(fixed, neg, pos);
  },
  tril: triangle(true),
  triu: triangle(false),
  cumsum: torchOrdered((tf, x, attrs) => tf.cumsum(x, axis(numberArg('cumsum', attrs, 0, 'dim', 0) as number, x.rank))),
  cumprod: torchOrdered((tf, x, attrs) => {
    const dim = axis(numberArg('cumprod', attrs, 0, 'dim', 0) as number, x.rank);
    // exp(cumsum(log|x|)) with the sign tracked separately; exact zeros stay zero from their position on.
    const parts = tf.unstack(x, dim);
    const out: TfTensor[] = [];
    let running: TfTensor | null = null;
    for (const part of parts) {
      running = running ? tf.mul(running, part) : part;
      out.push(running);
    }
    return tf.stack(out, dim);
  }),
  flip: torchOrdered((tf, x, attrs) => tf.reverse(x, dimsArg('flip', attrs, 'dims').map((d) => axis(d, x.rank)))),
  roll: torchOrdered((tf, x, attrs) => {
    const shiftsValue = arg(attrs, 0, 'shifts');
    const dimsValue = arg(attrs, 1, 'dims');
    const shifts = (Array.isArray(shiftsValue) ? shiftsValue : [shiftsValue]) as AttrValue[];
    if (dimsValue === undefined || dimsValue === null) {
      const flat = tf.reshape(x, [-1]);
      const rolled = rollAxis(tf, flat, shifts[0] as number, 0);
      return tf.reshape(rolled, x.shape);
    }
    const dims = (Array.isArray(dimsValue) ? dimsValue : [dimsValue]) as AttrValue[];
    if (![...shifts, ...dims].every((v) => typeof v === 'number') || shifts.length !== dims.length)
      throw new OpArgumentError(`roll: shifts and dims must be known integers of the same count, got ${JSON.stringify([shiftsValue, dimsValue])}`);
    let y = x;
    dims.forEach((d, i) => (y = rollAxis(tf, y, shifts[i] as number, axis(d as number, x.rank))));
    return y;
  }),
};

function rollAxis(tf: Tf, x: TfTensor, shift: number, dim: number): TfTensor {
  const size = x.shape[dim] as number;
  const s = ((shift % size) + size) % size;
  if (s === 0) return x;
  const [head, tail] = tf.split(x, [size - s, s], dim) as [TfTensor, TfTensor];
  return tf.concat([tail, head], dim);
}

function entry(op: string, category: OpCategory, forward: OpSpec['forward'], forwardTuple?: OpSpec['forwardTuple']): OpSpec {
  return { op, category, inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(), forward, forwardTuple };
}

/** Tensor ∘ tensor (broadcast, in PyTorch order) or tensor ∘ scalar (attrs.scalar, scalarFirst). */
function binaryEntry(op: string, category: OpCategory, fn: (tf: Tf, a: TfTensor | number, b: TfTensor | number) => TfTensor): OpSpec {
  return {
    op,
    category,
    inferShape: (_attrs, inputs) => (inputs.length === 1 ? (inputs[0] as Shape).slice() : broadcastShapes(op, inputs[0] as Shape, inputs[1] as Shape)),
    forward: (tf, attrs, inputs) =>
      tf.tidy(() => {
        const x = inputs[0] as TfTensor;
        if (inputs.length === 1) {
          const s = attrs.scalar;
          if (typeof s !== 'number' && typeof s !== 'boolean') throw new OpArgumentError(`${op}: the scalar operand is not a known number`);
          const value = typeof s === 'boolean' ? Number(s) : s;
          return attrs.scalarFirst === true ? fn(tf, value, x) : fn(tf, x, value);
        }
        return fromTorchOrder(tf, fn(tf, toTorchOrder(tf, x), toTorchOrder(tf, inputs[1] as TfTensor)));
      }),
  };
}

const floorDivide = (tf: Tf, a: TfTensor | number, b: TfTensor | number): TfTensor => tf.floor(tf.div(a, b));

/** max / min / argmax / argmin: over all elements, or over `dim` ([values, indices] for max and min). */
function reduction(op: 'max' | 'min' | 'argmax' | 'argmin'): OpSpec {
  const isArg = op === 'argmax' || op === 'argmin';
  const largest = op === 'max' || op === 'argmax';
  const compute = (tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor[] => {
    const x = toTorchOrder(tf, inputs[0] as TfTensor);
    const keep = attrs.keepdim === true;
    if (attrs.dim === null || attrs.dim === undefined) {
      const flat = tf.reshape(x, [-1]);
      const value = isArg ? (largest ? tf.argMax(flat) : tf.argMin(flat)) : largest ? tf.max(flat) : tf.min(flat);
      return [keep ? tf.reshape(value, x.shape.map(() => 1)) : value];
    }
    const dim = axis(attrs.dim as number, x.rank);
    const indices = largest ? tf.argMax(x, dim) : tf.argMin(x, dim);
    const values = largest ? tf.max(x, dim) : tf.min(x, dim);
    const shaped = (t: TfTensor): TfTensor => fromTorchOrder(tf, keep ? tf.expandDims(t, dim) : t);
    return isArg ? [shaped(indices)] : [shaped(values), shaped(indices)];
  };
  return { op, category: 'reduce', inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(), forwardTuple: compute };
}

function maskedFill(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  const slot = callInputSlots(attrs, 'arg0')[0] ?? callInputSlots(attrs, 'mask')[0];
  const value = numberArg('masked_fill', attrs, 1, 'value', null);
  if (slot === undefined) throw new OpArgumentError('masked_fill: the mask is not a known tensor');
  if (value === null) throw new OpArgumentError('masked_fill: the fill value is not a known number');
  return tf.tidy(() => {
    const x = toTorchOrder(tf, inputs[0] as TfTensor);
    const mask = toTorchOrder(tf, inputs[slot] as TfTensor);
    const condition = tf.broadcastTo(mask.dtype === 'bool' ? mask : tf.notEqual(mask, 0), x.shape);
    return fromTorchOrder(tf, tf.where(condition, tf.fill(x.shape, value), x));
  });
}

export const TENSOR_MATH_OPS: readonly OpSpec[] = [
  ...Object.entries(UNARY).map(([op, forward]) => entry(op, 'elementwise', forward)),
  entry('masked_fill', 'elementwise', maskedFill),
  binaryEntry('floordiv', 'elementwise', floorDivide),
  binaryEntry('mod', 'elementwise', (tf, a, b) => tf.sub(a, tf.mul(floorDivide(tf, a, b), b))),
  binaryEntry('lt', 'elementwise', (tf, a, b) => tf.less(a, b)),
  binaryEntry('le', 'elementwise', (tf, a, b) => tf.lessEqual(a, b)),
  binaryEntry('gt', 'elementwise', (tf, a, b) => tf.greater(a, b)),
  binaryEntry('ge', 'elementwise', (tf, a, b) => tf.greaterEqual(a, b)),
  binaryEntry('eq', 'elementwise', (tf, a, b) => tf.equal(a, b)),
  binaryEntry('ne', 'elementwise', (tf, a, b) => tf.notEqual(a, b)),
  binaryEntry('maximum', 'merge', (tf, a, b) => tf.maximum(a, b)),
  binaryEntry('minimum', 'merge', (tf, a, b) => tf.minimum(a, b)),
  reduction('max'),
  reduction('min'),
  reduction('argmax'),
  reduction('argmin'),
  { op: 'einsum', category: 'linear', inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(), forward: einsumForward },
  { op: 'scaled_dot_product_attention', category: 'attention', inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(),
    forward: (tf, attrs, inputs) => tf.tidy(() => sdpaForward(tf, attrs, inputs)) },
];
