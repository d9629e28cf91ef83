// Imports: torch namespaces, and the standard-library modules model files use (math, functools, collections, ...).
import type { Pos, Program } from '../python/ast';
import { Scope } from './scope';
import { fillJson, fillYaml } from './dataFiles';
import { execBlock } from './statements';
import { isTorchNnPrelude } from './transformerPrelude';
import { PyError, typeError } from './errors';
import type { Interpreter } from './interpreter';
import { makeDict } from './builtins';
import { TORCH_NAMESPACES } from './torchns';
import { EINOPS_MODULES, einopsModule } from './einops/namespace';
import { isKerasModuleName, kerasModuleName } from './keras/namespace';
import { cloneModule, isModule } from './modules';
import {
  PyBound, PyBuiltin, PyClass, PyDict, PyFloat, PyFunction, PyInstance, PyList, PyNamespace, PyPartial, PyRange, PySet, PyTuple, PyUnknown,
  isNumber, numValue, type Value,
} from './values';

const caches = new WeakMap<Interpreter, Map<string, Value>>();

const FIELD_MARK = '__netlens_dataclass_field__';
const MISSING = '__netlens_missing__';

/** typing / collections.abc classes that isinstance answers by the value's kind. */
function abstractTypes(it: Interpreter): [string, PyClass][] {
  const preds: Record<string, (v: Value) => boolean> = {
    Sequence: (v) => v instanceof PyList || v instanceof PyTuple || typeof v === 'string' || v instanceof PyRange,
    MutableSequence: (v) => v instanceof PyList,
    List: (v) => v instanceof PyList,
    Tuple: (v) => v instanceof PyTuple,
    Mapping: (v) => v instanceof PyDict,
    MutableMapping: (v) => v instanceof PyDict,
    Dict: (v) => v instanceof PyDict,
    Set: (v) => v instanceof PySet,
    Iterable: (v) => v instanceof PyList || v instanceof PyTuple || v instanceof PyDict || v instanceof PySet || typeof v === 'string' || v instanceof PyRange,
    Callable: (v) => v instanceof PyFunction || v instanceof PyBuiltin || v instanceof PyClass || v instanceof PyPartial || v instanceof PyBound,
  };
  preds.Iterator = preds.Iterable;
  preds.Collection = preds.Iterable;
  const object = it.builtins.vars.get('object') as PyClass;
  const types = it.builtinTypes;
  return Object.entries(preds).map(([name, pred]) => {
    const c = new PyClass(name, [object], null, `typing.${name}`);
    types?.predicates.set(c, pred);
    return [name, c];
  });
}

/** collections.namedtuple: a class whose instances keep their fields as attributes and iterate/index like tuples. */
function namedTuple(it: Interpreter, name: Value, fieldSpec: Value, p: Pos): Value {
  const fields = typeof fieldSpec === 'string' ? fieldSpec.split(/[\s,]+/).filter(Boolean) : it.iterate(fieldSpec, p).map((f) => String(f));
  const object = it.builtins.vars.get('object') as PyClass;
  const cls = new PyClass(String(name), [object], null, String(name));
  const values = (self: Value): Value[] => fields.map((f) => (self instanceof PyInstance ? self.dict.get(f) ?? null : null));
  cls.dict.set('__init__', new PyBuiltin(`${cls.name}.__init__`, (args, kw) => {
    const self = args[0] as PyInstance;
    fields.forEach((f, i) => self.dict.set(f, args[i + 1] ?? kw?.get(f) ?? null));
    return null;
  }));
  cls.dict.set('__iter__', new PyBuiltin(`${cls.name}.__iter__`, (args) => new PyList(values(args[0]))));
  cls.dict.set('__len__', new PyBuiltin(`${cls.name}.__len__`, () => fields.length));
  cls.dict.set('__getitem__', new PyBuiltin(`${cls.name}.__getitem__`, (args) => {
    const i = args[1];
    const vs = values(args[0]);
    return typeof i === 'number' ? vs[i < 0 ? vs.length + i : i] ?? null : null;
  }));
  cls.dict.set('_fields', new PyTuple(fields));
  return cls;
}

/** @dataclass: an __init__ over the annotated class attributes, in order, with defaults and field(default_factory=...). */
function makeDataclass(it: Interpreter, cls: PyClass): PyClass {
  const fields: string[] = [];
  for (const c of [...cls.mro].reverse()) {
    const ann = c.dict.get('__annotations__');
    if (ann instanceof PyDict) for (const k of ann.keys()) if (typeof k === 'string' && !fields.includes(k)) fields.push(k);
  }
  if (cls.dict.has('__init__')) return cls;
  cls.dict.set('__init__', new PyBuiltin(`${cls.name}.__init__`, (args, kw, p) => {
    const self = args[0];
    const rest = args.slice(1);
    fields.forEach((name, i) => {
      let v: Value | undefined = i < rest.length ? rest[i] : kw?.get(name);
      if (v === undefined) {
        const dflt = cls.lookup(name);
        if (dflt instanceof PyDict && dflt.get(FIELD_MARK) === true) {
          const factory = dflt.get('default_factory');
          const plain = dflt.get('default');
          if (factory !== undefined && factory !== MISSING) v = it.call(factory, [], null, p);
          else if (plain !== undefined && plain !== MISSING) v = plain;
        } else if (dflt !== undefined) v = dflt;
      }
      if (v === undefined) throw typeError(`${cls.name}.__init__() missing required argument '${name}'`, p);
      it.setAttr(self, name, v, p);
    });
    const post = cls.lookup('__post_init__');
    if (post !== undefined) it.call(post, [self], null, p);
    return null;
  }));
  return cls;
}

let preludeProgram: Program | null = null;
let preludeLoader: (() => Program) | null = null;

/** Installs how to parse the torch.nn prelude (Transformer stacks; on first use; its positions are on line 0, see mapPos). */
export function setPreludeLoader(load: () => Program): void {
  preludeLoader = load;
}

function loadPrelude(it: Interpreter): Value {
  const scope = new Scope(it.builtins);
  const ns = new PyNamespace('torch.nn');
  preludeProgram ??= preludeLoader!();
  execBlock(it, preludeProgram!.body, { scope, ret: null, ctx: null });
  for (const [k, v] of scope.vars) ns.members.set(k, v);
  return ns;
}

/** A module NetLens provides natively (torch and Keras namespaces, the torchvision prelude, the standard library
 *  modules below), or undefined when `name` is not one. One value per interpreter and name. */
export function nativeModule(it: Interpreter, name: string): Value | undefined {
  let cache = caches.get(it);
  if (!cache) {
    cache = new Map();
    caches.set(it, cache);
  }
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let v: Value | undefined;
  if (TORCH_NAMESPACES.has(name)) v = new PyNamespace(name);
  else if (isKerasModuleName(name)) v = new PyNamespace(kerasModuleName(name));
  else if (EINOPS_MODULES.has(name)) v = einopsModule(it, name);
  else if (preludeLoader && isTorchNnPrelude(name)) v = loadPrelude(it);
  else if (STDLIB[name]) {
    const ns = new PyNamespace(name);
    STDLIB[name](it, ns);
    v = ns;
  }
  if (v !== undefined) cache.set(name, v);
  return v;
}

/** Top-level names whose modules NetLens never reads from files: frameworks it models natively and the standard
 *  library (modules of it without a model above are unknown values, silently: they do not build layers). */
export function isNativeRoot(name: string): boolean {
  const top = name.split('.')[0];
  return NATIVE_ROOTS.has(top) || isKerasModuleName(top);
}

const NATIVE_ROOTS = new Set([
  'torch', 'tensorflow', 'keras', 'tf_keras', 'numpy',
  // Python 3.11's standard library (sys.stdlib_module_names), less test and GUI modules.
  ...('__future__ _thread abc aifc argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect builtins bz2 ' +
    'cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall concurrent configparser contextlib ' +
    'contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis doctest email encodings enum errno ' +
    'faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc getopt getpass gettext glob graphlib grp gzip hashlib heapq ' +
    'hmac html http imaplib imghdr importlib inspect io ipaddress itertools json keyword linecache locale logging lzma mailbox marshal ' +
    'math mimetypes mmap modulefinder multiprocessing netrc numbers opcode operator optparse os pathlib pdb pickle pickletools pkgutil ' +
    'platform plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr pydoc queue quopri random re readline ' +
    'reprlib resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtplib socket socketserver sqlite3 ' +
    'ssl stat statistics string stringprep struct subprocess symtable sys sysconfig syslog tabnanny tarfile tempfile termios textwrap ' +
    'threading time timeit token tokenize tomllib trace traceback tracemalloc tty types typing typing_extensions unicodedata unittest ' +
    'urllib uuid venv warnings wave weakref webbrowser wsgiref xml xmlrpc zipapp zipfile zipimport zlib zoneinfo').split(' '),
]);

type Filler = (it: Interpreter, ns: PyNamespace) => void;

function fn(ns: PyNamespace, name: string, f: (args: Value[], kw: Map<string, Value> | null, p: Pos) => Value): void {
  ns.members.set(name, new PyBuiltin(`${ns.qualified}.${name}`, f));
}

function num(it: Interpreter, v: Value, p: Pos): number {
  if (isNumber(v)) return numValue(v);
  throw new PyError('UnknownValue', `math on a non-number (${it.str(v)})`, p);
}

const STDLIB: Record<string, Filler> = {
  json: fillJson,
  yaml: fillYaml,
  contextlib(it, ns) {
    const object = it.builtins.vars.get('object') as PyClass;
    // suppress(*exceptions): a context manager whose __exit__ swallows the given exception classes.
    const suppress = new PyClass('suppress', [object], null, 'contextlib.suppress');
    suppress.dict.set('__init__', new PyBuiltin('suppress.__init__', (args) => {
      (args[0] as PyInstance).dict.set('_exceptions', new PyTuple(args.slice(1)));
      return null;
    }));
    suppress.dict.set('__enter__', new PyBuiltin('suppress.__enter__', () => null));
    suppress.dict.set('__exit__', new PyBuiltin('suppress.__exit__', (args) => {
      const [self, excClass] = args;
      if (!(excClass instanceof PyClass) || !(self instanceof PyInstance)) return false;
      const handled = self.dict.get('_exceptions');
      return handled instanceof PyTuple && handled.items.some((h) => h instanceof PyClass && (excClass.isSubclassOf(h) || h.name === 'Exception'));
    }));
    ns.members.set('suppress', suppress);
    const nullcontext = new PyClass('nullcontext', [object], null, 'contextlib.nullcontext');
    nullcontext.dict.set('__init__', new PyBuiltin('nullcontext.__init__', (args) => {
      (args[0] as PyInstance).dict.set('_value', args[1] ?? null);
      return null;
    }));
    nullcontext.dict.set('__enter__', new PyBuiltin('nullcontext.__enter__', (args) => (args[0] as PyInstance).dict.get('_value') ?? null));
    nullcontext.dict.set('__exit__', new PyBuiltin('nullcontext.__exit__', () => false));
    ns.members.set('nullcontext', nullcontext);
  },
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
    fn(ns, 'log', (args, _k,
      p) => new PyFloat(args.length > 1 ? Math.log(num(it, args[0], p)) / Math.log(num(it, args[1], p)) : Math.log(num(it, args[0], p))));
    fn(ns, 'pow', (args, _k, p) => new PyFloat(num(it, args[0], p) ** num(it, args[1], p)));
    fn(ns, 'gcd', (args, _k, p) => {
      let a = Math.abs(num(it, args[0], p));
      let b = Math.abs(num(it, args[1], p));
      while (b) [a, b] = [b, a % b];
      return a;
    });
    fn(ns, 'prod', (args, _k, p) => it.iterate(args[0], p).reduce<number>((a, v) => a * num(it, v, p), 1));
    fn(ns, 'isclose', (args, _k,
      p) => Math.abs(num(it, args[0], p) - num(it, args[1], p)) <= 1e-9 * Math.max(Math.abs(num(it, args[0], p)), Math.abs(num(it, args[1], p))));
  },
  numpy(it, ns) {
    // The scalar helpers model files use for sizes (`int(np.prod(img_shape))`); arrays and the rest stay unknown.
    ns.members.set('pi', new PyFloat(Math.PI));
    ns.members.set('e', new PyFloat(Math.E));
    ns.members.set('inf', new PyFloat(Infinity));
    ns.members.set('newaxis', null);
    const numbers = (v: Value, p: Pos): Value[] => (isNumber(v) ? [v] : it.iterate(v, p));
    const allInts = (vs: Value[]): boolean => vs.every((v) => typeof v === 'number' || typeof v === 'boolean');
    const guarded = (f: (args: Value[], p: Pos) => Value) => (args: Value[], _k: Map<string, Value> | null, p: Pos): Value => {
      try {
        return f(args, p);
      } catch (err) {
        if (err instanceof PyError && err.pyType === 'UnknownValue') return new PyUnknown('numpy value');
        throw err;
      }
    };
    const reduce = (op: (a: number, b: number) => number, start: number) => guarded((args, p) => {
      const vs = numbers(args[0] ?? null, p);
      const total = vs.reduce<number>((a, v) => op(a, num(it, v, p)), start);
      return allInts(vs) ? total : new PyFloat(total);
    });
    fn(ns, 'prod', reduce((a, b) => a * b, 1));
    fn(ns, 'sum', reduce((a, b) => a + b, 0));
    const unary = (f: (x: number) => number) => guarded((args, p) => new PyFloat(f(num(it, args[0] ?? null, p))));
    fn(ns, 'sqrt', unary(Math.sqrt));
    fn(ns, 'floor', unary(Math.floor));
    fn(ns, 'ceil', unary(Math.ceil));
    fn(ns, 'log', unary(Math.log));
    fn(ns, 'log2', unary(Math.log2));
    fn(ns, 'exp', unary(Math.exp));
    for (const t of ['int32', 'int64', 'float32', 'float64']) fn(ns, t, (args) => args[0] ?? 0);
    // 1-D ranges as lists of numbers (per-block drop rates: `np.linspace(0.0, rate, sum(depths))`).
    fn(ns, 'linspace', guarded((args, p) => {
      const [start, stop] = [num(it, args[0] ?? null, p), num(it, args[1] ?? null, p)];
      const count = args[2] === undefined ? 50 : num(it, args[2], p);
      const endpoint = args[3] !== false;
      const steps = endpoint ? count - 1 : count;
      return new PyList(Array.from({ length: Math.max(0, count) }, (_, i) => new PyFloat(steps > 0 ? start + ((stop - start) * i) / steps : start)));
    }));
  },
  functools(it, ns) {
    ns.members.set('partial',
      it.builtinTypes?.byName.get('functools.partial') ?? new PyBuiltin('functools.partial', (args, kw) => new PyPartial(args[0], args.slice(1),
        new Map(kw ?? []))));
    fn(ns, 'reduce', (args, _k, p) => {
      const items = it.iterate(args[1], p);
      let acc = args.length > 2 ? args[2] : items.shift()!;
      for (const v of items) acc = it.call(args[0], [acc, v], null, p);
      return acc;
    });
    fn(ns, 'wraps', () => new PyBuiltin('functools.wraps', (args) => args[0]));
    fn(ns, 'lru_cache',
      (args) => (args[0] && typeof args[0] === 'object' && !(args[0] instanceof PyTuple) ? args[0] : new PyBuiltin('lru_cache', (a) => a[0])));
    fn(ns, 'cache', (args) => args[0]);
  },
  collections(it, ns) {
    fn(ns, 'OrderedDict', (args, kw, p) => makeDict(it, true, args, kw, p));
    fn(ns, 'defaultdict', (args, kw, p) => {
      const d = makeDict(it, false, args.slice(1), kw, p);
      if (d instanceof PyDict) d.defaultFactory = args[0] ?? null;
      return d;
    });
    fn(ns, 'namedtuple', (args, _k, p) => namedTuple(it, args[0], args[1] ?? null, p));
    fn(ns, 'Counter', () => new PyDict());
  },
  typing(it, ns) {
    for (const n of ['Any', 'Optional', 'Type', 'Union', 'TypeVar', 'Final', 'Literal', 'NamedTuple', 'ClassVar']) ns.members.set(n,
      new PyUnknown(`typing.${n}`));
    for (const [n, c] of abstractTypes(it)) ns.members.set(n, c);
    fn(ns, 'cast', (args) => args[1] ?? null);
    // Code under `if TYPE_CHECKING:` is for type checkers only, as at run time.
    ns.members.set('TYPE_CHECKING', false);
  },
  'collections.abc'(it, ns) {
    for (const [n, c] of abstractTypes(it)) ns.members.set(n, c);
  },
  dataclasses(it, ns) {
    const dataclass = new PyBuiltin('dataclasses.dataclass', (args) => {
      if (args[0] instanceof PyClass) return makeDataclass(it, args[0]);
      return new PyBuiltin('dataclasses.dataclass', (a) => (a[0] instanceof PyClass ? makeDataclass(it, a[0]) : a[0] ?? null));
    });
    ns.members.set('dataclass', dataclass);
    fn(ns, 'field', (_args, kw) => {
      const d = new PyDict();
      d.set(FIELD_MARK, true);
      d.set('default', kw?.get('default') ?? MISSING);
      d.set('default_factory', kw?.get('default_factory') ?? MISSING);
      return d;
    });
    fn(ns, 'asdict', (args) => {
      const d = new PyDict();
      const o = args[0];
      if (o instanceof PyInstance) for (const [k, v] of o.dict) d.set(k, v);
      return d;
    });
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
  copy(it, ns) {
    const copyValue = (args: Value[], _kw: unknown, p: Pos): Value => {
      const v = args[0];
      if (isModule(v)) return cloneModule(v, undefined, undefined, (steps) => it.budget.charge(steps, p));
      if (v instanceof PyList) it.budget.charge(Math.ceil(v.items.length / 8) + 1, p);
      if (v instanceof PyInstance) {
        const c = new PyInstance(v.cls, null);
        for (const [k, x] of v.dict) c.dict.set(k, x instanceof PyList ? new PyList([...x.items]) : x);
        return c;
      }
      if (v instanceof PyTuple) return v;
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
  types(it, ns) {
    // types.SimpleNamespace(**kw): an object whose attributes are the keywords (a common config holder).
    const cls = new PyClass('SimpleNamespace', it.builtinTypes ? [it.builtinTypes.object] : [], null, 'types.SimpleNamespace');
    cls.dict.set('__init__', new PyBuiltin('SimpleNamespace.__init__', (args, kw) => {
      const self = args[0];
      if (self instanceof PyInstance) for (const [k, v] of kw ?? []) self.dict.set(k, v);
      return null;
    }));
    ns.members.set('SimpleNamespace', cls);
  },
  warnings(_it, ns) {
    fn(ns, 'warn', () => null);
    fn(ns, 'filterwarnings', () => null);
  },
  inspect(_it, ns) {
    // The predicates model code branches on (`d() if isfunction(d) else d` in latent diffusion's default()).
    fn(ns, 'isfunction', (args) => args[0] instanceof PyFunction);
    fn(ns, 'ismethod', (args) => args[0] instanceof PyBound);
    fn(ns, 'isclass', (args) => args[0] instanceof PyClass);
    fn(ns, 'isbuiltin', (args) => args[0] instanceof PyBuiltin);
    fn(ns, 'isroutine', (args) => args[0] instanceof PyFunction || args[0] instanceof PyBound || args[0] instanceof PyBuiltin);
  },
  operator(it, ns) {
    fn(ns, 'mul', (args, _k, p) => num(it, args[0], p) * num(it, args[1], p));
    fn(ns, 'add', (args, _k, p) => num(it, args[0], p) + num(it, args[1], p));
  },
};

export { typeError };
