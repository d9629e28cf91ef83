// Linear entry: applies to the last dimension with any leading dimensions (shape rule, weights, MACs, forward).
import type { Shape } from '../graph/ir';
import { ShapeError, type OpSpec, type Tf, type TfTensor } from './types';
import { readBool, readPositiveInt } from './args';
import { formatShape, numel } from './shapeText';
import { inTorchOrder } from './layout';

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

export const LINEAR_OPS: readonly OpSpec[] = [Linear];
