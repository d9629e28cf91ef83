// Functional forms that take their weights as arguments: F.linear, F.layer_norm, F.normalize (no parameters of their own).
import type { Shape } from '../graph/ir';
import { ShapeError, type OpSpec, type TfTensor } from './types';
import { readFloat, readIntList, normalizeDim } from './args';
import { formatShape, numel } from './shapeText';
import { inTorchOrder, torchAxisToInternal } from './layout';
import { LayerNorm } from './norm';

const F = 'torch.nn.functional.';

/** F.linear(input, weight, bias=None): input …×in, weight out×in (a tensor the model holds) → …×out. */
export const FunctionalLinear: OpSpec = {
  op: 'linear',
  category: 'linear',
  functionalNames: [`${F}linear`],
  tensorInputs: 2,
  tensorInputNames: ['input', 'weight'],
  functionalSignature: [{ name: 'bias', default: null }],
  inferShape: (_attrs, inputs) => {
    const [x, w] = inputs as [Shape, Shape];
    if (x.length === 0) throw new ShapeError('F.linear expects an input with at least 1 dimension (…×in_features) but got a scalar', 'rank-mismatch');
    if (w.length !== 2 && w.length !== 1)
      throw new ShapeError(`F.linear expects a 1-D or 2-D weight (out_features×in_features) but got ${formatShape(w)}`, 'rank-mismatch');
    const inW = w[w.length - 1];
    const inX = x[x.length - 1];
    if (inW !== null && inX !== null && inW !== inX) {
      throw new ShapeError(`F.linear: input has ${inX} features but the weight ${formatShape(w)} expects ${inW} (input ${formatShape(x)})`,
        'in-features-mismatch');
    }
    return w.length === 2 ? [...x.slice(0, -1), w[0]] : x.slice(0, -1);
  },
  macs: (_attrs, inputs) => {
    const [x, w] = inputs as [Shape, Shape];
    return numel([...x.slice(0, -1), ...w]) ?? 0;
  },
  forward: (tf, _attrs, inputs) => {
    const w = inputs[1] as TfTensor;
    return inTorchOrder(tf, inputs[0] as TfTensor, (x) => {
      const shape = x.shape as number[];
      const rows = tf.reshape(x, [-1, shape[shape.length - 1] as number]);
      const y = tf.matMul(rows, w.rank === 1 ? tf.expandDims(w, 1) : w, false, w.rank !== 1);
      return tf.reshape(y, w.rank === 1 ? shape.slice(0, -1) : [...shape.slice(0, -1), w.shape[0] as number]);
    });
  },
};

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5): LayerNorm's rule, weights passed in. */
export const FunctionalLayerNorm: OpSpec = {
  op: 'layer_norm',
  category: 'norm',
  functionalNames: [`${F}layer_norm`, 'torch.layer_norm'],
  functionalSignature: [{ name: 'normalized_shape' }, { name: 'weight', default: null }, { name: 'bias', default: null }, { name: 'eps', default: 1e-5 }],
  normalize: (attrs) => ({ ...attrs, normalized_shape: readIntList('layer_norm', attrs, 'normalized_shape') }),
  inferShape: LayerNorm.inferShape,
  summary: LayerNorm.summary,
  forward: (tf, attrs, inputs, _w, shapes) => LayerNorm.forward!(tf, attrs, inputs, {}, shapes),
};

/** F.normalize(input, p=2, dim=1, eps=1e-12): divides by the p-norm along `dim`; the shape is the input's. */
export const FunctionalNormalize: OpSpec = {
  op: 'normalize',
  category: 'norm',
  functionalNames: [`${F}normalize`],
  functionalSignature: [{ name: 'p', default: 2.0 }, { name: 'dim', default: 1 }, { name: 'eps', default: 1e-12 }, { name: 'out', default: null }],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    normalizeDim('normalize', attrs.dim as number, input.length, input);
    return input.slice();
  },
  summary: (attrs) => `p=${attrs.p}, dim=${attrs.dim}`,
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = inputs[0] as TfTensor;
      const axis = torchAxisToInternal(attrs.dim as number, x.rank);
      const p = readFloat('normalize', attrs, 'p');
      const norm = tf.pow(tf.sum(tf.pow(tf.abs(x), p), axis, true), 1 / p);
      return tf.div(x, tf.maximum(norm, readFloat('normalize', attrs, 'eps')));
    }),
};

export const FUNCTIONAL_OPS: readonly OpSpec[] = [FunctionalLinear, FunctionalLayerNorm, FunctionalNormalize];
