// A layer's forward() arguments beyond its tensor inputs (an LSTM's initial state, attention masks, need_weights), and
// the tuple elements of its result as distinct values, so the forward pass can run them as PyTorch does.
import type { AttrValue } from '../graph/ir';
import type { Attrs, OpSpec } from '../ops/types';
import type { Pos } from '../python/ast';
import type { TorchContext } from './context';
import { typeError } from './errors';
import { scalarAttr } from './opcall';
import { PyTensor, PyTuple, PyUnknown, type Value } from './values';

/**
 * Binds the arguments after the tensor inputs to `spec.callSignature`. A tensor (or a tuple of tensors, as `(h_0, c_0)`)
 * becomes extra inputs, its slots written as `<name>_input` (a number, or a list for a tuple); any other value is
 * written as an attribute; an argument left out keeps its default. Unknown values leave the attribute out.
 */
export function bindLayerCallArgs(spec: OpSpec, attrs: Attrs, firstInputs: number, args: Value[], kwargs: Map<string, Value> | null, site: Pos,
  name: string): { attrs: Attrs; extra: PyTensor[] } {
  const signature = spec.callSignature ?? [];
  if (signature.length === 0) return { attrs, extra: [] };
  const bound: Attrs = { ...attrs };
  const extra: PyTensor[] = [];
  const rest = args.slice(firstInputs);
  if (rest.length > signature.length) throw typeError(`${name}.forward() takes ${firstInputs + signature.length} positional arguments but ${args.length} were given`, site);
  signature.forEach((param, i) => {
    const value = i < rest.length ? rest[i] : kwargs?.get(param.name);
    if (value === undefined) {
      bound[param.name] = param.default ?? null;
      return;
    }
    if (value instanceof PyTensor) {
      bound[`${param.name}_input`] = firstInputs + extra.length;
      extra.push(value);
    } else if (value instanceof PyTuple && value.items.length > 0 && value.items.every((item) => item instanceof PyTensor)) {
      bound[`${param.name}_input`] = value.items.map((_, k) => firstInputs + extra.length + k);
      extra.push(...(value.items as PyTensor[]));
    } else if (!(value instanceof PyUnknown)) {
      bound[param.name] = scalarAttr(value) as AttrValue;
    }
  });
  return { attrs: bound, extra };
}

/** The tuple a layer returned with its later elements named as elements of the node (in flattened order, from 1). */
export function withTupleItems(tc: TorchContext, result: PyTuple): PyTuple {
  const first = result.items[0];
  if (!(first instanceof PyTensor) || first.node === null || !tc.tracer.recording) return result;
  const node = first.node;
  let next = 1;
  const rename = (value: Value): Value => {
    if (value instanceof PyTuple) return new PyTuple(value.items.map(rename));
    if (value instanceof PyTensor && value.node === node) return new PyTensor(value.shape, tc.tracer.tupleItem(node, next++));
    return value;
  };
  return new PyTuple([first, ...result.items.slice(1).map(rename)]);
}
