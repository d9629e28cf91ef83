// Applying a registered op to symbolic tensors: argument binding, shape inference, errors with best guesses, nodes.
import type { AttrValue, Shape } from '../graph/ir';
import type { Pos } from '../python/ast';
import { OpArgumentError, ShapeError, type Attrs, type OpSpec, type ParamSpec, type TupleOutput } from '../ops/types';
import { trainableParamCount } from '../ops/registry';
import { tensorSizeProblem } from '../ops/tensorSize';
import { formatShape } from '../ops/shapeText';
import { toRange } from './diagnostics';
import { PyError } from './errors';
import type { TorchContext } from './context';
import { ModuleState, PyDict, PyFloat, PyInstance, PyList, PyTensor, PyTuple, PyUnknown, type Value } from './values';
import { findShortcut } from '../graph/shortcuts';
import { claimLayerParams } from './moduleParams';

/** Converts an abstract value to an attribute value (null for things that are not plain data). */
export function toAttr(v: Value): AttrValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof PyFloat) return v.v;
  if (v instanceof PyTuple || v instanceof PyList) return v.items.map(toAttr);
  return null;
}

/** Converts an attribute value back to a Python value (lists become tuples, as PyTorch stores them). */
export function fromAttr(a: AttrValue | undefined): Value {
  if (a === undefined || a === null) return null;
  if (typeof a === 'number') return Number.isInteger(a) ? a : new PyFloat(a);
  if (Array.isArray(a)) return new PyTuple(a.map(fromAttr));
  return a;
}

/** Size arguments PyTorch requires to be ints: a float (`out_planes / 4` in Python 3) is a TypeError there. */
const INT_SIZE_ARGS = new Set([
  'in_channels', 'out_channels', 'in_features', 'out_features', 'in1_features', 'in2_features', 'num_features', 'num_channels',
  'num_groups', 'groups', 'num_embeddings', 'embedding_dim', 'hidden_size', 'input_size', 'proj_size', 'num_layers', 'embed_dim',
  'num_heads', 'kernel_size', 'stride', 'dilation', 'upscale_factor', 'downscale_factor', 'd_model', 'nhead', 'dim_feedforward',
]);

function rejectFloatSizes(opName: string, args: Value[], kwargs: Map<string, Value> | null, sig: ParamSpec[], site: Pos): void {
  const check = (name: string, v: Value | undefined): void => {
    const floats = v instanceof PyFloat || ((v instanceof PyTuple || v instanceof PyList) && v.items.some((x) => x instanceof PyFloat));
    if (floats && INT_SIZE_ARGS.has(name)) {
      const shown = v instanceof PyFloat ? `the float ${Number.isInteger(v.v) ? v.v.toFixed(1) : v.v}` : 'a tuple with floats';
      throw new PyError('TypeError', `${name} must be an int, got ${shown} (PyTorch rejects it: use // or int())`, site);
    }
  };
  sig.forEach((p, i) => !p.variadic && check(p.name, args[i]));
  if (kwargs) for (const [k, v] of kwargs) check(k, v);
}

/** Binds positional and keyword arguments to an op signature; throws a TypeError-like PyError on mismatch. */
export function bindSignature(opName: string, sig: ParamSpec[], args: Value[], kwargs: Map<string, Value> | null, site: Pos): Attrs {
  rejectFloatSizes(opName, args, kwargs, sig, site);
  const attrs: Attrs = {};
  let ai = 0;
  for (const p of sig) {
    if (p.variadic) {
      let rest = args.slice(ai);
      ai = args.length;
      if (rest.length === 1 && (rest[0] instanceof PyTuple || rest[0] instanceof PyList)) rest = (rest[0] as PyTuple).items;
      const kw = kwargs?.get(p.name);
      attrs[p.name] = kw !== undefined ? toAttr(kw) : rest.map(toAttr);
      continue;
    }
    if (ai < args.length) attrs[p.name] = toAttr(args[ai++]);
  }
  if (ai < args.length) throw new PyError('TypeError', `${opName}() takes ${sig.length} arguments but ${args.length} were given`, site);
  if (kwargs) {
    for (const [k, v] of kwargs) {
      if (!sig.some((p) => p.name === k)) {
        if (k === 'inplace' || k === 'device' || k === 'dtype' || k === 'out' || k === 'memory_format') continue;
        throw new PyError('TypeError', `${opName}() got an unexpected keyword argument '${k}'`, site);
      }
      if (k in attrs && !sig.find((p) => p.name === k)?.variadic) throw new PyError('TypeError', `${opName}() got multiple values for argument '${k}'`, site);
      attrs[k] = toAttr(v);
    }
  }
  for (const p of sig) {
    if (attrs[p.name] === undefined) {
      if (p.default === undefined && !p.variadic) throw new PyError('TypeError', `${opName}() missing required argument '${p.name}'`, site);
      attrs[p.name] = p.default ?? null;
    }
  }
  return attrs;
}

/** Builds a registered layer's state from constructor arguments (validated by the entry's normalize). */
export function buildLayer(spec: OpSpec, mod: ModuleState, args: Value[], kwargs: Map<string, Value> | null, site: Pos): void {
  let attrs = bindSignature(spec.op, spec.signature ?? [], args, kwargs, site);
  try {
    if (spec.normalize) attrs = spec.normalize(attrs);
    const weights = spec.weights?.(attrs) ?? [];
    for (const w of weights) {
      const problem = tensorSizeProblem(w.shape);
      if (problem) throw new PyError(problem.type, `${spec.op}: ${problem.message}`, site);
    }
    let params = 0;
    for (const w of weights) if (w.trainable) params += w.shape.reduce((a, b) => a * b, 1);
    mod.layer = { spec, attrs, weights, params };
  } catch (err) {
    if (err instanceof OpArgumentError) throw new PyError('ValueError', err.message, site);
    throw err;
  }
}

/** The channel/feature attribute a best-guess retry can substitute after a mismatch. */
function guessInput(attrs: Attrs, input: Shape): Shape | null {
  const channels = attrs.in_channels ?? attrs.num_features ?? attrs.num_channels;
  if (typeof channels === 'number' && input.length >= 2) {
    const s = input.slice();
    s[1] = channels;
    return s;
  }
  if (typeof attrs.in_features === 'number' && input.length >= 1) {
    const s = input.slice();
    s[s.length - 1] = attrs.in_features;
    return s;
  }
  return null;
}

export interface ApplyOptions {
  module: PyInstance | null;
  site: Pos;
  suffix?: string;
}

/** Runs an op's shape rule on tensors, records a node while tracing, reports shape errors at the call site. */
export function applyOp(tc: TorchContext, spec: OpSpec, attrs: Attrs, inputs: PyTensor[], opts: ApplyOptions): PyTensor {
  const { tracer, it } = tc;
  const shapes = inputs.map((t) => t.shape);
  const mod = opts.module?.mod ?? null;
  // A layer whose bias was removed after construction (`self.bias = None`) runs without one, as in PyTorch.
  if (mod?.layerTensors?.get('bias') === null && attrs.bias === true) attrs = { ...attrs, bias: false };
  const recording = tracer.recording && inputs.some((t) => t.node !== null);
  let out: Shape | null = null;
  let error: { err: ShapeError | OpArgumentError } | null = null;
  if (shapes.every((s) => s !== null)) {
    try {
      out = spec.inferShape(attrs, shapes as Shape[]);
    } catch (err) {
      if (err instanceof PyError) throw err;
      error = { err: err instanceof ShapeError || err instanceof OpArgumentError ? err
        : new OpArgumentError(`${spec.op}: ${err instanceof Error ? err.message : String(err)}`) };
      // Best guess so one mistake does not cascade: shape-preserving layers pass their input on; layers that set
      // the channel/feature count are re-run as if fed what they declare.
      const preserving = spec.category === 'norm' || spec.category === 'activation' || spec.category === 'dropout' || spec.category === 'identity';
      const guess = err instanceof ShapeError && shapes.length === 1 && !preserving ? guessInput(attrs, shapes[0]!) : null;
      if (preserving && shapes.length === 1) out = shapes[0];
      else if (guess) {
        try {
          out = spec.inferShape(attrs, [guess]);
        } catch (guessErr) {
          if (!(guessErr instanceof ShapeError || guessErr instanceof OpArgumentError)) throw guessErr;
          out = null;
        }
      }
    }
  }
  if (!out && !error && (spec.op === 'view' || spec.op === 'reshape') && Array.isArray(attrs.shape)) {
    // Input shape unknown: the sizes written in the call are still known (-1 stays unknown).
    const target = attrs.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : null));
    if (attrs.shape.filter((d) => d === -1).length <= 1) out = target;
  }
  if (mod) mod.calls++;
  if (!recording) {
    if (error && !tracer.recording) throw new PyError('RuntimeError', error.err.message, opts.site);
    return new PyTensor(out, null);
  }
  // MACs and summaries of a shape the entry accepted cannot fail: if they throw, it is a bug, reported as internal-error.
  const macs = out && spec.macs && !error ? spec.macs(attrs, shapes as Shape[], out) : 0;
  const summary = spec.summary?.(attrs) ?? '';
  const node = tracer.addNode({
    op: spec.op,
    attrs,
    summary,
    inputs: inputs.map((t) => t.node),
    inputShapes: shapes,
    outputShape: out,
    params: mod && mod.calls === 1 ? (mod.layer ? claimLayerParams(tracer, mod) : trainableParamCount(spec, attrs)) : 0,
    macs,
    module: mod,
    suffix: opts.suffix ?? spec.op.toLowerCase(),
    defRange: mod?.defPos ? toRange(mod.defPos) : undefined,
    callRange: toRange(opts.site),
  });
  if (error) {
    node.error = true;
    const e = error.err;
    let code = e instanceof ShapeError ? e.code : 'bad-argument';
    if (spec.op === 'cat' && e instanceof ShapeError) code = 'cat-shape-mismatch';
    const related = mod?.defPos ? [{ range: toRange(mod.defPos), message: `${spec.op} defined here` }] : [];
    const message = e instanceof ShapeError && e.hint ? `${e.message}; ${e.hint}` : e.message;
    it.diagnostics.add('error', code, message, opts.site, { related, shapes: shapes.filter((s): s is Shape => s !== null), nodeId: node.id });
  }
  if (spec.op === 'cat' && !error) recordMerge(tc, 'cat', node.id, inputs, opts.site);
  return new PyTensor(out, node.id);
}

/** Records a shortcut for a merge node and checks residual shapes for exact equality. */
export function recordMerge(tc: TorchContext, op: 'add' | 'cat', nodeId: string, inputs: PyTensor[], site: Pos): void {
  const { tracer, it } = tc;
  // A shortcut adds two computed tensors of the same shape; a deliberate broadcast (x + a pooled N×C×1×1 gate,
  // a bias of size-1 dimensions) is an elementwise op that PyTorch runs: no shortcut, no warning.
  const [sa, sb] = inputs.map((t) => t.shape);
  if (op === 'add' && sa && sb && !sameShape(sa, sb) && broadcastable(sa, sb)) return;
  const ctx = tracer.currentModule();
  const path = ctx ? tracer.moduleInfo.get(ctx)!.path : '';
  const sc = findShortcut(tracer, { op, mergeId: nodeId, operandIds: inputs.map((t) => t.node), shapes: inputs.map((t) => t.shape), path,
    range: toRange(site) });
  if (!sc) return;
  tracer.shortcuts.push(sc);
  const group = tracer.markGroupKind(op === 'add' ? 'residual' : 'dense');
  if (op !== 'add') return;
  const [a, b] = [sa, sb];
  if (!a || !b || sameShape(a, b)) return;
  const shortcutShape = sc.shortcutOperand === 0 ? a : b;
  const branchShape = sc.shortcutOperand === 0 ? b : a;
  sc.error = true;
  const node = tracer.node(nodeId);
  node.error = true;
  if (group) group.error = true;
  const related = relatedLayers(tc, [...sc.shortcutNodeIds, ...branchNodes(tc, sc.fromNodeId, inputs[1 - sc.shortcutOperand].node)]);
  it.diagnostics.add('error', 'shortcut-shape-mismatch',
    `residual addition of ${formatShape(shortcutShape)} (shortcut) and ${formatShape(branchShape)} (residual branch): ${shortcutFix(shortcutShape, branchShape,
      sc.kind)}`, site, {
    related,
    shapes: [a, b],
    nodeId,
  });
}

function branchNodes(tc: TorchContext, fork: string, end: string | null): string[] {
  if (end === null) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [end];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === fork || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    for (const p of tc.tracer.preds[tc.tracer.indexOf.get(id)!]) if (p !== null) stack.push(p);
    if (out.length > 64) break;
  }
  return out.reverse();
}

function relatedLayers(tc: TorchContext, ids: string[]) {
  const out: { range: import('../graph/ir').SourceRange; message: string }[] = [];
  for (const id of ids) {
    const n = tc.tracer.node(id);
    if (n.defRange && !out.some((r) => r.range.line === n.defRange!.line))
      out.push({ range: n.defRange, message: `${n.path} (${n.op}${n.summary ? ' ' + n.summary : ''}) defined here` });
  }
  return out;
}

/** Equal shapes, unknown dimensions matching anything. */
function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/** True when PyTorch's broadcasting accepts the two shapes (aligned from the right, each dimension equal or 1). */
function broadcastable(a: Shape, b: Shape): boolean {
  const n = Math.min(a.length, b.length);
  for (let k = 1; k <= n; k++) {
    const [x, y] = [a[a.length - k], b[b.length - k]];
    if (x !== null && y !== null && x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

function shortcutFix(sc: Shape, main: Shape, kind: 'identity' | 'projection'): string {
  if (sc.length === 4 && main.length === 4 && sc[1] !== null && main[1] !== null && sc[2] !== null && main[2] !== null) {
    const stride = (sc[2] as number) % (main[2] as number) === 0 ? (sc[2] as number) / (main[2] as number) : null;
    const cin = sc[1] as number;
    const cout = main[1] as number;
    if (stride !== null) {
      const what = kind === 'projection' ? 'make the shortcut projection produce the residual branch shape: use' : 'project the shortcut with';
      const strideText = stride === 1 ? '' : `, stride=${stride}`;
      return `${what} a 1×1 conv, stride ${stride}, ${cin}→${cout} channels (e.g. a downsample nn.Sequential(nn.Conv2d(${cin}, ${cout}, 1${strideText}, bias=False), nn.BatchNorm2d(${cout})))`;
    }
  }
  return `both operands must have the same shape; add a projection on the shortcut that maps ${formatShape(sc)} to ${formatShape(main)}`;
}

/** Attribute values describing a non-tensor operand of an elementwise op (`x * 0.5`). */
export function scalarAttr(v: Value): AttrValue {
  if (v instanceof PyDict || v instanceof PyUnknown || v instanceof PyInstance) return null;
  return toAttr(v);
}

/** A tuple-returning layer (`output, (h_n, c_n) = lstm(x)`): the other elements are tensors of the same node. */
export function tupleResult(spec: OpSpec, attrs: Attrs, inputs: PyTensor[], out: PyTensor): PyTuple {
  let extra: TupleOutput[] | null = null;
  const shapes = inputs.map((t) => t.shape);
  if (out.shape && shapes.every((s) => s !== null)) {
    try {
      extra = spec.tupleOutputs!(attrs, shapes as Shape[], out.shape);
    } catch (err) {
      if (!(err instanceof ShapeError || err instanceof OpArgumentError)) throw err;
      extra = null;
    }
  }
  const build = (o: TupleOutput): Value => ('items' in o ? new PyTuple(o.items.map(build)) : new PyTensor(o.shape, out.node));
  if (extra) return new PyTuple([out, ...extra.map(build)]);
  // Unknown shapes: the same tuple structure with unknown tensors, from a probe on placeholder shapes.
  let probe: TupleOutput[];
  try {
    probe = spec.tupleOutputs!(attrs, inputs.map(() => [null, null, null]), [null, null, null]);
  } catch (err) {
    if (!(err instanceof ShapeError || err instanceof OpArgumentError)) throw err;
    probe = [{ shape: null }];
  }
  const blank = (o: TupleOutput): Value => ('items' in o ? new PyTuple(o.items.map(blank)) : new PyTensor(null, out.node));
  return new PyTuple([out, ...probe.map(blank)]);
}
