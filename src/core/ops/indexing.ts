// Entries for the tensor ops the tracer records without a module or functional form (indexing, narrow/select from
// split/chunk/unbind, stack, expand, repeat): shape rules from their attributes and TensorFlow.js forward builders.
import type { Shape } from '../graph/ir';
import { OpArgumentError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { fromTorchOrder, toTorchOrder } from './layout';

type Part = ['slice', number | null, number | null, number] | ['index', number] | ['list', number[]] | ['none'] | ['ellipsis'];

function readParts(attrs: Attrs): Part[] {
  const parts = attrs.parts;
  if (!Array.isArray(parts))
    throw new OpArgumentError(`getitem: the index ${String(attrs.index)} (tensor or computed indices) is not supported by the forward pass`);
  return parts as unknown as Part[];
}

interface Plan {
  begin: number[];
  end: number[];
  strides: number[];
  output: Shape;
  /** A list of indices (`x[:, [-1], :]`): the input axis it picks from and the indices, made non-negative. */
  gather?: { axis: number; indices: number[] };
}

/** Per input dimension: the Python slice normalised to [begin, end) with a positive step; indices shrink their axis. */
function planIndex(parts: Part[], input: Shape): Plan {
  const consumed = parts.filter((p) => p[0] === 'index' || p[0] === 'slice' || p[0] === 'list').length;
  if (parts.filter((p) => p[0] === 'list').length > 1) throw new OpArgumentError('getitem: more than one list of indices is not supported by the forward pass');
  if (consumed > input.length) throw new OpArgumentError(`getitem: too many indices for a ${input.length}-d tensor`);
  const plan: Plan = { begin: [], end: [], strides: [], output: [] };
  let dim = 0;
  const full = (): void => {
    const size = input[dim++] as number | null;
    plan.begin.push(0);
    plan.end.push(size ?? 0);
    plan.strides.push(1);
    plan.output.push(size);
  };
  for (const p of parts) {
    if (p[0] === 'none') plan.output.push(1);
    else if (p[0] === 'ellipsis') for (let k = input.length - consumed; k > 0; k--) full();
    else {
      const size = input[dim] as number | null;
      if (p[0] === 'list') {
        const indices = p[1].map((i) => (size !== null && i < 0 ? i + size : i));
        if (size !== null && indices.some((i) => i < 0 || i >= size))
          throw new OpArgumentError(`getitem: index ${JSON.stringify(p[1])} is out of bounds for dimension ${dim} with size ${size}`);
        plan.gather = { axis: dim, indices };
        full();
        plan.output[plan.output.length - 1] = indices.length;
        continue;
      }
      if (p[0] === 'index') {
        if (size !== null && (p[1] >= size || p[1] < -size))
          throw new OpArgumentError(`getitem: index ${p[1]} is out of bounds for dimension ${dim} with size ${size}`);
        const i = size !== null && p[1] < 0 ? p[1] + size : p[1];
        plan.begin.push(i);
        plan.end.push(i + 1);
        plan.strides.push(1);
        dim++;
        continue;
      }
      const [, start, stop, step] = p;
      if (step <= 0) throw new OpArgumentError('getitem: slice step must be positive');
      if (size === null) {
        plan.begin.push(0);
        plan.end.push(0);
        plan.strides.push(step);
        plan.output.push(null);
        dim++;
        continue;
      }
      const clamp = (x: number): number => Math.min(size, Math.max(0, x < 0 ? x + size : x));
      const b = start === null ? 0 : clamp(start);
      const e = Math.max(b, stop === null ? size : clamp(stop));
      plan.begin.push(b);
      plan.end.push(e);
      plan.strides.push(step);
      plan.output.push(Math.ceil((e - b) / step));
      dim++;
    }
  }
  while (dim < input.length) full();
  return plan;
}

export const GetItem: OpSpec = {
  op: 'getitem',
  category: 'reshape',
  forwardUnsupported: (attrs) => {
    try {
      const parts = readParts(attrs);
      return parts.filter((p) => p[0] === 'list').length > 1 ? 'more than one list of indices is not supported by the forward pass' : null;
    } catch (error) {
      if (error instanceof OpArgumentError) return error.message;
      throw error;
    }
  },
  inferShape: (attrs, inputs) => planIndex(readParts(attrs), inputs[0] as Shape).output,
  summary: (attrs) => `[${String(attrs.index).replace(/^\(|\)$/g, '')}]`,
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const plan = planIndex(readParts(attrs), x.shape);
      // Indexed axes are kept as size-1 slices and dropped by the final reshape (avoids the shrink-axis mask).
      let sliced = tf.stridedSlice(x, plan.begin, plan.end, plan.strides);
      if (plan.gather) sliced = tf.gather(sliced, tf.tensor1d(plan.gather.indices, 'int32'), plan.gather.axis);
      return fromTorchOrder(tf, tf.reshape(sliced, plan.output as number[]));
    }),
};

function dimOf(op: string, attrs: Attrs, rank: number): number {
  const dim = attrs.dim;
  if (typeof dim !== 'number' || dim < -rank || dim >= rank) throw new OpArgumentError(`${op}: dim ${String(dim)} is out of range for rank ${rank}`);
  return dim < 0 ? dim + rank : dim;
}

/** `narrow` pieces of split/chunk: dim, start, length. */
export const Narrow: OpSpec = {
  op: 'narrow',
  category: 'reshape',
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const dim = dimOf('narrow', attrs, input.length);
    return input.map((d, i) => (i === dim ? (attrs.length as number) : d));
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const dim = dimOf('narrow', attrs, x.rank);
      const begin = x.shape.map((_, i) => (i === dim ? (attrs.start as number) : 0));
      const size = x.shape.map((d, i) => (i === dim ? (attrs.length as number) : d));
      return fromTorchOrder(tf, tf.slice(x, begin, size));
    }),
};

/** `select` pieces of unbind: dim, index (the dimension is removed). */
export const Select: OpSpec = {
  op: 'select',
  category: 'reshape',
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const dim = dimOf('select', attrs, input.length);
    return input.filter((_, i) => i !== dim);
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const dim = dimOf('select', attrs, x.rank);
      const begin = x.shape.map((_, i) => (i === dim ? (attrs.index as number) : 0));
      const size = x.shape.map((d, i) => (i === dim ? 1 : d));
      return fromTorchOrder(tf, tf.squeeze(tf.slice(x, begin, size), [dim]));
    }),
};

export const Stack: OpSpec = {
  op: 'stack',
  category: 'merge',
  tensorInputs: 'list',
  inferShape: (attrs, inputs) => {
    const first = inputs[0] as Shape;
    const dim = dimOf('stack', attrs, first.length + 1);
    return [...first.slice(0, dim), inputs.length, ...first.slice(dim)];
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const xs = inputs.map((x) => toTorchOrder(tf, x));
      return fromTorchOrder(tf, tf.stack(xs, dimOf('stack', attrs, (xs[0] as TfTensor).rank + 1)));
    }),
};

function readSizes(op: string, attrs: Attrs): number[] {
  const sizes = attrs.sizes;
  if (!Array.isArray(sizes) || !sizes.every((s) => typeof s === 'number')) throw new OpArgumentError(`${op}: sizes must be known integers`);
  return sizes as number[];
}

function expandShape(sizes: number[], input: readonly (number | null)[]): Shape {
  const offset = sizes.length - input.length;
  if (offset < 0) throw new OpArgumentError(`expand: ${sizes.length} sizes for a ${input.length}-d tensor`);
  return sizes.map((n, i) => (n === -1 ? (i >= offset ? input[i - offset] as number | null : null) : n));
}

export const Expand: OpSpec = {
  op: 'expand',
  category: 'reshape',
  inferShape: (attrs, inputs) => expandShape(readSizes('expand', attrs), inputs[0] as Shape),
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const target = expandShape(readSizes('expand', attrs), x.shape) as number[];
      const padded = tf.reshape(x, [...Array(target.length - x.rank).fill(1), ...x.shape]);
      return fromTorchOrder(tf, tf.broadcastTo(padded, target));
    }),
};

export const Repeat: OpSpec = {
  op: 'repeat',
  category: 'reshape',
  inferShape: (attrs, inputs) => {
    const reps = readSizes('repeat', attrs);
    const input = inputs[0] as Shape;
    if (reps.length < input.length) throw new OpArgumentError(`repeat: ${reps.length} repeats for a ${input.length}-d tensor`);
    const padded = [...Array(reps.length - input.length).fill(1), ...input] as Shape;
    return reps.map((r, i) => (padded[i] === null ? null : r * (padded[i] as number)));
  },
  forward: (tf: Tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = toTorchOrder(tf, inputs[0] as TfTensor);
      const reps = readSizes('repeat', attrs);
      const padded = tf.reshape(x, [...Array(reps.length - x.rank).fill(1), ...x.shape]);
      return fromTorchOrder(tf, tf.tile(padded, reps));
    }),
};

export const INDEXING_OPS: readonly OpSpec[] = [GetItem, Narrow, Select, Stack, Expand, Repeat];
