// Evaluates expressions: names, literals, calls with */** unpacking, operators, comprehensions, f-strings, targets.
import type { Expr, FStrPart, Param, Pos, Stmt, CompClause } from '../python/ast';
import { PyError, typeError } from './errors';
import { Scope } from './scope';
import type { Interpreter } from './interpreter';
import type { Frame } from './statements';
import { binaryOp, compare } from './operators';
import { formatWithSpec } from './strings';
import {
  PyBound, PyDict, PyFloat, PyFunction, PyInstance, PyList, PySet, PySlice, PyTensor, PyTuple, PyUnknown, PyRange, type Value,
} from './values';

export function evalExpr(it: Interpreter, e: Expr, frame: Frame): Value {
  switch (e.k) {
    case 'name': {
      const v = frame.scope.lookup(e.id);
      if (v === undefined) throw new PyError('NameError', `name '${e.id}' is not defined`, e.p);
      return v;
    }
    case 'int':
      return e.v;
    case 'float':
      return new PyFloat(e.v);
    case 'str':
      return e.v;
    case 'const':
      return e.v === 'ellipsis' ? new PyUnknown('Ellipsis') : e.v;
    case 'fstr':
      return evalFString(it, e.parts, frame);
    case 'attr':
      return it.getAttr(evalExpr(it, e.obj, frame), e.name, e.p);
    case 'sub':
      return it.hooks.getItem(evalExpr(it, e.obj, frame), evalExpr(it, e.index, frame), e.p);
    case 'call':
      return evalCall(it, e, frame);
    case 'bin':
      return binaryOp(it, e.op, evalExpr(it, e.l, frame), evalExpr(it, e.r, frame), e.p, false);
    case 'unary': {
      const v = evalExpr(it, e.e, frame);
      if (e.op === '+') return v;
      if (e.op === '-') {
        if (typeof v === 'number') return -v;
        if (typeof v === 'boolean') return v ? -1 : 0;
        if (v instanceof PyFloat) return new PyFloat(-v.v);
        if (v instanceof PyTensor || v instanceof PyUnknown) return binaryOp(it, '*', v, -1, e.p, false);
      }
      if (e.op === '~' && typeof v === 'number') return ~v;
      if (e.op === '~' && typeof v === 'boolean') return v ? -2 : -1;
      // ~mask on a tensor is Tensor.bitwise_not (logical not of a bool mask): same shape.
      if (e.op === '~' && v instanceof PyTensor) return it.call(it.getAttr(v, 'bitwise_not', e.p), [], null, e.p);
      if (v instanceof PyUnknown) return v;
      throw typeError(`bad operand type for unary ${e.op}: '${it.str(v)}'`, e.p);
    }
    case 'and': {
      const l = evalExpr(it, e.l, frame);
      return truthy(it, l, e.p) ? evalExpr(it, e.r, frame) : l;
    }
    case 'or': {
      const l = evalExpr(it, e.l, frame);
      return truthy(it, l, e.p) ? l : evalExpr(it, e.r, frame);
    }
    case 'not':
      return !truthy(it, evalExpr(it, e.e, frame), e.p);
    case 'cmp': {
      let left = evalExpr(it, e.first, frame);
      for (let i = 0; i < e.ops.length; i++) {
        const right = evalExpr(it, e.rest[i], frame);
        // `x > 0` on a tensor is an elementwise (boolean) tensor, e.g. a mask for x[mask] or torch.where.
        if ((left instanceof PyTensor || right instanceof PyTensor) && e.ops.length === 1 && !['is', 'is not', 'in', 'not in'].includes(e.ops[i])) {
          return it.hooks.tensorBinary(e.ops[i] as string, left, right, e.p, false);
        }
        const r = compare(it, e.ops[i], left, right, e.p);
        if (!r) return false;
        left = right;
      }
      return true;
    }
    case 'ifexp':
      return truthy(it, evalExpr(it, e.cond, frame), e.p) ? evalExpr(it, e.then, frame) : evalExpr(it, e.orelse, frame);
    case 'lambda':
      return makeFunction(it, '<lambda>', e.params, e.body, e.p, frame, true);
    case 'list': {
      const items = evalItems(it, e.items, frame);
      return items instanceof PyUnknown ? items : new PyList(items);
    }
    case 'tuple': {
      const items = evalItems(it, e.items, frame);
      return items instanceof PyUnknown ? items : new PyTuple(items);
    }
    case 'set': {
      const s = new PySet();
      const items = evalItems(it, e.items, frame);
      if (items instanceof PyUnknown) return items;
      for (const v of items) s.add(v);
      return s;
    }
    case 'dict': {
      const d = new PyDict();
      for (const entry of e.entries) {
        if ('splat' in entry) {
          const src = evalExpr(it, entry.splat, frame);
          if (src instanceof PyDict) for (const [k, v] of src.entries()) d.set(k, v);
          else if (!(src instanceof PyUnknown)) throw typeError(`'${it.str(src)}' is not a mapping`, e.p);
        } else d.set(evalExpr(it, entry.key, frame), evalExpr(it, entry.value, frame));
      }
      return d;
    }
    case 'comp':
      return evalComprehension(it, e, frame);
    case 'slice':
      return new PySlice(e.start ? evalExpr(it, e.start, frame) : null, e.stop ? evalExpr(it, e.stop, frame) : null,
        e.step ? evalExpr(it, e.step, frame) : null);
    case 'starred':
    case 'dstarred':
      throw new PyError('SyntaxError', 'starred expression is not allowed here', e.p);
    case 'walrus': {
      const v = evalExpr(it, e.value, frame);
      frame.scope.assign(e.target, v);
      return v;
    }
    case 'bad':
      it.diagnostics.once('warning', 'unsupported-syntax', `unsupported expression (${e.what}): its value is unknown`, e.p);
      return new PyUnknown(e.what);
  }
}

function evalItems(it: Interpreter, items: Expr[], frame: Frame): Value[] | PyUnknown {
  const out: Value[] = [];
  for (const x of items) {
    const starred = x.k === 'starred' ? x.e : null;
    const spread = starred ? evalExpr(it, starred, frame) : undefined;
    // A display unpacking an unknown value (`(*x.shape, h)` for an unknown shape) has unknown length: it is unknown.
    if (spread instanceof PyUnknown) return spread;
    if (starred) out.push(...it.iterate(spread!, x.p));
    else out.push(evalExpr(it, x, frame));
  }
  return out;
}


function evalCall(it: Interpreter, e: Extract<Expr, { k: 'call' }>, frame: Frame): Value {
  const fn = evalExpr(it, e.fn, frame);
  const args: Value[] = [];
  let kwargs: Map<string, Value> | null = null;
  for (const a of e.args) {
    switch (a.kind) {
      case 'pos':
        args.push(evalExpr(it, a.value, frame));
        break;
      case 'star': {
        const spread = evalExpr(it, a.value, frame);
        // Arguments unpacked from an unknown value (`x.view(*x.shape[:2], h, -1)` when x's shape is unknown): how
        // many there are is unknown, so is the result; a tensor method keeps its tensor in the graph.
        if (spread instanceof PyUnknown)
          return fn instanceof PyBound && fn.self instanceof PyTensor ? new PyTensor(null, fn.self.node) : new PyUnknown(`${spread.what} unpacked into a call`);
        args.push(...it.iterate(spread, a.value.p));
        break;
      }
      case 'kw':
        (kwargs ??= new Map()).set(a.name!, evalExpr(it, a.value, frame));
        break;
      case 'dstar': {
        const d = evalExpr(it, a.value, frame);
        kwargs ??= new Map();
        if (d instanceof PyDict) for (const [k, v] of d.entries()) kwargs.set(String(k), v);
        else if (!(d instanceof PyUnknown)) throw typeError(`argument after ** must be a mapping, not ${it.str(d)}`, a.value.p);
        break;
      }
    }
  }
  return it.call(fn, args, kwargs, e.p);
}

export function makeFunction(it: Interpreter, name: string, params: Param[], body: Stmt[] | Expr, p: Pos, frame: Frame, isLambda: boolean): PyFunction {
  const defaults = new Map<string, Value>();
  for (const prm of params) if (prm.default) defaults.set(prm.name, evalExpr(it, prm.default, frame));
  return new PyFunction(name, params, body, frame.scope.closureScope(), defaults, p, isLambda);
}

function evalComprehension(it: Interpreter, e: Extract<Expr, { k: 'comp' }>, frame: Frame): Value {
  const scope = new Scope(frame.scope);
  const inner: Frame = { scope, ret: null, ctx: frame.ctx };
  const out: Value[] = [];
  const dict = e.kind === 'dict' ? new PyDict() : null;
  const run = (ci: number): void => {
    if (ci === e.clauses.length) {
      if (dict) dict.set(evalExpr(it, e.elt, inner), evalExpr(it, e.value!, inner));
      else out.push(evalExpr(it, e.elt, inner));
      return;
    }
    const c: CompClause = e.clauses[ci];
    if (c.kind === 'if') {
      if (truthy(it, evalExpr(it, c.cond, inner), e.p)) run(ci + 1);
      return;
    }
    const items = it.iterate(evalExpr(it, c.iter, ci === 0 ? frame : inner), c.iter.p);
    for (const v of items) {
      it.budget.step(e.p);
      assignTarget(it, c.target, v, inner);
      run(ci + 1);
    }
  };
  run(0);
  if (dict) return dict;
  if (e.kind === 'set') {
    const s = new PySet();
    for (const v of out) s.add(v);
    return s;
  }
  return e.kind === 'gen' ? new PyTuple(out) : new PyList(out);
}

function evalFString(it: Interpreter, parts: (string | FStrPart)[], frame: Frame): string {
  let s = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      s += part;
      continue;
    }
    const v = evalExpr(it, part.expr, frame);
    const spec = part.spec ? (evalExpr(it, part.spec, frame) as string) : '';
    if (part.conversion === 'r') s += formatWithSpec(it, it.repr(v), spec);
    else s += formatWithSpec(it, part.conversion === 's' ? it.str(v) : v, spec);
  }
  return s;
}

/** Python truthiness; unknown values count as false (with a warning once). */
export function truthy(it: Interpreter, v: Value, p: Pos): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (v instanceof PyFloat) return v.v !== 0;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.map.size > 0;
  if (v instanceof PySet) return v.map.size > 0;
  if (v instanceof PyRange) return v.length > 0;
  if (v instanceof PyInstance) {
    if (v.mod && v.mod.kind !== 'user' && v.mod.kind !== 'layer') return v.mod.children.size > 0;
    const b = v.cls.lookup('__bool__') ?? v.cls.lookup('__len__');
    if (b !== undefined) return truthy(it, it.call(b, [v], null, p), p);
    return true;
  }
  if (v instanceof PyUnknown) {
    it.diagnostics.once('warning', 'unknown-condition', `condition on an unknown value (${v.what}) taken as False`, p);
    return false;
  }
  if (v instanceof PyTensor) {
    // A tensor's truth is its value, which NetLens never knows (vit-pytorch's random layer drop tests `if not drop`).
    it.diagnostics.once('warning', 'unknown-condition', 'condition on the value of a tensor (unknown to NetLens) taken as False', p);
    return false;
  }
  return true;
}

/** Assigns to a target expression: name, attribute, item, or (starred) tuple/list unpacking. */
export function assignTarget(it: Interpreter, t: Expr, v: Value, frame: Frame): void {
  switch (t.k) {
    case 'name':
      frame.scope.assign(t.id, v);
      return;
    case 'attr':
      it.setAttr(evalExpr(it, t.obj, frame), t.name, v, t.p);
      return;
    case 'sub':
      it.hooks.setItem(evalExpr(it, t.obj, frame), evalExpr(it, t.index, frame), v, t.p);
      return;
    case 'tuple':
    case 'list': {
      const unknownTensor = v instanceof PyTensor && v.shape === null;
      const items = v instanceof PyUnknown ? t.items.map(() => v) : unknownTensor ? t.items.map(() => new PyTensor(null, v.node)) : it.iterate(v, t.p);
      const star = t.items.findIndex((x) => x.k === 'starred');
      if (star < 0) {
        if (items.length !== t.items.length) throw new PyError('ValueError', `cannot unpack ${items.length} values into ${t.items.length} targets`, t.p);
        for (let i = 0; i < items.length; i++) assignTarget(it, t.items[i], items[i], frame);
        return;
      }
      const after = t.items.length - star - 1;
      if (items.length < t.items.length - 1) throw new PyError('ValueError', `not enough values to unpack`, t.p);
      for (let i = 0; i < star; i++) assignTarget(it, t.items[i], items[i], frame);
      const starTarget = t.items[star] as Extract<Expr, { k: 'starred' }>;
      assignTarget(it, starTarget.e, new PyList(items.slice(star, items.length - after)), frame);
      for (let i = 0; i < after; i++) assignTarget(it, t.items[star + 1 + i], items[items.length - after + i], frame);
      return;
    }
    case 'starred':
      assignTarget(it, t.e, v, frame);
      return;
    default:
      throw new PyError('SyntaxError', 'cannot assign to this expression', t.p);
  }
}

