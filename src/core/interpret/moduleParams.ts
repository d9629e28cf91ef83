// Parameters of a module tree as PyTorch sees them: tensors with identity (tied weights count once), weight_norm.
import type { Tracer } from '../graph/tracer';
import type { Pos } from '../python/ast';
import { PyError } from './errors';
import { isKerasOp } from '../ops/keras';
import { Linear } from '../ops/linear';
import { ModuleState, PyInstance, PyTensor, type Value } from './values';
import type { DiagnosticSink } from './diagnostics';

/** The tensor of a layer's own weight `name` (made once, so every read is the same object); undefined: no such weight. */
export function layerTensor(mod: ModuleState, name: string): PyTensor | null | undefined {
  const known = mod.layerTensors?.get(name);
  if (known !== undefined) return known;
  const w = mod.layer?.weights.find((x) => x.name === name);
  if (!w) return undefined;
  const t = new PyTensor(w.shape, null, w.trainable);
  (mod.layerTensors ??= new Map()).set(name, t);
  return t;
}

const subLayerViews = new WeakMap<ModuleState, Map<string, PyInstance>>();

/**
 * `attn.out_proj` of a layer whose weights are nested (nn.MultiheadAttention's `out_proj.weight`/`out_proj.bias`): a
 * Linear view sharing the layer's own tensors, so reading, initialising or tying its weight touches the same objects and
 * nothing counts twice; it is not a child (named_modules() of the layer is unchanged). Undefined when no such weights.
 */
export function subLayerView(inst: PyInstance, name: string): PyInstance | undefined {
  const mod = inst.mod!;
  const known = subLayerViews.get(mod)?.get(name);
  if (known) return known;
  const prefix = `${name}.`;
  const nested = mod.layer?.weights.filter((w) => w.name.startsWith(prefix)) ?? [];
  const weight = nested.find((w) => w.name === `${prefix}weight`);
  if (!weight || weight.shape.length !== 2 || nested.some((w) => w.name !== `${prefix}weight` && w.name !== `${prefix}bias`)) return undefined;
  const bias = nested.some((w) => w.name === `${prefix}bias`);
  const view = new ModuleState('layer');
  const attrs = { in_features: weight.shape[1], out_features: weight.shape[0], bias, device: null, dtype: null };
  view.layer = { spec: Linear, attrs, weights: Linear.weights!(attrs) };
  view.layerTensors = new Map([['weight', layerTensor(mod, `${prefix}weight`) ?? null], ['bias', bias ? layerTensor(mod, `${prefix}bias`) ?? null : null]]);
  const out = new PyInstance(inst.cls, view);
  let views = subLayerViews.get(mod);
  if (!views) subLayerViews.set(mod, (views = new Map()));
  views.set(name, out);
  return out;
}

/** True when `name` is one of the layer's own weights (so an assignment replaces or removes it). */
export function isLayerWeight(mod: ModuleState, name: string): boolean {
  return mod.layerTensors?.has(name) === true || mod.layer?.weights.some((w) => w.name === name) === true;
}

/**
 * A module's own parameters (not its children's) in named_parameters() order: the layer's weights, then the rest.
 * A Keras layer's weights are all counted, non-trainable ones (moving statistics) included, as Keras's Total params is.
 */
export function ownParameters(mod: ModuleState): [string, PyTensor][] {
  const out: [string, PyTensor][] = [];
  const every = mod.layer !== null && isKerasOp(mod.layer.spec);
  for (const w of mod.layer?.weights ?? []) {
    const t = w.trainable || every ? layerTensor(mod, w.name) : null;
    if (t && (t.isParameter || every)) out.push([w.name, t]);
  }
  for (const [n, t] of mod.params) if (t) out.push([n, t]);
  return out;
}

export function tensorNumel(t: PyTensor): number {
  return t.shape ? t.shape.reduce<number>((a, d) => a * (d ?? 0), 1) : 0;
}

/** Adds the numel of each tensor not yet in `seen` (and records it). */
export function claimTensors(tensors: Iterable<PyTensor>, seen: Set<PyTensor>): number {
  let total = 0;
  for (const t of tensors) {
    if (seen.has(t)) continue;
    seen.add(t);
    total += tensorNumel(t);
  }
  return total;
}

const claimedByTracer = new WeakMap<Tracer, Set<PyTensor>>();

/** Parameters a layer node carries on its module's first call: its own parameters that no earlier node carried. */
export function claimLayerParams(tracer: Tracer, mod: ModuleState): number {
  let seen = claimedByTracer.get(tracer);
  if (!seen) claimedByTracer.set(tracer, (seen = new Set()));
  return claimTensors(ownParameters(mod).map(([, t]) => t), seen);
}

/**
 * `nn.utils.weight_norm(module, name, dim)`: the parameter `name` becomes `name_g` (its norm over every dimension
 * but `dim`; a scalar for dim=None) and `name_v` (its direction, same shape); `name` itself is computed, no parameter.
 */
export function applyWeightNorm(inst: Value, nameArg: Value, dimArg: Value, site: Pos): Value {
  if (!(inst instanceof PyInstance) || !inst.mod) return inst;
  const mod = inst.mod;
  const name = typeof nameArg === 'string' ? nameArg : 'weight';
  const fromLayer = isLayerWeight(mod, name);
  const weight = fromLayer ? layerTensor(mod, name) : mod.params.get(name);
  if (!weight) throw new PyError('AttributeError', `weight_norm: module has no parameter '${name}'`, site);
  const shape = weight.shape;
  const dim = dimArg === null || dimArg === -1 ? null : typeof dimArg === 'number' ? dimArg : 0;
  const g = shape === null ? null : dim === null ? [] : shape.map((d, i) => (i === (dim < 0 ? dim + shape.length : dim) ? d : 1));
  const computed = new PyTensor(shape, null, false);
  if (fromLayer) (mod.layerTensors ??= new Map()).set(name, computed);
  else mod.params.delete(name);
  mod.params.set(`${name}_g`, new PyTensor(g, null, true));
  mod.params.set(`${name}_v`, new PyTensor(shape, null, true));
  if (!fromLayer) inst.dict.set(name, computed);
  return inst;
}

/** `nn.utils.remove_weight_norm(module, name)`: `name` is one parameter again. */
export function removeWeightNorm(inst: Value, nameArg: Value): Value {
  if (!(inst instanceof PyInstance) || !inst.mod) return inst;
  const mod = inst.mod;
  const name = typeof nameArg === 'string' ? nameArg : 'weight';
  const v = mod.params.get(`${name}_v`);
  if (!v) return inst;
  mod.params.delete(`${name}_g`);
  mod.params.delete(`${name}_v`);
  const restored = new PyTensor(v.shape, null, true);
  if (isLayerWeight(mod, name)) mod.layerTensors!.set(name, restored);
  else {
    inst.dict.delete(name);
    mod.params.set(name, restored);
  }
  return inst;
}

/**
 * Layers of the model whose parameters NetLens cannot count: registered layers built from unknown arguments and unknown
 * layers applied in forward (torch.nn classes without an entry, classes of unresolved libraries: 'unknown-layer'
 * warnings). When there are any, the total is a lower bound and a warning says so instead of it passing for the count.
 */
export function incompleteCountWarning(root: PyInstance, diagnostics: DiagnosticSink, site: Pos): void {
  const seen = new Set<ModuleState>();
  let unbuilt = false;
  const visit = (m: PyInstance): void => {
    if (!m.mod || seen.has(m.mod)) return;
    seen.add(m.mod);
    if (m.mod.layer === null && m.cls.mro.some((c) => c.layerSpec)) unbuilt = true;
    for (const c of m.mod.children.values()) if (c instanceof PyInstance) visit(c);
  };
  visit(root);
  if (!unbuilt && !diagnostics.list.some((d) => d.code === 'unknown-layer')) return;
  diagnostics.add('warning', 'incomplete-count', 'the parameter count leaves out layers NetLens could not build or does not know '
    + '(see the unknown-layer warnings): it is a lower bound, not the model\'s count', site);
}
