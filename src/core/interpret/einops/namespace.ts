// The einops modules (einops, einops.layers.torch, ...) as native namespaces: functions, EinopsError and the layers.
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import type { Interpreter } from '../interpreter';
import { typeError } from '../errors';
import { PyBuiltin, PyClass, PyInstance, PyNamespace, PyUnknown, type Value } from '../values';
import { applyEinops, axisLengths, einopsError, einopsErrorClass } from './apply';
import { einopsEinsum, packTensors, parseShape, unpackTensor } from './packing';
import { EinopsFailure, prepareRecipe, parseSide } from './pattern';

type Kw = Map<string, Value> | null;

/** Module names served natively (einops's backends dispatch cannot be interpreted usefully). */
export const EINOPS_MODULES = new Set(['einops', 'einops.einops', 'einops.packing', 'einops.layers', 'einops.layers.torch']);

const contexts = new WeakMap<Interpreter, TorchContext>();

/** Called once per runtime, so that importing einops can build tensors in that runtime's trace. */
export function registerEinops(tc: TorchContext): void {
  contexts.set(tc.it, tc);
}

/** The einops module `name` for this interpreter (undefined when `name` is not one, or no torch runtime exists). */
export function einopsModule(it: Interpreter, name: string): PyNamespace | undefined {
  const tc = contexts.get(it);
  if (!tc || !EINOPS_MODULES.has(name)) return undefined;
  const ns = new PyNamespace(name);
  installEinops(tc, ns);
  return ns;
}

function arg(args: Value[], kw: Kw, i: number, name: string): Value | undefined {
  return i < args.length ? args[i] : kw?.get(name);
}

function def(ns: PyNamespace, name: string, fn: (args: Value[], kw: Kw, p: Pos) => Value): void {
  ns.members.set(name, new PyBuiltin(`einops.${name}`, fn));
}

/** Fills an einops namespace with what einops exports there. */
export function installEinops(tc: TorchContext, ns: PyNamespace): void {
  if (ns.qualified === 'einops.layers') {
    ns.members.set('torch', einopsModule(tc.it, 'einops.layers.torch')!);
    return;
  }
  if (ns.qualified === 'einops.layers.torch') {
    for (const [name, cls] of layerClasses(tc)) ns.members.set(name, cls);
    return;
  }
  ns.members.set('EinopsError', einopsErrorClass(tc));
  def(ns, 'rearrange', (args, kw, p) => applyEinops(tc, 'rearrange', arg(args, kw, 0, 'tensor') ?? null, arg(args, kw, 1, 'pattern') ?? null, axisLengths(kw,
    ['tensor', 'pattern']), p));
  def(ns, 'repeat', (args, kw, p) => applyEinops(tc, 'repeat', arg(args, kw, 0, 'tensor') ?? null, arg(args, kw, 1, 'pattern') ?? null, axisLengths(kw,
    ['tensor', 'pattern']), p));
  def(ns, 'reduce', (args, kw, p) => {
    const reduction = arg(args, kw, 2, 'reduction') ?? null;
    const operation = typeof reduction === 'string' ? reduction : 'custom';
    return applyEinops(tc, operation, arg(args, kw, 0, 'tensor') ?? null, arg(args, kw, 1, 'pattern') ?? null, axisLengths(kw, ['tensor', 'pattern',
      'reduction']), p);
  });
  def(ns, 'einsum', (args, _kw, p) => einopsEinsum(tc, args, p));
  def(ns, 'pack', (args, kw, p) => packTensors(tc, arg(args, kw, 0, 'tensors') ?? null, arg(args, kw, 1, 'pattern') ?? null, p));
  def(ns, 'unpack', (args, kw, p) => unpackTensor(tc, arg(args, kw, 0, 'tensor') ?? null, arg(args, kw, 1, 'packed_shapes') ?? null,
    arg(args, kw, 2, 'pattern') ?? null, p));
  def(ns, 'parse_shape', (args, kw, p) => parseShape(tc, arg(args, kw, 0, 'x') ?? null, arg(args, kw, 1, 'pattern') ?? null, p));
  def(ns, 'asnumpy', () => new PyUnknown('einops.asnumpy(...)'));
  if (ns.qualified === 'einops') {
    ns.members.set('layers', einopsModule(tc.it, 'einops.layers')!);
    ns.members.set('__version__', '0.8.0');
  }
}

interface LayerConfig {
  operation: string;
  pattern: string;
  lengths: Map<string, number | null>;
  repr: string;
}

const layerCache = new WeakMap<TorchContext, [string, PyClass][]>();
const configs = new WeakMap<PyInstance, LayerConfig>();

/** Checks a layer's pattern when it is built, as einops's layers prepare their recipes in __init__. */
function checkAtConstruction(tc: TorchContext, config: LayerConfig, p: Pos): void {
  try {
    const left = parseSide(config.pattern.split('->')[0] ?? '');
    const ndim = left.hasEllipsis ? left.composition.length - 1 : left.composition.length;
    prepareRecipe(config.pattern, config.operation, [...config.lengths.keys()], ndim);
  } catch (err) {
    if (err instanceof EinopsFailure) throw einopsError(tc, `Error while preparing ${config.repr} ${err.message}`, p);
    throw err;
  }
}

/** einops.layers.torch.Rearrange / Reduce: modules without parameters whose forward is one einops node. */
function layerClasses(tc: TorchContext): [string, PyClass][] {
  const hit = layerCache.get(tc);
  if (hit) return hit;
  const make = (name: string, withReduction: boolean): PyClass => {
    const cls = new PyClass(name, [tc.classes.Module], null, `einops.layers.torch.${name}`);
    cls.dict.set('__init__', new PyBuiltin(`${name}.__init__`, (args, kw, p) => {
      const self = args[0];
      if (!(self instanceof PyInstance)) throw typeError(`${name}.__init__ needs an instance`, p);
      const pattern = arg(args, kw, 1, 'pattern');
      const reduction = withReduction ? arg(args, kw, 2, 'reduction') : 'rearrange';
      if (typeof pattern !== 'string') throw typeError(`${name}() needs a pattern string`, p);
      const lengths = axisLengths(kw, ['pattern', 'reduction']);
      const shown = [`'${pattern}'`, ...(withReduction ? [`'${typeof reduction === 'string' ? reduction : '<callable>'}'`] : []), ...[...lengths].map(([k,
        v]) => `${k}=${v ?? '?'}`)];
      const config: LayerConfig = { operation: typeof reduction === 'string' ? reduction : 'custom', pattern, lengths, repr: `${name}(${shown.join(', ')})` };
      checkAtConstruction(tc, config, p);
      configs.set(self, config);
      self.dict.set('pattern', pattern);
      if (withReduction) self.dict.set('reduction', reduction ?? null);
      return null;
    }));
    cls.dict.set('forward', new PyBuiltin(`${name}.forward`, (args, _kw, p) => {
      const self = args[0];
      const config = self instanceof PyInstance ? configs.get(self) : undefined;
      if (!config || !(self instanceof PyInstance)) return new PyUnknown(`${name}(...)`);
      // The layer is the node itself: it is not a container of the op it runs.
      const stack = tc.tracer.moduleStack;
      const popped = stack[stack.length - 1] === self ? stack.pop() : undefined;
      try {
        return applyEinops(tc, config.operation, args[1] ?? null, config.pattern, config.lengths, p, { mod: self.mod }, `${config.repr}:`);
      } finally {
        if (popped) stack.push(popped);
      }
    }));
    cls.dict.set('extra_repr', new PyBuiltin(`${name}.extra_repr`, (args) => (args[0] instanceof PyInstance ? configs.get(args[0])?.repr ?? '' : '')));
    return cls;
  };
  const classes: [string, PyClass][] = [['Rearrange', make('Rearrange', false)], ['Reduce', make('Reduce', true)]];
  layerCache.set(tc, classes);
  return classes;
}
