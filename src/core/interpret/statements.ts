// Executes statements: assignments, control flow, definitions, try/with, imports; returns a completion code.
import type { Expr, FuncDef, Stmt, ClassDef } from '../python/ast';
import { BudgetExceeded, PyError, typeError } from './errors';
import { extendList } from './containers';
import { Scope } from './scope';
import type { FunctionContext, Interpreter } from './interpreter';
import { evalExpr, truthy, assignTarget, makeFunction } from './expressions';
import { binaryOp, compare } from './operators';
import { PyBuiltin, PyClass, PyDict, PyExceptionValue, PyFunction, PyList, PyProperty, PyTensor, PyTuple, PyUnknown, PyInstance,
  type Value } from './values';

export interface Frame {
  scope: Scope;
  ret: Value;
  ctx: FunctionContext | null;
}

export const NORMAL = 0;
export const BREAK = 1;
export const CONTINUE = 2;
export const RETURN = 3;
export type Completion = 0 | 1 | 2 | 3;

export function execBlock(it: Interpreter, body: Stmt[], frame: Frame): Completion {
  for (let i = 0; i < body.length; i++) {
    const c = execStmt(it, body[i], frame);
    if (c !== NORMAL) return c;
  }
  return NORMAL;
}

function execStmt(it: Interpreter, s: Stmt, frame: Frame): Completion {
  it.budget.step(s.p);
  it.currentPos = s.p;
  switch (s.s) {
    case 'expr':
      evalExpr(it, s.e, frame);
      return NORMAL;
    case 'assign': {
      const v = evalExpr(it, s.value, frame);
      for (const t of s.targets) assignTarget(it, t, v, frame);
      return NORMAL;
    }
    case 'annassign':
      if (frame.scope.isClassBody && s.target.k === 'name') {
        let ann = frame.scope.vars.get('__annotations__');
        if (!(ann instanceof PyDict)) frame.scope.vars.set('__annotations__', (ann = new PyDict(true)));
        ann.set(s.target.id, null);
      }
      if (s.value) assignTarget(it, s.target, evalExpr(it, s.value, frame), frame);
      return NORMAL;
    case 'augassign': {
      const cur = evalExpr(it, s.target, frame);
      const rhs = evalExpr(it, s.value, frame);
      const result = cur instanceof PyList && s.op === '+' ? (extendList(it, cur.items, it.iterate(rhs, s.p), s.p), cur) : binaryOp(it, s.op, cur, rhs,
        s.p, true);
      assignTarget(it, s.target, result, frame);
      return NORMAL;
    }
    case 'return':
      frame.ret = s.value ? evalExpr(it, s.value, frame) : null;
      return RETURN;
    case 'if':
      for (const b of s.branches) if (truthy(it, evalExpr(it, b.cond, frame), b.cond.p)) return execBlock(it, b.body, frame);
      return s.orelse ? execBlock(it, s.orelse, frame) : NORMAL;
    case 'for': {
      const items = it.iterate(evalExpr(it, s.iter, frame), s.iter.p);
      for (let i = 0; i < items.length; i++) {
        it.budget.step(s.p);
        assignTarget(it, s.target, items[i], frame);
        const c = execBlock(it, s.body, frame);
        if (c === BREAK) return NORMAL;
        if (c === RETURN) return c;
      }
      return s.orelse ? execBlock(it, s.orelse, frame) : NORMAL;
    }
    case 'while': {
      while (truthy(it, evalExpr(it, s.cond, frame), s.cond.p)) {
        it.budget.step(s.p);
        const c = execBlock(it, s.body, frame);
        if (c === BREAK) return NORMAL;
        if (c === RETURN) return c;
      }
      return s.orelse ? execBlock(it, s.orelse, frame) : NORMAL;
    }
    case 'break':
      return BREAK;
    case 'continue':
      return CONTINUE;
    case 'pass':
      return NORMAL;
    case 'def':
      defineFunction(it, s, frame);
      return NORMAL;
    case 'class':
      defineClass(it, s, frame);
      return NORMAL;
    case 'try':
      return execTry(it, s, frame);
    case 'with':
      return execWith(it, s, 0, frame);
    case 'assert': {
      // Only a condition known to be False fails (as Python would); unknown or unevaluable conditions pass.
      let failed = false;
      try {
        failed = knownFalse(it, s.cond, frame);
      } catch (err) {
        if (!(err instanceof PyError) || err instanceof BudgetExceeded) throw err;
      }
      if (!failed) return NORMAL;
      let message = '';
      try {
        if (s.msg) message = it.str(evalExpr(it, s.msg, frame));
      } catch (err) {
        if (!(err instanceof PyError) || err instanceof BudgetExceeded) throw err;
      }
      throw new PyError('AssertionError', message, s.p);
    }
    case 'raise': {
      if (!s.exc) throw new PyError('RuntimeError', 'exception re-raised', s.p);
      const v = evalExpr(it, s.exc, frame);
      if (v instanceof PyExceptionValue) throw new PyError(v.cls.name, v.message, s.p, v);
      if (v instanceof PyClass) throw new PyError(v.name, '', s.p);
      throw new PyError('Exception', it.str(v), s.p, v);
    }
    case 'global':
      frame.scope.globals ??= new Set();
      for (const n of s.names) frame.scope.globals.add(n);
      return NORMAL;
    case 'nonlocal':
      frame.scope.nonlocals ??= new Set();
      for (const n of s.names) frame.scope.nonlocals.add(n);
      return NORMAL;
    case 'import':
      for (const n of s.names) {
        const bound = n.alias ?? n.module.split('.')[0];
        frame.scope.assign(bound, it.importer.importName(n.module, n.alias !== undefined, s.p));
      }
      return NORMAL;
    case 'importfrom':
      it.importer.importFrom(s.module, s.names, frame.scope, s.p);
      return NORMAL;
    case 'del':
      for (const t of s.targets) {
        if (t.k === 'name') frame.scope.vars.delete(t.id);
        else if (t.k === 'sub') {
          const obj = evalExpr(it, t.obj, frame);
          const key = evalExpr(it, t.index, frame);
          if (obj instanceof PyDict) obj.delete(key);
          else if (obj instanceof PyList && typeof key === 'number') obj.items.splice(key < 0 ? obj.items.length + key : key, 1);
          else if (obj instanceof PyInstance && obj.mod && (typeof key === 'number' || typeof key === 'string')) {
            const keys = [...obj.mod.children.keys()];
            const k = typeof key === 'number' ? keys[key < 0 ? keys.length + key : key] : key;
            if (k !== undefined) obj.mod.children.delete(k);
          }
        } else if (t.k === 'attr') {
          const obj = evalExpr(it, t.obj, frame);
          if (obj instanceof PyInstance) {
            obj.dict.delete(t.name);
            obj.mod?.children.delete(t.name);
          }
        }
      }
      return NORMAL;
    case 'bad':
      it.diagnostics.once('warning', 'unsupported-syntax', `unsupported statement (${s.what}): skipped`, s.p);
      return NORMAL;
  }
}

/**
 * `with a as x, b as y:` as nested context managers: `__enter__` gives the target, and a Python exception in the body
 * is suppressed when `__exit__` returns true (`contextlib.suppress(NameError)` in config-driven builders).
 */
function execWith(it: Interpreter, s: Extract<Stmt, { s: 'with' }>, index: number, frame: Frame): Completion {
  if (index === s.items.length) return execBlock(it, s.body, frame);
  const item = s.items[index];
  const manager = evalExpr(it, item.ctx, frame);
  const enter = manager instanceof PyInstance && !manager.mod ? manager.cls.lookup('__enter__') : undefined;
  const exit = manager instanceof PyInstance && !manager.mod ? manager.cls.lookup('__exit__') : undefined;
  const entered = enter !== undefined ? it.call(enter, [manager], null, item.ctx.p) : manager;
  if (item.target) assignTarget(it, item.target, entered, frame);
  if (exit === undefined) return execWith(it, s, index + 1, frame);
  let completion: Completion;
  try {
    completion = execWith(it, s, index + 1, frame);
  } catch (err) {
    if (!(err instanceof PyError)) throw err;
    const excClass = err.value instanceof PyExceptionValue ? err.value.cls : (it.builtins.vars.get(err.pyType) ?? null);
    const suppress = it.call(exit, [manager, excClass, err.value ?? err.message, null], null, item.ctx.p);
    if (truthy(it, suppress, item.ctx.p)) return NORMAL;
    throw err;
  }
  it.call(exit, [manager, null, null, null], null, item.ctx.p);
  return completion;
}

function execTry(it: Interpreter, s: Extract<Stmt, { s: 'try' }>, frame: Frame): Completion {
  try {
    let c: Completion;
    const guards = s.handlers.some((h) => catchesImportError(h.type));
    try {
      if (guards) it.importer.importGuards++;
      try {
        c = execBlock(it, s.body, frame);
      } finally {
        if (guards) it.importer.importGuards--;
      }
    } catch (err) {
      if (!(err instanceof PyError)) throw err;
      for (const h of s.handlers) {
        if (h.type && !exceptionMatches(it, err, evalExpr(it, h.type, frame))) continue;
        if (h.name) frame.scope.assign(h.name, err.value instanceof PyExceptionValue ? err.value : err.message);
        return execBlock(it, h.body, frame);
      }
      throw err;
    }
    if (c === NORMAL && s.orelse) return execBlock(it, s.orelse, frame);
    return c;
  } finally {
    if (s.final) {
      const savedRet = frame.ret;
      execBlock(it, s.final, frame);
      frame.ret = savedRet;
    }
  }
}

/** True when an `except` clause (by its written type) catches a failed import: bare, ImportError and its bases. */
function catchesImportError(type: Expr | undefined): boolean {
  if (!type) return true;
  if (type.k === 'tuple') return type.items.some((t) => catchesImportError(t));
  const name = type.k === 'name' ? type.id : type.k === 'attr' ? type.name : '';
  return ['ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'].includes(name);
}

function exceptionMatches(it: Interpreter, err: PyError, handlerType: Value): boolean {
  if (handlerType instanceof PyUnknown) return true;
  if (handlerType instanceof PyClass) {
    if (handlerType.name === 'Exception' || handlerType.name === 'BaseException') return true;
    if (err.value instanceof PyExceptionValue) return err.value.cls.isSubclassOf(handlerType);
    if (handlerType.name === err.pyType) return true;
    // Interpreter-raised errors: LookupError covers KeyError/IndexError, ArithmeticError covers ZeroDivisionError.
    if (handlerType.name === 'LookupError') return err.pyType === 'KeyError' || err.pyType === 'IndexError';
    if (handlerType.name === 'ArithmeticError') return err.pyType === 'ZeroDivisionError';
    if (handlerType.name === 'ImportError') return err.pyType === 'ModuleNotFoundError';
    return false;
  }
  if (handlerType !== null && typeof handlerType === 'object' && 'items' in handlerType) {
    return (handlerType.items as Value[]).some((t) => exceptionMatches(it, err, t));
  }
  return false;
}

function defineFunction(it: Interpreter, s: FuncDef, frame: Frame): void {
  let value: Value = makeFunction(it, s.name, s.params, s.body, s.p, frame, false);
  for (let i = s.decorators.length - 1; i >= 0; i--) {
    const d = s.decorators[i];
    if (d.k === 'attr' && (d.name === 'setter' || d.name === 'deleter')) return;
    let deco: Value;
    try {
      deco = evalExpr(it, d, frame);
    } catch (err) {
      if (err instanceof BudgetExceeded) throw err;
      continue;
    }
    if (deco instanceof PyUnknown) continue;
    if (deco instanceof PyBuiltin || deco instanceof PyClass || deco instanceof PyFunction) {
      try {
        value = it.call(deco, [value], null, d.p);
      } catch (err) {
        if (err instanceof BudgetExceeded) throw err;
      }
    }
  }
  if (value instanceof PyUnknown || value === null) value = makeFunction(it, s.name, s.params, s.body, s.p, frame, false);
  frame.scope.assign(s.name, value);
}

function defineClass(it: Interpreter, s: ClassDef, frame: Frame): void {
  const bases: PyClass[] = [];
  let unknownBase = false;
  for (const b of s.bases) {
    if (b.kind !== 'pos') continue;
    const v = evalExpr(it, b.value, frame);
    if (v instanceof PyClass) bases.push(v);
    else if (v instanceof PyUnknown) {
      // `pl.LightningModule` and similar wrappers are nn.Modules; other unknown bases make missing attributes unknown.
      if (/Module$/.test(v.what) && it.moduleClass) bases.push(it.moduleClass);
      unknownBase = true;
    } else if (v !== null && typeof v === 'object' && 'items' in v) {
      unknownBase = true;
    } else throw typeError(`class ${s.name}: base is not a class (${it.str(v)})`, b.value.p);
  }
  const scope = new Scope(frame.scope, true);
  scope.vars.set('__qualname__', s.name);
  execBlock(it, s.body, { scope, ret: null, ctx: frame.ctx });
  // An inconsistent hierarchy gets a depth-first MRO (values.ts computeMro), as the analysis cannot stop at it.
  const cls = new PyClass(s.name, bases, s.p);
  if (unknownBase) cls.hasUnknownBase = true;
  for (const [k, v] of scope.vars) {
    cls.dict.set(k, v);
    if (v instanceof PyFunction) v.ownerClass ??= cls;
    else if (v instanceof PyProperty && v.fget instanceof PyFunction) v.fget.ownerClass ??= cls;
    else if (v !== null && typeof v === 'object' && 'fn' in v && v.fn instanceof PyFunction) v.fn.ownerClass ??= cls;
  }
  let value: Value = cls;
  for (let i = s.decorators.length - 1; i >= 0; i--) {
    const deco = evalExpr(it, s.decorators[i], frame);
    if (deco instanceof PyBuiltin || deco instanceof PyFunction) {
      const result = it.call(deco, [value], null, s.decorators[i].p);
      if (result instanceof PyClass) value = result;
    }
  }
  frame.scope.assign(s.name, value);
}

export type { Expr };

/** Whether a value is (or holds) something NetLens does not know: an unknown value or a tensor. */
function isVague(v: Value): boolean {
  if (v instanceof PyUnknown || v instanceof PyTensor) return true;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.some(isVague);
  return false;
}

/**
 * True only when an assert condition is False for certain: comparisons whose operands are all known values, `and`
 * with a certainly-false operand, `or` with both sides certainly false, `not` of a certainly-true comparison.
 * Anything involving unknown values or tensors (`x.shape[1] == C` after an unknown layer, `(x > 0).all()`) passes.
 */
function knownFalse(it: Interpreter, e: Expr, frame: Frame): boolean {
  switch (e.k) {
    case 'and':
      return knownFalse(it, e.l, frame) || knownFalse(it, e.r, frame);
    case 'or':
      return knownFalse(it, e.l, frame) && knownFalse(it, e.r, frame);
    case 'cmp': {
      const operands = [evalExpr(it, e.first, frame), ...e.rest.map((r) => evalExpr(it, r, frame))];
      if (operands.some(isVague)) return false;
      for (let i = 0; i < e.ops.length; i++) if (!compare(it, e.ops[i], operands[i], operands[i + 1], e.p)) return true;
      return false;
    }
    case 'not': {
      const v = evalExpr(it, e.e, frame);
      return !isVague(v) && truthy(it, v, e.p);
    }
    default: {
      const v = evalExpr(it, e, frame);
      return v === false || v === null || v === 0;
    }
  }
}
