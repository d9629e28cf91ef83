// PyTorch's checks on the size of a tensor it is asked to create (layer weights, torch.zeros/randn/... factories):
// no negative dimension, every dimension an int64, the float32 storage in bytes an int64 too. Same messages as PyTorch.

/** A problem PyTorch raises at creation: the Python exception type and its message. */
export interface TensorSizeProblem {
  type: 'RuntimeError' | 'TypeError';
  message: string;
}

const INT64_LIMIT = 2 ** 63;
/** Bytes of one element of the default dtype (float32): PyTorch multiplies the element count by it in int64. */
const DEFAULT_ITEM_BYTES = 4;

/**
 * A dimension in plain digits where it can be an int64 (the exact value of the double: String() would round
 * 2^63 to 9223372036854776000); larger values, which no tensor can have, as `about 1e+200`.
 */
export function showDim(d: number): string {
  if (!Number.isInteger(d) || Math.abs(d) <= Number.MAX_SAFE_INTEGER) return String(d);
  return Math.abs(d) <= INT64_LIMIT ? BigInt(d).toString() : `about ${d.toExponential()}`;
}

function showSizes(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : showDim(d))).join(', ')}]`;
}

/** Why PyTorch would refuse to create a tensor of `shape` (unknown dimensions pass), or null when it would not. */
export function tensorSizeProblem(shape: readonly (number | null)[]): TensorSizeProblem | null {
  for (const d of shape) {
    if (d === null) continue;
    if (!Number.isInteger(d)) return { type: 'TypeError', message: `tensor size must be a tuple of ints, got ${showDim(d)} in ${showSizes(shape)}` };
    if (d < 0) return { type: 'RuntimeError', message: `Trying to create tensor with negative dimension ${showDim(d)}: ${showSizes(shape)}` };
    if (d >= INT64_LIMIT) return { type: 'TypeError', message: `tensor size ${showDim(d)} does not fit in an int64` };
  }
  // Rounding to float64 is monotonic, so a true product at or past 2^63 (an overflow in PyTorch) never rounds below it.
  let bytes = DEFAULT_ITEM_BYTES;
  for (const d of shape) if (d !== null) bytes *= d;
  if (bytes >= INT64_LIMIT) return { type: 'RuntimeError', message: `Storage size calculation overflowed with sizes=${showSizes(shape)}` };
  return null;
}
