// Colour families of op categories: which legend swatch a node's IR category (set by the tracer) is drawn with.
import type { OpCategory } from '../src/core/graph/ir';

/** A legend entry; several IR categories may share one colour. */
export type ColourFamily = 'conv' | 'norm' | 'activation' | 'pool' | 'linear' | 'merge' | 'io' | 'reshape' | 'dropout' | 'attention' | 'other';

const FAMILY: Record<OpCategory, ColourFamily> = {
  conv: 'conv',
  linear: 'linear',
  norm: 'norm',
  activation: 'activation',
  pool: 'pool',
  merge: 'merge',
  elementwise: 'merge',
  reduce: 'merge',
  reshape: 'reshape',
  resample: 'reshape',
  identity: 'reshape',
  attention: 'attention',
  sequence: 'attention',
  embedding: 'attention',
  dropout: 'dropout',
  io: 'io',
  other: 'other',
};

/** The colour family of a node's category; `other` for a category this build does not know. */
export function colourFamily(category: OpCategory | undefined): ColourFamily {
  return category !== undefined && Object.hasOwn(FAMILY, category) ? FAMILY[category] : 'other';
}

/** Colour families in legend order with a human label. */
export const CATEGORY_LABELS: [ColourFamily, string][] = [
  ['conv', 'Convolution'],
  ['norm', 'Normalization'],
  ['activation', 'Activation'],
  ['pool', 'Pooling'],
  ['linear', 'Linear'],
  ['attention', 'Attention / recurrent / embedding'],
  ['merge', 'Merge / elementwise (add, cat)'],
  ['reshape', 'Reshape / resample'],
  ['dropout', 'Dropout'],
  ['other', 'Other'],
];
