// The fallback for a tensor operation NetLens has no entry for: an 'Unknown' node with a warning, so the graph stays
// connected and every shape after it is honestly unknown.
import type { Pos } from '../python/ast';
import type { TorchContext } from './context';
import { toRange } from './diagnostics';
import { PyList, PyTensor, PyTuple, PyUnknown, type ModuleState, type Value } from './values';

/** An op NetLens has no entry for, applied to tensors: an 'Unknown' node and a warning. */
export function unknownTensorOp(tc: TorchContext, name: string, args: Value[], site: Pos, path?: string, code = 'unknown-op',
  module: ModuleState | null = null): Value {
  const tensors = collectTensors(args);
  const traced = tensors.filter((t) => t.node !== null);
  if (!tc.tracer.recording || traced.length === 0) return tensors.length ? new PyTensor(null, null) : new PyUnknown(`${name}(...)`);
  const message =
    code === 'unknown-layer' ? `unknown layer ${name}: shapes after it are unknown` : `unknown tensor operation ${name}: shapes after it are unknown`;
  tc.it.diagnostics.add('warning', code, message, site);
  const node = tc.tracer.addNode({
    op: 'Unknown',
    attrs: { name },
    summary: name,
    inputs: traced.map((t) => t.node),
    inputShapes: traced.map((t) => t.shape),
    outputShape: null,
    params: 0,
    macs: 0,
    module,
    suffix: path ?? name.split('.').pop()!.toLowerCase(),
    callRange: toRange(site),
  });
  return new PyTensor(null, node.id);
}

function collectTensors(args: Value[]): PyTensor[] {
  const out: PyTensor[] = [];
  for (const a of args) {
    if (a instanceof PyTensor) out.push(a);
    else if (a instanceof PyList || a instanceof PyTuple) out.push(...collectTensors(a.items));
  }
  return out;
}
