// nn.Module and its containers (Sequential, ModuleList, ModuleDict): registration, traversal, calls while tracing.
import type { Pos } from '../python/ast';
import type { OpSpec } from '../ops/types';
import { PyError, typeError } from './errors';
import { claimTensors, isLayerWeight, layerTensor, ownParameters, subLayerView } from './moduleParams';
import { mapPos } from './diagnostics';
import type { TorchContext } from './context';
import { buildLayer, fromAttr } from './opcall';
import { applyOp, tupleResult } from './opcall';
import { unknownTensorOp } from './unknownOp';
import { bindLayerCallArgs, withTupleItems } from './layerCallArgs';
import {
  ModuleState, PyBuiltin, PyClass, PyDict, PyFunction, PyInstance, PyList, PySlice, PyTensor, PyTuple, PyUnknown, type Value,
} from './values';

type Kw = Map<string, Value> | null;

/** Budget steps charged per module construction (so loops that build layers hit the budget in well under a second). */
const MODULE_COST = 200;

export function isModule(v: Value): v is PyInstance {
  return v instanceof PyInstance && v.mod !== null;
}

function native(cls: PyClass, name: string, fn: (self: PyInstance, args: Value[], kw: Kw, p: Pos) => Value): void {
  cls.dict.set(name, new PyBuiltin(`${cls.name}.${name}`, (args, kw, p) => {
    const self = args[0];
    if (!(self instanceof PyInstance) || !self.mod) throw typeError(`${cls.name}.${name} needs a module instance`, p);
    return fn(self, args.slice(1), kw, p);
  }));
}

/** Registers a child module (or None / an unknown stand-in) under `name`, in registration order. */
/** PyTorch's KeyError for a module, buffer or parameter name it refuses: state-dict keys join names with '.', so a
 *  name holding a '.' (or an empty one) would make keys, and the file names `run --dump` writes, ambiguous. */
export function checkMemberName(kind: 'module' | 'buffer' | 'parameter', name: string): void {
  if (name === '') throw new PyError('KeyError', `${kind} name can't be empty string ""`, null);
  if (name.includes('.')) throw new PyError('KeyError', `${kind} name can't contain ".", got: ${name.length > 80 ? `${name.slice(0, 80)}…` : name}`, null);
}

export function registerChild(mod: ModuleState, name: string, child: Value, checkName = true): void {
  if (checkName) checkMemberName('module', name);
  mod.children.set(name, child);
  if (child instanceof PyUnknown && !child.owner) child.owner = { mod, name };
}

/** All modules of the tree in named_modules() order, each once. */
export function walkModules(root: PyInstance): PyInstance[] {
  const seen = new Set<ModuleState>();
  const out: PyInstance[] = [];
  const visit = (m: PyInstance): void => {
    if (seen.has(m.mod!)) return;
    seen.add(m.mod!);
    out.push(m);
    for (const c of m.mod!.children.values()) if (isModule(c)) visit(c);
  };
  visit(root);
  return out;
}

/** `sum(p.numel() for p in m.parameters())`: shared modules and shared (tied) parameters counted once. */
export function countParams(root: PyInstance): number {
  const seen = new Set<PyTensor>();
  let total = 0;
  for (const m of walkModules(root)) total += claimTensors(ownParameters(m.mod!).map(([, t]) => t), seen);
  return total;
}

export function createModuleClasses(tc: Pick<TorchContext, 'it'>, object: PyClass) {
  const Module = new PyClass('Module', [object], null, 'torch.nn.Module');
  Module.native = 'module';
  native(Module, '__init__', () => null);
  native(Module, 'forward', (_s, _a, _k, p) => {
    throw new PyError('NotImplementedError', 'module has no forward()', p);
  });
  native(Module, 'add_module', (self, args) => {
    registerChild(self.mod!, String(args[0]), args[1]);
    return null;
  });
  Module.dict.set('register_module', Module.dict.get('add_module')!);
  native(Module, 'register_buffer', (self, args) => {
    checkMemberName('buffer', String(args[0]));
    self.mod!.buffers.set(String(args[0]), args[1] ?? null);
    return null;
  });
  native(Module, 'register_parameter', (self, args) => {
    const t = args[1];
    checkMemberName('parameter', String(args[0]));
    self.mod!.params.set(String(args[0]), t instanceof PyTensor ? t : null);
    return null;
  });
  native(Module, 'modules', (self) => new PyList(walkModules(self)));
  native(Module, 'named_modules', (self) => {
    const paths = new Map<ModuleState, string>();
    const out: Value[] = [];
    const visit = (m: PyInstance, path: string): void => {
      if (paths.has(m.mod!)) return;
      paths.set(m.mod!, path);
      out.push(new PyTuple([path, m]));
      for (const [n, c] of m.mod!.children) if (isModule(c)) visit(c, path ? `${path}.${n}` : n);
    };
    visit(self, '');
    return new PyList(out);
  });
  native(Module, 'children', (self) => new PyList([...self.mod!.children.values()].filter(isModule)));
  native(Module, 'named_children', (self) => new PyList([...self.mod!.children].filter(([, c]) => isModule(c)).map(([n, c]) => new PyTuple([n, c]))));
  native(Module, 'parameters', (self) => new PyList(parameterList(self).map(([, t]) => t)));
  native(Module, 'named_parameters', (self) => new PyList(parameterList(self).map(([n, t]) => new PyTuple([n, t]))));
  native(Module, 'buffers', () => new PyList([]));
  native(Module, 'apply', (self, args, _k, p) => {
    for (const m of walkModules(self).reverse()) tc.it.call(args[0], [m], null, p);
    return self;
  });
  for (const name of ['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'double', 'half', 'requires_grad_', 'share_memory', 'zero_grad', 'type']) native(Module,
    name, (self) => self);
  native(Module, 'state_dict', () => new PyDict(true));
  for (const name of ['register_forward_hook', 'register_forward_pre_hook', 'register_backward_hook', 'register_full_backward_hook',
    'register_load_state_dict_post_hook', '_register_load_state_dict_pre_hook']) {
    native(Module, name, () => new PyUnknown('hook handle'));
  }
  native(Module, 'load_state_dict', () => null);
  native(Module, 'extra_repr', () => '');
  native(Module, 'get_submodule', (self, args, _k, p) => {
    let cur: Value = self;
    for (const part of String(args[0]).split('.').filter(Boolean)) cur = tc.it.getAttr(cur, part, p);
    return cur;
  });

  const Sequential = new PyClass('Sequential', [Module], null, 'torch.nn.Sequential');
  Sequential.native = 'sequential';
  native(Sequential, '__init__', (self, args) => {
    if (args.length === 1 && args[0] instanceof PyDict) for (const [k, v] of args[0].entries()) registerChild(self.mod!, String(k), v);
    else args.forEach((m, i) => registerChild(self.mod!, String(i), m));
    return null;
  });
  native(Sequential, 'forward', (self, args, kw, p) => {
    let x: Value = args[0];
    for (const child of self.mod!.children.values()) {
      if (child === null) continue;
      x = tc.it.call(child, [x], null, p);
    }
    void kw;
    return x;
  });
  const listLike = (cls: PyClass): void => {
    native(cls, 'append', (self, args) => {
      registerChild(self.mod!, String(self.mod!.children.size), args[0]);
      return self;
    });
    native(cls, 'extend', (self, args, _k, p) => {
      for (const m of tc.it.iterate(args[0], p)) registerChild(self.mod!, String(self.mod!.children.size), m);
      return self;
    });
    native(cls, 'insert', (self, args) => {
      const items = [...self.mod!.children.values()];
      const at = args[0] as number;
      items.splice(at < 0 ? items.length + at : at, 0, args[1]);
      self.mod!.children.clear();
      items.forEach((m, i) => registerChild(self.mod!, String(i), m));
      return null;
    });
    native(cls, '__len__', (self) => self.mod!.children.size);
  };
  listLike(Sequential);

  const ModuleList = new PyClass('ModuleList', [Module], null, 'torch.nn.ModuleList');
  ModuleList.native = 'modulelist';
  native(ModuleList, '__init__', (self, args, kw, p) => {
    const src = args[0] ?? kw?.get('modules') ?? null;
    if (src !== null) tc.it.iterate(src, p).forEach((m, i) => registerChild(self.mod!, String(i), m));
    return null;
  });
  native(ModuleList, 'forward', (_s, _a, _k, p) => {
    throw new PyError('NotImplementedError', 'ModuleList is not callable: iterate over it in forward()', p);
  });
  listLike(ModuleList);

  const ModuleDict = new PyClass('ModuleDict', [Module], null, 'torch.nn.ModuleDict');
  ModuleDict.native = 'moduledict';
  const dictUpdate = (self: PyInstance, src: Value, p: Pos): void => {
    if (src instanceof PyDict) for (const [k, v] of src.entries()) registerChild(self.mod!, String(k), v);
    else if (src !== null && src !== undefined) for (const pair of tc.it.iterate(src, p)) {
      const [k, v] = tc.it.iterate(pair, p);
      registerChild(self.mod!, String(k), v);
    }
  };
  native(ModuleDict, '__init__', (self, args, kw, p) => {
    dictUpdate(self, args[0] ?? kw?.get('modules') ?? null, p);
    return null;
  });
  native(ModuleDict, 'update', (self, args, _k, p) => {
    dictUpdate(self, args[0], p);
    return null;
  });
  native(ModuleDict, 'keys', (self) => new PyList([...self.mod!.children.keys()]));
  native(ModuleDict, 'values', (self) => new PyList([...self.mod!.children.values()]));
  native(ModuleDict, 'items', (self) => new PyList([...self.mod!.children].map(([k, v]) => new PyTuple([k, v]))));
  native(ModuleDict, '__len__', (self) => self.mod!.children.size);
  native(ModuleDict, 'pop', (self, args) => {
    const v = self.mod!.children.get(String(args[0])) ?? null;
    self.mod!.children.delete(String(args[0]));
    return v;
  });
  return { Module, Sequential, ModuleList, ModuleDict };
}

function parameterList(self: PyInstance): [string, Value][] {
  // named_parameters(): each tensor once, under the first name it is reached by.
  const out: [string, Value][] = [];
  const seen = new Set<PyTensor>();
  const visit = (m: PyInstance, prefix: string, mods: Set<ModuleState>): void => {
    if (mods.has(m.mod!)) return;
    mods.add(m.mod!);
    for (const [n, t] of ownParameters(m.mod!)) if (!seen.has(t)) {
      seen.add(t);
      out.push([prefix + n, t]);
    }
    for (const [n, c] of m.mod!.children) if (isModule(c)) visit(c, `${prefix}${n}.`, mods);
  };
  visit(self, '', new Set());
  return out;
}

/** A registered layer's class: derives from nn.Module; its native __init__ binds the op signature. */
export function makeLayerClass(tc: TorchContext, qualified: string, spec: OpSpec): PyClass {
  const Module = tc.classes.Module;
  const short = qualified.split('.').pop()!;
  const cls = new PyClass(short, [Module], null, qualified);
  cls.layerSpec = spec;
  native(cls, '__init__', (self, args, kw, p) => {
    buildLayer(spec, self.mod!, args, kw, p);
    return null;
  });
  // Reached directly only from a subclass's own forward (`super().forward(x)`): the layer's op on its input.
  cls.dict.set('forward', new PyBuiltin(`${short}.forward`, (args, kw, p) => {
    const self = args[0];
    if (!(self instanceof PyInstance) || !self.mod) throw typeError(`${short}.forward() needs a module instance`, p);
    return callLayer(tc, self, args.slice(1), kw, p);
  }));
  return cls;
}

/** Creates a module instance of a class deriving from nn.Module and runs its __init__. */
export function instantiateModule(tc: TorchContext, cls: PyClass, args: Value[], kwargs: Kw, site: Pos): Value | undefined {
  const { Module, Sequential, ModuleList, ModuleDict } = tc.classes;
  if (!cls.isSubclassOf(Module)) return undefined;
  const kind = cls.mro.some((c) => c.layerSpec)
    ? 'layer'
    : cls.isSubclassOf(Sequential)
      ? 'sequential'
      : cls.isSubclassOf(ModuleList)
        ? 'modulelist'
        : cls.isSubclassOf(ModuleDict)
          ? 'moduledict'
          : 'user';
  tc.it.budget.charge(MODULE_COST, site);
  const mod = new ModuleState(kind);
  mod.defPos = mapPos(site);
  const inst = new PyInstance(cls, mod);
  const init = cls.lookup('__init__');
  if (init !== undefined) {
    try {
      tc.it.call(init, [inst, ...args], kwargs, site);
    } catch (err) {
      const layerCls = cls.mro.find((c) => c.layerSpec);
      if (!(err instanceof PyError) || !layerCls || cls !== layerCls) throw err;
      // A registered layer given bad arguments: report it and keep going with an unknown layer in its place.
      // Arguments NetLens could not compute (unknown values) make it a warning: the code may well be right.
      const unknownArg = [...args, ...(kwargs ? kwargs.values() : [])].some(hasUnknown);
      if (unknownArg)
        tc.it.diagnostics.add('warning', 'unknown-layer-arguments',
          `${layerCls.name}: an argument's value is unknown to NetLens (${err.message}): shapes after it are unknown`, err.pos ?? site);
      else {
        // Entries' messages usually name the op already ("Embedding: num_embeddings must be ..."): name it once.
        const message = err.message.startsWith(`${layerCls.name}: `) ? err.message : `${layerCls.name}: ${err.message}`;
        tc.it.diagnostics.add('error', 'bad-layer-arguments', message, err.pos ?? site);
      }
      mod.layer = null;
    }
  }
  return inst;
}

function hasUnknown(v: Value): boolean {
  if (v instanceof PyUnknown) return true;
  if (v instanceof PyList || v instanceof PyTuple) return v.items.some(hasUnknown);
  return false;
}

/** `module(x)`: a registered layer applies its op; other modules run their forward inside their group. */
export function callModule(tc: TorchContext, inst: PyInstance, args: Value[], kwargs: Kw, site: Pos): Value {
  const { it, tracer } = tc;
  const mod = inst.mod!;
  // Charged here, not only in Python code: native containers (Sequential's forward) call their children without
  // executing a statement, and `m = nn.Sequential(m, m)` doubles the calls each time.
  it.budget.charge(MODULE_CALL_STEPS, site);
  const userCall = inst.cls.lookup('__call__');
  // A native __call__ (Keras layers) also takes over the call.
  if (userCall instanceof PyFunction || userCall instanceof PyBuiltin) return it.call(userCall, [inst, ...args], kwargs, site);
  const forward = inst.cls.lookup('forward');
  if (mod.kind === 'layer' && forward instanceof PyBuiltin && forward.name.endsWith('.forward')
    && inst.cls.mro.some((c) => c.layerSpec && c.dict.get('forward') === forward)) {
    return callLayer(tc, inst, args, kwargs, site);
  }
  if (forward === undefined) throw typeError(`'${inst.cls.name}' has no forward()`, site);
  tracer.moduleStack.push(inst);
  it.budget.enter(site);
  try {
    if (tracer.recording && tracer.moduleInfo.has(mod)) tracer.ensureGroup(mod);
    return it.call(forward, [inst, ...args], kwargs, site);
  } finally {
    it.budget.leave();
    tracer.moduleStack.pop();
  }
}

function callLayer(tc: TorchContext, inst: PyInstance, args: Value[], kwargs: Kw, site: Pos): Value {
  const mod = inst.mod!;
  const layer = mod.layer;
  const input = args[0] ?? kwargs?.get('input') ?? null;
  if (!layer) {
    return unknownTensorOp(tc, inst.cls.qualified ?? inst.cls.name, args, site, undefined, 'unknown-layer', mod);
  }
  const nIn = layer.spec.tensorInputs ?? 1;
  const tensors = nIn === 'list' ? (input instanceof PyList || input instanceof PyTuple ? input.items : [input]) : args.slice(0, Math.max(1, nIn as number));
  if (tensors.length === 0 || tensors.length < (nIn === 'list' ? 1 : (nIn as number))) {
    throw typeError(`${inst.cls.name}.forward() is missing its tensor input`, site);
  }
  if (!tensors.every((t) => t instanceof PyTensor)) {
    if (tensors.some((t) => t instanceof PyUnknown)) return unknownTensorOp(tc, inst.cls.name, args, site);
    throw typeError(`${inst.cls.name}: expected a tensor input, got ${tensors.map((t) => tc.it.str(t)).join(', ')}`, site);
  }
  const call = nIn === 'list' ? { attrs: layer.attrs, extra: [] } : bindLayerCallArgs(layer.spec, layer.attrs, tensors.length, args, kwargs, site, inst.cls.name);
  const inputs = [...(tensors as PyTensor[]), ...call.extra];
  const out = applyOp(tc, layer.spec, call.attrs, inputs, { module: inst, site });
  return layer.spec.tupleOutputs ? withTupleItems(tc, tupleResult(layer.spec, call.attrs, inputs, out)) : out;
}

/**
 * Module attribute fallbacks: children, parameters, buffers, then a layer's constructor arguments and weights.
 * `training` is True while the model is built (a module is in training mode after construction, and forward calls made
 * by __init__, such as YOLO's stride probe, take the training branch as in PyTorch) and False for the traced forward
 * (NetLens shows the model in eval mode), unless the code set it itself.
 */
export function getModuleAttr(inst: PyInstance, name: string, training = false): Value | undefined {
  const mod = inst.mod!;
  const child = mod.children.get(name);
  if (child !== undefined) return child;
  const param = mod.params.get(name);
  if (param !== undefined) return param;
  const buf = mod.buffers.get(name);
  if (buf !== undefined) return buf;
  if (name === 'training') return training;
  if (mod.layer) {
    const w = layerTensor(mod, name);
    if (w !== undefined) return w;
    const sig = mod.layer.spec.signature ?? [];
    const hasBiasSwitch = sig.some((p) => p.name === 'bias');
    const hasAffine = sig.some((p) => p.name === 'affine' || p.name === 'elementwise_affine');
    if (name === 'bias' && (hasBiasSwitch || hasAffine)) return null;
    if (name === 'weight' && hasAffine) return null;
    if (name in mod.layer.attrs) return fromAttr(mod.layer.attrs[name]);
    const view = subLayerView(inst, name);
    if (view) return view;
  }
  return undefined;
}

/** `self.name = value` on a module: modules become children, Parameters parameters, the rest plain attributes. */
export function setModuleAttr(inst: PyInstance, name: string, value: Value): void {
  const mod = inst.mod!;
  if (isModule(value) || (value instanceof PyUnknown && !inst.dict.has(name))) {
    inst.dict.delete(name);
    mod.params.delete(name);
    // PyTorch's __setattr__ does not check names (setattr(self, 'a.b', m) is accepted): neither do we.
    registerChild(mod, name, value, false);
    return;
  }
  if (mod.layer && (value === null || value instanceof PyTensor) && isLayerWeight(mod, name)) {
    // `self.weight = None` removes a layer's parameter; `a.weight = b.weight` ties two layers' weights.
    (mod.layerTensors ??= new Map()).set(name, value);
    inst.dict.delete(name);
    return;
  }
  if (value instanceof PyTensor && value.isParameter) {
    inst.dict.delete(name);
    mod.params.set(name, value);
    return;
  }
  if (mod.children.has(name)) {
    mod.children.set(name, value);
    return;
  }
  if (mod.params.has(name) && (value === null || value instanceof PyTensor)) {
    mod.params.set(name, value instanceof PyTensor ? value : null);
    return;
  }
  if (mod.buffers.has(name)) {
    mod.buffers.set(name, value);
    return;
  }
  inst.dict.set(name, value);
}

/** `seq[i]`, `seq[a:b]`, `modulelist[i]`, `moduledict[key]`. */
export function moduleGetItem(tc: TorchContext, inst: PyInstance, index: Value, site: Pos): Value {
  const mod = inst.mod!;
  if (mod.kind === 'moduledict') {
    const v = mod.children.get(String(index));
    if (v === undefined) throw new PyError('KeyError', `'${String(index)}'`, site);
    return v;
  }
  const items = [...mod.children.values()];
  if (typeof index === 'number') {
    const v = items[index < 0 ? items.length + index : index];
    if (v === undefined) throw new PyError('IndexError', `index ${index} is out of range`, site);
    return v;
  }
  if (index instanceof PySlice) {
    const start = typeof index.start === 'number' ? index.start : 0;
    const stop = typeof index.stop === 'number' ? index.stop : items.length;
    const norm = (x: number): number => Math.max(0, Math.min(items.length, x < 0 ? items.length + x : x));
    const picked = items.slice(norm(start), norm(stop));
    const cls = mod.kind === 'modulelist' ? tc.classes.ModuleList : tc.classes.Sequential;
    const copy = new PyInstance(cls, new ModuleState(mod.kind === 'modulelist' ? 'modulelist' : 'sequential'));
    picked.forEach((m, i) => copy.mod!.children.set(String(i), m));
    return copy;
  }
  const getitem = inst.cls.lookup('__getitem__');
  if (getitem !== undefined) return tc.it.call(getitem, [inst, index], null, site);
  throw typeError(`'${inst.cls.name}' object is not subscriptable`, site);
}

/** Steps one module call costs (it records trace nodes: worth several statements). */
const MODULE_CALL_STEPS = 16;

/** copy.deepcopy of a module tree (parameters are new tensors of the same shapes, tied ones still tied); `charge`
 *  is called once per module copied (a tree can double with each copy). */
export function cloneModule(inst: PyInstance, memo = new Map<ModuleState, PyInstance>(), tensors = new Map<PyTensor, PyTensor>(),
  charge: (steps: number) => void = () => undefined): PyInstance {
  const old = inst.mod!;
  const done = memo.get(old);
  if (done) return done;
  charge(MODULE_CALL_STEPS + old.params.size + old.children.size);
  const mod = new ModuleState(old.kind);
  mod.layer = old.layer;
  mod.defPos = old.defPos;
  if (old.layerTensors) mod.layerTensors = new Map([...old.layerTensors].map(([k, t]) => [k, t ? copyTensor(t, tensors) : null]));
  const copy = new PyInstance(inst.cls, mod);
  memo.set(old, copy);
  for (const [k, v] of inst.dict) copy.dict.set(k, v);
  for (const [k, t] of old.params) mod.params.set(k, t ? copyTensor(t, tensors) : null);
  for (const [k, b] of old.buffers) mod.buffers.set(k, b);
  for (const [k, c] of old.children) mod.children.set(k, isModule(c) ? cloneModule(c, memo, tensors, charge) : c);
  return copy;
}

function copyTensor(t: PyTensor, memo: Map<PyTensor, PyTensor>): PyTensor {
  let copy = memo.get(t);
  if (!copy) memo.set(t, (copy = new PyTensor(t.shape, null, t.isParameter)));
  return copy;
}
