// Functional Keras models: keras.Input, the layer graph between inputs and outputs, groups from frames and names, replay.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import { registerChild } from '../modules';
import { ModuleState, PyClass, PyDict, PyInstance, PyList, PyTensor, PyTuple, type Value } from '../values';
import { frameLabel, type FunctionalGraph, type KerasContext, type KerasFrame, type LayerCall } from './context';
import { applyLayer, shapeFromValue } from './layers';

type Kw = Map<string, Value> | null;

/** `keras.Input(shape=(224, 224, 3), batch_size=None)`: a symbolic tensor with the batch dimension first. */
export function kerasInput(kc: KerasContext, args: Value[], kw: Kw, site: Pos): PyTensor {
  const batchShape = shapeFromValue(kw?.get('batch_shape') ?? kw?.get('batch_input_shape'));
  let shape: Shape;
  if (batchShape) shape = batchShape;
  else {
    const given = shapeFromValue(args[0] ?? kw?.get('shape') ?? kw?.get('input_shape'));
    if (!given) {
      kc.tc.it.diagnostics.add('warning', 'keras-input-shape', 'keras.Input without a shape: the input shape is unknown (give shape=(H, W, C))', site);
    }
    const batch = kw?.get('batch_size') ?? args[1];
    shape = [typeof batch === 'number' ? batch : null, ...(given ?? [])];
  }
  const t = new PyTensor(shape, null);
  kc.history.set(t, { kind: 'input', order: kc.order++ });
  return t;
}

/** Every tensor in a tensor / list / tuple / dict structure, in order. */
export function flattenTensors(v: Value, out: PyTensor[] = []): PyTensor[] {
  if (v instanceof PyTensor) out.push(v);
  else if (v instanceof PyList || v instanceof PyTuple) for (const x of v.items) flattenTensors(x, out);
  else if (v instanceof PyDict) for (const x of v.values()) flattenTensors(x, out);
  return out;
}

function mapStructure(v: Value, f: (t: PyTensor) => Value): Value {
  if (v instanceof PyTensor) return f(v);
  if (v instanceof PyList) return new PyList(v.items.map((x) => mapStructure(x, f)));
  if (v instanceof PyTuple) return new PyTuple(v.items.map((x) => mapStructure(x, f)));
  if (v instanceof PyDict) {
    const d = new PyDict(v.ordered);
    for (const [k, x] of v.entries()) d.set(k, mapStructure(x, f));
    return d;
  }
  return v;
}

/** The layer calls between `inputs` and `outputs`, in the order they were made (a valid execution order). */
export function collectGraph(kc: KerasContext, inputsValue: Value, outputsValue: Value, site: Pos): FunctionalGraph {
  const inputs = flattenTensors(inputsValue);
  const outputs = flattenTensors(outputsValue);
  const diagnostics = kc.tc.it.diagnostics;
  if (outputs.length === 0) diagnostics.add('error', 'keras-model-outputs', 'keras.Model: outputs must be tensors produced by Keras layers', site);
  const inputSet = new Set(inputs);
  const calls = new Set<LayerCall>();
  const seen = new Set<PyTensor>();
  const stack = [...outputs];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || inputSet.has(t)) continue;
    seen.add(t);
    const h = kc.history.get(t);
    if (!h) {
      diagnostics.once('warning', 'keras-untracked-tensor',
        'a tensor reaching the model output was not produced by a Keras layer (an operation NetLens does not model): it is treated as a constant', site);
      continue;
    }
    if (h.kind === 'input') {
      diagnostics.add('error', 'keras-missing-input', 'keras.Model: the outputs depend on a keras.Input that is not listed in inputs', site);
      continue;
    }
    calls.add(h.call);
    for (const x of h.call.inputs) stack.push(x);
  }
  return { inputs, outputs: outputsValue, calls: [...calls].sort((a, b) => a.order - b.order) };
}

interface GroupDraft {
  frame: KerasFrame | null;
  label: string;
  className: string;
  items: Item[];
  parent: GroupDraft | null;
  /** Tensor operations (`x + y`) made in this frame. */
  ops: LayerCall[];
  /** The module this draft became. */
  inst?: PyInstance;
}
type Item = { kind: 'layer'; inst: PyInstance; name: string; explicit: boolean } | { kind: 'group'; group: GroupDraft };

function layerNames(items: Item[], out: { name: string; explicit: boolean }[] = []): { name: string; explicit: boolean }[] {
  for (const item of items) {
    if (item.kind === 'layer') out.push(item);
    else layerNames(item.group.items, out);
  }
  return out;
}

/** The longest `_`-separated name prefix shared by every layer inside (all named explicitly), or ''. */
function commonNamePrefix(items: Item[]): string {
  const names = layerNames(items);
  if (names.length < 2 || !names.every((n) => n.explicit)) return '';
  let tokens = names[0]!.name.split('_');
  for (const n of names.slice(1)) {
    const other = n.name.split('_');
    let k = 0;
    while (k < tokens.length && k < other.length && tokens[k] === other[k]) k++;
    tokens = tokens.slice(0, k);
  }
  if (tokens.length === names[0]!.name.split('_').length) tokens = tokens.slice(0, -1);
  return tokens.join('_');
}

/** Groups layers named `<prefix>_...` (conv1_conv, conv1_bn → conv1), recursively, below a group labelled `context`. */
function groupByNamePrefix(items: Item[], context: string): Item[] {
  const prefixesOf = (name: string): string[] => {
    const tokens = name.split('_');
    const out: string[] = [];
    for (let k = 1; k < tokens.length; k++) {
      if (!/[a-z]/i.test(tokens[k - 1]!)) continue;
      const p = tokens.slice(0, k).join('_');
      if (context && (context === p || context.startsWith(`${p}_`))) continue;
      out.push(p);
    }
    return out;
  };
  const counts = new Map<string, number>();
  for (const item of items) if (item.kind === 'layer' && item.explicit) for (const p of prefixesOf(item.name)) counts.set(p, (counts.get(p) ?? 0) + 1);
  const out: Item[] = [];
  const made = new Map<string, GroupDraft>();
  for (const item of items) {
    const prefix = item.kind === 'layer' && item.explicit ? prefixesOf(item.name).find((p) => (counts.get(p) ?? 0) >= 2) : undefined;
    if (prefix === undefined) {
      out.push(item);
      continue;
    }
    let group = made.get(prefix);
    if (!group) {
      group = { frame: null, label: prefix, className: `${prefix}_*`, items: [], parent: null, ops: [] };
      made.set(prefix, group);
      out.push({ kind: 'group', group });
    }
    group.items.push(item);
  }
  for (const group of made.values()) group.items = groupByNamePrefix(group.items, group.label);
  return out;
}

/** Labels frame groups (their layers' common name prefix, else the function name) and adds name-prefix groups. */
function finishDraft(group: GroupDraft): void {
  for (const item of group.items) if (item.kind === 'group') {
    const g = item.group;
    const prefix = commonNamePrefix(g.items);
    if (prefix && !(group.label && (group.label === prefix || group.label.startsWith(`${prefix}_`)))) g.label = prefix;
    finishDraft(g);
  }
  group.items = groupByNamePrefix(group.items, group.label);
}

/** Registers the model's layers as children of group modules built from frames and name prefixes. */
export function buildModelTree(kc: KerasContext, model: PyInstance, graph: FunctionalGraph, modelFrames: KerasFrame[]): PyInstance[] {
  const root: GroupDraft = { frame: null, label: '', className: model.cls.name, items: [], parent: null, ops: [] };
  const placed = new Set<PyInstance>();
  const layers: PyInstance[] = [];
  for (const call of graph.calls) {
    if (call.layer && placed.has(call.layer)) continue;
    let k = 0;
    while (k < modelFrames.length && k < call.frames.length && modelFrames[k] === call.frames[k]) k++;
    let parent = root;
    for (const frame of call.frames.slice(k)) {
      let next = parent.items.find((i): i is { kind: 'group'; group: GroupDraft } => i.kind === 'group' && i.group.frame === frame)?.group;
      if (!next) {
        const label = frameLabel(frame);
        next = { frame, label, className: label, items: [], parent, ops: [] };
        parent.items.push({ kind: 'group', group: next });
      }
      parent = next;
    }
    if (!call.layer) {
      parent.ops.push(call);
      continue;
    }
    placed.add(call.layer);
    layers.push(call.layer);
    const info = kc.layerInfo.get(call.layer.mod!);
    parent.items.push({ kind: 'layer', inst: call.layer, name: info?.name ?? call.layer.cls.name, explicit: info?.explicitName ?? false });
  }
  finishDraft(root);
  materialise(root.items, model.mod!);
  const visit = (draft: GroupDraft): void => {
    if (draft.ops.length) {
      const chain: PyInstance[] = [];
      for (let d: GroupDraft | null = draft; d && d.inst; d = d.parent) chain.unshift(d.inst);
      for (const call of draft.ops) kc.callGroups.set(call, chain);
    }
    for (const item of draft.items) if (item.kind === 'group') visit(item.group);
  };
  visit(root);
  return layers;
}

const groupClasses = new Map<string, PyClass>();

function materialise(items: Item[], parent: ModuleState): void {
  const used = new Set(parent.children.keys());
  const unique = (name: string): string => {
    let key = name.replace(/\./g, '_') || 'group';
    for (let i = 1; used.has(key); i++) key = `${name}_${i}`;
    used.add(key);
    return key;
  };
  for (const item of items) {
    if (item.kind === 'layer') {
      registerChild(parent, unique(item.name), item.inst);
      continue;
    }
    const g = item.group;
    let cls = groupClasses.get(g.className);
    if (!cls) {
      cls = new PyClass(g.className, [], null, null);
      groupClasses.set(g.className, cls);
    }
    const inst = new PyInstance(cls, new ModuleState('user'));
    g.inst = inst;
    registerChild(parent, unique(g.label), inst);
    materialise(g.items, inst.mod!);
  }
}

/** Runs a functional model on new tensors: every recorded layer call again, inside its group. */
export function replayFunctional(kc: KerasContext, model: PyInstance, graph: FunctionalGraph, args: Value[], site: Pos): Value {
  const { tracer } = kc.tc;
  const given = args.length === 1 ? flattenTensors(args[0] ?? null) : flattenTensors(new PyList(args));
  const values = new Map<PyTensor, Value>();
  graph.inputs.forEach((t, i) => {
    const g = given[i];
    if (g) values.set(t, g);
    else if (tracer.recording && t.shape) values.set(t, new PyTensor(t.shape, tracer.addInput(t.shape).id));
  });
  const building = !(tracer.recording && given.some((t) => t.node !== null));
  if (building) kc.frameStack.push({ label: kc.layerInfo.get(model.mod!)?.name ?? model.cls.name });
  try {
    for (const call of graph.calls) {
      const ins = call.inputs.map((t) => values.get(t) ?? new PyTensor(t.shape, null));
      const chain = building ? [] : call.layer ? ancestorsBelow(kc, call.layer, model) : (kc.callGroups.get(call) ?? []);
      for (const g of chain) {
        tracer.moduleStack.push(g);
        tracer.ensureGroup(g.mod!);
      }
      try {
        if (call.replay) values.set(call.output, call.replay(ins));
        else if (!call.layer) values.set(call.output, new PyTensor(call.output.shape, null));
        else values.set(call.output, applyLayer(kc, call.layer, call.listInput ? new PyList(ins) : (ins[0] ?? null), call.site));
      } finally {
        for (let i = 0; i < chain.length; i++) tracer.moduleStack.pop();
      }
    }
  } finally {
    if (building) kc.frameStack.pop();
  }
  void site;
  return mapStructure(graph.outputs, (t) => values.get(t) ?? t);
}

/** Group modules between `model` (exclusive) and `layer` (exclusive), outermost first. */
function ancestorsBelow(kc: KerasContext, layer: PyInstance, model: PyInstance): PyInstance[] {
  const { moduleInfo } = kc.tc.tracer;
  const out: PyInstance[] = [];
  let parent = moduleInfo.get(layer.mod!)?.parent ?? null;
  while (parent && parent !== model.mod) {
    const info = moduleInfo.get(parent);
    if (!info) break;
    out.unshift(info.inst);
    parent = info.parent;
  }
  return out;
}
