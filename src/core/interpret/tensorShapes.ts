// Shape rules of the tensor methods that reshape or split without a registry entry: expand/repeat, stack, chunk/split/unbind.
import type { Shape } from '../graph/ir';
import type { Pos } from '../python/ast';
import { toRange } from './diagnostics';
import type { TorchContext } from './context';
import { unknownTensorOp } from './unknownOp';
import { broadcastShapes } from '../ops/merge';
import { ShapeError } from '../ops/types';
import { numel } from '../ops/shapeText';
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
  const node = tc.tracer.addNode({ op: how === 'repeat' ? 'repeat' : 'expand', attrs: { sizes: nums },
    summary: nums.map((n) => (n === null ? '?' : String(n))).join('×'), inputs: [t.node], inputShapes: [t.shape], outputShape: shape, params: 0, macs: 0,
      module: null, suffix: how, callRange: toRange(site) });
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
  const node = tc.tracer.addNode({ op: 'stack', attrs: { dim: dimValue }, summary: `dim=${dimValue}`, inputs: tensors.map((t) => t.node),
    inputShapes: tensors.map((t) => t.shape), outputShape: shape, params: 0, macs: 0, module: null, suffix: 'stack', callRange: toRange(site) });
  return new PyTensor(shape, node.id);
}

/**
 * Pieces of a tensor whose size along the split is unknown: how many there are is still known for `chunk(n)` and for
 * `split([a, b, c])` (`q, k, v = x.chunk(3, dim=-1)` after an unknown op), so unpacking works; their shapes are unknown.
 */
function unknownPieces(tc: TorchContext, how: string, t: PyTensor, arg: (i: number, name: string, dflt: Value) => Value, site: Pos): Value {
  const unknown = unknownTensorOp(tc, `Tensor.${how}`, [t], site);
  const spec = how === 'chunk' ? arg(0, 'chunks', 1) : how === 'split' ? arg(0, 'split_size_or_sections', 1) : null;
  const count = typeof spec === 'number' && how === 'chunk' ? spec : spec instanceof PyList || spec instanceof PyTuple ? spec.items.length : null;
  if (count === null || count < 1 || count > 4096 || !(unknown instanceof PyTensor)) return unknown;
  return new PyTuple(Array.from({ length: count }, () => new PyTensor(null, unknown.node)));
}

/** chunk / split / unbind: one `narrow` (or `select`) node per piece, returned as a tuple. */
export function splitTensor(tc: TorchContext, how: string, t: PyTensor, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  const arg = (i: number, name: string, dflt: Value): Value => args[i] ?? kwargs?.get(name) ?? dflt;
  const rank = t.shape?.length ?? null;
  let dim = arg(how === 'unbind' ? 0 : 1, 'dim', 0);
  if (typeof dim !== 'number' || rank === null) return unknownPieces(tc, how, t, arg, site);
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
  if (!lengths) return unknownPieces(tc, how, t, arg, site);
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
      const node = tc.tracer.addNode({ op, attrs, summary: how === 'unbind' ? `dim ${dim}, ${start}` : `dim ${dim}, ${start}:${start + length}`,
        inputs: [t.node], inputShapes: [t.shape], outputShape: shape, params: 0, macs: 0, module: null, suffix: how, callRange: toRange(site) });
      out.push(new PyTensor(shape, node.id));
    }
    start += length;
  }
  return new PyTuple(out);
}


/** torch.einsum('bij,bjk->bik', a, b): sizes by subscript letter (explicit `->` or implicit output), `...` broadcast. */
export function einsumTensors(tc: TorchContext, args: Value[], site: Pos): Value {
  const equation = args[0];
  let operands = args.slice(1);
  if (operands.length === 1 && (operands[0] instanceof PyList || operands[0] instanceof PyTuple)) operands = (operands[0] as PyTuple).items;
  if (typeof equation !== 'string' || operands.length === 0 || !operands.every((t) => t instanceof PyTensor))
    return unknownTensorOp(tc, 'torch.einsum', operands, site);
  const tensors = operands as PyTensor[];
  const shape = einsumShape(equation.replace(/\s+/g, ''), tensors.map((t) => t.shape));
  if (shape === undefined) {
    tc.it.diagnostics.add('warning', 'unknown-op',
      `torch.einsum: cannot read the equation '${equation}' for ${tensors.length} operand(s): shapes after it are unknown`, site);
  }
  const out = shape ?? null;
  const traced = tensors.filter((t) => t.node !== null);
  if (!tc.tracer.recording || traced.length === 0) return new PyTensor(out, null);
  const macs = shape ? einsumMacs(equation.replace(/\s+/g, ''), tensors.map((t) => t.shape as Shape)) : 0;
  const node = tc.tracer.addNode({ op: 'einsum', attrs: { equation }, summary: equation, inputs: tensors.map((t) => t.node),
    inputShapes: tensors.map((t) => t.shape), outputShape: out, params: 0, macs, module: null, suffix: 'einsum', callRange: toRange(site) });
  return new PyTensor(out, node.id);
}

/** The output shape of an einsum equation; null when an operand shape is unknown, undefined when the equation does not fit. */
export function einsumShape(equation: string, shapes: (Shape | null)[]): Shape | null | undefined {
  const [lhs, rhs] = equation.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length || equation.split('->').length > 2) return undefined;
  if (shapes.some((s) => s === null)) return null;
  const sizes = new Map<string, number | null>();
  const counts = new Map<string, number>();
  let ellipsis: Shape = [];
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i];
    const shape = shapes[i] as Shape;
    const dots = term.indexOf('...');
    const letters = term.replace('...', '');
    if (!/^[a-zA-Z]*$/.test(letters)) return undefined;
    const extra = shape.length - letters.length;
    if (dots < 0 ? extra !== 0 : extra < 0) return undefined;
    const before = dots < 0 ? letters.length : dots;
    if (dots >= 0) {
      const mine = shape.slice(before, before + extra);
      if (mine.length > ellipsis.length) ellipsis = [...mine.slice(0, mine.length - ellipsis.length), ...ellipsis];
    }
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j];
      const size = shape[j < before ? j : j + extra];
      const known = sizes.get(letter);
      if (known !== undefined && known !== null && size !== null && known !== size && known !== 1 && size !== 1) return undefined;
      if (known === undefined || known === 1 || known === null) sizes.set(letter, size);
      counts.set(letter, (counts.get(letter) ?? 0) + 1);
    }
  }
  const output = rhs ?? (lhs.includes('...') ? '...' : '') + [...counts.keys()].filter((l) => counts.get(l) === 1).sort().join('');
  const out: Shape = [];
  const outLetters = output.replace('...', '');
  if (!/^[a-zA-Z]*$/.test(outLetters)) return undefined;
  const at = output.indexOf('...');
  for (let j = 0; j < outLetters.length; j++) {
    if (j === at) out.push(...ellipsis);
    if (!sizes.has(outLetters[j])) return undefined;
    out.push(sizes.get(outLetters[j]) as number | null);
  }
  if (at >= 0 && at >= outLetters.length) out.push(...ellipsis);
  return out;
}

/**
 * Multiply-accumulates of an einsum contracted left to right, as torch.einsum does: each pairwise step costs the
 * product of the sizes of every index either side names. One operand (a permutation or a sum) costs nothing.
 */
export function einsumMacs(equation: string, shapes: Shape[]): number {
  const [lhs, rhs] = equation.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  const sizes = new Map<string, number>();
  // Dimensions under '...' get private index names, aligned from the right as broadcasting aligns them.
  const expanded = terms.map((term, i) => {
    const letters = term.replace('...', '');
    const extra = shapes[i].length - letters.length;
    const dots = Array.from({ length: Math.max(0, extra) }, (_, k) => String(extra - k));
    const names = term.includes('...') ? term.replace('...', '\u0000').split('').flatMap((c) => (c === '\u0000' ? dots : [c])) : term.split('');
    names.forEach((n, j) => sizes.set(n, Math.max(sizes.get(n) ?? 1, shapes[i][j] ?? NaN)));
    return names;
  });
  // Implicit output (no '->'): the indices named once, as torch.einsum reads it.
  const named = expanded.flat();
  const output = new Set(rhs !== undefined ? rhs.replace('...', '').split('') : named.filter((n) => named.indexOf(n) === named.lastIndexOf(n)));
  if (rhs === undefined || rhs.includes('...')) for (const n of sizes.keys()) if (/\d/.test(n)) output.add(n);
  let current = expanded[0] ?? [];
  let macs = 0;
  for (let i = 1; i < expanded.length; i++) {
    const union = [...new Set([...current, ...expanded[i]])];
    macs += union.reduce((a, n) => a * (sizes.get(n) ?? NaN), 1);
    const later = new Set(expanded.slice(i + 1).flat());
    current = union.filter((n) => output.has(n) || later.has(n));
  }
  return Number.isFinite(macs) ? macs : 0;
}

/** x.new_zeros(sizes) / new_ones / new_empty / new_full(sizes, value) / new_tensor(data): a fresh (untraced) tensor. */
export function newTensor(how: string, args: Value[]): Value {
  if (how === 'new_tensor') return new PyTensor(null, null);
  let sizes: Value[] = how === 'new_full' ? args.slice(0, 1) : args;
  if (sizes.length === 1 && (sizes[0] instanceof PyTuple || sizes[0] instanceof PyList)) sizes = (sizes[0] as PyTuple).items;
  return new PyTensor(sizes.map((d) => (typeof d === 'number' ? d : null)), null);
}

/**
 * max / min / median with a dim (values, indices), without one (a scalar), or of two tensors (elementwise);
 * argmax / argmin; topk (values, indices); sort (values, indices). Indices come from the same node as the values.
 */
export function reduceWithIndices(tc: TorchContext, how: string, t: PyTensor, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  const arg = (i: number, name: string, dflt: Value): Value => args[i] ?? kwargs?.get(name) ?? dflt;
  const other = arg(0, 'other', null);
  if ((how === 'max' || how === 'min') && other instanceof PyTensor) {
    let shape: Shape | null;
    try {
      shape = t.shape && other.shape ? broadcastShapes(how, t.shape, other.shape) : null;
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      shape = null;
    }
    return record(tc, how === 'max' ? 'maximum' : 'minimum', [t, other], shape, {}, site);
  }
  const rank = t.shape?.length ?? null;
  const keepdim = arg(how === 'topk' ? 99 : 1, 'keepdim', false) === true;
  const dimArg = how === 'topk' ? arg(1, 'dim', -1) : how === 'sort' ? arg(0, 'dim', -1) : arg(0, 'dim', null);
  let shape: Shape | null = null;
  if (rank !== null) {
    const dim = typeof dimArg === 'number' ? (dimArg < 0 ? dimArg + rank : dimArg) : null;
    if (dimArg === null) shape = how === 'sort' ? t.shape : keepdim ? t.shape!.map(() => 1) : [];
    else if (dim !== null && dim >= 0 && dim < rank) {
      if (how === 'sort') shape = t.shape;
      else if (how === 'topk') {
        const k = arg(0, 'k', null);
        shape = t.shape!.map((d, i) => (i === dim ? (typeof k === 'number' ? k : null) : d));
      } else shape = keepdim ? t.shape!.map((d, i) => (i === dim ? 1 : d)) : t.shape!.filter((_, i) => i !== dim);
    }
  }
  const out = record(tc, how, [t], shape, { dim: typeof dimArg === 'number' ? dimArg : null, keepdim }, site);
  const pair = how === 'topk' || how === 'sort' || (dimArg !== null && how !== 'argmax' && how !== 'argmin');
  return pair ? new PyTuple([out, new PyTensor(shape, out.node === null ? null : tc.tracer.tupleItem(out.node, 1))]) : out;
}

function record(tc: TorchContext, op: string, inputs: PyTensor[], shape: Shape | null, attrs: Record<string, number | boolean | null>, site: Pos,
  macs = 0): PyTensor {
  if (!tc.tracer.recording || inputs.every((t) => t.node === null)) return new PyTensor(shape, null);
  const node = tc.tracer.addNode({ op, attrs, summary: attrs.dim !== undefined && attrs.dim !== null ? `dim=${attrs.dim}` : '',
    inputs: inputs.map((t) => t.node), inputShapes: inputs.map((t) => t.shape), outputShape: shape, params: 0, macs, module: null, suffix: op,
      callRange: toRange(site) });
  return new PyTensor(shape, node.id);
}

/** F.scaled_dot_product_attention(q, k, v, ...): …×L×E_v (query rows, value features). */
export function attentionTensors(tc: TorchContext, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  const [q, k, v] = [args[0] ?? kwargs?.get('query'), args[1] ?? kwargs?.get('key'), args[2] ?? kwargs?.get('value')];
  if (!(q instanceof PyTensor) || !(k instanceof PyTensor) || !(v instanceof PyTensor))
    return unknownTensorOp(tc, 'F.scaled_dot_product_attention', args, site);
  let shape: Shape | null = null;
  if (q.shape && v.shape && q.shape.length >= 2 && v.shape.length >= 2) shape = [...q.shape.slice(0, -1), v.shape[v.shape.length - 1]];
  // q·kᵀ (…×L×E by E×S) and attn·v (…×L×S by S×Ev): (numel(q) + numel(out)) × S.
  const s = k.shape && k.shape.length >= 2 ? k.shape[k.shape.length - 2] : null;
  const macs = shape && q.shape && s !== null ? ((numel(q.shape) ?? NaN) + (numel(shape) ?? NaN)) * s : 0;
  const mask = args[3] ?? kwargs?.get('attn_mask');
  const causal = args[5] ?? kwargs?.get('is_causal');
  const scale = args[6] ?? kwargs?.get('scale');
  const attrs: Record<string, number | boolean | null> = { is_causal: causal === true, scale: typeof scale === 'number' ? scale : null };
  if (mask instanceof PyTensor) attrs.attn_mask_input = 3;
  return record(tc, 'scaled_dot_product_attention', mask instanceof PyTensor ? [q, k, v, mask] : [q, k, v], shape, attrs, site,
    Number.isFinite(macs) ? macs : 0);
}

/**
 * F.multi_head_attention_forward(query, key, value, embed_dim, num_heads, ...): (L, N, E) sequence-first or (L, E);
 * returns (output, weights or None). MACs as nn.MultiheadAttention: the four projections, q·kᵀ and attn·v.
 */
export function mhaForwardTensors(tc: TorchContext, args: Value[], kwargs: Map<string, Value> | null, site: Pos): Value {
  const arg = (i: number, name: string, dflt: Value): Value => args[i] ?? kwargs?.get(name) ?? dflt;
  const [q, k, v] = [arg(0, 'query', null), arg(1, 'key', null), arg(2, 'value', null)];
  const embed = arg(3, 'embed_dim_to_check', null);
  const heads = arg(4, 'num_heads', null);
  if (!(q instanceof PyTensor) || !(k instanceof PyTensor) || !(v instanceof PyTensor))
    return unknownTensorOp(tc, 'F.multi_head_attention_forward', args, site);
  let shape: Shape | null = null;
  let weights: Shape | null = null;
  let macs = 0;
  // The output has out_proj_weight's rows (CLIP's attention pooling projects embed_dim to output_dim there).
  const outWeight = arg(11, 'out_proj_weight', null);
  const outFeatures: number | null = outWeight instanceof PyTensor ? (outWeight.shape?.length === 2 ? outWeight.shape[0] : null)
    : typeof embed === 'number' ? embed : null;
  if (q.shape && k.shape && v.shape && typeof embed === 'number' && (q.shape.length === 2 || q.shape.length === 3)) {
    shape = [...q.shape.slice(0, -1), outFeatures];
    const [l, n, s] = q.shape.length === 2 ? [q.shape[0], 1, k.shape[0]] : [q.shape[0], q.shape[1], k.shape[0]];
    const average = arg(23, 'average_attn_weights', true) !== false;
    const perHead = average ? [l, s] : [typeof heads === 'number' ? heads : null, l, s];
    weights = q.shape.length === 2 ? perHead : [n, ...perHead];
    const [kdim, vdim] = [k.shape[k.shape.length - 1], v.shape[v.shape.length - 1]];
    const total = outFeatures === null ? null : numel([n, l, embed, embed + outFeatures]);
    const kv = kdim === null || vdim === null ? null : numel([n, s, embed, kdim + vdim]);
    const attention = numel([n, l, s, embed, 2]);
    macs = total === null || kv === null || attention === null ? 0 : total + kv + attention;
  }
  const out = record(tc, 'multi_head_attention_forward', [q, k, v], shape, {}, site, macs);
  return new PyTuple([out, arg(15, 'need_weights', true) === false ? null : new PyTensor(weights, out.node === null ? null : tc.tracer.tupleItem(out.node, 1))]);
}
