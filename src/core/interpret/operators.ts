// Python operators over abstract values: arithmetic with int/float semantics, sequences, comparisons, identity, `in`.
import type { Pos } from '../python/ast';
import { PyError, typeError } from './errors';
import type { Interpreter } from './interpreter';
import { percentFormat } from './strings';
import { equals } from './equality';
import {
  PyClass, PyDict, PyFloat, PyInstance, PyList, PyRange, PySet, PyTensor, PyTuple, PyUnknown, isNumber, numValue, typeName, type Value,
} from './values';

const DUNDER: Record<string, string> = { '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '//': '__floordiv__', '%': '__mod__',
  '**': '__pow__', '@': '__matmul__' };

export function binaryOp(it: Interpreter, op: string, a: Value, b: Value, p: Pos, inplace: boolean): Value {
  if (typeof a === 'number' && typeof b === 'number') return intOp(op, a, b, p);
  if (a instanceof PyTensor || b instanceof PyTensor) return it.hooks.tensorBinary(op, a, b, p, inplace);
  if (a instanceof PyUnknown) return a;
  if (b instanceof PyUnknown) return b;
  if (isNumber(a) && isNumber(b)) {
    if (typeof a !== 'object' && typeof b !== 'object') return intOp(op, numValue(a), numValue(b), p);
    return floatOp(op, numValue(a), numValue(b), p);
  }
  if (typeof a === 'string') {
    if (op === '+' && typeof b === 'string') {
      it.budget.charge(Math.ceil((a.length + b.length) / 64) + 1, p);
      return a + b;
    }
    if (op === '*' && typeof b === 'number') return repeatString(it, a, b, p);
    if (op === '%') return percentFormat(it, a, b, p);
  }
  if (op === '*' && typeof a === 'number' && typeof b === 'string') return repeatString(it, b, a, p);
  if (a instanceof PyList || a instanceof PyTuple) {
    const Ctor = a instanceof PyList ? PyList : PyTuple;
    if (op === '+' && b instanceof Ctor) {
      // Charged by size, as `*` is: `s = s + s` doubles a list each time.
      it.budget.charge(Math.ceil((a.items.length + b.items.length) / 8) + 1, p);
      return new Ctor([...a.items, ...b.items]);
    }
    if (op === '*' && typeof b === 'number') return new Ctor(repeat(it, a.items, b, p));
  }
  if (op === '*' && typeof a === 'number' && (b instanceof PyList || b instanceof PyTuple)) {
    return b instanceof PyList ? new PyList(repeat(it, b.items, a, p)) : new PyTuple(repeat(it, b.items, a, p));
  }
  if (op === '|' && a instanceof PyDict && b instanceof PyDict) {
    const d = new PyDict(a.ordered);
    for (const [k, v] of a.entries()) d.set(k, v);
    for (const [k, v] of b.entries()) d.set(k, v);
    return d;
  }
  if (a instanceof PyInstance && DUNDER[op]) {
    const m = a.cls.lookup(DUNDER[op]);
    if (m !== undefined) return it.call(m, [a, b], null, p);
  }
  throw typeError(`unsupported operand types for ${op}: '${typeName(a)}' and '${typeName(b)}'`, p);
}

function repeat(it: Interpreter, items: Value[], n: number, p: Pos): Value[] {
  const total = Math.max(0, n) * items.length;
  it.budget.charge(Math.ceil(total / 8) + 1, p);
  const out: Value[] = new Array(total);
  for (let i = 0, k = 0; i < n; i++) for (const v of items) out[k++] = v;
  return out;
}

function repeatString(it: Interpreter, s: string, n: number, p: Pos): string {
  it.budget.charge(Math.ceil((Math.max(0, n) * s.length) / 64) + 1, p);
  return s.repeat(Math.max(0, n));
}

function intOp(op: string, a: number, b: number, p: Pos): Value {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new PyError('ZeroDivisionError', 'division by zero', p);
      return new PyFloat(a / b);
    case '//':
      if (b === 0) throw new PyError('ZeroDivisionError', 'integer division by zero', p);
      return Math.floor(a / b);
    case '%':
      if (b === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero', p);
      return a - b * Math.floor(a / b);
    case '**':
      return b >= 0 ? a ** b : new PyFloat(a ** b);
    case '<<':
      return a * 2 ** b;
    case '>>':
      return Math.floor(a / 2 ** b);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
  }
  throw typeError(`unsupported operand types for ${op}: 'int' and 'int'`, p);
}

function floatOp(op: string, a: number, b: number, p: Pos): Value {
  switch (op) {
    case '+':
      return new PyFloat(a + b);
    case '-':
      return new PyFloat(a - b);
    case '*':
      return new PyFloat(a * b);
    case '/':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float division by zero', p);
      return new PyFloat(a / b);
    case '//':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float floor division by zero', p);
      return new PyFloat(Math.floor(a / b));
    case '%':
      if (b === 0) throw new PyError('ZeroDivisionError', 'float modulo', p);
      return new PyFloat(a - b * Math.floor(a / b));
    case '**':
      return new PyFloat(a ** b);
  }
  throw typeError(`unsupported operand types for ${op}: 'float'`, p);
}

/** Identity as Python sees it for the values NetLens models (small ints, None, bools and strings compare by value). */
export function isSame(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof PyFloat && b instanceof PyFloat) return false;
  return false;
}

export { equals } from './equality';

function order(it: Interpreter, a: Value, b: Value, p: Pos): number {
  if (isNumber(a) && isNumber(b)) return numValue(a) - numValue(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((a instanceof PyTuple && b instanceof PyTuple) || (a instanceof PyList && b instanceof PyList)) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      if (!equals(a.items[i], b.items[i])) return order(it, a.items[i], b.items[i], p);
    }
    return a.items.length - b.items.length;
  }
  throw typeError(`'<' not supported between '${typeName(a)}' and '${typeName(b)}'`, p);
}

export function contains(it: Interpreter, container: Value, item: Value, p: Pos): boolean {
  if (container instanceof PyList || container instanceof PyTuple) return container.items.some((x) => equals(x, item, it.budget, p));
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof PySet) return container.has(item);
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item);
  if (container instanceof PyRange && typeof item === 'number') {
    const { start, stop, step } = container;
    const inBounds = step > 0 ? item >= start && item < stop : item <= start && item > stop;
    return inBounds && (item - start) % step === 0;
  }
  if (container instanceof PyInstance && container.mod) {
    if (container.mod.kind === 'moduledict') return typeof item === 'string' && container.mod.children.has(item);
    return [...container.mod.children.values()].includes(item);
  }
  if (container instanceof PyUnknown) return false;
  return it.iterate(container, p).some((x) => equals(x, item));
}

export function compare(it: Interpreter, op: string, a: Value, b: Value, p: Pos): boolean {
  switch (op) {
    case 'is':
      return isSame(a, b);
    case 'is not':
      return !isSame(a, b);
    case '==':
      return equals(a, b, it.budget, p);
    case '!=':
      return !equals(a, b, it.budget, p);
    case 'in':
      return contains(it, b, a, p);
    case 'not in':
      return !contains(it, b, a, p);
  }
  if (a instanceof PyUnknown || b instanceof PyUnknown || a instanceof PyTensor || b instanceof PyTensor) return false;
  if (a instanceof PyClass || b instanceof PyClass) throw typeError(`cannot order classes`, p);
  const c = order(it, a, b, p);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
  throw new PyError('SyntaxError', `unknown comparison ${op}`, p);
}
