// Activation entries (module, functional and tensor-method forms): ReLU family, GELU, SiLU, sigmoids, PReLU, Softmax.
import type { Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type Tf, type TfTensor } from './types';
import { normalizeDim, readChoice, readFloat, readOptionalInt, readPositiveInt } from './args';
import { formatShape } from './shapeText';
import { torchAxisToInternal } from './layout';

const F = 'torch.nn.functional.';
const inplace: ParamSpec = { name: 'inplace', default: false };

interface ElementwiseDef {
  op: string;
  signature: ParamSpec[];
  functionalNames?: string[];
  methodNames?: string[];
  functionalSignature?: ParamSpec[];
  summary?(attrs: Attrs): string;
  apply(tf: Tf, x: TfTensor, attrs: Attrs): TfTensor;
}

function elementwise(def: ElementwiseDef): OpSpec {
  return {
    op: def.op,
    category: 'activation',
    moduleNames: [`torch.nn.${def.op}`],
    signature: def.signature,
    functionalNames: def.functionalNames,
    methodNames: def.methodNames,
    functionalSignature: def.functionalSignature,
    inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(),
    summary: def.summary,
    forward: (tf, attrs, inputs) => tf.tidy(() => def.apply(tf, inputs[0] as TfTensor, attrs)),
  };
}

export const ReLU = elementwise({
  op: 'ReLU',
  signature: [inplace],
  functionalNames: [`${F}relu`, `${F}relu_`, 'torch.relu', 'torch.relu_'],
  methodNames: ['relu', 'relu_'],
  apply: (tf, x) => tf.relu(x),
});

export const ReLU6 = elementwise({
  op: 'ReLU6',
  signature: [inplace],
  functionalNames: [`${F}relu6`],
  apply: (tf, x) => tf.relu6(x),
});

export const LeakyReLU = elementwise({
  op: 'LeakyReLU',
  signature: [{ name: 'negative_slope', default: 0.01 }, inplace],
  functionalNames: [`${F}leaky_relu`, `${F}leaky_relu_`],
  summary: (attrs) => `slope ${attrs.negative_slope}`,
  apply: (tf, x, attrs) => tf.leakyRelu(x, readFloat('LeakyReLU', attrs, 'negative_slope')),
});

export const ELU = elementwise({
  op: 'ELU',
  signature: [{ name: 'alpha', default: 1.0 }, inplace],
  functionalNames: [`${F}elu`, `${F}elu_`],
  summary: (attrs) => (attrs.alpha === 1 ? '' : `α=${attrs.alpha}`),
  apply: (tf, x, attrs) => {
    const alpha = readFloat('ELU', attrs, 'alpha');
    return tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), alpha));
  },
});

export const GELU = elementwise({
  op: 'GELU',
  signature: [{ name: 'approximate', default: 'none' }],
  functionalNames: [`${F}gelu`],
  summary: (attrs) => (attrs.approximate === 'tanh' ? 'tanh' : ''),
  apply: (tf, x, attrs) => {
    const mode = readChoice('GELU', attrs, 'approximate', ['none', 'tanh'] as const);
    if (mode === 'none') return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
    const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  },
});

export const SiLU = elementwise({
  op: 'SiLU',
  signature: [inplace],
  functionalNames: [`${F}silu`],
  apply: (tf, x) => tf.mul(x, tf.sigmoid(x)),
});

export const Sigmoid = elementwise({
  op: 'Sigmoid',
  signature: [],
  functionalNames: [`${F}sigmoid`, 'torch.sigmoid'],
  methodNames: ['sigmoid'],
  apply: (tf, x) => tf.sigmoid(x),
});

export const Tanh = elementwise({
  op: 'Tanh',
  signature: [],
  functionalNames: [`${F}tanh`, 'torch.tanh'],
  methodNames: ['tanh'],
  apply: (tf, x) => tf.tanh(x),
});

export const Hardswish = elementwise({
  op: 'Hardswish',
  signature: [inplace],
  functionalNames: [`${F}hardswish`],
  apply: (tf, x) => tf.div(tf.mul(x, tf.relu6(tf.add(x, 3))), 6),
});

export const Hardsigmoid = elementwise({
  op: 'Hardsigmoid',
  signature: [inplace],
  functionalNames: [`${F}hardsigmoid`],
  apply: (tf, x) => tf.div(tf.relu6(tf.add(x, 3)), 6),
});

export const Mish = elementwise({
  op: 'Mish',
  signature: [inplace],
  functionalNames: [`${F}mish`],
  apply: (tf, x) => tf.mul(x, tf.tanh(tf.softplus(x))),
});

export const Hardtanh = elementwise({
  op: 'Hardtanh',
  signature: [{ name: 'min_val', default: -1.0 }, { name: 'max_val', default: 1.0 }, inplace],
  functionalNames: [`${F}hardtanh`],
  summary: (attrs) => `[${attrs.min_val}, ${attrs.max_val}]`,
  apply: (tf, x, attrs) => tf.clipByValue(x, readFloat('Hardtanh', attrs, 'min_val'), readFloat('Hardtanh', attrs, 'max_val')),
});

export const Softplus = elementwise({
  op: 'Softplus',
  signature: [{ name: 'beta', default: 1.0 }, { name: 'threshold', default: 20.0 }],
  functionalNames: [`${F}softplus`],
  apply: (tf, x, attrs) => {
    const beta = readFloat('Softplus', attrs, 'beta');
    const threshold = readFloat('Softplus', attrs, 'threshold');
    // PyTorch reverts to the identity where beta·x > threshold.
    const soft = tf.div(tf.softplus(tf.mul(x, beta)), beta);
    return tf.where(tf.greater(tf.mul(x, beta), threshold), x, soft);
  },
});

export const PReLU: OpSpec = {
  op: 'PReLU',
  category: 'activation',
  moduleNames: ['torch.nn.PReLU'],
  signature: [
    { name: 'num_parameters', default: 1 },
    { name: 'init', default: 0.25 },
    { name: 'device', default: null },
    { name: 'dtype', default: null },
  ],
  normalize: (attrs) => ({ ...attrs, num_parameters: readPositiveInt('PReLU', attrs, 'num_parameters'), init: readFloat('PReLU', attrs, 'init') }),
  weights: (attrs) => [
    {
      name: 'weight',
      shape: [readPositiveInt('PReLU', attrs, 'num_parameters')],
      trainable: true,
      init: { kind: 'constant', value: readFloat('PReLU', attrs, 'init') },
    },
  ],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const count = readPositiveInt('PReLU', attrs, 'num_parameters');
    if (count > 1) {
      const channelAxis = input.length >= 2 ? 1 : 0;
      const channels = input[channelAxis];
      if (input.length === 0) throw new ShapeError(`PReLU with ${count} parameters needs a channel dimension but got a scalar`, 'rank-mismatch');
      if (channels !== null && channels !== count) {
        throw new ShapeError(`PReLU expects ${count} channels but got ${channels} (input ${formatShape(input)})`, 'channel-mismatch');
      }
    }
    return input.slice();
  },
  summary: (attrs) => (attrs.num_parameters === 1 ? '' : String(attrs.num_parameters)),
  forward: (tf, _attrs, inputs, w) =>
    tf.tidy(() => {
      const x = inputs[0] as TfTensor;
      const alpha = w.weight as TfTensor;
      // Channels sit on the last axis internally (rank ≥ 3) and at axis 1 for N×C; a rank-1 input is its own channel axis.
      const negative = tf.mul(tf.minimum(x, 0), alpha);
      return tf.add(tf.relu(x), negative);
    }),
};

/** PyTorch's implicit softmax dimension (`dim=None`): 0 for rank 0, 1 and 3, else 1. */
function softmaxDim(attrs: Attrs, rank: number, input: Shape): number {
  const dim = readOptionalInt('Softmax', attrs, 'dim');
  if (dim === null) return rank === 0 || rank === 1 || rank === 3 ? 0 : 1;
  return normalizeDim('Softmax', dim, rank, input);
}

export const Softmax: OpSpec = {
  op: 'Softmax',
  category: 'activation',
  moduleNames: ['torch.nn.Softmax'],
  signature: [{ name: 'dim', default: null }],
  functionalNames: [`${F}softmax`, 'torch.softmax'],
  methodNames: ['softmax'],
  functionalSignature: [
    { name: 'dim', default: null },
    { name: '_stacklevel', default: 3 },
    { name: 'dtype', default: null },
  ],
  normalize: (attrs) => {
    const dim = attrs.dim;
    if (dim !== null && dim !== undefined && !(typeof dim === 'number' && Number.isInteger(dim))) {
      throw new OpArgumentError(`Softmax: dim must be an integer or None, got ${JSON.stringify(dim)}`);
    }
    return attrs;
  },
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    softmaxDim(attrs, input.length, input);
    return input.slice();
  },
  summary: (attrs) => (attrs.dim === null || attrs.dim === undefined ? '' : `dim=${attrs.dim}`),
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = inputs[0] as TfTensor;
      const axis = torchAxisToInternal(softmaxDim(attrs, x.rank, x.shape), x.rank);
      const shifted = tf.sub(x, tf.max(x, axis, true));
      const e = tf.exp(shifted);
      return tf.div(e, tf.sum(e, axis, true));
    }),
};

export const LogSoftmax: OpSpec = {
  ...Softmax,
  op: 'LogSoftmax',
  moduleNames: ['torch.nn.LogSoftmax'],
  functionalNames: [`${F}log_softmax`, 'torch.log_softmax'],
  methodNames: ['log_softmax'],
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = inputs[0] as TfTensor;
      const axis = torchAxisToInternal(softmaxDim(attrs, x.rank, x.shape), x.rank);
      const shifted = tf.sub(x, tf.max(x, axis, true));
      return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
    }),
};

export const SELU = elementwise({
  op: 'SELU',
  signature: [inplace],
  functionalNames: [`${F}selu`, 'torch.selu'],
  apply: (tf, x) => tf.selu(x),
});

export const Softsign = elementwise({
  op: 'Softsign',
  signature: [],
  functionalNames: [`${F}softsign`],
  apply: (tf, x) => tf.div(x, tf.add(tf.abs(x), 1)),
});

/** nn.GLU(dim=-1): first half times the sigmoid of the second half along `dim` (which must be even). */
export const GLU: OpSpec = {
  op: 'GLU',
  category: 'activation',
  moduleNames: ['torch.nn.GLU'],
  signature: [{ name: 'dim', default: -1 }],
  functionalNames: [`${F}glu`],
  inferShape: (attrs, inputs) => {
    const input = inputs[0] as Shape;
    const dim = normalizeDim('GLU', attrs.dim as number, input.length, input);
    const size = input[dim];
    if (size !== null && size % 2 !== 0) throw new ShapeError(`GLU: dimension ${dim} of ${formatShape(input)} must be even to be halved`, 'shape-mismatch');
    return input.map((d, i) => (i === dim && d !== null ? d / 2 : d));
  },
  forward: (tf, attrs, inputs) =>
    tf.tidy(() => {
      const x = inputs[0] as TfTensor;
      const axis = torchAxisToInternal(normalizeDim('GLU', attrs.dim as number, x.rank, x.shape as Shape), x.rank);
      const [a, b] = tf.split(x, 2, axis) as [TfTensor, TfTensor];
      return tf.mul(a, tf.sigmoid(b));
    }),
};

export const ACTIVATION_OPS: readonly OpSpec[] = [
  SELU, Softsign, GLU,
  ReLU, ReLU6, LeakyReLU, ELU, GELU, SiLU, Sigmoid, Tanh, Hardswish, Hardsigmoid, Mish, Hardtanh, Softplus, PReLU, Softmax, LogSoftmax,
];
