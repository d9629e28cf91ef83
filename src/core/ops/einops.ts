// Registry entries of einops's traced ops (rearrange, repeat, reduce, pack, unpack): shapes from their resolved
// attributes and TensorFlow.js forward builders (reshape → transpose → reduce → new axes → reshape, as einops applies them).
import type { AttrValue, Shape } from '../graph/ir';
import { fromTorchOrder, toTorchOrder } from './layout';
import { OpArgumentError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';

function knownSizes(op: string, name: string, v: AttrValue | undefined): number[] {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number'))
    throw new OpArgumentError(`${op}: ${name} must be known integers (an axis length is unknown)`);
  return v as number[];
}

function finalShape(attrs: Attrs): Shape {
  const s = attrs.finalShape;
  if (!Array.isArray(s)) throw new OpArgumentError(`${attrs.pattern}: the input shape was not known when the pattern was read`);
  return s.map((d) => (typeof d === 'number' ? d : null));
}

/** The recipe on a tensor in PyTorch order. */
function applyRecipe(tf: Tf, attrs: Attrs, x: TfTensor): TfTensor {
  const op = String(attrs.reduction);
  let y = tf.reshape(x, knownSizes(op, 'initShape', attrs.initShape));
  const perm = knownSizes(op, 'permutation', attrs.permutation);
  if (perm.some((p, i) => p !== i)) y = tf.transpose(y, perm);
  const from = Number(attrs.reducedFrom);
  if (from < perm.length) {
    const axes = Array.from({ length: perm.length - from }, (_, i) => from + i);
    if (op === 'sum') y = tf.sum(y, axes);
    else if (op === 'mean') y = tf.mean(y, axes);
    else if (op === 'max') y = tf.max(y, axes);
    else if (op === 'min') y = tf.min(y, axes);
    else if (op === 'prod') y = tf.prod(y, axes);
    else throw new OpArgumentError(`einops.reduce: reduction '${op}' has no forward`);
  }
  const added = Array.isArray(attrs.added) ? (attrs.added as AttrValue[][]) : [];
  if (added.length) {
    const reps: number[] = [];
    for (const [pos, len] of added) {
      if (typeof len !== 'number') throw new OpArgumentError(`${op}: the length of a new axis is unknown`);
      y = tf.expandDims(y, pos as number);
    }
    for (let i = 0; i < y.rank; i++) reps.push(1);
    for (const [pos, len] of added) reps[pos as number] = len as number;
    y = tf.tile(y, reps);
  }
  return tf.reshape(y, knownSizes(op, 'finalShape', attrs.finalShape));
}

function einopsForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  return tf.tidy(() => {
    const xs = inputs.map((t) => toTorchOrder(tf, t));
    const x = Number(attrs.stacked) > 0 ? tf.stack(xs, 0) : (xs[0] as TfTensor);
    return fromTorchOrder(tf, applyRecipe(tf, attrs, x));
  });
}

const recipeOp = (op: string): OpSpec => ({
  op,
  category: op === 'reduce' ? 'reduce' : 'reshape',
  inferShape: (attrs) => finalShape(attrs),
  summary: (attrs) => String(attrs.pattern),
  forward: (tf, attrs, inputs) => einopsForward(tf, attrs, inputs),
});

export const Rearrange = recipeOp('rearrange');
export const EinopsRepeat = recipeOp('einops_repeat');
export const EinopsReduce = recipeOp('reduce');

const prod = (s: Shape): number | null => s.reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1);

export const Pack: OpSpec = {
  op: 'pack',
  category: 'merge',
  inferShape: (attrs, inputs) => {
    const before = Number(attrs.before);
    const after = Number(attrs.after);
    const first = inputs[0];
    const total = inputs.map((s) => prod(s.slice(before, s.length - after))).reduce<number | null>((a, n) => (a === null || n === null ? null : a + n), 0);
    return [...first.slice(0, before), total, ...first.slice(first.length - after)];
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const before = Number(attrs.before);
      const after = Number(attrs.after);
      const flat = inputs.map((t) => {
        const x = toTorchOrder(tf, t);
        return tf.reshape(x, [...x.shape.slice(0, before), -1, ...x.shape.slice(x.rank - after)]);
      });
      return fromTorchOrder(tf, flat.length === 1 ? (flat[0] as TfTensor) : tf.concat(flat, before));
    }),
};

export const Unpack: OpSpec = {
  op: 'unpack',
  category: 'reshape',
  inferShape: (attrs) => {
    const s = attrs.shape;
    if (!Array.isArray(s)) throw new OpArgumentError('unpack: the piece shape is unknown');
    return s.map((d) => (typeof d === 'number' ? d : null));
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const axis = Number(attrs.axis);
      const [start, length] = [attrs.start, attrs.length];
      if (typeof start !== 'number' || typeof length !== 'number') throw new OpArgumentError('unpack: the piece bounds are unknown');
      const begin = x.shape.map((_, i) => (i === axis ? start : 0));
      const size = x.shape.map((d, i) => (i === axis ? length : d));
      return fromTorchOrder(tf, tf.reshape(tf.slice(x, begin, size), knownSizes('unpack', 'shape', attrs.shape)));
    }),
};

export const EINOPS_OPS: readonly OpSpec[] = [Rearrange, EinopsRepeat, EinopsReduce, Pack, Unpack];
