// The interpreter core: calls, argument binding, attribute access, items and iteration over abstract values.
import type { Expr, Pos, Program, Stmt } from '../python/ast';
import { Budget } from './budget';
import { DiagnosticSink, isLibraryPos, userSites } from './diagnostics';
import { PyError, attributeError, typeError } from './errors';
import { Scope } from './scope';
import {
  ModuleState, PyBound, PyBuiltin, PyClass, PyClassMethod, PyDict, PyExceptionValue, PyFloat, PyFunction, PyInstance, PyList,
  PyAttrDict, PyNamespace, PyPartial, PyProperty, PyRange, PySet, PyStaticMethod, PySuper, PyTensor, PyTuple, PyUnknown, typeName, type Value,
} from './values';
import { evalExpr } from './expressions';
import { formatFloat } from './strings';
import { execBlock, type Frame } from './statements';
import type { Tracer } from '../graph/tracer';
import type { Importer } from './importer';

/** Hooks implemented by the torch layer (modules.ts, tensorOps.ts), kept behind an interface to avoid import cycles. */
export interface TorchHooks {
  instantiateModule(cls: PyClass, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value;
  callModule(inst: PyInstance, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value;
  setModuleAttr(inst: PyInstance, name: string, value: Value, site: Pos): void;
  getModuleAttr(inst: PyInstance, name: string): Value | undefined;
  tensorAttr(t: PyTensor, name: string, site: Pos): Value;
  unknownCall(fn: PyUnknown, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value;
  resolveNamespace(ns: PyNamespace, name: string): Value;
  builtinMethod(obj: Value, name: string, site: Pos): Value | undefined;
  getItem(obj: Value, index: Value, site: Pos): Value;
  tensorBinary(op: string, a: Value, b: Value, site: Pos, inplace: boolean): Value;
  setItem(obj: Value, index: Value, value: Value, site: Pos): void;
  /** Names a framework namespace offers beyond its members (`dir(torch.nn.functional)`); null when not one. */
  namespaceNames?(ns: PyNamespace): string[] | null;
}

export interface FunctionContext {
  fn: PyFunction;
  firstArg: Value | undefined;
  /** The call's local names (for `locals()`). */
  scope?: Scope;
}

export class Interpreter {
  readonly diagnostics = new DiagnosticSink();
  readonly builtins = new Scope(null);
  readonly globals = new Scope(this.builtins);
  hooks!: TorchHooks;
  /** Builtin type classes (isinstance predicates), set by the runtime. */
  builtinTypes: import('./builtins').BuiltinTypes | null = null;
  /** nn.Module, for classes whose unknown base is evidently a module class (`pl.LightningModule`). */
  moduleClass: PyClass | null = null;
  tracer: Tracer | null = null;
  /** Runs import statements (set by the runtime). */
  importer!: Importer;
  /** Parses the text of eval() (set by the runtime); null when it is not one expression. */
  parseExpression: (text: string) => Expr | null = () => null;
  /** The innermost executing user functions (for zero-argument super()). */
  readonly callStack: FunctionContext[] = [];
  /** The statement being executed, for diagnostics raised deep inside natives. */
  currentPos: Pos | null = null;

  constructor(public budget: Budget) {}

  /** Runs a module body; a failing top-level statement is reported and the next one runs (like loading in a REPL). */
  runModule(program: Program, onError: (err: unknown, stmt: Stmt) => void): void {
    const frame: Frame = { scope: this.globals, ret: null, ctx: null };
    for (const stmt of program.body) {
      try {
        execBlock(this, [stmt], frame);
      } catch (err) {
        onError(err, stmt);
      }
    }
  }

  eval(expr: Parameters<typeof evalExpr>[1], scope: Scope): Value {
    return evalExpr(this, expr, { scope, ret: null, ctx: null });
  }

  call(fn: Value, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
    if (fn instanceof PyBuiltin) return fn.fn(args, kwargs, site);
    if (fn instanceof PyFunction) return this.callFunction(fn, args, kwargs, site);
    if (fn instanceof PyBound) return this.call(fn.fn, [fn.self, ...args], kwargs, site);
    if (fn instanceof PyClass) return this.instantiate(fn, args, kwargs, site);
    if (fn instanceof PyInstance) {
      if (fn.mod) return this.hooks.callModule(fn, args, kwargs, site);
      const callMethod = fn.cls.lookup('__call__');
      if (callMethod !== undefined) return this.call(callMethod, [fn, ...args], kwargs, site);
    }
    if (fn instanceof PyPartial) {
      let merged = kwargs;
      if (fn.kwargs.size > 0) {
        merged = new Map(fn.kwargs);
        if (kwargs) for (const [k, v] of kwargs) merged.set(k, v);
      }
      return this.call(fn.fn, [...fn.args, ...args], merged, site);
    }
    if (fn instanceof PyStaticMethod || fn instanceof PyClassMethod) return this.call(fn.fn, args, kwargs, site);
    if (fn instanceof PyUnknown) return this.hooks.unknownCall(fn, args, kwargs, site);
    throw typeError(`'${typeName(fn)}' object is not callable`, site);
  }

  callFunction(fn: PyFunction, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
    this.budget.step(site);
    this.budget.enter(site);
    const scope = new Scope(fn.closure);
    bindArguments(fn, args, kwargs, scope, site);
    const ctx: FunctionContext = { fn, firstArg: args[0], scope };
    this.callStack.push(ctx);
    const fromUser = isLibraryPos(fn.p) && !isLibraryPos(site);
    if (fromUser) userSites.push(site);
    try {
      if (fn.isLambda) return evalExpr(this, fn.body as Parameters<typeof evalExpr>[1], { scope, ret: null, ctx });
      const frame: Frame = { scope, ret: null, ctx };
      execBlock(this, fn.body as Stmt[], frame);
      return frame.ret;
    } catch (err) {
      if (fromUser && err instanceof PyError && (!err.pos || isLibraryPos(err.pos))) err.pos = site;
      throw err;
    } finally {
      if (fromUser) userSites.pop();
      this.callStack.pop();
      this.budget.leave();
    }
  }

  instantiate(cls: PyClass, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
    if (cls.native === 'builtin-type' || cls.native === 'exception') {
      const ctor = cls.dict.get('__new__');
      if (ctor) return this.call(ctor, args, kwargs, site);
    }
    const moduleResult = this.hooks.instantiateModule(cls, args, kwargs, site);
    if (moduleResult !== undefined && moduleResult !== null) return moduleResult;
    if (cls.native === 'exception' || cls.mro.some((c) => c.native === 'exception')) {
      return new PyExceptionValue(cls, args.length ? this.str(args[0]) : '');
    }
    const inst = new PyInstance(cls, null);
    const init = cls.lookup('__init__');
    if (init !== undefined && !(init instanceof PyBuiltin && init.name === 'object.__init__')) this.call(init, [inst, ...args], kwargs, site);
    return inst;
  }

  getAttr(obj: Value, name: string, site: Pos): Value {
    const v = this.getAttrOrUndefined(obj, name, site);
    if (v === undefined) throw attributeError(`'${obj instanceof PyClass ? obj.name : typeName(obj)}' object has no attribute '${name}'`, site);
    return v;
  }

  /** Attribute lookup; undefined when the attribute does not exist (hasattr/getattr with default use this). */
  getAttrOrUndefined(obj: Value, name: string, site: Pos): Value | undefined {
    if (obj instanceof PyInstance) {
      const own = obj.dict.get(name);
      if (own !== undefined) return own;
      const clsAttr = obj.cls.lookup(name);
      if (clsAttr !== undefined) return this.bindDescriptor(clsAttr, obj, obj.cls, site);
      if (name === '__class__') return obj.cls;
      if (name === '__dict__') return new PyAttrDict(obj.dict);
      if (obj.mod) {
        const m = this.hooks.getModuleAttr(obj, name);
        if (m !== undefined || !obj.cls.hasUnknownBase) return m;
      }
      return obj.cls.hasUnknownBase ? new PyUnknown(`${obj.cls.name}.${name}`) : undefined;
    }
    if (obj instanceof PyClass) {
      if (name === '__name__' || name === '__qualname__') return obj.name;
      if (name === '__mro__') return new PyTuple(obj.mro);
      if (name === '__bases__') return new PyTuple(obj.bases);
      const v = obj.lookup(name);
      if (v === undefined) return obj.hasUnknownBase ? new PyUnknown(`${obj.name}.${name}`) : undefined;
      if (v instanceof PyStaticMethod) return v.fn;
      if (v instanceof PyClassMethod) return new PyBound(obj, v.fn);
      return v;
    }
    if (obj instanceof PyNamespace) {
      const m = obj.members.get(name);
      if (m !== undefined) return m;
      if (obj.fromSource) return undefined;
      const resolved = this.hooks.resolveNamespace(obj, name);
      obj.members.set(name, resolved);
      return resolved;
    }
    if (obj instanceof PyTensor) return this.hooks.tensorAttr(obj, name, site);
    if (obj instanceof PyUnknown) return new PyUnknown(`${obj.what}.${name}`);
    if (obj instanceof PySuper) {
      const mro = obj.selfClass.mro;
      const start = mro.indexOf(obj.startAfter);
      for (let i = start + 1; i < mro.length; i++) {
        const v = mro[i].dict.get(name);
        if (v !== undefined) return this.bindDescriptor(v, obj.self, obj.selfClass, site);
      }
      if (name === '__init__') return new PyBuiltin('object.__init__', () => null);
      return undefined;
    }
    if (obj instanceof PyFunction) {
      if (name === '__name__' || name === '__qualname__') return obj.name;
      if (name === '__doc__') return null;
      return undefined;
    }
    if (obj instanceof PyBound) {
      if (name === '__self__') return obj.self;
      if (name === '__func__') return obj.fn;
      if (name === '__name__') return obj.fn instanceof PyFunction || obj.fn instanceof PyBuiltin ? obj.fn.name : 'method';
      return undefined;
    }
    if (obj instanceof PyPartial) {
      if (name === 'func') return obj.fn;
      if (name === 'args') return new PyTuple(obj.args);
      if (name === 'keywords') {
        const d = new PyDict();
        for (const [k, v] of obj.kwargs) d.set(k, v);
        return d;
      }
      return undefined;
    }
    if (obj instanceof PyBuiltin) {
      if (name === '__name__') return obj.name.split('.').pop() ?? obj.name;
      return undefined;
    }
    if (obj instanceof PyExceptionValue) {
      if (name === 'args') return new PyTuple([obj.message]);
      return undefined;
    }
    return this.hooks.builtinMethod(obj, name, site);
  }

  private bindDescriptor(v: Value, self: Value, cls: PyClass, site: Pos): Value {
    if (v instanceof PyFunction || v instanceof PyBuiltin) return new PyBound(self, v);
    if (v instanceof PyStaticMethod) return v.fn;
    if (v instanceof PyClassMethod) return new PyBound(cls, v.fn);
    if (v instanceof PyProperty) return this.call(v.fget, [self], null, site);
    return v;
  }

  setAttr(obj: Value, name: string, value: Value, site: Pos): void {
    if (obj instanceof PyInstance) {
      const cls = obj.cls.lookup(name);
      if (cls instanceof PyProperty) return;
      if (obj.mod) this.hooks.setModuleAttr(obj, name, value, site);
      else obj.dict.set(name, value);
      return;
    }
    if (obj instanceof PyClass) {
      obj.dict.set(name, value);
      return;
    }
    if (obj instanceof PyTensor || obj instanceof PyUnknown || obj instanceof PyFunction) return;
    throw attributeError(`cannot set attribute '${name}' on '${typeName(obj)}'`, site);
  }

  /** Materialises an iterable into values (ranges are materialised step by step against the budget). */
  iterate(v: Value, site: Pos): Value[] {
    if (v instanceof PyList || v instanceof PyTuple) return v.items;
    if (v instanceof PyRange) {
      const n = v.length;
      // Charged up front so a range of 10**9 ends at once instead of being materialised.
      this.budget.charge(Math.ceil(n / 8) + 1, site);
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = v.start + i * v.step;
      return out;
    }
    if (typeof v === 'string') return [...v];
    if (v instanceof PyDict) return v.keys();
    if (v instanceof PySet) return [...v.map.values()];
    if (v instanceof PyInstance) {
      if (v.mod && (v.mod.kind === 'sequential' || v.mod.kind === 'modulelist')) return [...v.mod.children.values()];
      if (v.mod && v.mod.kind === 'moduledict') return [...v.mod.children.keys()];
      const iter = v.cls.lookup('__iter__');
      if (iter !== undefined) return this.iterate(this.call(iter, [v], null, site), site);
      if (v.mod) return [...v.mod.children.values()];
    }
    if (v instanceof PyTensor) {
      const n = v.shape?.[0];
      if (typeof n === 'number' && v.shape) {
        const rest = v.shape.slice(1);
        return Array.from({ length: Math.min(n, 4096) }, () => new PyTensor(rest, v.node));
      }
      this.diagnostics.once('warning', 'unknown-value', 'cannot iterate over a tensor whose first dimension is unknown: loop skipped', site);
      return [];
    }
    if (v instanceof PyUnknown) {
      this.diagnostics.once('warning', 'unknown-value', `cannot iterate over unknown value ${v.what}: loop skipped`, site);
      return [];
    }
    throw typeError(`'${typeName(v)}' object is not iterable`, site);
  }

  /** Python's str(). */
  str(v: Value): string {
    return this.charged(reprValue(v, false));
  }
  repr(v: Value): string {
    return this.charged(reprValue(v, true));
  }

  private charged(text: string): string {
    this.budget.charge(Math.ceil(text.length / 64) + 1, this.currentPos);
    return text;
  }
}

/** Longest text repr/str builds; past it the text ends in '…' (nested lists that share parts grow exponentially). */
export const MAX_REPR_CHARS = 1 << 20;

export function reprValue(v: Value, quote: boolean): string {
  const budget = { left: MAX_REPR_CHARS };
  return reprWithin(v, quote, budget);
}

function reprItems(items: Value[], budget: { left: number }): string {
  const parts: string[] = [];
  for (const x of items) {
    if (budget.left <= 0) {
      parts.push('…');
      break;
    }
    const part = reprWithin(x, true, budget);
    budget.left -= part.length + 2;
    parts.push(part);
  }
  return parts.join(', ');
}

function reprWithin(v: Value, quote: boolean, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  if (v instanceof PyTuple) return v.items.length === 1 ? `(${reprWithin(v.items[0], true, budget)},)` : `(${reprItems(v.items, budget)})`;
  if (v instanceof PyList) return `[${reprItems(v.items, budget)}]`;
  if (v instanceof PyDict) {
    const parts: string[] = [];
    for (const [k, x] of v.entries()) {
      if (budget.left <= 0) {
        parts.push('…');
        break;
      }
      const part = `${reprWithin(k, true, budget)}: ${reprWithin(x, true, budget)}`;
      budget.left -= part.length + 2;
      parts.push(part);
    }
    return `{${parts.join(', ')}}`;
  }
  return reprScalar(v, quote);
}

function reprScalar(v: Value, quote: boolean): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : v;
  if (v instanceof PyFloat) return formatFloat(v.v);
  if (v instanceof PyClass) return `<class '${v.qualified ?? v.name}'>`;
  if (v instanceof PyInstance) return `${v.cls.name}()`;
  if (v instanceof PyTensor) return `tensor(shape=[${(v.shape ?? []).map((d) => (d === null ? '?' : String(d))).join(', ')}])`;
  if (v instanceof PyUnknown) return `<unknown ${v.what}>`;
  if (v instanceof PyExceptionValue) return v.message;
  if (v instanceof PyFunction || v instanceof PyBuiltin) return `<function ${v.name}>`;
  if (v instanceof PyRange) return `range(${v.start}, ${v.stop}${v.step !== 1 ? ', ' + v.step : ''})`;
  if (v instanceof PyNamespace) return `<module '${v.qualified}'>`;
  return `<${typeName(v)}>`;
}

/** Binds call arguments to a function's parameters in `scope` (Python's rules; TypeError on mismatch). */
export function bindArguments(fn: PyFunction, args: Value[], kwargs: Map<string, Value> | null, scope: Scope, site: Pos): void {
  const params = fn.params;
  let ai = 0;
  let varargs: string | null = null;
  let varkw: string | null = null;
  const vars = scope.vars;
  for (const p of params) {
    if (p.kind === 'normal') {
      if (ai < args.length) vars.set(p.name, args[ai++]);
    } else if (p.kind === 'varargs') varargs = p.name;
    else if (p.kind === 'kwargs') varkw = p.name;
  }
  if (varargs !== null) vars.set(varargs, new PyTuple(args.slice(ai)));
  else if (ai < args.length)
    throw typeError(`${fn.name}() takes ${params.filter((p) => p.kind === 'normal').length} positional arguments but ${args.length} were given`, site);
  let extra: PyDict | null = null;
  if (varkw !== null) {
    extra = new PyDict();
    vars.set(varkw, extra);
  }
  if (kwargs) {
    for (const [k, v] of kwargs) {
      const p = params.find((q) => q.name === k && (q.kind === 'normal' || q.kind === 'kwonly'));
      if (p) {
        if (vars.has(k)) throw typeError(`${fn.name}() got multiple values for argument '${k}'`, site);
        vars.set(k, v);
      } else if (extra) extra.set(k, v);
      else throw typeError(`${fn.name}() got an unexpected keyword argument '${k}'`, site);
    }
  }
  for (const p of params) {
    if ((p.kind === 'normal' || p.kind === 'kwonly') && !vars.has(p.name)) {
      const d = fn.defaults.get(p.name);
      if (d === undefined) throw typeError(`${fn.name}() missing required argument '${p.name}'`, site);
      vars.set(p.name, d);
    }
  }
}

export { PyError, ModuleState };
