// Linear entry (last dimension, any leading dimensions) and matmul with PyTorch's 1-D and batch-broadcasting rules.
import type { Shape } from '../graph/ir';
import { ShapeError, type OpSpec, type Tf, type TfTensor } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape, numel } from './shapeText';
import { fromTorchOrder, inTorchOrder, toTorchOrder } from './layout';
import { broadcastShapes } from './merge';

function matmulLastDim(tf: Tf, x: TfTensor, kernel: TfTensor, bias: TfTensor | undefined): TfTensor {
  return tf.tidy(() => {
    const shape = x.shape as number[];
    const inFeatures = shape[shape.length - 1] as number;
    const rows = tf.reshape(x, [-1, inFeatures]);
    const product = tf.fused.matMul({ a: rows as never, b: kernel as never, bias });
    return tf.reshape(product, [...shape.slice(0, -1), kernel.shape[1] as number]);
  });
}

export const Linear: OpSpec = {
  op: 'Linear',
  category: 'linear',
  moduleNames: ['torch.nn.Linear'],
  signature: [
    { name: 'in_features' },
    { name: 'out_features' },
    { name: 'bias', default: true },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  normalize: (attrs) => ({
    ...attrs,
    in_features: readPositiveInt('Linear', attrs, 'in_features'),
    out_features: readPositiveInt('Linear', attrs, 'out_features'),
    bias: readBool(attrs, 'bias'),
  }),
  weights: (attrs) => {
    const inFeatures = readPositiveInt('Linear', attrs, 'in_features');
    const outFeatures = readPositiveInt('Linear', attrs, 'out_features');
    const bound = 1 / Math.sqrt(inFeatures);
    const specs = [{ name: 'weight', shape: [outFeatures, inFeatures], trainable: true, init: { kind: 'uniform' as const, bound } }];
    if (readBool(attrs, 'bias')) specs.push({ name: 'bias', shape: [outFeatures], trainable: true, init: { kind: 'uniform', bound } });
    return specs;
  },
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    if (input.length === 0) throw new ShapeError('Linear expects an input with at least 1 dimension (…×in_features) but got a scalar', 'rank-mismatch');
    const inFeatures = readPositiveInt('Linear', attrs, 'in_features');
    const got = input[input.length - 1] as number | null;
    if (got !== null && got !== inFeatures) {
      throw new ShapeError(
        `Linear expects ${inFeatures} input features but got ${got} (input ${formatShape(input)})`,
        'in-features-mismatch',
        `use nn.Linear(${got}, ${readPositiveInt('Linear', attrs, 'out_features')})`,
      );
    }
    return [...input.slice(0, -1), readPositiveInt('Linear', attrs, 'out_features')];
  },
  macs: (attrs, inputs) => {
    const input = inputs[0] ?? [null];
    const leading = numel(input.slice(0, -1));
    if (leading === null) return 0;
    return leading * readPositiveInt('Linear', attrs, 'in_features') * readPositiveInt('Linear', attrs, 'out_features');
  },
  summary: (attrs) => `${attrs.in_features}→${attrs.out_features}`,
  prepareWeights: (tf, _attrs, w) => {
    const prepared: Record<string, TfTensor> = { kernel: tf.transpose(w.weight as TfTensor) };
    if (w.bias) prepared.bias = w.bias;
    return prepared;
  },
  forward: (tf, _attrs, inputs, w) => {
    const x = inputs[0] as TfTensor;
    const kernel = w.kernel as TfTensor;
    if (x.rank <= 2) {
      return tf.tidy(() => (x.rank === 1 ? tf.squeeze(matmulLastDim(tf, tf.expandDims(x, 0), kernel, w.bias), [0]) : matmulLastDim(tf, x, kernel, w.bias)));
    }
    return inTorchOrder(tf, x, (t) => matmulLastDim(tf, t, kernel, w.bias));
  },
};

/** torch.matmul's shape rule: 1-D operands gain and then lose a dimension; batch dimensions broadcast. */
export function matmulShape(a: Shape, b: Shape): Shape {
  if (a.length === 0 || b.length === 0) throw new ShapeError('matmul: both arguments need at least 1 dimension', 'rank-mismatch');
  const left = a.length === 1 ? [1, a[0] as number | null] : a;
  const right = b.length === 1 ? [b[0] as number | null, 1] : b;
  const inner = [left[left.length - 1] as number | null, right[right.length - 2] as number | null];
  if (inner[0] !== null && inner[1] !== null && inner[0] !== inner[1]) {
    throw new ShapeError(
      `matmul: cannot multiply ${formatShape(a)} by ${formatShape(b)} (inner dimensions ${inner[0]} and ${inner[1]} differ)`,
      'matmul-mismatch',
    );
  }
  const batch = broadcastShapes('matmul', left.slice(0, -2), right.slice(0, -2));
  const out: Shape = [...batch];
  if (a.length > 1) out.push(left[left.length - 2] as number | null);
  if (b.length > 1) out.push(right[right.length - 1] as number | null);
  return out;
}

export const MatMul: OpSpec = {
  op: 'matmul',
  category: 'linear',
  functionalNames: ['torch.matmul', 'torch.mm', 'torch.bmm'],
  methodNames: ['matmul', 'mm', 'bmm'],
  tensorInputs: 2,
  functionalSignature: [],
  inferShape: (_attrs, inputs) => {
    if (inputs.length < 2) throw new ShapeError(`matmul expects 2 tensor inputs but got ${inputs.length}`, 'arity-mismatch');
    return matmulShape(inputs[0] as Shape, inputs[1] as Shape);
  },
  // prod(batch) × M × K × N: every output element is a K-long dot product.
  macs: (_attrs, inputs, output) => {
    const a = inputs[0] as Shape;
    return (numel(output) ?? 0) * ((a[a.length - 1] as number | null) ?? 0);
  },
  forward: (tf, _attrs, inputs) =>
    tf.tidy(() => {
      let a = toTorchOrder(tf, inputs[0] as TfTensor);
      let b = toTorchOrder(tf, inputs[1] as TfTensor);
      const aVector = a.rank === 1;
      const bVector = b.rank === 1;
      if (aVector) a = tf.expandDims(a, 0);
      if (bVector) b = tf.expandDims(b, 1);
      // Broadcast the batch dimensions explicitly: tfjs's own batch broadcasting in matMul is unreliable.
      const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2)) as number[];
      if (batch.length > 0) {
        a = tf.broadcastTo(a, [...batch, ...a.shape.slice(-2)]);
        b = tf.broadcastTo(b, [...batch, ...b.shape.slice(-2)]);
      }
      let y = tf.matMul(a, b);
      if (bVector) y = tf.squeeze(y, [y.rank - 1]);
      if (aVector) y = tf.squeeze(y, [y.rank - (bVector ? 1 : 2)]);
      return fromTorchOrder(tf, y);
    }),
};

export const LINEAR_OPS: readonly OpSpec[] = [Linear, MatMul];
