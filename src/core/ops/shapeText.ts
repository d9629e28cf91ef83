// Formatting of shapes and small attribute values for messages and labels (`1×64×56×56`, `3×3`).
import type { Shape } from '../graph/ir';

/** `1×64×56×56`; unknown dimensions print as `?`; a scalar prints as `scalar`. */
export function formatShape(shape: readonly (number | null)[]): string {
  if (shape.length === 0) return 'scalar';
  return shape.map((d) => (d === null ? '?' : String(d))).join('×');
}

/** `3×3` for a kernel, or `3` for a 1-D one. */
export function formatKernel(sizes: readonly number[]): string {
  return sizes.join('×');
}

/** True when every dimension is known. */
export function isConcrete(shape: Shape): shape is number[] {
  return shape.every((d) => d !== null);
}

/** Product of dimensions, or null when one is unknown. */
export function numel(shape: readonly (number | null)[]): number | null {
  let total = 1;
  for (const d of shape) {
    if (d === null) return null;
    total *= d;
  }
  return total;
}

/** `rank 4` style description of what a rule accepts, e.g. `a 3-D or 4-D input`. */
export function describeRanks(ranks: readonly number[]): string {
  const names = ranks.map((r) => `${r}-D`);
  if (names.length === 1) return `a ${names[0]} input`;
  return `a ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]} input`;
}
