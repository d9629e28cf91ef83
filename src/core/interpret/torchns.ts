// The torch, torch.nn, torch.nn.functional and torch.nn.init namespaces as the interpreter exposes them.
import type { Pos } from '../python/ast';
import { findFunctionalOp, findModuleOp, registeredFunctionalNames, registeredModuleNames } from '../ops/registry';
import { PyError, typeError } from './errors';
import { tensorSizeProblem } from '../ops/tensorSize';
import type { TorchContext } from './context';
import { makeLayerClass } from './modules';
import { callFunctional, elementwise, functionalOrUnknown, unaryElementwise, UNARY_ELEMENTWISE } from './tensorOps';
import { unknownTensorOp } from './unknownOp';
import { attentionTensors, einsumTensors, mhaForwardTensors, reduceWithIndices, splitTensor, stackTensors } from './tensorShapes';
import { nativeModule } from './stdlib';
import { applyWeightNorm, removeWeightNorm } from './moduleParams';
import { AUTOGRAD_CLASSES, TORCH_NN_PRELUDE_MODULE, TRANSFORMER_CLASSES } from './transformerPrelude';
import { PyBuiltin, PyClass, PyInstance, PyList, PyNamespace, PyTensor, PyTuple, PyUnknown, isNumber, numValue, type Value } from './values';

/** Modules NetLens models as namespaces (everything else imported is unknown). */
export const TORCH_NAMESPACES = new Set(['torch', 'torch.nn', 'torch.nn.utils', 'torch.nn.utils.parametrizations', 'torch.nn.functional', 'torch.nn.init',
  'torch.nn.modules', 'torch.utils', 'torch.utils.checkpoint', 'torch.cuda', 'torch.jit', 'torch.backends', 'torch.nn.parameter', 'torch.fx', 'torch.hub',
    'torch.utils.model_zoo', 'torch.autograd', 'torch.autograd.function']);

const TENSOR_FACTORIES = new Set(['zeros', 'ones', 'randn', 'rand', 'empty', 'full', 'randint', 'Tensor', 'FloatTensor']);

function shapeArgs(tc: TorchContext, args: Value[], site: Pos): (number | null)[] {
  let dims = args;
  if (dims.length === 1 && (dims[0] instanceof PyTuple || dims[0] instanceof PyList)) dims = (dims[0] as PyTuple).items;
  const shape = dims.map((d) => {
    if (typeof d === 'number' || typeof d === 'boolean') return numValue(d);
    if (d instanceof PyUnknown) return null;
    throw typeError(`tensor size must be integers, got ${tc.it.str(d)}`, site);
  });
  const problem = tensorSizeProblem(shape);
  if (problem) throw new PyError(problem.type, problem.message, site);
  return shape;
}

/** Canonical qualified name: torch.nn.modules.conv.Conv2d → torch.nn.Conv2d. */
function canonical(qualified: string): string {
  const m = /^torch\.nn\.modules(?:\.[a-z_]+)*\.([A-Z]\w*)$/.exec(qualified);
  if (m) return `torch.nn.${m[1]}`;
  if (qualified.startsWith('torch.functional.')) return qualified.replace('torch.functional.', 'torch.');
  return qualified;
}

/** Resolves `ns.name` for torch namespaces (registry classes and functions, tensor factories, containers). */
export function resolveTorch(tc: TorchContext, ns: PyNamespace, name: string): Value {
  const qualified = canonical(`${ns.qualified}.${name}`);
  if (TORCH_NAMESPACES.has(qualified) || /^torch\.nn\.modules(\.[a-z_]+)*$/.test(qualified)) return new PyNamespace(qualified);
  const { classes } = tc;
  switch (qualified) {
    case 'torch.nn.Module':
      return classes.Module;
    case 'torch.nn.Sequential':
      return classes.Sequential;
    case 'torch.nn.ModuleList':
      return classes.ModuleList;
    case 'torch.nn.ModuleDict':
      return classes.ModuleDict;
    case 'torch.Tensor':
      return classes.Tensor;
    case 'torch.nn.Parameter':
    case 'torch.nn.parameter.Parameter':
      return classes.Parameter;
    case 'torch.no_grad':
    case 'torch.enable_grad':
    case 'torch.inference_mode':
      return new PyBuiltin(qualified, (args) => (args.length === 1 && !(args[0] instanceof PyTensor) ? args[0] : null));
    case 'torch.jit.is_scripting':
    case 'torch.jit.is_tracing':
    case 'torch.cuda.is_available':
      return new PyBuiltin(qualified, () => false);
    case 'torch.device':
      return new PyBuiltin(qualified, () => new PyUnknown('device'));
    case 'torch.jit.unused':
    case 'torch.jit.ignore':
    case 'torch.jit.export':
    case 'torch.jit.script':
    case 'torch.jit._overload_method':
    case 'torch.fx.wrap':
      return new PyBuiltin(qualified, (args) => args[0] ?? null);
    case 'torch.autograd.Variable':
      return new PyBuiltin(qualified, (args) => args[0] ?? null);
    case 'torch.jit.annotate':
      return new PyBuiltin(qualified, (args) => args[1] ?? null);
    case 'torch._assert':
    case 'torch.manual_seed':
    case 'torch.set_grad_enabled':
      return new PyBuiltin(qualified, () => null);
    case 'torch.utils.checkpoint.checkpoint':
      return new PyBuiltin(qualified, (args, kw, p) => {
        const rest = new Map(kw ?? []);
        rest.delete('use_reentrant');
        rest.delete('preserve_rng_state');
        return tc.it.call(args[0], args.slice(1), rest.size ? rest : null, p);
      });
    case 'torch.pow':
    case 'torch.sub':
    case 'torch.div':
    case 'torch.true_divide':
      return new PyBuiltin(qualified, (args, _kw, p) => elementwise(tc, name === 'true_divide' ? 'div' : name, args[0] ?? null, args[1] ?? null, p));
    case 'torch.nn.utils.weight_norm':
    case 'torch.nn.utils.parametrizations.weight_norm':
      return new PyBuiltin(qualified, (args, kw, p) => applyWeightNorm(args[0] ?? kw?.get('module') ?? null, args[1] ?? kw?.get('name') ?? 'weight',
        args.length > 2 ? args[2] : kw?.has('dim') ? kw.get('dim')! : 0, p));
    case 'torch.nn.utils.remove_weight_norm':
      return new PyBuiltin(qualified, (args, kw) => removeWeightNorm(args[0] ?? kw?.get('module') ?? null, args[1] ?? kw?.get('name') ?? 'weight'));
    case 'torch.nn.utils.spectral_norm':
    case 'torch.nn.utils.parametrizations.spectral_norm':
      // weight becomes weight_orig (same shape) plus u/v buffers: the parameter count does not change.
      return new PyBuiltin(qualified, (args) => args[0] ?? null);
    case 'torch.stack':
      return new PyBuiltin(qualified, (args, kw, p) => stackTensors(tc, args[0] ?? kw?.get('tensors') ?? null, args[1] ?? kw?.get('dim') ?? 0, p));
    case 'torch.max':
    case 'torch.min':
    case 'torch.median':
    case 'torch.argmax':
    case 'torch.argmin':
    case 'torch.topk':
    case 'torch.sort':
      return new PyBuiltin(qualified, (args, kw,
        p) => (args[0] instanceof PyTensor ? reduceWithIndices(tc, name, args[0], args.slice(1), kw, p) : new PyUnknown(`${qualified}(...)`)));
    case 'torch.maximum':
    case 'torch.minimum':
      return new PyBuiltin(qualified, (args, kw,
        p) => (args[0] instanceof PyTensor ? reduceWithIndices(tc, name === 'maximum' ? 'max' : 'min', args[0], args.slice(1), kw,
          p) : new PyUnknown(`${qualified}(...)`)));
    case 'torch.nn.functional.scaled_dot_product_attention':
      return new PyBuiltin(qualified, (args, kw, p) => attentionTensors(tc, args, kw, p));
    case 'torch.nn.functional.multi_head_attention_forward':
      return new PyBuiltin(qualified, (args, kw, p) => mhaForwardTensors(tc, args, kw, p));
    case 'torch.einsum':
      return new PyBuiltin(qualified, (args, _kw, p) => einsumTensors(tc, args, p));
    case 'torch.chunk':
    case 'torch.split':
    case 'torch.unbind':
    case 'torch.tensor_split':
      return new PyBuiltin(qualified, (args, kw, p) => {
        const t = args[0];
        if (!(t instanceof PyTensor)) return new PyUnknown(`${qualified}(...)`);
        return splitTensor(tc, name, t, args.slice(1), kw, p);
      });
    case 'torch.tensor':
    case 'torch.as_tensor':
      return new PyBuiltin(qualified, (args) => {
        const shapeOf = (v: Value): (number | null)[] | null => {
          if (v instanceof PyList || v instanceof PyTuple) {
            const inner = v.items.length ? shapeOf(v.items[0]) : [];
            return inner ? [v.items.length, ...inner] : null;
          }
          if (v instanceof PyTensor) return v.shape;
          return isNumber(v) ? [] : null;
        };
        return new PyTensor(shapeOf(args[0] ?? null), null);
      });
    case 'torch.arange':
      return new PyBuiltin(qualified, (args, kw) => {
        // arange(end) | arange(start, end[, step]), any of them by keyword; an unknown bound gives an unknown length.
        const named = (k: string): Value | undefined => kw?.get(k);
        const pos = args.slice(0, 3);
        const [start, end,
          step] = pos.length === 1 && named('end') === undefined ? [named('start') ?? 0, pos[0], named('step') ?? 1] : [pos[0] ?? named('start') ?? 0,
            pos[1] ?? named('end') ?? null, pos[2] ?? named('step') ?? 1];
        if (!isNumber(start) || !isNumber(end) || !isNumber(step) || numValue(step) === 0) return new PyTensor([null], null);
        return new PyTensor([Math.max(0, Math.ceil((numValue(end) - numValue(start)) / numValue(step)))], null);
      });
    case 'torch.meshgrid':
      return new PyBuiltin(qualified, (args, kw) => {
        // meshgrid(a, b, ..., indexing='ij'|'xy') of 1-D tensors: one grid per input, shaped by all their lengths.
        const items = args.length === 1 && (args[0] instanceof PyList || args[0] instanceof PyTuple) ? args[0].items : args;
        const lengths = items.map((v) =>
          (v instanceof PyTensor && v.shape?.length === 1 ? v.shape[0] : v instanceof PyTensor && v.shape?.length === 0 ? 1 : null));
        const shape = kw?.get('indexing') === 'xy' && lengths.length >= 2 ? [lengths[1], lengths[0], ...lengths.slice(2)] : lengths;
        const known = items.every((v) => v instanceof PyTensor && v.shape !== null && v.shape.length <= 1);
        return new PyTuple(items.map(() => new PyTensor(known ? shape : null, null)));
      });
    case 'torch.linspace':
      return new PyBuiltin(qualified, (args) => new PyTensor([typeof args[2] === 'number' ? args[2] : null], null));
  }
  if (qualified.startsWith('torch.') && TENSOR_FACTORIES.has(name) && ns.qualified === 'torch') {
    return new PyBuiltin(qualified, (args, _k, p) => {
      const dims = name === 'full' ? [args[0]] : name === 'randint' ? args.slice(-1) : args;
      return new PyTensor(shapeArgs(tc, dims, p), null);
    });
  }
  if (/^torch\.(zeros|ones|randn|rand|empty|full)_like$/.test(qualified)) {
    return new PyBuiltin(qualified, (args) => new PyTensor(args[0] instanceof PyTensor ? args[0].shape : null, null));
  }
  if (ns.qualified === 'torch.nn.init') {
    return new PyBuiltin(qualified, (args) => args[0] ?? null);
  }
  const moduleSpec = findModuleOp(qualified);
  if (moduleSpec) {
    let cls = tc.layerClasses.get(qualified);
    if (!cls) {
      cls = makeLayerClass(tc, qualified, moduleSpec);
      tc.layerClasses.set(qualified, cls);
    }
    return cls;
  }
  if (findFunctionalOp(qualified)) return functionalOrUnknown(tc, qualified);
  if (ns.qualified === 'torch' && UNARY_ELEMENTWISE.has(name)) {
    return new PyBuiltin(qualified, (args, kw,
      p) => (args[0] instanceof PyTensor ? unaryElementwise(tc, name, args[0], args.slice(1), kw, p) : new PyUnknown(`${qualified}(...)`)));
  }
  if (ns.qualified === 'torch.nn.functional' || (ns.qualified === 'torch' && /^[a-z_]+$/.test(name))) {
    const method = findFunctionalOp(`torch.nn.functional.${name}`);
    if (method) return new PyBuiltin(qualified, (args, kw, p) => callFunctional(tc, method, args, kw, p, qualified));
    return functionalOrUnknown(tc, qualified);
  }
  if ((ns.qualified === 'torch.nn' && TRANSFORMER_CLASSES.has(name)) || (/^torch\.autograd(\.function)?$/.test(ns.qualified) && AUTOGRAD_CLASSES.has(name))) {
    const prelude = nativeModule(tc.it, TORCH_NN_PRELUDE_MODULE);
    const cls = prelude instanceof PyNamespace ? prelude.members.get(name) : undefined;
    if (cls instanceof PyClass) return cls;
  }
  if (ns.qualified === 'torch.nn' && /^[A-Z]/.test(name)) return unknownLayerClass(tc, qualified);
  return new PyUnknown(qualified);
}

/** `dir(torch.nn.functional)` and the like: the registered layers and functions directly under `qualified`. */
export function torchNamespaceNames(qualified: string): string[] {
  const prefix = `${qualified}.`;
  const names = [...registeredModuleNames(), ...registeredFunctionalNames(), ...[...TORCH_NAMESPACES].filter((n) => n.startsWith(prefix))]
    .filter((n) => n.startsWith(prefix) && !n.slice(prefix.length).includes('.')).map((n) => n.slice(prefix.length));
  if (qualified === 'torch.nn.functional') names.push('scaled_dot_product_attention', 'multi_head_attention_forward');
  if (qualified === 'torch') names.push(...UNARY_ELEMENTWISE, ...TENSOR_FACTORIES, 'einsum', 'stack', 'chunk', 'split', 'arange', 'tensor', 'meshgrid');
  if (qualified === 'torch.nn') names.push('Module', 'Sequential', 'ModuleList', 'ModuleDict', 'Parameter', ...TRANSFORMER_CLASSES);
  return [...new Set(names)].sort();
}

/** A torch.nn class NetLens has no entry for: constructing it gives a module whose calls are unknown layers. */
function unknownLayerClass(tc: TorchContext, qualified: string): PyClass {
  let cls = tc.layerClasses.get(qualified);
  if (cls) return cls;
  const short = qualified.split('.').pop()!;
  cls = new PyClass(short, [tc.classes.Module], null, qualified);
  cls.dict.set('__init__', new PyBuiltin(`${short}.__init__`, () => null));
  cls.dict.set('forward', new PyBuiltin(`${short}.forward`, (args, _k, p) => {
    const self = args[0];
    const mod = self instanceof PyInstance ? self.mod : null;
    tc.tracer.moduleStack.pop();
    try {
      return unknownTensorOp(tc, qualified, args.slice(1), p, undefined, 'unknown-layer', mod);
    } finally {
      if (self instanceof PyInstance) tc.tracer.moduleStack.push(self);
    }
  }));
  tc.layerClasses.set(qualified, cls);
  return cls;
}

/** torch.Tensor and nn.Parameter as classes (isinstance checks and `nn.Parameter(torch.zeros(...))`). */
export function createTensorClasses(object: PyClass): { Tensor: PyClass; Parameter: PyClass } {
  const Tensor = new PyClass('Tensor', [object], null, 'torch.Tensor');
  Tensor.native = 'builtin-type';
  Tensor.dict.set('__new__', new PyBuiltin('torch.Tensor', (args) => new PyTensor(args.filter(isNumber).map(numValue), null)));
  const Parameter = new PyClass('Parameter', [Tensor], null, 'torch.nn.Parameter');
  Parameter.native = 'builtin-type';
  Parameter.dict.set('__new__', new PyBuiltin('torch.nn.Parameter', (args, kw) => {
    const data = args[0] ?? kw?.get('data') ?? null;
    const t = new PyTensor(data instanceof PyTensor ? data.shape : [], null, true);
    const rg = args[1] ?? kw?.get('requires_grad');
    if (rg === false) t.requiresGrad = false;
    return t;
  }));
  return { Tensor, Parameter };
}
