// Imports: torch namespaces, and the standard-library modules model files use (math, functools, collections, ...).
import type { Pos, Program } from '../python/ast';
import { Scope } from './scope';
import { execBlock } from './statements';
import { isTorchvisionHelperModule } from './torchvisionPrelude';
import { PyError, typeError } from './errors';
import type { Interpreter } from './interpreter';
import { makeDict } from './builtins';
import { TORCH_NAMESPACES } from './torchns';
import { cloneModule, isModule } from './modules';
import {
  PyBuiltin, PyDict, PyFloat, PyList, PyNamespace, PyPartial, PyTuple, PyUnknown, isNumber, numValue, type Value,
} from './values';

const caches = new WeakMap<Interpreter, Map<string, Value>>();

let preludeProgram: Program | null = null;

/** Installs the parsed torchvision-helper prelude (its positions are on line 0: mapped to the user's call sites). */
export function setPreludeProgram(program: Program): void {
  preludeProgram = program;
}

function loadPrelude(it: Interpreter, cache: Map<string, Value>): Value {
  const hit = cache.get('<torchvision-prelude>');
  if (hit !== undefined) return hit;
  const scope = new Scope(it.builtins);
  const ns = new PyNamespace('torchvision');
  cache.set('<torchvision-prelude>', ns);
  execBlock(it, preludeProgram!.body, { scope, ret: null, ctx: null });
  for (const [k, v] of scope.vars) ns.members.set(k, v);
  return ns;
}

/** The value of `import name`; with `subOnly`, null unless `name` is itself a known module (for `from a import b`). */
export function importModule(it: Interpreter, name: string, subOnly = false): Value {
  let cache = caches.get(it);
  if (!cache) {
    cache = new Map();
    caches.set(it, cache);
  }
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let v: Value | null = null;
  if (TORCH_NAMESPACES.has(name)) v = new PyNamespace(name);
  else if (preludeProgram && isTorchvisionHelperModule(name)) v = loadPrelude(it, cache);
  else if (STDLIB[name]) {
    const ns = new PyNamespace(name);
    STDLIB[name](it, ns);
    v = ns;
  } else if (subOnly) {
    const parent = name.slice(0, name.lastIndexOf('.'));
    if (TORCH_NAMESPACES.has(parent) || STDLIB[parent]) return null;
    return null;
  } else v = new PyUnknown(name);
  cache.set(name, v);
  return v;
}

type Filler = (it: Interpreter, ns: PyNamespace) => void;

function fn(ns: PyNamespace, name: string, f: (args: Value[], kw: Map<string, Value> | null, p: Pos) => Value): void {
  ns.members.set(name, new PyBuiltin(`${ns.qualified}.${name}`, f));
}

function num(it: Interpreter, v: Value, p: Pos): number {
  if (isNumber(v)) return numValue(v);
  throw new PyError('UnknownValue', `math on a non-number (${it.str(v)})`, p);
}

const STDLIB: Record<string, Filler> = {
  math(it, ns) {
    ns.members.set('pi', new PyFloat(Math.PI));
    ns.members.set('e', new PyFloat(Math.E));
    ns.members.set('inf', new PyFloat(Infinity));
    const unknownGuard = (f: (x: number) => Value) => (args: Value[], _k: Map<string, Value> | null, p: Pos): Value =>
      args[0] instanceof PyUnknown ? args[0] : f(num(it, args[0], p));
    fn(ns, 'floor', unknownGuard((x) => Math.floor(x)));
    fn(ns, 'ceil', unknownGuard((x) => Math.ceil(x)));
    fn(ns, 'trunc', unknownGuard((x) => Math.trunc(x)));
    fn(ns, 'sqrt', unknownGuard((x) => new PyFloat(Math.sqrt(x))));
    fn(ns, 'exp', unknownGuard((x) => new PyFloat(Math.exp(x))));
    fn(ns, 'fabs', unknownGuard((x) => new PyFloat(Math.abs(x))));
    fn(ns, 'log2', unknownGuard((x) => new PyFloat(Math.log2(x))));
    fn(ns, 'log10', unknownGuard((x) => new PyFloat(Math.log10(x))));
    fn(ns, 'cos', unknownGuard((x) => new PyFloat(Math.cos(x))));
    fn(ns, 'sin', unknownGuard((x) => new PyFloat(Math.sin(x))));
    fn(ns, 'tanh', unknownGuard((x) => new PyFloat(Math.tanh(x))));
    fn(ns, 'log', (args, _k, p) => new PyFloat(args.length > 1 ? Math.log(num(it, args[0], p)) / Math.log(num(it, args[1], p)) : Math.log(num(it, args[0], p))));
    fn(ns, 'pow', (args, _k, p) => new PyFloat(num(it, args[0], p) ** num(it, args[1], p)));
    fn(ns, 'gcd', (args, _k, p) => {
      let a = Math.abs(num(it, args[0], p));
      let b = Math.abs(num(it, args[1], p));
      while (b) [a, b] = [b, a % b];
      return a;
    });
    fn(ns, 'prod', (args, _k, p) => it.iterate(args[0], p).reduce<number>((a, v) => a * num(it, v, p), 1));
    fn(ns, 'isclose', (args, _k, p) => Math.abs(num(it, args[0], p) - num(it, args[1], p)) <= 1e-9 * Math.max(Math.abs(num(it, args[0], p)), Math.abs(num(it, args[1], p))));
  },
  functools(it, ns) {
    fn(ns, 'partial', (args, kw) => new PyPartial(args[0], args.slice(1), new Map(kw ?? [])));
    fn(ns, 'reduce', (args, _k, p) => {
      const items = it.iterate(args[1], p);
      let acc = args.length > 2 ? args[2] : items.shift()!;
      for (const v of items) acc = it.call(args[0], [acc, v], null, p);
      return acc;
    });
    fn(ns, 'wraps', () => new PyBuiltin('functools.wraps', (args) => args[0]));
    fn(ns, 'lru_cache', (args) => (args[0] && typeof args[0] === 'object' && !(args[0] instanceof PyTuple) ? args[0] : new PyBuiltin('lru_cache', (a) => a[0])));
    fn(ns, 'cache', (args) => args[0]);
  },
  collections(it, ns) {
    fn(ns, 'OrderedDict', (args, kw, p) => makeDict(it, true, args, kw, p));
    fn(ns, 'defaultdict', () => new PyDict());
    fn(ns, 'namedtuple', () => new PyUnknown('namedtuple'));
    fn(ns, 'Counter', () => new PyDict());
  },
  typing(_it, ns) {
    for (const n of ['Any', 'Callable', 'Dict', 'List', 'Optional', 'Tuple', 'Type', 'Union', 'Sequence', 'Iterable', 'Mapping', 'TypeVar', 'Final', 'Literal', 'cast']) ns.members.set(n, new PyUnknown(`typing.${n}`));
    fn(ns, 'cast', (args) => args[1] ?? null);
  },
  itertools(it, ns) {
    fn(ns, 'chain', (args, _k, p) => new PyList(args.flatMap((a) => it.iterate(a, p))));
    fn(ns, 'repeat', (args, _k, p) => {
      const n = typeof args[1] === 'number' ? args[1] : 0;
      if (n > 100000) it.budget.step(p);
      return new PyList(Array.from({ length: n }, () => args[0]));
    });
    fn(ns, 'product', (args, _k, p) => {
      let acc: Value[][] = [[]];
      for (const a of args.map((x) => it.iterate(x, p))) acc = acc.flatMap((prefix) => a.map((v) => [...prefix, v]));
      return new PyList(acc.map((x) => new PyTuple(x)));
    });
    fn(ns, 'accumulate', (args, _k, p) => {
      const out: Value[] = [];
      let acc: Value = 0;
      for (const v of it.iterate(args[0], p)) {
        acc = out.length === 0 ? v : (isNumber(acc) && isNumber(v) ? numValue(acc) + numValue(v) : acc);
        out.push(acc);
      }
      return new PyList(out);
    });
  },
  copy(_it, ns) {
    const copyValue = (args: Value[]): Value => {
      const v = args[0];
      if (isModule(v)) return cloneModule(v);
      if (v instanceof PyList) return new PyList([...v.items]);
      if (v instanceof PyDict) {
        const d = new PyDict(v.ordered);
        for (const [k, x] of v.entries()) d.set(k, x);
        return d;
      }
      return v;
    };
    fn(ns, 'deepcopy', copyValue);
    fn(ns, 'copy', copyValue);
  },
  warnings(_it, ns) {
    fn(ns, 'warn', () => null);
    fn(ns, 'filterwarnings', () => null);
  },
  operator(it, ns) {
    fn(ns, 'mul', (args, _k, p) => num(it, args[0], p) * num(it, args[1], p));
    fn(ns, 'add', (args, _k, p) => num(it, args[0], p) + num(it, args[1], p));
  },
};

export { typeError };
