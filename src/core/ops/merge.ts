// Merge entries over several tensors: add and mul (PyTorch broadcasting) and cat (one dimension may differ).
import type { Shape } from '../graph/ir';
import { ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
import { normalizeDim, readFloat, readInt, requireInputs } from './args';
import { formatShape } from './shapeText';
import { fromTorchOrder, toTorchOrder, torchAxisToInternal } from './layout';

/** PyTorch's broadcasting rule; unknown dimensions never raise. */
export function broadcastShapes(op: string, a: Shape, b: Shape): Shape {
  const rank = Math.max(a.length, b.length);
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : (a[i - (rank - a.length)] as number | null);
    const db = i < rank - b.length ? 1 : (b[i - (rank - b.length)] as number | null);
    if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === null) out.push(db);
    else if (db === null) out.push(da);
    else if (da === db) out.push(da);
    else {
      throw new ShapeError(`${op}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`, 'broadcast-mismatch');
    }
  }
  return out;
}

/** Applies a binary op in the internal layout; operands of different rank meet in PyTorch order. */
function binary(tf: Tf, a: TfTensor, b: TfTensor, fn: (x: TfTensor, y: TfTensor) => TfTensor): TfTensor {
  return tf.tidy(() => {
    if (a.rank === b.rank || (a.rank < 3 && b.rank < 3)) return fn(a, b);
    return fromTorchOrder(tf, fn(toTorchOrder(tf, a), toTorchOrder(tf, b)));
  });
}

export const Add: OpSpec = {
  op: 'add',
  category: 'merge',
  functionalNames: ['torch.add'],
  methodNames: ['add', 'add_'],
  tensorInputs: 2,
  functionalSignature: [{ name: 'alpha', default: 1 }],
  inferShape: (_attrs, inputs) => {
    requireInputs('add', inputs, 2);
    return broadcastShapes('add', inputs[0] as Shape, inputs[1] as Shape);
  },
  summary: (attrs) => (attrs.alpha === undefined || attrs.alpha === 1 ? '' : `α=${attrs.alpha}`),
  forward: (tf, attrs, inputs) => {
    const alpha = attrs.alpha === undefined ? 1 : readFloat('add', attrs, 'alpha');
    return binary(tf, inputs[0] as TfTensor, inputs[1] as TfTensor, (x, y) => tf.add(x, alpha === 1 ? y : tf.mul(y, alpha)));
  },
};

export const Mul: OpSpec = {
  op: 'mul',
  category: 'merge',
  functionalNames: ['torch.mul', 'torch.multiply'],
  methodNames: ['mul', 'mul_'],
  tensorInputs: 2,
  functionalSignature: [],
  inferShape: (_attrs, inputs) => {
    requireInputs('mul', inputs, 2);
    return broadcastShapes('mul', inputs[0] as Shape, inputs[1] as Shape);
  },
  forward: (tf, _attrs, inputs) => binary(tf, inputs[0] as TfTensor, inputs[1] as TfTensor, (x, y) => tf.mul(x, y)),
};

function catDim(attrs: Attrs): number {
  return attrs.dim === undefined ? 0 : readInt('cat', attrs, 'dim');
}

export const Cat: OpSpec = {
  op: 'cat',
  category: 'merge',
  functionalNames: ['torch.cat', 'torch.concat', 'torch.concatenate'],
  tensorInputs: 'list',
  functionalSignature: [{ name: 'dim', default: 0 }],
  inferShape: (attrs, inputs) => {
    if (inputs.length === 0) throw new ShapeError('cat expects a non-empty list of tensors', 'arity-mismatch');
    const first = inputs[0] as Shape;
    const dim = normalizeDim('cat', catDim(attrs), first.length, first);
    const out = first.slice();
    for (const shape of inputs.slice(1)) {
      if (shape.length !== first.length) {
        throw new ShapeError(
          `cat expects tensors of the same rank but got ${formatShape(first)} and ${formatShape(shape)}`,
          'rank-mismatch',
        );
      }
      shape.forEach((d, i) => {
        if (i === dim) {
          const sum = out[i] as number | null;
          out[i] = sum === null || d === null ? null : sum + d;
          return;
        }
        const known = out[i] as number | null;
        if (known !== null && d !== null && known !== d) {
          throw new ShapeError(
            `cat along dim ${dim} expects all other dimensions equal but dim ${i} differs: ${formatShape(first)} vs ${formatShape(shape)}`,
            'cat-mismatch',
          );
        }
        if (known === null) out[i] = d;
      });
    }
    return out;
  },
  summary: (attrs) => `dim=${catDim(attrs)}`,
  forward: (tf, attrs, inputs) => {
    const rank = (inputs[0] as TfTensor).rank;
    const dim = catDim(attrs);
    return tf.concat(inputs, torchAxisToInternal(dim, rank));
  },
};

export const MERGE_OPS: readonly OpSpec[] = [Add, Mul, Cat];
