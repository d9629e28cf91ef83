// Dropout variants and Identity: shape-preserving, identity in eval mode.
import type { Shape } from '../graph/ir';
import { OpArgumentError, type Attrs, type OpSpec, type TfTensor } from './types';
import { readFloat } from './args';

const F = 'torch.nn.functional.';

function normalizeDropout(op: string) {
  return (attrs: Attrs): Attrs => {
    const p = readFloat(op, attrs, 'p');
    if (p < 0 || p > 1) throw new OpArgumentError(`${op}: dropout probability has to be between 0 and 1, but got ${p}`);
    return { ...attrs, p };
  };
}

function makeDropout(op: string, functional: string[]): OpSpec {
  return {
    op,
    category: 'dropout',
    moduleNames: [`torch.nn.${op}`],
    signature: [
      { name: 'p', default: 0.5 },
      { name: 'inplace', default: false },
    ],
    functionalNames: functional.map((name) => `${F}${name}`),
    functionalSignature: [
      { name: 'p', default: 0.5 },
      { name: 'training', default: true },
      { name: 'inplace', default: false },
    ],
    normalize: normalizeDropout(op),
    inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(),
    summary: (attrs) => `p=${attrs.p}`,
    // Inference semantics (model.eval()): every dropout variant is the identity.
    forward: (tf, _attrs, inputs) => tf.clone(inputs[0] as TfTensor),
  };
}

export const Dropout = makeDropout('Dropout', ['dropout']);
export const Dropout1d = makeDropout('Dropout1d', ['dropout1d']);
export const Dropout2d = makeDropout('Dropout2d', ['dropout2d']);
export const Dropout3d = makeDropout('Dropout3d', ['dropout3d']);
export const AlphaDropout = makeDropout('AlphaDropout', ['alpha_dropout']);
export const FeatureAlphaDropout = makeDropout('FeatureAlphaDropout', ['feature_alpha_dropout']);

export const Identity: OpSpec = {
  op: 'Identity',
  category: 'identity',
  moduleNames: ['torch.nn.Identity'],
  signature: [{ name: 'args', variadic: true }],
  inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(),
  forward: (tf, _attrs, inputs) => tf.clone(inputs[0] as TfTensor),
};

/** `x.contiguous()`: memory layout only, the identity on shapes and values. */
export const Contiguous: OpSpec = {
  op: 'contiguous',
  category: 'identity',
  methodNames: ['contiguous'],
  functionalSignature: [{ name: 'memory_format', default: null }],
  inferShape: (_attrs, inputs) => (inputs[0] as Shape).slice(),
  forward: (tf, _attrs, inputs) => tf.clone(inputs[0] as TfTensor),
};

export const DROPOUT_OPS: readonly OpSpec[] = [Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout, Identity, Contiguous];
