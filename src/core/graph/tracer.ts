// Records the traced forward pass: layer nodes in execution order, edges with shapes, module groups and merge shortcuts.
import type { AttrValue, Edge, Group, GroupKind, LayerNode, OpCategory, Shape, Shortcut, SourceRange } from './ir';
import type { ModuleState, PyInstance } from '../interpret/values';
import { isLibraryPos, toRange } from '../interpret/diagnostics';
import { opCategory } from '../ops/categories';
import { layerTensor } from '../interpret/moduleParams';

/** Where a registered module sits in the model's module tree (named_modules order). */
export interface ModuleInfo {
  path: string;
  parent: ModuleState | null;
  inst: PyInstance;
}

export interface NodeRequest {
  op: string;
  /** Defaults to the op's category in the registry (ops/categories.ts). */
  category?: OpCategory;
  attrs: Record<string, AttrValue>;
  summary: string;
  /** Producer node ids of the inputs, in order (null for constants). */
  inputs: (string | null)[];
  inputShapes: (Shape | null)[];
  outputShape: Shape | null;
  params: number;
  macs: number;
  /** The module this node is (a layer module call), or null for functional ops and tensor operators. */
  module: ModuleState | null;
  /** Name used for functional nodes' path suffix (`relu`, `add`). */
  suffix: string;
  defRange?: SourceRange;
  callRange?: SourceRange;
}

export class Tracer {
  readonly nodes: LayerNode[] = [];
  readonly edges: Edge[] = [];
  readonly groups: Group[] = [];
  readonly shortcuts: Shortcut[] = [];
  /** Producer ids per node (by node index), for ancestry searches. */
  readonly preds: (string | null)[][] = [];
  readonly indexOf = new Map<string, number>();
  readonly moduleInfo = new Map<ModuleState, ModuleInfo>();
  readonly groupOf = new Map<ModuleState, Group>();
  /** Modules whose forward is executing, innermost last. */
  readonly moduleStack: PyInstance[] = [];
  recording = false;
  private readonly usedPaths = new Set<string>();
  private readonly modulePaths = new Set<string>();
  private rootGroup: Group | null = null;
  /** Ids standing for a later element of a node's tuple result (`h_n` of an LSTM): the node and the element's index. */
  private readonly tupleItems = new Map<string, { node: string; output: number }>();

  /**
   * The id a tensor uses for element `output` of node `nodeId`'s flattened tuple result (0: the node's own id).
   * It resolves to the node everywhere; an edge from it names the element in `fromOutput`.
   */
  tupleItem(nodeId: string, output: number): string {
    if (output === 0) return nodeId;
    const id = `${nodeId}:${output}`;
    if (!this.tupleItems.has(id)) {
      this.tupleItems.set(id, { node: nodeId, output });
      this.indexOf.set(id, this.indexOf.get(nodeId)!);
    }
    return id;
  }

  /** The node an id (a node's or a tuple element's) belongs to. */
  resolve(id: string): string {
    return this.tupleItems.get(id)?.node ?? id;
  }

  /**
   * State-dict keys of the nn.Parameters registered on modules, by their shape array. A parameter used directly in
   * forward (`x + self.pos_embed`) is an operand no node produces; its key reaches the IR through this map because the
   * operand's shape is that same array (an untraced op that keeps the shape object, as `p.exp()`, is taken for it too).
   */
  private readonly parameterKeys = new WeakMap<object, string>();
  /** A layer's weights that are another layer's (`lm_head.weight = wte.weight`): weight name → the first owner's key. */
  private readonly tiedWeights = new Map<ModuleState, Record<string, string>>();

  /** Assigns named_modules() paths: pre-order, registration order, first occurrence wins. */
  indexModules(root: PyInstance): void {
    const weightOwners = new Map<object, string>();
    const visit = (inst: PyInstance, path: string, parent: ModuleState | null): void => {
      const mod = inst.mod!;
      if (this.moduleInfo.has(mod)) return;
      this.moduleInfo.set(mod, { path, parent, inst });
      this.modulePaths.add(path);
      for (const [name, tensor] of mod.params) {
        if (tensor && tensor.shape && !this.parameterKeys.has(tensor.shape)) this.parameterKeys.set(tensor.shape, path ? `${path}.${name}` : name);
      }
      for (const weight of mod.layer?.weights ?? []) {
        const tensor = layerTensor(mod, weight.name);
        if (!tensor) continue;
        const first = weightOwners.get(tensor);
        if (first === undefined) weightOwners.set(tensor, path ? `${path}.${weight.name}` : weight.name);
        else this.tiedWeights.set(mod, { ...this.tiedWeights.get(mod), [weight.name]: first });
      }
      for (const [name, child] of mod.children) {
        if (child !== null && typeof child === 'object' && 'mod' in child && child.mod) visit(child, path ? `${path}.${name}` : name, mod);
      }
    };
    visit(root, '', null);
  }

  /** The group of a registered module (created with its ancestors on first use). */
  ensureGroup(mod: ModuleState): Group | null {
    const existing = this.groupOf.get(mod);
    if (existing) return existing;
    const info = this.moduleInfo.get(mod);
    if (!info) return null;
    const parent = info.parent ? this.ensureGroup(info.parent) : null;
    const kind: GroupKind = mod.kind === 'sequential' ? 'sequential' : mod.kind === 'modulelist' || mod.kind === 'moduledict' ? 'list' : 'module';
    const group: Group = {
      id: `g${this.groups.length}`,
      path: info.path,
      className: info.inst.cls.name,
      parent: parent ? parent.id : null,
      kind,
      params: 0,
      macs: 0,
    };
    if (mod.defPos) group.defRange = toRange(mod.defPos);
    const cp = info.inst.cls.p;
    if (cp && !isLibraryPos(cp)) {
      group.classRange = { line: cp.line, column: cp.col, endLine: cp.line, endColumn: cp.col + 5 + info.inst.cls.name.length + 1 };
      if (cp.src) group.classRange.file = cp.src.path;
    }
    this.groups.push(group);
    this.groupOf.set(mod, group);
    if (!info.parent) this.rootGroup = group;
    return group;
  }

  /** The module whose forward is running (innermost registered one). */
  currentModule(): ModuleState | null {
    for (let i = this.moduleStack.length - 1; i >= 0; i--) {
      const mod = this.moduleStack[i].mod!;
      if (this.moduleInfo.has(mod)) return mod;
    }
    return null;
  }

  /** A fresh path for a functional node inside the current module (`layer1.0.relu`, then `layer1.0.relu#2`). */
  private functionalPath(suffix: string): string {
    const ctx = this.currentModule();
    const base = ctx ? this.moduleInfo.get(ctx)!.path : '';
    const stem = base ? `${base}.${suffix}` : suffix;
    if (!this.usedPaths.has(stem) && !this.modulePaths.has(stem)) return stem;
    for (let i = 2; ; i++) {
      const p = `${stem}#${i}`;
      if (!this.usedPaths.has(p)) return p;
    }
  }

  addNode(req: NodeRequest): LayerNode {
    const id = `n${this.nodes.length}`;
    let path: string;
    let group: Group | null;
    if (req.module && this.moduleInfo.has(req.module)) {
      const info = this.moduleInfo.get(req.module)!;
      path = info.path;
      group = info.parent ? this.ensureGroup(info.parent) : this.ensureGroup(req.module);
    } else {
      path = this.functionalPath(req.suffix);
      const ctx = this.currentModule();
      group = ctx ? this.ensureGroup(ctx) : this.rootGroup;
    }
    this.usedPaths.add(path);
    const node: LayerNode = {
      id,
      op: req.op,
      category: req.category ?? opCategory(req.op),
      path,
      group: group ? group.id : null,
      attrs: req.attrs,
      summary: req.summary,
      inputShapes: req.inputShapes,
      outputShape: req.outputShape,
      params: req.params,
      macs: req.macs,
    };
    if (req.defRange) node.defRange = req.defRange;
    if (req.callRange) node.callRange = req.callRange;
    req.inputs.forEach((from, slot) => {
      const shape = req.inputShapes[slot];
      const key = from === null && shape ? this.parameterKeys.get(shape) : undefined;
      if (key !== undefined) (node.constants ??= {})[String(slot)] = key;
    });
    const tied = req.module ? this.tiedWeights.get(req.module) : undefined;
    if (tied) node.tied = { ...tied };
    if (req.module) {
      const reuse = req.module.calls - 1;
      if (reuse > 0) node.reuse = reuse;
      else node.reuse = 0;
    }
    this.indexOf.set(id, this.nodes.length);
    this.nodes.push(node);
    this.preds.push(req.inputs.map((from) => (from === null ? null : this.resolve(from))));
    req.inputs.forEach((from, slot) => {
      if (from === null) return;
      const fromNode = this.nodes[this.indexOf.get(from)!];
      const item = this.tupleItems.get(from);
      const edge: Edge = { id: `e${this.edges.length}`, from: fromNode.id, to: id, toInput: slot, shape: item ? req.inputShapes[slot] ?? null : fromNode.outputShape,
        kind: 'data' };
      if (item) edge.fromOutput = item.output;
      this.edges.push(edge);
    });
    return node;
  }

  /** An input of forward: the first is named `input`; the others by their parameter name. */
  addInput(shape: Shape | null, name = 'input', dtype = 'float32'): LayerNode {
    const attrs: Record<string, AttrValue> = { shape };
    if (name !== 'input') attrs.name = name;
    if (dtype !== 'float32') attrs.dtype = dtype;
    const summary = (shape ? shape.map((d) => d ?? '?').join('×') : '?') + (dtype !== 'float32' ? ` ${dtype}` : '');
    const node = this.addNode({ op: 'Input', attrs, summary, inputs: [], inputShapes: [], outputShape: shape, params: 0, macs: 0, module: null, suffix: name });
    node.group = null;
    return node;
  }

  /** Marks a group's kind from a merge performed in its forward (residual wins over dense). */
  markGroupKind(kind: 'residual' | 'dense'): Group | null {
    const ctx = this.currentModule();
    const group = ctx ? this.ensureGroup(ctx) : this.rootGroup;
    if (group && (group.kind !== 'residual' || kind === 'residual')) group.kind = kind;
    return group;
  }

  node(id: string): LayerNode {
    return this.nodes[this.indexOf.get(id)!];
  }

  edgeInto(nodeId: string, slot: number): Edge | undefined {
    for (let i = this.edges.length - 1; i >= 0; i--) {
      const e = this.edges[i];
      if (e.to === nodeId && e.toInput === slot) return e;
    }
    return undefined;
  }
}
