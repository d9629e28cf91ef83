// einops.rearrange / repeat / reduce on symbolic tensors: one graph node per call, attributes holding the resolved recipe.
import type { Shape } from '../../graph/ir';
import type { Pos } from '../../python/ast';
import type { TorchContext } from '../context';
import { toRange } from '../diagnostics';
import { PyError } from '../errors';
import type { ModuleState } from '../values';
import { unknownTensorOp } from '../unknownOp';
import { PyClass, PyExceptionValue, PyList, PyTensor, PyTuple, PyUnknown, type Value } from '../values';
import { EinopsFailure, prepareRecipe, recipeAttrs, resolveRecipe, type Recipe } from './pattern';

const errorClasses = new WeakMap<object, PyClass>();

/** einops.EinopsError (a RuntimeError), one class per interpreter so `except EinopsError` matches by class. */
export function einopsErrorClass(tc: TorchContext): PyClass {
  let cls = errorClasses.get(tc.it);
  if (!cls) {
    const runtime = tc.it.builtins.vars.get('RuntimeError');
    cls = new PyClass('EinopsError', runtime instanceof PyClass ? [runtime] : [tc.builtinTypes.Exception], null, 'einops.EinopsError');
    cls.native = 'exception';
    errorClasses.set(tc.it, cls);
  }
  return cls;
}

/** Raises einops.EinopsError with `message` at `site`. */
export function einopsError(tc: TorchContext, message: string, site: Pos): PyError {
  return new PyError('EinopsError', message, site, new PyExceptionValue(einopsErrorClass(tc), message));
}

/** Python's repr of a shape as torch prints it (`torch.Size([1, 3, 224, 224])`), `?` for unknown sizes. */
export function sizeRepr(shape: Shape): string {
  return `torch.Size([${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}])`;
}

/** The axis lengths given as keywords (`h=2`): numbers, or null when the interpreter does not know the value. */
export function axisLengths(kw: Map<string, Value> | null, skip: string[] = []): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const [k, v] of kw ?? []) if (!skip.includes(k)) out.set(k, typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null);
  return out;
}

function lengthsRepr(lengths: Map<string, number | null>): string {
  return `{${[...lengths].map(([k, v]) => `'${k}': ${v ?? '?'}`).join(', ')}}`;
}

/** A layer's call: the module the node belongs to (its path names the node). */
export interface LayerCall {
  mod: ModuleState | null;
}

/**
 * Applies `operation` ('rearrange', 'repeat', or a reduction) with `pattern` to a tensor or a list of tensors (stacked on
 * a new first axis, as einops does). `prefix` introduces errors as einops's functional form or a layer does.
 */
export function applyEinops(tc: TorchContext, operation: string, input: Value, pattern: Value, lengths: Map<string, number | null>, site: Pos,
  layer: LayerCall | null = null, prefix?: string): Value {
  const opName = operation === 'rearrange' || operation === 'repeat' ? operation : 'reduce';
  let tensors: PyTensor[];
  let shape: Shape | null;
  if (input instanceof PyTensor) {
    tensors = [input];
    shape = input.shape;
  } else if ((input instanceof PyList || input instanceof PyTuple) && input.items.every((t) => t instanceof PyTensor)) {
    if (input.items.length === 0) throw new PyError('TypeError', "Rearrange/Reduce/Repeat can't be applied to an empty list", site);
    tensors = input.items as PyTensor[];
    const first = tensors[0].shape;
    shape = first && tensors.every((t) => t.shape && t.shape.length === first.length) ? [tensors.length, ...first] : null;
  } else {
    const tensorArgs = input instanceof PyList || input instanceof PyTuple ? input.items : [input];
    return tensorArgs.some((t) => t instanceof PyTensor) ? unknownTensorOp(tc, `einops.${opName}`, tensorArgs, site) : new PyUnknown(`einops.${opName}(...)`);
  }
  if (typeof pattern !== 'string') return unknownTensorOp(tc, `einops.${opName}`, tensors, site);
  let recipe: Recipe | null;
  let output: Shape | null = null;
  let attrs: Record<string, ReturnType<typeof recipeAttrs>[keyof ReturnType<typeof recipeAttrs>]> = {};
  if (shape) {
    try {
      recipe = prepareRecipe(pattern, operation, [...lengths.keys()], shape.length);
      const resolved = resolveRecipe(recipe, shape, lengths);
      output = resolved.output;
      attrs = recipeAttrs(recipe, resolved);
    } catch (err) {
      if (!(err instanceof EinopsFailure)) throw err;
      const intro =
        prefix
          ?? `Error while processing ${operation}-reduction pattern "${pattern}". Input tensor shape: ${sizeRepr(shape)}. Additional info: ${lengthsRepr(lengths)}.`;
      throw einopsError(tc, `${intro} ${err.message}`, site);
    }
  }
  const traced = tensors.filter((t) => t.node !== null);
  if (!tc.tracer.recording || traced.length === 0) return new PyTensor(output, null);
  const node = tc.tracer.addNode({
    // 'repeat' is torch's Tensor.repeat in the registry; einops's own op has its own entry.
    op: opName === 'repeat' ? 'einops_repeat' : opName,
    attrs: { pattern, reduction: operation, axes: [...lengths].map(([k, v]) => [k, v]), stacked: input instanceof PyTensor ? 0 : tensors.length, ...attrs },
    summary: operation === opName ? pattern : `${pattern}, ${operation}`,
    inputs: tensors.map((t) => t.node),
    inputShapes: tensors.map((t) => t.shape),
    outputShape: output,
    params: 0,
    macs: 0,
    module: layer?.mod ?? null,
    suffix: opName,
    callRange: toRange(site),
  });
  return new PyTensor(output, node.id);
}
