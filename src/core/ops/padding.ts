// Spatial padding and cropping of channels-last tensors in PyTorch's modes (zeros/constant, reflect, replicate, circular).
import type { Tf, TfTensor } from './types';

export type PadMode = 'zeros' | 'constant' | 'reflect' | 'replicate' | 'circular';

/** Pads (or, for negative amounts, crops) one axis. */
function padAxis(tf: Tf, x: TfTensor, axis: number, before: number, after: number, mode: PadMode, value: number): TfTensor {
  if (before < 0 || after < 0) {
    const size = x.shape[axis] as number;
    const begin = x.shape.map(() => 0);
    const sizes = x.shape.slice() as number[];
    const cropBefore = Math.max(0, -before);
    const cropAfter = Math.max(0, -after);
    begin[axis] = cropBefore;
    sizes[axis] = size - cropBefore - cropAfter;
    x = tf.slice(x, begin, sizes);
    before = Math.max(0, before);
    after = Math.max(0, after);
  }
  if (before === 0 && after === 0) return x;
  if (mode === 'zeros' || mode === 'constant') {
    const pads = x.shape.map((_, i): [number, number] => (i === axis ? [before, after] : [0, 0]));
    return tf.pad(x, pads, value);
  }
  if (mode === 'reflect') {
    const pads = x.shape.map((_, i): [number, number] => (i === axis ? [before, after] : [0, 0]));
    return tf.mirrorPad(x, pads, 'reflect');
  }
  const size = x.shape[axis] as number;
  const take = (start: number, count: number): TfTensor => {
    const begin = x.shape.map(() => 0);
    const sizes = x.shape.slice() as number[];
    begin[axis] = start;
    sizes[axis] = count;
    return tf.slice(x, begin, sizes);
  };
  const parts: TfTensor[] = [];
  if (mode === 'replicate') {
    for (let i = 0; i < before; i++) parts.push(take(0, 1));
    parts.push(x);
    for (let i = 0; i < after; i++) parts.push(take(size - 1, 1));
  } else {
    if (before > 0) parts.push(take(size - before, before));
    parts.push(x);
    if (after > 0) parts.push(take(0, after));
  }
  return tf.concat(parts, axis);
}

/**
 * Pads the spatial axes of a channels-last tensor (N, ...spatial, C).
 * `pads[i]` = [before, after] for spatial axis i (PyTorch's H, W order); negative amounts crop.
 */
export function padSpatial(tf: Tf, x: TfTensor, pads: readonly (readonly [number, number])[], mode: PadMode = 'zeros', value = 0): TfTensor {
  return tf.tidy(() => {
    let y = x;
    pads.forEach(([before, after], i) => {
      y = padAxis(tf, y, i + 1, before, after, mode, value);
    });
    return y;
  });
}

/** Pads (or crops) arbitrary axes of a tensor: `pads[axis] = [before, after]`. */
export function padAxes(tf: Tf, x: TfTensor, pads: readonly (readonly [number, number])[], mode: PadMode = 'zeros', value = 0): TfTensor {
  return tf.tidy(() => {
    let y = x;
    pads.forEach(([before, after], axis) => {
      y = padAxis(tf, y, axis, before, after, mode, value);
    });
    return y;
  });
}
