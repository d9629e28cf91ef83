// The keras / tf.keras namespaces: Layer, Model, Sequential, Input, registered layers and merge functions.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import { findModuleOp } from '../../ops/registry';
import { KERAS_MERGE_FUNCTIONS } from '../../ops/kerasMerge';
import type { TorchContext } from '../context';
import { PyError, typeError } from '../errors';
import { countParams, isModule, registerChild, walkModules } from '../modules';
import { ownParameters, tensorNumel } from '../moduleParams';
import { type ModuleState, PyBuiltin, PyClass, PyFunction, PyInstance, PyList, PyNamespace, PyTensor, PyTuple, PyUnknown, type Value } from '../values';
import { autoLayerName, type KerasContext } from './context';
import { callCustomLayer, createLambdaClass } from './customLayer';
import { kerasOpsFunction } from './kerasOps';
import { buildModelTree, collectGraph, kerasInput, replayFunctional } from './functional';
import { makeKerasLayerClass, shapeFromValue } from './layers';

type Kw = Map<string, Value> | null;

/** Module names that are Keras namespaces (after `tensorflow.keras` → `keras`, `keras.src.x` → `keras.x`). */
const KERAS_NAMESPACES = new Set([
  'keras', 'keras.layers', 'keras.models', 'keras.activations', 'keras.backend', 'keras.regularizers', 'keras.initializers',
  'keras.utils', 'keras.optimizers', 'keras.losses', 'keras.metrics', 'keras.callbacks', 'keras.applications', 'keras.ops',
  'keras.layers.experimental', 'keras.layers.experimental.preprocessing', 'keras.constraints', 'keras.random', 'keras.saving',
  'keras.mixed_precision', 'keras.config', 'keras.ops.operation_utils', 'keras.ops.numpy', 'keras.ops.nn', 'keras.ops.core', 'keras.ops.image',
  'tensorflow', 'tensorflow.nn', 'tensorflow.math', 'tensorflow.image', 'tensorflow.random',
]);

/** `tensorflow.keras.layers` → `keras.layers`; `tf_keras` → `keras`; `keras.src.layers` (Keras's own files) → `keras.layers`. */
export function canonicalKerasName(name: string): string {
  return name.replace(/^tensorflow\.(python\.)?keras(?=\.|$)/, 'keras').replace(/^tf_keras(?=\.|$)/, 'keras').replace(/^keras\.src(?=\.|$)/, 'keras');
}

/** A module name as a Keras namespace: `keras.src.layers.layer` / `keras.src.models.functional` (where Keras defines
 *  its classes) are the `keras.layers` / `keras.models` namespaces. */
export function kerasModuleName(name: string): string {
  const c = canonicalKerasName(name);
  if (KERAS_NAMESPACES.has(c)) return c;
  const internal = /^keras\.(layers|models)\./.exec(c);
  return internal ? `keras.${internal[1]}` : c;
}

/** True for imports NetLens models as Keras namespaces. */
export function isKerasModuleName(name: string): boolean {
  return KERAS_NAMESPACES.has(kerasModuleName(name));
}

/** A Keras module that is no namespace (`keras.src.applications.imagenet_utils`, `keras.src.applications.resnet`):
 *  the module names to read it from, a bundled stub or the user's installed Keras first; an applications file (which
 *  imports its siblings: resnet_v2 imports resnet) also as a copy beside the analysed file. Empty for other names. */
export function kerasFileModule(name: string): string[] {
  const c = kerasModuleName(name);
  if (!c.startsWith('keras.') || KERAS_NAMESPACES.has(c)) return [];
  const app = /^keras\.applications\.([a-z0-9_]+)$/.exec(c);
  if (!app) return [`keras.src.${c.slice('keras.'.length)}`];
  const module = APPLICATION_ALIASES[app[1]!] ?? app[1]!;
  return [`keras.src.applications.${module}`, ...(APPLICATIONS[module] ? [module] : [])];
}

const contexts = new WeakMap<TorchContext, KerasContext>();

/** The Keras state of a runtime (created on first use). */
export function kerasContext(tc: TorchContext): KerasContext {
  let kc = contexts.get(tc);
  if (!kc) {
    kc = {
      tc,
      history: new WeakMap(),
      layerInfo: new WeakMap(),
      graphs: new WeakMap(),
      callGroups: new WeakMap(),
      sequentialInput: new WeakMap(),
      nameCounts: new Map(),
      applied: new WeakSet(),
      frameStack: [],
      order: 0,
      classes: null as unknown as KerasContext['classes'],
    };
    kc.classes = createKerasClasses(kc);
    contexts.set(tc, kc);
  }
  return kc;
}

function native(cls: PyClass, name: string, fn: (self: PyInstance, args: Value[], kw: Kw, p: Pos) => Value): void {
  cls.dict.set(name, new PyBuiltin(`${cls.name}.${name}`, (args, kw, p) => {
    const self = args[0];
    if (!(self instanceof PyInstance) || !self.mod) throw typeError(`${cls.name}.${name} needs a Keras layer or model`, p);
    return fn(self, args.slice(1), kw, p);
  }));
}

/** Gives a user layer / model its Keras name (from `name=` or automatic). */
function nameLayer(kc: KerasContext, self: PyInstance, kw: Kw): void {
  if (kc.layerInfo.has(self.mod!)) return;
  const given = kw?.get('name');
  const explicit = typeof given === 'string';
  const name = explicit ? (given as string) : autoLayerName(kc, self.cls.name);
  kc.layerInfo.set(self.mod!, { name, explicitName: explicit, inputShape: null });
  if (!self.dict.has('name')) self.dict.set('name', name);
  if (!self.dict.has('trainable')) self.dict.set('trainable', kw?.get('trainable') !== false);
}

function createKerasClasses(kc: KerasContext): KerasContext['classes'] {
  const { tc } = kc;
  const Layer = new PyClass('Layer', [tc.classes.Module], null, 'keras.layers.Layer');
  native(Layer, '__init__', (self, _args, kw) => {
    nameLayer(kc, self, kw);
    return null;
  });
  native(Layer, 'forward', (self, args, kw, p) => callCustomLayer(kc, self, args, kw, p));
  native(Layer, 'add_weight', (self, args, kw) => {
    const shape = shapeFromValue(kw?.get('shape') ?? args[1] ?? null) ?? [];
    const name = kw?.get('name') ?? args[0];
    const t = new PyTensor(shape, null, true);
    if (kw?.get('trainable') === false) t.requiresGrad = false;
    self.mod!.params.set(typeof name === 'string' ? name : `weight_${self.mod!.params.size}`, t);
    return t;
  });
  for (const name of ['build', 'compile', 'fit', 'evaluate', 'save', 'save_weights', 'load_weights', 'summary', 'reset_states']) native(Layer, name,
    () => null);
  native(Layer, 'predict', () => new PyUnknown('model.predict(...)'));
  native(Layer, 'get_config', () => new PyUnknown('config'));
  native(Layer, 'count_params', (self) => countParams(self));
  native(Layer, 'get_layer', (self, args, kw, p) => {
    const wanted = args[0] ?? kw?.get('name') ?? null;
    for (const m of walkModules(self)) if (m !== self && kc.layerInfo.get(m.mod!)?.name === wanted && m.mod!.layer) return m;
    throw new PyError('ValueError', `No such layer: ${tc.it.str(wanted)}`, p);
  });

  const Model = new PyClass('Model', [Layer], null, 'keras.Model');
  native(Model, '__init__', (self, args, kw, p) => {
    nameLayer(kc, self, kw);
    const inputs = args[0] ?? kw?.get('inputs');
    const outputs = args[1] ?? kw?.get('outputs');
    if (inputs === undefined || outputs === undefined) return null;
    const graph = collectGraph(kc, inputs, outputs, p);
    kc.graphs.set(self.mod!, graph);
    const layers = buildModelTree(kc, self, graph, [...tc.it.callStack, ...kc.frameStack]);
    self.dict.set('inputs', new PyList(graph.inputs));
    self.dict.set('outputs', outputs instanceof PyList || outputs instanceof PyTuple ? outputs : new PyList([outputs]));
    self.dict.set('input', inputs);
    self.dict.set('output', outputs);
    self.dict.set('layers', new PyList(layers));
    return null;
  });
  native(Model, 'forward', (self, args, kw, p) => {
    const graph = kc.graphs.get(self.mod!);
    if (graph) return replayFunctional(kc, self, graph, args, p);
    const call = self.cls.lookup('call');
    if (!(call instanceof PyFunction)) throw new PyError('NotImplementedError', `${self.cls.name} has no call() and was not built from inputs and outputs`, p);
    const rest = kw ? new Map([...kw].filter(([k]) => k !== 'training' && k !== 'mask')) : null;
    return tc.it.call(call, [self, ...args], rest && rest.size ? rest : null, p);
  });

  const Sequential = new PyClass('Sequential', [Model], null, 'keras.Sequential');
  const addToSequential = (self: PyInstance, item: Value, p: Pos): void => {
    const mod = self.mod!;
    if (item instanceof PyTensor) {
      if (item.shape) kc.sequentialInput.set(mod, item.shape);
      return;
    }
    if (!isModule(item)) throw typeError(`Sequential.add expects a Keras layer, got ${tc.it.str(item)}`, p);
    const info = kc.layerInfo.get(item.mod!);
    if (mod.children.size === 0 && info?.inputShape && !kc.sequentialInput.has(mod)) kc.sequentialInput.set(mod, info.inputShape);
    let key = info?.name ?? String(mod.children.size);
    for (let i = 1; mod.children.has(key); i++) key = `${info?.name ?? 'layer'}_${i}`;
    registerChild(mod, key, item);
    self.dict.set('layers', new PyList([...mod.children.values()]));
  };
  native(Sequential, '__init__', (self, args, kw, p) => {
    nameLayer(kc, self, kw);
    self.dict.set('layers', new PyList([]));
    const items = args[0] ?? kw?.get('layers') ?? null;
    if (items !== null) for (const item of tc.it.iterate(items, p)) addToSequential(self, item, p);
    return null;
  });
  native(Sequential, 'add', (self, args, _kw, p) => {
    addToSequential(self, args[0] ?? null, p);
    return null;
  });
  native(Sequential, 'pop', (self) => {
    const keys = [...self.mod!.children.keys()];
    const last = keys[keys.length - 1];
    if (last === undefined) return null;
    const v = self.mod!.children.get(last) ?? null;
    self.mod!.children.delete(last);
    return v;
  });
  native(Sequential, 'forward', (self, args, _kw, p) => {
    let x: Value = args[0] ?? null;
    const building = !(tc.tracer.recording && x instanceof PyTensor && x.node !== null);
    if (building) kc.frameStack.push({ label: kc.layerInfo.get(self.mod!)?.name ?? 'sequential' });
    try {
      for (const child of self.mod!.children.values()) if (child !== null) x = tc.it.call(child, [x], null, (isModule(child) && child.mod!.defPos) || p);
    } finally {
      if (building) kc.frameStack.pop();
    }
    return x;
  });
  return { Layer, Model, Sequential, Lambda: createLambdaClass(kc, Layer, (self, kw) => nameLayer(kc, self, kw)) };
}

/** `layers.add([a, b], name=...)`: builds the merge layer and applies it at once. */
function mergeFunction(kc: KerasContext, className: string): PyBuiltin {
  return new PyBuiltin(`keras.layers.${className.toLowerCase()}`, (args, kw, p) => {
    const rest = new Map(kw ?? []);
    const inputs = args[0] ?? rest.get('inputs') ?? null;
    rest.delete('inputs');
    const cls = layerClass(kc, `keras.layers.${className}`)!;
    const layer = kc.tc.it.call(cls, args.slice(1), rest.size ? rest : null, p);
    return kc.tc.it.call(layer, [inputs], null, p);
  });
}

/** `layers.Bidirectional(layers.LSTM(64), merge_mode=...)`: the Bidirectional layer built with the wrapped layer's settings. */
function bidirectional(kc: KerasContext, args: Value[], kw: Kw, p: Pos): Value {
  const rest = new Map(kw ?? []);
  const inner = args[0] ?? rest.get('layer') ?? null;
  rest.delete('layer');
  const layer = isModule(inner) ? inner.mod!.layer : null;
  const cell = layer?.spec.op.replace(/^keras\./, '');
  if (!layer || !['SimpleRNN', 'LSTM', 'GRU'].includes(cell ?? '')) {
    throw typeError(`Bidirectional wraps a SimpleRNN, LSTM or GRU layer, got ${kc.tc.it.str(inner)}`, p);
  }
  const spec = findModuleOp('keras.layers.Bidirectional')!;
  for (const param of spec.signature ?? []) {
    const value = layer.attrs[param.name];
    if (param.name !== 'layer' && param.name !== 'merge_mode' && value !== undefined && !rest.has(param.name)) rest.set(param.name, value as Value);
  }
  rest.set('layer', cell!);
  if (args[1] !== undefined) rest.set('merge_mode', args[1]);
  return kc.tc.it.call(layerClass(kc, 'keras.layers.Bidirectional')!, [], rest, p);
}

function layerClass(kc: KerasContext, qualified: string): PyClass | null {
  const spec = findModuleOp(qualified);
  if (!spec) return null;
  let cls = kc.tc.layerClasses.get(qualified);
  if (!cls) {
    cls = makeKerasLayerClass(kc, qualified, spec);
    kc.tc.layerClasses.set(qualified, cls);
  }
  return cls;
}

/** Where Keras defines each `keras.applications` builder (`keras/src/applications/<module>.py`). */
const APPLICATIONS: Record<string, string[]> = {
  resnet: ['ResNet50', 'ResNet101', 'ResNet152'],
  resnet_v2: ['ResNet50V2', 'ResNet101V2', 'ResNet152V2'],
  vgg16: ['VGG16'],
  vgg19: ['VGG19'],
  inception_v3: ['InceptionV3'],
  inception_resnet_v2: ['InceptionResNetV2'],
  xception: ['Xception'],
  mobilenet: ['MobileNet'],
  mobilenet_v2: ['MobileNetV2'],
  mobilenet_v3: ['MobileNetV3Small', 'MobileNetV3Large'],
  densenet: ['DenseNet121', 'DenseNet169', 'DenseNet201'],
  nasnet: ['NASNetMobile', 'NASNetLarge'],
  efficientnet: ['EfficientNetB0', 'EfficientNetB1', 'EfficientNetB2', 'EfficientNetB3', 'EfficientNetB4', 'EfficientNetB5', 'EfficientNetB6',
    'EfficientNetB7'],
  efficientnet_v2: ['EfficientNetV2B0', 'EfficientNetV2B1', 'EfficientNetV2B2', 'EfficientNetV2B3', 'EfficientNetV2S', 'EfficientNetV2M',
    'EfficientNetV2L'],
  convnext: ['ConvNeXtTiny', 'ConvNeXtSmall', 'ConvNeXtBase', 'ConvNeXtLarge', 'ConvNeXtXLarge'],
};
const APPLICATION_MODULE = new Map(Object.entries(APPLICATIONS).flatMap(([module, names]) => names.map((n) => [n, module])));
/** tf.keras's module names for the applications (`tf.keras.applications.resnet50.ResNet50`). */
const APPLICATION_ALIASES: Record<string, string> = { resnet50: 'resnet' };
const NO_POS: Pos = { line: 0, col: 0, endLine: 0, endCol: 0 };

/**
 * `keras.applications.ResNet50` (or `.resnet50.ResNet50`): the builder read from the installed Keras's own
 * `keras/src/applications/<module>.py` (found in the project's Python environment); unknown without one.
 */
function application(tc: TorchContext, qualified: string, name: string): Value | undefined {
  const match = /^keras\.applications(?:\.([a-z0-9_]+))?\.([A-Za-z0-9]+)$/.exec(qualified);
  if (!match) return undefined;
  const module = APPLICATION_MODULE.get(name);
  if (!module) {
    const sub = APPLICATION_ALIASES[name] ?? name;
    if (match[1] !== undefined || !APPLICATIONS[sub]) return undefined;
    return tc.it.importer.loadIfPresent(`keras.src.applications.${sub}`, NO_POS)
      ?? new PyUnknown(`keras.applications.${name} (read from an installed Keras: none found in the Python environment)`);
  }
  if (match[1] !== undefined && (APPLICATION_ALIASES[match[1]] ?? match[1]) !== module) return undefined;
  const mod = tc.it.importer.loadIfPresent(`keras.src.applications.${module}`, NO_POS);
  const builder = mod instanceof PyNamespace ? mod.members.get(name) : undefined;
  return builder ?? new PyUnknown(`keras.applications.${name} (read from an installed Keras: none found in the Python environment)`);
}

/** TensorFlow functions with the meaning of a `keras.ops` function. */
const TF_OPS: Record<string, string> = {
  'tensorflow.reshape': 'reshape', 'tensorflow.transpose': 'transpose', 'tensorflow.matmul': 'matmul', 'tensorflow.concat': 'concatenate',
  'tensorflow.stack': 'stack', 'tensorflow.expand_dims': 'expand_dims', 'tensorflow.squeeze': 'squeeze', 'tensorflow.reduce_mean': 'mean',
  'tensorflow.reduce_sum': 'sum', 'tensorflow.reduce_max': 'max', 'tensorflow.shape': 'shape', 'tensorflow.add': 'add', 'tensorflow.multiply': 'multiply',
  'tensorflow.cast': 'cast', 'tensorflow.range': 'arange', 'tensorflow.sigmoid': 'sigmoid', 'tensorflow.tanh': 'tanh', 'tensorflow.nn.relu': 'relu',
  'tensorflow.nn.softmax': 'softmax', 'tensorflow.nn.sigmoid': 'sigmoid', 'tensorflow.nn.gelu': 'gelu', 'tensorflow.nn.silu': 'silu',
  'tensorflow.nn.swish': 'silu', 'tensorflow.math.sqrt': 'sqrt', 'tensorflow.sqrt': 'sqrt', 'tensorflow.exp': 'exp',
};

/** Resolves `ns.name` inside the keras / tensorflow namespaces. */
export function resolveKeras(tc: TorchContext, ns: PyNamespace, name: string): Value {
  const kc = kerasContext(tc);
  const qualified = canonicalKerasName(`${ns.qualified}.${name}`);
  if (KERAS_NAMESPACES.has(qualified)) return new PyNamespace(qualified);
  const app = application(tc, qualified, name);
  if (app !== undefined) return app;
  const member = qualified.replace(/^keras\.(layers|models)\./, 'keras.');
  switch (member) {
    case 'keras.Layer':
      return kc.classes.Layer;
    case 'keras.Model':
    case 'keras.Functional':
      return kc.classes.Model;
    case 'keras.Sequential':
      return kc.classes.Sequential;
    case 'keras.Lambda':
      return kc.classes.Lambda;
    case 'keras.Bidirectional':
      return new PyBuiltin(qualified, (args, kw, p) => bidirectional(kc, args, kw, p));
    case 'keras.Input':
    case 'keras.InputLayer':
      return new PyBuiltin(qualified, (args, kw, p) => kerasInput(kc, args, kw, p));
    case 'keras.backend.image_data_format':
      return new PyBuiltin(qualified, () => 'channels_last');
    case 'keras.backend.set_image_data_format':
    case 'keras.config.set_image_data_format':
      return new PyBuiltin(qualified, (args, _kw, p) => {
        if (args[0] !== 'channels_last') {
          tc.it.diagnostics.once('warning', 'keras-channels-first',
            `image data format ${tc.it.repr(args[0] ?? null)} is not modelled: NetLens analyses Keras models channels-last, so image_data_format() stays 'channels_last'`,
            p);
        }
        return null;
      });
    case 'keras.config.image_data_format':
      return new PyBuiltin(qualified, () => 'channels_last');
    case 'keras.backend.floatx':
      return new PyBuiltin(qualified, () => 'float32');
    case 'keras.backend.is_keras_tensor':
      return new PyBuiltin(qualified, (args) => args[0] instanceof PyTensor);
    case 'keras.backend.get_uid':
      return new PyBuiltin(qualified, (args) => {
        const prefix = `uid:${typeof args[0] === 'string' ? args[0] : ''}`;
        const next = (kc.nameCounts.get(prefix) ?? 0) + 1;
        kc.nameCounts.set(prefix, next);
        return next;
      });
    case 'keras.backend.int_shape':
      return new PyBuiltin(qualified,
        (args) => (args[0] instanceof PyTensor && args[0].shape ? new PyTuple(args[0].shape.map((d) => d)) : new PyUnknown('int_shape')));
  }
  const op = /^keras\.ops(\.[a-z_]+)?$/.test(ns.qualified) ? name : TF_OPS[qualified];
  const fn = op !== undefined ? kerasOpsFunction(tc, op) : undefined;
  if (fn !== undefined) return fn;
  const cls = layerClass(kc, `keras.layers.${name}`);
  if (cls && (ns.qualified.endsWith('layers') || ns.qualified.endsWith('preprocessing'))) return cls;
  const merge = KERAS_MERGE_FUNCTIONS[name];
  if (merge && ns.qualified.endsWith('layers')) return mergeFunction(kc, merge);
  return new PyUnknown(qualified);
}

/** True when `root` is a Keras layer or model. */
export function isKerasModule(tc: TorchContext, root: Value): root is PyInstance {
  return isModule(root) && root.cls.isSubclassOf(kerasContext(tc).classes.Layer);
}

/** A Keras model that can be run: functional, Sequential, or a subclass with call() (a candidate when held by a variable). */
export function isKerasModelValue(tc: TorchContext, v: Value): boolean {
  if (!isKerasModule(tc, v)) return false;
  const kc = kerasContext(tc);
  if (!v.cls.isSubclassOf(kc.classes.Model) && kc.applied.has(v.mod!)) return false;
  return kc.graphs.has(v.mod!) || v.cls.isSubclassOf(kc.classes.Sequential) || v.cls.lookup('call') instanceof PyFunction;
}

/** The input shape a Keras model declares (its keras.Input, or its first layer's input_shape), or null. */
export function kerasDeclaredInput(tc: TorchContext, root: PyInstance): Shape | null {
  const kc = kerasContext(tc);
  const graph = kc.graphs.get(root.mod!);
  if (graph) return graph.inputs[0]?.shape ?? null;
  return kc.sequentialInput.get(root.mod!) ?? null;
}

/** `model.trainable = False`: as in Keras, the flag reaches every layer of the model (its Sequential children, its
 *  functional `layers`, and theirs), so the layers a model inlined into another stay frozen there. */
export function kerasSetTrainable(tc: TorchContext, inst: PyInstance, value: Value): void {
  if (!isKerasModule(tc, inst) || typeof value !== 'boolean') return;
  const seen = new Set<PyInstance>();
  const visit = (m: PyInstance): void => {
    if (seen.has(m)) return;
    seen.add(m);
    m.dict.set('trainable', value);
    const listed = m.dict.get('layers');
    const inner = [...m.mod!.children.values(), ...(listed instanceof PyList ? listed.items : [])];
    for (const c of inner) if (isModule(c)) visit(c);
  };
  visit(inst);
}

/** Keras's non-trainable weights of a model: moving statistics, `trainable=False` weights, and every weight of a layer or
 *  model whose `trainable` is False (or lies inside one). Each weight once. */
export function kerasNonTrainableParams(root: PyInstance): number {
  const seen = new Set<PyTensor>();
  const visited = new Set<ModuleState>();
  let total = 0;
  const visit = (m: PyInstance, frozen: boolean): void => {
    if (visited.has(m.mod!)) return;
    visited.add(m.mod!);
    const off = frozen || m.dict.get('trainable') === false;
    const layerWeights = new Map((m.mod!.layer?.weights ?? []).map((w) => [w.name, w]));
    for (const [name, t] of ownParameters(m.mod!)) {
      if (seen.has(t)) continue;
      seen.add(t);
      const spec = layerWeights.get(name);
      const trainable = spec ? spec.trainable && t.requiresGrad : t.requiresGrad;
      if (off || !trainable) total += tensorNumel(t);
    }
    for (const c of m.mod!.children.values()) if (isModule(c)) visit(c, off);
  };
  visit(root, false);
  return total;
}
