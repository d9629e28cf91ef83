// All Keras layer entries (channels-last, Keras weights and parameter counting), registered in ALL_OPS by registry.ts.
import type { OpSpec } from './types';
import { KERAS_CONV_OPS } from './kerasConv';
import { KERAS_POOL_OPS } from './kerasPool';
import { KERAS_CORE_OPS } from './kerasCore';
import { KERAS_MERGE_OPS } from './kerasMerge';
import { KERAS_NORM_OPS } from './kerasNorm';
import { KERAS_CONV_ND_OPS } from './kerasConvNd';
import { KERAS_SEQUENCE_OPS } from './kerasSequence';
import { KERAS_RECURRENT_OPS } from './kerasRecurrent';

export const KERAS_OPS: readonly OpSpec[] = [
  ...KERAS_CONV_OPS, ...KERAS_POOL_OPS, ...KERAS_CORE_OPS, ...KERAS_MERGE_OPS, ...KERAS_NORM_OPS, ...KERAS_CONV_ND_OPS, ...KERAS_SEQUENCE_OPS,
  ...KERAS_RECURRENT_OPS,
];

/** True for entries registered under a `keras.layers.*` class name. */
export function isKerasOp(spec: OpSpec): boolean {
  return (spec.moduleNames ?? []).some((name) => name.startsWith('keras.'));
}
