// NCHW ↔ channels-last conversions and PyTorch→TensorFlow.js axis mapping shared by op builders and the runner.
import type { Tf, TfTensor } from './types';

/** Permutation taking a PyTorch-ordered tensor (N, C, ...spatial) to channels-last (N, ...spatial, C). */
export function toChannelsLastPerm(rank: number): number[] {
  if (rank < 3) return [...Array(rank).keys()];
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Permutation taking a channels-last tensor back to PyTorch order. */
export function toChannelsFirstPerm(rank: number): number[] {
  if (rank < 3) return [...Array(rank).keys()];
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** Converts a tensor in PyTorch order to the internal layout (identity for rank ≤ 2). */
export function fromTorchOrder(tf: Tf, x: TfTensor): TfTensor {
  return x.rank < 3 ? x : tf.transpose(x, toChannelsLastPerm(x.rank));
}

/** Converts a tensor in the internal layout to PyTorch order (identity for rank ≤ 2). */
export function toTorchOrder(tf: Tf, x: TfTensor): TfTensor {
  return x.rank < 3 ? x : tf.transpose(x, toChannelsFirstPerm(x.rank));
}

/** PyTorch shape → the shape of the same tensor in the internal layout. */
export function internalShape(torchShape: readonly number[]): number[] {
  return toChannelsLastPerm(torchShape.length).map((axis) => torchShape[axis] as number);
}

/** Maps a (possibly negative) PyTorch axis of a rank-`rank` tensor to the internal layout's axis. */
export function torchAxisToInternal(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (rank < 3 || a === 0) return a;
  return a === 1 ? rank - 1 : a - 1;
}

/** Runs `fn` on the tensor in PyTorch order and converts its result back to the internal layout. */
export function inTorchOrder(tf: Tf, x: TfTensor, fn: (torchOrdered: TfTensor) => TfTensor): TfTensor {
  return tf.tidy(() => fromTorchOrder(tf, fn(toTorchOrder(tf, x))));
}

/**
 * Runs a batched op on an unbatched input (PyTorch allows C×H×W for Conv2d): adds the batch axis in PyTorch order,
 * runs `fn` on the internal layout, and removes the batch axis again.
 */
export function withBatchAxis(tf: Tf, x: TfTensor, fn: (batched: TfTensor) => TfTensor): TfTensor {
  return tf.tidy(() => {
    const batched = fromTorchOrder(tf, tf.expandDims(toTorchOrder(tf, x), 0));
    const y = toTorchOrder(tf, fn(batched));
    return fromTorchOrder(tf, tf.squeeze(y, [0]));
  });
}
