// Reshaping entries: Flatten/flatten, Unflatten, view/reshape (one -1), permute, transpose, (un)squeeze, in PyTorch's element order.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { normalizeDim, readInt, readIntList } from './args';
import { formatShape, numel } from './shapeText';
import { fromTorchOrder, toTorchOrder } from './layout';

/** Reshapes in PyTorch order: channels-last tensors go back to NCHW first, and results of rank ≥ 3 return to channels-last. */
function reshapeTorchOrder(tf: Tf, x: TfTensor, shape: number[]): TfTensor {
  return tf.tidy(() => fromTorchOrder(tf, tf.reshape(toTorchOrder(tf, x), shape)));
}

function flattenShape(op: string, input: Shape, startDim: number, endDim: number): Shape {
  if (input.length === 0) return [1];
  const start = normalizeDim(op, startDim, input.length, input);
  const end = normalizeDim(op, endDim, input.length, input);
  if (start > end) throw new ShapeError(`${op}: start_dim (${startDim}) comes after end_dim (${endDim}) for input ${formatShape(input)}`, 'dim-out-of-range');
  return [...input.slice(0, start), numel(input.slice(start, end + 1)), ...input.slice(end + 1)];
}

function flattenAttrs(attrs: Attrs): [number, number] {
  return [readInt('Flatten', attrs, 'start_dim'), readInt('Flatten', attrs, 'end_dim')];
}

export const Flatten: OpSpec = {
  op: 'Flatten',
  category: 'reshape',
  moduleNames: ['torch.nn.Flatten'],
  signature: [
    { name: 'start_dim', default: 1 },
    { name: 'end_dim', default: -1 },
  ],
  functionalNames: ['torch.flatten'],
  methodNames: ['flatten'],
  // torch.flatten and Tensor.flatten start at dim 0, unlike nn.Flatten.
  functionalSignature: [
    { name: 'start_dim', default: 0 },
    { name: 'end_dim', default: -1 },
  ],
  inferShape: (attrs, inputs) => flattenShape('Flatten', inputs[0] as Shape, ...flattenAttrs(attrs)),
  summary: (attrs) => {
    const [start, end] = flattenAttrs(attrs);
    return start === 1 && end === -1 ? '' : `${start}..${end}`;
  },
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const torchShape = toTorchShape(x);
    const out = flattenShape('Flatten', torchShape, ...flattenAttrs(attrs)) as number[];
    return reshapeTorchOrder(tf, x, out);
  },
};

/** The PyTorch-order shape of an internal-layout tensor. */
function toTorchShape(x: TfTensor): number[] {
  const s = x.shape as number[];
  if (s.length < 3) return s.slice();
  return [s[0] as number, s[s.length - 1] as number, ...s.slice(1, -1)];
}

export const Unflatten: OpSpec = {
  op: 'Unflatten',
  category: 'reshape',
  moduleNames: ['torch.nn.Unflatten'],
  signature: [{ name: 'dim' }, { name: 'unflattened_size' }],
  normalize: (attrs) => ({ ...attrs, dim: readInt('Unflatten', attrs, 'dim'), unflattened_size: readIntList('Unflatten', attrs, 'unflattened_size') }),
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const dim = normalizeDim('Unflatten', readInt('Unflatten', attrs, 'dim'), input.length, input);
    const sizes = readTargetShape('Unflatten', { shape: readIntList('Unflatten', attrs, 'unflattened_size') });
    const resolved = resolveShape('Unflatten', [input[dim] as number | null], sizes, input);
    return [...input.slice(0, dim), ...resolved, ...input.slice(dim + 1)];
  },
  summary: (attrs) => formatShape(readIntList('Unflatten', attrs, 'unflattened_size')),
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const shape = toTorchShape(x);
    const out = Unflatten.inferShape(attrs, [shape]) as number[];
    return reshapeTorchOrder(tf, x, out);
  },
};

/** Reads a view/reshape target; unknown entries (None) stay unknown. */
function readTargetShape(op: string, attrs: Attrs): (number | null)[] {
  let value = attrs.shape;
  if (Array.isArray(value) && value.length === 1 && Array.isArray(value[0])) value = value[0];
  if (typeof value === 'number') value = [value];
  if (!Array.isArray(value) || !value.every((v) => v === null || (typeof v === 'number' && Number.isInteger(v)))) {
    throw new OpArgumentError(`${op}: shape must be a sequence of integers, got ${JSON.stringify(attrs.shape)}`);
  }
  const shape = value as (number | null)[];
  if (shape.filter((d) => d === -1).length > 1) throw new OpArgumentError(`${op}: only one dimension can be inferred (-1)`);
  if (shape.some((d) => d !== null && d < -1)) throw new OpArgumentError(`${op}: invalid shape dimension in ${JSON.stringify(value)}`);
  return shape;
}

/** Resolves one -1 and checks element counts, as view/reshape do. */
function resolveShape(op: string, input: Shape, target: (number | null)[], shownInput: Shape): Shape {
  const total = numel(input);
  const shown = `[${target.map((d) => (d === null ? '?' : d)).join(', ')}]`;
  const known = target.filter((d): d is number => d !== null && d !== -1);
  const knownProduct = known.reduce((a, b) => a * b, 1);
  const hasUnknown = target.some((d) => d === null);
  const inferIndex = target.indexOf(-1);
  if (total === null || hasUnknown) {
    return target.map((d) => (d === -1 ? null : d));
  }
  if (inferIndex >= 0) {
    if (knownProduct === 0 || total % knownProduct !== 0) {
      throw new ShapeError(`${op}: shape ${shown} is invalid for input ${formatShape(shownInput)} of ${total} elements`, 'size-mismatch');
    }
    return target.map((d) => (d === -1 ? total / knownProduct : d));
  }
  if (knownProduct !== total) {
    throw new ShapeError(
      `${op}: shape ${shown} (${knownProduct} elements) is invalid for input ${formatShape(shownInput)} of ${total} elements`,
      'size-mismatch',
    );
  }
  return target.slice();
}

function makeView(op: 'view' | 'reshape'): OpSpec {
  return {
    op,
    category: 'reshape',
    methodNames: [op],
    functionalNames: op === 'reshape' ? ['torch.reshape'] : undefined,
    functionalSignature: [{ name: 'shape', variadic: true }],
    normalize: (attrs) => ({ ...attrs, shape: readTargetShape(op, attrs) }),
    inferShape: (attrs, inputs) => {
      const input = inputs[0] as Shape;
      return resolveShape(op, input, readTargetShape(op, attrs), input);
    },
    summary: (attrs) => `(${readTargetShape(op, attrs).map((d) => (d === null ? '?' : d)).join(', ')})`,
    forward: (tf, attrs, inputs) => {
      const x = inputs[0] as TfTensor;
      const shape = toTorchShape(x);
      return reshapeTorchOrder(tf, x, resolveShape(op, shape, readTargetShape(op, attrs), shape) as number[]);
    },
  };
}

export const View = makeView('view');
export const Reshape = makeView('reshape');

function readPermutation(attrs: Attrs, rank: number, input: Shape): number[] {
  const dims = readIntList('permute', attrs, 'dims').map((d) => normalizeDim('permute', d, rank, input));
  if (dims.length !== rank || new Set(dims).size !== rank) {
    throw new ShapeError(`permute: dims ${JSON.stringify(attrs.dims)} are not a permutation of the ${rank} dimensions of ${formatShape(input)}`,
      'rank-mismatch');
  }
  return dims;
}

export const Permute: OpSpec = {
  op: 'permute',
  category: 'reshape',
  methodNames: ['permute'],
  functionalNames: ['torch.permute'],
  functionalSignature: [{ name: 'dims', variadic: true }],
  normalize: (attrs) => ({ ...attrs, dims: readIntList('permute', attrs, 'dims') }),
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    return readPermutation(attrs, input.length, input).map((d) => input[d] as number | null);
  },
  summary: (attrs) => `(${readIntList('permute', attrs, 'dims').join(', ')})`,
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const perm = readPermutation(attrs, x.rank, toTorchShape(x));
    return tf.tidy(() => fromTorchOrder(tf, tf.transpose(toTorchOrder(tf, x), perm)));
  },
};

export const Transpose: OpSpec = {
  op: 'transpose',
  category: 'reshape',
  methodNames: ['transpose'],
  functionalNames: ['torch.transpose'],
  functionalSignature: [{ name: 'dim0' }, { name: 'dim1' }],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const a = normalizeDim('transpose', readInt('transpose', attrs, 'dim0'), input.length, input);
    const b = normalizeDim('transpose', readInt('transpose', attrs, 'dim1'), input.length, input);
    const out = input.slice();
    out[a] = input[b] as number | null;
    out[b] = input[a] as number | null;
    return out;
  },
  summary: (attrs) => `${attrs.dim0}↔${attrs.dim1}`,
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const shape = toTorchShape(x);
    const a = normalizeDim('transpose', readInt('transpose', attrs, 'dim0'), x.rank, shape);
    const b = normalizeDim('transpose', readInt('transpose', attrs, 'dim1'), x.rank, shape);
    const perm = [...Array(x.rank).keys()];
    perm[a] = b;
    perm[b] = a;
    return tf.tidy(() => fromTorchOrder(tf, tf.transpose(toTorchOrder(tf, x), perm)));
  },
};

/** Dimensions removed by squeeze: the given ones that have size 1 (all size-1 dims when dim is None). Unknown dims stay. */
function squeezedAxes(attrs: Attrs, input: Shape): number[] {
  const dim = attrs.dim;
  if (dim === null || dim === undefined) return input.flatMap((d, i) => (d === 1 ? [i] : []));
  const dims = readIntList('squeeze', attrs, 'dim').map((d) => normalizeDim('squeeze', d, input.length, input));
  return dims.filter((d) => input[d] === 1);
}

export const Squeeze: OpSpec = {
  op: 'squeeze',
  category: 'reshape',
  methodNames: ['squeeze'],
  functionalNames: ['torch.squeeze'],
  functionalSignature: [{ name: 'dim', default: null }],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const axes = squeezedAxes(attrs, input);
    return input.filter((_, i) => !axes.includes(i));
  },
  summary: (attrs) => (attrs.dim === null || attrs.dim === undefined ? '' : `dim=${JSON.stringify(attrs.dim)}`),
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const axes = squeezedAxes(attrs, toTorchShape(x));
    return tf.tidy(() => fromTorchOrder(tf, axes.length ? tf.squeeze(toTorchOrder(tf, x), axes) : toTorchOrder(tf, x)));
  },
};

export const Unsqueeze: OpSpec = {
  op: 'unsqueeze',
  category: 'reshape',
  methodNames: ['unsqueeze'],
  functionalNames: ['torch.unsqueeze'],
  functionalSignature: [{ name: 'dim' }],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const dim = normalizeDim('unsqueeze', readInt('unsqueeze', attrs, 'dim'), input.length + 1, input);
    return [...input.slice(0, dim), 1, ...input.slice(dim)];
  },
  summary: (attrs) => `dim=${attrs.dim}`,
  forward: (tf, attrs, inputs) => {
    const x = inputs[0] as TfTensor;
    const dim = normalizeDim('unsqueeze', readInt('unsqueeze', attrs, 'dim'), x.rank + 1, toTorchShape(x));
    return tf.tidy(() => fromTorchOrder(tf, tf.expandDims(toTorchOrder(tf, x), dim)));
  },
};

export const RESHAPE_OPS: readonly OpSpec[] = [Flatten, Unflatten, View, Reshape, Permute, Transpose, Squeeze, Unsqueeze];
