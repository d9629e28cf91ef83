// Python builtins (len, range, isinstance, getattr, super, int, sorted, ...) and the builtin type classes.
import type { Pos } from '../python/ast';
import { PyError, typeError, valueError } from './errors';
import type { Interpreter } from './interpreter';
import { truthy } from './expressions';
import { equals, compare } from './operators';
import { formatWithSpec } from './strings';
import { openBuiltin } from './dataFiles';
import {
  PyBound, PyBuiltin, PyClass, PyClassMethod, PyDict, PyExceptionValue, PyFloat, PyFunction, PyInstance, PyList, PyNamespace,
  PyPartial, PyProperty, PyRange, PySet, PySlice, PyStaticMethod, PySuper, PyTensor, PyTuple, PyUnknown, isNumber, numValue,
  typeName, type Value,
} from './values';

type Kw = Map<string, Value> | null;

/** Builtin classes with the predicate isinstance uses. */
export interface BuiltinTypes {
  object: PyClass;
  Exception: PyClass;
  predicates: Map<PyClass, (v: Value) => boolean>;
  byName: Map<string, PyClass>;
}

export function installBuiltins(it: Interpreter): BuiltinTypes {
  const b = it.builtins.vars;
  const def = (name: string, fn: (args: Value[], kw: Kw, p: Pos) => Value): void => {
    b.set(name, new PyBuiltin(name, fn));
  };
  const object = new PyClass('object', [], null, 'object');
  object.native = 'object';
  object.dict.set('__init__', new PyBuiltin('object.__init__', () => null));
  // Explicit dunder calls (`self.__setattr__('level_%d' % i, m)`, `object.__setattr__(self, ...)`) use the normal rules.
  object.dict.set('__setattr__', new PyBuiltin('object.__setattr__', (args, _k, p) => {
    it.setAttr(args[0], String(args[1]), args[2], p);
    return null;
  }));
  object.dict.set('__getattr__', new PyBuiltin('object.__getattr__', (args, _k, p) => it.getAttr(args[0], String(args[1]), p)));
  object.dict.set('__getattribute__', object.dict.get('__getattr__')!);
  b.set('object', object);
  const predicates = new Map<PyClass, (v: Value) => boolean>();
  const byName = new Map<string, PyClass>();
  const typeClass = (name: string, pred: (v: Value) => boolean, ctor: (args: Value[], kw: Kw, p: Pos) => Value): PyClass => {
    const c = new PyClass(name, [object], null, name);
    c.native = 'builtin-type';
    c.dict.set('__new__', new PyBuiltin(name, ctor));
    predicates.set(c, pred);
    byName.set(name, c);
    b.set(name, c);
    return c;
  };
  const num = (v: Value, p: Pos): number => {
    if (isNumber(v)) return numValue(v);
    if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
    if (v instanceof PyTensor) throw new PyError('UnknownValue', 'tensor value', p);
    throw typeError(`expected a number, got ${typeName(v)} ${it.repr(v)}`, p);
  };
  typeClass('int', (v) => typeof v === 'number' || typeof v === 'boolean', (args, _k, p) => {
    if (args.length === 0) return 0;
    if (args[0] instanceof PyUnknown || args[0] instanceof PyTensor) return new PyUnknown('int(...)');
    if (typeof args[0] === 'string' && typeof args[1] === 'number') return parseInt(args[0], args[1]);
    return Math.trunc(num(args[0], p));
  });
  typeClass('float', (v) => v instanceof PyFloat, (args, _k, p) => {
    if (args.length === 0) return new PyFloat(0);
    if (typeof args[0] === 'string') return new PyFloat(parseFloatText(args[0], p));
    if (args[0] instanceof PyUnknown || args[0] instanceof PyTensor) return new PyUnknown('float(...)');
    return new PyFloat(num(args[0], p));
  });
  typeClass('bool', (v) => typeof v === 'boolean', (args, _k, p) => (args.length ? truthy(it, args[0], p) : false));
  typeClass('str', (v) => typeof v === 'string', (args) => (args.length ? it.str(args[0]) : ''));
  typeClass('list', (v) => v instanceof PyList, (args, _k, p) => new PyList(args.length ? [...it.iterate(args[0], p)] : []));
  typeClass('tuple', (v) => v instanceof PyTuple, (args, _k, p) => new PyTuple(args.length ? [...it.iterate(args[0], p)] : []));
  typeClass('set', (v) => v instanceof PySet, (args, _k, p) => {
    const s = new PySet();
    if (args.length) for (const x of it.iterate(args[0], p)) s.add(x);
    return s;
  });
  typeClass('frozenset', (v) => v instanceof PySet, (args, _k, p) => {
    const s = new PySet();
    if (args.length) for (const x of it.iterate(args[0], p)) s.add(x);
    return s;
  });
  typeClass('dict', (v) => v instanceof PyDict, (args, kw, p) => makeDict(it, false, args, kw, p));
  typeClass('type', (v) => v instanceof PyClass, (args) => typeOf(it, args[0], byName, object));
  b.set('NoneType', typeClass('NoneType', (v) => v === null, () => null));
  typeClass('slice', (v) => v instanceof PySlice,
    (args) => (args.length <= 1 ? new PySlice(null, args[0] ?? null, null) : new PySlice(args[0], args[1], args[2] ?? null)));
  // functools.partial is a class (`type(f) == partial`, `isinstance(f, partial)`), not a builtin name.
  const partial = new PyClass('partial', [object], null, 'functools.partial');
  partial.native = 'builtin-type';
  partial.dict.set('__new__', new PyBuiltin('functools.partial', (args, kw) => new PyPartial(args[0], args.slice(1), new Map(kw ?? []))));
  predicates.set(partial, (v) => v instanceof PyPartial);
  byName.set('functools.partial', partial);

  const Exception = new PyClass('Exception', [object], null, 'Exception');
  Exception.native = 'exception';
  b.set('Exception', Exception);
  b.set('BaseException', Exception);
  for (const name of ['ValueError', 'TypeError', 'NotImplementedError', 'KeyError', 'IndexError', 'AttributeError', 'RuntimeError', 'AssertionError',
    'ImportError', 'ModuleNotFoundError', 'StopIteration', 'ZeroDivisionError', 'LookupError', 'ArithmeticError', 'NameError', 'OSError', 'Warning',
      'UserWarning', 'DeprecationWarning', 'FutureWarning', 'RuntimeWarning', 'SystemExit', 'KeyboardInterrupt']) {
    const c = new PyClass(name, [Exception], null, name);
    c.native = 'exception';
    b.set(name, c);
  }
  b.set('NotImplemented', new PyUnknown('NotImplemented'));
  b.set('Ellipsis', new PyUnknown('Ellipsis'));
  b.set('__name__', '__netlens__');
  b.set('__file__', 'model.py');
  b.set('__doc__', null);

  def('print', () => null);
  def('len', (args, _k, p) => length(it, args[0], p));
  def('range', (args, _k, p) => {
    const n = args.map((a) => {
      if (typeof a === 'number') return a;
      if (typeof a === 'boolean') return a ? 1 : 0;
      throw typeError(`range() expects integers, got ${typeName(a)} ${it.repr(a)}`, p);
    });
    if (n.length === 1) return new PyRange(0, n[0], 1);
    if (n[2] === 0) throw valueError('range() step must not be zero', p);
    return new PyRange(n[0], n[1], n[2] ?? 1);
  });
  def('enumerate', (args, kw, p) => {
    const start = (args[1] ?? kw?.get('start') ?? 0) as number;
    return new PyList(it.iterate(args[0], p).map((v, i) => new PyTuple([i + start, v])));
  });
  def('zip', (args, _k, p) => {
    const lists = args.map((a) => it.iterate(a, p));
    const n = lists.length ? lists.reduce((least, l) => Math.min(least, l.length), Infinity) : 0;
    return new PyList(Array.from({ length: n }, (_, i) => new PyTuple(lists.map((l) => l[i]))));
  });
  def('reversed', (args, _k, p) => new PyList([...it.iterate(args[0], p)].reverse()));
  def('sorted', (args, kw, p) => {
    const items = [...it.iterate(args[0], p)];
    sortValues(it, items, kw?.get('key') ?? null, kw?.get('reverse') === true, p);
    return new PyList(items);
  });
  def('iter', (args, _k, p) => new PyList([...it.iterate(args[0], p)]));
  def('next', (args, _k, p) => {
    const src = args[0];
    if (src instanceof PyList && src.items.length) return src.items.shift()!;
    if (args.length > 1) return args[1];
    throw new PyError('StopIteration', 'next() on an exhausted iterator', p);
  });
  def('map', (args, _k, p) => {
    const lists = args.slice(1).map((a) => it.iterate(a, p));
    const n = lists.length ? lists.reduce((least, l) => Math.min(least, l.length), Infinity) : 0;
    return new PyList(Array.from({ length: n }, (_, i) => it.call(args[0], lists.map((l) => l[i]), null, p)));
  });
  def('filter', (args, _k, p) => new PyList(it.iterate(args[1], p).filter((v) => truthy(it, args[0] === null ? v : it.call(args[0], [v], null, p), p))));
  def('abs', (args, _k, p) => {
    const v = args[0];
    if (typeof v === 'number') return Math.abs(v);
    if (v instanceof PyFloat) return new PyFloat(Math.abs(v.v));
    if (v instanceof PyUnknown || v instanceof PyTensor) return v;
    return Math.abs(num(v, p));
  });
  def('round', (args, _k, p) => {
    const v = args[0];
    if (v instanceof PyUnknown) return v;
    const x = num(v, p);
    const digits = args[1];
    if (digits === undefined || digits === null) return roundHalfEven(x);
    const f = 10 ** (digits as number);
    return new PyFloat(roundHalfEven(x * f) / f);
  });
  const minmax = (isMax: boolean) => (args: Value[], kw: Kw, p: Pos): Value => {
    const items = args.length === 1 ? it.iterate(args[0], p) : args;
    if (items.length === 0) {
      const d = kw?.get('default');
      if (d !== undefined) return d;
      throw valueError(`${isMax ? 'max' : 'min'}() arg is an empty sequence`, p);
    }
    const key = kw?.get('key') ?? null;
    let best = items[0];
    let bestKey = key ? it.call(key, [best], null, p) : best;
    for (const v of items.slice(1)) {
      if (v instanceof PyUnknown) return v;
      const k = key ? it.call(key, [v], null, p) : v;
      if (compare(it, isMax ? '>' : '<', k, bestKey, p)) {
        best = v;
        bestKey = k;
      }
    }
    return best;
  };
  def('max', minmax(true));
  def('min', minmax(false));
  def('sum', (args, _k, p) => {
    let acc: Value = args[1] ?? 0;
    for (const v of it.iterate(args[0], p)) acc = addValues(it, acc, v, p);
    return acc;
  });
  def('any', (args, _k, p) => it.iterate(args[0], p).some((v) => truthy(it, v, p)));
  def('all', (args, _k, p) => it.iterate(args[0], p).every((v) => truthy(it, v, p)));
  def('divmod', (args, _k, p) => {
    const a = num(args[0], p);
    const c = num(args[1], p);
    if (c === 0) throw new PyError('ZeroDivisionError', 'division by zero', p);
    return new PyTuple([Math.floor(a / c), a - c * Math.floor(a / c)]);
  });
  def('pow', (args, _k, p) => {
    const x = num(args[0], p) ** num(args[1], p);
    return typeof args[0] === 'number' && typeof args[1] === 'number' && (args[1] as number) >= 0 ? x : new PyFloat(x);
  });
  def('chr', (args) => String.fromCharCode(args[0] as number));
  def('ord', (args) => (args[0] as string).charCodeAt(0));
  def('repr', (args) => it.repr(args[0]));
  def('format', (args) => formatWithSpec(it, args[0], (args[1] as string) ?? ''));
  def('hash', (args) => it.str(args[0]).length);
  def('id', () => 0);
  def('callable', (args) => {
    const v = args[0];
    return v instanceof PyFunction || v instanceof PyBuiltin || v instanceof PyClass || v instanceof PyBound || v instanceof PyPartial
      || (v instanceof PyInstance && (v.mod !== null || v.cls.lookup('__call__') !== undefined));
  });
  def('isinstance', (args, _k, p) => isInstance(it, args[0], args[1], predicates, p));
  def('issubclass', (args, _k, p) => {
    const c = args[0];
    const check = (t: Value): boolean => (t instanceof PyTuple ? t.items.some(check) : c instanceof PyClass && t instanceof PyClass && c.isSubclassOf(t));
    if (!(c instanceof PyClass)) throw typeError('issubclass() arg 1 must be a class', p);
    return check(args[1]);
  });
  def('hasattr', (args, _k, p) => {
    try {
      return it.getAttrOrUndefined(args[0], String(args[1]), p) !== undefined;
    } catch (err) {
      if (err instanceof PyError) return false;
      throw err;
    }
  });
  def('getattr', (args, _k, p) => {
    const v = it.getAttrOrUndefined(args[0], String(args[1]), p);
    if (v !== undefined) return v;
    if (args.length > 2) return args[2];
    return it.getAttr(args[0], String(args[1]), p);
  });
  def('setattr', (args, _k, p) => {
    it.setAttr(args[0], String(args[1]), args[2], p);
    return null;
  });
  def('delattr', (args) => {
    const o = args[0];
    if (o instanceof PyInstance) {
      o.dict.delete(String(args[1]));
      o.mod?.children.delete(String(args[1]));
    }
    return null;
  });
  def('vars', (args, _k, p) => it.getAttr(args[0], '__dict__', p));
  def('dir', (args) => {
    // The names NetLens knows an object has (timm tests `'silu' in dir(torch.nn.functional)`); unknown without an object.
    const o = args[0];
    const names = new Set<string>();
    if (o instanceof PyNamespace) {
      for (const k of o.members.keys()) names.add(k);
      const more = it.hooks.namespaceNames?.(o);
      if (more) more.forEach((n) => names.add(n));
      else if (!o.members.size) return new PyUnknown(`dir(${o.qualified})`);
    } else if (o instanceof PyClass || o instanceof PyInstance) {
      const cls = o instanceof PyClass ? o : o.cls;
      if (o instanceof PyInstance) {
        for (const k of o.dict.keys()) names.add(k);
        if (o.mod) for (const m of [o.mod.children, o.mod.params, o.mod.buffers]) for (const k of m.keys()) names.add(k);
      }
      for (const c of cls.mro.length ? cls.mro : [cls]) for (const k of c.dict.keys()) names.add(k);
    } else return new PyUnknown('dir(...)');
    return new PyList([...names].sort());
  });
  def('globals', () => {
    const d = new PyDict();
    for (const [k, v] of it.globals.vars) d.set(k, v);
    return d;
  });
  def('locals', () => {
    const d = new PyDict();
    const scope = it.callStack[it.callStack.length - 1]?.scope ?? it.globals;
    for (const [k, v] of scope.vars) d.set(k, v);
    return d;
  });
  b.set('open', openBuiltin(it));
  // eval() of an expression (`eval(m) if isinstance(m, str) else m` in config-driven model builders), in the calling
  // function's scope, by the interpreter itself: nothing runs on the machine.
  def('eval', (args, _k, p) => {
    const text = args[0];
    if (typeof text !== 'string') return text ?? null;
    const expr = it.parseExpression(text);
    if (!expr) throw new PyError('SyntaxError', `eval() of something that is not an expression: '${text.slice(0, 40)}'`, p);
    const scope = it.callStack[it.callStack.length - 1]?.scope ?? it.globals;
    return it.eval(expr, scope);
  });
  def('input', () => new PyUnknown('input(...)'));
  def('exit', (_a, _k, p) => {
    throw new PyError('SystemExit', 'exit() called', p);
  });
  def('super', (args, _k, p) => {
    if (args.length >= 2) {
      const cls = args[0];
      const self = args[1];
      if (!(cls instanceof PyClass)) throw typeError('super() argument 1 must be a class', p);
      const selfClass = self instanceof PyInstance ? self.cls : self instanceof PyClass ? self : cls;
      return new PySuper(cls, self, selfClass);
    }
    const ctx = it.callStack[it.callStack.length - 1];
    const owner = ctx?.fn.ownerClass;
    if (!ctx || !owner || ctx.firstArg === undefined) throw new PyError('RuntimeError', 'super(): no arguments', p);
    const self = ctx.firstArg;
    return new PySuper(owner, self, self instanceof PyInstance ? self.cls : self instanceof PyClass ? self : owner);
  });
  def('staticmethod', (args) => new PyStaticMethod(args[0]));
  def('classmethod', (args) => new PyClassMethod(args[0]));
  def('property', (args) => new PyProperty(args[0]));
  return { object, Exception, predicates, byName };
}

function typeOf(it: Interpreter, v: Value, byName: Map<string, PyClass>, object: PyClass): Value {
  if (v instanceof PyInstance) return v.cls;
  if (v instanceof PyExceptionValue) return v.cls;
  if (v instanceof PyPartial) return byName.get('functools.partial')!;
  const name = typeName(v);
  return byName.get(name === 'OrderedDict' ? 'dict' : name) ?? (v instanceof PyClass ? byName.get('type')! : object);
}

/** float('-inf'), float('1e-3'), float(' nan '): Python's spellings of floats in strings. */
function parseFloatText(text: string, p: Pos): number {
  const t = text.trim().toLowerCase().replace(/_/g, '');
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return Number(t);
  throw valueError(`could not convert string to float: '${text}'`, p);
}

export function makeDict(it: Interpreter, ordered: boolean, args: Value[], kw: Kw, p: Pos): PyDict {
  const d = new PyDict(ordered);
  const src = args[0];
  if (src instanceof PyDict) for (const [k, v] of src.entries()) d.set(k, v);
  else if (src !== undefined && src !== null) {
    for (const pair of it.iterate(src, p)) {
      const kv = it.iterate(pair, p);
      if (kv.length !== 2) throw valueError('dictionary update sequence element has the wrong length', p);
      d.set(kv[0], kv[1]);
    }
  }
  if (kw) for (const [k, v] of kw) d.set(k, v);
  return d;
}

export function length(it: Interpreter, v: Value, p: Pos): Value {
  if (typeof v === 'string') return v.length;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict) return v.map.size;
  if (v instanceof PySet) return v.map.size;
  if (v instanceof PyRange) return v.length;
  if (v instanceof PyInstance) {
    if (v.mod && v.mod.kind !== 'user' && v.mod.kind !== 'layer') return v.mod.children.size;
    const m = v.cls.lookup('__len__');
    if (m !== undefined) return it.call(m, [v], null, p);
    if (v.mod) return v.mod.children.size;
  }
  if (v instanceof PyTensor) {
    const d = v.shape?.[0];
    return d === undefined || d === null ? new PyUnknown('len(tensor)') : d;
  }
  if (v instanceof PyUnknown) return new PyUnknown(`len(${v.what})`);
  throw typeError(`object of type '${typeName(v)}' has no len()`, p);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function addValues(it: Interpreter, a: Value, b: Value, p: Pos): Value {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (isNumber(a) && isNumber(b)) return new PyFloat(numValue(a) + numValue(b));
  if (a instanceof PyTensor || b instanceof PyTensor) return it.hooks.tensorBinary('+', a, b, p, false);
  if (a instanceof PyList && b instanceof PyList) return new PyList([...a.items, ...b.items]);
  if (a instanceof PyUnknown || b instanceof PyUnknown) return new PyUnknown('sum(...)');
  throw typeError(`unsupported operand types for +: '${typeName(a)}' and '${typeName(b)}'`, p);
}

export function sortValues(it: Interpreter, items: Value[], key: Value, reverse: boolean, p: Pos): void {
  const keys = new Map<Value, Value>();
  const k = (v: Value): Value => {
    if (key === null) return v;
    if (!keys.has(v)) keys.set(v, it.call(key, [v], null, p));
    return keys.get(v)!;
  };
  items.sort((a, b) => {
    const ka = k(a);
    const kb = k(b);
    const c = equals(ka, kb) ? 0 : compare(it, '<', ka, kb, p) ? -1 : 1;
    return reverse ? -c : c;
  });
}

function isInstance(it: Interpreter, v: Value, t: Value, predicates: Map<PyClass, (v: Value) => boolean>, p: Pos): boolean {
  if (t instanceof PyTuple || t instanceof PyList) return t.items.some((x) => isInstance(it, v, x, predicates, p));
  if (t instanceof PyUnknown) return false;
  if (!(t instanceof PyClass)) {
    if (t instanceof PyNamespace) return false;
    throw typeError('isinstance() arg 2 must be a type or tuple of types', p);
  }
  const pred = predicates.get(t);
  if (pred) return pred(v);
  if (t.native === 'object') return true;
  if (v instanceof PyInstance) return v.cls.isSubclassOf(t);
  if (v instanceof PyExceptionValue) return v.cls.isSubclassOf(t);
  if (v instanceof PyTensor) return t.qualified === 'torch.Tensor' || (v.isParameter && t.qualified === 'torch.nn.Parameter');
  if (v instanceof PyDict && v.ordered) return t.qualified === 'collections.OrderedDict';
  return false;
}

export type { PySlice };
