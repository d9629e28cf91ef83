// Merge and elementwise arithmetic entries: add, mul, sub, div, pow (PyTorch broadcasting, scalar operands) and cat.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type Tf, type TfTensor } from './types';
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

/** True when a tensor of rank >= 3 is held in the graph's own order: a channels-last (Keras) graph, whose shapes are
 *  not converted. A PyTorch graph's tensor matches only when its channel and spatial sizes coincide; that stays ambiguous. */
function inGraphOrder(t: TfTensor, graphShape: Shape | undefined): boolean {
  if (t.rank < 3) return true;
  if (!graphShape || graphShape.length !== t.rank || !t.shape.every((d, i) => graphShape[i] === null || graphShape[i] === d)) return false;
  return new Set(t.shape.slice(1)).size > 1;
}

/** Applies a binary op in the internal layout; operands of different rank meet in PyTorch order (a channels-last graph's
 *  operands broadcast as they are). */
function binary(tf: Tf, a: TfTensor, b: TfTensor, fn: (x: TfTensor, y: TfTensor) => TfTensor, shapes: Shape[] = []): TfTensor {
  return tf.tidy(() => {
    if (a.rank === b.rank || (a.rank < 3 && b.rank < 3)) return fn(a, b);
    if (inGraphOrder(a, shapes[0]) && inGraphOrder(b, shapes[1]) && (a.rank >= 3 || b.rank >= 3)) return fn(a, b);
    return fromTorchOrder(tf, fn(toTorchOrder(tf, a), toTorchOrder(tf, b)));
  });
}

/** The scalar operand of a tensor–scalar node (`x * 0.5`, `1 - x`), recorded by the tracer as attrs.scalar / scalarFirst. */
function scalarOperand(op: string, attrs: Attrs): number {
  const value = attrs.scalar;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number') throw new OpArgumentError(`${op}: the scalar operand is not a known number (${JSON.stringify(value ?? null)})`);
  return value;
}

/** Shape rule of an elementwise binary op: two tensors broadcast; one tensor (with a scalar) keeps its shape. */
function binaryShape(op: string) {
  return (_attrs: Attrs, inputs: Shape[]): Shape => {
    if (inputs.length === 1) return (inputs[0] as Shape).slice();
    requireInputs(op, inputs, 2);
    return broadcastShapes(op, inputs[0] as Shape, inputs[1] as Shape);
  };
}

/** Forward of an elementwise binary op in either form (tensor ∘ tensor, tensor ∘ scalar, scalar ∘ tensor). */
function binaryForward(op: string, fn: (tf: Tf, a: TfTensor | number, b: TfTensor | number) => TfTensor) {
  return (tf: Tf, attrs: Attrs, inputs: TfTensor[], _weights?: Record<string, TfTensor>, shapes?: Shape[]): TfTensor => {
    const x = inputs[0] as TfTensor;
    if (inputs.length === 1) {
      const s = scalarOperand(op, attrs);
      return tf.tidy(() => (attrs.scalarFirst === true ? fn(tf, s, x) : fn(tf, x, s)));
    }
    return binary(tf, x, inputs[1] as TfTensor, (a, b) => fn(tf, a, b), shapes);
  };
}

export const Add: OpSpec = {
  op: 'add',
  category: 'merge',
  functionalNames: ['torch.add'],
  methodNames: ['add', 'add_'],
  tensorInputs: 2,
  functionalSignature: [{ name: 'alpha', default: 1 }],
  inferShape: binaryShape('add'),
  summary: (attrs) => (attrs.alpha === undefined || attrs.alpha === 1 ? '' : `α=${attrs.alpha}`),
  forward: (tf, attrs, inputs, weights, shapes) => {
    const alpha = attrs.alpha === undefined || attrs.alpha === null ? 1 : readFloat('add', attrs, 'alpha');
    return binaryForward('add', (t, a, b) => t.add(a, alpha === 1 ? b : t.mul(b, alpha)))(tf, attrs, inputs, weights, shapes);
  },
};

export const Mul: OpSpec = {
  op: 'mul',
  category: 'merge',
  functionalNames: ['torch.mul', 'torch.multiply'],
  methodNames: ['mul', 'mul_'],
  tensorInputs: 2,
  functionalSignature: [],
  inferShape: binaryShape('mul'),
  forward: binaryForward('mul', (t, a, b) => t.mul(a, b)),
};

/** `a - b` (operator form; the tracer records it with the operator's name). */
export const Sub: OpSpec = {
  op: 'sub',
  category: 'merge',
  inferShape: binaryShape('sub'),
  forward: binaryForward('sub', (t, a, b) => t.sub(a, b)),
};

/** `a / b` (true division). */
export const Div: OpSpec = {
  op: 'div',
  category: 'merge',
  inferShape: binaryShape('div'),
  forward: binaryForward('div', (t, a, b) => t.div(a, b)),
};

/** `a ** b`. */
export const Pow: OpSpec = {
  op: 'pow',
  category: 'merge',
  inferShape: binaryShape('pow'),
  forward: binaryForward('pow', (t, a, b) => t.pow(a, b)),
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

export const MERGE_OPS: readonly OpSpec[] = [Add, Mul, Sub, Div, Pow, Cat];
