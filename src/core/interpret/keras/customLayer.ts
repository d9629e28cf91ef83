// Subclassed Keras layers (`class LayerScale(layers.Layer)` with build()/call()): built on their first call, one layer
// of the functional graph per call (its call() is replayed inside the layer's group while the model is traced).
import type { Pos } from '../../python/ast';
import { PyError } from '../errors';
import { shapeFromValue } from './layers';
import { PyBuiltin, PyClass, PyDict, PyFunction, PyInstance, PyList, PyTensor, PyTuple, type Value } from '../values';
import type { KerasContext } from './context';
import { recordKerasCall } from './ops';

type Kw = Map<string, Value> | null;

/** `input_shape` as Keras passes it to build(): a tuple with None for unknown dimensions, a list of them for a list input. */
function buildShape(v: Value): Value {
  if (v instanceof PyTensor) return v.shape ? new PyTuple(v.shape.map((d) => d)) : null;
  if (v instanceof PyList || v instanceof PyTuple) return new PyList(v.items.map(buildShape));
  return null;
}

/** Calls the layer's own build(input_shape) once, before its first call, as Keras's `__call__` does. */
function ensureUserBuilt(kc: KerasContext, self: PyInstance, input: Value, site: Pos): void {
  if (self.dict.get('built') === true) return;
  self.dict.set('built', true);
  const build = self.cls.lookup('build');
  if (build instanceof PyFunction) kc.tc.it.call(build, [self, buildShape(input)], null, site);
}

/** Keyword arguments Keras handles itself and a layer's call() may not declare. */
function callKwargs(self: PyInstance, kw: Kw): Kw {
  if (!kw) return null;
  const call = self.cls.lookup('call');
  const declared = call instanceof PyFunction ? new Set(call.params.map((p) => p.name)) : new Set<string>();
  const accepts = call instanceof PyFunction && call.params.some((p) => p.kind === 'kwargs');
  const rest = new Map([...kw].filter(([k]) => !((k === 'training' || k === 'mask') && !declared.has(k) && !accepts)));
  return rest.size ? rest : null;
}

/** `layer(x)` of a subclassed Keras layer: build() first; on build-time tensors one recorded call of the whole layer. */
export function callCustomLayer(kc: KerasContext, self: PyInstance, args: Value[], kw: Kw, site: Pos): Value {
  const { it } = kc.tc;
  const call = self.cls.lookup('call');
  if (!(call instanceof PyFunction || call instanceof PyBuiltin)) throw new PyError('NotImplementedError', `${self.cls.name} has no call()`, site);
  ensureUserBuilt(kc, self, args[0] ?? kw?.get('inputs') ?? null, site);
  const rest = callKwargs(self, kw);
  const run = (): Value => it.call(call, [self, ...args], rest, site);
  // Replayed through the module call, so that the layer's group holds what its call() traces.
  return recordKerasCall(kc.tc, self, args, site, run, (traced) => it.call(self, traced, kw, site)) ?? run();
}

/**
 * `layers.Lambda(function, output_shape=None, arguments=None)`: a layer whose call is `function(inputs, **arguments)`.
 * Its shape is the function's (unknown, with the unknown operation reported, when the function does what NetLens does not
 * model); a given `output_shape` stands in for an unknown result.
 */
export function createLambdaClass(kc: KerasContext, Layer: PyClass, init: (self: PyInstance, kw: Kw) => void): PyClass {
  const Lambda = new PyClass('Lambda', [Layer], null, 'keras.layers.Lambda');
  const method = (name: string, f: (self: PyInstance, args: Value[], kw: Kw, p: Pos) => Value): void => {
    Lambda.dict.set(name, new PyBuiltin(`Lambda.${name}`, (args, kw, p) => {
      const self = args[0];
      if (!(self instanceof PyInstance) || !self.mod) throw new PyError('TypeError', `Lambda.${name} needs a layer instance`, p);
      return f(self, args.slice(1), kw, p);
    }));
  };
  method('__init__', (self, args, kw) => {
    init(self, kw);
    self.dict.set('function', args[0] ?? kw?.get('function') ?? null);
    self.dict.set('output_shape', args[1] ?? kw?.get('output_shape') ?? null);
    self.dict.set('arguments', kw?.get('arguments') ?? null);
    return null;
  });
  method('call', (self, args, _kw, p) => {
    const input = args[0] ?? null;
    const extra = self.dict.get('arguments');
    const kw = extra instanceof PyDict ? new Map([...extra.entries()].map(([k, v]) => [String(k), v])) : null;
    const result = kc.tc.it.call(self.dict.get('function') ?? null, [input], kw, p);
    const declared = shapeFromValue(self.dict.get('output_shape') ?? undefined);
    if (result instanceof PyTensor && result.shape === null && declared && input instanceof PyTensor && input.shape) {
      return new PyTensor([input.shape[0] ?? null, ...declared], result.node);
    }
    return result;
  });
  return Lambda;
}
