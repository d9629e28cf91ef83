// einops patterns ('b c (h p1) (w p2) -> b (h w) (p1 p2 c)'): parsing, checks and size inference with einops's messages.
import type { Shape } from '../../graph/ir';

/** A failure einops reports as EinopsError; `message` is einops's own wording. */
export class EinopsFailure extends Error {}

/** An axis of one side: a name, an anonymous length (`2`, unique per occurrence) or an ellipsis-expanded axis. */
export interface Axis {
  key: string;
  /** Length fixed by the pattern (anonymous axes). */
  anon?: number;
}

export interface ParsedSide {
  hasEllipsis: boolean;
  ellipsisParenthesized: boolean;
  /** Axis keys named on this side (anonymous axes each have their own key). */
  identifiers: Set<string>;
  /** One entry per dimension: the axes composed into it ([] for `1` / `()`), or 'ellipsis'. */
  composition: (Axis[] | 'ellipsis')[];
  hasNonUnitaryAnonymous: boolean;
}

let anonCounter = 0;
const ELLIPSIS = '\u2026';
const KEYWORDS =
  new Set('False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '));

/** Why `name` is not an axis name ('' when it is one), as einops explains it. */
export function axisNameProblem(name: string, allowUnderscore = false): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || KEYWORDS.has(name)) return 'not a valid python identifier';
  if (name.startsWith('_') || name.endsWith('_')) return name === '_' && allowUnderscore ? '' : 'axis name should should not start or end with underscore';
  return '';
}

/** One side of a pattern, as einops's ParsedExpression reads it. */
export function parseSide(text: string, opts: { allowUnderscore?: boolean; allowDuplicates?: boolean } = {}): ParsedSide {
  const side: ParsedSide = { hasEllipsis: false, ellipsisParenthesized: false, identifiers: new Set(), composition: [], hasNonUnitaryAnonymous: false };
  let expr = text;
  if (expr.includes('.')) {
    if (!expr.includes('...')) throw new EinopsFailure('Expression may contain dots only inside ellipsis (...)');
    if (expr.split('...').length !== 2 || expr.split('.').length !== 4)
      throw new EinopsFailure('Expression may contain dots only inside ellipsis (...); only one ellipsis for tensor ');
    expr = expr.replace('...', ELLIPSIS);
    side.hasEllipsis = true;
  }
  let group: Axis[] | null = null;
  const addName = (x: string): void => {
    if (side.identifiers.has(x) && !(opts.allowUnderscore && x === '_') && !opts.allowDuplicates)
      throw new EinopsFailure(`Indexing expression contains duplicate dimension "${x}"`);
    if (x === ELLIPSIS) {
      side.identifiers.add(ELLIPSIS);
      if (group === null) side.composition.push('ellipsis');
      else {
        // Only legal on the right side; expanded there into the ellipsis axes.
        group.push({ key: ELLIPSIS });
        side.ellipsisParenthesized = true;
      }
    } else if (x === '1') {
      if (group === null) side.composition.push([]);
    } else if (/^[0-9]+$/.test(x)) {
      const value = Number(x);
      if (value <= 1)
        throw new EinopsFailure(value === 1 ? 'No need to create anonymous axis of length 1. Report this as an issue'
          : `Anonymous axis should have positive length, not ${value}`);
      const axis: Axis = { key: `${value}#${anonCounter++}`, anon: value };
      side.hasNonUnitaryAnonymous = true;
      side.identifiers.add(axis.key);
      if (group === null) side.composition.push([axis]);
      else group.push(axis);
    } else {
      const reason = axisNameProblem(x, opts.allowUnderscore);
      if (reason) throw new EinopsFailure(`Invalid axis identifier: ${x}\n${reason}`);
      side.identifiers.add(x);
      if (group === null) side.composition.push([{ key: x }]);
      else group.push({ key: x });
    }
  };
  let current: string | null = null;
  for (const ch of expr) {
    if (ch === '(' || ch === ')' || ch === ' ') {
      if (current !== null) addName(current);
      current = null;
      if (ch === '(') {
        if (group !== null) throw new EinopsFailure('Axis composition is one-level (brackets inside brackets not allowed)');
        group = [];
      } else if (ch === ')') {
        if (group === null) throw new EinopsFailure('Brackets are not balanced');
        side.composition.push(group);
        group = null;
      }
    } else if (/[\p{L}\p{N}_]/u.test(ch) || ch === ELLIPSIS) {
      current = (current ?? '') + ch;
    } else throw new EinopsFailure(`Unknown character '${ch}'`);
  }
  if (group !== null) throw new EinopsFailure(`Imbalanced parentheses in expression: "${expr}"`);
  if (current !== null) addName(current);
  return side;
}

/** Python's repr of a set of axes, sorted so messages are stable (`{'x'}`, `{2-axis}`). */
export function axesRepr(keys: Iterable<string>): string {
  const items = [...keys].sort().map((k) => (/^\d+#/.test(k) ? `${k.split('#')[0]}-axis` : `'${k}'`));
  return `{${items.join(', ')}}`;
}

/** 'rearrange', 'repeat' or a reduction ('min', 'max', 'sum', 'mean', 'prod', 'any', 'all', or 'custom' for a callable). */
export type EinopsOperation = string;
export const REDUCTIONS = ['min', 'max', 'sum', 'mean', 'prod', 'any', 'all'];

/** What one pattern does to a tensor of a given rank, before any size is known. */
export interface Recipe {
  /** Elementary axes in the order the left side names them (ellipsis expanded), then axes only the right side names. */
  axes: Axis[];
  /** Per input dimension, the indices (into `axes`) of the axes composed into it. */
  inputGroups: number[][];
  /** Per output dimension, the indices of the axes composed into it. */
  outputGroups: number[][];
  /** Number of left-side elementary axes. */
  leftCount: number;
  /** Permutation of the left elementary axes: kept axes in output order, then the reduced ones. */
  permutation: number[];
  /** How many axes of the permutation are kept (the rest are reduced). */
  keptCount: number;
  /** Positions in the flattened output of axes the input does not have (repeat), with their index into `axes`. */
  added: [number, number][];
}

/** Parses and checks `pattern` for `operation` on a tensor of rank `ndim`, as einops prepares its recipe. */
export function prepareRecipe(pattern: string, operation: EinopsOperation, axisNames: string[], ndim: number): Recipe {
  const parts = pattern.split('->');
  if (parts.length !== 2) throw new EinopsFailure(`Pattern must contain exactly one '->': "${pattern}"`);
  const left = parseSide(parts[0]);
  const right = parseSide(parts[1]);
  if (!left.hasEllipsis && right.hasEllipsis) throw new EinopsFailure(`Ellipsis found in right side, but not left side of a pattern ${pattern}`);
  if (left.hasEllipsis && left.ellipsisParenthesized) throw new EinopsFailure(`Ellipsis inside parenthesis in the left side is not allowed: ${pattern}`);
  // Anonymous axes are distinct on each side: compare names only, as einops's identity-hashed AnonymousAxis does.
  if (operation === 'rearrange') {
    if (left.hasNonUnitaryAnonymous || right.hasNonUnitaryAnonymous)
      throw new EinopsFailure('Non-unitary anonymous axes are not supported in rearrange (exception is length 1)');
    const difference = [...left.identifiers].filter((k) => !right.identifiers.has(k)).concat([...right.identifiers].filter((k) => !left.identifiers.has(k)));
    if (difference.length > 0) throw new EinopsFailure(`Identifiers only on one side of expression (should be on both): ${axesRepr(difference)}`);
  } else if (operation === 'repeat') {
    const difference = [...left.identifiers].filter((k) => !right.identifiers.has(k));
    if (difference.length > 0) throw new EinopsFailure(`Unexpected identifiers on the left side of repeat: ${axesRepr(difference)}`);
    const withoutSize = [...right.identifiers].filter((k) => !/^\d+#/.test(k) && k !== ELLIPSIS && !left.identifiers.has(k) && !axisNames.includes(k));
    if (withoutSize.length > 0) throw new EinopsFailure(`Specify sizes for new axes in repeat: ${axesRepr(withoutSize)}`);
  } else if (REDUCTIONS.includes(operation) || operation === 'custom') {
    const difference = [...right.identifiers].filter((k) => !left.identifiers.has(k));
    if (difference.length > 0) throw new EinopsFailure(`Unexpected identifiers on the right side of reduce ${operation}: ${axesRepr(difference)}`);
  } else throw new EinopsFailure(`Unknown reduction ${operation}. Expect one of ('min', 'max', 'sum', 'mean', 'prod', 'any', 'all').`);

  let leftComp: Axis[][];
  let rightComp: Axis[][];
  const leftIds = new Set(left.identifiers);
  const rightIds = new Set(right.identifiers);
  if (left.hasEllipsis) {
    const others = left.composition.length - 1;
    if (ndim < others) throw new EinopsFailure(`Wrong shape: expected >=${others} dims. Received ${ndim}-dim tensor.`);
    const ell: Axis[] = Array.from({ length: ndim - others }, (_, i) => ({ key: `${ELLIPSIS}${i}` }));
    leftComp = left.composition.flatMap((c) => (c === 'ellipsis' ? ell.map((a) => [a]) : [c]));
    rightComp = right.composition.flatMap((c) => (c === 'ellipsis' ? ell.map((a) => [a]) : [c.flatMap((a) => (a.key === ELLIPSIS ? ell : [a]))]));
    leftIds.delete(ELLIPSIS);
    for (const a of ell) leftIds.add(a.key);
    if (right.hasEllipsis) {
      rightIds.delete(ELLIPSIS);
      for (const a of ell) rightIds.add(a.key);
    }
  } else {
    if (ndim !== left.composition.length) throw new EinopsFailure(`Wrong shape: expected ${left.composition.length} dims. Received ${ndim}-dim tensor.`);
    leftComp = left.composition as Axis[][];
    rightComp = right.composition as Axis[][];
  }

  const axes: Axis[] = [];
  const index = new Map<string, number>();
  const addAxis = (a: Axis): void => {
    if (!index.has(a.key)) {
      index.set(a.key, axes.length);
      axes.push(a);
    }
  };
  for (const c of leftComp) c.forEach(addAxis);
  const leftCount = axes.length;
  for (const c of rightComp) c.forEach(addAxis);
  for (const name of axisNames) {
    if (axisNameProblem(name)) throw new EinopsFailure(`Invalid name for an axis ${name}`);
    if (!index.has(name)) throw new EinopsFailure(`Axis ${name} is not used in transform`);
  }
  for (const c of leftComp) {
    const unknown = c.filter((a) => a.anon === undefined && !axisNames.includes(a.key));
    if (unknown.length > 1) throw new EinopsFailure(`Could not infer sizes for ${axesRepr(unknown.map((a) => a.key))}`);
  }
  const flatLeft = leftComp.flat().map((a) => index.get(a.key)!);
  const flatRight = rightComp.flat().map((a) => index.get(a.key)!);
  const reduced = flatLeft.filter((i) => !rightIds.has(axes[i].key));
  const kept = flatRight.filter((i) => leftIds.has(axes[i].key));
  const order = [...kept, ...reduced];
  const added: [number, number][] = [];
  flatRight.forEach((i, pos) => {
    if (!leftIds.has(axes[i].key)) added.push([pos, i]);
  });
  return {
    axes,
    inputGroups: leftComp.map((c) => c.map((a) => index.get(a.key)!)),
    outputGroups: rightComp.map((c) => c.map((a) => index.get(a.key)!)),
    leftCount,
    permutation: order.map((i) => flatLeft.indexOf(i)),
    keptCount: kept.length,
    added,
  };
}

/** The sizes a recipe resolves on an input shape: every elementary axis length (null when unknown) and the output shape. */
export interface Resolved {
  lengths: (number | null)[];
  output: Shape;
}

const product = (xs: (number | null)[]): number | null => xs.reduce<number | null>((a, x) => (a === null || x === null ? null : a * x), 1);

/** Infers each axis length from the input shape and the given lengths, checking them as einops does. */
export function resolveRecipe(recipe: Recipe, shape: Shape, given: Map<string, number | null>): Resolved {
  const lengths: (number | null | undefined)[] = recipe.axes.map((a) => (a.anon !== undefined ? a.anon : given.has(a.key) ? given.get(a.key)! : undefined));
  recipe.inputGroups.forEach((group, dim) => {
    const length = shape[dim];
    const unknown = group.filter((i) => lengths[i] === undefined);
    const known = product(group.filter((i) => lengths[i] !== undefined).map((i) => lengths[i] as number | null));
    if (unknown.length === 0) {
      if (length !== null && known !== null && length !== known) throw new EinopsFailure(`Shape mismatch, ${length} != ${known}`);
    } else {
      if (length !== null && known !== null && length % known !== 0)
        throw new EinopsFailure(`Shape mismatch, can't divide axis of length ${length} in chunks of ${known}`);
      lengths[unknown[0]] = length === null || known === null ? null : Math.floor(length / known);
    }
  });
  const resolved = lengths.map((l) => (l === undefined ? null : l));
  return { lengths: resolved, output: recipe.outputGroups.map((g) => product(g.map((i) => resolved[i]))) };
}

/** The reshape/transpose/reduce/add-axes/reshape program of a resolved recipe, as graph-node attributes. */
export function recipeAttrs(recipe: Recipe,
  resolved: Resolved): { initShape: (number | null)[]; permutation: number[]; reducedFrom: number; added: (number | null)[][]; finalShape: (number | null)[] } {
  return {
    initShape: resolved.lengths.slice(0, recipe.leftCount),
    permutation: recipe.permutation,
    reducedFrom: recipe.keptCount,
    added: recipe.added.map(([pos, i]) => [pos, resolved.lengths[i]]),
    finalShape: resolved.output,
  };
}
