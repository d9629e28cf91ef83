// Python's structural `==` over abstract values, linear in the size of the values even when nested lists share
// parts (`a = [a, a]` repeated: a pair of containers already found equal is not compared again) and bounded.
import type { Pos } from '../python/ast';
import type { Budget } from './budget';
import { BudgetExceeded } from './errors';
import { PyDict, PyList, PyTuple, isNumber, numValue, type Value } from './values';

/** Most container pairs one comparison visits; past it the analysis stops (no real model compares such values). */
export const MAX_COMPARED_PAIRS = 200_000;

interface Work {
  left: number;
  equalPairs: Map<object, Set<object>>;
}

/** `a == b`; charges `budget` (one step per 64 container pairs) when given. */
export function equals(a: Value, b: Value, budget?: Budget, pos: Pos | null = null): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return isNumber(a) && isNumber(b) && numValue(a) === numValue(b);
  const work: Work = { left: MAX_COMPARED_PAIRS, equalPairs: new Map() };
  const result = equalsWithin(a, b, work, pos);
  if (budget) budget.charge(Math.ceil((MAX_COMPARED_PAIRS - work.left) / 64) + 1, pos);
  return result;
}

function equalsWithin(a: Value, b: Value, work: Work, pos: Pos | null): boolean {
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) return numValue(a) === numValue(b);
  const sequences = (a instanceof PyTuple && b instanceof PyTuple) || (a instanceof PyList && b instanceof PyList);
  const dicts = a instanceof PyDict && b instanceof PyDict;
  if (!sequences && !dicts) return false;
  const known = work.equalPairs.get(a as object);
  if (known?.has(b as object)) return true;
  if (--work.left < 0) throw new BudgetExceeded(`comparing values with more than ${MAX_COMPARED_PAIRS.toLocaleString('en-US')} nested containers`, pos);
  let same: boolean;
  if (sequences) {
    const x = (a as PyList | PyTuple).items;
    const y = (b as PyList | PyTuple).items;
    same = x.length === y.length && x.every((v, i) => equalsWithin(v, y[i], work, pos));
  } else {
    const x = a as PyDict;
    const y = b as PyDict;
    same = x.map.size === y.map.size && x.entries().every(([k, v]) => {
      const o = y.get(k);
      return o !== undefined && equalsWithin(v, o, work, pos);
    });
  }
  if (same) {
    if (known) known.add(b as object);
    else work.equalPairs.set(a as object, new Set([b as object]));
  }
  return same;
}
