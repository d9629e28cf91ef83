// Op categories: which colour family a layer type is drawn with.

export type OpCategory = 'conv' | 'norm' | 'activation' | 'pool' | 'linear' | 'merge' | 'io' | 'reshape' | 'dropout' | 'attention' | 'other';

const PATTERNS: [RegExp, OpCategory][] = [
  [/^(Input|Output)$/, 'io'],
  [/^(add|cat|mul|stack|sum|matmul|bmm)$/i, 'merge'],
  [/conv/i, 'conv'],
  [/norm/i, 'norm'],
  [/attention|transformer|embedding/i, 'attention'],
  [/relu|gelu|silu|sigmoid|tanh|softmax|elu|hardswish|hardsigmoid|mish|swish|prelu|softplus|identity/i, 'activation'],
  [/pool/i, 'pool'],
  [/linear|bilinear|lazylinear/i, 'linear'],
  [/dropout/i, 'dropout'],
  [/flatten|reshape|view|permute|transpose|squeeze|unsqueeze|upsample|interpolate|pad|shuffle|chunk|split/i, 'reshape'],
];

export function opCategory(op: string): OpCategory {
  for (const [pattern, category] of PATTERNS) if (pattern.test(op)) return category;
  return 'other';
}

/** Categories in legend order with a human label. */
export const CATEGORY_LABELS: [OpCategory, string][] = [
  ['conv', 'Convolution'],
  ['norm', 'Normalization'],
  ['activation', 'Activation'],
  ['pool', 'Pooling'],
  ['linear', 'Linear'],
  ['attention', 'Attention / embedding'],
  ['merge', 'Merge (add, cat)'],
  ['reshape', 'Reshape'],
  ['dropout', 'Dropout'],
  ['other', 'Other'],
];
