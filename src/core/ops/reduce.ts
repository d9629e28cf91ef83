// Reduction entries over PyTorch dimensions (int, tuple or all), with keepdim: mean, sum, amax/amin, prod, logsumexp,
// var/std (unbiased or a correction) and norm (p = 2, 1, inf or 'fro').
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { normalizeDim, readBool } from './args';
import { fromTorchOrder, toTorchOrder, torchAxisToInternal } from './layout';

function readDims(op: string, value: AttrValue | undefined): number[] | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isInteger(v))) return value as number[];
  throw new OpArgumentError(`${op}: dim must be an int, a tuple of ints or None, got ${JSON.stringify(value)}`);
}

/** Reduced PyTorch axes (sorted, unique), all axes when dim is None or empty. */
function reducedAxes(op: string, attrs: Attrs, input: Shape): number[] {
  const dims = readDims(op, attrs.dim);
  if (dims === null || dims.length === 0) return [...input.keys()];
  const axes = [...new Set(dims.map((d) => normalizeDim(op, d, input.length, input)))];
  return axes.sort((a, b) => a - b);
}

type Reducer = (tf: Tf, x: TfTensor, axes: number[], keep: boolean, attrs: Attrs) => TfTensor;

const PLAIN_SIGNATURE = [
  { name: 'dim', default: null },
  { name: 'keepdim', default: false },
  { name: 'dtype', default: null },
];

function makeReduction(op: string, apply: Reducer, signature = PLAIN_SIGNATURE, prepare: (attrs: Attrs) => Attrs = (a) => a): OpSpec {
  return {
    op,
    category: 'reduce',
    functionalNames: [`torch.${op}`],
    methodNames: [op],
    functionalSignature: signature,
    normalize: (raw) => {
      const attrs = prepare(raw);
      return { ...attrs, dim: readDims(op, attrs.dim), keepdim: readBool(attrs, 'keepdim') };
    },
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      const axes = reducedAxes(op, attrs, input);
      if (readBool(attrs, 'keepdim')) return input.map((d, i) => (axes.includes(i) ? 1 : d));
      return input.filter((_, i) => !axes.includes(i));
    },
    summary: (attrs) => {
      const dims = readDims(op, attrs.dim);
      const text = dims === null ? 'all' : `dim=${dims.length === 1 ? dims[0] : `(${dims.join(', ')})`}`;
      return readBool(attrs, 'keepdim') ? `${text}, keepdim` : text;
    },
    forward: (tf, attrs, inputs) => {
      const x = inputs[0] as TfTensor;
      const shape = x.shape as number[];
      const axes = reducedAxes(op, attrs, shape);
      const keep = readBool(attrs, 'keepdim');
      return tf.tidy(() => {
        // keepdim keeps the rank, so the internal layout is kept too; otherwise reduce in PyTorch order.
        if (keep || x.rank < 3) return apply(tf, x, axes.map((a) => torchAxisToInternal(a, x.rank)), keep, attrs);
        return fromTorchOrder(tf, apply(tf, toTorchOrder(tf, x), axes, false, attrs));
      });
    },
  };
}

export const Mean = makeReduction('mean', (tf, x, axes, keep) => tf.mean(x, axes, keep));
export const Sum = makeReduction('sum', (tf, x, axes, keep) => tf.sum(x, axes, keep));
const Amax = makeReduction('amax', (tf, x, axes, keep) => tf.max(x, axes, keep), PLAIN_SIGNATURE.slice(0, 2));
const Amin = makeReduction('amin', (tf, x, axes, keep) => tf.min(x, axes, keep), PLAIN_SIGNATURE.slice(0, 2));
const Prod = makeReduction('prod', (tf, x, axes, keep) => tf.prod(x, axes, keep));
const LogSumExp = makeReduction('logsumexp', (tf, x, axes, keep) => tf.logSumExp(x, axes, keep), PLAIN_SIGNATURE.slice(0, 2));

/** The divisor's correction of var/std: `unbiased` (True: 1) unless `correction` is given; `var(x, False)` is unbiased=False. */
function correctionOf(attrs: Attrs): number {
  if (typeof attrs.correction === 'number') return attrs.correction;
  return attrs.unbiased === false ? 0 : 1;
}

/** var(input, dim=None, unbiased=True, keepdim=False, *, correction=None); a bool first argument is `unbiased`. */
const VARIANCE_SIGNATURE = [
  { name: 'dim', default: null },
  { name: 'unbiased', default: true },
  { name: 'keepdim', default: false },
  { name: 'correction', default: null },
];

function prepareVariance(attrs: Attrs): Attrs {
  if (typeof attrs.dim === 'boolean') return { ...attrs, unbiased: attrs.dim, dim: null };
  return attrs;
}

function variance(tf: Tf, x: TfTensor, axes: number[], keep: boolean, attrs: Attrs): TfTensor {
  const { variance: v } = tf.moments(x, axes, keep);
  const n = axes.reduce((a, ax) => a * (x.shape[ax] as number), 1);
  const c = correctionOf(attrs);
  return c === 0 ? v : tf.mul(v, n / Math.max(n - c, 0));
}

const Var = makeReduction('var', variance, VARIANCE_SIGNATURE, prepareVariance);
const Std = makeReduction('std', (tf, x, axes, keep, attrs) => tf.sqrt(variance(tf, x, axes, keep, attrs)), VARIANCE_SIGNATURE, prepareVariance);

/** torch.norm / Tensor.norm(p='fro', dim=None, keepdim=False): vector norms p = 2 ('fro'), 1, inf, -inf or any number. */
const Norm = makeReduction('norm', (tf, x, axes, keep, attrs) => {
  const p = attrs.p === 'fro' || attrs.p === null || attrs.p === undefined ? 2 : attrs.p;
  if (typeof p !== 'number') throw new OpArgumentError(`norm: p=${JSON.stringify(p)} is not supported (use a number or 'fro')`);
  const a = tf.abs(x);
  if (p === Infinity) return tf.max(a, axes, keep);
  if (p === -Infinity) return tf.min(a, axes, keep);
  if (p === 1) return tf.sum(a, axes, keep);
  if (p === 2) return tf.sqrt(tf.sum(tf.square(x), axes, keep));
  return tf.pow(tf.sum(tf.pow(a, p), axes, keep), 1 / p);
}, [{ name: 'p', default: null }, ...PLAIN_SIGNATURE], (attrs) => {
  if (attrs.p !== 'fro' && attrs.p !== null && typeof attrs.p !== 'number')
    throw new OpArgumentError(`norm: p=${JSON.stringify(attrs.p)} is not supported (use a number or 'fro')`);
  return attrs;
});

export const REDUCE_OPS: readonly OpSpec[] = [Mean, Sum, Amax, Amin, Prod, LogSumExp, Var, Std, Norm];
