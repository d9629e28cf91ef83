// PyTorch's pooling arithmetic: output sizes with ceil_mode, AvgPool divisors, adaptive cell bounds.
/** Settings of one spatial axis of a pooling window. */
export interface PoolAxis {
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
}

/**
 * Output length as PyTorch's pooling_output_shape computes it: with ceil_mode the last window
 * must still start inside the input or the left padding.
 */
export function poolOutputLength(length: number, a: PoolAxis, ceilMode: boolean): number {
  const span = length + 2 * a.padding - a.dilation * (a.kernel - 1) - 1 + (ceilMode ? a.stride - 1 : 0);
  let out = Math.floor(span / a.stride) + 1;
  if (ceilMode && (out - 1) * a.stride >= length + a.padding) out -= 1;
  return out;
}

/** Padding after the input needed so that `out` windows fit (covers ceil_mode's partial last window). */
export function extraRightPadding(length: number, a: PoolAxis, out: number): number {
  const needed = (out - 1) * a.stride + a.dilation * (a.kernel - 1) + 1;
  return Math.max(0, needed - (length + 2 * a.padding));
}

/** Divisor of each output position of AvgPool along one axis (PyTorch's avg_pool2d rule); the 2-D divisor is the product. */
export function avgPoolDivisors(length: number, a: PoolAxis, out: number, countIncludePad: boolean): number[] {
  const divisors: number[] = [];
  for (let i = 0; i < out; i++) {
    let start = i * a.stride - a.padding;
    let end = Math.min(start + a.kernel, length + a.padding);
    const padded = end - start;
    start = Math.max(start, 0);
    end = Math.min(end, length);
    divisors.push(countIncludePad ? padded : end - start);
  }
  return divisors;
}

/** [start, end) of adaptive pooling cell `i` of `out` over `length` inputs. */
export function adaptiveBounds(i: number, length: number, out: number): [number, number] {
  return [Math.floor((i * length) / out), Math.ceil(((i + 1) * length) / out)];
}
