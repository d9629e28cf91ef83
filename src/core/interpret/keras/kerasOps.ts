// `keras.ops` (and the `tf.*` functions of the same meaning) on Keras tensors: each is the torch operation of the same
// shape semantics with Keras's argument names translated (axis → dim, axes → dims), recorded on build-time tensors.
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import { PyList, PyNamespace, PyTensor, PyTuple, type Value, PyBuiltin, PyUnknown } from '../values';
import { resolveTorch } from '../torchns';
import { recordKerasCall } from './ops';

type Kw = Map<string, Value> | null;
/** Keras arguments → the torch function's positional arguments and keywords. */
type Translate = (args: Value[], kw: Map<string, Value>) => { fn: string; args: Value[]; kw?: Map<string, Value> };

const arg = (args: Value[], kw: Map<string, Value>, i: number, name: string, fallback: Value = null): Value =>
  (args[i] !== undefined ? args[i]! : kw.has(name) ? kw.get(name)! : fallback);

/** `axis` / `keepdims` of a reduction: torch.mean(x) over all, else torch.mean(x, dim, keepdim). */
const reduction = (fn: string): Translate => (args, kw) => {
  const axis = arg(args, kw, 1, 'axis');
  const keep = arg(args, kw, 2, 'keepdims', false);
  return axis === null ? { fn, args: [args[0] ?? null] } : { fn, args: [args[0] ?? null, axis, keep] };
};
const unary = (fn: string): Translate => (args) => ({ fn, args: [args[0] ?? null] });
const binary = (fn: string): Translate => (args, kw) => ({ fn, args: [arg(args, kw, 0, 'x1'), arg(args, kw, 1, 'x2')] });
const withAxis = (fn: string, fallback: Value): Translate => (args, kw) => ({ fn, args: [args[0] ?? null, arg(args, kw, 1, 'axis', fallback)] });

const TRANSLATIONS: Record<string, Translate> = {
  reshape: (args, kw) => ({ fn: 'reshape', args: [args[0] ?? null, arg(args, kw, 1, 'newshape', kw.get('new_shape') ?? null)] }),
  transpose: (args, kw) => {
    const axes = arg(args, kw, 1, 'axes');
    return axes === null ? { fn: 'reverse_permute', args: [args[0] ?? null] } : { fn: 'permute', args: [args[0] ?? null, axes] };
  },
  matmul: binary('matmul'),
  add: binary('add'),
  subtract: binary('sub'),
  multiply: binary('mul'),
  divide: binary('div'),
  maximum: binary('maximum'),
  minimum: binary('minimum'),
  softmax: withAxis('softmax', -1),
  log_softmax: withAxis('log_softmax', -1),
  concatenate: (args, kw) => ({ fn: 'cat', args: [args[0] ?? null, arg(args, kw, 1, 'axis', 0)] }),
  stack: (args, kw) => ({ fn: 'stack', args: [args[0] ?? null, arg(args, kw, 1, 'axis', 0)] }),
  expand_dims: withAxis('unsqueeze', 0),
  squeeze: (args, kw) => {
    const axis = arg(args, kw, 1, 'axis');
    return axis === null ? { fn: 'squeeze', args: [args[0] ?? null] } : { fn: 'squeeze', args: [args[0] ?? null, axis] };
  },
  mean: reduction('mean'),
  sum: reduction('sum'),
  max: reduction('amax'),
  min: reduction('amin'),
  relu: unary('relu'),
  sigmoid: unary('sigmoid'),
  tanh: unary('tanh'),
  silu: unary('silu'),
  swish: unary('silu'),
  gelu: unary('gelu'),
  exp: unary('exp'),
  log: unary('log'),
  sqrt: unary('sqrt'),
  square: unary('square'),
  abs: unary('abs'),
  floor: unary('floor'),
  erf: unary('erf'),
  negative: unary('neg'),
};

/** `ops.shape(x)`: Keras's static shape tuple (None where unknown). */
function kerasShape(v: Value): Value {
  if (v instanceof PyTensor && v.shape) return new PyTuple(v.shape.map((d) => d));
  return new PyUnknown('keras.ops.shape(...)');
}

/** `ops.arange(start, stop, step)`: a 1-D constant of the length Python's range would have. */
function kerasArange(args: Value[], kw: Map<string, Value>): Value {
  let start = arg(args, kw, 0, 'start', 0);
  let stop = arg(args, kw, 1, 'stop');
  const step = arg(args, kw, 2, 'step', 1);
  if (stop === null) [start, stop] = [0, start];
  if (typeof start !== 'number' || typeof stop !== 'number' || typeof step !== 'number' || step === 0) return new PyUnknown('keras.ops.arange(...)');
  return new PyTensor([Math.max(0, Math.ceil((stop - start) / step))], null);
}

/** The `keras.ops.<name>` function, or undefined when NetLens does not model it (an unknown operation then). */
export function kerasOpsFunction(tc: TorchContext, name: string): Value | undefined {
  if (name === 'shape') return new PyBuiltin('keras.ops.shape', (args) => kerasShape(args[0] ?? null));
  if (name === 'cast' || name === 'convert_to_tensor' || name === 'stop_gradient') return new PyBuiltin(`keras.ops.${name}`, (args) => args[0] ?? null);
  if (name === 'arange') return new PyBuiltin('keras.ops.arange', (args, kw) => kerasArange(args, new Map(kw ?? [])));
  const translate = TRANSLATIONS[name];
  if (!translate) return undefined;
  const torch = new PyNamespace('torch');
  return new PyBuiltin(`keras.ops.${name}`, (args: Value[], kw: Kw, site: Pos) => {
    const call = translate(args, new Map(kw ?? []));
    const run = (values: Value[]): Value => {
      if (call.fn === 'reverse_permute') {
        const x = values[0];
        const rank = x instanceof PyTensor && x.shape ? x.shape.length : 0;
        return tc.it.call(resolveTorch(tc, torch, 'permute'), [x ?? null, new PyList(Array.from({ length: rank }, (_, i) => rank - 1 - i))], null, site);
      }
      return tc.it.call(resolveTorch(tc, torch, call.fn), values, call.kw ?? null, site);
    };
    return recordKerasCall(tc, null, call.args, site, () => run(call.args), run) ?? run(call.args);
  });
}
