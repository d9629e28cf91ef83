// Readers and validators for bound constructor arguments (ints, tuples, floats, flags), raising OpArgumentError.
import type { AttrValue, Shape } from '../graph/ir';
import { OpArgumentError, ShapeError, type Attrs } from './types';
import { describeRanks, formatShape } from './shapeText';

function show(value: AttrValue | undefined): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value);
}

function isInt(value: AttrValue | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** A required integer argument. `bool` is accepted as 0/1, as in Python. */
export function readInt(op: string, attrs: Attrs, name: string): number {
  const value = attrs[name];
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (!isInt(value)) throw new OpArgumentError(`${op}: ${name} must be an integer, got ${show(value)}`);
  return value;
}

/** A required positive integer argument. */
export function readPositiveInt(op: string, attrs: Attrs, name: string): number {
  const value = readInt(op, attrs, name);
  if (value < 1) throw new OpArgumentError(`${op}: ${name} must be at least 1, got ${value}`);
  return value;
}

/** An integer argument that may be None (returns null). */
export function readOptionalInt(op: string, attrs: Attrs, name: string): number | null {
  const value = attrs[name];
  if (value === null || value === undefined) return null;
  return readInt(op, attrs, name);
}

/** A float argument (ints accepted). */
export function readFloat(op: string, attrs: Attrs, name: string): number {
  const value = attrs[name];
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OpArgumentError(`${op}: ${name} must be a number, got ${show(value)}`);
  }
  return value;
}

/** A truthy flag (`bias=False`, `affine=True`). Python truthiness for numbers and strings. */
export function readBool(attrs: Attrs, name: string): boolean {
  const value = attrs[name];
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** A string argument restricted to `allowed`. */
export function readChoice<T extends string>(op: string, attrs: Attrs, name: string, allowed: readonly T[]): T {
  const value = attrs[name];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new OpArgumentError(`${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** An int or a tuple of `count` ints (`kernel_size=3` → [3, 3]). A 1-tuple is repeated as PyTorch does. */
export function readIntTuple(op: string, attrs: Attrs, name: string, count: number): number[] {
  return intTupleValue(op, name, attrs[name], count);
}

export function intTupleValue(op: string, name: string, value: AttrValue | undefined, count: number): number[] {
  if (isInt(value)) return new Array<number>(count).fill(value);
  if (Array.isArray(value) && value.every(isInt)) {
    if (value.length === count) return value.slice() as number[];
    if (value.length === 1) return new Array<number>(count).fill(value[0] as number);
  }
  const want = count === 1 ? 'an integer' : `an integer or a tuple of ${count} integers`;
  throw new OpArgumentError(`${op}: ${name} must be ${want}, got ${show(value)}`);
}

/** Like readIntTuple, with every entry at least `min`. */
export function readIntTupleAtLeast(op: string, attrs: Attrs, name: string, count: number, min: number): number[] {
  const values = readIntTuple(op, attrs, name, count);
  if (values.some((v) => v < min)) throw new OpArgumentError(`${op}: ${name} must be at least ${min}, got ${show(attrs[name])}`);
  return values;
}

/** A list of ints (possibly passed as `*args`, i.e. nested once: `view((2, 3))` or `view(2, 3)`). */
export function readIntList(op: string, attrs: Attrs, name: string): number[] {
  let value = attrs[name];
  if (isInt(value)) return [value];
  if (Array.isArray(value) && value.length === 1 && Array.isArray(value[0])) value = value[0];
  if (Array.isArray(value) && value.every(isInt)) return value.slice() as number[];
  throw new OpArgumentError(`${op}: ${name} must be a sequence of integers, got ${show(value)}`);
}

/** Checks the input rank against the accepted ranks; unknown ranks never reach here. */
export function requireRank(op: string, input: Shape, ranks: readonly number[], layout: string): void {
  if (!ranks.includes(input.length)) {
    throw new ShapeError(
      `${op} expects ${describeRanks(ranks)} (${layout}) but got ${formatShape(input)} (rank ${input.length})`,
      'rank-mismatch',
    );
  }
}

/** Checks the number of tensor inputs given to a rule. */
export function requireInputs(op: string, inputs: Shape[], count: number): void {
  if (inputs.length < count) {
    throw new ShapeError(`${op} expects ${count} tensor input${count === 1 ? '' : 's'} but got ${inputs.length}`, 'arity-mismatch');
  }
}

/** Normalises a possibly negative dimension index for a tensor of `rank`; throws a ShapeError when out of range. */
export function normalizeDim(op: string, dim: number, rank: number, input: Shape): number {
  const lo = -Math.max(rank, 1);
  const hi = Math.max(rank, 1) - 1;
  if (dim < lo || dim > hi) {
    throw new ShapeError(
      `${op}: dimension ${dim} is out of range for input ${formatShape(input)} (expected in [${lo}, ${hi}])`,
      'dim-out-of-range',
    );
  }
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}
