// Sliding-window views: Tensor.unfold(dim, size, step), nn.Unfold / F.unfold (im2col) and nn.Fold / F.fold (col2im).
import type { Shape } from '../graph/ir';
import { ShapeError, type Attrs, type OpSpec, type ParamSpec } from './types';
import { readInt, readIntTuple, readIntTupleAtLeast, readPositiveInt, normalizeDim, requireRank } from './args';
import { formatShape } from './shapeText';

/** x.unfold(dimension, size, step): `dimension` becomes the window count, a new last dimension of `size`. */
export const TensorUnfold: OpSpec = {
  op: 'unfold',
  category: 'reshape',
  methodNames: ['unfold'],
  functionalSignature: [{ name: 'dimension' }, { name: 'size' }, { name: 'step' }],
  inferShape: (attrs, inputs) => {
    const x = inputs[0] as Shape;
    if (x.length === 0) throw new ShapeError('unfold expects a tensor with at least 1 dimension but got a scalar', 'rank-mismatch');
    const dim = normalizeDim('unfold', readInt('unfold', attrs, 'dimension'), x.length, x);
    const size = readPositiveInt('unfold', attrs, 'size');
    const step = readPositiveInt('unfold', attrs, 'step');
    const n = x[dim];
    if (n !== null && n < size) throw new ShapeError(`unfold: size ${size} is larger than dimension ${dim} of ${formatShape(x)}`, 'shape-mismatch');
    const out = x.slice();
    out[dim] = n === null ? null : Math.floor((n - size) / step) + 1;
    return [...out, size];
  },
  summary: (attrs) => `dim ${attrs.dimension}, ${attrs.size}/${attrs.step}`,
};

const windowSignature: ParamSpec[] = [
  { name: 'kernel_size' },
  { name: 'dilation', default: 1 },
  { name: 'padding', default: 0 },
  { name: 'stride', default: 1 },
];

interface Window {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

function readWindow(op: string, attrs: Attrs): Window {
  return {
    kernel: readIntTupleAtLeast(op, attrs, 'kernel_size', 2, 1),
    dilation: readIntTupleAtLeast(op, attrs, 'dilation', 2, 1),
    padding: readIntTupleAtLeast(op, attrs, 'padding', 2, 0),
    stride: readIntTupleAtLeast(op, attrs, 'stride', 2, 1),
  };
}

/** Sliding-window positions along each spatial axis of size `sizes` (null where unknown). */
function blocks(w: Window, sizes: (number | null)[]): (number | null)[] {
  return sizes.map((s, i) => (s === null ? null : Math.floor((s + 2 * w.padding[i] - w.dilation[i] * (w.kernel[i] - 1) - 1) / w.stride[i]) + 1));
}

/** nn.Unfold / F.unfold: N×C×H×W → N×(C·kh·kw)×L, L the number of window positions. */
export const Unfold: OpSpec = {
  op: 'Unfold',
  category: 'reshape',
  moduleNames: ['torch.nn.Unfold'],
  functionalNames: ['torch.nn.functional.unfold'],
  signature: windowSignature,
  normalize: (attrs) => (readWindow('Unfold', attrs), attrs),
  inferShape: (attrs, inputs) => {
    const x = inputs[0] as Shape;
    requireRank('Unfold', x, [3, 4], 'N×C×H×W');
    const w = readWindow('Unfold', attrs);
    const [c, h, wd] = x.slice(-3);
    const positions = blocks(w, [h, wd]);
    if (positions.some((p) => p !== null && p <= 0))
      throw new ShapeError(`Unfold: kernel ${w.kernel.join('×')} does not fit input ${formatShape(x)}`, 'shape-mismatch');
    const rows = c === null ? null : c * w.kernel[0] * w.kernel[1];
    const l = positions[0] === null || positions[1] === null ? null : positions[0] * positions[1];
    return x.length === 4 ? [x[0], rows, l] : [rows, l];
  },
  summary: (attrs) => `${readWindow('Unfold', attrs).kernel.join('×')}`,
};

/** nn.Fold / F.fold: N×(C·kh·kw)×L → N×C×output_size (L must equal the window positions of output_size). */
export const Fold: OpSpec = {
  op: 'Fold',
  category: 'reshape',
  moduleNames: ['torch.nn.Fold'],
  functionalNames: ['torch.nn.functional.fold'],
  signature: [{ name: 'output_size' }, ...windowSignature],
  normalize: (attrs) => (readWindow('Fold', attrs), readIntTuple('Fold', attrs, 'output_size', 2), attrs),
  inferShape: (attrs, inputs) => {
    const x = inputs[0] as Shape;
    requireRank('Fold', x, [2, 3], 'N×(C·kh·kw)×L');
    const w = readWindow('Fold', attrs);
    const size = readIntTuple('Fold', attrs, 'output_size', 2);
    const [rows, l] = x.slice(-2);
    const area = w.kernel[0] * w.kernel[1];
    if (rows !== null && rows % area !== 0)
      throw new ShapeError(`Fold: input dimension 1 (${rows}) must be divisible by the kernel area ${area} (input ${formatShape(x)})`, 'shape-mismatch');
    const [ph, pw] = blocks(w, size) as number[];
    if (l !== null && l !== ph * pw)
      throw new ShapeError(`Fold: input has ${l} blocks but output_size ${size.join('×')} with kernel ${w.kernel.join('×')} needs ${ph * pw} (input ${formatShape(x)})`, 'shape-mismatch');
    const c = rows === null ? null : rows / area;
    return x.length === 3 ? [x[0], c, ...size] : [c, ...size];
  },
  summary: (attrs) => `${readIntTuple('Fold', attrs, 'output_size', 2).join('×')}`,
};

export const UNFOLD_OPS: readonly OpSpec[] = [TensorUnfold, Unfold, Fold];
