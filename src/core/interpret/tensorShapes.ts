// Shape rules of the tensor methods that reshape or split without a registry entry: expand/repeat, stack, chunk/split/unbind.
import type { Shape } from '../graph/ir';
import type { Pos } from '../python/ast';
import { toRange } from './diagnostics';
import type { TorchContext } from './context';
import { unknownTensorOp } from './tensorOps';
import { PyList, PyTensor, PyTuple, type Value } from './values';

export /** expand / expand_as / repeat: shape rules (a node with the sizes as attributes while tracing). */
function expandTensor(tc: TorchContext, how: string, t: PyTensor, args: Value[], site: Pos): Value {
  let sizes: Value[] = args.length === 1 && (args[0] instanceof PyTuple || args[0] instanceof PyList) ? (args[0] as PyTuple).items : args;
  if (how === 'expand_as') {
    const other = args[0];
    if (!(other instanceof PyTensor) || !other.shape) return unknownTensorOp(tc, `Tensor.${how}`, [t, ...args], site);
    sizes = other.shape.map((d) => (d === null ? -1 : d));
  }
  const nums = sizes.map((d) => (typeof d === 'number' ? d : null));
  let shape: (number | null)[] | null = null;
  if (t.shape) {
    if (how === 'repeat') {
      if (nums.length >= t.shape.length) {
        const padded = [...Array(nums.length - t.shape.length).fill(1), ...t.shape];
        shape = nums.map((n, i) => (n === null || padded[i] === null ? null : n * (padded[i] as number)));
      }
    } else if (nums.length >= t.shape.length) {
      const offset = nums.length - t.shape.length;
      shape = nums.map((n, i) => (n === -1 ? (i >= offset ? t.shape![i - offset] : null) : n));
    }
  }
  if (!shape) return unknownTensorOp(tc, `Tensor.${how}`, [t, ...args], site);
  if (!tc.tracer.recording || t.node === null) return new PyTensor(shape, null);
  const node = tc.tracer.addNode({ op: how === 'repeat' ? 'repeat' : 'expand', attrs: { sizes: nums }, summary: nums.map((n) => (n === null ? '?' : String(n))).join('×'), inputs: [t.node], inputShapes: [t.shape], outputShape: shape, params: 0, macs: 0, module: null, suffix: how, callRange: toRange(site) });
  return new PyTensor(shape, node.id);
}

/** torch.stack: all shapes equal; a new dimension of size len(tensors) at `dim`. */
export function stackTensors(tc: TorchContext, list: Value, dimValue: Value, site: Pos): Value {
  const items = list instanceof PyList || list instanceof PyTuple ? list.items : [];
  if (items.length === 0 || !items.every((t) => t instanceof PyTensor) || typeof dimValue !== 'number') return unknownTensorOp(tc, 'torch.stack', items, site);
  const tensors = items as PyTensor[];
  const first = tensors[0].shape;
  let shape: Shape | null = null;
  if (first && tensors.every((t) => t.shape && t.shape.length === first.length)) {
    const dim = dimValue < 0 ? dimValue + first.length + 1 : dimValue;
    shape = [...first.slice(0, dim), tensors.length, ...first.slice(dim)];
  }
  const traced = tensors.filter((t) => t.node !== null);
  if (!tc.tracer.recording || traced.length === 0) return new PyTensor(shape, null);
  const node = tc.tracer.addNode({ op: 'stack', attrs: { dim: dimValue }, summary: `dim=${dimValue}`, inputs: tensors.map((t) => t.node), inputShapes: tensors.map((t) => t.shape), outputShape: shape, params: 0, macs: 0, module: null, suffix: 'stack', callRange: toRange(site) });
  return new PyTensor(shape, node.id);
}

/** chunk / split / unbind: one `narrow` (or `select`) node per piece, returned as a tuple. */
export function splitTensor(tc: TorchContext, how: string, t: PyTensor, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  const arg = (i: number, name: string, dflt: Value): Value => args[i] ?? kwargs?.get(name) ?? dflt;
  const rank = t.shape?.length ?? null;
  let dim = arg(how === 'unbind' ? 0 : 1, 'dim', 0);
  if (typeof dim !== 'number' || rank === null) return unknownTensorOp(tc, `Tensor.${how}`, [t], site);
  if (dim < 0) dim += rank;
  const size = t.shape![dim];
  let lengths: number[] | null = null;
  if (how === 'unbind') lengths = size === null ? null : Array.from({ length: size }, () => 1);
  else if (how === 'chunk' || how === 'tensor_split') {
    const chunks = arg(0, how === 'chunk' ? 'chunks' : 'sections', 1);
    if (typeof chunks === 'number' && size !== null && chunks > 0) {
      const each = how === 'chunk' ? Math.ceil(size / chunks) : Math.floor(size / chunks);
      lengths = [];
      if (how === 'chunk') for (let s = 0; s < size; s += each) lengths.push(Math.min(each, size - s));
      else for (let i = 0; i < chunks; i++) lengths.push(each + (i < size % chunks ? 1 : 0));
    }
  } else {
    const spec = arg(0, 'split_size_or_sections', 1);
    if (typeof spec === 'number' && size !== null && spec > 0) {
      lengths = [];
      for (let s = 0; s < size; s += spec) lengths.push(Math.min(spec, size - s));
    } else if (spec instanceof PyList || spec instanceof PyTuple) {
      lengths = spec.items.map((x) => (typeof x === 'number' ? x : NaN));
      if (lengths.some((x) => Number.isNaN(x))) lengths = null;
    }
  }
  if (!lengths) return unknownTensorOp(tc, `Tensor.${how}`, [t], site);
  const out: PyTensor[] = [];
  let start = 0;
  for (const length of lengths) {
    const shape = t.shape!.slice();
    if (how === 'unbind') shape.splice(dim, 1);
    else shape[dim] = length;
    if (!tc.tracer.recording || t.node === null) out.push(new PyTensor(shape, null));
    else {
      const op = how === 'unbind' ? 'select' : 'narrow';
      const attrs: Record<string, number> = how === 'unbind' ? { dim, index: start } : { dim, start, length };
      const node = tc.tracer.addNode({ op, attrs, summary: how === 'unbind' ? `dim ${dim}, ${start}` : `dim ${dim}, ${start}:${start + length}`, inputs: [t.node], inputShapes: [t.shape], outputShape: shape, params: 0, macs: 0, module: null, suffix: how, callRange: toRange(site) });
      out.push(new PyTensor(shape, node.id));
    }
    start += length;
  }
  return new PyTuple(out);
}

