// Keras layer classes: construction (Keras argument names, automatic names), lazy building and application to tensors.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec } from '../../ops/types';
import { BUILT_INPUT_DIM, KERAS_IGNORED_KWARGS, builtInputDim } from '../../ops/kerasArgs';
import { mergeShapes } from '../../ops/kerasMerge';
import { BUILT_INPUT_DIMS } from '../../ops/kerasSequence';
import { applyOp, buildLayer, recordMerge } from '../opcall';
import { unknownTensorOp } from '../unknownOp';
import { PyError, typeError } from '../errors';
import { PyBuiltin, PyClass, PyFloat, PyInstance, PyList, PyTensor, PyTuple, PyUnknown, type Value } from '../values';
import { autoLayerName, type KerasContext, type LayerCall } from './context';

type Kw = Map<string, Value> | null;

/** A Keras shape tuple (`(224, 224, 3)`, `(None, 64)`) as a Shape; null when it is not one. */
export function shapeFromValue(v: Value | undefined): Shape | null {
  if (typeof v === 'number') return [v];
  if (!(v instanceof PyTuple || v instanceof PyList)) return null;
  const out: Shape = [];
  for (const d of v.items) {
    if (d === null || d instanceof PyUnknown) out.push(null);
    else if (typeof d === 'number' && Number.isInteger(d) && d >= 0) out.push(d);
    else if (d instanceof PyFloat && Number.isInteger(d.v)) out.push(d.v);
    else return null;
  }
  return out;
}

/** `input_shape=` / `batch_input_shape=` / `input_dim=` of a layer (Keras 2 style), as a batched shape. */
function declaredInputShape(kw: Kw): Shape | null {
  if (!kw) return null;
  const batchShape = shapeFromValue(kw.get('batch_input_shape') ?? kw.get('batch_shape'));
  if (batchShape) return batchShape;
  const shape = shapeFromValue(kw.get('input_shape'));
  if (shape) return [null, ...shape];
  const dim = kw.get('input_dim');
  return typeof dim === 'number' ? [null, dim] : null;
}

/** Constructs a registered Keras layer: binds its signature, records its name and any declared input shape. */
function constructLayer(kc: KerasContext, self: PyInstance, spec: OpSpec, args: Value[], kw: Kw, site: Pos): void {
  const sig = spec.signature ?? [];
  const kwargs = new Map(kw ?? []);
  const nameArg = kwargs.get('name');
  const inputShape = declaredInputShape(kwargs);
  for (const key of [...kwargs.keys()]) {
    if (KERAS_IGNORED_KWARGS.has(key) && !sig.some((p) => p.name === key)) kwargs.delete(key);
  }
  const explicit = typeof nameArg === 'string';
  const name = explicit ? (nameArg as string) : autoLayerName(kc, self.cls.name);
  kc.layerInfo.set(self.mod!, { name, explicitName: explicit, inputShape });
  self.dict.set('name', name);
  self.dict.set('trainable', kw?.get('trainable') !== false);
  buildLayer(spec, self.mod!, args, kwargs, site);
}

/** Layers whose call takes several tensors by name (query, value, key) rather than one tensor or a list. */
const CALL_TENSOR_ARGS: Record<string, string[]> = { MultiHeadAttention: ['query', 'value', 'key'] };

/** Creates the class of a registered Keras layer (`keras.layers.Conv2D`): a Layer whose call applies the op. */
export function makeKerasLayerClass(kc: KerasContext, qualified: string, spec: OpSpec): PyClass {
  const short = qualified.split('.').pop()!;
  const cls = new PyClass(short, [kc.classes.Layer], null, qualified);
  cls.layerSpec = spec;
  const self = (args: Value[], p: Pos): PyInstance => {
    const s = args[0];
    if (!(s instanceof PyInstance) || !s.mod) throw typeError(`${short} needs a layer instance`, p);
    return s;
  };
  cls.dict.set('__init__', new PyBuiltin(`${short}.__init__`, (args, kw, p) => {
    constructLayer(kc, self(args, p), spec, args.slice(1), kw, p);
    return null;
  }));
  const tensorArgs = CALL_TENSOR_ARGS[spec.op];
  const call = new PyBuiltin(`${short}.__call__`, (args, kw, p) => {
    if (!tensorArgs) return applyLayer(kc, self(args, p), args[1] ?? kw?.get('inputs') ?? null, p);
    // `mha(query, value, key=None)`: the tensors it is given, in its call order, as one list input.
    const given = tensorArgs.map((name, i) => args[i + 1] ?? kw?.get(name) ?? null);
    while (given.length > 1 && given[given.length - 1] === null) given.pop();
    return applyLayer(kc, self(args, p), new PyList(given), p);
  });
  cls.dict.set('__call__', call);
  cls.dict.set('call', call);
  return cls;
}

/** Records the input size of a layer on its first call (Keras builds weights lazily); each input's for a multi-input call. */
function ensureBuilt(inst: PyInstance, inputs: PyTensor[]): void {
  const layer = inst.mod!.layer;
  const input = inputs[0]!.shape;
  if (!layer || !layer.spec.weights || builtInputDim(layer.attrs) !== null || !input || input.length === 0) return;
  const last = input[input.length - 1];
  if (typeof last !== 'number' || last < 1) return;
  const attrs: Attrs = { ...layer.attrs, [BUILT_INPUT_DIM]: last };
  if (CALL_TENSOR_ARGS[layer.spec.op]) attrs[BUILT_INPUT_DIMS] = inputs.map((t) => t.shape?.[t.shape.length - 1] ?? null);
  const weights = layer.spec.weights(attrs);
  const params = weights.reduce((sum, w) => sum + (w.trainable ? w.shape.reduce((a, b) => a * b, 1) : 0), 0);
  inst.mod!.layer = { spec: layer.spec, attrs, weights, params };
}

/** Shape rule of an Add used at a residual merge: mismatches are reported by the shortcut analysis, not here. */
function lenientAdd(spec: OpSpec, preferred: number): OpSpec {
  return {
    ...spec,
    inferShape: (attrs: Attrs, inputs: Shape[]): Shape => mergeShapes(inputs) ?? (inputs[preferred] as Shape).slice(),
  };
}

/** The operand computed last (the residual branch, in block code), used as the shape of a mismatched Add. */
function latestOperand(kc: KerasContext, tensors: PyTensor[]): number {
  const tracer = kc.tc.tracer;
  let best = 0;
  let bestIndex = -1;
  tensors.forEach((t, i) => {
    const index = t.node !== null ? (tracer.indexOf.get(t.node) ?? -1) : -1;
    if (index > bestIndex) {
      bestIndex = index;
      best = i;
    }
  });
  return best;
}

/** `layer(x)` / `layer([a, b])`: records a build-time call, or applies the op while the forward pass is traced. */
export function applyLayer(kc: KerasContext, inst: PyInstance, input: Value, site: Pos): Value {
  const { tc } = kc;
  const listInput = input instanceof PyList || input instanceof PyTuple;
  const items = listInput ? (input as PyList).items : [input];
  if (items.length === 0) throw new PyError('ValueError', `${inst.cls.name} was called on an empty list`, site);
  if (!items.every((t) => t instanceof PyTensor)) {
    if (items.some((t) => t instanceof PyUnknown)) return unknownTensorOp(tc, inst.cls.name, items, site);
    throw typeError(`${inst.cls.name} expects a tensor${listInput ? ' list' : ''}, got ${items.map((t) => tc.it.str(t)).join(', ')}`, site);
  }
  const tensors = items as PyTensor[];
  tc.it.budget.step(site);
  ensureBuilt(inst, tensors);
  const layer = inst.mod!.layer;
  if (tc.tracer.recording && tensors.some((t) => t.node !== null)) {
    if (!layer) return unknownTensorOp(tc, inst.cls.qualified ?? inst.cls.name, items, site, undefined, 'unknown-layer', inst.mod);
    return traceLayer(kc, inst, layer.spec, layer.attrs, tensors, site);
  }
  let out: Shape | null = null;
  if (layer && tensors.every((t) => t.shape !== null)) {
    const shapes = tensors.map((t) => t.shape as Shape);
    try {
      out = layer.spec.op === 'Add' ? lenientAdd(layer.spec, shapes.length - 1).inferShape(layer.attrs, shapes) : layer.spec.inferShape(layer.attrs, shapes);
    } catch (err) {
      if (!(err instanceof ShapeError || err instanceof OpArgumentError)) throw err;
      out = null;
    }
  }
  const result = new PyTensor(out, null);
  const order = kc.order++;
  const call: LayerCall = { layer: inst, inputs: tensors, listInput, output: result, site, order, frames: [...tc.it.callStack, ...kc.frameStack] };
  kc.history.set(result, { kind: 'layer', order, call });
  kc.applied.add(inst.mod!);
  return result;
}

/** A shape as Keras prints it: `(None, 56, 56, 256)`. */
export function kerasShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** The concrete fix for a residual addition whose channels-last operands differ. */
function kerasShortcutFix(sc: Shape, branch: Shape): string {
  if (sc.length === 4 && branch.length === 4 && typeof sc[1] === 'number' && typeof branch[1] === 'number' && typeof branch[3] === 'number' && branch[1] > 0) {
    const broadcastable = sc.every((d, i) => d === branch[i] || d === 1 || branch[i] === 1);
    if (broadcastable)
      return `Keras would broadcast the size-1 dimension(s) silently, which is almost never intended at a residual addition; make both operands ${kerasShape(sc.map((d, i) => (d === 1 ? branch[i]! : d)))}`;
    if (sc[1] % branch[1] === 0) {
      const stride = sc[1] / branch[1];
      const strides = stride === 1 ? '' : `, strides=${stride}`;
      return `project the shortcut with a 1×1 convolution${stride === 1 ? ''
        : `, stride ${stride}`}, to ${branch[3]} channels (e.g. shortcut = layers.Conv2D(${branch[3]}, 1${strides})(x) followed by layers.BatchNormalization()(shortcut))`;
    }
  }
  return `both operands must have the same shape; add a projection on the shortcut that maps ${kerasShape(sc)} to ${kerasShape(branch)}`;
}

/** Applies a layer to traced tensors: one node; merges feed the shortcut analysis. */
function traceLayer(kc: KerasContext, inst: PyInstance, spec: OpSpec, attrs: Attrs, tensors: PyTensor[], site: Pos): PyTensor {
  const { tc } = kc;
  const suffix = kc.layerInfo.get(inst.mod!)?.name ?? spec.op.toLowerCase();
  if (spec.op !== 'Add') {
    const out = applyOp(tc, spec, attrs, tensors, { module: inst, site, suffix });
    if (spec.op === 'Concatenate' && out.node !== null && !tc.tracer.node(out.node).error && tensors.length >= 2)
      recordMerge(tc, 'cat', out.node, tensors, site);
    return out;
  }
  const out = applyOp(tc, lenientAdd(spec, latestOperand(kc, tensors)), attrs, tensors, { module: inst, site, suffix });
  if (out.node === null || tensors.length < 2) return out;
  const diagnostics = tc.it.diagnostics.list;
  const before = diagnostics.length;
  recordMerge(tc, 'add', out.node, tensors, site);
  const shapes = tensors.map((t) => t.shape);
  const mismatch = diagnostics.slice(before).find((d) => d.code === 'shortcut-shape-mismatch');
  const shortcut = tc.tracer.shortcuts[tc.tracer.shortcuts.length - 1];
  if (mismatch && shortcut && shortcut.nodeId === out.node) {
    const sc = shapes[shortcut.shortcutOperand] as Shape;
    const branch = shapes[shortcut.shortcutOperand === 0 ? 1 : 0] as Shape;
    mismatch.message = `residual addition of ${kerasShape(sc)} (shortcut) and ${kerasShape(branch)} (residual branch): ${kerasShortcutFix(sc, branch)}`;
  }
  const reported = mismatch !== undefined;
  if (!reported && shapes.every((s) => s !== null) && mergeShapes(shapes as Shape[]) === null) {
    tc.tracer.node(out.node).error = true;
    tc.it.diagnostics.add('error', 'merge-shape-mismatch',
      `Add: inputs of shapes ${(shapes as Shape[]).map(kerasShape).join(', ')} are incompatible (they must match, channels-last)`, site, {
      shapes: shapes as Shape[],
      nodeId: out.node,
    });
  }
  return out;
}
