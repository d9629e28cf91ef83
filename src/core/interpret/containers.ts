// Methods and item access of the builtin containers (list, tuple, dict, str, set, range) and of symbolic tensors.
import type { Pos } from '../python/ast';
import { PyError, typeError } from './errors';
import type { Interpreter } from './interpreter';
import { equals } from './operators';
import { sortValues } from './builtins';
import { stringMethod } from './strings';
import { PyBuiltin, PyDict, PyFloat, PyList, PyRange, PySet, PySlice, PyTuple, PyUnknown, isNumber, numValue, type Value } from './values';

type Fn = (args: Value[], kw: Map<string, Value> | null, p: Pos) => Value;

/** `items.extend(more)` charged by size (`s += s` doubles a list each time) and without spreading a huge array
 *  into call arguments (which overflows the stack). */
export function extendList(it: Interpreter, items: Value[], more: Value[], p: Pos): void {
  it.budget.charge(Math.ceil((items.length + more.length) / 8) + 1, p);
  const n = more.length;
  for (let i = 0; i < n; i++) items.push(more[i]);
}

export function containerMethod(it: Interpreter, obj: Value, name: string): Value | undefined {
  const m = (f: Fn): PyBuiltin => new PyBuiltin(name, f);
  if (typeof obj === 'string') return stringMethod(it, obj, name);
  if (obj instanceof PyList) {
    const items = obj.items;
    switch (name) {
      case 'append':
        return m((a) => (items.push(a[0]), null));
      case 'extend':
        return m((a, _k, p) => (extendList(it, items, it.iterate(a[0], p), p), null));
      case 'insert':
        return m((a) => {
          const i = a[0] as number;
          items.splice(i < 0 ? Math.max(0, items.length + i) : i, 0, a[1]);
          return null;
        });
      case 'pop':
        return m((a, _k, p) => {
          if (items.length === 0) throw new PyError('IndexError', 'pop from empty list', p);
          const i = a.length ? (a[0] as number) : items.length - 1;
          return items.splice(i < 0 ? items.length + i : i, 1)[0];
        });
      case 'index':
        return m((a, _k, p) => {
          const i = items.findIndex((x) => equals(x, a[0]));
          if (i < 0) throw new PyError('ValueError', `${it.repr(a[0])} is not in list`, p);
          return i;
        });
      case 'count':
        return m((a) => items.filter((x) => equals(x, a[0])).length);
      case 'remove':
        return m((a, _k, p) => {
          const i = items.findIndex((x) => equals(x, a[0]));
          if (i < 0) throw new PyError('ValueError', 'list.remove(x): x not in list', p);
          items.splice(i, 1);
          return null;
        });
      case 'reverse':
        return m(() => (items.reverse(), null));
      case 'sort':
        return m((_a, kw, p) => (sortValues(it, items, kw?.get('key') ?? null, kw?.get('reverse') === true, p), null));
      case 'copy':
        return m(() => new PyList([...items]));
      case 'clear':
        return m(() => ((obj.items = []), null));
    }
    return undefined;
  }
  if (obj instanceof PyTuple) {
    if (name === 'index') return m((a) => obj.items.findIndex((x) => equals(x, a[0])));
    if (name === 'count') return m((a) => obj.items.filter((x) => equals(x, a[0])).length);
    if (name === 'numel') return m(() => obj.items.reduce<number>((acc, x) => acc * (typeof x === 'number' ? x : NaN), 1));
    return undefined;
  }
  if (obj instanceof PyDict) {
    switch (name) {
      case 'get':
        return m((a) => obj.get(a[0]) ?? (a.length > 1 ? a[1] : null));
      case 'items':
        return m(() => new PyList(obj.entries().map(([k, v]) => new PyTuple([k, v]))));
      case 'keys':
        return m(() => new PyList(obj.keys()));
      case 'values':
        return m(() => new PyList(obj.values()));
      case 'pop':
        return m((a, _k, p) => {
          const v = obj.get(a[0]);
          if (v === undefined) {
            if (a.length > 1) return a[1];
            throw new PyError('KeyError', it.repr(a[0]), p);
          }
          obj.delete(a[0]);
          return v;
        });
      case 'setdefault':
        return m((a) => {
          const v = obj.get(a[0]);
          if (v !== undefined) return v;
          obj.set(a[0], a[1] ?? null);
          return a[1] ?? null;
        });
      case 'update':
        return m((a, kw, p) => {
          const src = a[0];
          if (src instanceof PyDict) for (const [k, v] of src.entries()) obj.set(k, v);
          else if (src !== undefined && src !== null) for (const pair of it.iterate(src, p)) {
            const [k, v] = it.iterate(pair, p);
            obj.set(k, v);
          }
          if (kw) for (const [k, v] of kw) obj.set(k, v);
          return null;
        });
      case 'copy':
        return m(() => {
          const d = new PyDict(obj.ordered);
          for (const [k, v] of obj.entries()) d.set(k, v);
          return d;
        });
      case 'clear':
        return m(() => (obj.map.clear(), null));
    }
    return undefined;
  }
  if (obj instanceof PySet) {
    if (name === 'add') return m((a) => (obj.add(a[0]), null));
    if (name === 'update') return m((a, _k, p) => (it.iterate(a[0], p).forEach((x) => obj.add(x)), null));
    return undefined;
  }
  if (obj instanceof PyFloat && name === 'is_integer') return m(() => Number.isInteger(obj.v));
  if (typeof obj === 'number' && name === 'bit_length') return m(() => (obj === 0 ? 0 : Math.floor(Math.log2(Math.abs(obj))) + 1));
  return undefined;
}

function sliceIndices(len: number, s: PySlice, p: Pos): [number, number, number] {
  const n = (v: Value): number | null => (v === null ? null : isNumber(v) ? numValue(v) : NaN);
  const step = n(s.step) ?? 1;
  if (step === 0 || Number.isNaN(step)) throw new PyError('ValueError', 'slice step cannot be zero', p);
  const norm = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (Number.isNaN(v)) throw typeError('slice indices must be integers', p);
    if (v < 0) v += len;
    return step > 0 ? Math.min(len, Math.max(0, v)) : Math.min(len - 1, Math.max(-1, v));
  };
  return [norm(n(s.start), step > 0 ? 0 : len - 1), norm(n(s.stop), step > 0 ? len : -1), step];
}

function sliceItems<T>(items: T[], s: PySlice, p: Pos): T[] {
  const [start, stop, step] = sliceIndices(items.length, s, p);
  const out: T[] = [];
  if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i]);
  else for (let i = start; i > stop; i += step) out.push(items[i]);
  return out;
}

/** Item access for builtin containers; undefined when `obj` is not one. */
export function containerGetItem(it: Interpreter, obj: Value, index: Value, p: Pos): Value | undefined {
  if (obj instanceof PyList || obj instanceof PyTuple || typeof obj === 'string' || obj instanceof PyRange) {
    const items: Value[] = obj instanceof PyRange ? it.iterate(obj, p) : typeof obj === 'string' ? [...obj] : obj.items;
    if (index instanceof PySlice) {
      const picked = sliceItems(items, index, p);
      if (typeof obj === 'string') return picked.join('');
      return obj instanceof PyTuple ? new PyTuple(picked) : new PyList(picked);
    }
    if (index instanceof PyUnknown) return new PyUnknown(`item of ${it.str(obj)}`);
    if (!isNumber(index)) throw typeError(`indices must be integers, not ${it.str(index)}`, p);
    const i = numValue(index);
    const v = items[i < 0 ? items.length + i : i];
    if (v === undefined) throw new PyError('IndexError', `index ${i} out of range`, p);
    return v;
  }
  if (obj instanceof PyDict) {
    const v = obj.get(index);
    if (v === undefined && obj.defaultFactory !== null) {
      const made = it.call(obj.defaultFactory, [], null, p);
      obj.set(index, made);
      return made;
    }
    if (v === undefined) throw new PyError('KeyError', it.repr(index), p);
    return v;
  }
  return undefined;
}

export function containerSetItem(it: Interpreter, obj: Value, index: Value, value: Value, p: Pos): boolean {
  if (obj instanceof PyList) {
    if (index instanceof PySlice) {
      const [start, stop] = sliceIndices(obj.items.length, index, p);
      obj.items.splice(start, Math.max(0, stop - start), ...it.iterate(value, p));
      return true;
    }
    if (!isNumber(index)) throw typeError('list indices must be integers', p);
    const i = numValue(index);
    const at = i < 0 ? obj.items.length + i : i;
    if (at < 0 || at >= obj.items.length) throw new PyError('IndexError', 'list assignment index out of range', p);
    obj.items[at] = value;
    return true;
  }
  if (obj instanceof PyDict) {
    obj.set(index, value);
    return true;
  }
  return false;
}
