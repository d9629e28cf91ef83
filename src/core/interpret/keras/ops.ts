// Tensor operations on build-time Keras tensors (`x + shortcut`, unmodelled `tf.*` calls): recorded, replayed in trace.
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import { tensorBinary } from '../tensorOps';
import { unknownTensorOp } from '../unknownOp';
import { PyError } from '../errors';
import { type PyInstance, PyList, PyTensor, PyTuple, type PyUnknown, type Value } from '../values';
import type { LayerCall } from './context';
import { kerasContext } from './namespace';

/** Build-time Keras tensors among `values` (one level into lists and tuples). */
function kerasOperands(tc: TorchContext, values: Value[]): PyTensor[] {
  const kc = kerasContext(tc);
  const out: PyTensor[] = [];
  for (const v of values) {
    if (v instanceof PyTensor && v.node === null && kc.history.has(v)) out.push(v);
    else if (v instanceof PyList || v instanceof PyTuple) out.push(...kerasOperands(tc, v.items));
  }
  return out;
}

function substitute(v: Value, map: Map<PyTensor, Value>): Value {
  if (v instanceof PyTensor) return map.get(v) ?? v;
  if (v instanceof PyList) return new PyList(v.items.map((x) => substitute(x, map)));
  if (v instanceof PyTuple) return new PyTuple(v.items.map((x) => substitute(x, map)));
  return v;
}

/**
 * Records `compute()`'s tensor result as a call the functional model replays with its traced operands: a tensor
 * operation (`layer` null), or a subclassed layer's whole call (its result is a new tensor, even when call() returns
 * its input). Undefined while tracing or when no operand is a build-time Keras tensor.
 */
export function recordKerasCall(tc: TorchContext, layer: PyInstance | null, args: Value[], site: Pos, compute: () => Value,
  replay: (args: Value[]) => Value): Value | undefined {
  if (tc.tracer.recording) return undefined;
  const inputs = kerasOperands(tc, args);
  if (inputs.length === 0) return undefined;
  let result: Value;
  try {
    result = compute();
  } catch (err) {
    // A shape error at build time is reported once, by the replay while tracing.
    if (!(err instanceof PyError)) throw err;
    result = new PyTensor(null, null);
  }
  if (!(result instanceof PyTensor)) return result;
  const output = layer ? new PyTensor(result.shape, null) : result;
  const kc = kerasContext(tc);
  const order = kc.order++;
  const call: LayerCall = {
    layer,
    inputs,
    listInput: false,
    output,
    site,
    order,
    frames: [...tc.it.callStack, ...kc.frameStack],
    replay: (traced) => {
      const map = new Map<PyTensor, Value>();
      inputs.forEach((t, i) => map.set(t, traced[i] ?? t));
      return replay(args.map((a) => substitute(a, map)));
    },
  };
  kc.history.set(output, { kind: 'layer', order, call });
  if (layer) kc.applied.add(layer.mod!);
  return output;
}

/** `x.shape` of a build-time Keras tensor: unknown dimensions are None, as on a KerasTensor (`(None, None, None, 3)`). */
export function kerasTensorAttr(tc: TorchContext, t: PyTensor, name: string): Value | undefined {
  if (name !== 'shape' || !t.shape || t.node !== null || !kerasContext(tc).history.has(t)) return undefined;
  return new PyTuple(t.shape.map((d) => d));
}

/** `a + b` and friends when an operand is a build-time Keras tensor; undefined otherwise. */
export function kerasTensorBinary(tc: TorchContext, op: string, a: Value, b: Value, site: Pos): Value | undefined {
  return recordKerasCall(tc, null, [a, b], site, () => tensorBinary(tc, op, a, b, site), ([x, y]) => tensorBinary(tc, op, x ?? null, y ?? null, site));
}

/** A call NetLens does not model (`tf.nn.relu(x)`) on build-time Keras tensors: an unknown node in the traced graph. */
export function kerasUnknownCall(tc: TorchContext, fn: PyUnknown, args: Value[], site: Pos): Value | undefined {
  return recordKerasCall(tc, null, args, site, () => new PyTensor(null, null), (traced) => unknownTensorOp(tc, fn.what, traced, site));
}
