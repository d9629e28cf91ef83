// Tensor semantics while tracing: operators, methods and attributes of symbolic tensors, indexing, functional ops.
import type { AttrValue, Shape } from '../graph/ir';
import type { Pos } from '../python/ast';
import { findFunctionalOp, findMethodOp, getOp } from '../ops/registry';
import { ShapeError, type OpSpec } from '../ops/types';
import { broadcastShapes } from '../ops/merge';
import { toRange } from './diagnostics';
import { PyError, typeError } from './errors';
import type { TorchContext } from './context';
import { applyOp, bindSignature, recordMerge, scalarAttr } from './opcall';
import { expandTensor, newTensor, reduceWithIndices, splitTensor } from './tensorShapes';
import { unknownTensorOp } from './unknownOp';
import { PyBuiltin, PyFloat, PyList, PySlice, PyTensor, PyTuple, PyUnknown, isNumber, numValue, type Value } from './values';

const OP_NAMES: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '//': 'floordiv', '%': 'mod', '**': 'pow', '@': 'matmul',
  // Elementwise comparisons (`x > 0`, `mask == 0`): boolean tensors of the broadcast shape.
  '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

/** Calls a registered functional / method form: leading tensor operands, then the functional signature. */
export function callFunctional(tc: TorchContext, spec: OpSpec, args: Value[], kwargs: Map<string, Value> | null, site: Pos, name: string): Value {
  const nIn = spec.tensorInputs ?? 1;
  let tensors: Value[];
  let rest: Value[];
  if (nIn === 'list') {
    const first = args[0] ?? kwargs?.get('tensors') ?? null;
    tensors = first instanceof PyList || first instanceof PyTuple ? first.items : [first];
    rest = args.slice(1);
  } else {
    tensors = args.slice(0, nIn);
    rest = args.slice(nIn);
    if (tensors.length < nIn && kwargs) {
      const names = spec.tensorInputNames;
      for (const key of names ? names.slice(tensors.length) : ['input', 'other', 'x']) {
        const v = kwargs.get(key);
        if (v === undefined && names) break;
        if (v !== undefined && tensors.length < nIn) {
          tensors.push(v);
          kwargs = new Map(kwargs);
          kwargs.delete(key);
        }
      }
    }
  }
  if (spec.op === 'add' || spec.op === 'mul') {
    const alpha = kwargs?.get('alpha') ?? rest[0];
    if (spec.op === 'add' && alpha !== undefined && alpha !== 1) {
      const scaled = elementwise(tc, 'mul', tensors[1] ?? null, alpha, site);
      return elementwise(tc, 'add', tensors[0] ?? null, scaled, site);
    }
    return elementwise(tc, spec.op, tensors[0] ?? null, tensors[1] ?? null, site);
  }
  if (tensors.some((t) => t instanceof PyUnknown) || tensors.length === 0) return unknownTensorOp(tc, name, args, site);
  if (!tensors.every((t) => t instanceof PyTensor)) {
    throw typeError(`${name}() expects tensor arguments, got ${tensors.map((t) => tc.it.str(t)).join(', ')}`, site);
  }
  const attrs = bindSignature(name, spec.functionalSignature ?? spec.signature ?? [], rest, kwargs, site);
  let normalized = attrs;
  try {
    if (spec.normalize) normalized = spec.normalize(attrs);
  } catch (err) {
    if (err instanceof Error) throw new PyError('ValueError', err.message, site);
    throw err;
  }
  return applyOp(tc, spec, normalized, tensors as PyTensor[], { module: null, site, suffix: spec.op.toLowerCase() });
}

/** `a op b` where at least one side is a tensor. */
export function tensorBinary(tc: TorchContext, op: string, a: Value, b: Value, site: Pos): Value {
  const name = OP_NAMES[op];
  if (!name) return unknownTensorOp(tc, `operator ${op}`, [a, b], site);
  if (name === 'matmul') return matmul(tc, a, b, site);
  return elementwise(tc, name, a, b, site);
}

/** Elementwise op: two tensors → merge node (add: residual check); tensor and number → node with a scalar attribute. */
export function elementwise(tc: TorchContext, name: string, a: Value, b: Value, site: Pos): Value {
  const ta = a instanceof PyTensor ? a : null;
  const tb = b instanceof PyTensor ? b : null;
  if ((a instanceof PyUnknown && !tb) || (b instanceof PyUnknown && !ta)) return new PyUnknown(`${name}(...)`);
  if (a instanceof PyUnknown || b instanceof PyUnknown) return unknownTensorOp(tc, name, [a, b], site);
  const { tracer } = tc;
  if (ta && tb) {
    const recording = tracer.recording && (ta.node !== null || tb.node !== null);
    let out: Shape | null = null;
    let error: ShapeError | null = null;
    if (ta.shape && tb.shape) {
      try {
        out = broadcastShapes(name, ta.shape, tb.shape);
      } catch (err) {
        if (!(err instanceof ShapeError)) throw err;
        error = err;
      }
    }
    if (!recording) {
      if (error && !tracer.recording) throw new PyError('RuntimeError', error.message, site);
      return new PyTensor(out, null);
    }
    const registered = getOp(name);
    const node = tracer.addNode({
      op: registered ? registered.op : name,
      attrs: {},
      summary: '',
      inputs: [ta.node, tb.node],
      inputShapes: [ta.shape, tb.shape],
      outputShape: out,
      params: 0,
      macs: 0,
      module: null,
      suffix: name,
      callRange: toRange(site),
    });
    if (name === 'add') {
      const before = tracer.shortcuts.length;
      recordMerge(tc, 'add', node.id, [ta, tb], site);
      const sc = tracer.shortcuts.length > before ? tracer.shortcuts[tracer.shortcuts.length - 1] : null;
      if (sc && sc.error) {
        const branch = sc.shortcutOperand === 0 ? tb : ta;
        node.outputShape = out ?? branch.shape;
        return new PyTensor(node.outputShape, node.id);
      }
    }
    if (error) {
      node.error = true;
      tc.it.diagnostics.add('error', error.code, error.message, site, { shapes: [ta.shape!, tb.shape!], nodeId: node.id });
    }
    return new PyTensor(out, node.id);
  }
  const t = (ta ?? tb)!;
  const other = ta ? b : a;
  if (!isNumber(other) && other !== null) {
    if (other instanceof PyTuple || other instanceof PyList) return unknownTensorOp(tc, name, [a, b], site);
  }
  if (!tracer.recording || t.node === null) return new PyTensor(t.shape, null);
  const node = tracer.addNode({
    op: name,
    attrs: { scalar: scalarAttr(other), scalarFirst: ta === null },
    summary: `${ta ? '' : tc.it.str(other) + ' '}${name}${ta ? ' ' + tc.it.str(other) : ''}`,
    inputs: [t.node],
    inputShapes: [t.shape],
    outputShape: t.shape,
    params: 0,
    macs: 0,
    module: null,
    suffix: name,
    callRange: toRange(site),
  });
  return new PyTensor(t.shape, node.id);
}

function matmul(tc: TorchContext, a: Value, b: Value, site: Pos): Value {
  const spec = getOp('matmul');
  if (!spec || !(a instanceof PyTensor) || !(b instanceof PyTensor)) return unknownTensorOp(tc, 'matmul', [a, b], site);
  return applyOp(tc, spec, {}, [a, b], { module: null, site, suffix: 'matmul' });
}

/**
 * Several integer index tensors (`x[torch.arange(n), idx]`): PyTorch broadcasts them together; the broadcast shape
 * takes the place of the indexed dimensions when they are adjacent, else it comes first. Null when not computable
 * (unknown index shapes, or a tensor that may be a boolean mask).
 */
function multiTensorIndexShape(shape: Shape, parts: Value[]): Shape | null {
  if (parts.some((p) => p === null || (p instanceof PyUnknown && p.what === 'Ellipsis'))) return null;
  const advanced = parts.map((p, i) => (p instanceof PyTensor || p instanceof PyList ? i : -1)).filter((i) => i >= 0);
  let broadcast: Shape = [];
  for (const i of advanced) {
    const p = parts[i];
    const ps = p instanceof PyTensor ? p.shape : [(p as PyList).items.length];
    if (!ps || (p instanceof PyList && !(p as PyList).items.every((x) => typeof x === 'number'))) return null;
    try {
      broadcast = broadcastShapes('index', broadcast, ps);
    } catch {
      return null;
    }
  }
  if (parts.length > shape.length) return null;
  // Integers between index tensors count as indices too (numpy's rule): x[:, t, 0, u] keeps the broadcast in place.
  const isInt = (v: Value): boolean => typeof v === 'number' || typeof v === 'boolean';
  const adjacent = parts.slice(advanced[0], advanced[advanced.length - 1] + 1).every((p) => p instanceof PyTensor || p instanceof PyList || isInt(p));
  const out: Shape = [];
  parts.forEach((p, dim) => {
    if (dim === advanced[0] && adjacent) out.push(...broadcast);
    if (advanced.includes(dim) || isInt(p)) return;
    const size = shape[dim];
    if (p instanceof PySlice && p.start === null && p.stop === null && p.step === null) out.push(size);
    else out.push(null);
  });
  out.push(...shape.slice(parts.length));
  return adjacent ? out : [...broadcast, ...out];
}

/** Shape after indexing a tensor with ints, slices, None and Ellipsis. */
export function indexShape(shape: Shape, index: Value): Shape | null {
  const parts = index instanceof PyTuple ? index.items : [index];
  if (parts.filter((q) => q instanceof PyTensor).length > 1) return multiTensorIndexShape(shape, parts);
  const out: Shape = [];
  let dim = 0;
  const ellipsisAt = parts.findIndex((p) => p instanceof PyUnknown && p.what === 'Ellipsis');
  const consumed = parts.filter((p) => p !== null && !(p instanceof PyUnknown && p.what === 'Ellipsis')).length;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (i === ellipsisAt) {
      const skip = shape.length - consumed;
      for (let k = 0; k < skip; k++) out.push(shape[dim++]);
      continue;
    }
    if (p === null) {
      out.push(1);
      continue;
    }
    if (dim >= shape.length) return null;
    if (p instanceof PyTensor) {
      // Advanced indexing by one tensor: a mask of the indexed dimensions selects an unknown number of rows;
      // an integer index tensor puts its own shape in place of the dimension it indexes.
      if (!p.shape || parts.filter((q) => q instanceof PyTensor).length > 1) return null;
      const covered = shape.slice(dim, dim + p.shape.length);
      const isMask = p.shape.length > 0 && p.shape.length === covered.length && p.shape.every((d, k) => d === covered[k]) && p.shape.length > 1;
      if (isMask) {
        out.push(null);
        dim += p.shape.length;
      } else {
        out.push(...p.shape);
        dim++;
      }
      continue;
    }
    if (p instanceof PyList && p.items.every((x) => typeof x === 'number')) {
      // A list of indices (`x[:, [-1], :]`) keeps the dimension, with one entry per index.
      out.push(p.items.length);
      dim++;
      continue;
    }
    const size = shape[dim++];
    if (typeof p === 'number' || typeof p === 'boolean') continue;
    if (p instanceof PySlice) {
      if (size === null) {
        out.push(null);
        continue;
      }
      const num = (v: Value): number | null | undefined => (v === null ? undefined : isNumber(v) ? numValue(v) : null);
      const start = num(p.start);
      const stop = num(p.stop);
      const step = num(p.step) ?? 1;
      if (start === null || stop === null || step === null || step <= 0) {
        out.push(null);
        continue;
      }
      const clamp = (x: number): number => Math.min(size, Math.max(0, x < 0 ? x + size : x));
      const s = start === undefined ? 0 : clamp(start);
      const e = stop === undefined ? size : clamp(stop);
      out.push(Math.max(0, Math.ceil((e - s) / step)));
      continue;
    }
    return null;
  }
  while (dim < shape.length) out.push(shape[dim++]);
  return out;
}

const IDENTITY_METHODS = new Set(['contiguous', 'float', 'double', 'half', 'to', 'cuda', 'cpu', 'detach', 'clone', 'type_as', 'requires_grad_', 'type', 'long',
  'int', 'bool', 'normal_', 'zero_', 'fill_', 'uniform_', 'copy_', 'clamp_', 'mul_', 'div_', 'data_ptr', 'retain_grad', 'share_memory_', 'pin_memory',
    'trunc_normal_', 'add_']);

/** Attributes and methods of a symbolic tensor. */
export function tensorAttr(tc: TorchContext, t: PyTensor, name: string, site: Pos): Value {
  const dims = (): Value[] => (t.shape ?? []).map((d) => (d === null ? new PyUnknown('dimension') : d));
  switch (name) {
    case 'shape':
      if (!t.shape) return new PyUnknown('tensor.shape');
      return new PyTuple(dims());
    case 'ndim':
      return t.shape ? t.shape.length : new PyUnknown('tensor.ndim');
    case 'data':
    case 'T':
      return name === 'T' && t.shape ? new PyTensor([...t.shape].reverse(), t.node) : t;
    case 'dtype':
      return new PyUnknown('torch.float32');
    case 'device':
      return new PyUnknown('device');
    case 'requires_grad':
      return t.requiresGrad;
    case 'grad':
      return null;
    case 'is_cuda':
      return false;
  }
  const method = (fn: (args: Value[], kwargs: Map<string, Value> | null, p: Pos) => Value): PyBuiltin => new PyBuiltin(`Tensor.${name}`, fn);
  switch (name) {
    case 'size':
      return method((args) => {
        if (!t.shape) return new PyUnknown('tensor.size()');
        if (args.length === 0) return new PyTuple(dims());
        const i = args[0] as number;
        const d = t.shape[i < 0 ? t.shape.length + i : i];
        if (d === undefined) throw new PyError('IndexError', `dimension ${i} out of range for a ${t.shape.length}-d tensor`, site);
        return d === null ? new PyUnknown('dimension') : d;
      });
    case 'dim':
    case 'ndimension':
      return method(() => (t.shape ? t.shape.length : new PyUnknown('tensor.dim()')));
    case 'numel':
    case 'nelement':
      return method(() => (t.shape && t.shape.every((d) => d !== null) ? (t.shape as number[]).reduce((a, b) => a * b, 1) : new PyUnknown('numel')));
    case 'item':
      return method(() => new PyUnknown('tensor.item()'));
    case 'tolist':
      return method(() => new PyUnknown('tensor.tolist()'));
    case 'sub':
    case 'div':
    case 'pow':
      return method((args, _k, p) => elementwise(tc, name, t, args[0] ?? args[1] ?? null, p));
    case 'rsub':
      return method((args, _k, p) => elementwise(tc, 'sub', args[0] ?? null, t, p));
    case 'expand':
    case 'repeat':
    case 'expand_as':
      if (findMethodOp(name)) break;
      return method((args, _k, p) => expandTensor(tc, name, t, args, p));
    case 'chunk':
    case 'split':
    case 'unbind':
    case 'tensor_split':
      return method((args, kwargs, p) => splitTensor(tc, name, t, args, kwargs, p));
    case 'new_zeros':
    case 'new_ones':
    case 'new_empty':
    case 'new_full':
    case 'new_tensor':
      return method((args) => newTensor(name, args));
    case 'max':
    case 'min':
    case 'median':
    case 'argmax':
    case 'argmin':
    case 'topk':
    case 'sort':
      if (findMethodOp(name)) break;
      return method((args, kwargs, p) => reduceWithIndices(tc, name, t, args, kwargs, p));
    case 't':
    case 't_':
      // Tensor.t(): transpose(0, 1) of a 2-D tensor; 0-D and 1-D tensors come back as they are.
      if (t.shape && t.shape.length < 2) return method(() => t);
      return method((_a, _k, p) => {
        if (t.shape && t.shape.length > 2) throw new PyError('RuntimeError', `t() expects a tensor with <= 2 dimensions, but self is ${t.shape.length}D`, p);
        return callFunctional(tc, findMethodOp('transpose')!, [t, 0, 1], null, p, 't');
      });
    case 'masked_fill':
    case 'masked_fill_':
      return method((args, kwargs, p) => unaryElementwise(tc, 'masked_fill', t, args, kwargs, p));
  }
  if (IDENTITY_METHODS.has(name) && !findMethodOp(name)) return method(() => t);
  const unary = UNARY_ELEMENTWISE.has(name) ? name : UNARY_ELEMENTWISE.has(name.replace(/_$/, '')) ? name.replace(/_$/, '') : null;
  if (unary && !findMethodOp(name)) return method((args, kwargs, p) => unaryElementwise(tc, unary, t, args, kwargs, p));
  const spec = findMethodOp(name);
  if (spec) return method((args, kwargs, p) => callFunctional(tc, spec, [t, ...args], kwargs, p, name));
  return method((args, _k, p) => unknownTensorOp(tc, `Tensor.${name}`, [t, ...args], p));
}

/** Elementwise math without a registry entry: the shape is the input's; the node carries the op name and arguments. */
export const UNARY_ELEMENTWISE = new Set(['sqrt', 'rsqrt', 'exp', 'log', 'log2', 'log1p', 'abs', 'neg', 'sin', 'cos', 'clamp', 'clamp_min', 'clamp_max', 'clip',
  'sign', 'floor', 'ceil', 'round', 'reciprocal', 'square', 'erf', 'exp2', 'expm1', 'roll', 'flip', 'cumsum', 'cumprod', 'tril', 'triu', 'nan_to_num',
  'bitwise_not', 'logical_not']);

export function unaryElementwise(tc: TorchContext, name: string, t: PyTensor, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  if (!tc.tracer.recording || t.node === null) return new PyTensor(t.shape, null);
  const attrs: Record<string, AttrValue> = {};
  // A tensor argument (masked_fill's mask) is an input of the node, not an attribute.
  const operands: PyTensor[] = [t];
  const attribute = (key: string, a: Value): void => {
    if (a instanceof PyTensor) {
      attrs[`${key}_input`] = operands.length;
      operands.push(a);
    } else attrs[key] = scalarAttr(a);
  };
  args.forEach((a, i) => attribute(`arg${i}`, a));
  if (kwargs) for (const [k, v] of kwargs) attribute(k, v);
  const node = tc.tracer.addNode({ op: name, attrs, summary: '', inputs: operands.map((o) => o.node), inputShapes: operands.map((o) => o.shape),
    outputShape: t.shape, params: 0, macs: 0, module: null, suffix: name, callRange: toRange(site) });
  return new PyTensor(t.shape, node.id);
}

/** `torch.X` / `F.X` functional names that have no registry entry: unknown ops when applied to tensors. */
export function functionalOrUnknown(tc: TorchContext, qualified: string): Value {
  const spec = findFunctionalOp(qualified);
  const short = qualified.replace(/^torch\.nn\.functional\./, 'F.');
  if (spec) return new PyBuiltin(short, (args, kwargs, p) => callFunctional(tc, spec, args, kwargs, p, short));
  return new PyBuiltin(short, (args, _k, p) => unknownTensorOp(tc, short, args, p));
}

export function isFloat(v: Value): v is PyFloat {
  return v instanceof PyFloat;
}
