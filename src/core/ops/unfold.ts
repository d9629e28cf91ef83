// Sliding-window views: Tensor.unfold(dim, size, step), nn.Unfold / F.unfold (im2col) and nn.Fold / F.fold (col2im).
import type { Shape } from '../graph/ir';
import { ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor } from './types';
import { readInt, readIntTuple, readIntTupleAtLeast, readPositiveInt, normalizeDim, requireRank } from './args';
import { formatShape } from './shapeText';
import { fromTorchOrder, toTorchOrder } from './layout';

/** Runs `fn` in PyTorch order on the first input, adding and removing a batch axis for an unbatched one. */
function inTorchOrderBatched(tf: Tf, x: TfTensor, batchedRank: number, fn: (t: TfTensor) => TfTensor): TfTensor {
  return tf.tidy(() => {
    const t = toTorchOrder(tf, x);
    const unbatched = t.rank === batchedRank - 1;
    const y = fn(unbatched ? tf.expandDims(t, 0) : t);
    return fromTorchOrder(tf, unbatched ? tf.squeeze(y, [0]) : y);
  });
}

/** im2col: N×C×H×W → N×(C·kh·kw)×L, rows ordered channel, then kernel row, then kernel column (PyTorch's order). */
function unfoldForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  const w = readWindow('Unfold', attrs);
  return inTorchOrderBatched(tf, inputs[0] as TfTensor, 4, (x) => {
    const [n, c, h, wd] = x.shape as [number, number, number, number];
    const padded = tf.pad(x, [[0, 0], [0, 0], [w.padding[0], w.padding[0]], [w.padding[1], w.padding[1]]]);
    const [ph, pw] = blocks(w, [h, wd]) as [number, number];
    const pieces: TfTensor[] = [];
    for (let i = 0; i < w.kernel[0]; i++) {
      for (let j = 0; j < w.kernel[1]; j++) {
        const top = i * w.dilation[0];
        const left = j * w.dilation[1];
        pieces.push(tf.stridedSlice(padded, [0, 0, top, left], [n, c, top + (ph - 1) * w.stride[0] + 1, left + (pw - 1) * w.stride[1] + 1],
          [1, 1, w.stride[0], w.stride[1]]));
      }
    }
    return tf.reshape(tf.stack(pieces, 2), [n, c * w.kernel[0] * w.kernel[1], ph * pw]);
  });
}

/** col2im: each window's values are added back at its positions (overlaps sum), then the padding is cut off. */
function foldForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  const w = readWindow('Fold', attrs);
  const size = readIntTuple('Fold', attrs, 'output_size', 2) as [number, number];
  return inTorchOrderBatched(tf, inputs[0] as TfTensor, 3, (x) => {
    const n = x.shape[0] as number;
    const area = w.kernel[0] * w.kernel[1];
    const c = (x.shape[1] as number) / area;
    const [ph, pw] = blocks(w, size) as [number, number];
    const [hp, wp] = [size[0] + 2 * w.padding[0], size[1] + 2 * w.padding[1]];
    const columns = tf.reshape(x, [n, c, w.kernel[0], w.kernel[1], ph, pw]);
    let out: TfTensor = tf.zeros([n, c, hp, wp]);
    for (let i = 0; i < w.kernel[0]; i++) {
      for (let j = 0; j < w.kernel[1]; j++) {
        const block = tf.reshape(tf.slice(columns, [0, 0, i, j, 0, 0], [n, c, 1, 1, ph, pw]), [n, c, ph, 1, pw, 1]);
        // Spread the block onto a stride grid, then move it to the kernel offset inside the padded output.
        const grid = tf.reshape(tf.pad(block, [[0, 0], [0, 0], [0, 0], [0, w.stride[0] - 1], [0, 0], [0, w.stride[1] - 1]]),
          [n, c, ph * w.stride[0], pw * w.stride[1]]);
        const top = i * w.dilation[0];
        const left = j * w.dilation[1];
        const placed = tf.pad(grid, [[0, 0], [0, 0], [top, Math.max(0, hp - top - ph * w.stride[0])], [left, Math.max(0, wp - left - pw * w.stride[1])]]);
        out = tf.add(out, tf.slice(placed, [0, 0, 0, 0], [n, c, hp, wp]));
      }
    }
    return tf.slice(out, [0, 0, w.padding[0], w.padding[1]], [n, c, size[0], size[1]]);
  });
}

/** x.unfold(dim, size, step): windows along `dim` (which becomes their count), each window's elements on a new last axis. */
function tensorUnfoldForward(tf: Tf, attrs: Attrs, inputs: TfTensor[]): TfTensor {
  return tf.tidy(() => {
    const x = toTorchOrder(tf, inputs[0] as TfTensor);
    const dim = normalizeDim('unfold', readInt('unfold', attrs, 'dimension'), x.rank, x.shape);
    const size = readPositiveInt('unfold', attrs, 'size');
    const step = readPositiveInt('unfold', attrs, 'step');
    const count = Math.floor(((x.shape[dim] as number) - size) / step) + 1;
    const toLast = [...x.shape.keys()].filter((a) => a !== dim).concat([dim]);
    const windows: TfTensor[] = [];
    for (let k = 0; k < count; k++) {
      const begin = x.shape.map((_, a) => (a === dim ? k * step : 0));
      const extent = x.shape.map((d, a) => (a === dim ? size : d));
      windows.push(tf.transpose(tf.slice(x, begin, extent), toLast));
    }
    return fromTorchOrder(tf, tf.stack(windows, dim));
  });
}

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
  forward: tensorUnfoldForward,
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
  forward: unfoldForward,
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
  forward: foldForward,
};

export const UNFOLD_OPS: readonly OpSpec[] = [TensorUnfold, Unfold, Fold];
